/*
 * Unit tests: stable names, verify flag names, and iotls_error_format()
 * (facts in plain words, never past the buffer).
 */
#include <limits.h>
#include <string.h>

#include "check.h"
#include "iotls/iotls.h"
#include "mbedtls/x509.h"

static void test_names(void)
{
    /* These strings are part of the JSON contract: never change them. */
    CHECK_STR(iotls_err_name(IOTLS_OK), "ok");
    CHECK_STR(iotls_err_name(IOTLS_ERR_USAGE), "usage");
    CHECK_STR(iotls_err_name(IOTLS_ERR_TRUST_EMPTY), "trust_empty");
    CHECK_STR(iotls_err_name(IOTLS_ERR_DNS), "dns");
    CHECK_STR(iotls_err_name(IOTLS_ERR_CONNECT_REFUSED), "connect_refused");
    CHECK_STR(iotls_err_name(IOTLS_ERR_HANDSHAKE_TIMEOUT), "handshake_timeout");
    CHECK_STR(iotls_err_name(IOTLS_ERR_ALERT_RECEIVED), "alert_received");
    CHECK_STR(iotls_err_name(IOTLS_ERR_PEER_CLOSED), "peer_closed");
    CHECK_STR(iotls_err_name(IOTLS_ERR_NOT_TLS), "not_tls");
    CHECK_STR(iotls_err_name(IOTLS_ERR_PROTOCOL_VERSION), "protocol_version");
    CHECK_STR(iotls_err_name(IOTLS_ERR_RECORD_TOO_LARGE), "record_too_large");
    CHECK_STR(iotls_err_name(IOTLS_ERR_VERIFY), "verify");
    CHECK_STR(iotls_err_name(IOTLS_ERR_TRUNCATED), "truncated");
    CHECK_STR(iotls_err_name(IOTLS_ERR_READ_TIMEOUT), "read_timeout");
    CHECK_STR(iotls_err_name(IOTLS_ERR_WRITE_TIMEOUT), "write_timeout");
    CHECK_STR(iotls_err_name(IOTLS_ERR_NOT_CONNECTED), "not_connected");
    CHECK_STR(iotls_err_name(-999), "unknown");
    CHECK_STR(iotls_err_name(5), "unknown");

    CHECK_STR(iotls_stage_name(IOTLS_STAGE_NONE), "none");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_SETUP), "setup");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_DNS), "dns");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_CONNECT), "connect");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_HANDSHAKE), "handshake");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_VERIFY), "verify");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_READ), "read");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_WRITE), "write");
    CHECK_STR(iotls_stage_name(IOTLS_STAGE_CLOSE), "close");
    CHECK_STR(iotls_stage_name((iotls_stage)42), "unknown");

    CHECK_STR(iotls_alert_name(0), "close_notify");
    CHECK_STR(iotls_alert_name(40), "handshake_failure");
    CHECK_STR(iotls_alert_name(42), "bad_certificate");
    CHECK_STR(iotls_alert_name(48), "unknown_ca");
    CHECK_STR(iotls_alert_name(70), "protocol_version");
    CHECK_STR(iotls_alert_name(112), "unrecognized_name");
    CHECK_STR(iotls_alert_name(116), "certificate_required");
    CHECK_STR(iotls_alert_name(IOTLS_ALERT_NONE), "unknown_alert");
    CHECK_STR(iotls_alert_name(255), "unknown_alert");

    CHECK_STR(iotls_group_name(29), "x25519");
    CHECK_STR(iotls_group_name(23), "secp256r1");
    CHECK_STR(iotls_group_name(24), "secp384r1");
    CHECK_STR(iotls_group_name(25), "secp521r1");
    CHECK(iotls_group_name(0x1234) == NULL);
    CHECK_STR(iotls_suite_name(0xc02b), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    CHECK_STR(iotls_suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
    CHECK_STR(iotls_suite_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
    CHECK(iotls_suite_name(0xeeee) == NULL);
    /* reverse lookups: IANA and OpenSSL spellings, groups by several names */
    CHECK_INT(iotls_suite_from_name("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), 0xc02b);
    CHECK_INT(iotls_suite_from_name("ECDHE-ECDSA-AES128-GCM-SHA256"), 0xc02b);
    CHECK_INT(iotls_suite_from_name("ECDHE-RSA-CHACHA20-POLY1305"), 0xcca8);
    CHECK_INT(iotls_suite_from_name("TLS_AES_256_GCM_SHA384"), 0x1302);
    CHECK_INT(iotls_suite_from_name("NO-SUCH-SUITE"), 0);
    CHECK_INT(iotls_suite_from_name(""), 0);
    CHECK_INT(iotls_group_from_name("x25519"), 29);
    CHECK_INT(iotls_group_from_name("P-256"), 23);
    CHECK_INT(iotls_group_from_name("prime256v1"), 23);
    CHECK_INT(iotls_group_from_name("secp384r1"), 24);
    CHECK_INT(iotls_group_from_name("bogus"), 0);
    CHECK_STR(iotls_sig_alg_name(0x0403), "ecdsa_secp256r1_sha256");
    CHECK_STR(iotls_sig_alg_name(0x0804), "rsa_pss_rsae_sha256");
    CHECK_STR(iotls_sig_alg_name(0x0201), "rsa_pkcs1_sha1");
    CHECK(iotls_sig_alg_name(0xeeee) == NULL);
    CHECK_STR(iotls_version_name(0x0304), "TLSv1.3");
    CHECK_STR(iotls_version_name(0x0303), "TLSv1.2");
    CHECK_STR(iotls_version_name(0x0301), "TLSv1.0");
    CHECK(iotls_version_name(0x0202) == NULL);
}

static int in_list(const uint16_t *l, uint16_t id)
{
    for (; l && *l; l++)
        if (*l == id)
            return 1;
    return 0;
}

static void test_defaults(void)
{
    const uint16_t *s = iotls_default_ciphersuites();
    const uint16_t *g = iotls_default_groups();
    const uint16_t *sa = iotls_default_sig_algs();
    static const uint16_t empty[] = {0}, bogus[] = {0xeeee, 0}, sha1[] = {0x0201, 0x0203, 0};
    iotls_conf conf;
    int n = 0, n13 = 0;

    /* Groups: x25519, P-256, P-384, in that order. */
    CHECK_INT(g[0], 29);
    CHECK_INT(g[1], 23);
    CHECK_INT(g[2], 24);
    CHECK_INT(g[3], 0);
    /* Suites: the three TLS 1.3 ones first, then ECDHE + AEAD only. */
    for (; s[n] != 0 && n < 64; n++) {
        const char *name = iotls_suite_name(s[n]);
        CHECK(name != NULL);
        if (name == NULL)
            continue;
        CHECK(in_list(iotls_supported_ciphersuites(), s[n]));
        if ((s[n] >> 8) == 0x13) {
            CHECK_INT(n, n13); /* before every TLS 1.2 suite */
            n13++;
            continue;
        }
        CHECK(strstr(name, "ECDHE_") != NULL);
        CHECK(strstr(name, "GCM") != NULL || strstr(name, "CHACHA20_POLY1305") != NULL);
    }
    CHECK_INT(n13, 3);
    CHECK_INT(n, 9);
    CHECK_INT(s[0], 0x1301);
    CHECK_INT(s[3], 0xc02b);
    /* Signature schemes: SHA-256 or better, never SHA-1 by default. */
    CHECK(sa != NULL && sa[0] != 0);
    CHECK(!in_list(sa, 0x0201) && !in_list(sa, 0x0203));
    CHECK(in_list(sa, 0x0403) && in_list(sa, 0x0804));
    CHECK(in_list(iotls_supported_groups(), 29));

    iotls_conf_init(&conf);
    CHECK_INT(conf.sni_mode, IOTLS_SNI_FROM_HOST);
    CHECK_INT(conf.min_version, IOTLS_TLS_1_2);
    CHECK_INT(conf.max_version, IOTLS_TLS_1_3);
    /* setters refuse what cannot be offered, and change nothing then */
    CHECK_INT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_3, IOTLS_TLS_1_2), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_1, IOTLS_TLS_1_2), IOTLS_ERR_USAGE);
    CHECK_INT(conf.min_version, IOTLS_TLS_1_2);
    CHECK_INT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_3, IOTLS_TLS_1_3), IOTLS_OK);
    CHECK_INT(conf.min_version, IOTLS_TLS_1_3);
    CHECK_INT(iotls_conf_set_ciphersuites(&conf, empty), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_conf_set_ciphersuites(&conf, bogus), IOTLS_ERR_USAGE);
    /* unchanged: the defaults (NULL or the default list) */
    CHECK(conf.ciphersuites == NULL || conf.ciphersuites == iotls_default_ciphersuites());
    CHECK_INT(iotls_conf_set_groups(&conf, bogus), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_conf_set_sig_algs(&conf, sha1), IOTLS_OK);
    CHECK_INT(iotls_conf_set_sig_algs(&conf, NULL), IOTLS_OK);
    CHECK(conf.sig_algs == NULL || conf.sig_algs == iotls_default_sig_algs());
    iotls_conf_init(&conf);
    CHECK_INT(conf.connect_timeout_ms, IOTLS_DEFAULT_CONNECT_TIMEOUT_MS);
    CHECK_INT(conf.handshake_timeout_ms, IOTLS_DEFAULT_HANDSHAKE_TIMEOUT_MS);
    CHECK_INT(conf.read_timeout_ms, IOTLS_DEFAULT_READ_TIMEOUT_MS);
    CHECK_INT(conf.write_timeout_ms, IOTLS_DEFAULT_WRITE_TIMEOUT_MS);
    iotls_conf_set_timeouts(&conf, 0, 500, 0, 0);
    CHECK_INT(conf.handshake_timeout_ms, 500);
    CHECK_INT(conf.connect_timeout_ms, IOTLS_DEFAULT_CONNECT_TIMEOUT_MS);

    CHECK_INT(iotls_conf_set_server_name(&conf, "mbed TLS Server 1"), IOTLS_OK);
    CHECK_INT(conf.sni_mode, IOTLS_SNI_CUSTOM);
    CHECK_STR(conf.server_name, "mbed TLS Server 1");
    CHECK_INT(iotls_conf_set_server_name(&conf, ""), IOTLS_ERR_HOSTNAME);
    CHECK_INT(iotls_conf_set_server_name(&conf, "bad\nname"), IOTLS_ERR_HOSTNAME);
    CHECK_INT(iotls_conf_set_server_name(&conf, "caf\xc3\xa9"), IOTLS_ERR_HOSTNAME);
    iotls_conf_disable_sni(&conf);
    CHECK_INT(conf.sni_mode, IOTLS_SNI_NONE);
    CHECK_INT(iotls_conf_set_connect_address(&conf, "127.0.0.1"), IOTLS_OK);
    CHECK_INT(iotls_conf_set_connect_address(&conf, "::1"), IOTLS_OK);
    CHECK_INT(iotls_conf_set_connect_address(&conf, "localhost"), IOTLS_ERR_USAGE);
    CHECK_STR(conf.connect_addr, "::1");
}

