/*
 * Unit tests: trust stores from buffers, files and directories, with every
 * rejected certificate reported by position, line, subject and reason; the
 * lazy store (roots parsed when a chain names them, through Mbed TLS's CA
 * callback), its structural check against the full parse, the subject
 * hash of hashed directories against the openssl command's.
 * Certificates are generated here, at test time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <dirent.h>

#include "check.h"
#include "certgen.h"
#include "conn/engine.h"
#include "iotls/iotls.h"
#include "iotls_port_posix.h"
#include "trust/store.h"

static unsigned char der_a[2048], der_b[2048], der_c[2048];
static int len_a, len_b, len_c;
static char pem_a[4096], pem_b[4096], pem_c[4096];

static int lines_in(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

static const unsigned char *u(const char *s)
{
    return (const unsigned char *)s;
}

static void test_single(void)
{
    iotls_trust t;

    /* PEM without its NUL in len: what mbedtls_x509_crt_parse gets wrong. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(pem_a), strlen(pem_a), "a.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_INT(t.skipped, 0);
    CHECK_INT(t.n_issues, 0);
    CHECK_INT(t.sources, 1);
    CHECK_STR(t.origin, "a.pem");
    iotls_trust_free(&t);
    CHECK_INT(t.loaded, 0);

    /* With the NUL counted. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(pem_a), strlen(pem_a) + 1, "a.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_INT(t.n_issues, 0);
    iotls_trust_free(&t);

    /* A PEM cut short of its last newline (len excludes it) still works. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(pem_a), strlen(pem_a) - 1, "a.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    iotls_trust_free(&t);

    /* DER. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, der_a, (size_t)len_a, "a.der"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_INT(t.n_issues, 0);
    /* The same certificate again is not loaded twice. */
    CHECK_INT(iotls_trust_add_buffer(&t, u(pem_a), strlen(pem_a), "again"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_INT(t.sources, 2);
    CHECK_STR(t.origin, "a.der; again");
    iotls_trust_free(&t);
}

static void test_bundle(void)
{
    iotls_trust t;
    char bundle[16384], broken[4096];
    char *mid;
    size_t len;

    /* A, B with a bad base64 character, C. */
    strcpy(broken, pem_b);
    mid = strchr(broken, '\n') + 5;
    *mid = '!';
    snprintf(bundle, sizeof bundle, "# comment line\n%s%s%s", pem_a, broken, pem_c);
    len = strlen(bundle);

    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(bundle), len, "bundle.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    CHECK_INT(t.skipped, 1);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 2);
    CHECK_INT(t.issues[0].line, 2 + lines_in(pem_a));
    CHECK_STR(t.issues[0].source, "bundle.pem");
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code), "bad base64");
    CHECK_STR(t.issues[0].subject, "");
    iotls_trust_free(&t);
}

static void test_ed25519(void)
{
    iotls_trust t;
    unsigned char ed[1024];
    char ed_pem[4096], bundle[16384];
    size_t n;

    /* A real Ed25519 root: signed with Ed25519, so Mbed TLS stops at the
     * signature algorithm; the subject is still read. */
    n = certgen_ed25519("Ed25519 Root", 1, ed, sizeof ed);
    CHECK(n > 0);
    CHECK(certgen_pem(ed, n, ed_pem, sizeof ed_pem) > 0);
    snprintf(bundle, sizeof bundle, "%s%s%s", pem_a, ed_pem, pem_c);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(bundle), strlen(bundle), "roots.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    CHECK_INT(t.skipped, 1);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 2);
    CHECK_INT(t.issues[0].line, 1 + lines_in(pem_a));
    CHECK_STR(t.issues[0].subject, "CN=Ed25519 Root");
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "unsupported signature algorithm (e.g. Ed25519)");
    iotls_trust_free(&t);

    /* An Ed25519 key under an ECDSA signature: Mbed TLS reaches the key. */
    n = certgen_ed25519("Ed25519 Key", 0, ed, sizeof ed);
    CHECK(n > 0);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, ed, n, "ed.der"), IOTLS_OK);
    CHECK_INT(t.loaded, 0);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 1);
    CHECK_INT(t.issues[0].line, 0);
    CHECK_STR(t.issues[0].subject, "CN=Ed25519 Key");
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "unsupported public key algorithm (e.g. Ed25519)");
    iotls_trust_free(&t);
}

