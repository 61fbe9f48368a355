/*
 * Unit tests: the device root bundle (src/trust/bundle.c, bundle_build.c).
 * Roots made here (41 P-256 and one RSA-2048); the builder's verdicts; the
 * blob checker against every truncation, random corruption (with and
 * without a matching digest) and each structural fault; and chains
 * verified through Mbed TLS with the bundle as the only trust, as a
 * connection does (placeholder CA + the verify hook): anchored by a bundled
 * root, by the root itself sent along, by an RSA root; refused for an
 * unbundled root, an impostor with a bundled root's name, a root whose
 * path length the chain exceeds; an expired root marks the chain expired.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "certgen.h"
#include "iotls/iotls.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "psa/crypto.h"

#include "conn/engine.h"
#include "opts.h"

#define N_EC_ROOTS 41

typedef struct pki {
    certgen g;
    mbedtls_pk_context root_key[N_EC_ROOTS], rsa_key, other_key, int_key, leaf_key, pl_key,
        old_key, sha1_key;
    unsigned char root[N_EC_ROOTS][1024];
    int root_len[N_EC_ROOTS];
    unsigned char rsa_root[2048];
    int rsa_root_len;
} pki;

static pki P;

/* certgen_issue with a path length constraint and a validity of our own. */
static mbedtls_md_type_t issue_md = MBEDTLS_MD_SHA256;

static int issue(mbedtls_pk_context *ikey, const char *iname, mbedtls_pk_context *skey,
                 const char *sname, int is_ca, int pathlen, const char *from, const char *to,
                 unsigned char *out, size_t cap)
{
    mbedtls_x509write_cert w;
    static unsigned char buf[4096];
    static int serial = 300;
    unsigned char sn[2];
    int ret, len = -1;

    sn[0] = (unsigned char)((serial >> 8) & 0x7f);
    sn[1] = (unsigned char)serial++;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, issue_md);
    mbedtls_x509write_crt_set_subject_key(&w, skey);
    mbedtls_x509write_crt_set_issuer_key(&w, ikey);
    ret = mbedtls_x509write_crt_set_serial_raw(&w, sn, sizeof sn);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_name(&w, sname);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, iname);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, pathlen);
    if (ret == 0) {
        ret = mbedtls_x509write_crt_der(&w, buf, sizeof buf, mbedtls_ctr_drbg_random, &P.g.drbg);
        if (ret > 0 && (size_t)ret <= cap) {
            memcpy(out, buf + sizeof buf - ret, (size_t)ret);
            len = ret;
        }
    }
    mbedtls_x509write_crt_free(&w);
    return len;
}

#define VALID_FROM "20200101000000"
#define VALID_TO "20491231235959"

static void root_name(int i, char *out, size_t cap)
{
    snprintf(out, cap, "CN=Test Root %02d,O=iotls bundle test", i);
}

/* ---- verification as a connection does it ---- */

static const mbedtls_x509_crt placeholder = {.version = 3};

typedef struct vctx {
    const uint8_t *blob;
    size_t len;
    int anchor; /* index, -1 */
} vctx;

static int vcb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    vctx *v = (vctx *)p;
    if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        int i = iotls_bundle_anchor_crt(v->blob, v->len, crt, depth, flags, &iotls_cert_profile);
        if (i >= 0)
            v->anchor = i;
    }
    return 0;
}

/* Verifies the DER chain (leaf first) against the bundle; *flags, the
 * anchor's index in *anchor. Returns Mbed TLS's result. */
static int verify(const uint8_t *blob, size_t len, const unsigned char *const *der,
                  const int *der_len, int n, uint32_t *flags, int *anchor)
{
    mbedtls_x509_crt chain;
    vctx v = {blob, len, -1};
    int ret = 0;

    mbedtls_x509_crt_init(&chain);
    for (int i = 0; i < n && ret == 0; i++)
        ret = mbedtls_x509_crt_parse_der(&chain, der[i], (size_t)der_len[i]);
    if (ret == 0)
        ret = mbedtls_x509_crt_verify_with_profile(&chain, (mbedtls_x509_crt *)(uintptr_t)&placeholder,
                                                   NULL, &iotls_cert_profile, NULL, flags, vcb, &v);
    mbedtls_x509_crt_free(&chain);
    *anchor = v.anchor;
    return ret;
}

