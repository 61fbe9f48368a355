/*
 * Building a device root bundle from certificates (the format is in
 * include/iotls/bundle.h). Host side: `iotls bundle` and the tests use it;
 * a device image links it only if it calls it.
 *
 * Each root becomes one record: its key in the most compact form Mbed TLS
 * can rebuild without parsing (RSA modulus, exponent 65537 implied; the
 * uncompressed EC point), its notAfter day and path length constraint, and
 * with IOTLS_BUNDLE_FLAG_NAMES a short name for reports. Records are sorted
 * by the SHA-256 of the subject's DER (then by contents, so the same roots
 * always give the same bytes).
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "iotls/bundle.h"
#include "trust/policy.h"

typedef struct bentry {
    uint8_t hash[32]; /* SHA-256 of the subject DER */
    uint8_t *rec;
    size_t rec_len;
} bentry;

struct iotls_bundle_builder {
    unsigned hash_len;
    unsigned flags;
    int64_t now;
    bentry *e;
    uint32_t n;
    size_t cap;
};

int iotls_bundle_builder_new(iotls_bundle_builder **b, unsigned hash_len, unsigned flags,
                             int64_t now)
{
    if (b == NULL)
        return IOTLS_ERR_USAGE;
    *b = NULL;
    if (hash_len < IOTLS_BUNDLE_MIN_HASH || hash_len > IOTLS_BUNDLE_MAX_HASH ||
        (flags & ~IOTLS_BUNDLE_FLAG_NAMES) != 0)
        return IOTLS_ERR_USAGE;
    *b = (iotls_bundle_builder *)iotls_port_calloc(1, sizeof **b);
    if (*b == NULL)
        return IOTLS_ERR_ALLOC;
    (*b)->hash_len = hash_len;
    (*b)->flags = flags;
    (*b)->now = now;
    return IOTLS_OK;
}

void iotls_bundle_builder_free(iotls_bundle_builder *b)
{
    if (b == NULL)
        return;
    for (uint32_t i = 0; i < b->n; i++)
        iotls_port_free(b->e[i].rec);
    iotls_port_free(b->e);
    iotls_port_free(b);
}

uint32_t iotls_bundle_builder_count(const iotls_bundle_builder *b)
{
    return b != NULL ? b->n : 0;
}

/* The short name: CN, else O, else the DN; printable ASCII only. */
static void short_name(const mbedtls_x509_crt *crt, char *out, size_t cap)
{
    const mbedtls_x509_name *n, *pick = NULL;
    size_t i, k = 0;

    for (n = &crt->subject; n != NULL; n = n->next)
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
            pick = n;
    if (pick == NULL)
        for (n = &crt->subject; n != NULL; n = n->next)
            if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_ORGANIZATION, &n->oid) == 0)
                pick = n;
    if (pick != NULL) {
        for (i = 0; i < pick->val.len && k + 1 < cap; i++) {
            unsigned char ch = pick->val.p[i];
            if (ch >= 0x80) {
                /* one '?' per UTF-8 sequence */
                if ((ch & 0xC0) == 0x80)
                    continue;
                ch = '?';
            } else if (ch < 0x20 || ch == 0x7f) {
                ch = '?';
            }
            out[k++] = (char)ch;
        }
        out[k] = '\0';
        return;
    }
    if (mbedtls_x509_dn_gets(out, cap, &crt->subject) < 0)
        out[0] = '\0';
    for (k = 0; out[k] != '\0'; k++)
        if ((unsigned char)out[k] < 0x20 || (unsigned char)out[k] > 0x7e)
            out[k] = '?';
}

/* The key part of a record into out (at most 2 + 1024 + 5 bytes); its
 * length, 0 for a key a bundle cannot hold (*why set). */
