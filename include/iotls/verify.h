/*
 * Offline chain verification: the check a connection makes of the server's
 * certificates, without a connection.
 *
 *   iotls_error e;
 *   int rc = iotls_verify_chain(pem, pem_len, &trust, "example.com", at, &e);
 *
 * The chain is what a server would send: its certificate first, then the
 * intermediates, as PEM (one or more CERTIFICATE blocks) or one DER
 * certificate. It is verified against the trust store with the same lookup,
 * the same certificate profile (SHA-256 or better, RSA >= 2048 bits, NIST
 * curves) and the same policy (src/trust/policy.c: host name or IP SANs,
 * a CA used as the server's, key usage and extended key usage for a TLS
 * server, name constraints) as iotls_conn_connect() applies, at a chosen
 * time instead of the clock's.
 */
#ifndef IOTLS_VERIFY_H
#define IOTLS_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"
#include "iotls/diagnose.h"
#include "iotls/error.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* at_unix for "now": the port's wall clock (iotls_port_wall_time()). */
#define IOTLS_VERIFY_NOW (-1)

/* What to verify besides the chain; iotls_verify_params_init() gives the
 * defaults. */
typedef struct iotls_verify_params {
    const char *host;       /* DNS name, or IP literal (matched against the
                               iPAddress SANs); NULL: no name check at all */
    int64_t at_unix;        /* validation time, s since 1970 UTC;
                               IOTLS_VERIFY_NOW (default): the port's clock */
    int max_intermediates;  /* most intermediates between the server's
                               certificate and the trust anchor, self-issued
                               ones not counted (RFC 5280 6.1); -1 (default):
                               Mbed TLS's own bound only
                               (MBEDTLS_X509_MAX_INTERMEDIATE_CA) */
} iotls_verify_params;

/* Cannot fail: host NULL, now, no extra bound. */
void iotls_verify_params_init(iotls_verify_params *p);

/* The trust anchor of a successful verification: the root (or the
 * locally trusted certificate) the chain ended at. */
typedef struct iotls_verify_anchor {
    char subject[IOTLS_ANCHOR_SUBJECT_MAX]; /* subject DN as text, "" if none */
    size_t der_len;                         /* size of its DER, 0 if none */
    int is_root;                            /* 1: self-issued (a root); 0: a
                                               trusted certificate that is
                                               not (an intermediate) */
} iotls_verify_anchor;

/*
 * Verifies chain[0..len) against trust for params (NULL: the defaults).
 * Returns IOTLS_OK when the chain is valid for the host at that time, and
 * fills *anchor (may be NULL). Otherwise *err says why (err may be NULL)
 * and the return value is its code:
 *  - IOTLS_ERR_VERIFY (stage verify): rejected; err->verify_flags holds the
 *    MBEDTLS_X509_BADCERT_* and IOTLS_BADCERT_* bits, err->detail what the
 *    policy found first, err->mbedtls_code Mbed TLS's return value;
 *  - IOTLS_ERR_CHAIN_INPUT (stage setup): no certificate could be read from
 *    the buffer, or one of its PEM blocks or certificates is corrupt
 *    (err->mbedtls_code says why, err->detail which one);
 *  - IOTLS_ERR_HOSTNAME (stage setup): host is neither an IP literal nor a
 *    usable DNS name;
 *  - IOTLS_ERR_TRUST_EMPTY (stage setup): the store holds no certificate;
 *  - IOTLS_ERR_USAGE, IOTLS_ERR_ALLOC.
 * err->wall_time is the validation time, err->host and err->verify_name
 * the host, err->is_ip whether it is an IP literal.
 */
int iotls_verify_chain_params(const unsigned char *chain, size_t len, iotls_trust *trust,
                              const iotls_verify_params *params, iotls_error *err,
                              iotls_verify_anchor *anchor);

/* The same with the defaults but host and time (IOTLS_VERIFY_NOW). */
int iotls_verify_chain(const unsigned char *chain, size_t len, iotls_trust *trust,
                       const char *host, int64_t at_unix, iotls_error *err);

/*
 * Diagnoses a failure err of iotls_verify_chain*() on the same chain
 * buffer: the cause (expired, hostname_mismatch, unknown_ca, ...), its
 * evidence and its fix, as iotls_diagnose() does for a connection. Returns
 * 1 when err is a failure (out filled), 0 for IOTLS_OK, IOTLS_ERR_USAGE
 * for NULL arguments.
 */
int iotls_verify_diagnose(const unsigned char *chain, size_t len, const iotls_error *err,
                          const iotls_trust *trust, iotls_diagnosis *out);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_VERIFY_H */
