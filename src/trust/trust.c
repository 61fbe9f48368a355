/*
 * Trust stores.
 *
 * PEM is split into blocks here and each block is decoded and parsed on its
 * own, so that every failure is recorded with its position, reason and,
 * when the DER is readable that far, its subject. (mbedtls_x509_crt_parse()
 * only returns a count of failures, and needs the trailing NUL counted in
 * the length to even recognise PEM; decoding base64 here removes that trap.)
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"

static const char begin_marker[] = "-----BEGIN CERTIFICATE-----";
static const char end_marker[] = "-----END CERTIFICATE-----";

void iotls_trust_init(iotls_trust *t)
{
    if (t == NULL)
        return;
    memset(t, 0, sizeof *t);
}

void iotls_trust_free(iotls_trust *t)
{
    if (t == NULL)
        return;
    if (t->certs != NULL) {
        mbedtls_x509_crt_free(iotls_trust_crt(t));
        iotls_port_free(t->certs);
    }
    iotls_trust_init(t);
}

void iotls_trust_origin_add(iotls_trust *t, const char *what)
{
    size_t n = strlen(t->origin);

    if (what == NULL || what[0] == '\0' || n + 1 >= sizeof t->origin)
        return;
    if (n > 0) {
        iotls_strlcpy(t->origin + n, "; ", sizeof t->origin - n);
        n = strlen(t->origin);
    }
    iotls_strlcpy(t->origin + n, what, sizeof t->origin - n);
}

/* First occurrence of needle in buf[0..len), or NULL (buf need not be a
 * string). */
static const unsigned char *find(const unsigned char *buf, size_t len, const char *needle)
{
    size_t nl = strlen(needle), i;

    if (nl == 0 || len < nl)
        return NULL;
    for (i = 0; i + nl <= len; i++)
        if (buf[i] == (unsigned char)needle[0] && memcmp(buf + i, needle, nl) == 0)
            return buf + i;
    return NULL;
}

static uint32_t count_lines(const unsigned char *p, const unsigned char *end)
{
    uint32_t n = 0;

    for (; p < end; p++)
        if (*p == '\n')
            n++;
    return n;
}

/* Most attributes of a DN put in text (CN, O, OU, C ... rarely pass 8). */
#define MAX_DN_ATTRS 16

/* A Name (SEQUENCE OF SET OF AttributeTypeAndValue) between p and end as
 * text. Mbed TLS 3.6 keeps its Name parser private, so the list that
 * mbedtls_x509_dn_gets() prints is built here, on the stack. */
static void dn_text(unsigned char *p, const unsigned char *end, char *out, size_t outlen)
{
    mbedtls_x509_name names[MAX_DN_ATTRS];
    size_t l, n = 0;

    memset(names, 0, sizeof names);
    while (p < end && n < MAX_DN_ATTRS) {
        const unsigned char *set_end;
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) != 0)
            break;
        set_end = p + l;
        while (p < set_end && n < MAX_DN_ATTRS) {
            const unsigned char *atv_end;
            mbedtls_x509_name *a = &names[n];
            if (mbedtls_asn1_get_tag(&p, set_end, &l,
                                     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
                return;
            atv_end = p + l;
            a->oid.tag = MBEDTLS_ASN1_OID;
            if (mbedtls_asn1_get_tag(&p, atv_end, &a->oid.len, MBEDTLS_ASN1_OID) != 0 ||
                atv_end - p < 2)
                return;
            a->oid.p = p;
            p += a->oid.len;
            a->val.tag = *p++;
            if (mbedtls_asn1_get_len(&p, atv_end, &a->val.len) != 0)
                return;
            a->val.p = p;
            p = (unsigned char *)atv_end;
            if (n > 0)
                names[n - 1].next = a;
            n++;
        }
        p = (unsigned char *)set_end;
    }
    if (n == 0 || mbedtls_x509_dn_gets(out, outlen, &names[0]) < 0)
        out[0] = '\0';
}

/* The subject of a certificate whose full parse failed: walk the
 * TBSCertificate up to the subject Name without interpreting anything
 * else (so an unknown key or signature algorithm does not stop it). */
