/*
 * The certificate policy (src/trust/policy.c): every rule with certificates
 * made here at test time, checked through Mbed TLS's own chain verification
 * with iotls_policy_check() as the verify callback, as a connection and
 * `iotls verify` use it.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/oid.h"
#include "mbedtls/x509_crt.h"

#include "certgen.h"
#include "check.h"
#include "iotls/addr.h"
#include "trust/policy.h"

static certgen g;
static mbedtls_pk_context k_root, k_int, k_leaf;

static const unsigned char OID_NC[] = {0x55, 0x1d, 0x1e};
static const unsigned char OID_AIA[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};
static const unsigned char OID_UNKNOWN[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x7a, 0x01};

/* One certificate to make. */
typedef struct cspec {
    const char *subject, *issuer;
    mbedtls_pk_context *key, *ikey;
    int ca;              /* 1: cA=TRUE + keyCertSign; 0: cA=FALSE + digitalSignature */
    unsigned ku;         /* keyUsage instead of the default, 0: default */
    int eku;             /* 0 none, 1 serverAuth, 2 clientAuth */
    const derbuf *san;   /* subjectAltName value (the SEQUENCE), NULL: none */
    const derbuf *nc;    /* nameConstraints value, NULL: none */
    int nc_crit;
    int unknown_crit;    /* 1: a critical unknown extension; 2: non-critical */
    int no_ids;          /* no subject/authority key identifiers */
    int serial_zero;
    int san_crit;
    const derbuf *aki;   /* authorityKeyIdentifier value instead of Mbed TLS's */
    const derbuf *aia;   /* authorityInfoAccess value, NULL: none */
} cspec;

static int make(const cspec *s, unsigned char *out, size_t cap)
{
    mbedtls_x509write_cert w;
    unsigned char buf[4096], serial[2] = {0x01, 0x23};
    static const unsigned char null_val[] = {0x05, 0x00};
    static unsigned char next = 1;
    int ret, len = -1;

    serial[1] = next++;
    if (s->serial_zero)
        serial[0] = serial[1] = 0;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, s->key);
    mbedtls_x509write_crt_set_issuer_key(&w, s->ikey);
    ret = mbedtls_x509write_crt_set_serial_raw(&w, serial, s->serial_zero ? 1 : 2);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_name(&w, s->subject);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, s->issuer);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, "20200101000000", "20491231235959");
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_basic_constraints(&w, s->ca, -1);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_key_usage(
            &w, s->ku ? s->ku : s->ca ? MBEDTLS_X509_KU_KEY_CERT_SIGN : MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
    if (ret == 0 && !s->no_ids)
        ret = mbedtls_x509write_crt_set_subject_key_identifier(&w);
    if (ret == 0 && !s->no_ids && s->aki == NULL)
        ret = mbedtls_x509write_crt_set_authority_key_identifier(&w);
    if (ret == 0 && s->aki != NULL)
        ret = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER,
                                                  MBEDTLS_OID_SIZE(MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER),
                                                  0, s->aki->b, s->aki->n);
    if (ret == 0 && s->aia != NULL)
        ret = mbedtls_x509write_crt_set_extension(&w, (const char *)OID_AIA, sizeof OID_AIA, 0,
                                                  s->aia->b, s->aia->n);
    if (ret == 0 && s->eku) {
        mbedtls_asn1_sequence e;
        memset(&e, 0, sizeof e);
        e.buf.tag = MBEDTLS_ASN1_OID;
        e.buf.p = (unsigned char *)(s->eku == 1 ? MBEDTLS_OID_SERVER_AUTH : MBEDTLS_OID_CLIENT_AUTH);
        e.buf.len = MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH);
        ret = mbedtls_x509write_crt_set_ext_key_usage(&w, &e);
    }
    if (ret == 0 && s->san)
        ret = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                                  MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME),
                                                  s->san_crit, s->san->b, s->san->n);
    if (ret == 0 && s->nc)
        ret = mbedtls_x509write_crt_set_extension(&w, (const char *)OID_NC, sizeof OID_NC,
                                                  s->nc_crit, s->nc->b, s->nc->n);
    if (ret == 0 && s->unknown_crit)
        ret = mbedtls_x509write_crt_set_extension(&w, (const char *)OID_UNKNOWN, sizeof OID_UNKNOWN,
                                                  s->unknown_crit == 1, null_val, sizeof null_val);
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

/* SAN / constraint builders. */
static void gn(derbuf *list, unsigned char tag, const void *v, size_t len)
{
    der_tlv(list, tag, (const unsigned char *)v, len);
}

static void san_of(derbuf *san, const derbuf *names)
{
    san->n = 0;
    der_wrap(san, 0x30, names);
}

static void subtree(derbuf *list, unsigned char tag, const void *v, size_t len)
{
    derbuf one = {{0}, 0};
    gn(&one, tag, v, len);
    der_wrap(list, 0x30, &one);
}

