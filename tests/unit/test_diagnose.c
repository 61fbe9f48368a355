/*
 * Diagnosis rules, offline: iotls_error values built as the library fills
 * them for each cause (the seed case exactly), certificates generated here
 * with Mbed TLS's writer, and negative cases where no cause may be named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "diagnose/rules.h" /* iotls_diagnose_offline */

#include "certgen.h"
#include "check.h"
#include "iotls/diagnose.h"
#include "iotls/iotls.h"

#define NOW 1795737600   /* 2026-11-27 00:00:00 UTC */
#define BUILT 1793145600 /* 2026-10-28 */

/* ---- helpers ---- */

static int has_evidence(const iotls_diagnosis *d, const char *text)
{
    unsigned i;
    for (i = 0; i < d->n_evidence; i++)
        if (strstr(d->evidence[i], text) != NULL)
            return 1;
    fprintf(stderr, "  no evidence line contains \"%s\"; evidence:\n", text);
    for (i = 0; i < d->n_evidence; i++)
        fprintf(stderr, "    %s\n", d->evidence[i]);
    return 0;
}

static int has_note(const iotls_diagnosis *d, const char *text)
{
    unsigned i;
    for (i = 0; i < d->n_notes; i++)
        if (strstr(d->notes[i], text) != NULL)
            return 1;
    return 0;
}

static int has_candidate(const iotls_diagnosis *d, iotls_cause c)
{
    unsigned i;
    for (i = 0; i < d->n_candidates; i++)
        if (d->candidates[i].cause == c)
            return 1;
    return 0;
}

static void set_hello(iotls_hello *h, const uint16_t *suites, int ns, const uint16_t *groups,
                      int ng, const char *sni)
{
    static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501};
    int i;
    h->version = 0x0303;
    for (i = 0; i < ns && i < IOTLS_EV_MAX_SUITES; i++)
        h->suites[i] = suites[i];
    h->n_suites = (uint8_t)i;
    h->total_suites = (uint16_t)ns;
    for (i = 0; i < ng; i++)
        h->groups[i] = groups[i];
    h->n_groups = (uint8_t)ng;
    for (i = 0; i < 6; i++)
        h->sig_algs[i] = sigs[i];
    h->n_sig_algs = 6;
    h->has_sni = sni != NULL;
    snprintf(h->sni, sizeof(h->sni), "%s", sni != NULL ? sni : "");
}

static const uint16_t wide_suites[] = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8};
static const uint16_t wide_groups[] = {0x001d, 0x0017, 0x0018};

/* A handshake failure as the library records it: ClientHello sent to host
 * with the given SNI (NULL: none) and the iotls default offer. */
static void hs_error(iotls_error *e, const char *host, const char *sni)
{
    iotls_error_init(e);
    e->code = IOTLS_ERR_ALERT_RECEIVED;
    e->stage = IOTLS_STAGE_HANDSHAKE;
    e->mbedtls_code = MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE;
    snprintf(e->host, sizeof(e->host), "%s", host);
    e->port = 443;
    snprintf(e->addr, sizeof(e->addr), "127.0.0.1");
    e->sni_sent = sni != NULL;
    snprintf(e->sni, sizeof(e->sni), "%s", sni != NULL ? sni : "");
    snprintf(e->verify_name, sizeof(e->verify_name), "%s", sni != NULL ? sni : host);
    e->wall_time = NOW;
    e->in_content_len = 16384;
    e->out_content_len = 16384;
    e->wire.client_hello_seen = 1;
    set_hello(&e->wire.client_hello, wide_suites, 6, wide_groups, 3, sni);
    e->wire.bytes_sent = 200;
}

static void alert_first(iotls_error *e, int desc)
{
    static const uint8_t rec[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02};
    memcpy(e->wire.first_bytes, rec, sizeof(rec));
    e->wire.first_bytes[6] = (uint8_t)desc;
    e->wire.n_first_bytes = 7;
    e->wire.bytes_received = 7;
    e->wire.records_received = 1;
    e->wire.alert_received_level = 2;
    e->wire.alert_received = (int16_t)desc;
}

/* The server got as far as ServerHello ... then answered. */
static void after_hello(iotls_error *e, int cert_request)
{
    static const uint8_t msgs[] = {2, 11, 12, 13, 14};
    int n = cert_request ? 5 : 4;
    e->wire.server_hello_seen = 1;
    e->wire.server_hello.version = 0x0303;
    e->wire.server_hello.suites[0] = 0xc02f;
    e->wire.server_hello.n_suites = 1;
    memcpy(e->wire.hs_msgs, msgs, 5);
    if (!cert_request)
        e->wire.hs_msgs[3] = 14;
    e->wire.n_hs_msgs = (uint8_t)n;
    e->wire.cert_request_seen = (uint8_t)cert_request;
    e->wire.ske_group = 0x001d;
    e->wire.records_received = 5;
    e->wire.bytes_received = 1500;
}

/* ---- the seed case ---- */

static void seed_error(iotls_error *e)
{
    static const uint16_t suites[] = {0xc02b, 0xc031, 0xc02d, 0x00a8, 0x00ff};
    static const uint16_t groups[] = {0x0017};
    static const uint16_t sigs[] = {0x0403, 0x0401, 0x0303, 0x0301};
    static const uint16_t exts[] = {0x0000, 0x000d, 0x000a, 0x000b, 0x0016, 0x0017};
    iotls_hello *h = &e->wire.client_hello;
    hs_error(e, "www.google.de", "mbed TLS Server 1");
    set_hello(h, suites, 5, groups, 1, "mbed TLS Server 1");
    memcpy(h->sig_algs, sigs, sizeof(sigs));
    h->n_sig_algs = 4;
    memcpy(h->exts, exts, sizeof(exts));
    h->n_exts = 6;
    alert_first(e, 40);
}

