/*
 * Diagnosis, top layer: one entry point per family of causes (rules_*.c)
 * and the side notes (notes.c), called in order by diagnose.c. Each family
 * returns 1 when it concluded, 0 to let the next try.
 */
#ifndef IOTLS_DIAG_RULES_H
#define IOTLS_DIAG_RULES_H

#include "diagnose/fix.h"

/* Families. */
int iotls_diag_setup(iotls_diag_ctx *x);     /* memory, entropy, trust store */
int iotls_diag_network(iotls_diag_ctx *x);   /* dns, connect, read, write */
int iotls_diag_handshake(iotls_diag_ctx *x); /* what the server answered */
int iotls_diag_cert(iotls_diag_ctx *x);      /* verify flags and the chain */
int iotls_diag_tlsopt(iotls_diag_ctx *x);    /* pins, ALPN, PSK (rules_tlsopt.c) */

/* Within iotls_diag_cert(), after Mbed TLS's own flags: what iotls's
 * certificate policy rejected (rules_policy.c); leaf heads the chain as
 * sent (or given), NULL when unknown. */
struct mbedtls_x509_crt;
int iotls_diag_policy(iotls_diag_ctx *x, const struct mbedtls_x509_crt *leaf);

/* Within iotls_diag_cert(): a certificate on its issuer's CRL, or a CRL
 * that cannot vouch for it (rules_revoked.c). */
int iotls_diag_revoked(iotls_diag_ctx *x, const struct mbedtls_x509_crt *leaf);

/* Within the handshake family, a client certificate the server rejected:
 * what the certificate iotls holds shows (rules_client.c); 1 concluded, 2
 * not, but the server named its issuer, 0 not. */
int iotls_diag_client_own(iotls_diag_ctx *x, iotls_certainty certainty);

/* iotls_diagnose() for a chain verified offline (src/trust/chain.c): the
 * certificate rules read chain (leaf first) instead of a connection's. */
struct mbedtls_x509_crt;
int iotls_diagnose_offline(const iotls_error *e, const iotls_diag_input *in,
                           const struct mbedtls_x509_crt *chain, iotls_diagnosis *out);

/* Notes that hold whatever the cause: trust store issues, a narrow offer,
 * an SNI other than the host, a clock before the build date. */
void iotls_diag_side_notes(iotls_diag_ctx *x);

#endif /* IOTLS_DIAG_RULES_H */
