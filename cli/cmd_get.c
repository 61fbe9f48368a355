/*
 * `iotls get URL`: HTTP/1.1 over an iotls connection, one connection per
 * request. The body goes to stdout or -o FILE; an incomplete body is an
 * error, never a silent short file. With -L, each redirect is a new
 * request on a new connection (another host: its own SNI and certificate
 * check), https:// only (docs/http.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "http.h"
#include "http_req.h"
#include "outfile.h"
#include "progress.h"
#include "redirect.h"
#include "report.h"
#include "session.h"
#include "session_file.h"
#include "writeout.h"

#define LOCATION_MAX (IOTLS_CLI_MAX_PATH + IOTLS_MAX_HOSTNAME + 64)
#define URL_TEXT_MAX (IOTLS_CLI_MAX_PATH + IOTLS_MAX_HOSTNAME + 32)

typedef struct get_ctx {
    const iotls_cli_opts *o;
    iotls_cli_outfile out;
    iotls_cli_http *h;
    iotls_cli_progress prog;
    int discard;                     /* this response's body is not output */
    int fail_status;                 /* --fail and a status >= 400 */
    int location_len;                /* -1: no Location header */
    char location[LOCATION_MAX];
    unsigned long long size_header;  /* every response's header block */
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
    const iotls_cli_http_opts *ho = &g->o->http;
    int status = g->h->status;

    g->size_header += n;
    if (g->o->verbose)
        show_lines("< ", p, n);
    g->location_len =
        iotls_cli_http_find_header(p, n, "location", g->location, sizeof g->location);
    g->fail_status = ho->fail && status >= 400;
    /* A response that -L follows has its body read and dropped. */
    g->discard = g->fail_status ||
                 (ho->follow && iotls_cli_redirect_status(status) && g->location_len >= 0);
    if (g->o->include_headers && !g->fail_status &&
        iotls_cli_outfile_write(&g->out, p, n) != 0)
        return -1;
    if (!g->discard && g->h->framing != IOTLS_CLI_HTTP_BODY_NONE)
        iotls_cli_progress_start(&g->prog, g->h->content_length, iotls_cli_now_ms());
    return 0;
}

static int on_body(void *ctx, const unsigned char *p, size_t n)
{
    get_ctx *g = ctx;
    if (g->discard)
        return 0;
    iotls_cli_progress_add(&g->prog, n, iotls_cli_now_ms());
    return iotls_cli_outfile_write(&g->out, p, n);
}

static int output_failed(iotls_cli_result *r, const iotls_cli_opts *o, int err)
{
    char msg[512];
    snprintf(msg, sizeof msg, "cannot write the output to %s: %s", o->output ? o->output : "stdout",
             strerror(err ? err : EIO));
    iotls_cli_result_fail(r, IOTLS_CLI_EXIT_SETUP, "setup", "output_failed", msg);
    return r->exit_code;
}

/* One request of the command: what it sends. */
typedef struct hop {
    const char *method;
    int send_body;
    int private_dropped;   /* another host than the URL given */
    unsigned long long sent_head, sent_body;
} hop;

/* Sends the request and reads the response into h. Returns 0 or the exit
 * code; *peer_closed says the server ended with close_notify. */
