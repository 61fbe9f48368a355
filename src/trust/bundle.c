/*
 * Device root bundle: checking the blob, and anchoring chains with it at
 * handshake time (the format is in include/iotls/bundle.h).
 *
 * How a chain gets anchored. Mbed TLS builds the chain from the server's
 * certificates and the configured CAs; when no configured CA issued the top
 * certificate it marks that one MBEDTLS_X509_BADCERT_NOT_TRUSTED and hands
 * every certificate, top first, to iotls_verify_cb(), which calls
 * iotls_bundle_verify_hook() first. For a certificate marked NOT_TRUSTED the
 * hook hashes its issuer (raw DER), takes each bundled root with that hash,
 * builds the root's key from the record and checks the certificate's
 * signature with it, under the connection's certificate profile (hash
 * algorithms, RSA size, curves). A good signature clears NOT_TRUSTED: the
 * certificate was issued by a trusted key. A root past its notAfter day, or
 * whose path length constraint the chain exceeds, anchors nothing (expired:
 * the certificate is marked EXPIRED instead, as Mbed TLS marks a chain
 * whose trusted root expired).
 *
 * Mbed TLS refuses to verify without any CA configured ("got no CA chain",
 * MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED), so with a bundle and no trust store
 * iotls_bundle_conf_apply() configures a placeholder CA that can never be
 * anyone's issuer (version 3 without CA:TRUE, empty name, no key): every
 * chain then ends NOT_TRUSTED unless the bundle anchors it.
 *
 * RAM: nothing is kept per root; during the hook one root key at a time
 * (the Mbed TLS RSA or EC context), a SHA-256 context and a 64-byte digest
 * on the stack.
 */
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "iotls/bundle.h"

/* ---- reading the blob ---- */

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Coordinate bytes of a curve key type, 0 for others. */
static size_t ec_coord_len(unsigned type)
{
    switch (type) {
    case IOTLS_BUNDLE_KEY_P256: return 32;
    case IOTLS_BUNDLE_KEY_P384: return 48;
    case IOTLS_BUNDLE_KEY_P521: return 66;
    default: return 0;
    }
}

/* One record, parsed in place. */
typedef struct rec {
    unsigned type;
    unsigned pathlen1;    /* path length + 1, 0: none */
    uint32_t not_after;   /* days */
    const uint8_t *key;   /* RSA: modulus; EC: the 0x04 point */
    size_t key_len;
    const uint8_t *exp;   /* RSA_E: the exponent, else NULL */
    size_t exp_len;
    const uint8_t *name;  /* NULL without names */
    size_t name_len;
} rec;

/* Parses the record at p[0..len) that must fill it exactly; 0 or -1. */
static int rec_parse(const uint8_t *p, size_t len, int names, rec *r)
{
    size_t i = 4, n;

    memset(r, 0, sizeof *r);
    if (len < 4)
        return -1;
    r->type = p[0];
    r->pathlen1 = p[1];
    r->not_after = get16(p + 2);
    if (r->pathlen1 > 16)
        return -1;
    if (r->type == IOTLS_BUNDLE_KEY_RSA || r->type == IOTLS_BUNDLE_KEY_RSA_E) {
        if (len - i < 2)
            return -1;
        n = get16(p + i);
        i += 2;
        /* 2048..8192 bits, no leading zero, odd */
        if (n < 256 || n > 1024 || len - i < n || p[i] == 0 || (p[i + n - 1] & 1) == 0)
            return -1;
        r->key = p + i;
        r->key_len = n;
        i += n;
        if (r->type == IOTLS_BUNDLE_KEY_RSA_E) {
            if (len - i < 1)
                return -1;
            n = p[i++];
            /* 3 .. 2^32-1, odd, no leading zero; 65537 has its own type */
            if (n < 1 || n > 4 || len - i < n || p[i] == 0 || (p[i + n - 1] & 1) == 0 ||
                (n == 1 && p[i] < 3) || (n == 3 && get16(p + i) == 0x0100 && p[i + 2] == 1))
                return -1;
            r->exp = p + i;
            r->exp_len = n;
            i += n;
        }
    } else {
        size_t c = ec_coord_len(r->type);
        if (c == 0 || len - i < 1 + 2 * c || p[i] != 0x04)
            return -1;
        r->key = p + i;
        r->key_len = 1 + 2 * c;
        i += 1 + 2 * c;
    }
    if (names) {
        if (len - i < 1)
            return -1;
        n = p[i++];
        if (n > IOTLS_BUNDLE_MAX_NAME || len - i < n)
            return -1;
        for (size_t k = 0; k < n; k++)
            if (p[i + k] < 0x20 || p[i + k] > 0x7e)
                return -1;
        r->name = p + i;
        r->name_len = n;
        i += n;
    }
    return i == len ? 0 : -1;
}