static void test_seed(void)
{
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;
    iotls_trust t;
    char text[4096];

    seed_error(&e);
    iotls_diag_input_init(&in);
    in.host = "www.google.de";
    in.sni_overridden = 1;
    in.build_time = BUILT;
    iotls_trust_init(&t);
    t.loaded = 3;
    t.skipped = 1;
    t.n_issues = 1;
    snprintf(t.origin, sizeof(t.origin), "ca.pem");
    snprintf(t.issues[0].source, sizeof(t.issues[0].source), "ca.pem");
    t.issues[0].index = 2;
    t.issues[0].line = 23;
    t.issues[0].mbedtls_code = -0x2180; /* MBEDTLS_ERR_X509_INVALID_FORMAT */
    in.trust = &t;

    CHECK_INT(iotls_diagnose(&e, &in, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK(d.n_candidates >= 2);
    CHECK_INT(d.candidates[0].cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.candidates[1].cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK(!has_candidate(&d, IOTLS_CAUSE_CLIENT_CERT_REQUIRED));
    CHECK(strstr(d.fix_device, "mbedtls_ssl_set_hostname(&ssl, \"www.google.de\");") != NULL);
    CHECK(strstr(d.fix_tool, "--sni") != NULL);
    CHECK(has_evidence(&d, "server sent alert 40 (handshake_failure) as its first record"));
    CHECK(has_evidence(
        &d, "ClientHello SNI: \"mbed TLS Server 1\" but dialed host: \"www.google.de\""));
    CHECK(has_evidence(&d, "c031"));
    CHECK_STR(d.doc, "docs/causes/sni_rejected.md");
    CHECK(has_note(&d, "1 skipped"));
    CHECK(has_note(&d, "#2 of ca.pem (line 23)"));
    CHECK(has_note(&d, "groups secp256r1 only"));
    CHECK(iotls_diagnosis_format(&d, text, sizeof(text), 1) > 0);
    if (getenv("IOTLS_TEST_SHOW") != NULL) /* the example in docs/diagnosis.md */
        fputs(text, stdout);
    CHECK(strstr(text, "cause: sni_rejected (ambiguous)") != NULL);
    CHECK(strstr(text, "candidate 2. no_shared_cipher") != NULL);
    iotls_trust_free(&t);

    /* Without the input (no trust report, no flags): the error's host. */
    CHECK_INT(iotls_diagnose(&e, NULL, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK(strstr(d.fix_device, "\"www.google.de\"") != NULL);
}

/* ---- SNI behaviours ---- */

static void test_sni(void)
{
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;

    iotls_diag_input_init(&in);
    in.sni_overridden = 1;

    /* Wide offer, wrong SNI, alert 40: one candidate, likely. */
    hs_error(&e, "www.example.com", "mbed TLS Server 1");
    alert_first(&e, 40);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK_STR(d.fix_tool, "drop --sni; iotls uses the dialed host by default");

    /* Alert 112 names its reason. */
    alert_first(&e, 112);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "alert 112 (unrecognized_name)"));

    /* 112 to the right name: the server does not know the host itself. */
    hs_error(&e, "api.example.com", "api.example.com");
    alert_first(&e, 112);
    iotls_diag_input_init(&in);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK(strstr(d.fix_device, "a name the server serves") != NULL);

    /* 112 with no SNI at all (IP literal). */
    hs_error(&e, "127.0.0.1", NULL);
    alert_first(&e, 112);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_MISSING);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "IP literal"));

    /* Alert 40 with --no-sni and a wide offer: likely, not certain. */
    hs_error(&e, "www.example.com", NULL);
    alert_first(&e, 40);
    in.sni_disabled = 1;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_MISSING);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(strstr(d.fix_tool, "--no-sni") != NULL);
    /* the dialed host is known: the device fix names it */
    CHECK(strstr(d.fix_device, "mbedtls_ssl_set_hostname(&ssl, \"www.example.com\");") != NULL);
    in.sni_disabled = 0;

    /* An IP literal: no name to put in the fix (RFC 6066 forbids an
     * address as SNI), so the placeholder stays. */
    hs_error(&e, "127.0.0.1", NULL);
    alert_first(&e, 112);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_MISSING);
    CHECK(strstr(d.fix_device, "<server host name>") != NULL);

    /* An SNI that is not a DNS host name, refused with 47 (GnuTLS) or 50. */
    in.sni_overridden = 1;
    hs_error(&e, "test.iotls.example", "mbed TLS Server 1");
    alert_first(&e, 47);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "the SNI is not a valid DNS host name (RFC 6066 3"));
    CHECK(has_evidence(&d, "alert 47 (illegal_parameter)"));
    CHECK(strstr(d.fix_device, "mbedtls_ssl_set_hostname(&ssl, \"test.iotls.example\");") !=
          NULL);
    alert_first(&e, 50);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    /* negative: 47 after a valid (if unknown) host name says nothing of the SNI */
    hs_error(&e, "test.iotls.example", "other.iotls.example");
    alert_first(&e, 47);
    iotls_diagnose(&e, &in, &d);
    CHECK(d.cause != IOTLS_CAUSE_SNI_REJECTED);
    CHECK(!has_evidence(&d, "not a valid DNS host name"));
    /* negative: another alert after the bad name is not this rule */
    hs_error(&e, "test.iotls.example", "mbed TLS Server 1");
    alert_first(&e, 80);
    iotls_diagnose(&e, &in, &d);
    CHECK(!has_evidence(&d, "not a valid DNS host name"));
    /* negative: 47 after the ServerHello is about something else */
    hs_error(&e, "test.iotls.example", "mbed TLS Server 1");
    after_hello(&e, 0);
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 47;
    iotls_diagnose(&e, &in, &d);
    CHECK(!has_evidence(&d, "not a valid DNS host name"));
    in.sni_overridden = 0;
}

/* ---- the offer ---- */

static void test_offer(void)
{
    static const uint16_t ecdsa_only[] = {0xc02b, 0xc02c, 0xc023};
    static const uint16_t p521[] = {0x0019};
    iotls_error e;
    iotls_diagnosis d;

    /* Right SNI, ECDSA-only suites. */
    hs_error(&e, "www.example.com", "www.example.com");
    set_hello(&e.wire.client_hello, ecdsa_only, 3, wide_groups, 3, "www.example.com");
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(strstr(d.candidates[0].why, "RSA certificate") != NULL);
    CHECK(strstr(d.fix_device, "mbedtls_ssl_conf_ciphersuites") != NULL);

    /* Right SNI, wide suites, only secp521r1. */
    hs_error(&e, "www.example.com", "www.example.com");
    set_hello(&e.wire.client_hello, wide_suites, 6, p521, 1, "www.example.com");
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_GROUP);
    CHECK(strstr(d.fix_device, "mbedtls_ssl_conf_groups") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_IANA_TLS_GROUP_") != NULL);

    /* Nothing wrong in the offer: ambiguous, pointing at the probe, and
     * never an SNI cause when the SNI was the host. */
    hs_error(&e, "www.example.com", "www.example.com");
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK(d.n_candidates == 4);
    CHECK(!has_candidate(&d, IOTLS_CAUSE_SNI_REJECTED));
    CHECK(!has_candidate(&d, IOTLS_CAUSE_SNI_MISSING));
    CHECK(strstr(d.summary, "iotls diagnose www.example.com") != NULL);

    /* Only RSA signature schemes. */
    hs_error(&e, "www.example.com", "www.example.com");
    e.wire.client_hello.sig_algs[0] = 0x0401;
    e.wire.client_hello.n_sig_algs = 1;
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM);

    /* A long offer counted beyond what was kept is never "narrow". */
    hs_error(&e, "www.example.com", "www.example.com");
    set_hello(&e.wire.client_hello, ecdsa_only, 3, wide_groups, 3, "www.example.com");
    e.wire.client_hello.total_suites = 80;
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
}

static void test_version(void)
{
    iotls_error e;
    iotls_diagnosis d;

    /* Alert 70 to a TLS 1.2 hello (the library files it as protocol_version). */
    hs_error(&e, "www.example.com", "www.example.com");
    alert_first(&e, 70);
    e.code = IOTLS_ERR_PROTOCOL_VERSION;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(strstr(d.summary, "TLS 1.3") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_PROTO_TLS1_3") != NULL);

    /* A TLS 1.0-only server refusing iotls's AEAD-only offer: alert 40 in a
     * TLS 1.0 record (OpenSSL s_server -tls1). */
    hs_error(&e, "old.example.com", "old.example.com");
    alert_first(&e, 40);
    e.wire.first_bytes[2] = 0x01;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(has_evidence(&d, "the alert came in a TLSv1.0 record (0x0301)"));
    /* Mbed TLS 3.6 has no TLS 1.0/1.1: the device fix is the server */
    CHECK(strstr(d.fix_device, "upgrade the server") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_VERSION_TLS1_2") != NULL);
    /* ... but alert 112 in an old record is still about the name */
    alert_first(&e, 112);
    e.wire.first_bytes[2] = 0x01;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);

    /* A TLS 1.0 server. */
    hs_error(&e, "old.example.com", "old.example.com");
    e.code = IOTLS_ERR_PROTOCOL_VERSION;
    e.mbedtls_code = MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION;
    e.wire.server_hello_seen = 1;
    e.wire.server_hello.version = 0x0301;
    e.wire.hs_msgs[0] = 2;
    e.wire.n_hs_msgs = 1;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK(has_evidence(&d, "ServerHello chose TLSv1.0"));
    /* Mbed TLS 3.6 has no TLS 1.0/1.1: the device fix is the server */
    CHECK(strstr(d.fix_device, "upgrade the server") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_VERSION_TLS1_2") != NULL);
}

static void test_client_cert(void)
{
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;

    iotls_diag_input_init(&in);
    /* TLS 1.2: CertificateRequest, empty Certificate, alert 40. */
    hs_error(&e, "mtls.example.com", "mtls.example.com");
    after_hello(&e, 1);
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 40;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(has_evidence(&d, "CertificateRequest"));
    CHECK(strstr(d.fix_device, "mbedtls_ssl_conf_own_cert") != NULL);

    /* gnutls-serv: alert 50. */
    e.wire.alert_received = 50;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);

    /* TLS 1.3 style: 116 certificate_required is explicit. */
    e.wire.alert_received = 116;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);

    /* A server that just closes after asking. */
    hs_error(&e, "mtls.example.com", "mtls.example.com");
    after_hello(&e, 1);
    e.code = IOTLS_ERR_PEER_CLOSED;
    e.mbedtls_code = MBEDTLS_ERR_SSL_CONN_EOF;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);

    /* Same close without a CertificateRequest: no client-cert cause. */
    hs_error(&e, "x.example.com", "x.example.com");
    after_hello(&e, 0);
    e.code = IOTLS_ERR_PEER_CLOSED;
    e.mbedtls_code = MBEDTLS_ERR_SSL_CONN_EOF;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PEER_CLOSED);
    CHECK(!has_candidate(&d, IOTLS_CAUSE_CLIENT_CERT_REQUIRED));

    /* A certificate was sent and the server refused it. */
    in.client_cert_configured = 1;
    hs_error(&e, "mtls.example.com", "mtls.example.com");
    after_hello(&e, 1);
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 48;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(strstr(d.summary, "unknown_ca") != NULL);
    e.wire.alert_received = 42;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REJECTED);

    /* Alert 40 after ServerHello without a CertificateRequest: no rule. */
    in.client_cert_configured = 0;
    hs_error(&e, "x.example.com", "x.example.com");
    after_hello(&e, 0);
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 40;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN);
    CHECK_INT(d.certainty, IOTLS_DIAG_UNEXPLAINED);
    CHECK(has_evidence(&d, "after sending: ServerHello, Certificate, ServerKeyExchange"));
}