static size_t key_bytes(const mbedtls_x509_crt *crt, uint8_t *type, uint8_t *out,
                        uint32_t *bits, iotls_bundle_verdict *why)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(&crt->pk);

    *bits = (uint32_t)mbedtls_pk_get_bitlen(&crt->pk);
    if (t == MBEDTLS_PK_RSA) {
        const mbedtls_rsa_context *rsa = mbedtls_pk_rsa(crt->pk);
        mbedtls_mpi N, E;
        size_t nlen, elen;
        uint8_t e[8];
        size_t i = 0;

        if (*bits < 2048 || *bits > 8192) {
            *why = IOTLS_BUNDLE_SKIP_KEY_SIZE;
            return 0;
        }
        mbedtls_mpi_init(&N);
        mbedtls_mpi_init(&E);
        nlen = (*bits + 7) / 8;
        if (mbedtls_rsa_export(rsa, &N, NULL, NULL, NULL, &E) != 0 ||
            (elen = mbedtls_mpi_size(&E)) == 0 || elen > 4 ||
            mbedtls_mpi_write_binary(&N, out + 2, nlen) != 0 ||
            mbedtls_mpi_write_binary(&E, e, elen) != 0 || (e[elen - 1] & 1) == 0 ||
            (elen == 1 && e[0] < 3)) {
            mbedtls_mpi_free(&N);
            mbedtls_mpi_free(&E);
            *why = IOTLS_BUNDLE_SKIP_KEY_TYPE;
            return 0;
        }
        mbedtls_mpi_free(&N);
        mbedtls_mpi_free(&E);
        out[0] = (uint8_t)(nlen >> 8);
        out[1] = (uint8_t)nlen;
        i = 2 + nlen;
        if (elen == 3 && e[0] == 1 && e[1] == 0 && e[2] == 1) {
            *type = IOTLS_BUNDLE_KEY_RSA;
        } else {
            *type = IOTLS_BUNDLE_KEY_RSA_E;
            out[i++] = (uint8_t)elen;
            memcpy(out + i, e, elen);
            i += elen;
        }
        return i;
    }
    if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECKEY_DH || t == MBEDTLS_PK_ECDSA) {
        const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(crt->pk);
        size_t olen = 0;
        switch (ec->MBEDTLS_PRIVATE(grp).id) {
        case MBEDTLS_ECP_DP_SECP256R1: *type = IOTLS_BUNDLE_KEY_P256; break;
        case MBEDTLS_ECP_DP_SECP384R1: *type = IOTLS_BUNDLE_KEY_P384; break;
        case MBEDTLS_ECP_DP_SECP521R1: *type = IOTLS_BUNDLE_KEY_P521; break;
        default:
            *why = IOTLS_BUNDLE_SKIP_KEY_TYPE;
            return 0;
        }
        if (mbedtls_ecp_point_write_binary(&ec->MBEDTLS_PRIVATE(grp), &ec->MBEDTLS_PRIVATE(Q),
                                           MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, out,
                                           1 + 2 * 66) != 0) {
            *why = IOTLS_BUNDLE_SKIP_KEY_TYPE;
            return 0;
        }
        return olen;
    }
    *why = IOTLS_BUNDLE_SKIP_KEY_TYPE;
    return 0;
}

static int grow(iotls_bundle_builder *b)
{
    bentry *e = (bentry *)iotls_array_reserve(b->e, &b->cap, b->n, sizeof *e, 64);

    if (e == NULL)
        return -1;
    b->e = e;
    return 0;
}