static int fail(iotls_bundle_info *info, iotls_bundle_status st, size_t off, uint32_t root)
{
    if (info != NULL) {
        info->status = st;
        info->offset = off;
        info->root = root;
    }
    return IOTLS_ERR_BUNDLE;
}

int iotls_bundle_check(const uint8_t *b, size_t len, iotls_bundle_info *info)
{
    iotls_bundle_info dummy;
    mbedtls_sha256_context sha;
    uint8_t digest[32];
    uint32_t count, i;
    size_t h, ent, idx_end;
    int ret;

    if (info == NULL)
        info = &dummy;
    memset(info, 0, sizeof *info);
    if (b == NULL)
        return fail(info, IOTLS_BUNDLE_E_NULL, 0, 0);
    if (len < 4)
        return fail(info, IOTLS_BUNDLE_E_TRUNCATED, len, 0);
    if (memcmp(b, "IOTB", 4) != 0)
        return fail(info, IOTLS_BUNDLE_E_MAGIC, 0, 0);
    if (len < IOTLS_BUNDLE_HEADER_LEN)
        return fail(info, IOTLS_BUNDLE_E_TRUNCATED, len, 0);
    if (b[4] != IOTLS_BUNDLE_VERSION)
        return fail(info, IOTLS_BUNDLE_E_VERSION, 4, 0);
    h = b[5];
    count = get16(b + 8);
    if (h < IOTLS_BUNDLE_MIN_HASH || h > IOTLS_BUNDLE_MAX_HASH)
        return fail(info, IOTLS_BUNDLE_E_HEADER, 5, 0);
    if ((b[6] & ~IOTLS_BUNDLE_FLAG_NAMES) != 0 || b[7] != 0)
        return fail(info, IOTLS_BUNDLE_E_HEADER, 6, 0);
    if (count == 0 || count > IOTLS_BUNDLE_MAX_ROOTS)
        return fail(info, IOTLS_BUNDLE_E_HEADER, 8, 0);
    if (get16(b + 10) != 0)
        return fail(info, IOTLS_BUNDLE_E_HEADER, 10, 0);
    if (get32(b + 12) > len)
        return fail(info, IOTLS_BUNDLE_E_TRUNCATED, len, 0);
    if (get32(b + 12) < len)
        return fail(info, IOTLS_BUNDLE_E_LENGTH, get32(b + 12), 0);

    /* The digest first: a blob damaged in flash is reported as such. */
    mbedtls_sha256_init(&sha);
    ret = mbedtls_sha256_starts(&sha, 0);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, b, 16);
    if (ret == 0)
        ret = mbedtls_sha256_update(&sha, b + IOTLS_BUNDLE_HEADER_LEN,
                                    len - IOTLS_BUNDLE_HEADER_LEN);
    if (ret == 0)
        ret = mbedtls_sha256_finish(&sha, digest);
    mbedtls_sha256_free(&sha);
    if (ret != 0 || memcmp(digest, b + 16, 32) != 0)
        return fail(info, IOTLS_BUNDLE_E_DIGEST, 16, 0);

    /* Then the structure, as if the digest proved nothing (a blob can be
     * made with any contents and a matching digest). */
    ent = h + 4;
    idx_end = IOTLS_BUNDLE_HEADER_LEN + (size_t)count * ent;
    if (idx_end >= len)
        return fail(info, IOTLS_BUNDLE_E_INDEX, len, 0);
    for (i = 0; i < count; i++) {
        const uint8_t *e = b + IOTLS_BUNDLE_HEADER_LEN + (size_t)i * ent;
        size_t off = get32(e + h);
        size_t end = i + 1 < count ? get32(e + ent + h) : len;
        rec r;

        if (i > 0 && memcmp(e - ent, e, h) > 0)
            return fail(info, IOTLS_BUNDLE_E_ORDER, (size_t)(e - b), i);
        if ((i == 0 && off != idx_end) || end <= off || end > len)
            return fail(info, IOTLS_BUNDLE_E_OFFSET, (size_t)(e - b) + h, i);
        if (rec_parse(b + off, end - off, b[6] & IOTLS_BUNDLE_FLAG_NAMES, &r) != 0)
            return fail(info, IOTLS_BUNDLE_E_RECORD, off, i);
    }
    info->status = IOTLS_BUNDLE_OK;
    info->offset = len;
    info->count = count;
    info->hash_len = (uint8_t)h;
    info->flags = b[6];
    return IOTLS_OK;
}

