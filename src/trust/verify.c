/*
 * Certificate name checks iotls does itself:
 *  - an IP literal dialed: match the iPAddress SANs. Mbed TLS 3.6 could
 *    match them too, but only for a name given to mbedtls_ssl_set_hostname(),
 *    which it also sends as SNI, and RFC 6066 forbids an IP there; so iotls
 *    passes NULL (no SNI, no name check by Mbed TLS) and checks here;
 *  - SNI disabled: Mbed TLS only checks the name it sends, so with no SNI
 *    the host name is checked here (RFC 6125).
 * Both run in the verify callback at depth 0 (the server's certificate),
 * and a mismatch also sets MBEDTLS_X509_BADCERT_CN_MISMATCH so Mbed TLS
 * fails the handshake exactly as for its own name check.
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"

#include "conn/engine.h"

static int lower(int ch)
{
    return (ch >= 'A' && ch <= 'Z') ? ch + ('a' - 'A') : ch;
}

static int eq_nocase(const unsigned char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++)
        if (lower(a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* One presented identifier (pattern) against the host, RFC 6125 6.4: exact,
 * or "*." + suffix where '*' stands for exactly one non-empty left-most
 * label, and the suffix has at least two labels. */
static int name_matches(const unsigned char *pat, size_t plen, const char *host)
{
    size_t hlen = strlen(host);
    const char *dot;

    if (plen == 0)
        return 0;
    if (eq_nocase(pat, plen, host, hlen))
        return 1;
    if (plen < 4 || pat[0] != '*' || pat[1] != '.')
        return 0;
    if (memchr(pat + 2, '.', plen - 2) == NULL)
        return 0;
    dot = strchr(host, '.');
    if (dot == NULL || dot == host)
        return 0;
    return eq_nocase(pat + 1, plen - 1, dot, strlen(dot));
}

int iotls_x509_match_dns(const mbedtls_x509_crt *crt, const char *host)
{
    const mbedtls_x509_sequence *cur;
    const mbedtls_x509_name *n;
    int have_dns = 0;

    if (crt == NULL || host == NULL || host[0] == '\0')
        return 0;
    for (cur = &crt->subject_alt_names; cur != NULL; cur = cur->next) {
        if (cur->buf.p == NULL || cur->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2))
            continue;
        have_dns = 1;
        if (name_matches(cur->buf.p, cur->buf.len, host))
            return 1;
    }
    if (have_dns)
        return 0;
    /* RFC 6125 6.4.4: the CN only when there is no dNSName SAN. */
    for (n = &crt->subject; n != NULL; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 &&
            name_matches(n->val.p, n->val.len, host))
            return 1;
    }
    return 0;
}

/* Copies the chain as the server sent it (crt at depth 0 heads it). */
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
        if (mbedtls_x509_crt_parse_der(pv->failed_chain, cur->raw.p, cur->raw.len) != 0)
            break; /* out of memory: keep what fits */
}

int iotls_verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    iotls_conn *c = (iotls_conn *)p;
    iotls_conn_priv *pv;
    const iotls_conf *conf;

    if (c == NULL || c->priv == NULL)
        return 0;
    pv = IOTLS_PRIV(c);
    /* Mbed TLS calls this from the top of the chain down to depth 0. */
    if (depth != 0) {
        pv->flags_seen |= *flags;
        return 0;
    }
    conf = c->conf;
    if (conf->sni_mode == IOTLS_SNI_CUSTOM) {
        /* Mbed TLS checks the name it sent */
    } else if (c->is_ip) {
        if (!iotls_x509_match_ip(crt, &c->ip))
            *flags |= IOTLS_BADCERT_IP_MISMATCH | MBEDTLS_X509_BADCERT_CN_MISMATCH;
    } else if (conf->sni_mode == IOTLS_SNI_NONE) {
        if (!iotls_x509_match_dns(crt, c->err.host))
            *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    pv->flags_seen |= *flags;
    if (pv->flags_seen != 0)
        keep_chain(pv, crt);
    return 0;
}
