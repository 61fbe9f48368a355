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

/* Bytes of each hello the record tap keeps for the error evidence
 * (src/wiretap.c; default 512). The device's ClientHello (about 120 bytes
 * plus the host name) and a ServerHello fit in 192 for host names up to
 * about 70 characters; past that the lists after the SNI are kept
 * truncated (still counted in full). Saves 640 bytes of heap for the life
 * of a connection, which the 22 KB budget needs. */
#define IOTLS_TAP_KEEP 192

#endif /* IOTLS_DEVICE_CONFIG_H */