static void test_bad_der(void)
{
    static const unsigned char v3[] = {0xa0, 0x03, 0x02, 0x01, 0x02};
    unsigned char der[2048];
    iotls_trust t;
    int i, found = 0;

    /* Version 6 (encoded 5): unknown, but the subject is readable. */
    memcpy(der, der_a, (size_t)len_a);
    for (i = 0; i + 5 <= len_a && !found; i++) {
        if (memcmp(der + i, v3, sizeof v3) == 0) {
            der[i + 4] = 5;
            found = 1;
        }
    }
    CHECK(found);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, der, (size_t)len_a, "v6.der"), IOTLS_OK);
    CHECK_INT(t.loaded, 0);
    CHECK_INT(t.skipped, 1);
    CHECK_INT(t.n_issues, 1);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code), "certificate version not supported");
    CHECK_STR(t.issues[0].subject, "CN=Root A");
    iotls_trust_free(&t);

    /* Truncated DER: invalid encoding, nothing readable. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, der_a, (size_t)len_a - 20, "cut.der"), IOTLS_OK);
    CHECK_INT(t.loaded, 0);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 1);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code), "invalid certificate encoding");
    iotls_trust_free(&t);
}

static void test_no_certificate(void)
{
    iotls_trust t;
    char nofooter[4096];
    int k;

    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(""), 0, "empty"), IOTLS_OK);
    CHECK_INT(t.loaded, 0);
    CHECK_INT(t.skipped, 0);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 0);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "no certificate found (neither PEM nor DER)");
    CHECK_INT(iotls_trust_add_buffer(&t, u("hello world\n"), 12, "garbage"), IOTLS_OK);
    CHECK_INT(t.n_issues, 2);
    CHECK_INT(t.issues[1].index, 0);
    CHECK_STR(t.issues[1].source, "garbage");
    /* A private key is not a certificate. */
    CHECK_INT(iotls_trust_add_buffer(&t, u("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                                     58, "key.pem"), IOTLS_OK);
    CHECK_INT(t.n_issues, 3);
    CHECK_INT(t.loaded, 0);
    iotls_trust_free(&t);

    /* A block without its END line. */
    strcpy(nofooter, pem_a);
    *strstr(nofooter, "-----END") = '\0';
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(nofooter), strlen(nofooter), "cut.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 0);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 1);
    CHECK_INT(t.issues[0].line, 1);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "PEM block without its END CERTIFICATE line");
    iotls_trust_free(&t);

    /* Bad arguments. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(NULL, u("x"), 1, "x"), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_trust_add_buffer(&t, NULL, 5, "x"), IOTLS_ERR_USAGE);
    /* More issues than kept: all counted, the first ones kept. */
    for (k = 0; k < IOTLS_TRUST_MAX_ISSUES + 4; k++)
        CHECK_INT(iotls_trust_add_buffer(&t, der_a, (size_t)len_a - 20, "cut.der"), IOTLS_OK);
    CHECK_INT(t.skipped, IOTLS_TRUST_MAX_ISSUES + 4);
    CHECK_INT(t.n_issues, IOTLS_TRUST_MAX_ISSUES);
    iotls_trust_free(&t);

    CHECK_STR(iotls_trust_reason(0), "no error");
    CHECK_STR(iotls_trust_reason(-0x7F00), "certificate could not be parsed");
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    size_t w;

    if (f == NULL)
        return -1;
    w = fwrite(data, 1, len, f);
    fclose(f);
    return w == len ? 0 : -1;
}

static void test_files(void)
{
    char dir[] = "/tmp/iotls-trust-XXXXXX";
    char p_a[128], p_b[128], p_readme[128], p_broken[128], p_link[128], p_sub[128];
    char broken[4096];
    iotls_trust t;
    int se = 0;
    const char *old_file = getenv("SSL_CERT_FILE"), *old_dir = getenv("SSL_CERT_DIR");
    char *save_file = old_file ? strdup(old_file) : NULL, *save_dir = old_dir ? strdup(old_dir) : NULL;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(p_a, sizeof p_a, "%s/a.pem", dir);
    snprintf(p_b, sizeof p_b, "%s/b.crt", dir);
    snprintf(p_readme, sizeof p_readme, "%s/README", dir);
    snprintf(p_broken, sizeof p_broken, "%s/broken.pem", dir);
    /* Not a c_rehash name (that would make the directory one read on
     * demand, test_hashed_dir): a link next to its target. */
    snprintf(p_link, sizeof p_link, "%s/link-to-a.pem", dir);
    snprintf(p_sub, sizeof p_sub, "%s/subdir", dir);
    strcpy(broken, pem_c);
    *(strchr(broken, '\n') + 3) = '*';
    CHECK_INT(write_file(p_a, pem_a, strlen(pem_a)), 0);
    CHECK_INT(write_file(p_b, der_b, (size_t)len_b), 0);
    CHECK_INT(write_file(p_readme, "not a certificate\n", 18), 0);
    CHECK_INT(write_file(p_broken, broken, strlen(broken)), 0);
    CHECK_INT(symlink("a.pem", p_link), 0);
    CHECK_INT(mkdir(p_sub, 0700), 0);

    /* One file. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_file(&t, p_a, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_STR(t.origin, p_a);
    iotls_trust_free(&t);

    /* Missing, a directory given as a file. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_file(&t, "/nonexistent/iotls/ca.pem", &se), IOTLS_ERR_TRUST_READ);
    CHECK_INT(se, ENOENT);
    CHECK_INT(iotls_trust_add_file(&t, dir, &se), IOTLS_ERR_TRUST_READ);
    CHECK_INT(se, EISDIR);
    CHECK_INT(iotls_trust_add_dir(&t, "/nonexistent/iotls", &se), IOTLS_ERR_TRUST_READ);
    CHECK_INT(se, ENOENT);
    CHECK_INT(t.loaded, 0);
    iotls_trust_free(&t);

    /* A directory: README skipped quietly, the hash link loads nothing new,
     * the broken file is reported under its own name. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_dir(&t, dir, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    CHECK_INT(t.skipped, 1);
    CHECK_INT(t.n_issues, 1);
    CHECK_STR(t.issues[0].source, p_broken);
    CHECK_INT(t.issues[0].index, 1);
    CHECK_INT(t.issues[0].line, 1);
    CHECK_STR(t.origin, dir);
    iotls_trust_free(&t);

    /* The system store honours SSL_CERT_FILE / SSL_CERT_DIR. */
    setenv("SSL_CERT_FILE", p_a, 1);
    unsetenv("SSL_CERT_DIR");
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_system(&t, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    CHECK_STR(t.origin, p_a);
    iotls_trust_free(&t);
    unsetenv("SSL_CERT_FILE");
    setenv("SSL_CERT_DIR", dir, 1);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_system(&t, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    iotls_trust_free(&t);
    setenv("SSL_CERT_FILE", "/nonexistent/iotls/bundle.crt", 1);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_system(&t, &se), IOTLS_ERR_TRUST_READ);
    CHECK_INT(se, ENOENT);
    iotls_trust_free(&t);

    if (save_file) setenv("SSL_CERT_FILE", save_file, 1); else unsetenv("SSL_CERT_FILE");
    if (save_dir) setenv("SSL_CERT_DIR", save_dir, 1); else unsetenv("SSL_CERT_DIR");
    free(save_file);
    free(save_dir);
    unlink(p_a);
    unlink(p_b);
    unlink(p_readme);
    unlink(p_broken);
    unlink(p_link);
    rmdir(p_sub);
    rmdir(dir);
}

/* ---- the lazy store ---------------------------------------------------- */

static certgen g;

/* A certificate issued under issuer's name with g's key (every root here
 * shares that key: only the names tell them apart). */
static int issue(const char *issuer, const char *subject, int ca, unsigned char *out, size_t cap)
{
    return certgen_issue(&g, &g.key, issuer, &g.key, subject, ca, NULL, 0, out, cap);
}

/* A self-signed CA with g's key and a serial the openssl command reads
 * (certgen's start with a zero byte); crit: with an unknown critical
 * extension, a well-formed certificate Mbed TLS's full parse refuses. */
static int make_root(const char *subject, int crit, unsigned char *out, size_t cap)
{
    static const unsigned char oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01};
    static const unsigned char null_val[] = {0x05, 0x00};
    static const unsigned char serial[] = {0x42};
    unsigned char buf[2048];
    mbedtls_x509write_cert w;
    int ret, len = -1;

    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, &g.key);
    mbedtls_x509write_crt_set_issuer_key(&w, &g.key);
    ret = mbedtls_x509write_crt_set_serial_raw(&w, (unsigned char *)serial, sizeof serial);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_name(&w, subject);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, subject);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, "20200101000000", "20491231235959");
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_basic_constraints(&w, 1, -1);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_key_identifier(&w);
    if (ret == 0 && crit)
        ret = mbedtls_x509write_crt_set_extension(&w, (const char *)oid, sizeof oid, 1, null_val,
                                                  sizeof null_val);
    if (ret == 0) {
        ret = mbedtls_x509write_crt_der(&w, buf, sizeof buf, mbedtls_ctr_drbg_random, &g.drbg);
        if (ret > 0 && (size_t)ret <= cap) {
            memcpy(out, buf + sizeof buf - (size_t)ret, (size_t)ret);
            len = ret;
        }
    }
    mbedtls_x509write_crt_free(&w);
    return len;
}

