/*
 * Unit tests: trust stores from buffers, files and directories, with every
 * rejected certificate reported by position, line, subject and reason.
 * Certificates are generated here, at test time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "certgen.h"
#include "iotls/iotls.h"
#include "iotls_port_posix.h"

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
    snprintf(p_link, sizeof p_link, "%s/1a2b3c4d.0", dir);
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

int main(void)
{
    certgen g;

    CHECK_INT(certgen_init(&g), 0);
    len_a = certgen_make(&g, "CN=Root A", NULL, 0, der_a, sizeof der_a);
    len_b = certgen_make(&g, "CN=Root B", NULL, 0, der_b, sizeof der_b);
    len_c = certgen_make(&g, "CN=Root C", NULL, 0, der_c, sizeof der_c);
    certgen_free(&g);
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
    return CHECK_DONE();
}