static void nc_of(derbuf *nc, const derbuf *permitted, const derbuf *excluded)
{
    derbuf in = {{0}, 0};
    if (permitted != NULL)
        der_wrap(&in, 0xa0, permitted);
    if (excluded != NULL)
        der_wrap(&in, 0xa1, excluded);
    nc->n = 0;
    der_wrap(nc, 0x30, &in);
}

static int vrfy(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    iotls_policy_check((iotls_policy *)ctx, crt, depth, flags);
    return 0;
}

/* root -> [int ->] leaf through Mbed TLS with the policy; returns flags. */
static uint32_t run(iotls_policy *pol, const cspec *root, const cspec *inter, const cspec *leaf)
{
    static unsigned char der[3][2048];
    int len[3] = {0, 0, 0};
    mbedtls_x509_crt trust, chain;
    uint32_t flags = 0;

    mbedtls_x509_crt_init(&trust);
    mbedtls_x509_crt_init(&chain);
    len[0] = make(root, der[0], sizeof der[0]);
    if (leaf == root) { /* a self-signed server certificate trusted as itself */
        memcpy(der[2], der[0], (size_t)(len[0] > 0 ? len[0] : 0));
        len[2] = len[0];
    } else {
        len[2] = make(leaf, der[2], sizeof der[2]);
    }
    if (inter)
        len[1] = make(inter, der[1], sizeof der[1]);
    CHECK(len[0] > 0 && len[2] > 0 && (!inter || len[1] > 0));
    CHECK_INT(iotls_x509_parse_der(&trust, der[0], (size_t)len[0]), 0);
    CHECK_INT(iotls_x509_parse_der(&chain, der[2], (size_t)len[2]), 0);
    if (inter)
        CHECK_INT(iotls_x509_parse_der(&chain, der[1], (size_t)len[1]), 0);
    if (mbedtls_x509_crt_verify_with_profile(&chain, &trust, NULL, &mbedtls_x509_crt_profile_default,
                                             NULL, &flags, vrfy, pol) != 0 &&
        flags == 0)
        flags = 0x80000000u; /* a fatal error: never expected */
    mbedtls_x509_crt_free(&trust);
    mbedtls_x509_crt_free(&chain);
    return flags;
}

/* root -> chain[n-1] -> ... -> chain[0] (the leaf); returns flags. */
static uint32_t run_n(iotls_policy *pol, const cspec *root, const cspec *const *chain, int n)
{
    static unsigned char der[8][2048];
    mbedtls_x509_crt trust, crts;
    uint32_t flags = 0;
    int i, len;

    mbedtls_x509_crt_init(&trust);
    mbedtls_x509_crt_init(&crts);
    len = make(root, der[0], sizeof der[0]);
    CHECK(len > 0 && iotls_x509_parse_der(&trust, der[0], (size_t)len) == 0);
    for (i = 0; i < n && i < 7; i++) {
        len = make(chain[i], der[i + 1], sizeof der[i + 1]);
        CHECK(len > 0 && iotls_x509_parse_der(&crts, der[i + 1], (size_t)len) == 0);
    }
    if (mbedtls_x509_crt_verify_with_profile(&crts, &trust, NULL, &mbedtls_x509_crt_profile_default,
                                             NULL, &flags, vrfy, pol) != 0 &&
        flags == 0)
        flags = 0x80000000u;
    mbedtls_x509_crt_free(&trust);
    mbedtls_x509_crt_free(&crts);
    return flags;
}

static const cspec ROOT = {"CN=Test Root", "CN=Test Root", &k_root, &k_root, 1, 0, 0, NULL, NULL, 0, 0, 0, 0};

static cspec leaf_spec(const derbuf *san, const char *issuer, mbedtls_pk_context *ikey)
{
    cspec s = {"CN=leaf.example.com", NULL, &k_leaf, NULL, 0, 0, 1, NULL, NULL, 0, 0, 0, 0};
    s.san = san;
    s.issuer = issuer;
    s.ikey = ikey;
    return s;
}

static cspec int_spec(const derbuf *nc, int crit)
{
    cspec s = {"CN=Int CA", "CN=Test Root", &k_int, &k_root, 1, 0, 0, NULL, NULL, 0, 0, 0, 0};
    s.nc = nc;
    s.nc_crit = crit;
    return s;
}

