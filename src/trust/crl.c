/*
 * Certificate revocation lists in the trust store (iotls_trust_add_crl).
 *
 * Mbed TLS checks CRLs only when it is handed the trusted CAs as a list
 * (mbedtls_ssl_conf_ca_chain); its CA callback, which the lazy store uses
 * for large stores, takes none. So the check is made here, from the verify
 * callback of a connection (verify.c) and of iotls verify (chain.c), for
 * every certificate of the built chain against the CRLs its parent (the
 * certificate one depth above, the trust anchor at the top) signed: the
 * same verdict whichever store form or lookup found the anchor.
 */
#include <string.h>

#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "trust/crl.h"

#if defined(MBEDTLS_X509_CRL_PARSE_C)

/* Does buf hold PEM, i.e. the CRL's BEGIN marker? (DER may hold any byte.) */
static int is_pem(const unsigned char *buf, size_t len)
{
    static const char marker[] = "-----BEGIN X509 CRL-----";
    size_t n = sizeof marker - 1, i;

    for (i = 0; n <= len && i <= len - n; i++)
        if (buf[i] == '-' && memcmp(buf + i, marker, n) == 0)
            return 1;
    return 0;
}

int iotls_trust_add_crl(iotls_trust *t, const unsigned char *buf, size_t len, int *mbedtls_code)
{
    mbedtls_x509_crl *list = t != NULL ? (mbedtls_x509_crl *)t->crls : NULL;
    mbedtls_x509_crl *tail;
    unsigned char *copy;
    uint32_t before = 0, n = 0;
    int ret;

    if (mbedtls_code != NULL)
        *mbedtls_code = 0;
    if (t == NULL || (buf == NULL && len > 0))
        return IOTLS_ERR_USAGE;
    if (len == 0) {
        if (mbedtls_code != NULL)
            *mbedtls_code = MBEDTLS_ERR_X509_INVALID_FORMAT;
        return IOTLS_ERR_CRL;
    }
    if (list == NULL) {
        list = (mbedtls_x509_crl *)mbedtls_calloc(1, sizeof *list);
        if (list == NULL)
            return IOTLS_ERR_ALLOC;
        mbedtls_x509_crl_init(list);
        t->crls = list;
    }
    for (tail = list; tail != NULL && tail->version != 0; tail = tail->next)
        before++;
    /* Mbed TLS takes PEM only with the terminating NUL counted. */
    copy = (unsigned char *)mbedtls_calloc(1, len + 1);
    if (copy == NULL)
        return IOTLS_ERR_ALLOC;
    memcpy(copy, buf, len);
    ret = mbedtls_x509_crl_parse(list, copy, is_pem(buf, len) ? len + 1 : len);
    mbedtls_free(copy);
    for (tail = list; tail != NULL && tail->version != 0; tail = tail->next)
        n++;
    if (mbedtls_code != NULL)
        *mbedtls_code = ret;
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return IOTLS_ERR_ALLOC;
    /* A PEM file with one bad block among good ones is refused whole: a
     * revocation list read in part would pass what it should refuse. */
    if (ret != 0 || n == before)
        return IOTLS_ERR_CRL;
    t->n_crls = n;
    return IOTLS_OK;
}

void iotls_trust_crl_free(iotls_trust *t)
{
    if (t == NULL || t->crls == NULL)
        return;
    mbedtls_x509_crl_free((mbedtls_x509_crl *)t->crls);
    mbedtls_free(t->crls);
    t->crls = NULL;
    t->n_crls = 0;
}

/* Is crl signed by issuer's key? */
static int crl_signed_by(const mbedtls_x509_crl *crl, const mbedtls_x509_crt *issuer)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    mbedtls_md_type_t md_alg = crl->MBEDTLS_PRIVATE(sig_md);
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(md_alg);

    if (md == NULL || mbedtls_md(md, crl->tbs.p, crl->tbs.len, hash) != 0)
        return 0;
    return mbedtls_pk_verify_ext(crl->MBEDTLS_PRIVATE(sig_pk), crl->MBEDTLS_PRIVATE(sig_opts),
                                 (mbedtls_pk_context *)(uintptr_t)&issuer->pk, md_alg, hash,
                                 mbedtls_md_get_size(md), crl->MBEDTLS_PRIVATE(sig).p,
                                 crl->MBEDTLS_PRIVATE(sig).len) == 0;
}

