/*
 * iotls_verify_chain*(): offline verification against certificates made
 * here (certgen.h: valid 2020-01-01 .. 2049-12-31), at chosen times, for
 * names and IP literals; the anchor; the diagnosis; bad input of every
 * kind (empty, junk, truncated, corrupted) never crashes and is never
 * accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "certgen.h"

#include "iotls/iotls.h"

/* 2030-06-01, 2019-06-01, 2050-06-01 00:00:00 UTC */
#define AT_INSIDE 1906502400LL
#define AT_BEFORE 1559347200LL
#define AT_AFTER 2537654400LL

static const unsigned char leaf_san[] = {
    0x82, 11, 'd', 'e', 'v', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', /* dNSName */
    0x87, 4, 192, 0, 2, 7                                           /* iPAddress */
};

typedef struct pki {
    unsigned char root[2048], leaf[2048], rogue[2048];
    int root_len, leaf_len, rogue_len;
    char root_pem[4096], leaf_pem[4096], rogue_pem[4096];
} pki;

static int make_pki(certgen *g, pki *p)
{
    mbedtls_pk_context leaf_key, rogue_key;
    int ok;

    if (certgen_key(g, &leaf_key) != 0 || certgen_key(g, &rogue_key) != 0)
        return -1;
    p->root_len = certgen_make(g, "CN=Verify Test Root,O=iotls tests", NULL, 0, p->root,
                               sizeof p->root);
    p->leaf_len = certgen_issue(g, &g->key, "CN=Verify Test Root,O=iotls tests", &leaf_key,
                                "CN=dev.example", 0, leaf_san, sizeof leaf_san, p->leaf,
                                sizeof p->leaf);
    /* same issuer name, another key: not trusted */
    p->rogue_len = certgen_issue(g, &rogue_key, "CN=Verify Test Root,O=iotls tests", &leaf_key,
                                 "CN=dev.example", 0, leaf_san, sizeof leaf_san, p->rogue,
                                 sizeof p->rogue);
    ok = p->root_len > 0 && p->leaf_len > 0 && p->rogue_len > 0 &&
         certgen_pem(p->root, (size_t)p->root_len, p->root_pem, sizeof p->root_pem) > 0 &&
         certgen_pem(p->leaf, (size_t)p->leaf_len, p->leaf_pem, sizeof p->leaf_pem) > 0 &&
         certgen_pem(p->rogue, (size_t)p->rogue_len, p->rogue_pem, sizeof p->rogue_pem) > 0;
    mbedtls_pk_free(&leaf_key);
    mbedtls_pk_free(&rogue_key);
    return ok ? 0 : -1;
}

static int vfy(const char *pem, iotls_trust *t, const char *host, int64_t at, iotls_error *e)
{
    return iotls_verify_chain((const unsigned char *)pem, strlen(pem), t, host, at, e);
}