static void test_host_names(void)
{
    derbuf names = {{0}, 0}, san;
    static const char *pats[] = {"www.example.com", "*.wild.example.org", "f*o.example.net",
                                 "*.com", "xn--*-1b3c.example.com", "*.", ".dot.example"};
    unsigned char der[2048];
    mbedtls_x509_crt crt;
    cspec s;
    size_t i;
    int len;

    for (i = 0; i < sizeof pats / sizeof pats[0]; i++)
        gn(&names, 0x82, pats[i], strlen(pats[i]));
    san_of(&san, &names);
    s = leaf_spec(&san, "CN=Test Root", &k_root);
    len = make(&s, der, sizeof der);
    CHECK(len > 0);
    mbedtls_x509_crt_init(&crt);
    CHECK_INT(iotls_x509_parse_der(&crt, der, (size_t)len), 0);
    CHECK(iotls_policy_match_dns(&crt, "www.example.com") == 1);
    CHECK(iotls_policy_match_dns(&crt, "WWW.Example.COM") == 1);
    CHECK(iotls_policy_match_dns(&crt, "www.example.com.") == 1);
    CHECK(iotls_policy_match_dns(&crt, "example.com") == 0);
    CHECK(iotls_policy_match_dns(&crt, "a.wild.example.org") == 1);
    CHECK(iotls_policy_match_dns(&crt, "A.WILD.example.org") == 1);
    CHECK(iotls_policy_match_dns(&crt, "wild.example.org") == 0);     /* not the apex */
    CHECK(iotls_policy_match_dns(&crt, "a.b.wild.example.org") == 0); /* one label only */
    CHECK(iotls_policy_match_dns(&crt, ".wild.example.org") == 0);
    CHECK(iotls_policy_match_dns(&crt, "foo.example.net") == 0);      /* f*o: no partial */
    CHECK(iotls_policy_match_dns(&crt, "fo.example.net") == 0);
    CHECK(iotls_policy_match_dns(&crt, "foo.com") == 0);              /* *.com: two labels */
    CHECK(iotls_policy_match_dns(&crt, "xn--bliss-1b3c.example.com") == 0);
    CHECK(iotls_policy_match_dns(&crt, "dot.example") == 0);
    CHECK(iotls_policy_match_dns(&crt, "*.wild.example.org") == 0);   /* not a host name */
    CHECK(iotls_policy_match_dns(&crt, "leaf.example.com") == 0);     /* the CN: never */
    CHECK(iotls_policy_match_dns(&crt, "") == 0);
    CHECK(iotls_policy_match_dns(&crt, NULL) == 0);
    CHECK(iotls_policy_match_dns(NULL, "www.example.com") == 0);
    mbedtls_x509_crt_free(&crt);
}

static void test_name_in_chain(void)
{
    derbuf names = {{0}, 0}, san;
    static const unsigned char ip4[] = {192, 0, 2, 1};
    iotls_policy pol;
    iotls_addr a;
    cspec leaf;
    uint32_t f;

    gn(&names, 0x82, "www.example.com", 15);
    gn(&names, 0x82, "192.0.2.2", 9); /* an IP as text: not an iPAddress */
    gn(&names, 0x87, ip4, sizeof ip4);
    san_of(&san, &names);
    leaf = leaf_spec(&san, "CN=Test Root", &k_root);

    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);
    iotls_policy_init(&pol, "other.example.com", NULL, 1);
    f = run(&pol, &ROOT, NULL, &leaf);
    CHECK_INT(f, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK(strstr(pol.detail, "other.example.com") != NULL);
    iotls_policy_init(&pol, "other.example.com", NULL, 0); /* Mbed TLS's to check */
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);

    CHECK(iotls_addr_parse("192.0.2.1", &a));
    iotls_policy_init(&pol, NULL, &a, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);
    CHECK(iotls_addr_parse("192.0.2.2", &a));
    iotls_policy_init(&pol, NULL, &a, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf),
              IOTLS_BADCERT_IP_MISMATCH | MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK(strstr(pol.detail, "192.0.2.2") != NULL);

    /* CN only: no fallback */
    leaf = leaf_spec(NULL, "CN=Test Root", &k_root);
    iotls_policy_init(&pol, "leaf.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK(strstr(pol.detail, "common name") != NULL);
}

static void test_usage(void)
{
    derbuf names = {{0}, 0}, san;
    iotls_policy pol;
    cspec leaf;

    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    leaf = leaf_spec(&san, "CN=Test Root", &k_root);

    leaf.eku = 2; /* clientAuth only */
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), MBEDTLS_X509_BADCERT_EXT_KEY_USAGE);
    CHECK(strstr(pol.detail, "serverAuth") != NULL);
    pol.check_eku = 0;
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);
    leaf.eku = 0; /* no EKU: any usage (RFC 5280 4.2.1.12) */
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);

    leaf.eku = 1;
    leaf.ku = MBEDTLS_X509_KU_KEY_ENCIPHERMENT;
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0); /* not asked */
    pol.leaf_key_usage = MBEDTLS_X509_KU_DIGITAL_SIGNATURE;
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), MBEDTLS_X509_BADCERT_KEY_USAGE);
    pol.leaf_key_usage = MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_ENCIPHERMENT;
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);

    /* keyCertSign without cA (RFC 5280 4.2.1.9) */
    leaf.ku = MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_CERT_SIGN;
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), MBEDTLS_X509_BADCERT_KEY_USAGE);
    CHECK(strstr(pol.detail, "keyCertSign") != NULL);

    /* a CA as the server's certificate: accepted unless asked */
    leaf.ku = MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_CERT_SIGN;
    leaf.ca = 1;
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), 0);
    pol.reject_ca_leaf = 1;
    CHECK_INT(run(&pol, &ROOT, NULL, &leaf), IOTLS_BADCERT_LEAF_IS_CA);
}