/* ---- certificates, generated here ---- */

static mbedtls_ctr_drbg_context drbg;

static int fixed_entropy(void *ctx, unsigned char *out, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)(i * 7 + 3);
    return 0;
}

static void gen_key(mbedtls_pk_context *k)
{
    mbedtls_pk_init(k);
    CHECK_INT(mbedtls_pk_setup(k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
    CHECK_INT(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*k),
                                  mbedtls_ctr_drbg_random, &drbg),
              0);
}

/* Appends to chain a certificate for subject, issued by issuer with ikey. */
static void gen_cert(mbedtls_x509_crt *chain, const char *subject, mbedtls_pk_context *skey,
                     const char *issuer, mbedtls_pk_context *ikey, const char *dns,
                     const char *from, const char *to, int ca)
{
    mbedtls_x509write_cert w;
    unsigned char serial[1];
    unsigned char buf[2048], san[160];
    size_t n = dns != NULL ? strlen(dns) : 0;
    int len;

    mbedtls_x509write_crt_init(&w);
    serial[0] = (unsigned char)(1 + strlen(subject)); /* 3.6: raw serial bytes */
    mbedtls_x509write_crt_set_serial_raw(&w, serial, sizeof serial);
    mbedtls_x509write_crt_set_validity(&w, from, to);
    mbedtls_x509write_crt_set_subject_name(&w, subject);
    mbedtls_x509write_crt_set_issuer_name(&w, issuer);
    mbedtls_x509write_crt_set_subject_key(&w, skey);
    mbedtls_x509write_crt_set_issuer_key(&w, ikey);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_basic_constraints(&w, ca, -1);
    if (dns != NULL && n < 100) {
        /* SEQUENCE { [2] dNSName } */
        san[0] = 0x30;
        san[1] = (unsigned char)(n + 2);
        san[2] = 0x82;
        san[3] = (unsigned char)n;
        memcpy(san + 4, dns, n);
        mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                            MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, san,
                                            n + 4);
    }
    len = mbedtls_x509write_crt_der(&w, buf, sizeof(buf), mbedtls_ctr_drbg_random, &drbg);
    CHECK(len > 0);
    if (len > 0)
        CHECK_INT(mbedtls_x509_crt_parse_der(chain, buf + sizeof(buf) - len, (size_t)len), 0);
    mbedtls_x509write_crt_free(&w);
}

static void verify_error(iotls_error *e, const char *host, uint32_t flags)
{
    hs_error(e, host, host);
    after_hello(e, 0);
    e->code = IOTLS_ERR_VERIFY;
    e->stage = IOTLS_STAGE_VERIFY;
    e->mbedtls_code = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    e->verify_flags = flags;
}

/* A client credential: a self-signed P-256 certificate and its key. */
static int load_cred(iotls_cred *cred)
{
    certgen g;
    unsigned char crt[1024], key[256];
    int crt_len, key_len, rc = -1;

    if (certgen_init(&g) != 0)
        return -1;
    crt_len = certgen_make(&g, "CN=client", NULL, 0, crt, sizeof crt);
    key_len = mbedtls_pk_write_key_der(&g.key, key, sizeof key);
    if (crt_len > 0 && key_len > 0)
        rc = iotls_cred_load(cred, crt, (size_t)crt_len, key + sizeof key - key_len,
                             (size_t)key_len, NULL, NULL);
    certgen_free(&g);
    return rc;
}

/* A connection holding chain as the certificates the server sent, the way
 * the library keeps them after a failed verification (src/engine.h,
 * iotls_internal.h): the diagnosis reads them through in->conn. */
static const iotls_conn *conn_with(mbedtls_x509_crt *chain)
{
    static iotls_engine eng;
    static iotls_conn_priv priv;
    static iotls_conn c;
    static int ready;

    if (!ready) {
        mbedtls_ssl_init(&eng.ssl); /* never handshaken: the kept chain is used */
        ready = 1;
    }
    memset(&c, 0, sizeof c);
    memset(&priv, 0, sizeof priv);
    c.eng = &eng;
    c.priv = &priv;
    priv.failed_chain = chain;
    priv.chain_kept = chain != NULL;
    return chain != NULL ? &c : NULL;
}