/* Verifies one certificate (no intermediates) against t as a connection
 * would: Mbed TLS's return; *flags. */
static int verify_one(iotls_trust *t, const unsigned char *der, int len, uint32_t *flags)
{
    mbedtls_x509_crt chain;
    int ret;

    *flags = 0;
    mbedtls_x509_crt_init(&chain);
    if (len <= 0 || mbedtls_x509_crt_parse_der(&chain, der, (size_t)len) != 0) {
        mbedtls_x509_crt_free(&chain);
        return -1;
    }
    ret = iotls_trust_verify_chain(t, &chain, &iotls_cert_profile, NULL, NULL, flags);
    mbedtls_x509_crt_free(&chain);
    return ret;
}

static int crt_count(const mbedtls_x509_crt *c)
{
    int n = 0;
    for (; c != NULL && c->raw.p != NULL && n < 1000; c = c->next)
        n++;
    return n;
}

static void test_lazy(void)
{
    unsigned char leaf[2048], leaf_d[2048], root_d[2048], pin[2048], upper[2048];
    static char bundle[65536], fillers[49152];
    char pem_d[4096], small[8192];
    int l_leaf, l_leaf_d, l_root_d, l_pin, l_upper, k;
    uint32_t flags;
    iotls_trust t;

    l_leaf = issue("CN=Root A", "CN=leaf.example", 0, leaf, sizeof leaf);
    l_upper = issue("CN=ROOT a", "CN=leaf.example", 0, upper, sizeof upper);
    l_root_d = make_root("CN=Root D", 1, root_d, sizeof root_d);
    l_leaf_d = issue("CN=Root D", "CN=leaf-d.example", 0, leaf_d, sizeof leaf_d);
    l_pin = issue("CN=pin.example", "CN=pin.example", 0, pin, sizeof pin);
    CHECK(l_leaf > 0 && l_upper > 0 && l_root_d > 0 && l_leaf_d > 0 && l_pin > 0);
    CHECK(certgen_pem(root_d, (size_t)l_root_d, pem_d, sizeof pem_d) > 0);

    /* More roots than a small store (parsed whole at first use): 16
     * fillers, then B, A, C, D. */
    fillers[0] = '\0';
    for (k = 0; k < 16; k++) {
        char name[32], pem[4096];
        unsigned char der[1024];
        int n;
        snprintf(name, sizeof name, "CN=Filler %d", k);
        n = make_root(name, 0, der, sizeof der);
        CHECK(n > 0 && certgen_pem(der, (size_t)n, pem, sizeof pem) > 0);
        strcat(fillers, pem);
    }
    /* Found by subject among others; only the named root gets parsed. */
    snprintf(bundle, sizeof bundle, "%s%s%s%s%s", fillers, pem_b, pem_a, pem_c, pem_d);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(bundle), strlen(bundle), "roots.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 20); /* D's extension is not looked at yet */
    CHECK_INT(t.n_issues, 0);
    CHECK(iotls_trust_crt(&t) == NULL); /* nothing parsed */
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    CHECK_INT(flags, 0);
    CHECK_INT(crt_count(iotls_trust_crt(&t)), 1);
    CHECK(iotls_trust_crt(&t) != NULL &&
          iotls_trust_crt(&t)->subject_raw.len == iotls_trust_crt(&t)->issuer_raw.len);
    /* Names equal as Mbed TLS compares them (UTF8String, ASCII case). */
    CHECK_INT(verify_one(&t, upper, l_upper, &flags), 0);
    CHECK_INT(flags, 0);

    /* D passes the check at load and fails the full parse when a chain
     * names it: reported then, never trusted, reported once. */
    CHECK(verify_one(&t, leaf_d, l_leaf_d, &flags) != 0);
    CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.skipped, 1);
    CHECK_INT(t.loaded, 19);
    CHECK_STR(t.issues[0].source, "roots.pem");
    CHECK_INT(t.issues[0].index, 20);
    CHECK_INT(t.issues[0].line,
              1 + lines_in(fillers) + lines_in(pem_b) + lines_in(pem_a) + lines_in(pem_c));
    CHECK_STR(t.issues[0].subject, "CN=Root D");
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "invalid or unsupported critical extension");
    CHECK(verify_one(&t, leaf_d, l_leaf_d, &flags) != 0);
    CHECK_INT(t.n_issues, 1);
    /* Not in the store at all. */
    iotls_trust_free(&t);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(pem_b), strlen(pem_b), "b.pem"), IOTLS_OK);
    CHECK(verify_one(&t, leaf, l_leaf, &flags) != 0);
    CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    iotls_trust_free(&t);

    /* A small store: parsed whole at its first use, every root's verdict
     * then (D's too, though the chain names A). */
    snprintf(small, sizeof small, "%s%s", pem_a, pem_d);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(small), strlen(small), "small.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    CHECK_INT(t.n_issues, 0);
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    CHECK_INT(flags, 0);
    CHECK_INT(t.loaded, 1);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 2);
    CHECK_STR(t.issues[0].subject, "CN=Root D");
    CHECK_INT(crt_count(iotls_trust_crt(&t)), 1);
    CHECK(verify_one(&t, leaf_d, l_leaf_d, &flags) != 0);
    CHECK_INT(t.n_issues, 1);
    iotls_trust_free(&t);

    /* Parse-all: the same root reported when it is added. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_set_parse_all(&t), IOTLS_OK);
    CHECK_INT(iotls_trust_add_buffer(&t, u(bundle), strlen(bundle), "roots.pem"), IOTLS_OK);
    CHECK_INT(t.loaded, 19);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.issues[0].index, 20);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code),
              "invalid or unsupported critical extension");
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    iotls_trust_free(&t);

    /* A pinned self-signed server certificate (CA:false): trusted as it
     * is, as Mbed TLS trusts it in a list; another one is not. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, pin, (size_t)l_pin, "pin.der"), IOTLS_OK);
    CHECK_INT(verify_one(&t, pin, l_pin, &flags), 0);
    CHECK_INT(flags, 0);
    CHECK(verify_one(&t, leaf, l_leaf, &flags) != 0);
    iotls_trust_free(&t);
    /* The same among many roots (the callback: the copy handed over is its
     * own anchor). */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, u(fillers), strlen(fillers), "fillers.pem"), IOTLS_OK);
    CHECK_INT(iotls_trust_add_buffer(&t, pin, (size_t)l_pin, "pin.der"), IOTLS_OK);
    CHECK_INT(t.loaded, 17);
    CHECK_INT(verify_one(&t, pin, l_pin, &flags), 0);
    CHECK_INT(flags, 0);
    iotls_trust_free(&t);
    {
        /* the same verdict from Mbed TLS with the certificate in a list */
        mbedtls_x509_crt list, chain;
        mbedtls_x509_crt_init(&list);
        mbedtls_x509_crt_init(&chain);
        CHECK_INT(mbedtls_x509_crt_parse_der(&list, pin, (size_t)l_pin), 0);
        CHECK_INT(mbedtls_x509_crt_parse_der(&chain, pin, (size_t)l_pin), 0);
        CHECK_INT(mbedtls_x509_crt_verify_with_profile(&chain, &list, NULL, &iotls_cert_profile,
                                                       NULL, &flags, NULL, NULL), 0);
        mbedtls_x509_crt_free(&list);
        mbedtls_x509_crt_free(&chain);
    }

    /* An empty store verifies nothing. */
    iotls_trust_init(&t);
    CHECK(verify_one(&t, leaf, l_leaf, &flags) != 0);
    CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    iotls_trust_free(&t);
}