static void test_basic(const pki *p, iotls_trust *t)
{
    iotls_error e;
    iotls_verify_params prm;
    iotls_verify_anchor a;

    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_INSIDE, &e), IOTLS_OK);
    CHECK_INT(e.code, IOTLS_OK);
    CHECK_INT(vfy(p->leaf_pem, t, "DEV.Example", AT_INSIDE, &e), IOTLS_OK);
    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", IOTLS_VERIFY_NOW, &e), IOTLS_OK);
    CHECK(e.wall_time > AT_BEFORE); /* the clock's time was used */

    /* the time asked for, not the clock's */
    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_BEFORE, &e), IOTLS_ERR_VERIFY);
    CHECK_INT(e.stage, IOTLS_STAGE_VERIFY);
    CHECK(e.verify_flags & MBEDTLS_X509_BADCERT_FUTURE);
    CHECK(!(e.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED));
    CHECK_INT(e.wall_time, AT_BEFORE);
    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_AFTER, &e), IOTLS_ERR_VERIFY);
    CHECK(e.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED);
    CHECK(!(e.verify_flags & MBEDTLS_X509_BADCERT_FUTURE));

    /* names and addresses */
    CHECK_INT(vfy(p->leaf_pem, t, "other.example", AT_INSIDE, &e), IOTLS_ERR_VERIFY);
    CHECK(e.verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK_STR(e.verify_name, "other.example");
    CHECK_INT(vfy(p->leaf_pem, t, "192.0.2.7", AT_INSIDE, &e), IOTLS_OK);
    CHECK_INT(e.is_ip, 1);
    CHECK_INT(vfy(p->leaf_pem, t, "192.0.2.8", AT_INSIDE, &e), IOTLS_ERR_VERIFY);
    CHECK(e.verify_flags & IOTLS_BADCERT_IP_MISMATCH);
    CHECK_INT(vfy(p->leaf_pem, t, "2001:db8::7", AT_INSIDE, &e), IOTLS_ERR_VERIFY);
    CHECK_INT(vfy(p->leaf_pem, t, NULL, AT_INSIDE, &e), IOTLS_OK);
    CHECK_INT(vfy(p->leaf_pem, t, "bad host", AT_INSIDE, &e), IOTLS_ERR_HOSTNAME);
    CHECK_INT(e.stage, IOTLS_STAGE_SETUP);
    CHECK_INT(vfy(p->leaf_pem, t, "", AT_INSIDE, &e), IOTLS_ERR_HOSTNAME);

    /* another key under the root's name */
    CHECK_INT(vfy(p->rogue_pem, t, "dev.example", AT_INSIDE, &e), IOTLS_ERR_VERIFY);
    CHECK(e.verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);

    /* DER, and the anchor */
    iotls_verify_params_init(&prm);
    prm.host = "dev.example";
    prm.at_unix = AT_INSIDE;
    CHECK_INT(iotls_verify_chain_params(p->leaf, (size_t)p->leaf_len, t, &prm, &e, &a), IOTLS_OK);
    CHECK(strstr(a.subject, "CN=Verify Test Root") != NULL);
    CHECK_INT(a.der_len, p->root_len);
    CHECK_INT(a.is_root, 1);
    /* no intermediate: a bound of 0 holds */
    prm.max_intermediates = 0;
    CHECK_INT(iotls_verify_chain_params(p->leaf, (size_t)p->leaf_len, t, &prm, NULL, NULL),
              IOTLS_OK);
    /* a failure leaves the anchor empty */
    prm.host = "other.example";
    CHECK_INT(iotls_verify_chain_params(p->leaf, (size_t)p->leaf_len, t, &prm, &e, &a),
              IOTLS_ERR_VERIFY);
    CHECK_INT(a.der_len, 0);
    CHECK_STR(a.subject, "");
    /* params NULL: no name, now */
    CHECK_INT(iotls_verify_chain_params(p->leaf, (size_t)p->leaf_len, t, NULL, &e, NULL),
              IOTLS_OK);
}

static void test_diagnose(const pki *p, iotls_trust *t)
{
    static iotls_diagnosis d; /* ~7 KB */
    iotls_error e;

    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_AFTER, &e), IOTLS_ERR_VERIFY);
    CHECK_INT(iotls_verify_diagnose((const unsigned char *)p->leaf_pem, strlen(p->leaf_pem), &e,
                                    t, &d),
              1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_EXPIRED);
    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_BEFORE, &e), IOTLS_ERR_VERIFY);
    CHECK_INT(iotls_verify_diagnose((const unsigned char *)p->leaf_pem, strlen(p->leaf_pem), &e,
                                    t, &d),
              1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_NOT_YET_VALID); /* not "clock not set" */
    CHECK_INT(vfy(p->leaf_pem, t, "other.example", AT_INSIDE, &e), IOTLS_ERR_VERIFY);
    CHECK_INT(iotls_verify_diagnose((const unsigned char *)p->leaf_pem, strlen(p->leaf_pem), &e,
                                    t, &d),
              1);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK_INT(vfy(p->leaf_pem, t, "dev.example", AT_INSIDE, &e), IOTLS_OK);
    CHECK_INT(iotls_verify_diagnose(NULL, 0, &e, t, &d), 0);
    CHECK_INT(iotls_verify_diagnose(NULL, 0, NULL, t, &d), IOTLS_ERR_USAGE);
    /* a failure on unreadable input still diagnoses without a chain */
    CHECK_INT(vfy("junk", t, "dev.example", AT_INSIDE, &e), IOTLS_ERR_CHAIN_INPUT);
    CHECK_INT(iotls_verify_diagnose((const unsigned char *)"junk", 4, &e, t, &d), 1);
}