static void test_certs(void)
{
    mbedtls_pk_context root_k, int_k, leaf_k, other_k;
    mbedtls_x509_crt self, leaf_only, with_root, expired, root_only;
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;
    iotls_trust t;
    unsigned char der_root[1024];

    mbedtls_ctr_drbg_init(&drbg);
    CHECK_INT(mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, NULL, NULL, 0), 0);
    gen_key(&root_k);
    gen_key(&int_k);
    gen_key(&leaf_k);
    gen_key(&other_k);
    mbedtls_x509_crt_init(&self);
    mbedtls_x509_crt_init(&leaf_only);
    mbedtls_x509_crt_init(&with_root);
    mbedtls_x509_crt_init(&expired);
    mbedtls_x509_crt_init(&root_only);
    gen_cert(&self, "CN=device.local", &leaf_k, "CN=device.local", &leaf_k, "device.local",
             "20250101000000", "20300101000000", 0);
    gen_cert(&leaf_only, "CN=www.example.com", &leaf_k, "CN=Test Intermediate", &int_k,
             "www.example.com", "20250101000000", "20300101000000", 0);
    gen_cert(&with_root, "CN=www.example.com", &leaf_k, "CN=Private Root", &other_k,
             "www.example.com", "20250101000000", "20300101000000", 0);
    gen_cert(&with_root, "CN=Private Root", &other_k, "CN=Private Root", &other_k, NULL,
             "20250101000000", "20300101000000", 1);
    gen_cert(&expired, "CN=www.example.com", &leaf_k, "CN=Test Root", &root_k, "www.example.com",
             "20200101000000", "20240101000000", 0);
    gen_cert(&root_only, "CN=Test Root", &root_k, "CN=Test Root", &root_k, NULL, "20250101000000",
             "20300101000000", 1);

    iotls_diag_input_init(&in);
    in.build_time = BUILT;
    iotls_trust_init(&t);
    memcpy(der_root, root_only.raw.p, root_only.raw.len);
    CHECK_INT(iotls_trust_add_buffer(&t, der_root, root_only.raw.len, "test-root"), IOTLS_OK);
    CHECK_INT(t.loaded, 1);
    in.trust = &t;

    /* self_signed */
    verify_error(&e, "device.local", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    in.conn = conn_with(&self);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SELF_SIGNED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "self-issued"));
    /* ... and expired too: the other flag is a note. */
    e.verify_flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SELF_SIGNED);
    CHECK(has_note(&d, "also expired"));

    /* unknown_ca: the chain ends at a root the store does not hold. */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    in.conn = conn_with(&with_root);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN_CA);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(strstr(d.fix_tool, "--cacert") != NULL);

    /* incomplete_chain: the leaf alone, issued by an intermediate. */
    in.conn = conn_with(&leaf_only);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_INCOMPLETE_CHAIN);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.candidates[1].cause, IOTLS_CAUSE_UNKNOWN_CA);
    CHECK(has_evidence(&d, "CN=Test Intermediate is not in the trust store"));

    /* ... unless the intermediate is the certificate that failed to load. */
    t.skipped = 1;
    t.n_issues = 1;
    snprintf(t.issues[0].source, sizeof(t.issues[0].source), "ca.pem");
    t.issues[0].index = 3;
    t.issues[0].mbedtls_code = -0x2180;
    snprintf(t.issues[0].subject, sizeof(t.issues[0].subject), "CN=Test Intermediate");
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CA_LOAD_ERROR);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "certificate #3 of ca.pem"));
    t.skipped = 0;
    t.n_issues = 0;

    /* No chain at hand: ambiguous among the trust causes. */
    in.conn = conn_with(NULL);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.n_candidates, 3);

    /* expired, with a good clock */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_EXPIRED);
    in.conn = conn_with(&expired);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_EXPIRED);
    CHECK(has_evidence(&d, "expired 2024-01-01 00:00:00 UTC"));

    /* the same with the clock at 1970: clock_not_set */
    e.wall_time = 10;
    e.verify_flags = MBEDTLS_X509_BADCERT_FUTURE;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLOCK_NOT_SET);
    CHECK(has_evidence(&d, "1970-01-01 00:00:10 UTC, before the build date 2026-10-28"));
    CHECK(strstr(d.fix_device, "sntp") != NULL);
    /* no clock at all */
    e.wall_time = -1;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLOCK_NOT_SET);

    /* not yet valid, good clock */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_FUTURE);
    in.conn = conn_with(&leaf_only);
    e.wall_time = 1704067200; /* 2024-01-01, after the 2020 floor, before notBefore */
    in.build_time = 0;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_NOT_YET_VALID);
    CHECK(has_evidence(&d, "valid only from 2025-01-01"));
    in.build_time = BUILT;

    /* hostname_mismatch, plain */
    verify_error(&e, "api.example.com", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    in.conn = conn_with(&leaf_only);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "server certificate names: DNS:www.example.com"));
    /* issue 12 rule 3: the rule that failed and the names covered; the
     * same domain's SAN list is no default certificate */
    CHECK(strstr(d.summary, "no DNS SAN names it, exactly or by a one-label wildcard") != NULL);
    CHECK(strstr(d.summary, "it covers DNS:www.example.com") != NULL);
    CHECK(strstr(d.summary, "default certificate") == NULL);
    CHECK(has_evidence(&d, "same domain"));

    /* a default certificate after an SNI override: the cert fits the host */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    e.sni_sent = 1;
    snprintf(e.sni, sizeof(e.sni), "mbed TLS Server 1");
    snprintf(e.wire.client_hello.sni, sizeof(e.wire.client_hello.sni), "mbed TLS Server 1");
    in.sni_overridden = 1;
    iotls_diagnose(&e, &in, &d);
    /* the server did not take up the name (no server_name in the
     * ServerHello): its default certificate, issue 3's third behaviour */
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(has_evidence(&d, "the certificate is valid for the dialed host"));
    CHECK(has_evidence(&d, "ServerHello did not acknowledge the SNI"));
    CHECK(strstr(d.summary, "default certificate") != NULL);
    CHECK(strstr(d.fix_device, "mbedtls_ssl_set_hostname(&ssl, \"www.example.com\");") != NULL);
    CHECK_STR(d.fix_tool, "drop --sni; iotls uses the dialed host by default");
    /* ... and a warning alert 112 first makes it certain */
    e.wire.alert_received_level = 1;
    e.wire.alert_received = 112;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(has_evidence(&d, "warning alert 112"));
    e.wire.alert_received_level = -1;
    e.wire.alert_received = IOTLS_ALERT_NONE;
    /* negative: the server acknowledged the name, so it knows it and its
     * certificate is simply wrong for it: hostname_mismatch */
    e.wire.sni_acked = 1;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    e.wire.sni_acked = 0;
    /* negative: no ServerHello on record, no alert: no SNI rejection claimed */
    e.wire.server_hello_seen = 0;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    e.wire.server_hello_seen = 1;
    in.sni_overridden = 0;

    /* no SNI (--no-sni): the default certificate */
    verify_error(&e, "api.example.com", MBEDTLS_X509_BADCERT_CN_MISMATCH);
    e.sni_sent = 0;
    e.wire.client_hello.has_sni = 0;
    in.sni_disabled = 1;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_MISSING);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.candidates[1].cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    in.sni_disabled = 0;

    /* IP literal, IP SAN missing */
    verify_error(&e, "127.0.0.1", IOTLS_BADCERT_IP_MISMATCH);
    e.sni_sent = 0;
    e.wire.client_hello.has_sni = 0;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK(has_candidate(&d, IOTLS_CAUSE_SNI_MISSING));

    /* algorithms */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_BAD_MD);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_WEAK_SIGNATURE);
    e.verify_flags = MBEDTLS_X509_BADCERT_BAD_KEY;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_WEAK_KEY);
    CHECK(has_evidence(&d, "server key: EC, 256 bits"));
    e.verify_flags = MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_WRONG_KEY_USAGE);

    /* Verify flags left from a handshake that failed otherwise are not a
     * certificate cause. */
    hs_error(&e, "www.example.com", "www.example.com");
    alert_first(&e, 40);
    e.verify_flags = MBEDTLS_X509_BADCERT_EXPIRED;
    iotls_diagnose(&e, &in, &d);
    CHECK(d.cause != IOTLS_CAUSE_CERT_EXPIRED);

    /* Revoked (a --crlfile said so) has its own cause. */
    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_REVOKED);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_REVOKED);

    iotls_trust_free(&t);
    mbedtls_x509_crt_free(&self);
    mbedtls_x509_crt_free(&leaf_only);
    mbedtls_x509_crt_free(&with_root);
    mbedtls_x509_crt_free(&expired);
    mbedtls_x509_crt_free(&root_only);
    mbedtls_pk_free(&root_k);
    mbedtls_pk_free(&int_k);
    mbedtls_pk_free(&leaf_k);
    mbedtls_pk_free(&other_k);
    mbedtls_ctr_drbg_free(&drbg);
}

/* ---- path building: incomplete_chain or unknown_ca (issue 12) ---- */

static void test_chain_path(void)
{
    mbedtls_pk_context root_k, int_k, leaf_k, other_k;
    mbedtls_x509_crt root_only, wrong_int, other_key;
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;
    iotls_trust t;
    unsigned char der_root[1024];

    mbedtls_ctr_drbg_init(&drbg);
    CHECK_INT(mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, NULL, NULL, 0), 0);
    gen_key(&root_k);
    gen_key(&int_k);
    gen_key(&leaf_k);
    gen_key(&other_k);
    mbedtls_x509_crt_init(&root_only);
    mbedtls_x509_crt_init(&wrong_int);
    mbedtls_x509_crt_init(&other_key);
    gen_cert(&root_only, "CN=Test Root", &root_k, "CN=Test Root", &root_k, NULL, "20250101000000",
             "20300101000000", 1);
    /* the leaf of Test Intermediate, sent with another intermediate that
     * does chain to the trusted root */
    gen_cert(&wrong_int, "CN=www.example.com", &leaf_k, "CN=Test Intermediate", &int_k,
             "www.example.com", "20250101000000", "20300101000000", 0);
    gen_cert(&wrong_int, "CN=Other Intermediate", &other_k, "CN=Test Root", &root_k, NULL,
             "20250101000000", "20300101000000", 1);
    /* an intermediate signed by a "Test Root" with another key */
    gen_cert(&other_key, "CN=www.example.com", &leaf_k, "CN=Test Intermediate", &int_k,
             "www.example.com", "20250101000000", "20300101000000", 0);
    gen_cert(&other_key, "CN=Test Intermediate", &int_k, "CN=Test Root", &other_k, NULL,
             "20250101000000", "20300101000000", 1);

    iotls_diag_input_init(&in);
    in.build_time = BUILT;
    iotls_trust_init(&t);
    memcpy(der_root, root_only.raw.p, root_only.raw.len);
    CHECK_INT(iotls_trust_add_buffer(&t, der_root, root_only.raw.len, "test-root"), IOTLS_OK);
    in.trust = &t;

    verify_error(&e, "www.example.com", MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    in.conn = conn_with(&wrong_int);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_INCOMPLETE_CHAIN);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(strstr(d.summary, "the server must send CN=Test Intermediate, the issuer of "
                            "certificate #1") != NULL);
    CHECK(has_evidence(&d, "chains to the trust store's CN=Test Root all the same"));
    CHECK(strstr(d.fix_server, "send the intermediate CN=Test Intermediate") != NULL);

    /* negative: the same name in the store under another key is not
     * "add the root", nor an incomplete chain */
    in.conn = conn_with(&other_key);
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN_CA);
    CHECK(strstr(d.summary, "but with another key than the one that signed certificate #2") !=
          NULL);
    CHECK(strstr(d.fix_tool, "the store's has another key") != NULL);

    iotls_trust_free(&t);
    mbedtls_x509_crt_free(&root_only);
    mbedtls_x509_crt_free(&wrong_int);
    mbedtls_x509_crt_free(&other_key);
    mbedtls_pk_free(&root_k);
    mbedtls_pk_free(&int_k);
    mbedtls_pk_free(&leaf_k);
    mbedtls_pk_free(&other_k);
    mbedtls_ctr_drbg_free(&drbg);
}