static void test_profile(void)
{
    derbuf names = {{0}, 0}, san;
    iotls_policy pol;
    cspec leaf, inter, root = ROOT;

    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);
    inter = int_spec(NULL, 0);

    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &root, &inter, &leaf), 0);

    leaf.no_ids = 1; /* no AKI in a certificate a CA signed */
    CHECK_INT(run(&pol, &root, &inter, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    CHECK(strstr(pol.detail, "authority key identifier") != NULL);
    leaf.no_ids = 0;

    inter.no_ids = 1; /* a CA without SKI (and AKI) */
    CHECK_INT(run(&pol, &root, &inter, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    CHECK(strstr(pol.detail, "certificate 1 (CN=Int CA)") != NULL);
    inter.no_ids = 0;

    leaf.serial_zero = 1;
    CHECK_INT(run(&pol, &root, &inter, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    CHECK(strstr(pol.detail, "serial") != NULL);
    leaf.serial_zero = 0;

    root.no_ids = 1; /* a self-signed root without key identifiers */
    inter.no_ids = 0;
    CHECK(run(&pol, &root, &inter, &leaf) == MBEDTLS_X509_BADCERT_OTHER);
    root.no_ids = 0;

    /* a self-signed server certificate trusted as itself: no AKI needed */
    {
        cspec self = {"CN=self.example", "CN=self.example", &k_leaf, &k_leaf, 0, 0, 1, NULL,
                      NULL, 0, 0, 1, 0};
        derbuf n2 = {{0}, 0}, s2;
        gn(&n2, 0x82, "self.example", 12);
        san_of(&s2, &n2);
        self.san = &s2;
        iotls_policy_init(&pol, "self.example", NULL, 1);
        CHECK_INT(run(&pol, &self, NULL, &self), 0);
    }

    /* a non-critical unknown extension is fine, a critical one is not */
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    leaf.unknown_crit = 2;
    CHECK_INT(run(&pol, &root, &inter, &leaf), 0);
    leaf.unknown_crit = 0;
}

static void test_parse(void)
{
    derbuf names = {{0}, 0}, san, perm = {{0}, 0}, nc;
    unsigned char der[2048];
    mbedtls_x509_crt crt;
    cspec inter;
    int len;

    subtree(&perm, 0x82, "example.com", 11);
    nc_of(&nc, &perm, NULL);
    inter = int_spec(&nc, 1);
    len = make(&inter, der, sizeof der);
    CHECK(len > 0);
    mbedtls_x509_crt_init(&crt);
    CHECK(mbedtls_x509_crt_parse_der(&crt, der, (size_t)len) != 0); /* Mbed TLS alone: no */
    mbedtls_x509_crt_free(&crt);
    mbedtls_x509_crt_init(&crt);
    CHECK_INT(iotls_x509_parse_der(&crt, der, (size_t)len), 0);
    mbedtls_x509_crt_free(&crt);
    mbedtls_x509_crt_init(&crt);
    CHECK_INT(iotls_x509_parse_der_nocopy(&crt, der, (size_t)len), 0);
    CHECK(crt.raw.p == der);
    mbedtls_x509_crt_free(&crt);

    inter = int_spec(NULL, 0);
    inter.unknown_crit = 1;
    len = make(&inter, der, sizeof der);
    CHECK(len > 0);
    mbedtls_x509_crt_init(&crt);
    CHECK(iotls_x509_parse_der(&crt, der, (size_t)len) != 0);
    mbedtls_x509_crt_free(&crt);
    (void)names;
    (void)san;
}

/* root -> Int CA (constraints) -> leaf with the given SAN. */
static uint32_t nc_case(iotls_policy *pol, const derbuf *nc, int crit, const derbuf *san,
                        const char *host, const iotls_addr *ip)
{
    cspec inter = int_spec(nc, crit), leaf = leaf_spec(san, "CN=Int CA", &k_int);
    iotls_policy_init(pol, host, ip, 1);
    return run(pol, &ROOT, &inter, &leaf);
}

static void test_name_constraints(void)
{
    derbuf perm = {{0}, 0}, excl = {{0}, 0}, nc, names = {{0}, 0}, san;
    static const unsigned char v4net[] = {192, 0, 2, 0, 255, 255, 255, 0};
    static const unsigned char ip_in[] = {192, 0, 2, 7}, ip_out[] = {198, 51, 100, 1};
    iotls_policy pol;
    iotls_addr a;
    uint32_t f;

    /* permitted DNS example.com: it and below */
    subtree(&perm, 0x82, "example.com", 11);
    nc_of(&nc, &perm, NULL);
    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "www.example.com", NULL), 0);
    CHECK_INT(nc_case(&pol, &nc, 0, &san, "www.example.com", NULL), 0);
    names.n = 0;
    gn(&names, 0x82, "www.other.test", 14);
    san_of(&san, &names);
    f = nc_case(&pol, &nc, 1, &san, "www.other.test", NULL);
    CHECK_INT(f, IOTLS_BADCERT_NAME_CONSTRAINTS);
    CHECK_STR(pol.detail, "certificate 1 (CN=Int CA) constrains names to permitted DNS example.com; "
                          "the server's name www.other.test is outside it");
    /* non-critical: enforced all the same (CA/B BR allows non-critical) */
    CHECK_INT(nc_case(&pol, &nc, 0, &san, "www.other.test", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    names.n = 0;
    gn(&names, 0x82, "www.example.com", 15);
    gn(&names, 0x82, "notexample.com", 14); /* label-aligned: not inside */
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "www.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    names.n = 0;
    gn(&names, 0x82, ".example.com", 12); /* not a DNS name: never within */
    gn(&names, 0x82, "foo.example.com", 15);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "foo.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);

    /* ".example.com": below only */
    perm.n = 0;
    subtree(&perm, 0x82, ".example.com", 12);
    nc_of(&nc, &perm, NULL);
    names.n = 0;
    gn(&names, 0x82, "example.com", 11);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    names.n = 0;
    gn(&names, 0x82, "a.example.com", 13);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "a.example.com", NULL), 0);

    /* excluded DNS: the name and below, a wildcard that can reach it */
    excl.n = 0;
    subtree(&excl, 0x82, "bad.example.com", 15);
    nc_of(&nc, NULL, &excl);
    names.n = 0;
    gn(&names, 0x82, "x.bad.example.com", 17);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "x.bad.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    CHECK(strstr(pol.detail, "excludes DNS bad.example.com") != NULL);
    names.n = 0;
    gn(&names, 0x82, "*.example.com", 13);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "good.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    names.n = 0;
    gn(&names, 0x82, "good.example.com", 16);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "good.example.com", NULL), 0);

    /* IP: permitted 192.0.2.0/24 */
    perm.n = 0;
    subtree(&perm, 0x87, v4net, sizeof v4net);
    nc_of(&nc, &perm, NULL);
    names.n = 0;
    gn(&names, 0x87, ip_in, sizeof ip_in);
    san_of(&san, &names);
    CHECK(iotls_addr_parse("192.0.2.7", &a));
    CHECK_INT(nc_case(&pol, &nc, 1, &san, NULL, &a), 0);
    names.n = 0;
    gn(&names, 0x87, ip_out, sizeof ip_out);
    san_of(&san, &names);
    CHECK(iotls_addr_parse("198.51.100.1", &a));
    CHECK_INT(nc_case(&pol, &nc, 1, &san, NULL, &a), IOTLS_BADCERT_NAME_CONSTRAINTS);
    CHECK(strstr(pol.detail, "IP 192.0.2.0/24") != NULL);
    /* a DNS name under an IP-only constraint: another form, not constrained */
    names.n = 0;
    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "www.example.com", NULL), 0);
    /* excluded IP */
    nc_of(&nc, NULL, &perm);
    names.n = 0;
    gn(&names, 0x87, ip_in, sizeof ip_in);
    san_of(&san, &names);
    CHECK(iotls_addr_parse("192.0.2.7", &a));
    CHECK_INT(nc_case(&pol, &nc, 1, &san, NULL, &a), IOTLS_BADCERT_NAME_CONSTRAINTS);

    /* a form iotls does not evaluate (rfc822Name) constrained, and present */
    perm.n = 0;
    subtree(&perm, 0x81, "example.com", 11);
    nc_of(&nc, &perm, NULL);
    names.n = 0;
    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "www.example.com", NULL), 0);
    gn(&names, 0x81, "a@example.com", 13);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc, 1, &san, "www.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);

    /* name constraints in a leaf */
    {
        cspec leaf;
        perm.n = 0;
        subtree(&perm, 0x82, "example.com", 11);
        nc_of(&nc, &perm, NULL);
        names.n = 0;
        gn(&names, 0x82, "www.example.com", 15);
        san_of(&san, &names);
        leaf = leaf_spec(&san, "CN=Test Root", &k_root);
        leaf.nc = &nc;
        iotls_policy_init(&pol, "www.example.com", NULL, 1);
        CHECK_INT(run(&pol, &ROOT, NULL, &leaf), IOTLS_BADCERT_NAME_CONSTRAINTS);
    }

    /* malformed constraints in a CA: rejected, not ignored */
    {
        derbuf bad = {{0}, 0}, in = {{0}, 0};
        static const unsigned char v4only[] = {192, 0, 2, 0};
        subtree(&in, 0x87, v4only, sizeof v4only); /* no mask */
        nc_of(&bad, &in, NULL);
        CHECK_INT(nc_case(&pol, &bad, 1, &san, "www.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
        CHECK(strstr(pol.detail, "malformed") != NULL);
        nc_of(&bad, NULL, NULL); /* empty NameConstraints */
        CHECK_INT(nc_case(&pol, &bad, 0, &san, "www.example.com", NULL), IOTLS_BADCERT_NAME_CONSTRAINTS);
    }
}

/* The DER walkers on broken input: every truncation and many byte flips of
 * valid values; nothing may crash, read out of bounds or accept garbage as
 * a valid constraint. */
static void test_malformed(void)
{
    derbuf perm = {{0}, 0}, excl = {{0}, 0}, nc;
    static const unsigned char v6net[32] = {0x20, 0x01, 0x0d, 0xb8, [16] = 0xff, 0xff, 0xff, 0xff};
    static const unsigned char bad_mask[8] = {10, 0, 0, 0, 0xff, 0x00, 0xff, 0x00};
    static const unsigned char with_max[] = {0x30, 0x0c, 0xa0, 0x0a, 0x30, 0x08, 0x82, 0x03,
                                             'a', '.', 'b', 0x81, 0x01, 0x01};
    static const unsigned char both_empty[] = {0x30, 0x04, 0xa0, 0x00, 0xa1, 0x00};
    static const unsigned char both_null[] = {0x30, 0x04, 0x05, 0x00, 0x05, 0x00};
    static const unsigned char huge_len[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0xa0};
    unsigned char buf[1024];
    const unsigned char *v;
    size_t i, n, vl;
    int crit;

    subtree(&perm, 0x82, "example.com", 11);
    subtree(&perm, 0x87, v6net, sizeof v6net);
    subtree(&excl, 0x82, ".bad.example.com", 16);
    nc_of(&nc, &perm, &excl);
    CHECK(iotls_policy_nc_valid(nc.b, nc.n) == 1);
    for (n = 0; n < nc.n; n++)
        CHECK(iotls_policy_nc_valid(nc.b, n) == 0);
    for (i = 0; i < nc.n; i++) {
        memcpy(buf, nc.b, nc.n);
        buf[i] ^= 0xff;
        (void)iotls_policy_nc_valid(buf, nc.n); /* any answer, no crash */
    }
    CHECK(iotls_policy_nc_valid(with_max, sizeof with_max) == 0);
    CHECK(iotls_policy_nc_valid(both_empty, sizeof both_empty) == 0);
    CHECK(iotls_policy_nc_valid(both_null, sizeof both_null) == 0);
    CHECK(iotls_policy_nc_valid(huge_len, sizeof huge_len) == 0);
    CHECK(iotls_policy_nc_valid(NULL, 0) == 0);
    perm.n = 0;
    subtree(&perm, 0x87, bad_mask, sizeof bad_mask);
    nc_of(&nc, &perm, NULL);
    CHECK(iotls_policy_nc_valid(nc.b, nc.n) == 0);

    /* Extensions: SEQUENCE OF { OID, [critical], OCTET STRING } */
    {
        derbuf exts = {{0}, 0}, one = {{0}, 0}, all;
        static const unsigned char t[] = {0x01, 0x01, 0xff};
        der_tlv(&one, 0x06, OID_NC, sizeof OID_NC);
        memcpy(one.b + one.n, t, sizeof t);
        one.n += sizeof t;
        der_tlv(&one, 0x04, nc.b, nc.n);
        der_wrap(&exts, 0x30, &one);
        all.n = 0;
        der_wrap(&all, 0x30, &exts);
        CHECK(iotls_policy_find_ext(all.b, all.n, OID_NC, sizeof OID_NC, &v, &vl, &crit) == 1);
        CHECK(crit == 1 && vl == nc.n && memcmp(v, nc.b, vl) == 0);
        for (n = 0; n < all.n; n++)
            CHECK(iotls_policy_find_ext(all.b, n, OID_NC, sizeof OID_NC, &v, &vl, &crit) <= 0);
        for (i = 0; i < all.n; i++) {
            memcpy(buf, all.b, all.n);
            buf[i] ^= 0x80;
            (void)iotls_policy_find_ext(buf, all.n, OID_NC, sizeof OID_NC, &v, &vl, &crit);
        }
        /* the same extension twice */
        der_wrap(&exts, 0x30, &one);
        all.n = 0;
        der_wrap(&all, 0x30, &exts);
        CHECK(iotls_policy_find_ext(all.b, all.n, OID_NC, sizeof OID_NC, &v, &vl, &crit) == -1);
    }
}

static void test_more_rules(void)
{
    derbuf names = {{0}, 0}, san, perm = {{0}, 0}, nc, perm2 = {{0}, 0}, nc2, aki = {{0}, 0},
           aki_in = {{0}, 0}, aia = {{0}, 0}, ad = {{0}, 0}, dn = {{0}, 0};
    static const unsigned char caissuers[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};
    static const unsigned char other_id[20] = {0x11, 0x22, 0x33};
    const cspec *chain[6];
    cspec root = ROOT, i1 = int_spec(NULL, 0), i2, leaf, cas[5];
    iotls_policy pol;
    int k;

    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);

    /* a root's AKI that names another key; a root with an EKU */
    der_tlv(&aki_in, 0x80, other_id, sizeof other_id);
    der_wrap(&aki, 0x30, &aki_in);
    root.aki = &aki;
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &root, &i1, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    CHECK(strstr(pol.detail, "certificate 2 (CN=Test Root)") != NULL);
    root = ROOT;
    root.eku = 1;
    CHECK_INT(run(&pol, &root, &i1, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    CHECK(strstr(pol.detail, "extended key usage") != NULL);
    root = ROOT;

    /* authorityInfoAccess: well formed, then empty */
    der_tlv(&ad, 0x06, caissuers, sizeof caissuers);
    der_tlv(&ad, 0x86, (const unsigned char *)"http://ca.example/i.crt", 23);
    {
        derbuf one = {{0}, 0};
        der_wrap(&one, 0x30, &ad);
        der_wrap(&aia, 0x30, &one);
    }
    leaf.aia = &aia;
    CHECK_INT(run(&pol, &root, &i1, &leaf), 0);
    aia.n = 0;
    der_tlv(&aia, 0x30, caissuers, 0); /* SEQUENCE {}: no AccessDescription */
    CHECK_INT(run(&pol, &root, &i1, &leaf), MBEDTLS_X509_BADCERT_OTHER);
    leaf.aia = NULL;

    /* an empty subject needs a critical subjectAltName (Mbed TLS's writer
     * cannot write an empty subject: the parsed one is emptied) */
    for (k = 0; k < 2; k++) {
        static const unsigned char empty_name[] = {0x30, 0x00};
        unsigned char der[2048];
        mbedtls_x509_crt crt, shallow;
        uint32_t f = 0;
        int len;
        leaf = leaf_spec(&san, "CN=Test Root", &k_root);
        leaf.san_crit = k;
        len = make(&leaf, der, sizeof der);
        mbedtls_x509_crt_init(&crt);
        CHECK(len > 0 && iotls_x509_parse_der(&crt, der, (size_t)len) == 0);
        shallow = crt;
        shallow.subject_raw.p = (unsigned char *)empty_name;
        shallow.subject_raw.len = sizeof empty_name;
        iotls_policy_init(&pol, "www.example.com", NULL, 1);
        iotls_policy_check(&pol, &shallow, 0, &f);
        CHECK_INT(f, k ? 0 : MBEDTLS_X509_BADCERT_OTHER);
        CHECK(k || strstr(pol.detail, "empty subject") != NULL);
        mbedtls_x509_crt_free(&crt);
    }
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);

    /* max_intermediates: self-issued ones not counted */
    i2 = int_spec(NULL, 0);
    i2.subject = "CN=Int CA 2";
    i1.issuer = "CN=Int CA 2";
    i1.ikey = &k_int; /* i2's key */
    chain[0] = &leaf, chain[1] = &i1, chain[2] = &i2;
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run_n(&pol, &root, chain, 3), 0);
    pol.max_intermediates = 1;
    CHECK_INT(run_n(&pol, &root, chain, 3), MBEDTLS_X509_BADCERT_OTHER);
    pol.max_intermediates = 2;
    CHECK_INT(run_n(&pol, &root, chain, 3), 0);

    /* two constrained CAs: a name must be within both */
    subtree(&perm, 0x82, "example.com", 11);
    nc_of(&nc, &perm, NULL);
    subtree(&perm2, 0x82, "bar.example.com", 15);
    nc_of(&nc2, &perm2, NULL);
    i2.nc = &nc, i2.nc_crit = 1;
    i1.nc = &nc2, i1.nc_crit = 1;
    i1.san = NULL;
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run_n(&pol, &root, chain, 3), IOTLS_BADCERT_NAME_CONSTRAINTS);
    CHECK(strstr(pol.detail, "certificate 1 (CN=Int CA)") != NULL);
    names.n = 0;
    gn(&names, 0x82, "www.bar.example.com", 19);
    san_of(&san, &names);
    CHECK_INT(nc_case(&pol, &nc2, 1, &san, "www.bar.example.com", NULL), 0);
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);
    chain[0] = &leaf;
    iotls_policy_init(&pol, "www.bar.example.com", NULL, 1);
    CHECK_INT(run_n(&pol, &root, chain, 3), 0);
    /* an intermediate's own SAN is checked too */
    {
        derbuf n2 = {{0}, 0}, s2;
        gn(&n2, 0x82, "other.test", 10);
        san_of(&s2, &n2);
        i1.san = &s2;
        CHECK_INT(run_n(&pol, &root, chain, 3), IOTLS_BADCERT_NAME_CONSTRAINTS);
        CHECK(strstr(pol.detail, "certificate 1's name other.test") != NULL);
        i1.san = NULL;
    }

    /* a self-issued intermediate is not checked against the constraints
     * above it (RFC 5280 6.1.3), the certificates below it are */
    {
        derbuf n2 = {{0}, 0}, s2;
        cspec self = int_spec(NULL, 0), ca = int_spec(&nc2, 1);
        gn(&n2, 0x82, "other.test", 10);
        san_of(&s2, &n2);
        self.issuer = "CN=Int CA";
        self.ikey = &k_int;
        self.key = &k_leaf; /* the new key of a key rollover */
        self.san = &s2;
        leaf = leaf_spec(&san, "CN=Int CA", &k_leaf);
        chain[0] = &leaf, chain[1] = &self, chain[2] = &ca;
        iotls_policy_init(&pol, "www.bar.example.com", NULL, 1);
        CHECK_INT(run_n(&pol, &root, chain, 3), 0);
        names.n = 0;
        gn(&names, 0x82, "www.example.com", 15);
        san_of(&san, &names);
        leaf = leaf_spec(&san, "CN=Int CA", &k_leaf);
        iotls_policy_init(&pol, "www.example.com", NULL, 1);
        CHECK_INT(run_n(&pol, &root, chain, 3), IOTLS_BADCERT_NAME_CONSTRAINTS);
    }

    /* more constrained CAs than iotls keeps: rejected, not half-checked */
    {
        static const char *subj[5] = {"CN=CA1", "CN=CA2", "CN=CA3", "CN=CA4", "CN=CA5"};
        names.n = 0;
        gn(&names, 0x82, "www.example.com", 15);
        san_of(&san, &names);
        int m;
        for (m = 4; m <= 5; m++) {
            for (k = 0; k < m; k++) {
                cas[k] = int_spec(&nc, 1);
                cas[k].subject = subj[k];
                cas[k].issuer = k == m - 1 ? "CN=Test Root" : subj[k + 1];
                cas[k].ikey = k == m - 1 ? &k_root : &k_int;
                chain[k + 1] = &cas[k];
            }
            leaf = leaf_spec(&san, "CN=CA1", &k_int);
            chain[0] = &leaf;
            iotls_policy_init(&pol, "www.example.com", NULL, 1);
            CHECK_INT(run_n(&pol, &root, chain, m + 1), m == 4 ? 0 : IOTLS_BADCERT_NAME_CONSTRAINTS);
        }
        CHECK(strstr(pol.detail, "beyond") != NULL);
    }

    /* directoryName: the subject must start with the constraint's RDNs */
    der_name(&dn, "Int CA"); /* CN=Int CA as a Name */
    perm.n = 0;
    {
        derbuf st = {{0}, 0}, base = {{0}, 0};
        der_tlv(&base, 0xa4, dn.b, dn.n);
        der_wrap(&st, 0x30, &base);
        memcpy(perm.b, st.b, st.n);
        perm.n = st.n;
    }
    nc_of(&nc, &perm, NULL);
    names.n = 0;
    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    i1 = int_spec(&nc, 1);
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);
    leaf.subject = "CN=leaf,CN=Int CA"; /* Mbed TLS's writer: the last RDN first in DER */
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &root, &i1, &leaf), 0);
    leaf.subject = "CN=Other";
    CHECK_INT(run(&pol, &root, &i1, &leaf), IOTLS_BADCERT_NAME_CONSTRAINTS);
    CHECK(strstr(pol.detail, "directoryName") != NULL);
    nc_of(&nc, NULL, &perm); /* excluded */
    leaf.subject = "CN=leaf,CN=INT CA"; /* case differs: still inside */
    CHECK_INT(run(&pol, &root, &i1, &leaf), IOTLS_BADCERT_NAME_CONSTRAINTS);
}

