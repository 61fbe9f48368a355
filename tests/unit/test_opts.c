/*
 * Option parsing: every option, and the refusals (unknown option, missing
 * value, bad numbers, conflicting options).
 */
#include <stdarg.h>
#include <string.h>

#include "check.h"
#include "exitcode.h"
#include "opts.h"
#include "opts_args.h"

static char err[256];
static iotls_cli_opts o;

#define PARSE(...) parse_args(&o, err, sizeof err, __VA_ARGS__)


static void test_seconds(void)
{
    uint32_t ms = 0;
    CHECK(iotls_cli_seconds_parse("10", &ms) == 0 && ms == 10000);
    CHECK(iotls_cli_seconds_parse("0.5", &ms) == 0 && ms == 500);
    CHECK(iotls_cli_seconds_parse(".25", &ms) == 0 && ms == 250);
    CHECK(iotls_cli_seconds_parse("1.", &ms) == 0 && ms == 1000);
    CHECK(iotls_cli_seconds_parse("0.0001", &ms) == 0 && ms == 1); /* rounded up */
    CHECK(iotls_cli_seconds_parse("2.5000", &ms) == 0 && ms == 2500);
    CHECK(iotls_cli_seconds_parse("0", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("0.000", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("", &ms) == -1);
    CHECK(iotls_cli_seconds_parse(".", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("-1", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("abc", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("1e3", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("1.2.3", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("5s", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("4294968", &ms) == -1);
    CHECK(iotls_cli_seconds_parse("99999999999999999999", &ms) == -1);
    CHECK(iotls_cli_seconds_parse(NULL, &ms) == -1);
}

static void test_good(void)
{
    CHECK(PARSE("get", "https://h/x", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_GET);
    CHECK_STR(o.url.host, "h");
    CHECK_STR(o.url.path, "/x");

    CHECK(PARSE("--cacert", "ca.pem", "--capath", "/etc/ssl/certs", "--resolve",
                "h:443:127.0.0.1", "--resolve", "h:8443:[::1]", "--connect-timeout", "0.5",
                "-m", "3", "-v", "-o", "out.bin", "-i", "--sni", "mbed TLS Server 1", "--debug",
                "3", "--json", "get", "https://h/", NULL) == 0);
    CHECK_STR(o.cacert, "ca.pem");
    CHECK_STR(o.capath, "/etc/ssl/certs");
    CHECK_INT(o.n_resolve, 2);
    CHECK_STR(o.resolve[1].addr, "::1");
    CHECK_INT(o.connect_timeout_ms, 500);
    CHECK_INT(o.max_time_ms, 3000);
    CHECK_INT(o.verbose, 1);
    CHECK_STR(o.output, "out.bin");
    CHECK_INT(o.include_headers, 1);
    CHECK_STR(o.sni, "mbed TLS Server 1");
    CHECK_INT(o.debug, 3);
    CHECK_INT(o.json, 1);

    /* options after the command, --opt=value, short clusters, -oFILE */
    CHECK(PARSE("connect", "h:8443", "--max-time=1.5", "--no-sni", "-v", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_CONNECT);
    CHECK_INT(o.url.port, 8443);
    CHECK_INT(o.max_time_ms, 1500);
    CHECK_INT(o.no_sni, 1);
    CHECK(PARSE("get", "-vio", "f.txt", "https://h/", NULL) == 0);
    CHECK_INT(o.verbose, 1);
    CHECK_INT(o.include_headers, 1);
    CHECK_STR(o.output, "f.txt");
    CHECK(PARSE("get", "-ofile", "https://h/", NULL) == 0);
    CHECK_STR(o.output, "file");
    CHECK(PARSE("get", "--", "https://h/", NULL) == 0);
    CHECK_STR(o.target, "https://h/");

    CHECK(PARSE("demo", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_DEMO);
    CHECK(PARSE("demo", "-v", "--debug", "1", NULL) == 0);
    CHECK(PARSE("--help", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_HELP);
    CHECK(PARSE("-h", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_HELP);
    CHECK(PARSE("get", "--help", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_HELP);
    CHECK(PARSE("--version", NULL) == 0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_VERSION);
}

static int bad(const char *want)
{
    return strchr(err, '\n') == NULL && err[0] != '\0' && strstr(err, want) != NULL;
}

static void test_bad(void)
{
    CHECK(PARSE(NULL) == -1 && bad("no command"));
    CHECK(PARSE("fetch", "https://h/", NULL) == -1 && bad("unknown command"));
    CHECK(PARSE("get", "--frobnicate", "https://h/", NULL) == -1 && bad("--frobnicate"));
    CHECK(PARSE("get", "-k", "https://h/", NULL) == -1 && bad("-k"));
    CHECK(PARSE("get", "-vk", "https://h/", NULL) == -1 && bad("-k"));
    CHECK(PARSE("get", "https://h/", "--cacert", NULL) == -1 && bad("needs a value"));
    CHECK(PARSE("get", "https://h/", "-o", NULL) == -1 && bad("needs a value"));
    CHECK(PARSE("get", "https://h/", "--json=1", NULL) == -1 && bad("takes no value"));
    CHECK(PARSE("get", NULL) == -1 && bad("missing URL"));
    CHECK(PARSE("connect", NULL) == -1 && bad("missing HOST"));
    CHECK(PARSE("get", "https://h/", "https://i/", NULL) == -1 && bad("unexpected"));
    CHECK(PARSE("get", "http://h/", NULL) == -1 && bad("TLS only"));
    CHECK(PARSE("connect", "h:70000", NULL) == -1 && bad("port"));
    CHECK(PARSE("get", "--connect-timeout", "abc", "https://h/", NULL) == -1 && bad("seconds"));
    CHECK(PARSE("get", "--connect-timeout", "-1", "https://h/", NULL) == -1 && bad("seconds"));
    CHECK(PARSE("get", "-m", "0", "https://h/", NULL) == -1 && bad("seconds"));
    CHECK(PARSE("get", "--max-time", "1x", "https://h/", NULL) == -1 && bad("seconds"));
    CHECK(PARSE("get", "--debug", "5", "https://h/", NULL) == -1 && bad("0 to 4"));
    CHECK(PARSE("get", "--debug", "x", "https://h/", NULL) == -1 && bad("0 to 4"));
    CHECK(PARSE("get", "--debug", "", "https://h/", NULL) == -1 && bad("0 to 4"));
    CHECK(PARSE("get", "--debug", "12", "https://h/", NULL) == -1 && bad("0 to 4"));
    CHECK(PARSE("get", "--resolve", "h:443", "https://h/", NULL) == -1 && bad("HOST:PORT:ADDR"));
    CHECK(PARSE("get", "--resolve", "h:0:127.0.0.1", "https://h/", NULL) == -1 && bad("port"));
    CHECK(PARSE("get", "--resolve", "h:443:nothost", "https://h/", NULL) == -1 && bad("IP"));
    CHECK(PARSE("get", "--sni", "", "https://h/", NULL) == -1 && bad("empty"));
    CHECK(PARSE("get", "--sni", "a\tb", "https://h/", NULL) == -1 && bad("printable"));
    CHECK(PARSE("get", "--sni", "x", "--no-sni", "https://h/", NULL) == -1 && bad("together"));
    CHECK(PARSE("connect", "-o", "f", "h", NULL) == -1 && bad("get only"));
    CHECK(PARSE("connect", "-i", "h", NULL) == -1 && bad("get only"));
    CHECK(PARSE("demo", "extra", NULL) == -1 && bad("no arguments"));
    CHECK(PARSE("demo", "--json", NULL) == -1 && bad("demo"));
    CHECK(PARSE("get", "--cacert", "", "https://h/", NULL) == -1 && bad("empty"));
    {
        char sni[300];
        memset(sni, 'a', 254);
        sni[254] = '\0';
        CHECK(PARSE("get", "--sni", sni, "https://h/", NULL) == -1 && bad("too long"));
    }
    {
        /* one more than IOTLS_CLI_MAX_RESOLVE (8) */
        const char *r = "h:443:127.0.0.1";
        CHECK(PARSE("get", "--resolve", r, "--resolve", r, "--resolve", r, "--resolve", r,
                    "--resolve", r, "--resolve", r, "--resolve", r, "--resolve", r, "--resolve", r,
                    "https://h/", NULL) == -1 && bad("too many"));
    }
}

static void test_usage(void)
{
    const char *u = iotls_cli_usage();
    CHECK(strstr(u, "--cacert") != NULL);
    CHECK(strstr(u, "Exit codes") != NULL);
    CHECK(strstr(u, "11  HTTP") != NULL);
    CHECK(strstr(u, "discarded") != NULL);
    CHECK(strstr(u, "--tls13-ciphers") != NULL);
    CHECK(strstr(u, "--tls-max") != NULL);
    CHECK(strstr(u, "--curves") != NULL);
    CHECK(strstr(u, "--pass") != NULL);
}

/* curl's TLS flags: versions, suites (OpenSSL or IANA names), groups. */
static void test_tls(void)
{
    CHECK_INT(PARSE("connect", "h", NULL), 0);
    CHECK_INT(o.tls.min_version, 0); /* library defaults: 1.3 and 1.2 */
    CHECK_INT(o.tls.max_version, 0);
    CHECK_INT(o.tls.n_suites, 0);
    CHECK_INT(o.tls_given, 0);
    CHECK_INT(PARSE("connect", "h", "--tlsv1.3", NULL), 0);
    CHECK_INT(o.tls.min_version, 0x0304);
    CHECK_INT(PARSE("connect", "h", "--tlsv1.2", "--tls-max", "1.2", NULL), 0);
    CHECK_INT(o.tls.min_version, 0x0303);
    CHECK_INT(o.tls.max_version, 0x0303);
    CHECK_INT(PARSE("connect", "h", "--tls-max=1.3", NULL), 0);
    CHECK_INT(o.tls.max_version, 0x0304);
    CHECK_INT(PARSE("connect", "h", "--tls-max", "1.1", NULL), -1);
    CHECK(strstr(err, "--tls-max") != NULL && strstr(err, "\"1.1\"") != NULL);
    CHECK_INT(PARSE("connect", "h", "--tlsv1.3", "--tls-max", "1.2", NULL), -1);
    CHECK(strstr(err, "no TLS version") != NULL);
    CHECK_INT(PARSE("connect", "h", "--tlsv1.1", NULL), -1);

    /* --ciphers: OpenSSL and IANA spellings; the TLS 1.3 defaults stay first */
    CHECK_INT(PARSE("connect", "h", "--ciphers",
                    "ECDHE-ECDSA-AES128-GCM-SHA256:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", NULL),
              0);
    CHECK_INT(o.tls.n_suites12, 2);
    CHECK_INT(o.tls.suites12[0], 0xc02b);
    CHECK_INT(o.tls.suites12[1], 0xc030);
    CHECK_INT(o.tls.suites[0] >> 8, 0x13);
    CHECK_INT(o.tls.suites[o.tls.n_suites - 2], 0xc02b);
    CHECK_INT(o.tls.suites[o.tls.n_suites - 1], 0xc030);
    CHECK_INT(o.tls.suites[o.tls.n_suites], 0);
    CHECK_INT(PARSE("connect", "h", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:NO-SUCH-SUITE",
                    NULL),
              -1);
    CHECK(strstr(err, "--ciphers") != NULL && strstr(err, "\"NO-SUCH-SUITE\"") != NULL);
    CHECK_INT(PARSE("connect", "h", "--ciphers", "", NULL), -1);
    CHECK(strstr(err, "--ciphers: empty list") != NULL);
    CHECK_INT(PARSE("connect", "h", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256::", NULL), -1);
    CHECK(strstr(err, "empty name") != NULL);
    CHECK_INT(PARSE("connect", "h", "--ciphers", "TLS_AES_128_GCM_SHA256", NULL), -1);
    CHECK(strstr(err, "--tls13-ciphers") != NULL);

    /* --tls13-ciphers: only TLS 1.3 suites; the TLS 1.2 defaults follow */
    CHECK_INT(PARSE("connect", "h", "--tls13-ciphers",
                    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384", NULL),
              0);
    CHECK_INT(o.tls.suites[0], 0x1303);
    CHECK_INT(o.tls.suites[1], 0x1302);
    CHECK(o.tls.n_suites > 2 && (o.tls.suites[2] >> 8) != 0x13);
    CHECK_INT(PARSE("connect", "h", "--tls13-ciphers", "ECDHE-RSA-AES128-GCM-SHA256", NULL), -1);
    CHECK(strstr(err, "--tls13-ciphers") != NULL && strstr(err, "not a TLS 1.3 suite") != NULL);

    /* --curves */
    CHECK_INT(PARSE("connect", "h", "--curves", "P-256:x25519", NULL), 0);
    CHECK_INT(o.tls.n_groups, 2);
    CHECK_INT(o.tls.groups[0], 0x0017);
    CHECK_INT(o.tls.groups[1], 0x001d);
    CHECK_INT(o.tls.groups[2], 0);
    CHECK_INT(PARSE("connect", "h", "--curves", "x25519:bogus", NULL), -1);
    CHECK(strstr(err, "--curves") != NULL && strstr(err, "\"bogus\"") != NULL);
    CHECK_INT(PARSE("connect", "h", "--curves=", NULL), -1);
    CHECK_INT(PARSE("connect", "h", "--curves", ":x25519", NULL), -1);

    /* the demo takes none of them; --pass needs --key */
    CHECK_INT(PARSE("demo", "--tlsv1.3", NULL), -1);
    CHECK_INT(PARSE("connect", "h", "--pass", "x", NULL), -1);
    CHECK(strstr(err, "--pass") != NULL);
    CHECK_INT(PARSE("connect", "h", "--cert", "c", "--key", "k", "--pass", "secret", NULL), 0);
    CHECK_STR(o.pass, "secret");
}

static void test_exit_codes(void)
{
    CHECK_INT(iotls_cli_exit_code(IOTLS_OK, IOTLS_STAGE_NONE), 0);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_ALLOC, IOTLS_STAGE_HANDSHAKE), 1);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_ENTROPY, IOTLS_STAGE_SETUP), 1);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP), 2);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_TRUST_READ, IOTLS_STAGE_SETUP), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_SETUP), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_NONE), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CRED_MISMATCH, IOTLS_STAGE_SETUP), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CRED_PASSWORD, IOTLS_STAGE_SETUP), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_DNS, IOTLS_STAGE_DNS), 4);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_DNS_TIMEOUT, IOTLS_STAGE_DNS), 4);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CONNECT_REFUSED, IOTLS_STAGE_CONNECT), 5);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CONNECT_TIMEOUT, IOTLS_STAGE_CONNECT), 5);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE), 6);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_NOT_TLS, IOTLS_STAGE_HANDSHAKE), 6);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_HANDSHAKE_TIMEOUT, IOTLS_STAGE_HANDSHAKE), 6);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_PROTOCOL_VERSION, IOTLS_STAGE_HANDSHAKE), 6);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY), 7);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_VERIFY, IOTLS_STAGE_HANDSHAKE), 7);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_TRUNCATED, IOTLS_STAGE_READ), 8);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_READ_TIMEOUT, IOTLS_STAGE_READ), 8);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_RESET, IOTLS_STAGE_READ), 8);     /* by stage */
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_RESET, IOTLS_STAGE_HANDSHAKE), 6);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_WRITE, IOTLS_STAGE_WRITE), 9);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_WRITE_TIMEOUT, IOTLS_STAGE_WRITE), 9);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CLOSE, IOTLS_STAGE_CLOSE), 10);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_NOT_CONNECTED, IOTLS_STAGE_NONE), 1);
    CHECK_INT(iotls_cli_exit_code(-999, IOTLS_STAGE_NONE), 1);
}

int main(void)
{
    test_exit_codes();
    test_seconds();
    test_good();
    test_bad();
    test_usage();
    test_tls();
    return CHECK_DONE();
}