/* ---- not TLS ---- */

static void peer_sent(iotls_error *e, const char *bytes, size_t n)
{
    hs_error(e, "www.example.com", "www.example.com");
    e->code = IOTLS_ERR_NOT_TLS;
    e->mbedtls_code = MBEDTLS_ERR_SSL_INVALID_RECORD;
    e->wire.not_tls = 1;
    if (n > IOTLS_EV_FIRST_BYTES)
        n = IOTLS_EV_FIRST_BYTES;
    memcpy(e->wire.first_bytes, bytes, n);
    e->wire.n_first_bytes = (uint8_t)n;
}

static void test_not_tls(void)
{
    static const char http[] =
        "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n";
    static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
    static const char smtp[] = "220 mail.example.com ESMTP Postfix\r\n";
    static const char ftp[] = "220 (vsFTPd 3.0.3)\r\n";
    static const char bin[] = {0x00, 0x01, (char)0xff, 0x7f, 0x10};
    iotls_error e;
    iotls_diagnosis d;

    peer_sent(&e, http, sizeof(http) - 1);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NOT_TLS);
    CHECK(strstr(d.summary, "HTTP response") != NULL);
    CHECK(has_evidence(&d, "\"HTTP/1.1 400 Bad Request\\r\\nServer: nginx\\r\\n"));
    peer_sent(&e, ssh, sizeof(ssh) - 1);
    iotls_diagnose(&e, NULL, &d);
    CHECK(strstr(d.summary, "SSH") != NULL);
    peer_sent(&e, smtp, sizeof(smtp) - 1);
    iotls_diagnose(&e, NULL, &d);
    CHECK(strstr(d.summary, "SMTP") != NULL);
    peer_sent(&e, ftp, sizeof(ftp) - 1);
    iotls_diagnose(&e, NULL, &d);
    CHECK(strstr(d.summary, "an FTP banner") != NULL);
    peer_sent(&e, "220 ready\r\n", 11);
    iotls_diagnose(&e, NULL, &d);
    CHECK(strstr(d.summary, "SMTP or FTP") != NULL);
    peer_sent(&e, bin, sizeof(bin));
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NOT_TLS);
    CHECK(strstr(d.summary, "binary") != NULL);
    CHECK(has_evidence(&d, "\\x00\\x01\\xff\\x7f\\x10"));
    peer_sent(&e, bin, 0);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_NOT_TLS);
}

/* ---- network, memory, entropy, trust ---- */

static void test_network(void)
{
    static const uint16_t seed_suites[] = {0xc02b, 0xc031, 0xc02d, 0x00a8};
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;
    iotls_trust t;

    iotls_error_init(&e);
    snprintf(e.host, sizeof(e.host), "nowhere.invalid");
    e.port = 443;
    e.code = IOTLS_ERR_DNS;
    e.stage = IOTLS_STAGE_DNS;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_DNS_FAILURE);
    CHECK(strstr(d.summary, "nowhere.invalid") != NULL);

    e.code = IOTLS_ERR_CONNECT_REFUSED;
    e.stage = IOTLS_STAGE_CONNECT;
    e.sys_errno = 111;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECTION_REFUSED);
    CHECK(has_evidence(&d, "system error 111"));

    e.code = IOTLS_ERR_CONNECT_TIMEOUT;
    e.elapsed_ms = 10000;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECT_TIMEOUT);
    CHECK(strstr(d.summary, "10000 ms") != NULL);

    /* Other connect errors (unreachable): no cause is made up. */
    e.code = IOTLS_ERR_CONNECT;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN);

    hs_error(&e, "slow.example.com", "slow.example.com");
    e.code = IOTLS_ERR_HANDSHAKE_TIMEOUT;
    e.mbedtls_code = MBEDTLS_ERR_SSL_TIMEOUT;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HANDSHAKE_TIMEOUT);
    CHECK(has_evidence(&d, "never answered the ClientHello"));

    /* EOF right after a hello with nothing wrong in it: peer_closed. */
    hs_error(&e, "x.example.com", "x.example.com");
    e.code = IOTLS_ERR_PEER_CLOSED;
    e.mbedtls_code = MBEDTLS_ERR_SSL_CONN_EOF;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PEER_CLOSED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);

    /* A reset right after the seed's hello: the hello's defects first. */
    hs_error(&e, "www.example.com", "mbed TLS Server 1");
    set_hello(&e.wire.client_hello, seed_suites, 4, wide_groups, 3, "mbed TLS Server 1");
    e.code = IOTLS_ERR_RESET;
    e.mbedtls_code = MBEDTLS_ERR_NET_CONN_RESET;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.candidates[d.n_candidates - 1].cause, IOTLS_CAUSE_CONNECTION_RESET);

    /* A reset right after an ordinary hello (SNI = host, wide offer):
     * connection_reset, likely, with the SNI filter as a note. */
    hs_error(&e, "x.example.com", "x.example.com");
    e.code = IOTLS_ERR_RESET;
    e.mbedtls_code = MBEDTLS_ERR_NET_CONN_RESET;
    e.sys_errno = 104;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECTION_RESET);
    CHECK_INT(d.certainty, IOTLS_DIAG_LIKELY);
    CHECK(has_evidence(&d, "reset the connection right after the ClientHello"));
    CHECK(has_evidence(&d, "nothing in the ClientHello looks wrong"));
    CHECK(has_note(&d, "filters TLS by SNI"));
    CHECK(d.fix_tool[0] != '\0' && d.fix_device[0] != '\0' && d.fix_server[0] != '\0');
    e.sys_errno = 0;
    /* negative: a reset after the server sent something is not "right
     * after the ClientHello" */
    e.wire.bytes_received = 100;
    e.wire.records_received = 1;
    iotls_diagnose(&e, NULL, &d);
    CHECK(!has_evidence(&d, "nothing in the ClientHello looks wrong"));
    /* ... but still a reset, in the middle of the server's flight
     * (tests/faults: it was "unknown") */
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECTION_RESET);
    /* a --no-sni hello reset: the missing SNI is a candidate, not certain */
    hs_error(&e, "x.example.com", NULL);
    e.code = IOTLS_ERR_RESET;
    e.mbedtls_code = MBEDTLS_ERR_NET_CONN_RESET;
    {
        iotls_diag_input nin;
        iotls_diag_input_init(&nin);
        nin.sni_disabled = 1;
        iotls_diagnose(&e, &nin, &d);
    }
    CHECK(has_candidate(&d, IOTLS_CAUSE_SNI_MISSING));
    CHECK(has_candidate(&d, IOTLS_CAUSE_CONNECTION_RESET));
    CHECK(d.certainty != IOTLS_DIAG_CERTAIN);

    /* Issue 12 rule 5: a reset (or close) before any byte was written is
     * "at connect", not "right after the ClientHello", and the hello's
     * defects are not candidates: it never left. */
    hs_error(&e, "x.example.com", "mbed TLS Server 1");
    set_hello(&e.wire.client_hello, seed_suites, 4, wide_groups, 3, "mbed TLS Server 1");
    e.wire.client_hello_seen = 0;
    e.wire.bytes_sent = 0;
    e.code = IOTLS_ERR_RESET;
    e.mbedtls_code = MBEDTLS_ERR_NET_CONN_RESET;
    e.sys_errno = 104;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECTION_RESET);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK_INT(d.n_candidates, 0);
    CHECK(strstr(d.summary, "at connect, before the ClientHello was sent") != NULL);
    CHECK(strstr(d.summary, "right after") == NULL);
    CHECK(has_evidence(&d, "reset the connection at connect, before the client sent any byte"));
    CHECK(strstr(d.fix_device, "SNI") == NULL);
    e.code = IOTLS_ERR_PEER_CLOSED;
    e.mbedtls_code = MBEDTLS_ERR_SSL_CONN_EOF;
    e.sys_errno = 0;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PEER_CLOSED);
    CHECK(strstr(d.summary, "closed the connection at connect") != NULL);
    /* negative: the same reset once the hello was written keeps its words */
    e.code = IOTLS_ERR_RESET;
    e.mbedtls_code = MBEDTLS_ERR_NET_CONN_RESET;
    e.wire.client_hello_seen = 1;
    e.wire.bytes_sent = 200;
    iotls_diagnose(&e, NULL, &d);
    CHECK(strstr(d.summary, "at connect") == NULL);
    CHECK(has_evidence(&d, "right after the ClientHello"));

    /* A reset during a read. */
    hs_error(&e, "x.example.com", "x.example.com");
    e.code = IOTLS_ERR_RESET;
    e.stage = IOTLS_STAGE_READ;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CONNECTION_RESET);

    e.code = IOTLS_ERR_READ_TIMEOUT;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_READ_TIMEOUT);

    e.code = IOTLS_ERR_TRUNCATED;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_TRUNCATED);

    /* record_too_large */
    hs_error(&e, "x.example.com", "x.example.com");
    after_hello(&e, 0);
    e.code = IOTLS_ERR_RECORD_TOO_LARGE;
    e.in_content_len = 4096;
    e.wire.max_record_len = 16384;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_RECORD_TOO_LARGE);
    CHECK(strstr(d.fix_device, "#define MBEDTLS_SSL_IN_CONTENT_LEN 16384") != NULL);
    CHECK(has_evidence(&d, "16384 bytes"));

    /* out_of_memory, entropy */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_ALLOC;
    e.stage = IOTLS_STAGE_SETUP;
    e.mbedtls_code = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    e.in_content_len = 16384;
    e.out_content_len = 4096;
    e.alloc_failures = 2;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_OUT_OF_MEMORY);
    CHECK(has_evidence(&d, "input 16384 bytes"));
    CHECK(has_evidence(&d, "2 allocation(s) refused"));
    /* An MPI allocation failure inside a handshake error. */
    e.code = IOTLS_ERR_HANDSHAKE;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.mbedtls_code = MBEDTLS_ERR_MPI_ALLOC_FAILED;
    e.alloc_failures = 0;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_OUT_OF_MEMORY);

    iotls_error_init(&e);
    e.code = IOTLS_ERR_ENTROPY;
    e.stage = IOTLS_STAGE_SETUP;
    e.mbedtls_code = MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_ENTROPY_FAILURE);
    CHECK(strstr(d.fix_device, "mbedtls_entropy_add_source") != NULL);

    /* ca_load_error: every certificate skipped, each listed. */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_TRUST_EMPTY;
    e.stage = IOTLS_STAGE_SETUP;
    iotls_trust_init(&t);
    t.skipped = 2;
    t.n_issues = 2;
    t.sources = 1;
    snprintf(t.issues[0].source, sizeof(t.issues[0].source), "bad.pem");
    t.issues[0].index = 1;
    t.issues[0].line = 1;
    t.issues[0].mbedtls_code = -0x2180;
    snprintf(t.issues[0].subject, sizeof(t.issues[0].subject), "CN=Old Root");
    snprintf(t.issues[1].source, sizeof(t.issues[1].source), "bad.pem");
    t.issues[1].index = 2;
    t.issues[1].line = 30;
    t.issues[1].mbedtls_code = -0x2180;
    iotls_diag_input_init(&in);
    in.trust = &t;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CA_LOAD_ERROR);
    CHECK(has_evidence(&d, "certificate #1 of bad.pem (line 1)"));
    CHECK(has_evidence(&d, "subject \"CN=Old Root\""));
    CHECK(has_evidence(&d, "certificate #2 of bad.pem (line 30)"));
    CHECK(strstr(d.summary, "all 2") != NULL);
    iotls_trust_free(&t);
    /* empty, with no report */
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CA_LOAD_ERROR);
    CHECK(strstr(d.summary, "empty") != NULL);
}