/* The same policy across two verifications: the second starts afresh. */
static void test_reuse(void)
{
    derbuf perm = {{0}, 0}, nc, names = {{0}, 0}, san;
    iotls_policy pol;
    cspec inter, leaf;

    subtree(&perm, 0x82, "other.test", 10);
    nc_of(&nc, &perm, NULL);
    gn(&names, 0x82, "www.example.com", 15);
    san_of(&san, &names);
    inter = int_spec(&nc, 1);
    leaf = leaf_spec(&san, "CN=Int CA", &k_int);
    iotls_policy_init(&pol, "www.example.com", NULL, 1);
    CHECK_INT(run(&pol, &ROOT, &inter, &leaf), IOTLS_BADCERT_NAME_CONSTRAINTS);
    inter = int_spec(NULL, 0);
    CHECK_INT(run(&pol, &ROOT, &inter, &leaf), 0);
    CHECK_STR(pol.detail, "");
    iotls_policy_check(NULL, NULL, 0, NULL); /* no crash */
}

int main(void)
{
    CHECK_INT(certgen_init(&g), 0);
    CHECK_INT(certgen_key(&g, &k_root), 0);
    CHECK_INT(certgen_key(&g, &k_int), 0);
    CHECK_INT(certgen_key(&g, &k_leaf), 0);
    test_host_names();
    test_name_in_chain();
    test_usage();
    test_profile();
    test_parse();
    test_name_constraints();
    test_malformed();
    test_reuse();
    test_more_rules();
    mbedtls_pk_free(&k_root);
    mbedtls_pk_free(&k_int);
    mbedtls_pk_free(&k_leaf);
    certgen_free(&g);
    return CHECK_DONE();
}
