/*
 * The tool's side of the diagnosis, offline: `diagnose` and --cert/--key
 * parsing, which attempt confirms which cause (synthetic attempts: a
 * change that worked, the client-certificate refusals, the hello probes,
 * nothing), the --json diagnosis members on success and failure, and the
 * client certificate loader (a throwaway certificate; missing files).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "check.h"
#include "certgen.h"
#include "attempt.h"
#include "clientcert.h"
#include "confirm.h"
#include "diag_report.h"
#include "json.h"
#include "opts.h"
#include "opts_args.h"
#include "report.h"

static char err[256];
static iotls_cli_opts o;

#define PARSE(...) parse_args(&o, err, sizeof err, __VA_ARGS__)


static void test_opts(void)
{
    CHECK_INT(PARSE("diagnose", "example.com:8443", NULL), 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_DIAGNOSE);
    CHECK_STR(o.url.host, "example.com");
    CHECK_INT(o.url.port, 8443);
    CHECK_INT(PARSE("diagnose", NULL), -1);
    CHECK(strstr(err, "diagnose: missing HOST") != NULL);
    CHECK_INT(PARSE("diagnose", "h", "--cert", "c.pem", "--key", "k.pem", "--sni", "x", NULL), 0);
    CHECK_STR(o.cert, "c.pem");
    CHECK_STR(o.key, "k.pem");
    CHECK_INT(PARSE("connect", "h", "--cert", "c.pem", NULL), -1);
    CHECK(strstr(err, "--cert and --key go together") != NULL);
    CHECK_INT(PARSE("get", "https://h/", "--key", "k.pem", NULL), -1);
    CHECK_INT(PARSE("get", "https://h/", "--cert=c.pem", "--key=k.pem", NULL), 0);
    CHECK_INT(PARSE("connect", "h", "--cert", "", "--key", "k", NULL), -1);
    CHECK_INT(PARSE("demo", "--cert", "c", "--key", "k", NULL), -1);
    CHECK_INT(PARSE("diagnose", "h", "-o", "f", NULL), -1);
    CHECK_INT(PARSE("frobnicate", "h", NULL), -1);
    CHECK(strstr(err, "diagnose") != NULL);
}

static void attempt(iotls_cli_attempt *a, iotls_cli_change c, int ok, int alert)
{
    memset(a, 0, sizeof *a);
    a->change = c;
    a->ran = 1;
    a->ok = ok;
    a->alert_level = alert >= 0 ? 2 : -1;
    a->alert = alert;
    snprintf(a->result, sizeof a->result, "%s", ok ? "connected: TLSv1.2, X" : "failed: y");
}

static void passive(iotls_diagnosis *d, iotls_cause c, iotls_certainty k)
{
    memset(d, 0, sizeof *d);
    d->cause = c;
    d->certainty = k;
    snprintf(d->summary, sizeof d->summary, "passive");
    d->n_evidence = 1;
    snprintf(d->evidence[0], sizeof d->evidence[0], "passive evidence");
    snprintf(d->fix_device, sizeof d->fix_device, "passive fix");
}

static void test_confirm(void)
{
    static iotls_cli_attempt att[12];
    static iotls_diagnosis d;

    CHECK_INT(PARSE("diagnose", "www.google.de", "--sni", "mbed TLS Server 1", NULL), 0);

    /* The seed case: SNI = host worked. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_SNI_HOST, 1, -1);
    passive(&d, IOTLS_CAUSE_SNI_REJECTED, IOTLS_DIAG_LIKELY);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_SNI_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CONFIRMED);
    CHECK_STR(d.fix_device, "mbedtls_ssl_set_hostname(&ssl, \"www.google.de\");");
    CHECK_STR(d.doc, "docs/causes/sni_rejected.md");
    CHECK(strstr(d.evidence[1], "attempt 2 (SNI = the dialed host)") != NULL);
    CHECK_INT(d.n_candidates, 1);

    /* The reproduction worked: nothing to confirm. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 1, -1);
    passive(&d, IOTLS_CAUSE_NONE, IOTLS_DIAG_NONE);
    CHECK_INT(iotls_cli_confirm(&o, att, 1, &d), 0);
    CHECK_INT(d.cause, IOTLS_CAUSE_NONE);

    /* Nothing worked: the passive diagnosis stays, with a note. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_SUITES_WIDE, 0, 40);
    attempt(&att[2], IOTLS_CLI_CHANGE_GROUPS_WIDE, 0, 40);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 3, &d), 0);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(d.n_notes, 1);
    CHECK(strstr(d.notes[0], "no single change") != NULL);

    /* Wider suites worked: the suite chosen names the fix. */
    attempt(&att[1], IOTLS_CLI_CHANGE_SUITES_WIDE, 1, -1);
    att[1].suite = 0xc023; /* ECDHE-ECDSA-AES128-SHA256 */
    passive(&d, IOTLS_CAUSE_SNI_REJECTED, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK(strstr(d.fix_device, "MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256") != NULL);
    CHECK(strstr(d.fix_tool, "--ciphers TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256") != NULL);
    CHECK(strstr(d.fix_device, "passive") == NULL); /* another cause: its own fixes */

    /* Wider curves: the curve chosen. */
    attempt(&att[1], IOTLS_CLI_CHANGE_GROUPS_WIDE, 1, -1);
    att[1].group = 30;
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_GROUP);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_IANA_TLS_GROUP_X448") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_ECP_DP_CURVE448_ENABLED") != NULL);
    CHECK(strstr(d.fix_tool, "--curves x448") != NULL);
    CHECK(strstr(d.summary, "x448") != NULL);

    /* Client certificates: a throwaway one checked (alert 48), vs the same
     * refusal as without (40: not confirmed). */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_THROWAWAY_CERT, 0, 48);
    CHECK(iotls_cli_attempt_confirms(&att[0], &att[1]));
    passive(&d, IOTLS_CAUSE_CLIENT_CERT_REQUIRED, IOTLS_DIAG_LIKELY);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REQUIRED);
    CHECK(strstr(d.summary, "alert 48 unknown_ca") != NULL);
    CHECK(strstr(d.fix_tool, "--cert FILE --key FILE") != NULL);
    attempt(&att[1], IOTLS_CLI_CHANGE_THROWAWAY_CERT, 0, 40);
    CHECK(!iotls_cli_attempt_confirms(&att[0], &att[1]));
    /* with --cert: refused for it (48), refused without it (40) */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 48);
    attempt(&att[1], IOTLS_CLI_CHANGE_NO_CLIENT_CERT, 0, 40);
    passive(&d, IOTLS_CAUSE_CLIENT_CERT_REJECTED, IOTLS_DIAG_CERTAIN);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_CLIENT_CERT_REJECTED);
    CHECK_INT(d.certainty, IOTLS_DIAG_CONFIRMED);
    /* a probe that "worked" confirms nothing by itself */
    attempt(&att[1], IOTLS_CLI_CHANGE_PROBE_TLS12, 1, -1);
    CHECK(!iotls_cli_attempt_confirms(&att[0], &att[1]));

    /* Versions narrowed (--tls-max 1.2), the server speaks 1.3 only:
     * versions_wide worked, the tool fix drops the option. */
    CHECK_INT(PARSE("diagnose", "h", "--tls-max", "1.2", NULL), 0);
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 70);
    attempt(&att[1], IOTLS_CLI_CHANGE_VERSIONS_WIDE, 1, -1);
    att[1].version = 0x0304;
    passive(&d, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_CERTAIN);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK_INT(d.certainty, IOTLS_DIAG_CONFIRMED);
    CHECK(strstr(d.fix_tool, "drop --tls-max 1.2") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_VERSION_TLS1_3") != NULL);
    CHECK_INT(PARSE("diagnose", "h", NULL), 0);

    /* A server intolerant of TLS 1.3: the same offer with TLS 1.2 alone works. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, -1);
    attempt(&att[1], IOTLS_CLI_CHANGE_SUITES_WIDE, 0, -1);
    attempt(&att[2], IOTLS_CLI_CHANGE_TLS_MAX_12, 1, -1);
    att[2].version = 0x0303;
    passive(&d, IOTLS_CAUSE_PEER_CLOSED, IOTLS_DIAG_LIKELY);
    CHECK_INT(iotls_cli_confirm(&o, att, 3, &d), 2);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK(strstr(d.summary, "intolerant of TLS 1.3") != NULL);
    CHECK(strstr(d.fix_tool, "--tls-max 1.2") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_SSL_VERSION_TLS1_2") != NULL);
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_TLS_MAX_12), "tls_max_12");

    /* TLS 1.3 only, every Mbed TLS attempt failed: the 1.2 probe refused
     * (70), the full one chose 1.3 with what this build has. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 70);
    attempt(&att[1], IOTLS_CLI_CHANGE_SUITES_WIDE, 0, 70);
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_TLS12, 0, 70);
    attempt(&att[3], IOTLS_CLI_CHANGE_PROBE_TLS13, 1, -1);
    att[3].version = 0x0304;
    att[3].suite = 0x1301;
    att[3].group = 0x001d;
    att[3].probe_outcome = IOTLS_PROBE_SERVER_HELLO;
    passive(&d, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_CERTAIN);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 3);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK_INT(d.certainty, IOTLS_DIAG_CONFIRMED);
    CHECK(strstr(d.summary, "only accepts TLS 1.3") != NULL);
    CHECK(strstr(d.summary, "TLS_AES_128_GCM_SHA256") != NULL);
    CHECK(strstr(d.summary, "2.28") == NULL);
    /* ... with a group no build has (asked for in a HelloRetryRequest) */
    att[3].probe_outcome = IOTLS_PROBE_HELLO_RETRY;
    att[3].suite = 0;
    att[3].group = 0x11ec;
    passive(&d, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_CERTAIN);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 3);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_GROUP);
    CHECK(strstr(d.summary, "only accepts TLS 1.3 with") != NULL);
    /* TLS 1.0 only: chosen from the 1.3-to-1.0 hello; 3.6 has no 1.0 */
    att[3].probe_outcome = IOTLS_PROBE_SERVER_HELLO;
    att[3].version = 0x0301;
    att[3].suite = 0xc013;
    att[3].group = 0;
    passive(&d, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_CERTAIN);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 3);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK(strstr(d.summary, "Mbed TLS 3.6 implements TLS 1.2 and 1.3 only") != NULL);

    /* A TLS 1.2 hello answered with TLS 1.1: the server negotiated down. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 70);
    attempt(&att[1], IOTLS_CLI_CHANGE_PROBE_TLS12, 1, -1);
    att[1].version = 0x0302;
    att[1].suite = 0xc013;
    att[1].group = 0;
    passive(&d, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_LIKELY);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_PROTOCOL_VERSION);
    CHECK(strstr(d.summary, "only accepts TLSv1.1") != NULL);
    /* A TLS 1.2 server with nothing but a NULL suite: named as unsafe. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_PROBE_TLS12, 1, -1);
    att[1].version = 0x0303;
    att[1].suite = 0x003b;
    att[1].group = 0;
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED, 0, 40);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 3, &d), 2);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    CHECK(strstr(d.summary, "TLS_RSA_WITH_NULL_SHA256, a suite without encryption") != NULL);

    /* TLS 1.2 only with a group no build has: named. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_PROBE_TLS12, 1, -1);
    att[1].version = 0x0303;
    att[1].suite = 0xc02f;
    att[1].group = 0x11ec;
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED, 0, 40);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 3, &d), 2);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_GROUP);
    {
        char gb[16], want[48];
        snprintf(want, sizeof want, "only accepts %s", iotls_cli_group_text(0x11ec, gb, sizeof gb));
        CHECK(strstr(d.summary, want) != NULL);
    }
    /* ... but if Mbed TLS's own offer was accepted, no such claim */
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED, 1, -1);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 3, &d), 0);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);

    /* Signature schemes: TLS 1.2 with full lists works, Mbed TLS's best
     * offer is refused, the same with every scheme works: RSA-PSS named. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_PROBE_TLS12, 1, -1);
    att[1].version = 0x0303;
    att[1].suite = 0xc02f;
    att[1].group = 0x001d;
    att[1].sig_alg = 0x0804;
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED_SIGS, 0, 40);
    attempt(&att[3], IOTLS_CLI_CHANGE_PROBE_FULL_SIGS, 1, -1);
    att[3].version = 0x0303;
    att[3].suite = 0xc02f;
    att[3].group = 0x0017;
    att[3].sig_alg = 0x0804;
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 3);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM);
    CHECK_INT(d.certainty, IOTLS_DIAG_CONFIRMED);
    CHECK(strstr(d.summary, "rsa_pss_rsae_sha256, 0x0804") != NULL);
    CHECK(strstr(d.summary, "Mbed TLS 3.6 does not support RSA-PSS in TLS 1.2") != NULL);
    CHECK(strstr(d.fix_device, "no Mbed TLS 3.6 config line") != NULL);
    /* negative: Mbed TLS's best offer accepted: not the schemes */
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED_SIGS, 1, -1);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 0);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_CIPHER);
    /* negative: the full-scheme offer refused too: nothing confirmed */
    attempt(&att[2], IOTLS_CLI_CHANGE_PROBE_MBED_SIGS, 0, 40);
    attempt(&att[3], IOTLS_CLI_CHANGE_PROBE_FULL_SIGS, 0, 40);
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 4, &d), 0);
    CHECK_INT(d.certainty, IOTLS_DIAG_AMBIGUOUS);

    /* sigs_wide worked and the server signed with SHA-1: named, and the
     * device fix adds exactly that hash. */
    attempt(&att[0], IOTLS_CLI_CHANGE_NONE, 0, 40);
    attempt(&att[1], IOTLS_CLI_CHANGE_SIGS_WIDE, 1, -1);
    att[1].sig_alg = 0x0201;
    passive(&d, IOTLS_CAUSE_NO_SHARED_CIPHER, IOTLS_DIAG_AMBIGUOUS);
    CHECK_INT(iotls_cli_confirm(&o, att, 2, &d), 1);
    CHECK_INT(d.cause, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM);
    CHECK(strstr(d.summary, "rsa_pkcs1_sha1 (0x0201)") != NULL);
    CHECK(strstr(d.fix_device, "MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA1 added") != NULL);

    /* Names of changes are stable strings. */
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_SNI_HOST), "sni_host");
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_PROBE_TLS13), "probe_tls13");
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_PROBE_MBED_SIGS), "probe_mbed_sigs");
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_PROBE_FULL_SIGS), "probe_full_sigs");
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_END), "?");
    CHECK(iotls_cli_mbed_has_group(23));
    CHECK_STR(iotls_cli_change_name(IOTLS_CLI_CHANGE_VERSIONS_WIDE), "versions_wide");
    CHECK(iotls_cli_mbed_has_suite(0xc02b));
    CHECK(iotls_cli_mbed_has_suite(0x1301)); /* TLS 1.3 in Mbed TLS 3.6 */
    CHECK(!iotls_cli_mbed_has_suite(0x00ff)); /* a signalling value, not a suite */
    CHECK(!iotls_cli_mbed_has_group(0x11ec));
}