const char *iotls_bundle_status_str(iotls_bundle_status s)
{
    switch (s) {
    case IOTLS_BUNDLE_OK: return "ok";
    case IOTLS_BUNDLE_E_NULL: return "no bundle given";
    case IOTLS_BUNDLE_E_TRUNCATED: return "truncated";
    case IOTLS_BUNDLE_E_MAGIC: return "not a root bundle (bad magic)";
    case IOTLS_BUNDLE_E_VERSION: return "unsupported format version";
    case IOTLS_BUNDLE_E_HEADER: return "bad header field";
    case IOTLS_BUNDLE_E_LENGTH: return "trailing bytes after the bundle";
    case IOTLS_BUNDLE_E_DIGEST: return "digest mismatch (corrupt)";
    case IOTLS_BUNDLE_E_INDEX: return "index does not fit";
    case IOTLS_BUNDLE_E_ORDER: return "index not sorted";
    case IOTLS_BUNDLE_E_OFFSET: return "bad record offset";
    case IOTLS_BUNDLE_E_RECORD: return "bad record";
    }
    return "unknown";
}

/* The verification code is reached through conf->bundle_ops, set by the
 * setter only: an image that never sets a bundle links none of it (the
 * calls from the connection cost a few bytes). */
typedef struct bundle_ops {
    void (*apply)(mbedtls_ssl_config *sc);
    int (*anchor)(const uint8_t *blob, size_t len, const mbedtls_x509_crt *crt, int depth,
                  uint32_t *flags, const mbedtls_x509_crt_profile *prof);
} bundle_ops;
static void apply(mbedtls_ssl_config *sc);
static const bundle_ops ops = {apply, iotls_bundle_anchor_crt};

int iotls_conf_set_bundle(iotls_conf *conf, const uint8_t *blob, size_t len)
{
    if (conf == NULL)
        return IOTLS_ERR_USAGE;
    conf->bundle = NULL;
    conf->bundle_len = 0;
    conf->bundle_ops = NULL;
    if (blob == NULL)
        return IOTLS_OK;
    if (iotls_bundle_check(blob, len, NULL) != IOTLS_OK)
        return IOTLS_ERR_BUNDLE;
    conf->bundle_ops = &ops;
    conf->bundle = blob;
    conf->bundle_len = len;
    return IOTLS_OK;
}

/* Entry i of a checked blob: its hash and record. */
static const uint8_t *entry(const uint8_t *b, uint32_t i)
{
    return b + IOTLS_BUNDLE_HEADER_LEN + (size_t)i * (b[5] + 4u);
}

/* Record i of a checked blob; 0, or -1 if the blob changed since it was
 * checked (it must not: it is read in place). */
static int rec_of(const uint8_t *b, size_t len, uint32_t i, rec *r, size_t *bytes)
{
    uint32_t count = get16(b + 8);
    const uint8_t *e = entry(b, i);
    size_t off = get32(e + b[5]);
    size_t end = i + 1 < count ? get32(e + b[5] + 4 + b[5]) : len;

    if (bytes != NULL)
        *bytes = 0;
    if (off >= end || end > len ||
        rec_parse(b + off, end - off, b[6] & IOTLS_BUNDLE_FLAG_NAMES, r) != 0)
        return -1;
    if (bytes != NULL)
        *bytes = end - off + b[5] + 4u;
    return 0;
}