/* The bundle index of the root named like root i (names are in the blob). */
static int index_of(const uint8_t *blob, size_t len, const char *name)
{
    iotls_bundle_info info;
    iotls_bundle_root r;

    if (iotls_bundle_check(blob, len, &info) != IOTLS_OK)
        return -2;
    for (uint32_t i = 0; i < info.count; i++)
        if (iotls_bundle_root_at(blob, len, i, &r) == IOTLS_OK && strcmp(r.name, name) == 0)
            return (int)i;
    return -1;
}

static void digest_fix(uint8_t *b, size_t len)
{
    mbedtls_sha256_context s;
    mbedtls_sha256_init(&s);
    mbedtls_sha256_starts(&s, 0);
    mbedtls_sha256_update(&s, b, 16);
    mbedtls_sha256_update(&s, b + 48, len - 48);
    mbedtls_sha256_finish(&s, b + 16);
    mbedtls_sha256_free(&s);
}

static iotls_bundle_status status_of(const uint8_t *b, size_t len)
{
    iotls_bundle_info info;
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    int rc;

    memcpy(copy, b, len);
    rc = iotls_bundle_check(copy, len, &info);
    free(copy);
    if (rc == IOTLS_OK)
        return IOTLS_BUNDLE_OK;
    return info.status;
}

static void test_parser(const uint8_t *blob, size_t len)
{
    uint8_t *c;
    size_t idx = 48, h = blob[5];
    unsigned accepted = 0;
    uint32_t rng = 12345;
    iotls_conf conf;

    CHECK_INT(status_of(blob, len), IOTLS_BUNDLE_OK);
    /* every truncation, in a buffer of exactly that size (ASan sees overreads) */
    for (size_t n = 0; n < len; n++) {
        iotls_bundle_status st = status_of(blob, n);
        if (st == IOTLS_BUNDLE_OK)
            accepted++;
    }
    CHECK_INT(accepted, 0);
    CHECK_INT(status_of(blob, 30), IOTLS_BUNDLE_E_TRUNCATED);
    CHECK_INT(status_of(blob, len - 1), IOTLS_BUNDLE_E_TRUNCATED);
    CHECK_INT(iotls_bundle_check(NULL, 10, NULL), IOTLS_ERR_BUNDLE);

    c = (uint8_t *)malloc(len + 1);
    /* random corruption: one to four bytes changed; the digest catches it */
    accepted = 0;
    for (int k = 0; k < 1000; k++) {
        memcpy(c, blob, len);
        int nb = 1 + k % 4;
        for (int j = 0; j < nb; j++) {
            rng = rng * 1103515245u + 12345u;
            size_t pos = (rng >> 8) % len;
            c[pos] ^= (uint8_t)(1 + ((rng >> 3) % 255));
        }
        if (status_of(c, len) == IOTLS_BUNDLE_OK)
            accepted++;
    }
    CHECK_INT(accepted, 0);
    /* the same with the digest made to match: the structure checks alone
     * must hold (no crash, no overread); what they accept must read */
    for (int k = 0; k < 1000; k++) {
        memcpy(c, blob, len);
        rng = rng * 1103515245u + 12345u;
        size_t pos = (k % 3 == 0) ? (rng >> 8) % (idx + 64) : (rng >> 8) % len;
        if (pos >= 16 && pos < 48)
            pos = 8;
        c[pos] ^= (uint8_t)(1 + ((rng >> 3) % 255));
        digest_fix(c, len);
        if (status_of(c, len) == IOTLS_BUNDLE_OK) {
            iotls_bundle_root r;
            uint32_t cnt = (uint32_t)c[8] << 8 | c[9];
            for (uint32_t i = 0; i < cnt; i++)
                CHECK(iotls_bundle_root_at(c, len, i, &r) == IOTLS_OK);
        }
    }
    /* each structural fault, digest matching */
    memcpy(c, blob, len); c[0] = 'X'; digest_fix(c, len);
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_MAGIC);
    memcpy(c, blob, len); c[4] = 2; digest_fix(c, len);
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_VERSION);
    memcpy(c, blob, len); c[5] = 3; digest_fix(c, len);
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_HEADER);
    memcpy(c, blob, len); c[6] |= 0x80; digest_fix(c, len);
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_HEADER);
    memcpy(c, blob, len); c[8] = 0; c[9] = 0; digest_fix(c, len);
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_HEADER);
    memcpy(c, blob, len); c[9] += 1; digest_fix(c, len);  /* one root more than there is */
    CHECK(status_of(c, len) != IOTLS_BUNDLE_OK);
    memcpy(c, blob, len); c[len] = 0; digest_fix(c, len + 1); /* a trailing byte */
    CHECK_INT(status_of(c, len + 1), IOTLS_BUNDLE_E_LENGTH);
    memcpy(c, blob, len); /* swap the first two index hashes: unsorted */
    if (memcmp(blob + idx, blob + idx + h + 4, h) != 0) {
        memcpy(c + idx, blob + idx + h + 4, h);
        memcpy(c + idx + h + 4, blob + idx, h);
        digest_fix(c, len);
        CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_ORDER);
    }
    memcpy(c, blob, len); c[idx + h + 3] += 1; digest_fix(c, len); /* first offset */
    CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_OFFSET);
    {
        size_t off = (size_t)blob[idx + h] << 24 | (size_t)blob[idx + h + 1] << 16 |
                     (size_t)blob[idx + h + 2] << 8 | blob[idx + h + 3];
        memcpy(c, blob, len); c[off] = 9; digest_fix(c, len); /* key type */
        CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_RECORD);
        memcpy(c, blob, len); c[off + 1] = 200; digest_fix(c, len); /* path length */
        CHECK_INT(status_of(c, len), IOTLS_BUNDLE_E_RECORD);
    }
    free(c);

    /* the setter checks too, and keeps nothing it refused */
    iotls_conf_init(&conf);
    CHECK_INT(iotls_conf_set_bundle(&conf, blob, len - 1), IOTLS_ERR_BUNDLE);
    CHECK(conf.bundle == NULL);
    CHECK_INT(iotls_conf_set_bundle(&conf, blob, len), IOTLS_OK);
    CHECK(conf.bundle == blob && conf.bundle_len == len);
    CHECK_INT(iotls_conf_set_bundle(&conf, NULL, 0), IOTLS_OK);
    CHECK(conf.bundle == NULL);
    CHECK_INT(iotls_conf_set_bundle(NULL, blob, len), IOTLS_ERR_USAGE);
    CHECK_STR(iotls_err_name(IOTLS_ERR_BUNDLE), "bundle_invalid");
}

