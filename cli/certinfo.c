/*
 * Certificate descriptions. Mbed TLS keeps every subjectAltName entry
 * raw, tagged with its GeneralName type; DNS and IP entries are decoded
 * here (the IP ones are what iotls matches for IP-literal hosts).
 */
#include "certinfo.h"

#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509.h"

#include "iotls/addr.h"

void iotls_cli_certinfo_time(const mbedtls_x509_time *t, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", t->year, t->mon, t->day, t->hour, t->min,
             t->sec);
}

/* Copies a SAN string value, keeping printable ASCII only. */
static void san_text(char *out, size_t outlen, const char *prefix, const unsigned char *p,
                     size_t n)
{
    size_t o = (size_t)snprintf(out, outlen, "%s", prefix);
    for (size_t i = 0; i < n && o + 1 < outlen; i++)
        out[o++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
    out[o < outlen ? o : outlen - 1] = '\0';
}

static void describe_san(const mbedtls_x509_buf *b, char *out, size_t outlen)
{
    int type = b->tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
    iotls_addr a;
    char ip[64];

    switch (type) {
    case MBEDTLS_X509_SAN_DNS_NAME:
        san_text(out, outlen, "DNS:", b->p, b->len);
        break;
    case MBEDTLS_X509_SAN_IP_ADDRESS:
        if (b->len == 4 || b->len == 16) {
            memset(&a, 0, sizeof a);
            a.family = b->len == 4 ? 4 : 6;
            memcpy(a.bytes, b->p, b->len);
            iotls_addr_format(&a, ip, sizeof ip);
            snprintf(out, outlen, "IP:%s", ip);
        } else {
            snprintf(out, outlen, "IP:(%u bytes)", (unsigned)b->len);
        }
        break;
    case MBEDTLS_X509_SAN_RFC822_NAME:
        san_text(out, outlen, "email:", b->p, b->len);
        break;
    case MBEDTLS_X509_SAN_UNIFORM_RESOURCE_IDENTIFIER:
        san_text(out, outlen, "URI:", b->p, b->len);
        break;
    case MBEDTLS_X509_SAN_OTHER_NAME:
        snprintf(out, outlen, "otherName");
        break;
    default:
        snprintf(out, outlen, "type%d", type);
        break;
    }
}

static void describe_key(const mbedtls_pk_context *pk, char *out, size_t outlen)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);

    if (t == MBEDTLS_PK_RSA || t == MBEDTLS_PK_RSASSA_PSS) {
        snprintf(out, outlen, "RSA %u", (unsigned)mbedtls_pk_get_bitlen(pk));
    } else if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECKEY_DH || t == MBEDTLS_PK_ECDSA) {
        const mbedtls_ecp_curve_info *ci =
            mbedtls_ecp_curve_info_from_grp_id(mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(*pk)));
        if (ci)
            snprintf(out, outlen, "EC %s", ci->name);
        else
            snprintf(out, outlen, "EC %u", (unsigned)mbedtls_pk_get_bitlen(pk));
    } else {
        snprintf(out, outlen, "%s", mbedtls_pk_get_name(pk));
    }
}

/* The signatureAlgorithm OID after tbsCertificate (RFC 5280 4.1.1.2):
 * Mbed TLS 3.6 keeps its own copy private, the DER is public. */
static int outer_sig_oid(const mbedtls_x509_crt *crt, mbedtls_x509_buf *oid)
{
    unsigned char *p = crt->raw.p, *end = crt->raw.p + crt->raw.len;
    size_t len;

    if (p == NULL ||
        mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return -1;
    end = p + len;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return -1;
    p += len; /* tbsCertificate */
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
        mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OID))
        return -1;
    oid->tag = MBEDTLS_ASN1_OID;
    oid->len = len;
    oid->p = p;
    return 0;
}

void iotls_cli_certinfo_get(const mbedtls_x509_crt *crt, iotls_cli_certinfo *info)
{
    const mbedtls_x509_sequence *s;
    const char *desc = NULL;
    mbedtls_x509_buf oid;

    memset(info, 0, sizeof *info);
    if (mbedtls_x509_dn_gets(info->subject, sizeof info->subject, &crt->subject) < 0)
        strcpy(info->subject, "?");
    if (mbedtls_x509_dn_gets(info->issuer, sizeof info->issuer, &crt->issuer) < 0)
        strcpy(info->issuer, "?");
    info->self_issued = crt->subject_raw.len == crt->issuer_raw.len &&
                        memcmp(crt->subject_raw.p, crt->issuer_raw.p, crt->issuer_raw.len) == 0;
    iotls_cli_certinfo_time(&crt->valid_from, info->not_before, sizeof info->not_before);
    iotls_cli_certinfo_time(&crt->valid_to, info->not_after, sizeof info->not_after);
    for (s = &crt->subject_alt_names; s != NULL && s->buf.p != NULL; s = s->next) {
        if (info->n_san < IOTLS_CLI_MAX_SANS)
            describe_san(&s->buf, info->san[info->n_san++], sizeof info->san[0]);
        info->total_san++;
    }
    describe_key(&crt->pk, info->key, sizeof info->key);
    if (outer_sig_oid(crt, &oid) == 0 && mbedtls_oid_get_sig_alg_desc(&oid, &desc) == 0 && desc)
        snprintf(info->sig_alg, sizeof info->sig_alg, "%s", desc);
    else
        snprintf(info->sig_alg, sizeof info->sig_alg, "?");
}

/* The library's parser (src/trust/policy.h, not a public header: it takes
 * Mbed TLS types): Mbed TLS's, plus the critical nameConstraints the policy
 * enforces, so that a name-constrained CA is described, not "does not
 * parse". */
int iotls_x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len);

int iotls_cli_certinfo_der(const unsigned char *der, size_t len, iotls_cli_certinfo *info)
{
    mbedtls_x509_crt crt;
    int ret;

    mbedtls_x509_crt_init(&crt);
    ret = iotls_x509_parse_der(&crt, der, len);
    if (ret == 0) {
        iotls_cli_certinfo_get(&crt, info);
    } else {
        memset(info, 0, sizeof *info);
        snprintf(info->subject, sizeof info->subject, "? (does not parse: mbedtls -0x%04X)",
                 0u - (unsigned)ret);
        strcpy(info->issuer, "?");
        strcpy(info->key, "?");
        strcpy(info->sig_alg, "?");
    }
    mbedtls_x509_crt_free(&crt);
    return ret == 0 ? 0 : -1;
}
