/*
 * `iotls diagnose` end to end against the demo's seed server (in this
 * process, on 127.0.0.1, alert 40 for any SNI but its own): the seed case
 * is confirmed as sni_rejected in 2 connections, the right SNI needs no
 * diagnosis (1 connection, exit 0), and a closed port stops after the
 * reproduction. The --json object is read back from a temporary stdout.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "opts_args.h"
#include "cmd.h"
#include "demo_server.h"
#include "exitcode.h"
#include "opts.h"

static iotls_cli_demo_server srv;
static iotls_cli_opts o;
static char out[65536];
static char ca_path[64];

/* Runs `iotls diagnose` with the arguments; its stdout lands in out. */
static int run(const char *a0, ...)
{
    char err[256];
    int rc, saved;
    va_list ap;
    FILE *f;
    size_t n;

    va_start(ap, a0);
    rc = parse_args_v(&o, err, sizeof err, a0, ap);
    va_end(ap);
    if (rc != 0) {
        fprintf(stderr, "parse: %s\n", err);
        return -100;
    }
    f = tmpfile();
    if (f == NULL)
        return -101;
    fflush(stdout);
    saved = dup(1);
    dup2(fileno(f), 1);
    rc = iotls_cli_cmd_diagnose(&o);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    return rc;
}

int main(void)
{
    char port[8], target[64], resolve[96];
    FILE *ca;
    int fd;

    /* as the tool's main(): a peer that closed is an error to report, not
     * a signal (the demo server writes with plain send) */
    signal(SIGPIPE, SIG_IGN);
    if (iotls_cli_demo_server_start(&srv) != 0) {
        fprintf(stderr, "demo server: %s\n", srv.err);
        iotls_cli_demo_server_stop(&srv);
        CHECK(0);
        return CHECK_DONE();
    }
    snprintf(ca_path, sizeof ca_path, "/tmp/iotls-diag-ca-XXXXXX");
    fd = mkstemp(ca_path);
    CHECK(fd >= 0);
    ca = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(ca != NULL);
    if (ca == NULL) {
        iotls_cli_demo_server_stop(&srv);
        return CHECK_DONE();
    }
    fwrite(srv.ca_pem, 1, srv.ca_pem_len, ca);
    fclose(ca);
    snprintf(port, sizeof port, "%u", (unsigned)srv.port);
    snprintf(target, sizeof target, "%s:%s", IOTLS_CLI_DEMO_NAME, port);
    snprintf(resolve, sizeof resolve, "%s:%s:127.0.0.1", IOTLS_CLI_DEMO_NAME, port);

    /* The seed case: confirmed by SNI = host, 2 connections, exit 6. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", ca_path, "--sni",
                  "mbed TLS Server 1", "--json", NULL),
              IOTLS_CLI_EXIT_HANDSHAKE);
    CHECK(strstr(out, "\"command\":\"diagnose\"") != NULL);
    CHECK(strstr(out, "\"cause\":\"sni_rejected\",\"certainty\":\"confirmed\"") != NULL);
    CHECK(strstr(out, "mbedtls_ssl_set_hostname(&ssl, \\\"device-api.example.test\\\");") != NULL);
    CHECK(strstr(out, "\"connections\":2,") != NULL);
    CHECK(strstr(out, "\"confirmed\":true,\"confirmed_by\":\"sni_host\"") != NULL);
    CHECK(strstr(out, "\"change\":\"none\"") != NULL);
    CHECK(strstr(out, "\"description\":40,\"name\":\"handshake_failure\"") != NULL);

    /* The same for people: each attempt, the conclusion, the page. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", ca_path, "--sni",
                  "mbed TLS Server 1", NULL),
              IOTLS_CLI_EXIT_HANDSHAKE);
    CHECK(strstr(out, "at most 12 connections") != NULL);
    CHECK(strstr(out, "[2] SNI = the dialed host") != NULL);
    CHECK(strstr(out, "cause: sni_rejected (confirmed)") != NULL);
    CHECK(strstr(out, "docs/causes/sni_rejected.md") != NULL);
    CHECK(strstr(out, "connections made: 2") != NULL);

    /* No SNI: the seed server refuses that too; confirmed as sni_missing. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", ca_path, "--no-sni",
                  "--json", NULL),
              IOTLS_CLI_EXIT_HANDSHAKE);
    CHECK(strstr(out, "\"cause\":\"sni_missing\",\"certainty\":\"confirmed\"") != NULL);

    /* The right name: nothing to diagnose. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", ca_path, "--json", NULL),
              IOTLS_CLI_EXIT_OK);
    CHECK(strstr(out, "\"ok\":true") != NULL);
    CHECK(strstr(out, "\"cause\":null") != NULL);
    CHECK(strstr(out, "\"connections\":1,") != NULL);
    CHECK(strstr(out, "\"confirmed\":false") != NULL);

    /* A CA file that does not exist: no connection at all. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", "/nonexistent/ca.pem",
                  "--json", NULL),
              IOTLS_CLI_EXIT_SETUP);
    CHECK(strstr(out, "\"connections\":0,") != NULL);
    CHECK(strstr(out, "\"cause\":\"ca_load_error\"") != NULL);

    iotls_cli_demo_server_stop(&srv);

    /* The server is gone: refused, no retry can change that. */
    CHECK_INT(run("diagnose", target, "--resolve", resolve, "--cacert", ca_path, "--json", NULL),
              IOTLS_CLI_EXIT_CONNECT);
    CHECK(strstr(out, "\"cause\":\"connection_refused\"") != NULL);
    CHECK(strstr(out, "\"connections\":1,") != NULL);

    unlink(ca_path);
    return CHECK_DONE();
}