static void test_bad_input(const pki *p, iotls_trust *t)
{
    iotls_error e;
    iotls_trust empty;
    char buf[4096];
    size_t n = strlen(p->leaf_pem), i;
    unsigned char der[2048];

    CHECK_INT(iotls_verify_chain(NULL, 0, t, "dev.example", AT_INSIDE, &e),
              IOTLS_ERR_CHAIN_INPUT);
    CHECK_INT(e.stage, IOTLS_STAGE_SETUP);
    CHECK_INT(iotls_verify_chain(NULL, 5, t, "dev.example", AT_INSIDE, &e), IOTLS_ERR_USAGE);
    CHECK_INT(vfy("-----BEGIN CERTIFICATE-----\n", t, "dev.example", AT_INSIDE, &e),
              IOTLS_ERR_CHAIN_INPUT);
    CHECK_INT(vfy("no certificate here\n", t, "dev.example", AT_INSIDE, &e),
              IOTLS_ERR_CHAIN_INPUT);
    /* a PEM block whose base64 is broken */
    memcpy(buf, p->leaf_pem, n + 1);
    buf[40] = '!';
    CHECK_INT(vfy(buf, t, "dev.example", AT_INSIDE, &e), IOTLS_ERR_CHAIN_INPUT);
    /* no trust */
    iotls_trust_init(&empty);
    CHECK_INT(vfy(p->leaf_pem, &empty, "dev.example", AT_INSIDE, &e), IOTLS_ERR_TRUST_EMPTY);
    CHECK_INT(vfy(p->leaf_pem, NULL, "dev.example", AT_INSIDE, &e), IOTLS_ERR_TRUST_EMPTY);
    iotls_trust_free(&empty);

    /* every truncation of the DER, and of the PEM: never accepted */
    for (i = 0; i < (size_t)p->leaf_len; i += 5) {
        int rc = iotls_verify_chain(p->leaf, i, t, "dev.example", AT_INSIDE, &e);
        CHECK(rc != IOTLS_OK);
        CHECK(rc == IOTLS_ERR_CHAIN_INPUT || rc == IOTLS_ERR_VERIFY);
    }
    for (i = 0; i < n; i += 9) {
        int rc = iotls_verify_chain((const unsigned char *)p->leaf_pem, i, t, "dev.example",
                                    AT_INSIDE, &e);
        CHECK(rc != IOTLS_OK);
    }
    /* a flipped bit anywhere in the DER: never accepted, never a crash */
    for (i = 0; i < (size_t)p->leaf_len; i += 3) {
        int rc;
        memcpy(der, p->leaf, (size_t)p->leaf_len);
        der[i] ^= 0x10;
        rc = iotls_verify_chain(der, (size_t)p->leaf_len, t, "dev.example", AT_INSIDE, &e);
        CHECK(rc != IOTLS_OK);
    }
}

int main(void)
{
    certgen g;
    static pki p;
    iotls_trust t;

    if (certgen_init(&g) != 0 || make_pki(&g, &p) != 0) {
        fprintf(stderr, "certgen failed\n");
        certgen_free(&g);
        return 1;
    }
    iotls_trust_init(&t);
    CHECK_INT(iotls_trust_add_buffer(&t, (const unsigned char *)p.root_pem,
                                     strlen(p.root_pem) + 1, "root"),
              IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    test_basic(&p, &t);
    test_diagnose(&p, &t);
    test_bad_input(&p, &t);
    iotls_trust_free(&t);
    certgen_free(&g);
    CHECK_DONE();
}