static uint32_t rec_bits(const rec *r)
{
    uint32_t bits;
    uint8_t top;

    if (r->type == IOTLS_BUNDLE_KEY_RSA || r->type == IOTLS_BUNDLE_KEY_RSA_E) {
        bits = (uint32_t)r->key_len * 8;
        for (top = r->key[0]; (top & 0x80) == 0; top <<= 1)
            bits--;
        return bits;
    }
    return r->type == IOTLS_BUNDLE_KEY_P256 ? 256 : r->type == IOTLS_BUNDLE_KEY_P384 ? 384 : 521;
}

static void root_fill(const uint8_t *b, size_t len, uint32_t i, iotls_bundle_root *out)
{
    rec r;
    size_t bytes = 0;

    memset(out, 0, sizeof *out);
    if (rec_of(b, len, i, &r, &bytes) != 0)
        return;
    out->index = i;
    out->key_type = (iotls_bundle_key)r.type;
    out->key_bits = rec_bits(&r);
    out->hash_len = b[5];
    memcpy(out->subject_hash, entry(b, i), b[5]);
    out->path_len = (int8_t)((int)r.pathlen1 - 1);
    out->not_after_days = (uint16_t)r.not_after;
    out->record_bytes = (uint32_t)bytes;
    if (r.name != NULL) {
        memcpy(out->name, r.name, r.name_len);
        out->name[r.name_len] = '\0';
    }
}

int iotls_bundle_root_at(const uint8_t *blob, size_t len, uint32_t index,
                         iotls_bundle_root *out)
{
    iotls_bundle_info info;

    if (out == NULL || iotls_bundle_check(blob, len, &info) != IOTLS_OK || index >= info.count)
        return IOTLS_ERR_USAGE;
    root_fill(blob, len, index, out);
    return IOTLS_OK;
}

int iotls_conn_bundle_anchor(const iotls_conn *c, iotls_bundle_root *out)
{
    const iotls_conn_priv *pv;

    if (c == NULL || c->priv == NULL || c->conf == NULL || c->conf->bundle == NULL)
        return 0;
    if (c->state != CONN_OPEN && c->state != CONN_PEER_CLOSED && c->state != CONN_CLOSED)
        return 0;
    pv = IOTLS_PRIV(c);
    if (pv->bundle_anchor == 0)
        return 0;
    if (out != NULL)
        root_fill(c->conf->bundle, c->conf->bundle_len, (uint32_t)(pv->bundle_anchor - 1), out);
    return 1;
}

/* ---- at handshake time ---- */

/* The placeholder CA (see the top of this file). Mbed TLS never writes to
 * a configured CA chain. */
static const mbedtls_x509_crt no_issuer = {.version = 3};

void iotls_bundle_conf_apply(const iotls_conf *conf, mbedtls_ssl_config *sc)
{
    if (conf != NULL && conf->bundle != NULL && conf->bundle_ops != NULL)
        ((const bundle_ops *)conf->bundle_ops)->apply(sc);
}

static void apply(mbedtls_ssl_config *sc)
{
    if (sc->MBEDTLS_PRIVATE(ca_chain) != NULL)
        return; /* a trust store: Mbed TLS tries it first, the bundle after */
#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
    if (sc->MBEDTLS_PRIVATE(f_ca_cb) != NULL)
        return;
#endif
    mbedtls_ssl_conf_ca_chain(sc, (mbedtls_x509_crt *)(uintptr_t)&no_issuer, NULL);
}

/* The root's key from its record, checked against the profile like Mbed
 * TLS checks a CA's key. 0 or -1. */
