/*
 * The verify callback of every connection.
 *
 * Mbed TLS builds and checks the chain (signatures, dates, the profile),
 * then calls iotls_verify_cb once per certificate, from the top down to
 * the server's own (depth 0). The callback applies iotls's certificate
 * policy (policy.c: host name or IP SANs, a CA used as the server's, key
 * usage, name constraints) to each, the same policy `iotls verify` applies
 * offline (chain.c), and any flag it adds fails the handshake as Mbed
 * TLS's own would. It also keeps what reports need: the chain as sent when
 * verification fails (Mbed TLS frees it then), and the trust anchor's name
 * when it succeeds (iotls_conn_anchor).
 *
 * The name: an IP literal is never sent as SNI (RFC 6066), so Mbed TLS
 * checks no name for it, nor for a host sent without SNI; for a host sent
 * as SNI it checks the name itself, and the callback drops that verdict so
 * the policy's (RFC 6125, iotls_policy_match_dns(): dNSName SANs only,
 * never the common name) is the only one. A name set with --sni is
 * Mbed TLS's to check (policy check_name 0).
 */
#include <string.h>

#include "mbedtls/oid.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "trust/crl.h"

/* Copies the chain as the server sent it (crt at depth 0 heads it), with
 * the policy's parser: a CA with critical name constraints that reached
 * the callback must be readable in the report too. */
static void keep_chain(iotls_conn_priv *pv, const mbedtls_x509_crt *crt)
{
    const mbedtls_x509_crt *cur;

    if (pv->chain_kept)
        return;
    pv->chain_kept = 1;
    pv->failed_chain = (mbedtls_x509_crt *)iotls_port_calloc(1, sizeof *pv->failed_chain);
    if (pv->failed_chain == NULL)
        return; /* out of memory: the report goes without the chain */
    mbedtls_x509_crt_init(pv->failed_chain);
    for (cur = crt; cur != NULL && cur->raw.p != NULL; cur = cur->next)
        if (iotls_x509_parse_der(pv->failed_chain, cur->raw.p, cur->raw.len) != 0)
            break; /* out of memory: keep what fits */
}

/* The certificate at the highest depth: named as the anchor once the
 * whole chain passed (depth 0 with no flag anywhere). */
static void note_anchor(iotls_conn_priv *pv, const mbedtls_x509_crt *top)
{
    if (top == NULL || top->raw.p == NULL)
        return;
    if (mbedtls_x509_dn_gets(pv->anchor_subject, sizeof pv->anchor_subject, &top->subject) < 0)
        pv->anchor_subject[0] = '\0';
    pv->anchor_der_len = (uint32_t)top->raw.len;
    pv->anchor_is_root = iotls_x509_self_issued(top);
}

int iotls_verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    iotls_conn *c = (iotls_conn *)p;
    iotls_conn_priv *pv;
    iotls_policy *pol;

    if (c == NULL || c->priv == NULL || c->eng == NULL)
        return 0;
    pv = IOTLS_PRIV(c);
    pol = &c->eng->policy;
    /* Mbed TLS calls this from the top of the chain (the trust anchor, or
     * the last certificate it could place) down to depth 0. The first
     * call of a verification starts the policy afresh (a handshake made
     * again after the TLS 1.2 RSA-PSS retry verifies again). */
    if (!pv->verify_in_chain) {
        pv->verify_in_chain = 1;
        pv->verify_top = crt;
        pv->anchor_der_len = 0;
        pv->anchor_subject[0] = '\0';
        pv->bundle_anchor = 0; /* set again by the hook if a bundled root anchors */
        iotls_policy_init(pol, pol->host, pol->ip, pol->check_name);
    }
    iotls_bundle_verify_hook(c, crt, depth, flags); /* device root bundle (bundle.c) */
    /* For a DNS host sent as SNI, Mbed TLS checked the name too (set by
     * mbedtls_ssl_set_hostname()); the policy decides instead, so that a
     * connection and `iotls verify` agree. With --sni NAME (check_name 0)
     * Mbed TLS's check of that name stands. */
    if (depth == 0 && pol->check_name)
        *flags &= ~MBEDTLS_X509_BADCERT_CN_MISMATCH;
    iotls_policy_check(pol, crt, depth, flags);
    /* Revocation (crl.c): against the CRLs the certificate above signed. */
    if (crt != pv->verify_top)
        *flags |= iotls_crl_check(c->conf != NULL ? c->conf->trust : NULL, crt,
                                  pv->verify_parent, iotls_port_wall_time());
    pv->verify_parent = crt;
    pv->flags_seen |= *flags;
    if (depth != 0)
        return 0;
    pv->verify_in_chain = 0;
    /* A keyUsage without digitalSignature passes here and fails Mbed
     * TLS's usage check after this callback (mbedtls_ssl_check_cert_usage:
     * an ECDHE or TLS 1.3 handshake needs it), with the chain freed: keep
     * it now, so the report can name the certificate. */
    if (pv->flags_seen != 0 ||
        (mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_KEY_USAGE) &&
         mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0))
        keep_chain(pv, crt);
    if (pv->flags_seen != 0) {
        /* The policy's one line (which certificate, which rule) is the
         * error's detail, as for iotls_verify_chain(): the report and the
         * diagnosis show it. */
        if (c->err.detail[0] == '\0' && pol->detail[0] != '\0')
            iotls_strlcpy(c->err.detail, pol->detail, sizeof c->err.detail);
    }
    else
        note_anchor(pv, pv->verify_top);
    pv->verify_top = NULL;
    return 0;
}
