/*
 * Fuzz target: the tool's command-line parsers (cli/url.c, cli/opts.c):
 * URLs, HOST[:PORT] targets, --resolve entries, ports, seconds, and the
 * whole option parser.
 *
 * Input: the first byte sizes the error buffer (0..255 bytes: a caller may
 * pass a small one); the rest is split at NUL bytes into strings. Every
 * string goes through each single parser; all of them together are the
 * argv of iotls_cli_opts_parse().
 *
 * Oracles: results are terminated and within bounds; a parsed URL has a
 * path starting with '/', a port, and a Host header and request that fit.
 */
#include "fuzz_util.h"
#include "http.h"
#include "opts.h"
#include "url.h"

#define MAX_ARGS 40

static void check_url(const iotls_cli_url *u)
{
    char host[IOTLS_MAX_HOSTNAME + 16];
    static char req[IOTLS_CLI_MAX_PATH + 1024];
    int n;

    FUZZ_TERMINATED(u->host);
    FUZZ_TERMINATED(u->path);
    FUZZ_ASSERT(u->path[0] == '/');
    FUZZ_ASSERT(u->port != 0);
    n = iotls_cli_url_host_header(u, host, sizeof host);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof host);
    (void)iotls_cli_url_host_header(u, host, 3);
    FUZZ_ASSERT(memchr(host, '\0', 3) != NULL);
    n = iotls_cli_http_request(u, req, sizeof req);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof req);
    FUZZ_ASSERT(memchr(req, '\0', (size_t)n) == NULL);
    FUZZ_ASSERT(iotls_cli_http_request(u, req, 16) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static iotls_cli_opts o;
    static iotls_cli_url u;
    iotls_cli_resolve r;
    char *buf, *argv[MAX_ARGS + 2], *err;
    size_t errlen, at, i;
    int argc = 1;
    uint16_t port;
    uint32_t ms;

    if (size == 0)
        return 0;
    errlen = data[0];
    data++;
    size--;
    err = (char *)malloc(errlen ? errlen : 1);
    buf = (char *)malloc(size + 1);
    FUZZ_ASSERT(err != NULL && buf != NULL);
    memcpy(buf, data, size);
    buf[size] = '\0';

    argv[0] = (char *)"iotls";
    for (at = 0; at <= size && argc <= MAX_ARGS; at += strlen(buf + at) + 1) {
        const char *s = buf + at;
        argv[argc++] = buf + at;

        if (iotls_cli_url_parse(s, &u, err, errlen) == 0)
            check_url(&u);
        else if (errlen)
            FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
        if (iotls_cli_target_parse(s, &u, err, errlen) == 0)
            check_url(&u);
        if (iotls_cli_resolve_parse(s, &r, err, errlen) == 0) {
            FUZZ_TERMINATED(r.host);
            FUZZ_TERMINATED(r.addr);
            FUZZ_ASSERT(r.port != 0);
        }
        for (i = 0; i <= 6 && s[i] != '\0'; i++)
            if (iotls_cli_port_parse(s, i, &port) == 0)
                FUZZ_ASSERT(port != 0 && i > 0);
        if (iotls_cli_seconds_parse(s, &ms) == 0)
            FUZZ_ASSERT(ms > 0);
    }
    argv[argc] = NULL;

    memset(&o, 0, sizeof o);
    if (iotls_cli_opts_parse(argc, argv, &o, err, errlen) == 0) {
        FUZZ_ASSERT(o.n_resolve <= IOTLS_CLI_MAX_RESOLVE);
        FUZZ_ASSERT(o.debug >= 0 && o.debug <= 4);
        if (o.target != NULL && (o.command == IOTLS_CLI_CMD_GET ||
                                 o.command == IOTLS_CLI_CMD_CONNECT ||
                                 o.command == IOTLS_CLI_CMD_DIAGNOSE))
            check_url(&o.url);
    } else if (errlen) {
        FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
    }
    free(buf);
    free(err);
    return 0;
}
