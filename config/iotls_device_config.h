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
 * (src/wiretap.c; default 512). The device's ClientHello and a ServerHello
 * fit in 256; longer lists are still counted in full. Saves 512 bytes of
 * heap for the life of a connection. */
#define IOTLS_TAP_KEEP 256

#endif /* IOTLS_DEVICE_CONFIG_H */