/* The check at load never refuses what the full parse takes, and gives the
 * full parse's reason for most of what it refuses. */
static void test_shape_vs_parse(void)
{
    unsigned char der[2048];
    int i, k, refused = 0, same_reason = 0, wrong = 0;

    for (i = 0; i < len_a; i++) {
        for (k = 0; k < 4; k++) {
            static const unsigned char vals[] = {0x00, 0xff};
            const unsigned char *subj;
            size_t sl, cl;
            mbedtls_x509_crt c;
            int rs, rp;
            memcpy(der, der_a, (size_t)len_a);
            der[i] = k < 2 ? vals[k] : (unsigned char)(der[i] ^ (k == 2 ? 0x01 : 0x80));
            rs = iotls_cert_shape(der, (size_t)len_a, &subj, &sl, &cl);
            mbedtls_x509_crt_init(&c);
            rp = mbedtls_x509_crt_parse_der(&c, der, (size_t)len_a);
            mbedtls_x509_crt_free(&c);
            if (rs != 0 && rp == 0) {
                wrong++;
                fprintf(stderr, "shape refuses (-0x%04x) what parses: byte %d\n",
                        (unsigned)-rs, i);
            }
            if (rs != 0) {
                refused++;
                same_reason += strcmp(iotls_trust_reason(rs), iotls_trust_reason(rp)) == 0;
            }
        }
    }
    CHECK_INT(wrong, 0);
    CHECK(refused > 100);
    CHECK(same_reason * 10 >= refused * 9); /* the report's reason, nearly always */
    printf("shape: %d mutations refused at load, %d with the full parse's reason\n", refused,
           same_reason);
}