/* ---- negative cases and the API ---- */

static void test_api(void)
{
    iotls_error e;
    iotls_diagnosis d;
    char buf[64], big[4096];
    int i, n;

    iotls_error_init(&e);
    CHECK_INT(iotls_diagnose(&e, NULL, &d), 0);
    CHECK_INT(d.cause, IOTLS_CAUSE_NONE);
    CHECK_INT(d.certainty, IOTLS_DIAG_NONE);
    CHECK_INT(d.n_evidence, 0);
    CHECK_INT(iotls_diagnose(NULL, NULL, &d), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_diagnose(&e, NULL, NULL), IOTLS_ERR_USAGE);
    iotls_diagnosis_format(&d, big, sizeof(big), 1);
    CHECK_STR(big, "no failure: nothing to diagnose\n");

    /* Every cause has its identifier, round trip, and a page. */
    for (i = 1; i < IOTLS_CAUSE_END; i++) {
        const char *name = iotls_cause_name((iotls_cause)i);
        char path[512];
        FILE *f;
        CHECK(name != NULL);
        if (name == NULL)
            continue;
        CHECK_INT(iotls_cause_from_name(name), i);
        snprintf(path, sizeof(path), "%s/../docs/causes/%s.md", IOTLS_TEST_DATA_DIR, name);
        f = fopen(path, "r");
        CHECK(f != NULL);
        if (f == NULL)
            fprintf(stderr, "  missing %s\n", path);
        else
            fclose(f);
    }
    CHECK_STR(iotls_cause_name(IOTLS_CAUSE_SNI_REJECTED), "sni_rejected");
    CHECK_STR(iotls_cause_name(IOTLS_CAUSE_UNKNOWN), "unknown");
    CHECK_INT(IOTLS_CAUSE_CA_LOAD_ERROR, 31);
    CHECK_INT(IOTLS_CAUSE_NAME_CONSTRAINTS, 33); /* after unknown: numbers never move */
    CHECK_INT(IOTLS_CAUSE_CERT_PROFILE, 34);
    CHECK_INT(IOTLS_CAUSE_PSK_MISMATCH, 37);
    CHECK_INT(IOTLS_CAUSE_CERT_REVOKED, 38);
    CHECK_INT(IOTLS_CAUSE_END, 39);
    CHECK_STR(iotls_cause_name(IOTLS_CAUSE_NAME_CONSTRAINTS), "name_constraints");
    CHECK_STR(iotls_cause_name(IOTLS_CAUSE_CERT_PROFILE), "cert_profile");
    CHECK(iotls_cause_name((iotls_cause)IOTLS_CAUSE_END) == NULL);
    CHECK(iotls_cause_name((iotls_cause)-1) == NULL);
    CHECK_INT(iotls_cause_from_name("nonsense"), IOTLS_CAUSE_NONE);
    CHECK_INT(iotls_cause_from_name(NULL), IOTLS_CAUSE_NONE);
    CHECK_STR(iotls_certainty_name(IOTLS_DIAG_CONFIRMED), "confirmed");

    /* The input, from a connection and its conf (no network needed). */
    {
        iotls_conf conf;
        iotls_conn c;
        iotls_trust t;
        iotls_diag_input in;
        iotls_cred cred;
        iotls_trust_init(&t);
        iotls_conf_init(&conf);
        iotls_conf_set_trust(&conf, &t);
        iotls_conn_init(&c);
        iotls_diag_input_init(&in);
        in.build_time = 1;
        iotls_diag_input_from_conn(&in, &c, &conf);
        CHECK(in.trust == &t);
        CHECK(in.host == NULL);
        CHECK(in.conn == &c);
        CHECK_INT(in.sni_overridden, 0);
        CHECK_INT(in.sni_disabled, 0);
        CHECK_INT(in.client_cert_configured, 0);
        CHECK_INT(in.build_time, 1);
        CHECK_INT(iotls_conf_set_server_name(&conf, "mbed TLS Server 1"), IOTLS_OK);
        iotls_diag_input_from_conn(&in, NULL, &conf);
        CHECK_INT(in.sni_overridden, 1);
        iotls_conf_disable_sni(&conf);
        iotls_cred_init(&cred);
        CHECK_INT(load_cred(&cred), IOTLS_OK); /* only a loaded one counts */
        iotls_conf_set_client_cred(&conf, &cred);
        iotls_diag_input_from_conn(&in, NULL, &conf);
        CHECK_INT(in.sni_overridden, 0);
        CHECK_INT(in.sni_disabled, 1);
        CHECK_INT(in.client_cert_configured, 1);
        iotls_diag_input_from_conn(NULL, &c, &conf);
        iotls_cred_free(&cred);
        iotls_conn_free(&c);
        iotls_trust_free(&t);
    }

    /* Build dates */
    CHECK_INT(iotls_build_time("Nov 27 2026"), 1795737600);
    CHECK_INT(iotls_build_time("Jan  1 2020"), 1577836800);
    CHECK_INT(iotls_build_time("Feb 29 2024"), 1709164800);
    CHECK_INT(iotls_build_time("Foo 27 2026"), 0);
    CHECK_INT(iotls_build_time("Nov 27 20x6"), 0);
    CHECK_INT(iotls_build_time("Nov 27 2026 "), 0);
    CHECK_INT(iotls_build_time(""), 0);
    CHECK_INT(iotls_build_time(NULL), 0);

    /* Config errors and alerts no rule explains: unknown, with raw facts. */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_CONFIG;
    e.stage = IOTLS_STAGE_SETUP;
    e.mbedtls_code = -0x7100;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN);
    CHECK_INT(d.certainty, IOTLS_DIAG_UNEXPLAINED);
    CHECK(has_evidence(&d, "-0x7100"));
    CHECK_STR(d.doc, "docs/causes/unknown.md");

    hs_error(&e, "x.example.com", "x.example.com");
    alert_first(&e, 47);
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_UNKNOWN);
    CHECK(has_evidence(&d, "alert 47"));

    /* Formatting: truncation is safe and reports the full length. */
    seed_error(&e);
    iotls_diagnose(&e, NULL, &d);
    n = iotls_diagnosis_format(&d, big, sizeof(big), 1);
    CHECK(n > 200 && (size_t)n == strlen(big));
    CHECK(strstr(big, "evidence: ") != NULL);
    CHECK_INT(iotls_diagnosis_format(&d, buf, sizeof(buf), 1), n);
    CHECK_INT(strlen(buf), sizeof(buf) - 1);
    CHECK_INT(iotls_diagnosis_format(&d, NULL, 0, 1), n);
    n = iotls_diagnosis_format(&d, big, sizeof(big), 0);
    CHECK(strstr(big, "evidence: ") == NULL);
    CHECK(strstr(big, "  or: no_shared_cipher") != NULL);

    /* Hostile evidence: an SNI full of quotes, every list full. */
    hs_error(&e, "x.example.com", "x.example.com");
    memset(e.sni, 'A', IOTLS_MAX_HOSTNAME);
    e.sni[IOTLS_MAX_HOSTNAME] = '\0';
    memcpy(e.wire.client_hello.sni, e.sni, sizeof(e.sni));
    e.wire.client_hello.n_suites = IOTLS_EV_MAX_SUITES;
    e.wire.client_hello.total_suites = 65535;
    e.wire.client_hello.n_groups = IOTLS_EV_MAX_GROUPS;
    e.wire.n_hs_msgs = IOTLS_EV_MAX_HS_MSGS;
    e.wire.hs_msgs[0] = 255;
    alert_first(&e, 40);
    e.wire.server_hello_seen = 1;
    iotls_diagnose(&e, NULL, &d);
    CHECK(d.n_evidence <= IOTLS_DIAG_MAX_EVIDENCE);
    CHECK(memchr(d.summary, '\0', sizeof(d.summary)) != NULL);
}