static void test_flags(void)
{
    char buf[256], small[8];
    int n;

    CHECK_INT(iotls_verify_flags_names(0, buf, sizeof buf), 0);
    CHECK_STR(buf, "");
    iotls_verify_flags_names(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_NOT_TRUSTED, buf,
                             sizeof buf);
    CHECK_STR(buf, "expired,not_trusted");
    iotls_verify_flags_names(MBEDTLS_X509_BADCERT_CN_MISMATCH, buf, sizeof buf);
    CHECK_STR(buf, "cn_mismatch");
    iotls_verify_flags_names(IOTLS_BADCERT_IP_MISMATCH, buf, sizeof buf);
    CHECK_STR(buf, "ip_mismatch");
    iotls_verify_flags_names(MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_BAD_MD |
                                 MBEDTLS_X509_BADCERT_BAD_KEY, buf, sizeof buf);
    CHECK_STR(buf, "future,bad_md,bad_key");
    iotls_verify_flags_names(0x01000000u, buf, sizeof buf);
    CHECK_STR(buf, "0x1000000");
    /* Truncation: the full length is returned, the buffer stays terminated. */
    memset(small, 'X', sizeof small);
    n = iotls_verify_flags_names(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_NOT_TRUSTED,
                                 small, sizeof small);
    CHECK_INT(n, (int)strlen("expired,not_trusted"));
    CHECK_STR(small, "expired");
    CHECK_INT(iotls_verify_flags_names(0xFFFFFFFFu, NULL, 0) > 100, 1);
}