static int rec_key(const rec *r, mbedtls_pk_context *pk, const mbedtls_x509_crt_profile *prof)
{
    static const uint8_t e65537[] = {0x01, 0x00, 0x01};

    if (r->type == IOTLS_BUNDLE_KEY_RSA || r->type == IOTLS_BUNDLE_KEY_RSA_E) {
        mbedtls_rsa_context *rsa;
        if (rec_bits(r) < prof->rsa_min_bitlen ||
            mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0)
            return -1;
        rsa = mbedtls_pk_rsa(*pk);
        if (mbedtls_rsa_import_raw(rsa, r->key, r->key_len, NULL, 0, NULL, 0, NULL, 0,
                                   r->exp != NULL ? r->exp : e65537,
                                   r->exp != NULL ? r->exp_len : sizeof e65537) != 0 ||
            mbedtls_rsa_complete(rsa) != 0 || mbedtls_rsa_check_pubkey(rsa) != 0)
            return -1;
        return 0;
    } else {
        mbedtls_ecp_group_id id = r->type == IOTLS_BUNDLE_KEY_P256   ? MBEDTLS_ECP_DP_SECP256R1
                                  : r->type == IOTLS_BUNDLE_KEY_P384 ? MBEDTLS_ECP_DP_SECP384R1
                                                                     : MBEDTLS_ECP_DP_SECP521R1;
        mbedtls_ecp_keypair *ec;
        if ((prof->allowed_curves & MBEDTLS_X509_ID_FLAG(id)) == 0 ||
            mbedtls_ecp_curve_info_from_grp_id(id) == NULL ||
            mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
            return -1;
        ec = mbedtls_pk_ec(*pk);
        if (mbedtls_ecp_group_load(&ec->MBEDTLS_PRIVATE(grp), id) != 0 ||
            mbedtls_ecp_point_read_binary(&ec->MBEDTLS_PRIVATE(grp), &ec->MBEDTLS_PRIVATE(Q),
                                          r->key, r->key_len) != 0 ||
            mbedtls_ecp_check_pubkey(&ec->MBEDTLS_PRIVATE(grp), &ec->MBEDTLS_PRIVATE(Q)) != 0)
            return -1;
        return 0;
    }
}

/* Does the bundled root r sign crt? 0 yes. */
static int signed_by(const mbedtls_x509_crt *crt, const rec *r,
                     const mbedtls_x509_crt_profile *prof)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(crt->MBEDTLS_PRIVATE(sig_md));
    mbedtls_pk_context pk;
    int ok = -1;

    if (md == NULL ||
        (prof->allowed_mds & MBEDTLS_X509_ID_FLAG(crt->MBEDTLS_PRIVATE(sig_md))) == 0 ||
        mbedtls_md(md, crt->tbs.p, crt->tbs.len, hash) != 0)
        return -1;
    mbedtls_pk_init(&pk);
    if (rec_key(r, &pk, prof) == 0 &&
        mbedtls_pk_verify_ext(crt->MBEDTLS_PRIVATE(sig_pk), crt->MBEDTLS_PRIVATE(sig_opts), &pk,
                              crt->MBEDTLS_PRIVATE(sig_md), hash, mbedtls_md_get_size(md),
                              crt->MBEDTLS_PRIVATE(sig).p, crt->MBEDTLS_PRIVATE(sig).len) == 0)
        ok = 0;
    mbedtls_pk_free(&pk);
    return ok;
}

/* Is X the big-endian number b[0..n)? Reads X's limbs in place: no
 * allocation. */
static int mpi_is(const mbedtls_mpi *X, const uint8_t *b, size_t n)
{
    const size_t ciL = sizeof(mbedtls_mpi_uint);
    size_t i, limbs = X->MBEDTLS_PRIVATE(n);

    if (X->MBEDTLS_PRIVATE(s) != 1 || mbedtls_mpi_size(X) > n)
        return 0;
    for (i = 0; i < n; i++) {
        size_t limb = i / ciL;
        uint8_t v = limb < limbs ? (uint8_t)(X->MBEDTLS_PRIVATE(p)[limb] >> (8 * (i % ciL))) : 0;
        if (v != b[n - 1 - i])
            return 0;
    }
    return 1;
}

