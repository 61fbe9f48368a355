/*
 * Diagnosis: revocation (cert_revoked). The chain failed a CRL check made
 * against the trust store's CRLs (src/trust/crl.c, iotls_trust_add_crl):
 * a certificate is on its issuer's CRL (MBEDTLS_X509_BADCERT_REVOKED), or
 * the CRL of an issuer could not vouch for it (expired, not valid yet, not
 * signed by that issuer: MBEDTLS_X509_BADCRL_*), which fails the chain as
 * well. The certificate is named by its place in the chain as sent (or
 * given) by looking it up in the store's CRLs again.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "diagnose/rules.h"
#include "trust/crl.h"

#define BADCRL_ANY                                                                             \
    (MBEDTLS_X509_BADCRL_NOT_TRUSTED | MBEDTLS_X509_BADCRL_EXPIRED |                           \
     MBEDTLS_X509_BADCRL_FUTURE | MBEDTLS_X509_BADCRL_BAD_MD | MBEDTLS_X509_BADCRL_BAD_PK |    \
     MBEDTLS_X509_BADCRL_BAD_KEY)

int iotls_diag_revoked(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    const iotls_trust *t = x->in != NULL ? x->in->trust : NULL;
    const mbedtls_x509_crt *c;
    char subj[160], issuer[160], when[40];
    const char *whose = x->offline ? "given" : "server's";
    int i, found = 0;
    int64_t at = 0;

    if ((e->verify_flags & (MBEDTLS_X509_BADCERT_REVOKED | BADCRL_ANY)) == 0)
        return 0;
    if (e->verify_flags & MBEDTLS_X509_BADCERT_REVOKED) {
        iotls_diag_add_evidence(x, "verify flag revoked: a certificate is on its issuer's CRL "
                                   "(--crlfile)");
        for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 16; c = c->next, i++) {
            if (!iotls_crl_find(t, c, &at))
                continue;
            iotls_x509_dn_text(&c->subject, subj, sizeof subj);
            iotls_x509_dn_text(&c->issuer, issuer, sizeof issuer);
            iotls_diag_time_text(at, when, sizeof when);
            iotls_diag_add_evidence(x, "certificate #%d (%s) is listed on the CRL of %s, "
                                       "revoked on %s", i, subj, issuer, when);
            if (!found++)
                iotls_diag_summary(x, "certificate #%d (%s) of the %s chain is revoked: its "
                                      "issuer's CRL lists it (revoked on %s)",
                                   i, subj, whose, when);
        }
        if (!found)
            iotls_diag_summary(x, "a certificate of the %s chain is revoked: its issuer's CRL "
                                  "lists it", whose);
        iotls_diag_conclude(x, IOTLS_CAUSE_CERT_REVOKED, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    /* No certificate listed, but a CRL that should have said so could not. */
    for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 16; c = c->next, i++) {
        int64_t next = 0;
        int st = iotls_crl_issuer_state(t, c, e->wall_time, &next);
        if (st < 2)
            continue;
        iotls_x509_dn_text(&c->issuer, issuer, sizeof issuer);
        iotls_diag_time_text(next, when, sizeof when);
        iotls_diag_add_evidence(x, "the CRL of %s (issuer of certificate #%d) %s %s", issuer, i,
                                st == 2 ? "is out of date: its nextUpdate was"
                                        : "is not valid yet; its nextUpdate is",
                                when);
        if (!found++)
            iotls_diag_summary(x, "the revocation of certificate #%d of the %s chain cannot be "
                                  "checked: the CRL of its issuer (%s) %s%s", i, whose, issuer,
                               st == 2 ? "expired on " : "is not valid yet",
                               st == 2 ? when : "");
    }
    if (!found) {
        iotls_diag_add_evidence(x, "verify flag %s",
                                e->verify_flags & MBEDTLS_X509_BADCRL_NOT_TRUSTED
                                    ? "crl_not_trusted: a CRL names an issuer of the chain but "
                                      "is not signed by it (or it lacks cRLSign)"
                                    : "badcrl: a CRL of an issuer of the chain cannot be used");
        iotls_diag_summary(x, "the revocation of the %s chain cannot be checked: a CRL given for "
                              "one of its issuers is not signed by it, or not valid now", whose);
    }
    iotls_diag_conclude(x, IOTLS_CAUSE_CERT_REVOKED, IOTLS_DIAG_CERTAIN);
    return 1;
}
