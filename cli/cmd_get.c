/*
 * `iotls get URL`: one HTTP/1.1 GET over an iotls connection. The body goes
 * to stdout or -o FILE; an incomplete body is an error, never a silent
 * short file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"
#include "http.h"
#include "outfile.h"
#include "report.h"
#include "session.h"

typedef struct get_ctx {
    const iotls_cli_opts *o;
    iotls_cli_outfile *out;
} get_ctx;

/* Prints a block of CRLF lines to stderr, each with a prefix (curl -v style). */
static void show_lines(const char *prefix, const unsigned char *p, size_t n)
{
    const unsigned char *e = p + n;
    while (p < e) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len)
            fprintf(stderr, "%s%.*s\n", prefix, (int)len, (const char *)p);
        p = nl ? nl + 1 : e;
    }
}

static int on_head(void *ctx, const unsigned char *p, size_t n)
{
    get_ctx *g = ctx;
    if (g->o->verbose)
        show_lines("< ", p, n);
    if (g->o->include_headers)
        return iotls_cli_outfile_write(g->out, p, n);
    return 0;
}

static int on_body(void *ctx, const unsigned char *p, size_t n)
{
    get_ctx *g = ctx;
    return iotls_cli_outfile_write(g->out, p, n);
}

static int output_failed(iotls_cli_result *r, const iotls_cli_opts *o, int err)
{
    char msg[512];
    snprintf(msg, sizeof msg, "cannot write the output to %s: %s", o->output ? o->output : "stdout",
             strerror(err ? err : EIO));
    iotls_cli_result_fail(r, IOTLS_CLI_EXIT_SETUP, "setup", "output_failed", msg);
    return r->exit_code;
}

/* Sends the request and reads the response into h. Returns 0 or the exit
 * code; *peer_closed says the server ended with close_notify. */
static int exchange(iotls_cli_session *s, iotls_cli_http *h, iotls_cli_outfile *out,
                    int *peer_closed)
{
    const iotls_cli_opts *o = s->opts;
    iotls_cli_result *r = s->r;
    char req[IOTLS_CLI_MAX_PATH + 512];
    unsigned char buf[16384];
    int n, rc;

    n = iotls_cli_http_request(&o->url, req, sizeof req);
    if (n < 0) {
        iotls_cli_result_fail(r, IOTLS_CLI_EXIT_USAGE, "setup", "usage", "request too long");
        return r->exit_code;
    }
    if (o->verbose)
        show_lines("> ", (const unsigned char *)req, (size_t)n);
    if ((rc = iotls_cli_session_bound(s, IOTLS_STAGE_WRITE)) != 0)
        return rc;
    if (iotls_conn_write(&s->conn, (const unsigned char *)req, (size_t)n) < 0)
        return iotls_cli_session_fail(s);

    for (;;) {
        if ((rc = iotls_cli_session_bound(s, IOTLS_STAGE_READ)) != 0)
            return rc;
        n = iotls_conn_read(&s->conn, buf, sizeof buf);
        if (n < 0)
            return iotls_cli_session_fail(s);
        if (r->first_byte_ms < 0 && n > 0)
            r->first_byte_ms = iotls_conn_timings(&s->conn)->first_byte_ms;
        if (n == 0) {
            *peer_closed = 1;
            iotls_cli_verbose(o, "the server closed the connection with close_notify");
            rc = iotls_cli_http_finish(h);
        } else {
            rc = iotls_cli_http_feed(h, buf, (size_t)n);
        }
        r->has_http = h->status != 0;
        if (rc == IOTLS_CLI_HTTP_ERROR) {
            iotls_cli_session_evidence(s);
            if (h->error == IOTLS_CLI_HTTP_E_SINK)
                return output_failed(r, o, out->err);
            iotls_cli_result_fail(r, IOTLS_CLI_EXIT_HTTP, "http",
                                  iotls_cli_http_error_name(h->error), h->err);
            return r->exit_code;
        }
        if (rc == IOTLS_CLI_HTTP_DONE)
            return 0;
        if (n == 0)
            return 0; /* finish() returns DONE or ERROR; not reached */
    }
}

int iotls_cli_cmd_get(const iotls_cli_opts *o)
{
    iotls_cli_session s;
    iotls_cli_result r;
    iotls_cli_outfile out;
    iotls_cli_http *h = NULL;
    get_ctx g;
    int rc, peer_closed = 0;

    iotls_cli_result_init(&r, "get", o->url.host, o->url.port);
    iotls_cli_session_init(&s, o, &r);
    if (o->json && !o->output)
        iotls_cli_verbose(o, "--json without -o: the body is discarded");
    if (iotls_cli_outfile_open(&out, o->output, o->json) != 0) {
        rc = output_failed(&r, o, out.err);
        goto report;
    }
    g.o = o;
    g.out = &out;
    h = malloc(sizeof *h);
    if (!h) {
        iotls_cli_result_fail(&r, IOTLS_CLI_EXIT_INTERNAL, "setup", "alloc", "out of memory");
        rc = r.exit_code;
        goto report;
    }
    iotls_cli_http_init(h, on_head, on_body, &g);
    rc = iotls_cli_session_open(&s);
    if (rc == 0)
        rc = exchange(&s, h, &out, &peer_closed);
    if (r.has_http) {
        r.http_status = h->status;
        r.content_length = h->content_length;
        r.chunked = h->chunked;
        r.body_bytes = h->body_bytes;
    }
    if (rc == 0 && iotls_cli_outfile_commit(&out) != 0)
        rc = output_failed(&r, o, out.err);
    if (rc == 0) {
        r.ok = 1;
        iotls_cli_verbose(o, "HTTP %d, %llu body bytes; sending close_notify", h->status,
                          (unsigned long long)h->body_bytes);
        /* Once the server has sent its close_notify the exchange is complete;
         * a failure to send ours then (it may have gone) changes nothing. */
        if (iotls_conn_close(&s.conn) != IOTLS_OK && !peer_closed)
            rc = iotls_cli_session_fail(&s);
        else
            iotls_cli_session_evidence(&s);
    }
report:
    if (rc != 0)
        iotls_cli_outfile_abort(&out);
    iotls_cli_session_report(&s, rc);
    free(h);
    iotls_cli_session_free(&s);
    return rc;
}