static void der_subject(const unsigned char *der, size_t len, char *out, size_t outlen)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + len;
    size_t l;
    int i;

    out[0] = '\0';
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return;
    end = p + l;
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return;
    end = p + l;
    /* [0] version, optional */
    if (mbedtls_asn1_get_tag(&p, end, &l,
                             MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0) == 0)
        p += l;
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_INTEGER) != 0)
        return;
    p += l;
    /* signature AlgorithmIdentifier, issuer, validity */
    for (i = 0; i < 3; i++) {
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
            0)
            return;
        p += l;
    }
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        l == 0)
        return;
    dn_text(p, p + l, out, outlen);
}

static void add_issue(iotls_trust *t, const char *label, uint32_t index, uint32_t line, int code,
                      const unsigned char *der, size_t der_len)
{
    iotls_trust_issue *is;

    if (index > 0)
        t->skipped++;
    if (t->n_issues >= IOTLS_TRUST_MAX_ISSUES)
        return;
    is = &t->issues[t->n_issues++];
    memset(is, 0, sizeof *is);
    iotls_strlcpy(is->source, label != NULL ? label : "", sizeof is->source);
    is->index = index;
    is->line = line;
    is->mbedtls_code = code;
    if (der != NULL && der_len > 0)
        der_subject(der, der_len, is->subject, sizeof is->subject);
}

static int is_loaded(const iotls_trust *t, const unsigned char *der, size_t len)
{
    const mbedtls_x509_crt *c;

    for (c = iotls_trust_crt(t); c != NULL && c->raw.p != NULL; c = c->next)
        if (c->raw.len == len && memcmp(c->raw.p, der, len) == 0)
            return 1;
    return 0;
}

/* Parses one DER certificate; records an issue if it fails. */
static int add_der(iotls_trust *t, const unsigned char *der, size_t len, const char *label,
                   uint32_t index, uint32_t line)
{
    int ret;

    if (is_loaded(t, der, len))
        return IOTLS_OK; /* the same CA twice (hash links, bundles) */
    if (t->certs == NULL) {
        /* The list head lives on the heap: trust.h has no Mbed TLS type. */
        t->certs = iotls_port_calloc(1, sizeof(mbedtls_x509_crt));
        if (t->certs == NULL)
            return IOTLS_ERR_ALLOC;
        mbedtls_x509_crt_init(iotls_trust_crt(t));
    }
    ret = mbedtls_x509_crt_parse_der(iotls_trust_crt(t), der, len);
    if (ret == 0) {
        t->loaded++;
        return IOTLS_OK;
    }
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return IOTLS_ERR_ALLOC;
    add_issue(t, label, index, line, ret, der, len);
    return IOTLS_OK;
}

/* One PEM block: body is the base64 text between the markers. */
static int add_pem_block(iotls_trust *t, const unsigned char *body, size_t blen, const char *label,
                         uint32_t index, uint32_t line)
{
    size_t olen = 0;
    unsigned char *der;
    int ret;

    ret = mbedtls_base64_decode(NULL, 0, &olen, body, blen);
    if (ret == MBEDTLS_ERR_BASE64_INVALID_CHARACTER || (ret == 0 && olen == 0) || olen == 0) {
        add_issue(t, label, index, line,
                  MBEDTLS_ERR_PEM_INVALID_DATA + MBEDTLS_ERR_BASE64_INVALID_CHARACTER, NULL, 0);
        return IOTLS_OK;
    }
    der = (unsigned char *)iotls_port_calloc(1, olen);
    if (der == NULL)
        return IOTLS_ERR_ALLOC;
    ret = mbedtls_base64_decode(der, olen, &olen, body, blen);
    if (ret != 0) {
        add_issue(t, label, index, line, MBEDTLS_ERR_PEM_INVALID_DATA + ret, NULL, 0);
        iotls_port_free(der);
        return IOTLS_OK;
    }
    ret = add_der(t, der, olen, label, index, line);
    iotls_port_free(der);
    return ret;
}

