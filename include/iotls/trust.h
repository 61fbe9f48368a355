/*
 * Trust stores: the CA certificates a connection verifies against.
 *
 * Unlike mbedtls_x509_crt_parse(), which returns a bare count of what it
 * skipped, every certificate that fails to load is remembered with its
 * position, its subject when that much could be read, and the Mbed TLS code
 * saying why. An empty store is an error at connect time, never a silent
 * "verify nothing".
 */
#ifndef IOTLS_TRUST_H
#define IOTLS_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"
#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One certificate that was not loaded. */
typedef struct iotls_trust_issue {
    char source[96];      /* file name or the caller's label for a buffer */
    uint32_t index;       /* 1-based position of the certificate in its source */
    uint32_t line;        /* line of its BEGIN marker (PEM), 0 for DER */
    int mbedtls_code;     /* why (negative Mbed TLS code) */
    char subject[128];    /* subject DN if readable, "" otherwise */
} iotls_trust_issue;

typedef struct iotls_trust {
    void *certs;              /* private: the parsed certificates (Mbed TLS's
                                 mbedtls_x509_crt list), NULL until one loads */
    uint32_t loaded;          /* certificates loaded */
    uint32_t skipped;         /* certificates that failed to load */
    uint32_t sources;         /* buffers and files read */
    uint32_t n_issues;        /* issues kept (<= IOTLS_TRUST_MAX_ISSUES) */
    iotls_trust_issue issues[IOTLS_TRUST_MAX_ISSUES];
    char origin[160];         /* where the store came from, for reports */
} iotls_trust;

/* Cannot fail. */
void iotls_trust_init(iotls_trust *t);
void iotls_trust_free(iotls_trust *t);

/*
 * Add certificates from memory: PEM (one or more blocks, with or without a
 * trailing NUL counted in len) or a single DER certificate. label names the
 * buffer in reports. Returns IOTLS_OK if the buffer was read (even if some
 * certificates in it were skipped, which the issues list records), or
 * IOTLS_ERR_USAGE / IOTLS_ERR_ALLOC. A buffer holding no certificate at all
 * is recorded as an issue with index 0.
 */
int iotls_trust_add_buffer(iotls_trust *t, const unsigned char *buf, size_t len,
                           const char *label);

/*
 * Reason text for an issue ("unsupported public key algorithm", ...), from
 * its mbedtls_code. Static string.
 */
const char *iotls_trust_reason(int mbedtls_code);

/* Ports with a file system also provide, in port/<name>/:
 *   iotls_trust_add_file(), iotls_trust_add_dir(), iotls_trust_add_system()
 * (see port/posix/iotls_port_posix.h). */

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_TRUST_H */