/* Does crt carry the root's own key (the server sent the root itself)? */
static int same_key(const mbedtls_x509_crt *crt, const rec *r)
{
    static const uint8_t e65537[] = {0x01, 0x00, 0x01};
    mbedtls_pk_type_t t = mbedtls_pk_get_type(&crt->pk);

    if (r->type == IOTLS_BUNDLE_KEY_RSA || r->type == IOTLS_BUNDLE_KEY_RSA_E) {
        const mbedtls_rsa_context *rsa;
        if (t != MBEDTLS_PK_RSA)
            return 0;
        rsa = mbedtls_pk_rsa(crt->pk);
        return mpi_is(&rsa->MBEDTLS_PRIVATE(N), r->key, r->key_len) &&
               mpi_is(&rsa->MBEDTLS_PRIVATE(E), r->exp != NULL ? r->exp : e65537,
                      r->exp != NULL ? r->exp_len : sizeof e65537);
    } else {
        const mbedtls_ecp_keypair *ec;
        size_t c = (r->key_len - 1) / 2;
        if (t != MBEDTLS_PK_ECKEY && t != MBEDTLS_PK_ECKEY_DH && t != MBEDTLS_PK_ECDSA)
            return 0;
        ec = mbedtls_pk_ec(crt->pk);
        return ec->MBEDTLS_PRIVATE(grp).id == (r->type == IOTLS_BUNDLE_KEY_P256
                                                   ? MBEDTLS_ECP_DP_SECP256R1
                                                   : r->type == IOTLS_BUNDLE_KEY_P384
                                                         ? MBEDTLS_ECP_DP_SECP384R1
                                                         : MBEDTLS_ECP_DP_SECP521R1) &&
               mpi_is(&ec->MBEDTLS_PRIVATE(Q).MBEDTLS_PRIVATE(X), r->key + 1, c) &&
               mpi_is(&ec->MBEDTLS_PRIVATE(Q).MBEDTLS_PRIVATE(Y), r->key + 1 + c, c) &&
               mbedtls_mpi_cmp_int(&ec->MBEDTLS_PRIVATE(Q).MBEDTLS_PRIVATE(Z), 1) == 0;
    }
}

/* Index of the first entry whose hash is >= h (binary search). */
static uint32_t lower_bound(const uint8_t *b, const uint8_t *h)
{
    uint32_t lo = 0, hi = get16(b + 8);

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(entry(b, mid), h, b[5]) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int iotls_bundle_anchor_crt(const uint8_t *b, size_t len, const mbedtls_x509_crt *crt,
                            int depth, uint32_t *flags, const mbedtls_x509_crt_profile *prof)
{
    uint8_t h[32];
    uint32_t i, count;
    int64_t today;
    int self;

    if (b == NULL || crt == NULL || crt->issuer_raw.p == NULL)
        return -1;
    if (mbedtls_sha256(crt->issuer_raw.p, crt->issuer_raw.len, h, 0) != 0)
        return -1;
    count = get16(b + 8);
    today = (int64_t)mbedtls_time(NULL) / 86400;
    self = iotls_x509_self_issued(crt);
    for (i = lower_bound(b, h); i < count && memcmp(entry(b, i), h, b[5]) == 0; i++) {
        rec r;
        int root_itself;
        if (rec_of(b, len, i, &r, NULL) != 0)
            continue;
        /* The root's path length constraint: crt (at depth > 0) and the
         * CAs under it are intermediates of that root, unless crt is the
         * root itself sent by the server (self-issued). Self-issued
         * intermediates count too: stricter than RFC 5280. */
        if (r.pathlen1 != 0 && depth > 0 &&
            (uint32_t)depth - (self ? 1u : 0u) > r.pathlen1 - 1u)
            continue;
        /* The server sent the root itself: its name and key are the
         * anchor, and like Mbed TLS with a trusted root, its own
         * self-signature is not judged (many roots are self-signed with
         * SHA-1, which the profile refuses); its dates still are. */
        root_itself = self && same_key(crt, &r);
        if (!root_itself && signed_by(crt, &r, prof) != 0)
            continue;
        *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_NOT_TRUSTED;
        if (root_itself)
            *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK);
        if (r.not_after != 0xFFFF && today > (int64_t)r.not_after)
            *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
        return (int)i;
    }
    return -1;
}

void iotls_bundle_verify_hook(iotls_conn *c, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    const bundle_ops *ops_p;
    int idx;

    if (c == NULL || c->conf == NULL || c->conf->bundle == NULL || c->priv == NULL ||
        flags == NULL || (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) == 0 ||
        c->conf->bundle_ops == NULL)
        return;
    ops_p = (const bundle_ops *)c->conf->bundle_ops;
    idx = ops_p->anchor(c->conf->bundle, c->conf->bundle_len, crt, depth, flags,
                        &iotls_cert_profile);
    if (idx >= 0)
        IOTLS_PRIV(c)->bundle_anchor = idx + 1;
}