static void test_json(void)
{
    static iotls_cli_result r;
    FILE *f;
    char buf[65536];
    size_t n;

    /* success: every diagnosis member null or empty */
    iotls_cli_result_init(&r, "connect", "h.example", 443);
    r.ok = 1;
    f = tmpfile();
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_INT(iotls_cli_report_json(&r, f), 0);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK(strstr(buf, "\"cause\":null,\"certainty\":null,\"summary\":null,\"evidence\":[],"
                      "\"fix\":null,\"candidates\":[],\"doc\":null,\"notes\":[]") != NULL);
    CHECK(strstr(buf, "\"resolver_code\":0,\"is_ip\":false") != NULL);

    /* a DNS failure: diagnosed */
    iotls_cli_result_init(&r, "connect", "no.such.example", 443);
    r.err.code = IOTLS_ERR_DNS;
    r.err.stage = IOTLS_STAGE_DNS;
    r.err.resolver_code = -2;
    snprintf(r.err.host, sizeof r.err.host, "no.such.example");
    iotls_cli_result_fail_lib(&r, &r.err);
    f = tmpfile();
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_INT(iotls_cli_report_json(&r, f), 0);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK(strstr(buf, "\"cause\":\"dns_failure\",\"certainty\":\"certain\"") != NULL);
    CHECK(strstr(buf, "\"doc\":\"docs/causes/dns_failure.md\"") != NULL);
    CHECK(strstr(buf, "\"fix\":{\"tool\":") != NULL);
    CHECK(strstr(buf, "\"resolver_code\":-2") != NULL);
    CHECK(strstr(buf, "resolver code -2") != NULL);

    /* the human text names the page and the fixes */
    iotls_cli_result_diagnose(&r);
    f = tmpfile();
    CHECK(f != NULL);
    if (f == NULL)
        return;
    iotls_cli_report_diagnosis(&r.diag, 0, "  ", f);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK(strstr(buf, "  cause: dns_failure (certain)") != NULL);
    CHECK(strstr(buf, "see:           docs/causes/dns_failure.md") != NULL);
    CHECK(strstr(buf, "fix (device):") != NULL);
    CHECK(strstr(buf, "evidence:") == NULL); /* only with -v */
    iotls_cli_report_diagnosis(NULL, 1, NULL, stderr); /* no crash, nothing printed */
}