static int add_crt(iotls_bundle_builder *b, const mbedtls_x509_crt *crt, iotls_bundle_added *res)
{
    uint8_t key[2 + 1024 + 5], type = 0, *rec;
    uint8_t hash[32];
    iotls_bundle_verdict why = IOTLS_BUNDLE_ADDED;
    size_t klen, nlen, rlen, i;
    uint32_t bits = 0;
    int64_t na;
    int pathlen1;
    static const unsigned char nc_oid[] = { 0x55, 0x1d, 0x1e }; /* 2.5.29.30 */
    const unsigned char *ncv;
    size_t ncl;
    int nccrit;

    short_name(crt, res->name, sizeof res->name);
    if (mbedtls_x509_dn_gets(res->subject, sizeof res->subject, &crt->subject) < 0)
        res->subject[0] = '\0';
    if (crt->version == 3 &&
        (!crt->MBEDTLS_PRIVATE(ca_istrue) ||
         mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0)) {
        res->verdict = IOTLS_BUNDLE_SKIP_NOT_CA;
        return IOTLS_OK;
    }
    /* A record is a name and a key: a root's name constraints would be
     * lost, trusting it for names it may not issue. Leave such roots out. */
    if (crt->v3_ext.p != NULL &&
        iotls_policy_find_ext(crt->v3_ext.p, crt->v3_ext.len, nc_oid, sizeof nc_oid, &ncv,
                              &ncl, &nccrit) != 0) {
        res->verdict = IOTLS_BUNDLE_SKIP_CONSTRAINED;
        return IOTLS_OK;
    }
    na = iotls_days_from_civil(crt->valid_to.year, crt->valid_to.mon, crt->valid_to.day);
    if (b->now > 0 && na < b->now / 86400) {
        res->verdict = IOTLS_BUNDLE_SKIP_EXPIRED;
        return IOTLS_OK;
    }
    klen = key_bytes(crt, &type, key, &bits, &why);
    res->key_bits = bits;
    if (klen == 0) {
        res->verdict = why;
        return IOTLS_OK;
    }
    if (mbedtls_sha256(crt->subject_raw.p, crt->subject_raw.len, hash, 0) != 0)
        return IOTLS_ERR_ALLOC;
    nlen = (b->flags & IOTLS_BUNDLE_FLAG_NAMES) ? strlen(res->name) : 0;
    if (nlen > IOTLS_BUNDLE_MAX_NAME)
        nlen = IOTLS_BUNDLE_MAX_NAME;
    rlen = 4 + klen + ((b->flags & IOTLS_BUNDLE_FLAG_NAMES) ? 1 + nlen : 0);
    /* Same subject and same key: the same root again. */
    for (i = 0; i < b->n; i++) {
        if (memcmp(b->e[i].hash, hash, 32) == 0 && b->e[i].rec[0] == type &&
            b->e[i].rec_len >= 4 + klen && memcmp(b->e[i].rec + 4, key, klen) == 0) {
            res->verdict = IOTLS_BUNDLE_SKIP_DUPLICATE;
            return IOTLS_OK;
        }
    }
    if (b->n >= IOTLS_BUNDLE_MAX_ROOTS) {
        res->verdict = IOTLS_BUNDLE_SKIP_FULL;
        return IOTLS_OK;
    }
    if (grow(b) != 0 || (rec = (uint8_t *)iotls_port_calloc(1, rlen)) == NULL)
        return IOTLS_ERR_ALLOC;
    pathlen1 = crt->MBEDTLS_PRIVATE(max_pathlen);
    if (pathlen1 < 0 || pathlen1 > 16)
        pathlen1 = 0; /* > 15 intermediates: no constraint in practice */
    rec[0] = type;
    rec[1] = (uint8_t)pathlen1;
    if (na > 0xFFFE)
        na = 0xFFFF;
    if (na < 0)
        na = 0;
    rec[2] = (uint8_t)(na >> 8);
    rec[3] = (uint8_t)na;
    memcpy(rec + 4, key, klen);
    if (b->flags & IOTLS_BUNDLE_FLAG_NAMES) {
        rec[4 + klen] = (uint8_t)nlen;
        memcpy(rec + 5 + klen, res->name, nlen);
    }
    memcpy(b->e[b->n].hash, hash, 32);
    b->e[b->n].rec = rec;
    b->e[b->n].rec_len = rlen;
    b->n++;
    res->verdict = IOTLS_BUNDLE_ADDED;
    res->key_type = (iotls_bundle_key)type;
    res->record_bytes = (uint32_t)(rlen + b->hash_len + 4);
    return IOTLS_OK;
}

/* A parse failure that means "a key or signature algorithm this build does
 * not know" (Ed25519, an unknown curve), from its high-level part. */
static int unsupported(int ret)
{
    int high = -((-ret) & 0xFF80);

    return high == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG || high == MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE ||
           high == MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE || high == MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG;
}

int iotls_bundle_builder_add_der(iotls_bundle_builder *b, const uint8_t *der, size_t len,
                                 iotls_bundle_added *res)
{
    mbedtls_x509_crt crt;
    int ret;

    if (b == NULL || der == NULL || res == NULL)
        return IOTLS_ERR_USAGE;
    memset(res, 0, sizeof *res);
    mbedtls_x509_crt_init(&crt);
    /* iotls's parser: a root with critical nameConstraints is read, then
     * left out for them (add_crt), rather than called unparseable. */
    ret = iotls_x509_parse_der(&crt, der, len);
    if (ret != 0) {
        mbedtls_x509_crt_free(&crt);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
            return IOTLS_ERR_ALLOC;
        res->verdict = unsupported(ret) ? IOTLS_BUNDLE_SKIP_KEY_TYPE : IOTLS_BUNDLE_SKIP_PARSE;
        res->mbedtls_code = ret;
        return IOTLS_OK;
    }
    ret = add_crt(b, &crt, res);
    mbedtls_x509_crt_free(&crt);
    return ret;
}