/* ---- phase 2 evidence: what the wire says we sent, alert record version,
 * the SNI acknowledgement, the IP literal flag, the resolver code ---- */

static void test_wire_evidence(void)
{
    iotls_error e;
    iotls_diag_input in;
    iotls_diagnosis d;

    iotls_diag_input_init(&in);

    /* Configured, but the wire shows an empty Certificate: still "required",
     * and the evidence says what was on the wire. */
    in.client_cert_configured = 1;
    hs_error(&e, "mtls.example.com", "mtls.example.com");
    after_hello(&e, 1);
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 40;
    e.wire.client_cert_msg_sent = 1;
    e.wire.client_certs_sent = 0;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);
    CHECK(has_evidence(&d, "empty Certificate message (seen on the wire)"));

    /* Not configured in the input, but the wire shows a certificate and a
     * CertificateVerify: rejected, not required. */
    in.client_cert_configured = 0;
    e.wire.client_certs_sent = 2;
    e.wire.cert_verify_sent = 1;
    e.wire.alert_received = 48;
    iotls_diagnose(&e, &in, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REJECTED);
    CHECK(has_evidence(&d, "Certificate with 2 certificate(s) and a CertificateVerify"));

    /* Alert 40 with the record version kept by the tap (first_bytes say
     * TLS 1.2, the kept version TLS 1.0: the kept version wins). */
    hs_error(&e, "old.example.com", "old.example.com");
    alert_first(&e, 40);
    e.wire.alert_received_version = 0x0301;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK(has_evidence(&d, "the alert came in a TLSv1.0 record (0x0301)"));
    /* A TLS 1.2 record version: no protocol cause from it. */
    e.wire.alert_received_version = 0x0303;
    iotls_diagnose(&e, NULL, &d);
    CHECK(d.cause != IOTLS_CAUSE_PROTOCOL_VERSION);

    /* is_ip from the library, even for a host text the heuristic misses. */
    hs_error(&e, "fe80::1%eth0", NULL);
    e.is_ip = 1;
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK(has_evidence(&d, "the host is an IP literal"));
    /* a name without the flag: no SNI is then not explained by an IP */
    hs_error(&e, "device.example", NULL);
    alert_first(&e, 40);
    iotls_diagnose(&e, NULL, &d);
    CHECK(has_evidence(&d, "ClientHello carried no SNI (none set)"));

    /* DNS: the resolver code apart from errno. */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_DNS;
    e.stage = IOTLS_STAGE_DNS;
    snprintf(e.host, sizeof(e.host), "no.such.example");
    e.resolver_code = -2;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_DNS_FAILURE);
    CHECK(has_evidence(&d, "resolver code -2"));
    e.resolver_code = 0;
    e.sys_errno = 5;
    iotls_diagnose(&e, NULL, &d);
    CHECK(has_evidence(&d, "system error 5 while resolving"));
}

static void test_sni_ack(void)
{
    static const uint8_t msgs[] = {2, 11};
    iotls_error e;
    iotls_diagnosis d;

    /* Name mismatch with our SNI = the host; the ServerHello did not
     * acknowledge it: the default certificate. */
    hs_error(&e, "www.example.com", "www.example.com");
    e.code = IOTLS_ERR_VERIFY;
    e.stage = IOTLS_STAGE_VERIFY;
    e.mbedtls_code = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    e.verify_flags = MBEDTLS_X509_BADCERT_CN_MISMATCH;
    e.wire.server_hello_seen = 1;
    e.wire.server_hello.version = 0x0303;
    memcpy(e.wire.hs_msgs, msgs, sizeof(msgs));
    e.wire.n_hs_msgs = 2;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK(has_evidence(&d, "ServerHello did not acknowledge the SNI"));
    CHECK(strstr(d.summary, "default certificate") != NULL);
    e.wire.sni_acked = 1;
    iotls_diagnose(&e, NULL, &d);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK(has_evidence(&d, "ServerHello acknowledged the SNI"));
    CHECK(strstr(d.summary, "default certificate") == NULL);
}

/* The certificate policy's own rejections (rules_policy.c): name
 * constraints and profile rules have causes of their own, name the
 * certificate at fault (by depth from the detail line, placed in the
 * chain as sent), and quote the policy's line. */