uint32_t iotls_crl_check(const iotls_trust *t, const mbedtls_x509_crt *crt,
                         const mbedtls_x509_crt *issuer, int64_t now)
{
    const mbedtls_x509_crl *crl;
    uint32_t flags = 0;

    if (t == NULL || t->crls == NULL || crt == NULL || issuer == NULL)
        return 0;
    for (crl = (const mbedtls_x509_crl *)t->crls; crl != NULL && crl->version != 0;
         crl = crl->next) {
        if (!iotls_x509_raw_eq(&crl->issuer_raw, &issuer->subject_raw))
            continue;
        if (mbedtls_x509_crt_check_key_usage(issuer, MBEDTLS_X509_KU_CRL_SIGN) != 0 ||
            !crl_signed_by(crl, issuer)) {
            flags |= MBEDTLS_X509_BADCRL_NOT_TRUSTED;
            continue;
        }
        if (now >= 0 && iotls_x509_epoch(&crl->next_update) < now &&
            crl->next_update.year != 0)
            flags |= MBEDTLS_X509_BADCRL_EXPIRED;
        if (now >= 0 && iotls_x509_epoch(&crl->this_update) > now)
            flags |= MBEDTLS_X509_BADCRL_FUTURE;
        if (mbedtls_x509_crt_is_revoked(crt, crl))
            flags |= MBEDTLS_X509_BADCERT_REVOKED;
    }
    return flags;
}

int iotls_crl_find(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t *revoked_at)
{
    const mbedtls_x509_crl *crl;
    const mbedtls_x509_crl_entry *e;

    if (t == NULL || crt == NULL)
        return 0;
    for (crl = (const mbedtls_x509_crl *)t->crls; crl != NULL && crl->version != 0;
         crl = crl->next) {
        if (!iotls_x509_raw_eq(&crl->issuer_raw, &crt->issuer_raw))
            continue;
        for (e = &crl->entry; e != NULL && e->raw.len > 0; e = e->next)
            if (e->serial.len == crt->serial.len &&
                memcmp(e->serial.p, crt->serial.p, crt->serial.len) == 0) {
                if (revoked_at != NULL)
                    *revoked_at = iotls_x509_epoch(&e->revocation_date);
                return 1;
            }
    }
    return 0;
}

int iotls_crl_issuer_state(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t now,
                           int64_t *next_update)
{
    const mbedtls_x509_crl *crl;

    if (t == NULL || crt == NULL)
        return 0;
    for (crl = (const mbedtls_x509_crl *)t->crls; crl != NULL && crl->version != 0;
         crl = crl->next) {
        if (!iotls_x509_raw_eq(&crl->issuer_raw, &crt->issuer_raw))
            continue;
        if (next_update != NULL)
            *next_update = iotls_x509_epoch(&crl->next_update);
        if (now >= 0 && crl->next_update.year != 0 && iotls_x509_epoch(&crl->next_update) < now)
            return 2;
        if (now >= 0 && iotls_x509_epoch(&crl->this_update) > now)
            return 3;
        return 1;
    }
    return 0;
}

#else /* !MBEDTLS_X509_CRL_PARSE_C */

int iotls_trust_add_crl(iotls_trust *t, const unsigned char *buf, size_t len, int *mbedtls_code)
{
    (void)buf;
    (void)len;
    if (mbedtls_code != NULL)
        *mbedtls_code = MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE;
    return t == NULL ? IOTLS_ERR_USAGE : IOTLS_ERR_CRL;
}

void iotls_trust_crl_free(iotls_trust *t)
{
    (void)t;
}

uint32_t iotls_crl_check(const iotls_trust *t, const mbedtls_x509_crt *crt,
                         const mbedtls_x509_crt *issuer, int64_t now)
{
    (void)t;
    (void)crt;
    (void)issuer;
    (void)now;
    return 0;
}

int iotls_crl_find(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t *revoked_at)
{
    (void)t;
    (void)crt;
    (void)revoked_at;
    return 0;
}

int iotls_crl_issuer_state(const iotls_trust *t, const mbedtls_x509_crt *crt, int64_t now,
                           int64_t *next_update)
{
    (void)t;
    (void)crt;
    (void)now;
    (void)next_update;
    return 0;
}

#endif /* MBEDTLS_X509_CRL_PARSE_C */