/* openssl's subject hash of a PEM file, or 0 with *ok 0. */
static uint32_t openssl_hash(const char *path, int *ok)
{
    char cmd[512], line[64];
    FILE *p;
    unsigned long h = 0;

    *ok = 0;
    snprintf(cmd, sizeof cmd, "openssl x509 -noout -subject_hash -in '%s' 2>/dev/null", path);
    p = popen(cmd, "r");
    if (p == NULL)
        return 0;
    if (fgets(line, sizeof line, p) != NULL && sscanf(line, "%lx", &h) == 1)
        *ok = 1;
    pclose(p);
    return (uint32_t)h;
}

static int write_file(const char *path, const void *data, size_t len);

static void test_name_hash(void)
{
    static const char *const names[] = {
        "CN=Root A",
        "CN=  Spaced    Out\tName  ,O=ACME   Corp,C=US",
        "CN=MiXeD CaSe ROOT,OU=Unit,O=Org",
        "CN=M\xc3\xbcller \xc3\x84rger Wurzel,O=\xc3\x9c Corp,C=DE",
        "O=Only An Org",
    };
    char path[] = "/tmp/iotls-hash-XXXXXX";
    unsigned char der[2048];
    char pem[4096];
    size_t i;
    int fd, ok, n_sys = 0, same_sys = 0;

    fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        int len = make_root(names[i], 0, der, sizeof der);
        mbedtls_x509_crt c;
        uint32_t mine = 0, theirs;
        CHECK(len > 0 && certgen_pem(der, (size_t)len, pem, sizeof pem) > 0);
        CHECK_INT(write_file(path, pem, strlen(pem)), 0);
        theirs = openssl_hash(path, &ok);
        CHECK(ok);
        mbedtls_x509_crt_init(&c);
        CHECK_INT(mbedtls_x509_crt_parse_der(&c, der, (size_t)len), 0);
        CHECK_INT(iotls_name_hash(c.subject_raw.p, c.subject_raw.len, &mine), 0);
        if (mine != theirs)
            fprintf(stderr, "hash of \"%s\": %08x, openssl %08x\n", names[i], mine, theirs);
        CHECK_INT(mine, theirs);
        mbedtls_x509_crt_free(&c);
    }
    unlink(path);

    /* Every root of the system's hashed directory, when there is one: its
     * file name is openssl's hash (real names: PrintableString, UTF8String,
     * BMPString, T61String, odd spacing). */
    {
        DIR *d = opendir("/etc/ssl/certs");
        struct dirent *de;
        while (d != NULL && (de = readdir(d)) != NULL && n_sys < 1000) {
            char full[512];
            unsigned long want;
            mbedtls_x509_crt c;
            uint32_t mine = 0;
            if (strlen(de->d_name) != 10 || de->d_name[8] != '.' || de->d_name[9] != '0' ||
                sscanf(de->d_name, "%8lx", &want) != 1)
                continue;
            snprintf(full, sizeof full, "/etc/ssl/certs/%s", de->d_name);
            mbedtls_x509_crt_init(&c);
            if (mbedtls_x509_crt_parse_file(&c, full) == 0) {
                n_sys++;
                if (iotls_name_hash(c.subject_raw.p, c.subject_raw.len, &mine) == 0 &&
                    mine == (uint32_t)want)
                    same_sys++;
                else
                    fprintf(stderr, "%s: hash %08x\n", full, mine);
            }
            mbedtls_x509_crt_free(&c);
        }
        if (d != NULL)
            closedir(d);
        CHECK_INT(same_sys, n_sys);
        printf("name hash: %d of %d system roots named as openssl names them\n", same_sys, n_sys);
    }
}