static void test_policy_causes(void)
{
    static const char nc_detail[] = "certificate 1 (CN=Int CA) constrains names to permitted DNS "
                                    ".other.example; the server's name test.iotls.example is "
                                    "outside it";
    iotls_error e;
    iotls_diagnosis d;
    iotls_diag_input in;
    mbedtls_x509_crt chain;
    mbedtls_pk_context int_key, leaf_key;
    unsigned char der[1024];
    certgen g;
    int len;

    iotls_diag_input_init(&in);
    in.host = "test.iotls.example";

    /* name constraints, no chain at hand: the depth only */
    verify_error(&e, "test.iotls.example", IOTLS_BADCERT_NAME_CONSTRAINTS);
    snprintf(e.detail, sizeof e.detail, "%s", nc_detail);
    CHECK_INT(iotls_diagnose(&e, &in, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NAME_CONSTRAINTS);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK_STR(d.summary, "certificate 1 above the server's constrains names to permitted DNS "
                         ".other.example; the server's name test.iotls.example is outside it");
    CHECK(has_evidence(&d, "policy: certificate 1 (CN=Int CA) constrains names"));
    CHECK_STR(d.doc, "docs/causes/name_constraints.md");
    CHECK(strstr(d.fix_server, "nameConstraints=permitted;DNS:") != NULL);

    /* offline, with the chain: the CA by its place and subject */
    CHECK_INT(certgen_init(&g), 0);
    CHECK_INT(certgen_key(&g, &int_key), 0);
    CHECK_INT(certgen_key(&g, &leaf_key), 0);
    mbedtls_x509_crt_init(&chain);
    len = certgen_issue(&g, &int_key, "O=T,CN=Int CA", &leaf_key, "CN=test.iotls.example", 0,
                        NULL, 0, der, sizeof der);
    CHECK(len > 0 && mbedtls_x509_crt_parse_der(&chain, der, (size_t)len) == 0);
    len = certgen_issue(&g, &g.key, "CN=Root", &int_key, "O=T,CN=Int CA", 1, NULL, 0, der,
                        sizeof der);
    CHECK(len > 0 && mbedtls_x509_crt_parse_der(&chain, der, (size_t)len) == 0);
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NAME_CONSTRAINTS);
    CHECK(strncmp(d.summary, "the CA certificate #2 of the chain given (", 42) == 0);
    CHECK(strstr(d.summary, "CN=Int CA") != NULL);
    CHECK(strstr(d.summary, ") constrains names to permitted DNS .other.example") != NULL);
    CHECK(has_evidence(&d, "the certificate at fault: the CA certificate #2 of the chain given"));

    /* a depth beyond the chain: named by depth, no crash */
    snprintf(e.detail, sizeof e.detail, "certificate 9 (CN=x) has malformed or empty name "
                                        "constraints (RFC 5280 4.2.1.10)");
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NAME_CONSTRAINTS);
    CHECK(strstr(d.summary, "certificate 9 above the server's has malformed") != NULL);

    /* without the policy's words (IOTLS_POLICY_DETAIL 0): the same cause */
    e.detail[0] = '\0';
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NAME_CONSTRAINTS);
    CHECK(strstr(d.summary, "nameConstraints") != NULL);

    /* profile rules: the certificate, the rule, the openssl line */
    verify_error(&e, "test.iotls.example", MBEDTLS_X509_BADCERT_OTHER);
    snprintf(e.detail, sizeof e.detail, "the server's certificate (CN=test.iotls.example) has no "
                                        "authority key identifier (RFC 5280 4.2.1.1: MUST, except "
                                        "in self-signed certificates)");
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_PROFILE);
    CHECK_INT(d.certainty, IOTLS_DIAG_CERTAIN);
    CHECK(strncmp(d.summary, "the server's certificate (CN=test.iotls.example) has no authority "
                             "key identifier", 79) == 0);
    CHECK(strstr(d.fix_server, "authorityKeyIdentifier=keyid:always") != NULL);
    CHECK_STR(d.doc, "docs/causes/cert_profile.md");
    snprintf(e.detail, sizeof e.detail, "certificate 1 (CN=Int CA) is a CA without a subject key "
                                        "identifier (RFC 5280 4.2.1.2: MUST)");
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_PROFILE);
    CHECK(strstr(d.summary, "#2 of the chain given") != NULL);
    CHECK(strstr(d.fix_server, "subjectKeyIdentifier=hash") != NULL);

    /* a CA as the server's certificate (reject_ca_leaf) */
    verify_error(&e, "test.iotls.example", IOTLS_BADCERT_LEAF_IS_CA);
    snprintf(e.detail, sizeof e.detail, "the server's certificate (CN=test.iotls.example) is a CA "
                                        "certificate (basicConstraints cA=TRUE)");
    CHECK_INT(iotls_diagnose(&e, &in, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_PROFILE);
    CHECK(strstr(d.fix_server, "basicConstraints=critical,CA:FALSE") != NULL);

    /* iotls verify: a certificate Mbed TLS will not use */
    verify_error(&e, "test.iotls.example", MBEDTLS_X509_BADCERT_OTHER);
    e.mbedtls_code = MBEDTLS_ERR_X509_INVALID_EXTENSIONS;
    snprintf(e.detail, sizeof e.detail, "certificate #2 of the chain cannot be used (Mbed TLS "
                                        "-0x2500)");
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_PROFILE);
    CHECK(strncmp(d.summary, "certificate #2 of the chain cannot be used", 42) == 0);

    /* the chain bound of iotls verify --max-intermediates */
    verify_error(&e, "test.iotls.example", MBEDTLS_X509_BADCERT_OTHER);
    snprintf(e.detail, sizeof e.detail, "2 intermediate certificate(s), more than the 1 allowed");
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CERT_PROFILE);
    CHECK(strstr(d.fix_tool, "--max-intermediates") != NULL);

    /* Mbed TLS's flags first; the policy's become a note */
    verify_error(&e, "test.iotls.example",
                 MBEDTLS_X509_BADCERT_CN_MISMATCH | IOTLS_BADCERT_NAME_CONSTRAINTS);
    snprintf(e.detail, sizeof e.detail, "%s", nc_detail);
    CHECK_INT(iotls_diagnose_offline(&e, &in, &chain, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_HOSTNAME_MISMATCH);
    CHECK(has_note(&d, "name constraints also reject"));
    CHECK(has_evidence(&d, "policy: certificate 1 (CN=Int CA)"));

    mbedtls_x509_crt_free(&chain);
    mbedtls_pk_free(&int_key);
    mbedtls_pk_free(&leaf_key);
    certgen_free(&g);
}

/* Issue 12 rule 4: the CAs a CertificateRequest names, as the wire keeps
 * them (a hash per DER name), whole, cut short, and malformed. */
static void test_ca_list(void)
{
    static const unsigned char two[] = {0x00, 0x09, 0x00, 0x03, 0x30, 0x01, 0x00,
                                        0x00, 0x02, 0x30, 0x00};
    static const unsigned char bad[] = {0x00, 0x05, 0x00, 0x09, 0x30, 0x01, 0x00};
    iotls_wire w;

    memset(&w, 0, sizeof w);
    iotls_wire_ca_list(&w, two, sizeof two);
    CHECK_INT(w.cr_cas_seen, 1);
    CHECK_INT(w.cr_n_cas, 2);
    CHECK_INT(w.cr_n_ca_hashes, 2);
    CHECK(w.cr_ca_hashes[0] == iotls_wire_name_hash(two + 4, 3));
    CHECK(w.cr_ca_hashes[1] == iotls_wire_name_hash(two + 9, 2));
    /* only the first name kept (the tap keeps a prefix): read in part */
    memset(&w, 0, sizeof w);
    iotls_wire_ca_list(&w, two, 8);
    CHECK_INT(w.cr_cas_seen, 2);
    CHECK_INT(w.cr_n_ca_hashes, 1);
    /* a name longer than the list: nothing hashed, no overrun */
    memset(&w, 0, sizeof w);
    iotls_wire_ca_list(&w, bad, sizeof bad);
    CHECK_INT(w.cr_n_ca_hashes, 0);
    /* the list's length kept, none of its names: read in part */
    memset(&w, 0, sizeof w);
    iotls_wire_ca_list(&w, two, 2);
    CHECK_INT(w.cr_cas_seen, 2);
    /* an empty list: read, no names (any issuer may do) */
    memset(&w, 0, sizeof w);
    {
        static const unsigned char empty[] = {0x00, 0x00};
        iotls_wire_ca_list(&w, empty, sizeof empty);
    }
    CHECK_INT(w.cr_cas_seen, 1);
    CHECK_INT(w.cr_n_cas, 0);
}

int main(void)
{
    test_seed();
    test_sni();
    test_offer();
    test_version();
    test_client_cert();
    test_certs();
    test_chain_path();
    test_not_tls();
    test_network();
    test_api();
    test_wire_evidence();
    test_sni_ack();
    test_ca_list();
    test_policy_causes();
    return CHECK_DONE();
}