static int exchange(iotls_cli_session *s, get_ctx *g, hop *hp, const iotls_cli_req_body *body,
                    int *peer_closed)
{
    const iotls_cli_opts *o = s->opts;
    iotls_cli_result *r = s->r;
    iotls_cli_http *h = g->h;
    unsigned char buf[16384];
    char *req = NULL;
    size_t req_len;
    int n, rc;

    if (iotls_cli_req_head(&o->http, hp->method, &o->url, hp->send_body,
                           hp->send_body ? body->len : 0, hp->private_dropped, &req,
                           &req_len) != 0) {
        iotls_cli_result_fail(r, IOTLS_CLI_EXIT_USAGE, "setup", "usage",
                              "the request head is larger than 64 KiB (long -H headers?)");
        return r->exit_code;
    }
    if (o->verbose) {
        show_lines("> ", (const unsigned char *)req, req_len);
        if (hp->send_body)
            iotls_cli_verbose(o, "sending a body of %zu bytes", body->len);
    }
    if ((rc = iotls_cli_session_bound(s, IOTLS_STAGE_WRITE)) != 0 ||
        iotls_conn_write(&s->conn, (const unsigned char *)req, req_len) < 0 ||
        (hp->send_body && body->len &&
         iotls_conn_write(&s->conn, body->p, body->len) < 0)) {
        free(req);
        return rc ? rc : iotls_cli_session_fail(s);
    }
    free(req);
    hp->sent_head += req_len;
    hp->sent_body += hp->send_body ? body->len : 0;

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
                return output_failed(r, o, g->out.err);
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

/* Seconds from the command's start to a connection timing (ms since that
 * connection's own start); 0 when the moment was not reached. */
static double since_start(const iotls_cli_session *s, uint64_t t0, uint32_t ms, int zero_ok)
{
    if ((ms == 0 && !zero_ok) || s->conn.t0_ms == 0 || s->conn.t0_ms + ms < t0)
        return 0.0;
    return (double)(s->conn.t0_ms + ms - t0) / 1000.0;
}

/* Decides what follows a completed response. Returns 0 with *next set
 * (follow it) or *done set (this is the final response), or an exit code
 * (the redirect cannot be followed). */
static int next_hop(get_ctx *g, iotls_cli_result *r, const iotls_cli_url *cur, int redirects,
                    iotls_cli_url *next, int *done)
{
    const iotls_cli_opts *o = g->o;
    int max = iotls_cli_http_max_redirs(&o->http);
    char why[640], msg[sizeof why + 512];
    static char from[URL_TEXT_MAX];

    *done = 1;
    if (!o->http.follow || !iotls_cli_redirect_status(g->h->status) || g->location_len < 0)
        return 0;
    iotls_cli_url_format(cur, from, sizeof from);
    if (g->location_len >= (int)sizeof g->location) {
        snprintf(msg, sizeof msg, "redirect refused: the Location from %.300s is longer than "
                 "%zu bytes", from, sizeof g->location - 1);
        iotls_cli_result_fail(r, IOTLS_CLI_EXIT_HTTP, "http", "redirect_refused", msg);
        return r->exit_code;
    }
    if (redirects >= max) {
        snprintf(msg, sizeof msg, "more than %d redirects (--max-redirs %d): %.200s answered "
                 "%d with Location: %.200s", max, max, from, g->h->status, g->location);
        iotls_cli_result_fail(r, IOTLS_CLI_EXIT_HTTP, "http", "too_many_redirects", msg);
        return r->exit_code;
    }
    if (iotls_cli_redirect_resolve(cur, g->location, next, why, sizeof why) !=
        IOTLS_CLI_REDIRECT_OK) {
        snprintf(msg, sizeof msg, "%s (from %.200s)", why, from);
        iotls_cli_result_fail(r, IOTLS_CLI_EXIT_HTTP, "http", "redirect_refused", msg);
        return r->exit_code;
    }
    *done = 0;
    return 0;
}

static int same_origin(const iotls_cli_url *a, const iotls_cli_url *b)
{
    return a->port == b->port && strcasecmp(a->host, b->host) == 0;
}

int iotls_cli_cmd_get(const iotls_cli_opts *o)
{
    static char url_given[URL_TEXT_MAX], url_now[URL_TEXT_MAX], redirect_url[LOCATION_MAX];
    iotls_cli_session s;
    iotls_cli_result r;
    iotls_cli_req_body body;
    iotls_cli_opts *ho = NULL; /* this request's options: o with its URL */
    iotls_cli_url next;
    iotls_cli_wvals wv;
    get_ctx g;
    hop hp;
    uint64_t t0 = iotls_cli_now_ms(), hop_start = t0;
    int rc, peer_closed = 0, redirects = 0, connects = 0, done = 1, setup_ok = 0;
    char why[512];

    memset(&g, 0, sizeof g);
    memset(&hp, 0, sizeof hp);
    memset(&body, 0, sizeof body);
    memset(&wv, 0, sizeof wv);
    g.o = o;
    g.location_len = -1;
    redirect_url[0] = '\0';
    iotls_cli_url_format(&o->url, url_given, sizeof url_given);
    snprintf(url_now, sizeof url_now, "%s", url_given);
    iotls_cli_progress_init(&g.prog, stderr,
                            !o->http.silent && !o->verbose &&
                                !(isatty(STDOUT_FILENO) && !o->output && !o->json));

    iotls_cli_result_init(&r, "get", o->url.host, o->url.port);
    iotls_cli_session_init(&s, o, &r);
    if (o->json && !o->output)
        iotls_cli_verbose(o, "--json without -o: the body is discarded");
    if (iotls_cli_req_body_load(&o->http, &body, why, sizeof why) != 0) {
        iotls_cli_result_fail(&r, IOTLS_CLI_EXIT_SETUP, "setup", "data_read", why);
        rc = r.exit_code;
        goto report;
    }
    hp.method = iotls_cli_req_method(&o->http, &body);
    hp.send_body = body.present;
    if (iotls_cli_outfile_open(&g.out, o->output, o->json) != 0) {
        rc = output_failed(&r, o, g.out.err);
        goto report;
    }
    ho = malloc(sizeof *ho);
    g.h = malloc(sizeof *g.h);
    if (!ho || !g.h) {
        iotls_cli_result_fail(&r, IOTLS_CLI_EXIT_INTERNAL, "setup", "alloc", "out of memory");
        rc = r.exit_code;
        goto report;
    }
    *ho = *o;
    setup_ok = 1;

    for (;;) {
        iotls_cli_http_init(g.h, on_head, on_body, &g);
        g.h->head_request = strcmp(hp.method, "HEAD") == 0;
        g.location_len = -1;
        g.discard = g.fail_status = 0;
        peer_closed = 0;
        connects++;
        rc = iotls_cli_session_open(&s);
        if (rc == 0)
            rc = exchange(&s, &g, &hp, &body, &peer_closed);
        if (r.has_http) {
            r.http_status = g.h->status;
            r.content_length = g.h->content_length;
            r.chunked = g.h->chunked;
            r.body_bytes = g.h->body_bytes;
        }
        if (rc != 0)
            break;
        rc = next_hop(&g, &r, &ho->url, redirects, &next, &done);
        if (rc != 0 || done)
            break;

        /* Follow: this connection is finished with; its close_notify is a
         * courtesy (the response is complete). */
        redirects++;
        iotls_cli_url_format(&next, url_now, sizeof url_now);
        iotls_cli_verbose(o, "redirect %d (HTTP %d) to %s", redirects, g.h->status, url_now);
        iotls_conn_close(&s.conn);
        iotls_cli_session_free(&s);
        if (!same_origin(&next, &o->url)) {
            /* --sni names the URL's host; another host gets its own name,
             * and is offered no session saved for the URL's host. */
            hp.private_dropped = 1;
            ho->sni = NULL;
            ho->session_file = NULL;
        } else {
            hp.private_dropped = 0;
            ho->sni = o->sni;
            ho->session_file = o->session_file;
        }
        hp.method = iotls_cli_redirect_method(g.h->status, hp.method, &hp.send_body);
        hp.send_body = hp.send_body && body.present;
        ho->url = next;
        hop_start = iotls_cli_now_ms();
        iotls_cli_result_init(&r, "get", ho->url.host, ho->url.port);
        iotls_cli_session_init(&s, ho, &r);
        /* --max-time bounds the whole command, every redirect included */
        s.t0_ms = t0;
        s.deadline_ms = o->max_time_ms ? t0 + o->max_time_ms : 0;
    }

    if (rc == 0 && g.fail_status) {
        char msg[sizeof url_now + 160];
        snprintf(msg, sizeof msg, "HTTP %d%s%s from %s (--fail: the body was not written)",
                 g.h->status, g.h->reason[0] ? " " : "", g.h->reason, url_now);
        iotls_cli_result_fail(&r, IOTLS_CLI_EXIT_HTTP_STATUS, "http", "http_status", msg);
        rc = r.exit_code;
        iotls_conn_close(&s.conn); /* the response was read whole */
        iotls_cli_session_evidence(&s);
    }
    if (rc == 0 && g.location_len >= 0 && g.location_len < (int)sizeof g.location &&
        iotls_cli_redirect_status(g.h->status)) {
        /* not followed (no -L): %{redirect_url} says where it pointed */
        if (iotls_cli_redirect_resolve(&ho->url, g.location, &next, why, sizeof why) ==
            IOTLS_CLI_REDIRECT_OK)
            iotls_cli_url_format(&next, redirect_url, sizeof redirect_url);
        else
            snprintf(redirect_url, sizeof redirect_url, "%s", g.location);
    }
    if (rc == 0 && iotls_cli_outfile_commit(&g.out) != 0)
        rc = output_failed(&r, o, g.out.err);
    if (rc == 0) {
        r.ok = 1;
        iotls_cli_verbose(o, "HTTP %d, %llu body bytes; sending close_notify", g.h->status,
                          (unsigned long long)g.h->body_bytes);
        iotls_cli_session_file_save(&s); /* --session FILE */
        /* Once the server has sent its close_notify the exchange is complete;
         * a failure to send ours then (it may have gone) changes nothing. */
        if (iotls_conn_close(&s.conn) != IOTLS_OK && !peer_closed)
            rc = iotls_cli_session_fail(&s);
        else
            iotls_cli_session_evidence(&s);
    }
report:
    iotls_cli_progress_end(&g.prog, iotls_cli_now_ms());
    if (rc != 0)
        iotls_cli_outfile_abort(&g.out);
    iotls_cli_session_report(&s, rc);
    if (o->http.write_out) {
        const iotls_timings *t = iotls_conn_timings(&s.conn);
        uint32_t vr;
        wv.http_code = r.has_http ? r.http_status : 0;
        wv.http_version_minor = r.has_http ? g.h->version_minor : -1;
        /* dns_ms is 0 for an IP literal or --resolve: no lookup, done at once */
        wv.t_namelookup = since_start(&s, t0, t->dns_ms, 1);
        wv.t_connect = since_start(&s, t0, t->connect_ms, 0);
        wv.t_appconnect = since_start(&s, t0, t->handshake_ms, 0);
        wv.t_starttransfer = since_start(&s, t0, t->first_byte_ms, 0);
        wv.t_redirect = redirects ? (double)(hop_start - t0) / 1000.0 : 0.0;
        wv.t_total = (double)(iotls_cli_now_ms() - t0) / 1000.0;
        wv.size_download = r.has_http ? g.h->body_bytes : 0;
        wv.size_header = g.size_header;
        wv.size_request = hp.sent_head + hp.sent_body;
        wv.size_upload = hp.sent_body;
        wv.url = url_given;
        wv.url_effective = url_now;
        wv.method = hp.method ? hp.method : "GET";
        wv.remote_ip = r.err.addr;
        wv.remote_port = r.err.addr[0] ? (int)(ho ? ho->url.port : o->url.port) : 0;
        wv.redirect_url = redirect_url;
        wv.errormsg = rc ? r.message : "";
        wv.exitcode = rc;
        wv.num_redirects = redirects;
        wv.num_connects = setup_ok ? connects : 0;
        /* all ones: no verification ran (no handshake); curl then says 0 */
        vr = iotls_conn_verify_result(&s.conn);
        wv.ssl_verify_result = (long long)((vr == 0xFFFFFFFFu ? 0 : vr) | r.err.verify_flags);
        if (r.has_http) {
            wv.head = g.h->head;
            wv.head_len = g.h->head_len;
        }
        iotls_cli_writeout_print(o->http.write_out, &wv, stdout, stderr);
    }
    iotls_cli_req_body_free(&body);
    free(g.h);
    free(ho);
    iotls_cli_session_free(&s);
    return rc;
}