static int entry_cmp(const bentry *a, const bentry *b)
{
    int r = memcmp(a->hash, b->hash, 32);
    size_t n = a->rec_len < b->rec_len ? a->rec_len : b->rec_len;

    if (r != 0)
        return r;
    r = memcmp(a->rec, b->rec, n);
    if (r != 0)
        return r;
    return a->rec_len < b->rec_len ? -1 : a->rec_len > b->rec_len;
}

static void put32(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int iotls_bundle_builder_finish(iotls_bundle_builder *b, uint8_t **blob, size_t *len)
{
    size_t total, off, i, j;
    uint8_t *out;
    mbedtls_sha256_context sha;
    int ret;

    if (b == NULL || blob == NULL || len == NULL)
        return IOTLS_ERR_USAGE;
    *blob = NULL;
    *len = 0;
    if (b->n == 0)
        return IOTLS_ERR_USAGE;
    /* insertion sort: a few hundred roots at most, run once */
    for (i = 1; i < b->n; i++) {
        bentry t = b->e[i];
        for (j = i; j > 0 && entry_cmp(&b->e[j - 1], &t) > 0; j--)
            b->e[j] = b->e[j - 1];
        b->e[j] = t;
    }
    total = IOTLS_BUNDLE_HEADER_LEN + (size_t)b->n * (b->hash_len + 4);
    for (i = 0; i < b->n; i++)
        total += b->e[i].rec_len;
    if (total > 0xFFFFFFFFu)
        return IOTLS_ERR_USAGE;
    out = (uint8_t *)iotls_port_calloc(1, total);
    if (out == NULL)
        return IOTLS_ERR_ALLOC;
    memcpy(out, "IOTB", 4);
    out[4] = IOTLS_BUNDLE_VERSION;
    out[5] = (uint8_t)b->hash_len;
    out[6] = (uint8_t)b->flags;
    out[8] = (uint8_t)(b->n >> 8);
    out[9] = (uint8_t)b->n;
    put32(out + 12, total);
    off = IOTLS_BUNDLE_HEADER_LEN + (size_t)b->n * (b->hash_len + 4);
    for (i = 0; i < b->n; i++) {
        uint8_t *e = out + IOTLS_BUNDLE_HEADER_LEN + i * (b->hash_len + 4);
        memcpy(e, b->e[i].hash, b->hash_len);
        put32(e + b->hash_len, off);
        memcpy(out + off, b->e[i].rec, b->e[i].rec_len);
        off += b->e[i].rec_len;
    }
    mbedtls_sha256_init(&sha);
    ret = mbedtls_sha256_starts(&sha, 0);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, out, 16);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, out + IOTLS_BUNDLE_HEADER_LEN,
                                    total - IOTLS_BUNDLE_HEADER_LEN);
    if (ret == 0)
        ret = mbedtls_sha256_finish(&sha, out + 16);
    mbedtls_sha256_free(&sha);
    if (ret != 0) {
        iotls_port_free(out);
        return IOTLS_ERR_ALLOC;
    }
    *blob = out;
    *len = total;
    return IOTLS_OK;
}

const char *iotls_bundle_verdict_str(iotls_bundle_verdict v)
{
    switch (v) {
    case IOTLS_BUNDLE_ADDED: return "added";
    case IOTLS_BUNDLE_SKIP_PARSE: return "does not parse";
    case IOTLS_BUNDLE_SKIP_KEY_TYPE: return "unsupported key type";
    case IOTLS_BUNDLE_SKIP_KEY_SIZE: return "unsupported key size";
    case IOTLS_BUNDLE_SKIP_DUPLICATE: return "duplicate";
    case IOTLS_BUNDLE_SKIP_NOT_CA: return "not a CA";
    case IOTLS_BUNDLE_SKIP_EXPIRED: return "expired";
    case IOTLS_BUNDLE_SKIP_FULL: return "bundle full";
    case IOTLS_BUNDLE_SKIP_CONSTRAINED: return "has name constraints a bundle cannot carry";
    }
    return "unknown";
}

const char *iotls_bundle_key_str(iotls_bundle_key k)
{
    switch (k) {
    case IOTLS_BUNDLE_KEY_RSA: return "RSA";
    case IOTLS_BUNDLE_KEY_RSA_E: return "RSA";
    case IOTLS_BUNDLE_KEY_P256: return "P-256";
    case IOTLS_BUNDLE_KEY_P384: return "P-384";
    case IOTLS_BUNDLE_KEY_P521: return "P-521";
    }
    return "?";
}