/* Writes text to a fresh file under /tmp; its name into path. */
static int write_tmp(char *path, size_t len, const char *tag, const char *text)
{
    FILE *f;
    snprintf(path, len, "/tmp/iotls_test_%s_%ld.pem", tag, (long)getpid());
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void test_client_cert(void)
{
    iotls_cli_client_cert cc;
    char why[512];
    certgen g;
    mbedtls_pk_context other;
    unsigned char der[2048];
    static char pem[4096];
    char crt_path[128], key_path[128], other_path[128];
    int len;

    iotls_cli_client_cert_init(&cc);
    CHECK_INT(iotls_cli_client_cert_throwaway(&cc), 0);
    CHECK_INT(cc.loaded, 1);
    CHECK_INT(cc.cred.loaded, 1);
    why[0] = '\0';
    CHECK_INT(iotls_cred_subject(&cc.cred, why, sizeof why) > 0, 1);
    CHECK(strstr(why, "iotls diagnose throwaway") != NULL);
    iotls_cli_client_cert_free(&cc);

    iotls_cli_client_cert_init(&cc);
    CHECK_INT(iotls_cli_client_cert_load(&cc, "/nonexistent/c.pem", "/nonexistent/k.pem", NULL,
                                         why, sizeof why),
              -1);
    CHECK(strstr(why, "--cert /nonexistent/c.pem") != NULL);
    CHECK_INT(cc.loaded, 0);
    iotls_cli_client_cert_free(&cc);

    /* A certificate, its key, and another key: the pair loads, the
     * mismatch is refused naming both files. */
    CHECK_INT(certgen_init(&g), 0);
    CHECK_INT(certgen_key(&g, &other), 0);
    len = certgen_make(&g, "CN=client.example", NULL, 0, der, sizeof der);
    CHECK(len > 0 && certgen_pem(der, (size_t)len, pem, sizeof pem) > 0);
    CHECK_INT(write_tmp(crt_path, sizeof crt_path, "crt", pem), 0);
    CHECK(certgen_key_pem(&g.key, pem, sizeof pem) > 0);
    CHECK_INT(write_tmp(key_path, sizeof key_path, "key", pem), 0);
    CHECK(certgen_key_pem(&other, pem, sizeof pem) > 0);
    CHECK_INT(write_tmp(other_path, sizeof other_path, "other", pem), 0);
    mbedtls_pk_free(&other);
    certgen_free(&g);

    iotls_cli_client_cert_init(&cc);
    CHECK_INT(iotls_cli_client_cert_load(&cc, crt_path, key_path, NULL, why, sizeof why), 0);
    CHECK_INT(cc.loaded, 1);
    iotls_cli_client_cert_free(&cc);
    iotls_cli_client_cert_init(&cc);
    CHECK_INT(iotls_cli_client_cert_load(&cc, crt_path, other_path, NULL, why, sizeof why), -1);
    CHECK(strstr(why, other_path) != NULL && strstr(why, crt_path) != NULL);
    CHECK(strstr(why, "is not the private key") != NULL);
    CHECK(strchr(why, '\n') == NULL);
    CHECK_INT(cc.loaded, 0);
    iotls_cli_client_cert_free(&cc);
    /* a certificate where the key should be */
    iotls_cli_client_cert_init(&cc);
    CHECK_INT(iotls_cli_client_cert_load(&cc, crt_path, crt_path, NULL, why, sizeof why), -1);
    CHECK(strstr(why, "--key") != NULL);
    iotls_cli_client_cert_free(&cc);
    remove(crt_path);
    remove(key_path);
    remove(other_path);
}

int main(void)
{
    test_opts();
    test_confirm();
    test_json();
    test_client_cert();
    return CHECK_DONE();
}