static int add_pem(iotls_trust *t, const unsigned char *buf, size_t len, const char *label,
                   unsigned flags)
{
    const unsigned char *p = buf, *end = buf + len, *b, *body, *e;
    uint32_t index = 0, line = 1;
    int rc;

    while ((b = find(p, (size_t)(end - p), begin_marker)) != NULL) {
        line += count_lines(p, b);
        index++;
        body = b + sizeof begin_marker - 1;
        e = find(body, (size_t)(end - body), end_marker);
        if (e == NULL) {
            add_issue(t, label, index, line, MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, NULL, 0);
            return IOTLS_OK;
        }
        rc = add_pem_block(t, body, (size_t)(e - body), label, index, line);
        if (rc != IOTLS_OK)
            return rc;
        p = b;
        e += sizeof end_marker - 1;
        line += count_lines(p, e);
        p = e;
    }
    if (index == 0 && !(flags & IOTLS_TRUST_QUIET_EMPTY))
        add_issue(t, label, 0, 0, MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, NULL, 0);
    return IOTLS_OK;
}

int iotls_trust_add_buffer_ex(iotls_trust *t, const unsigned char *buf, size_t len,
                              const char *label, unsigned flags)
{
    if (t == NULL || (buf == NULL && len > 0))
        return IOTLS_ERR_USAGE;
    t->sources++;
    if (len > 0 && buf[0] == (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) &&
        find(buf, len, "-----BEGIN ") == NULL)
        return add_der(t, buf, len, label, 1, 0);
    return add_pem(t, buf, len, label, flags);
}

int iotls_trust_add_buffer(iotls_trust *t, const unsigned char *buf, size_t len,
                           const char *label)
{
    int rc = iotls_trust_add_buffer_ex(t, buf, len, label, 0);

    if (rc == IOTLS_OK && t != NULL)
        iotls_trust_origin_add(t, label != NULL ? label : "buffer");
    return rc;
}

const char *iotls_trust_reason(int code)
{
    /* negated unsigned: any int, INT_MIN included, is a valid argument */
    int high = code < 0 ? -(int)((0u - (unsigned)code) & 0xFF80u) : 0;

    switch (high) {
    case 0:
        return "no error";
    case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:
        return "unsupported public key algorithm (e.g. Ed25519)";
    case MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG:
        return "unsupported signature algorithm (e.g. Ed25519)";
    case MBEDTLS_ERR_X509_UNKNOWN_VERSION:
        return "certificate version not supported";
    case MBEDTLS_ERR_PEM_INVALID_DATA:
        return "bad base64";
    case MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT:
        return "PEM block without its END CERTIFICATE line";
    case MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT:
        return "no certificate found (neither PEM nor DER)";
    case MBEDTLS_ERR_X509_INVALID_FORMAT:
    case MBEDTLS_ERR_X509_INVALID_SERIAL:
    case MBEDTLS_ERR_X509_INVALID_ALG:
    case MBEDTLS_ERR_X509_INVALID_NAME:
    case MBEDTLS_ERR_X509_INVALID_SIGNATURE:
    case MBEDTLS_ERR_X509_INVALID_VERSION:
        return "invalid certificate encoding";
    case MBEDTLS_ERR_X509_INVALID_DATE:
        return "invalid validity dates";
    case MBEDTLS_ERR_X509_INVALID_EXTENSIONS:
        return "invalid or unsupported critical extension";
    case MBEDTLS_ERR_X509_SIG_MISMATCH:
        return "signature algorithms in the certificate disagree";
    case MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE:
        return "uses a feature this Mbed TLS build lacks";
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
        return "out of memory";
    case MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE:
        return "unsupported elliptic curve";
    case MBEDTLS_ERR_PK_INVALID_PUBKEY:
    case MBEDTLS_ERR_PK_KEY_INVALID_FORMAT:
    case MBEDTLS_ERR_PK_INVALID_ALG:
        return "invalid public key";
    case MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE:
        return "public key type not enabled in this Mbed TLS build";
    default:
        return "certificate could not be parsed";
    }
}