/* The tool's bundle options (cli/cmd_bundle.c, cli/opts.c). */
static int parse(const char *first, ...)
{
    static iotls_cli_opts o;
    char *argv[64], err[256];
    int argc = 0;
    va_list ap;

    argv[argc++] = (char *)"iotls";
    va_start(ap, first);
    for (const char *a = first; a != NULL && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    return iotls_cli_opts_parse(argc, argv, &o, err, sizeof err);
}

static void test_opts(void)
{
    CHECK_INT(parse("bundle", "--system", "-o", "x.bin", NULL), 0);
    CHECK_INT(parse("bundle", "--cacert", "a.pem", "--names", "--hash-bytes", "8", "--c-array",
                    "roots_1", "-o", "x.c", NULL), 0);
    CHECK_INT(parse("bundle", "--system", NULL), -1);                 /* no -o */
    CHECK_INT(parse("bundle", "x", "-o", "x.bin", NULL), -1);         /* no arguments */
    CHECK_INT(parse("bundle", "--hash-bytes", "33", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--hash-bytes", "4x", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--c-array", "9x", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--c-array", "a-b", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--for", "", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--for", "h:99999", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--bundle", "b", "-o", "x", NULL), -1);
    CHECK_INT(parse("bundle", "--sni", "n", "-o", "x", NULL), -1);
    CHECK_INT(parse("connect", "h", "--bundle", "b.bin", NULL), 0);
    CHECK_INT(parse("get", "https://h/", "--bundle", "b.bin", NULL), 0);
    CHECK_INT(parse("connect", "h", "--names", NULL), -1);
    CHECK_INT(parse("connect", "h", "--system", NULL), -1);
    CHECK_INT(parse("verify", "c.pem", "--host", "h", "--bundle", "b.bin", NULL), -1);
    CHECK_INT(parse("diagnose", "h", "--bundle", "b.bin", NULL), -1);
    CHECK_INT(parse("demo", "--for", "h", NULL), -1);
    CHECK_INT(parse("bundle", "--for", "a", "--for", "a", "--for", "a", "--for", "a", "--for", "a",
                    "--for", "a", "--for", "a", "--for", "a", "--for", "a", "--for", "a", "--for",
                    "a", "--for", "a", "--for", "a", "--for", "a", "--for", "a", "--for", "a",
                    "--for", "a", "-o", "x", NULL), -1); /* 17 */
}

int main(void)
{
    static unsigned char inter[1024], leaf[1024], other_root[1024], other_int[1024],
        other_leaf[1024], fake_root[1024], fake_int[1024], rsa_leaf[2048], pl_root[1024],
        pl_int[1024], pl_leaf[1024], old_root[1024], old_leaf[1024], buf[1024], s1_root[1024],
        s1_int[1024], s1_leaf[1024], s1_fake[1024];
    int inter_len, leaf_len, other_root_len, other_int_len, other_leaf_len, fake_root_len,
        fake_int_len, rsa_leaf_len, pl_root_len, pl_int_len, pl_leaf_len, old_root_len,
        old_leaf_len, s1_root_len, s1_int_len, s1_leaf_len, s1_fake_len;
    char name[96];
    iotls_bundle_builder *b = NULL;
    iotls_bundle_added res;
    uint8_t *blob = NULL;
    size_t len = 0;
    uint32_t flags;
    int anchor, k = 17, n;

    CHECK(certgen_init(&P.g) == 0);
    for (int i = 0; i < N_EC_ROOTS; i++) {
        CHECK(certgen_key(&P.g, &P.root_key[i]) == 0);
        root_name(i, name, sizeof name);
        P.root_len[i] = issue(&P.root_key[i], name, &P.root_key[i], name, 1, -1, VALID_FROM,
                              VALID_TO, P.root[i], sizeof P.root[i]);
        CHECK(P.root_len[i] > 0);
    }
    /* one RSA-2048 root */
    mbedtls_pk_init(&P.rsa_key);
    CHECK(mbedtls_pk_setup(&P.rsa_key, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) == 0);
    CHECK(mbedtls_rsa_gen_key(mbedtls_pk_rsa(P.rsa_key), mbedtls_ctr_drbg_random, &P.g.drbg,
                              2048, 65537) == 0);
    P.rsa_root_len = issue(&P.rsa_key, "CN=Test RSA Root,O=iotls bundle test", &P.rsa_key,
                           "CN=Test RSA Root,O=iotls bundle test", 1, -1, VALID_FROM, VALID_TO,
                           P.rsa_root, sizeof P.rsa_root);
    CHECK(P.rsa_root_len > 0);
    CHECK(certgen_key(&P.g, &P.other_key) == 0);
    CHECK(certgen_key(&P.g, &P.int_key) == 0);
    CHECK(certgen_key(&P.g, &P.leaf_key) == 0);
    CHECK(certgen_key(&P.g, &P.pl_key) == 0);
    CHECK(certgen_key(&P.g, &P.old_key) == 0);

    /* leaf <- intermediate <- root k (bundled) */
    root_name(k, name, sizeof name);
    inter_len = issue(&P.root_key[k], name, &P.int_key, "CN=Test Intermediate", 1, -1, VALID_FROM,
                      VALID_TO, inter, sizeof inter);
    leaf_len = issue(&P.int_key, "CN=Test Intermediate", &P.leaf_key, "CN=tls.device.test", 0, -1,
                     VALID_FROM, VALID_TO, leaf, sizeof leaf);
    /* the same names under a root that is not bundled */
    other_root_len = issue(&P.other_key, "CN=Unbundled Root", &P.other_key, "CN=Unbundled Root", 1,
                           -1, VALID_FROM, VALID_TO, other_root, sizeof other_root);
    other_int_len = issue(&P.other_key, "CN=Unbundled Root", &P.int_key, "CN=Test Intermediate", 1,
                          -1, VALID_FROM, VALID_TO, other_int, sizeof other_int);
    other_leaf_len = issue(&P.int_key, "CN=Test Intermediate", &P.leaf_key, "CN=tls.device.test",
                           0, -1, VALID_FROM, VALID_TO, other_leaf, sizeof other_leaf);
    /* an impostor: root k's name, another key */
    fake_root_len = issue(&P.other_key, name, &P.other_key, name, 1, -1, VALID_FROM, VALID_TO,
                          fake_root, sizeof fake_root);
    fake_int_len = issue(&P.other_key, name, &P.int_key, "CN=Test Intermediate", 1, -1, VALID_FROM,
                         VALID_TO, fake_int, sizeof fake_int);
    /* leaf signed by the RSA root directly */
    rsa_leaf_len = issue(&P.rsa_key, "CN=Test RSA Root,O=iotls bundle test", &P.leaf_key,
                         "CN=tls.device.test", 0, -1, VALID_FROM, VALID_TO, rsa_leaf,
                         sizeof rsa_leaf);
    /* a root with pathLenConstraint 0, and a chain with one intermediate under it */
    pl_root_len = issue(&P.pl_key, "CN=Pathlen Zero Root", &P.pl_key, "CN=Pathlen Zero Root", 1, 0,
                        VALID_FROM, VALID_TO, pl_root, sizeof pl_root);
    pl_int_len = issue(&P.pl_key, "CN=Pathlen Zero Root", &P.int_key, "CN=PL Intermediate", 1, -1,
                       VALID_FROM, VALID_TO, pl_int, sizeof pl_int);
    pl_leaf_len = issue(&P.int_key, "CN=PL Intermediate", &P.leaf_key, "CN=tls.device.test", 0, -1,
                        VALID_FROM, VALID_TO, pl_leaf, sizeof pl_leaf);
    /* an expired root (2000..2010) and a valid leaf it signed */
    old_root_len = issue(&P.old_key, "CN=Expired Root", &P.old_key, "CN=Expired Root", 1, -1,
                         "20000101000000", "20101231235959", old_root, sizeof old_root);
    old_leaf_len = issue(&P.old_key, "CN=Expired Root", &P.leaf_key, "CN=tls.device.test", 0, -1,
                         VALID_FROM, VALID_TO, old_leaf, sizeof old_leaf);
    /* a root self-signed with SHA-1 (as many real roots are), a SHA-256
     * chain under it; and a SHA-1 self-signed impostor with its name */
    CHECK(certgen_key(&P.g, &P.sha1_key) == 0);
    issue_md = MBEDTLS_MD_SHA1;
    s1_root_len = issue(&P.sha1_key, "CN=SHA1 Root", &P.sha1_key, "CN=SHA1 Root", 1, -1,
                        VALID_FROM, VALID_TO, s1_root, sizeof s1_root);
    s1_fake_len = issue(&P.other_key, "CN=SHA1 Root", &P.other_key, "CN=SHA1 Root", 1, -1,
                        VALID_FROM, VALID_TO, s1_fake, sizeof s1_fake);
    issue_md = MBEDTLS_MD_SHA256;
    s1_int_len = issue(&P.sha1_key, "CN=SHA1 Root", &P.int_key, "CN=S1 Intermediate", 1, -1,
                       VALID_FROM, VALID_TO, s1_int, sizeof s1_int);
    s1_leaf_len = issue(&P.int_key, "CN=S1 Intermediate", &P.leaf_key, "CN=tls.device.test", 0,
                        -1, VALID_FROM, VALID_TO, s1_leaf, sizeof s1_leaf);
    CHECK(s1_root_len > 0 && s1_fake_len > 0 && s1_int_len > 0 && s1_leaf_len > 0);
    CHECK(inter_len > 0 && leaf_len > 0 && other_root_len > 0 && other_int_len > 0 &&
          other_leaf_len > 0 && fake_root_len > 0 && fake_int_len > 0 && rsa_leaf_len > 0 &&
          pl_root_len > 0 && pl_int_len > 0 && pl_leaf_len > 0 && old_root_len > 0 &&
          old_leaf_len > 0);

    /* ---- the builder ---- */
    CHECK_INT(iotls_bundle_builder_new(&b, 3, 0, 0), IOTLS_ERR_USAGE);
    CHECK(b == NULL);
    CHECK_INT(iotls_bundle_builder_new(&b, 4, IOTLS_BUNDLE_FLAG_NAMES, 0), IOTLS_OK);
    for (int i = 0; i < N_EC_ROOTS; i++) {
        CHECK_INT(iotls_bundle_builder_add_der(b, P.root[i], (size_t)P.root_len[i], &res),
                  IOTLS_OK);
        CHECK_INT(res.verdict, IOTLS_BUNDLE_ADDED);
        CHECK_INT(res.key_type, IOTLS_BUNDLE_KEY_P256);
        CHECK_INT(res.record_bytes, 4 + 65 + 1 + strlen(res.name) + 4 + 4);
    }
    CHECK_INT(iotls_bundle_builder_add_der(b, P.rsa_root, (size_t)P.rsa_root_len, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_ADDED);
    CHECK_INT(res.key_type, IOTLS_BUNDLE_KEY_RSA);
    CHECK_INT(res.key_bits, 2048);
    CHECK_INT(iotls_bundle_builder_add_der(b, pl_root, (size_t)pl_root_len, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_ADDED);
    CHECK_INT(iotls_bundle_builder_add_der(b, old_root, (size_t)old_root_len, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_ADDED); /* now = 0: expired roots kept */
    CHECK_INT(iotls_bundle_builder_add_der(b, s1_root, (size_t)s1_root_len, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_ADDED);
    /* skips, each with its reason */
    CHECK_INT(iotls_bundle_builder_add_der(b, P.root[3], (size_t)P.root_len[3], &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_DUPLICATE);
    CHECK_INT(iotls_bundle_builder_add_der(b, leaf, (size_t)leaf_len, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_NOT_CA);
    memset(buf, 0x30, sizeof buf);
    CHECK_INT(iotls_bundle_builder_add_der(b, buf, 200, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_PARSE);
    CHECK(res.mbedtls_code != 0);
    CHECK_INT(iotls_bundle_builder_add_der(b, P.root[0], 10, &res), IOTLS_OK); /* truncated */
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_PARSE);
    n = (int)certgen_ed25519("Ed25519 Root", 1, buf, sizeof buf);
    CHECK(n > 0);
    CHECK_INT(iotls_bundle_builder_add_der(b, buf, (size_t)n, &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_KEY_TYPE);
    CHECK_INT(iotls_bundle_builder_count(b), N_EC_ROOTS + 4);
    CHECK_INT(iotls_bundle_builder_finish(b, &blob, &len), IOTLS_OK);
    iotls_bundle_builder_free(b);
    b = NULL;
    printf("bundle: %u roots, %u bytes\n", (unsigned)(N_EC_ROOTS + 4), (unsigned)len);

    /* a builder that sees every root expired (its time: 2060) */
    CHECK_INT(iotls_bundle_builder_new(&b, 4, 0, (int64_t)2840140800), IOTLS_OK);
    CHECK_INT(iotls_bundle_builder_add_der(b, P.root[0], (size_t)P.root_len[0], &res), IOTLS_OK);
    CHECK_INT(res.verdict, IOTLS_BUNDLE_SKIP_EXPIRED);
    {
        uint8_t *none = NULL;
        size_t nlen = 0;
        CHECK_INT(iotls_bundle_builder_finish(b, &none, &nlen), IOTLS_ERR_USAGE);
        CHECK(none == NULL);
    }
    iotls_bundle_builder_free(b);

    test_parser(blob, len);
    test_opts();

    /* ---- verification ---- */
    root_name(k, name, sizeof name);
    {
        const unsigned char *c1[] = {leaf, inter};
        const int l1[] = {leaf_len, inter_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c1, l1, 2, &flags, &anchor), 0);
        CHECK_INT(flags, 0);
        CHECK_INT(anchor, index_of(blob, len, "Test Root 17"));
        CHECK(anchor >= 0);
    }
    {
        /* the server sends the root too */
        const unsigned char *c2[] = {leaf, inter, P.root[k]};
        const int l2[] = {leaf_len, inter_len, P.root_len[k]};
        flags = 0;
        CHECK_INT(verify(blob, len, c2, l2, 3, &flags, &anchor), 0);
        CHECK_INT(flags, 0);
        CHECK_INT(anchor, index_of(blob, len, "Test Root 17"));
    }
    {
        const unsigned char *c3[] = {other_leaf, other_int};
        const int l3[] = {other_leaf_len, other_int_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c3, l3, 2, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
        CHECK_INT(anchor, -1);
    }
    {
        const unsigned char *c3b[] = {other_leaf, other_int, other_root};
        const int l3b[] = {other_leaf_len, other_int_len, other_root_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c3b, l3b, 3, &flags, &anchor),
                  MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    }
    {
        /* the impostor's intermediate, and the impostor root sent along */
        const unsigned char *c4[] = {leaf, fake_int};
        const int l4[] = {leaf_len, fake_int_len};
        const unsigned char *c5[] = {leaf, fake_int, fake_root};
        const int l5[] = {leaf_len, fake_int_len, fake_root_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c4, l4, 2, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
        CHECK_INT(anchor, -1);
        flags = 0;
        CHECK_INT(verify(blob, len, c5, l5, 3, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
        CHECK_INT(anchor, -1);
    }
    {
        const unsigned char *c6[] = {rsa_leaf};
        const int l6[] = {rsa_leaf_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c6, l6, 1, &flags, &anchor), 0);
        CHECK_INT(flags, 0);
        CHECK_INT(anchor, index_of(blob, len, "Test RSA Root"));
    }
    {
        /* pathLenConstraint 0: a leaf right under it is fine, an intermediate is not */
        const unsigned char *c7[] = {pl_leaf, pl_int};
        const int l7[] = {pl_leaf_len, pl_int_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c7, l7, 2, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
        CHECK_INT(anchor, -1);
        const unsigned char *c8[] = {pl_int};
        const int l8[] = {pl_int_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c8, l8, 1, &flags, &anchor), 0);
        CHECK_INT(anchor, index_of(blob, len, "Pathlen Zero Root"));
    }
    {
        /* anchored by an expired root: expired, not "not trusted" */
        const unsigned char *c9[] = {old_leaf};
        const int l9[] = {old_leaf_len};
        flags = 0;
        CHECK_INT(verify(blob, len, c9, l9, 1, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK_INT(flags, MBEDTLS_X509_BADCERT_EXPIRED);
        CHECK_INT(anchor, index_of(blob, len, "Expired Root"));
    }
    {
        /* the SHA-1 self-signed root sent along: anchored as the root
         * itself (its own signature not judged); without it, through the
         * intermediate's SHA-256 signature; the impostor sent along fails */
        const unsigned char *c10[] = {s1_leaf, s1_int, s1_root};
        const int l10[] = {s1_leaf_len, s1_int_len, s1_root_len};
        const unsigned char *c11[] = {s1_leaf, s1_int};
        const int l11[] = {s1_leaf_len, s1_int_len};
        const unsigned char *c12[] = {s1_leaf, s1_int, s1_fake};
        const int l12[] = {s1_leaf_len, s1_int_len, s1_fake_len};
        int want = index_of(blob, len, "SHA1 Root");
        CHECK(want >= 0);
        flags = 0;
        CHECK_INT(verify(blob, len, c10, l10, 3, &flags, &anchor), 0);
        CHECK_INT(flags, 0);
        CHECK_INT(anchor, want);
        flags = 0;
        CHECK_INT(verify(blob, len, c11, l11, 2, &flags, &anchor), 0);
        CHECK_INT(anchor, want);
        flags = 0;
        CHECK_INT(verify(blob, len, c12, l12, 3, &flags, &anchor), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        CHECK(flags != 0);
    }
    {
        iotls_bundle_root r;
        CHECK_INT(iotls_bundle_root_at(blob, len, 0, &r), IOTLS_OK);
        CHECK_INT(r.hash_len, 4);
        CHECK_INT(iotls_bundle_root_at(blob, len, N_EC_ROOTS + 4, &r), IOTLS_ERR_USAGE);
        CHECK_INT(iotls_bundle_root_at(blob, len - 1, 0, &r), IOTLS_ERR_USAGE);
    }

    iotls_port_free(blob);
    for (int i = 0; i < N_EC_ROOTS; i++)
        mbedtls_pk_free(&P.root_key[i]);
    mbedtls_pk_free(&P.rsa_key);
    mbedtls_pk_free(&P.other_key);
    mbedtls_pk_free(&P.int_key);
    mbedtls_pk_free(&P.leaf_key);
    mbedtls_pk_free(&P.pl_key);
    mbedtls_pk_free(&P.old_key);
    mbedtls_pk_free(&P.sha1_key);
    certgen_free(&P.g);
    mbedtls_psa_crypto_free();
    return CHECK_DONE();
}
