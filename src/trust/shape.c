/*
 * The structural check of a root at load time (trust.c): what a full
 * parse would refuse for reasons of form or of algorithm, without the
 * parse's cost (names, dates, extensions, public key arithmetic). The
 * order of the checks and the codes are Mbed TLS's (x509_crt_parse_der_core),
 * so a skipped root is reported with the reason the full parse would give.
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509.h"

#include "trust/store.h"

#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

static int buf_eq(const mbedtls_asn1_buf *a, const mbedtls_asn1_buf *b)
{
    return a->tag == b->tag && a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

int iotls_cert_shape(const unsigned char *der, size_t len, const unsigned char **subj,
                     size_t *subj_len, size_t *cert_len)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + len, *tbs_end, *crt_end;
    mbedtls_asn1_buf oid, params, oid1, params1;
    mbedtls_md_type_t md;
    mbedtls_pk_type_t pk;
    size_t l;
    int ret, version = 0;

    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } */
    if (mbedtls_asn1_get_tag(&p, end, &l, SEQ) != 0)
        return MBEDTLS_ERR_X509_INVALID_FORMAT;
    crt_end = p + l;
    *cert_len = (size_t)(crt_end - der);
    if ((ret = mbedtls_asn1_get_tag(&p, crt_end, &l, SEQ)) != 0)
        return MBEDTLS_ERR_X509_INVALID_FORMAT + ret;
    tbs_end = p + l;

    /* version [0] EXPLICIT INTEGER DEFAULT v1 */
    ret = mbedtls_asn1_get_tag(&p, tbs_end, &l,
                               MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0);
    if (ret == 0) {
        const unsigned char *v_end = p + l;
        if ((ret = mbedtls_asn1_get_int(&p, v_end, &version)) != 0)
            return MBEDTLS_ERR_X509_INVALID_VERSION + ret;
        if (p != v_end)
            return MBEDTLS_ERR_X509_INVALID_VERSION + MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
    } else if (ret != MBEDTLS_ERR_ASN1_UNEXPECTED_TAG) {
        return MBEDTLS_ERR_X509_INVALID_FORMAT + ret;
    }
    /* serialNumber */
    if (p >= tbs_end)
        return MBEDTLS_ERR_X509_INVALID_SERIAL + MBEDTLS_ERR_ASN1_OUT_OF_DATA;
    if (*p != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_PRIMITIVE | 2) &&
        *p != MBEDTLS_ASN1_INTEGER)
        return MBEDTLS_ERR_X509_INVALID_SERIAL + MBEDTLS_ERR_ASN1_UNEXPECTED_TAG;
    p++;
    if ((ret = mbedtls_asn1_get_len(&p, tbs_end, &l)) != 0)
        return MBEDTLS_ERR_X509_INVALID_SERIAL + ret;
    p += l;
    /* signature AlgorithmIdentifier */
    if ((ret = mbedtls_asn1_get_alg(&p, tbs_end, &oid1, &params1)) != 0)
        return MBEDTLS_ERR_X509_INVALID_ALG + ret;
    if (version < 0 || version > 2)
        return MBEDTLS_ERR_X509_UNKNOWN_VERSION;
    if ((ret = mbedtls_oid_get_sig_alg(&oid1, &md, &pk)) != 0)
        return MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG + ret;
    /* issuer, validity: their form only */
    if ((ret = mbedtls_asn1_get_tag(&p, tbs_end, &l, SEQ)) != 0)
        return MBEDTLS_ERR_X509_INVALID_FORMAT + ret;
    p += l;
    if ((ret = mbedtls_asn1_get_tag(&p, tbs_end, &l, SEQ)) != 0)
        return MBEDTLS_ERR_X509_INVALID_DATE + ret;
    p += l;
    /* subject */
    *subj = p;
    if ((ret = mbedtls_asn1_get_tag(&p, tbs_end, &l, SEQ)) != 0)
        return MBEDTLS_ERR_X509_INVALID_FORMAT + ret;
    p += l;
    *subj_len = (size_t)(p - *subj);
    /* subjectPublicKeyInfo: the algorithm, and the curve of an EC key */
    {
        const unsigned char *spki_end;
        mbedtls_ecp_group_id grp;
        if ((ret = mbedtls_asn1_get_tag(&p, tbs_end, &l, SEQ)) != 0)
            return MBEDTLS_ERR_PK_KEY_INVALID_FORMAT + ret;
        spki_end = p + l;
        if (mbedtls_asn1_get_alg(&p, spki_end, &oid, &params) != 0)
            return MBEDTLS_ERR_PK_INVALID_ALG;
        ret = mbedtls_oid_get_pk_alg(&oid, &pk);
#if defined(MBEDTLS_PK_HAVE_ECC_KEYS)
        if (ret == MBEDTLS_ERR_OID_NOT_FOUND && mbedtls_oid_get_ec_grp_algid(&oid, &grp) == 0) {
            pk = MBEDTLS_PK_ECKEY;
            ret = 0;
            params.tag = MBEDTLS_ASN1_OID; /* the curve is the algorithm */
            params.len = 0;
        }
#endif
        if (ret != 0 || mbedtls_pk_info_from_type(pk) == NULL)
            return MBEDTLS_ERR_PK_UNKNOWN_PK_ALG;
        if ((pk == MBEDTLS_PK_ECKEY || pk == MBEDTLS_PK_ECKEY_DH) &&
            params.tag == MBEDTLS_ASN1_OID && params.len > 0 &&
            mbedtls_oid_get_ec_grp(&params, &grp) != 0)
            return MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE;
        if ((ret = mbedtls_asn1_get_tag(&p, spki_end, &l, MBEDTLS_ASN1_BIT_STRING)) != 0)
            return MBEDTLS_ERR_PK_INVALID_PUBKEY + ret;
        p += l;
        if (p != spki_end)
            return MBEDTLS_ERR_PK_INVALID_PUBKEY + MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
    }
    /* unique IDs and extensions: left to the full parse */
    p = (unsigned char *)tbs_end;
    /* signatureAlgorithm (the same as in the TBS), signature */
    if ((ret = mbedtls_asn1_get_alg(&p, crt_end, &oid, &params)) != 0)
        return MBEDTLS_ERR_X509_INVALID_ALG + ret;
    if (!buf_eq(&oid, &oid1) || !buf_eq(&params, &params1))
        return MBEDTLS_ERR_X509_SIG_MISMATCH;
    if ((ret = mbedtls_asn1_get_tag(&p, crt_end, &l, MBEDTLS_ASN1_BIT_STRING)) != 0)
        return MBEDTLS_ERR_X509_INVALID_SIGNATURE + ret;
    p += l;
    if (p != crt_end)
        return MBEDTLS_ERR_X509_INVALID_FORMAT + MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
    return 0;
}