static void test_hashed_dir(void)
{
    char dir[] = "/tmp/iotls-hashed-XXXXXX";
    char p[512], cmd[600], broken[4096], bundle[8192], ha[4096], hb[4096], hcp[4096];
    unsigned char leaf[2048], leaf_c[2048], der[2048];
    int l_leaf, l_leaf_c, ok, se = 0, n;
    uint32_t flags, hc;
    iotls_trust t;
    const char *old_file = getenv("SSL_CERT_FILE"), *old_dir = getenv("SSL_CERT_DIR");
    char *save_file = old_file ? strdup(old_file) : NULL, *save_dir = old_dir ? strdup(old_dir) : NULL;

    l_leaf = issue("CN=Root A", "CN=leaf.example", 0, leaf, sizeof leaf);
    l_leaf_c = issue("CN=Root C", "CN=leaf-c.example", 0, leaf_c, sizeof leaf_c);
    n = make_root("CN=Root A", 0, der, sizeof der);
    CHECK(n > 0 && certgen_pem(der, (size_t)n, ha, sizeof ha) > 0);
    n = make_root("CN=Root B", 0, der, sizeof der);
    CHECK(n > 0 && certgen_pem(der, (size_t)n, hb, sizeof hb) > 0);
    n = make_root("CN=Root C", 0, der, sizeof der);
    CHECK(n > 0 && certgen_pem(der, (size_t)n, hcp, sizeof hcp) > 0);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(p, sizeof p, "%s/a.pem", dir);
    CHECK_INT(write_file(p, ha, strlen(ha)), 0);
    snprintf(p, sizeof p, "%s/b.pem", dir);
    CHECK_INT(write_file(p, hb, strlen(hb)), 0);
    snprintf(p, sizeof p, "%s/README", dir);
    CHECK_INT(write_file(p, "not a certificate\n", 18), 0);
    /* The hash links, by the openssl command. */
    snprintf(cmd, sizeof cmd, "openssl rehash '%s' >/dev/null 2>&1", dir);
    CHECK_INT(system(cmd), 0);
    /* C's hash name on a corrupted copy of C (openssl rehash would skip it) */
    snprintf(p, sizeof p, "%s/c.tmp", dir);
    CHECK_INT(write_file(p, hcp, strlen(hcp)), 0);
    hc = openssl_hash(p, &ok);
    CHECK(ok);
    unlink(p);
    strcpy(broken, hcp);
    *(strchr(broken, '\n') + 3) = '*';
    snprintf(p, sizeof p, "%s/%08x.0", dir, hc);
    CHECK_INT(write_file(p, broken, strlen(broken)), 0);

    /* Added: names counted, nothing read (the broken file is not seen). */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_dir(&t, dir, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 3);
    CHECK_INT(t.n_issues, 0);
    CHECK_STR(t.origin, dir);
    /* A chain names A: its file is read, the root parsed, trusted. */
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    CHECK_INT(flags, 0);
    CHECK_INT(t.loaded, 3);
    CHECK_INT(t.n_issues, 0);
    CHECK_STR(t.origin, dir);
    /* C's file is broken: reported when named, by its file name. */
    CHECK(verify_one(&t, leaf_c, l_leaf_c, &flags) != 0);
    CHECK(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    CHECK_INT(t.n_issues, 1);
    CHECK_STR(t.issues[0].source, p);
    CHECK_STR(iotls_trust_reason(t.issues[0].mbedtls_code), "bad base64");
    CHECK_INT(t.loaded, 2);
    /* Asked once: the same names again read nothing more. */
    CHECK(verify_one(&t, leaf_c, l_leaf_c, &flags) != 0);
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    CHECK_INT(t.n_issues, 1);
    CHECK_INT(t.loaded, 2);
    iotls_trust_free(&t);

    /* Parse-all reads the whole directory, duplicates once. */
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_set_parse_all(&t), IOTLS_OK);
    CHECK_INT(iotls_trust_add_dir(&t, dir, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 2);
    CHECK_INT(t.n_issues, 1);
    CHECK_STR(t.issues[0].source, p);
    iotls_trust_free(&t);

    /* SSL_CERT_FILE and SSL_CERT_DIR: the bundle read, the directory only
     * asked; a root in both kept once. */
    snprintf(bundle, sizeof bundle, "%s%s", ha, hb);
    snprintf(p, sizeof p, "%s.bundle", dir);
    CHECK_INT(write_file(p, bundle, strlen(bundle)), 0);
    setenv("SSL_CERT_FILE", p, 1);
    setenv("SSL_CERT_DIR", dir, 1);
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_system(&t, &se), IOTLS_OK);
    CHECK_INT(t.loaded, 2 + 3);
    CHECK_INT(t.n_issues, 0);
    CHECK_INT(verify_one(&t, leaf, l_leaf, &flags), 0);
    CHECK_INT(t.loaded, 4); /* a.pem's hash file: the same root as the bundle's */
    CHECK_INT(t.n_issues, 0);
    iotls_trust_free(&t);
    unlink(p);

    if (save_file) setenv("SSL_CERT_FILE", save_file, 1); else unsetenv("SSL_CERT_FILE");
    if (save_dir) setenv("SSL_CERT_DIR", save_dir, 1); else unsetenv("SSL_CERT_DIR");
    free(save_file);
    free(save_dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* CRLs (iotls_trust_add_crl): what is not a CRL is refused with
 * IOTLS_ERR_CRL and Mbed TLS's reason; nothing is half-loaded. Readable
 * PEM and DER CRLs are loaded and applied by the badssl-revoked* scenarios
 * (CRLs from `openssl ca -gencrl`). */
static void test_crl_refused(void)
{
    static const char junk_pem[] = "-----BEGIN X509 CRL-----\nnot base64 !!!\n"
                                   "-----END X509 CRL-----\n";
    static const unsigned char junk_der[] = {0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x01};
    iotls_trust t;
    int code = 0;

    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_crl(NULL, u(junk_pem), sizeof junk_pem - 1, &code), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_trust_add_crl(&t, NULL, 5, &code), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_trust_add_crl(&t, u(""), 0, &code), IOTLS_ERR_CRL);
    CHECK(code != 0);
    code = 0;
    CHECK_INT(iotls_trust_add_crl(&t, u(junk_pem), sizeof junk_pem - 1, &code), IOTLS_ERR_CRL);
    CHECK(code != 0);
    code = 0;
    CHECK_INT(iotls_trust_add_crl(&t, junk_der, sizeof junk_der, &code), IOTLS_ERR_CRL);
    CHECK(code != 0);
    /* a certificate is not a CRL, PEM or DER */
    CHECK_INT(iotls_trust_add_crl(&t, u(pem_a), strlen(pem_a), NULL), IOTLS_ERR_CRL);
    CHECK_INT(iotls_trust_add_crl(&t, der_a, (size_t)len_a, NULL), IOTLS_ERR_CRL);
    CHECK_INT(t.n_crls, 0);
    CHECK_STR(iotls_err_name(IOTLS_ERR_CRL), "crl_invalid");
    iotls_trust_free(&t);
    CHECK(t.crls == NULL);
}

int main(void)
{
    CHECK_INT(certgen_init(&g), 0);
    len_a = certgen_make(&g, "CN=Root A", NULL, 0, der_a, sizeof der_a);
    len_b = certgen_make(&g, "CN=Root B", NULL, 0, der_b, sizeof der_b);
    len_c = certgen_make(&g, "CN=Root C", NULL, 0, der_c, sizeof der_c);
    CHECK(len_a > 0 && len_b > 0 && len_c > 0);
    CHECK(certgen_pem(der_a, (size_t)len_a, pem_a, sizeof pem_a) > 0);
    CHECK(certgen_pem(der_b, (size_t)len_b, pem_b, sizeof pem_b) > 0);
    CHECK(certgen_pem(der_c, (size_t)len_c, pem_c, sizeof pem_c) > 0);

    test_single();
    test_bundle();
    test_ed25519();
    test_bad_der();
    test_no_certificate();
    test_files();
    test_lazy();
    test_shape_vs_parse();
    test_name_hash();
    test_hashed_dir();
    test_crl_refused();
    certgen_free(&g);
    return CHECK_DONE();
}
