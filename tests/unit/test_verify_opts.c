/*
 * `iotls verify` on the command line: --at times (RFC 3339 / ISO 8601 UTC),
 * the options it takes and refuses, and the exit code of its errors.
 */
#include <string.h>

#include "check.h"
#include "exitcode.h"
#include "opts.h"
#include "opts_args.h"

static void test_time(void)
{
    int64_t t = 0;

    CHECK_INT(iotls_cli_time_parse("1970-01-01T00:00:00Z", &t), 0);
    CHECK_INT(t, 0);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32Z", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32+00:00", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2023-11-27t20:48:32z", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T22:48:32+02:00", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T15:18:32-05:30", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32.999Z", &t), 0);
    CHECK_INT(t, 1701118112);
    CHECK_INT(iotls_cli_time_parse("2024-02-29T00:00:00Z", &t), 0);
    CHECK_INT(t, 1709164800);
    CHECK_INT(iotls_cli_time_parse("2000-02-29T00:00:00Z", &t), 0);
    CHECK_INT(t, 951782400);
    CHECK_INT(iotls_cli_time_parse("2049-12-31T23:59:59Z", &t), 0);
    CHECK_INT(t, 2524607999LL);
    CHECK_INT(iotls_cli_time_parse("1950-01-01T00:00:00Z", &t), 0);
    CHECK_INT(t, -631152000LL);
    /* refused */
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32", &t), -1);  /* no zone */
    CHECK_INT(iotls_cli_time_parse("2023-11-27", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27 20:48", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-13-01T00:00:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-02-29T00:00:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("1900-02-29T00:00:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-04-31T00:00:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T24:00:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:60:00Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32+24:00", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32Zjunk", &t), -1);
    CHECK_INT(iotls_cli_time_parse("2023-11-27T20:48:32.Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("1949-12-31T23:59:59Z", &t), -1);
    CHECK_INT(iotls_cli_time_parse("", &t), -1);
    CHECK_INT(iotls_cli_time_parse(NULL, &t), -1);
    CHECK_INT(iotls_cli_time_parse("+023-11-27T20:48:32Z", &t), -1);
}

static void test_opts(void)
{
    static iotls_cli_opts o; /* large */
    char err[256];

    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "example.com", NULL),
              0);
    CHECK_INT(o.command, IOTLS_CLI_CMD_VERIFY);
    CHECK_STR(o.target, "c.pem");
    CHECK_STR(o.verify_host, "example.com");
    CHECK_INT(o.at_given, 0);
    CHECK_INT(o.max_intermediates, -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "::1", "--at",
                         "2023-11-27T20:48:32Z", "--max-intermediates", "3", "--json", "-v",
                         "--cacert", "r.pem", NULL),
              0);
    CHECK_INT(o.at_given, 1);
    CHECK_INT(o.at, 1701118112);
    CHECK_INT(o.max_intermediates, 3);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--no-host", NULL), 0);
    CHECK_INT(o.no_host, 1);
    CHECK(o.verify_host == NULL);

    /* usage errors */
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", NULL), -1);
    CHECK(strstr(err, "CHAIN") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", NULL), -1);
    CHECK(strstr(err, "--no-host") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b", "--no-host",
                         NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a b", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b", "--at",
                         "yesterday", NULL),
              -1);
    CHECK(strstr(err, "--at") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b",
                         "--max-intermediates", "-1", NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b",
                         "--max-intermediates", "256", NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b", "--sni",
                         "x.y", NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--host", "a.b", "-m", "2",
                         NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "d.pem", "--host", "a.b",
                         NULL),
              -1);
    /* verify's options on other commands */
    CHECK_INT(parse_args(&o, err, sizeof err, "connect", "a.b", "--host", "a.b", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://a.b/", "--at",
                         "2023-11-27T20:48:32Z", NULL),
              -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "connect", "a.b", "--no-host", NULL), -1);
}

static void test_exit(void)
{
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_CHAIN_INPUT, IOTLS_STAGE_SETUP), 3);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY), 7);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP), 2);
    CHECK_INT(iotls_cli_exit_code(IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_SETUP), 3);
    CHECK_STR(iotls_err_name(IOTLS_ERR_CHAIN_INPUT), "chain_input");
}

int main(void)
{
    test_time();
    test_opts();
    test_exit();
    CHECK_DONE();
}