/* Formats into a guarded buffer of every size up to cap and checks that
 * nothing past the given size is touched and the text is terminated. */
static void format_guarded(const iotls_error *e, const char *expect_sub)
{
    char full[1024], buf[1024 + 16];
    int n = iotls_error_format(e, full, sizeof full), sz;

    CHECK(n > 0 && n < (int)sizeof full);
    CHECK_INT((int)strlen(full), n);
    if (expect_sub != NULL && strstr(full, expect_sub) == NULL) {
        fprintf(stderr, "format: \"%s\" lacks \"%s\"\n", full, expect_sub);
        CHECK(0);
    }
    CHECK(strchr(full, '\n') == NULL);
    for (sz = 0; sz <= n + 1; sz++) {
        memset(buf, 0x5A, sizeof buf);
        CHECK_INT(iotls_error_format(e, sz > 0 ? buf : NULL, (size_t)sz), n);
        CHECK(buf[sz] == 0x5A || sz == 0);
        if (sz > 0) {
            CHECK_INT((int)strlen(buf), sz - 1 < n ? sz - 1 : n);
            CHECK(strncmp(buf, full, strlen(buf)) == 0);
        }
    }
}

static void test_format(void)
{
    iotls_error e;
    char buf[512];

    iotls_error_init(&e);
    CHECK_INT(e.code, IOTLS_OK);
    CHECK_INT(e.wall_time, -1);
    CHECK_INT(e.wire.alert_received, IOTLS_ALERT_NONE);
    CHECK_INT(e.wire.alert_received_level, -1);
    CHECK_INT(e.wire.alert_sent, IOTLS_ALERT_NONE);
    iotls_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "no error");
    iotls_error_format(NULL, buf, sizeof buf);
    CHECK_STR(buf, "no error");

    /* The seed case. */
    e.code = IOTLS_ERR_ALERT_RECEIVED;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.mbedtls_code = -0x7780;
    e.sni_sent = 1;
    strcpy(e.sni, "mbed TLS Server 1");
    e.wire.alert_received_level = 2;
    e.wire.alert_received = 40;
    iotls_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "handshake failed: the server sent fatal alert 40 (handshake_failure) in answer "
                   "to our ClientHello (SNI \"mbed TLS Server 1\") [mbedtls -0x7780]");
    format_guarded(&e, "alert 40");
    e.sni_sent = 0;
    e.sni[0] = '\0';
    e.wire.hs_msgs[0] = 2;
    e.wire.hs_msgs[1] = 11;
    e.wire.n_hs_msgs = 2;
    format_guarded(&e, "after its Certificate (no SNI)");

    /* What Mbed TLS refused (tests/faults flips the server's bytes): by
     * code, by code without its ASN.1 part, by module; any int is safe. */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_HANDSHAKE;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.mbedtls_code = -0x7180;
    format_guarded(&e, "integrity check (bad MAC)");
    e.mbedtls_code = -0x23E2; /* X509_INVALID_NAME + ASN1_OUT_OF_DATA */
    format_guarded(&e, "certificate does not parse");
    e.mbedtls_code = -0x4E00;
    format_guarded(&e, "signature did not verify");
    e.mbedtls_code = INT_MIN;
    format_guarded(&e, "Mbed TLS refused the handshake");
    e.mbedtls_code = 5;
    format_guarded(&e, "Mbed TLS refused the handshake");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_VERIFY;
    e.stage = IOTLS_STAGE_VERIFY;
    e.mbedtls_code = -0x2700;
    e.verify_flags = MBEDTLS_X509_BADCERT_CN_MISMATCH;
    strcpy(e.verify_name, "wrong.example");
    iotls_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "certificate rejected: the name \"wrong.example\" is not in the certificate "
                   "(cn_mismatch) [mbedtls -0x2700]");
    e.verify_flags = MBEDTLS_X509_BADCERT_CN_MISMATCH | IOTLS_BADCERT_IP_MISMATCH;
    strcpy(e.verify_name, "127.0.0.2");
    format_guarded(&e, "the address 127.0.0.2 is not among the certificate's IP addresses");
    e.verify_flags = MBEDTLS_X509_BADCERT_EXPIRED;
    format_guarded(&e, "expired (expired)");
    e.verify_flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    format_guarded(&e, "trusted root (not_trusted)");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_TRUNCATED;
    e.stage = IOTLS_STAGE_READ;
    iotls_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "read failed: the server closed the connection without close_notify: the data "
                   "may be truncated");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_NOT_TLS;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    memcpy(e.wire.first_bytes, "HTTP/1.1 400 Bad\r\n\"\x01", 21);
    e.wire.n_first_bytes = 21;
    format_guarded(&e, "first bytes \"HTTP/1.1 400 Bad\"");
    /* phase 2: a whole first line of text (the library reads on for it) */
    memcpy(e.wire.first_bytes, "220 smtp.example ESMTP Postfix\r\n", 32);
    e.wire.n_first_bytes = 32;
    format_guarded(&e, "first bytes \"220 smtp.example ESMTP Postfix\")");
    memcpy(e.wire.first_bytes, "HTTP/1.1 400 Bad Request and a very long line without end", 48);
    e.wire.n_first_bytes = 48;
    format_guarded(&e, "first bytes \"HTTP/1.1 400 Bad Request and a very long\")");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_PROTOCOL_VERSION;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.wire.alert_received = 40;
    memcpy(e.wire.first_bytes, "\x15\x03\x01\x00\x02\x02\x28", 7);
    e.wire.n_first_bytes = 7;
    format_guarded(&e, "alert 40 (handshake_failure) in a TLSv1.0 record");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_CONNECT_REFUSED;
    e.stage = IOTLS_STAGE_CONNECT;
    strcpy(e.addr, "127.0.0.1");
    e.port = 4433;
    e.sys_errno = 111;
    format_guarded(&e, "127.0.0.1 port 4433 refused the connection [errno 111]");

    iotls_error_init(&e);
    e.code = IOTLS_ERR_DNS;
    e.stage = IOTLS_STAGE_DNS;
    strcpy(e.host, "no.such.example");
    e.sys_errno = -2;
    format_guarded(&e, "\"no.such.example\" does not resolve [resolver code -2]");

    /* phase 2: the resolver code apart from errno */
    iotls_error_init(&e);
    e.code = IOTLS_ERR_DNS;
    e.stage = IOTLS_STAGE_DNS;
    strcpy(e.host, "no.such.example");
    e.resolver_code = -2;
    format_guarded(&e, "\"no.such.example\" does not resolve [resolver code -2]");
    e.resolver_code = -11;
    e.sys_errno = 24;
    format_guarded(&e, "does not resolve [resolver code -11] [errno 24]");

    /* Every code formats; the longest fields never overflow. */
    {
        static const int codes[] = {-1, -2, -3, -4, -5, -6, -7, -10, -11, -20, -21, -22, -30,
                                    -31, -32, -33, -34, -35, -36, -37, -40, -50, -51, -52, -60,
                                    -61, -70, -80, -99};
        size_t i;
        iotls_error_init(&e);
        memset(e.host, 'h', sizeof e.host - 1);
        memset(e.sni, 's', sizeof e.sni - 1);
        memset(e.verify_name, 'v', sizeof e.verify_name - 1);
        memset(e.addr, 'a', sizeof e.addr - 1);
        memset(e.detail, 'd', sizeof e.detail - 1);
        e.sni_sent = 1;
        e.verify_flags = 0xFFFFFFFFu;
        e.mbedtls_code = -0x7FFF;
        e.sys_errno = 12345;
        e.wire.alert_received = 300;
        e.wire.n_first_bytes = IOTLS_EV_FIRST_BYTES;
        e.wire.n_hs_msgs = IOTLS_EV_MAX_HS_MSGS;
        memset(e.wire.hs_msgs, 0xff, sizeof e.wire.hs_msgs);
        for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
            e.code = (iotls_err)codes[i];
            e.stage = (iotls_stage)(i % 10);
            format_guarded(&e, NULL);
        }
    }
}

int main(void)
{
    test_names();
    test_defaults();
    test_flags();
    test_format();
    return CHECK_DONE();
}
