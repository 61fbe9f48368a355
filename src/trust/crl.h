/*
 * Revocation checks against the trust store's CRLs (crl.c), for the verify
 * callbacks (verify.c, chain.c) and the diagnosis (rules_revoked.c).
 */
#ifndef IOTLS_TRUST_CRL_H
#define IOTLS_TRUST_CRL_H

#include <stdint.h>

#include "mbedtls/x509_crt.h"

#include "iotls/trust.h"

/* Frees the store's CRLs (iotls_trust_free). */
void iotls_trust_crl_free(iotls_trust *t);

/* Verify flags for crt, whose issuer in the built chain is issuer, at time
 * now (s since 1970; < 0: dates not checked): MBEDTLS_X509_BADCERT_REVOKED
 * when a CRL issuer signed lists it; MBEDTLS_X509_BADCRL_NOT_TRUSTED /
 * _EXPIRED / _FUTURE for a CRL of that issuer that cannot vouch for it.
 * 0 when no CRL names issuer. */
uint32_t iotls_crl_check(const iotls_trust *t, const mbedtls_x509_crt *crt,
                         const mbedtls_x509_crt *issuer, int64_t now);

/* 1 when a CRL of crt's issuer (by name) lists crt's serial, with the
 * revocation date in *revoked_at (may be NULL); 0 otherwise. */
int iotls_crl_find(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t *revoked_at);

/* The first CRL named after crt's issuer: 0 none, 1 current, 2 expired,
 * 3 not valid yet at now; its nextUpdate in *next_update (may be NULL). */
int iotls_crl_issuer_state(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t now,
                           int64_t *next_update);

#endif /* IOTLS_TRUST_CRL_H */
