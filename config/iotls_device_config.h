/*
 * iotls options for the device build (IOTLS_USER_CONFIG_FILE): the same
 * library with smaller bookkeeping. Defaults and meanings: include/iotls/config.h.
 */
#ifndef IOTLS_DEVICE_CONFIG_H
#define IOTLS_DEVICE_CONFIG_H

/* One address per name: LwIP's resolver returns one. */
#define IOTLS_MAX_ADDRS 1
/* A device's trust store is a few PEM blocks compiled in or provisioned;
 * the first rejects are what a developer needs to see. */
#define IOTLS_TRUST_MAX_ISSUES 2

/* The device build implements 9 suites: room for them and a few more,
 * 192 bytes less heap per connection than the host's 64. */
#define IOTLS_MAX_SUITES 16

/* Bytes of each hello the record tap keeps for the error evidence
 * (src/wire/wiretap.c; default 512). The device's TLS 1.3 + 1.2 ClientHello is
 * about 197 bytes plus the host name: for names up to about 30 characters
 * 192 keeps the version, random, suites, SNI, ALPN, supported_versions,
 * key_share and supported_groups, and cuts the tail of signature_algorithms and the TLS 1.2 extensions
 * (still counted in full); a ServerHello fits. Each 64 bytes more costs
 * 128 bytes of heap for the life of a connection, and the heap budget has
 * none to spare (docs/device.md). */
#define IOTLS_TAP_KEEP 192

/* Session resumption: one session in the in-process cache (a device talks
 * to one server), blobs up to 768 bytes (a TLS 1.3 ticket session for a
 * 30-character host is ~330 bytes with OpenSSL's tickets). */
#define IOTLS_SESSION_CACHE_ENTRIES 1
#define IOTLS_SESSION_MAX 768

/* Small records (docs/device.md): IOTLS_DEVICE_RECORD_LIMIT, a compile
 * definition for Mbed TLS and iotls alike (cmake -DIOTLS_FW_RECORD_LIMIT=N
 * builds the firmware with it), sets the TLS input buffer to N bytes (64 to
 * 16384; 4096 saves 12 KB of heap per connection) and turns on TLS 1.3
 * record_size_limit and TLS 1.2 max_fragment_length: config/mbedtls_device.h. */

#endif /* IOTLS_DEVICE_CONFIG_H */
