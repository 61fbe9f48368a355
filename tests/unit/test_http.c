/*
 * HTTP: the request, and the response parser on good, odd and hostile input
 * (non-HTTP protocols, malformed lines, header blocks that never end, bodies
 * cut short), fed whole and byte by byte.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http.h"

typedef struct out {
    char head[2048];
    size_t head_len;
    int heads;
    char body[8192];
    size_t body_len;
} out;

static int on_head(void *ctx, const unsigned char *p, size_t n)
{
    out *o = ctx;
    o->heads++;
    if (n > sizeof o->head)
        n = sizeof o->head;
    memcpy(o->head, p, n);
    o->head_len = n;
    return 0;
}

static int on_body(void *ctx, const unsigned char *p, size_t n)
{
    out *o = ctx;
    if (o->body_len + n > sizeof o->body)
        return -1;
    memcpy(o->body + o->body_len, p, n);
    o->body_len += n;
    return 0;
}

static iotls_cli_http *h;
static out o;

/* Feeds s in pieces of step (0: whole); with eof, then a clean close. */
static int run_n(const char *s, size_t len, size_t step, int eof)
{
    size_t off = 0;
    int rc = IOTLS_CLI_HTTP_MORE;

    memset(&o, 0, sizeof o);
    iotls_cli_http_init(h, on_head, on_body, &o);
    if (step == 0)
        step = len ? len : 1;
    while (off < len && rc == IOTLS_CLI_HTTP_MORE) {
        size_t n = len - off < step ? len - off : step;
        rc = iotls_cli_http_feed(h, (const unsigned char *)s + off, n);
        off += n;
    }
    if (rc == IOTLS_CLI_HTTP_MORE && eof)
        rc = iotls_cli_http_finish(h);
    return rc;
}

static int run(const char *s, size_t step, int eof)
{
    return run_n(s, strlen(s), step, eof);
}

static void test_request(void)
{
    iotls_cli_url u;
    char buf[512], err[128];

    CHECK(iotls_cli_url_parse("https://example.com/a?b=c#d", &u, err, sizeof err) == 0);
    CHECK(iotls_cli_http_request(&u, buf, sizeof buf) > 0);
    CHECK_STR(buf, "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nUser-Agent: iotls/0.1\r\n"
                   "Accept: */*\r\nConnection: close\r\n\r\n");
    CHECK(iotls_cli_url_parse("https://[::1]:8443", &u, err, sizeof err) == 0);
    CHECK(iotls_cli_http_request(&u, buf, sizeof buf) > 0);
    CHECK(strstr(buf, "GET / HTTP/1.1\r\nHost: [::1]:8443\r\n") == buf);
    CHECK_INT(iotls_cli_http_request(&u, buf, 20), -1);
}

static void test_lengths(void)
{
    static const size_t steps[] = {0, 1, 2, 13};
    const char *r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        CHECK_INT(run(r, steps[i], 0), IOTLS_CLI_HTTP_DONE);
        CHECK_INT(h->status, 200);
        CHECK_STR(h->reason, "OK");
        CHECK_INT(h->version_minor, 1);
        CHECK_INT(h->content_length, 5);
        CHECK_INT(h->framing, IOTLS_CLI_HTTP_BODY_LENGTH);
        CHECK_INT(o.body_len, 5);
        CHECK(memcmp(o.body, "hello", 5) == 0);
        CHECK_INT(o.heads, 1);
        CHECK_INT(o.head_len, strlen(r) - 5);
        CHECK_INT(h->headers, 2);
    }
    /* Bytes past Content-Length are not body. */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 0, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(o.body_len, 2);
    /* Content-Length: 0 is done at the header's end. */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->body_bytes, 0);
    /* Case-insensitive names, blanks around values, bare LF line ends, HTTP/1.0,
     * empty reason. */
    CHECK_INT(run("HTTP/1.0 404\nconTENT-length:   3  \n\nabc", 1, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->status, 404);
    CHECK_INT(h->version_minor, 0);
    CHECK_STR(h->reason, "");
    CHECK_INT(o.body_len, 3);
    /* duplicate equal Content-Length is fine */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 0, 0),
              IOTLS_CLI_HTTP_DONE);
    /* 204 and 304 have no body */
    CHECK_INT(run("HTTP/1.1 204 No Content\r\n\r\n", 0, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->framing, IOTLS_CLI_HTTP_BODY_NONE);
    CHECK_INT(run("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0, 0),
              IOTLS_CLI_HTTP_DONE);
}

static void test_chunked_and_close(void)
{
    const char *r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5;a=b\r\nhello\r\n1\r\n!\r\n0\r\nX-T: 1\r\n\r\n";
    CHECK_INT(run(r, 1, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->chunked, 1);
    CHECK_INT(h->framing, IOTLS_CLI_HTTP_BODY_CHUNKED);
    CHECK_INT(o.body_len, 6);
    CHECK(memcmp(o.body, "hello!", 6) == 0);
    /* Transfer-Encoding wins over Content-Length (RFC 9112 6.3) */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                  "2\r\nhi\r\n0\r\n\r\n", 0, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->content_length, -1);
    CHECK_INT(o.body_len, 2);
    /* no length: the body ends with the connection */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil the end", 3, 0), IOTLS_CLI_HTTP_MORE);
    CHECK_INT(h->framing, IOTLS_CLI_HTTP_BODY_CLOSE);
    CHECK_INT(iotls_cli_http_finish(h), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(o.body_len, 13);
    /* a coding other than chunked last: also until the close */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", 0, 1), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->framing, IOTLS_CLI_HTTP_BODY_CLOSE);
    /* an interim 100 Continue is skipped */
    CHECK_INT(run("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                  1, 0), IOTLS_CLI_HTTP_DONE);
    CHECK_INT(h->status, 201);
    CHECK_INT(h->interim, 1);
    CHECK_INT(o.heads, 1);
    CHECK(strncmp(o.head, "HTTP/1.1 201", 12) == 0);
    /* the chunked body's own error surfaces as malformed */
    CHECK_INT(run("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, 0),
              IOTLS_CLI_HTTP_ERROR);
    CHECK_INT(h->error, IOTLS_CLI_HTTP_E_MALFORMED);
    CHECK(strstr(h->err, "overflow") != NULL);
}

static void expect_error(const char *r, size_t step, int eof, iotls_cli_http_error kind,
                         const char *why)
{
    CHECK_INT(run(r, step, eof), IOTLS_CLI_HTTP_ERROR);
    CHECK_INT(h->error, kind);
    CHECK(strstr(h->err, why) != NULL);
    if (!strstr(h->err, why))
        fprintf(stderr, "  err was: %s\n", h->err);
    CHECK(strchr(h->err, '\n') == NULL);
    CHECK_INT(iotls_cli_http_feed(h, (const unsigned char *)"x", 1), IOTLS_CLI_HTTP_ERROR);
}

static void test_not_http(void)
{
    expect_error("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 0, 0, IOTLS_CLI_HTTP_E_NOT_HTTP,
                 "SSH-2.0-OpenSSH_9.2p1");
    expect_error("220 mail.example.test ESMTP Postfix\r\n", 0, 0, IOTLS_CLI_HTTP_E_NOT_HTTP,
                 "220 mail");
    expect_error("S", 1, 0, IOTLS_CLI_HTTP_E_NOT_HTTP, "not an HTTP response");
    expect_error("HTTX/1.1 200 OK\r\n\r\n", 1, 0, IOTLS_CLI_HTTP_E_NOT_HTTP, "not an HTTP");
    expect_error("\x16\x03\x03\x00\x02\x02\x28", 0, 0, IOTLS_CLI_HTTP_E_NOT_HTTP, "\\x16\\x03");
    expect_error("", 0, 1, IOTLS_CLI_HTTP_E_NOT_HTTP, "without sending");
}

static void test_malformed(void)
{
    expect_error("HTTP/2 200\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 2000 OK\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 20 OK\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 abc OK\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 600 Odd\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 200OK\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "status line");
    expect_error("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 1, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "header line 1");
    expect_error("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "header line");
    expect_error("HTTP/1.1 200 OK\r\n: v\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "header line");
    expect_error("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "folded");
    expect_error("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "control");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "Content-Length");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "Content-Length");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "Content-Length");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, 0,
                 IOTLS_CLI_HTTP_E_MALFORMED, "too large");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, 0,
                 IOTLS_CLI_HTTP_E_MALFORMED, "conflicting");
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", 0, 0, IOTLS_CLI_HTTP_E_MALFORMED,
                 "Content-Length");
}

static void test_bounds(void)
{
    /* A header block that never ends: bounded, fed in pieces. */
    size_t big = IOTLS_CLI_HTTP_MAX_HEAD + 4096;
    char *r = malloc(big + 1);
    size_t off = 0;
    off += (size_t)sprintf(r, "HTTP/1.1 200 OK\r\n");
    while (off + 20 < big)
        off += (size_t)sprintf(r + off, "X-Pad: aaaaaaaaaa\r\n");
    r[off] = '\0';
    expect_error(r, 1000, 0, IOTLS_CLI_HTTP_E_TOO_LARGE, "never ends");
    expect_error(r, 0, 0, IOTLS_CLI_HTTP_E_TOO_LARGE, "never ends");
    /* one endless line, no newline at all */
    memset(r, 'a', big);
    memcpy(r, "HTTP/1.1 200 ", 13);
    r[big] = '\0';
    expect_error(r, 7, 0, IOTLS_CLI_HTTP_E_TOO_LARGE, "65536");
    /* too many header lines within the byte bound */
    off = (size_t)sprintf(r, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < IOTLS_CLI_HTTP_MAX_HEADERS + 1; i++)
        off += (size_t)sprintf(r + off, "H%d: v\r\n", i);
    off += (size_t)sprintf(r + off, "\r\n");
    expect_error(r, 0, 0, IOTLS_CLI_HTTP_E_TOO_LARGE, "header lines");
    /* exactly the limit passes */
    off = (size_t)sprintf(r, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < IOTLS_CLI_HTTP_MAX_HEADERS; i++)
        off += (size_t)sprintf(r + off, "H%d: v\r\n", i);
    off += (size_t)sprintf(r + off, "Content-Length: 0\r\n\r\n");
    CHECK_INT(run(r, 0, 0), IOTLS_CLI_HTTP_ERROR); /* 101 lines with Content-Length */
    off = (size_t)sprintf(r, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < IOTLS_CLI_HTTP_MAX_HEADERS - 1; i++)
        off += (size_t)sprintf(r + off, "H%d: v\r\n", i);
    off += (size_t)sprintf(r + off, "Content-Length: 0\r\n\r\n");
    CHECK_INT(run(r, 0, 0), IOTLS_CLI_HTTP_DONE);
    free(r);
    /* endless 1xx responses are bounded */
    {
        char many[2048] = "";
        for (int i = 0; i < IOTLS_CLI_HTTP_MAX_INTERIM + 1; i++)
            strcat(many, "HTTP/1.1 100 Continue\r\n\r\n");
        expect_error(many, 0, 0, IOTLS_CLI_HTTP_E_MALFORMED, "1xx");
    }
}

static void test_cut_short(void)
{
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 0, 1,
                 IOTLS_CLI_HTTP_E_CUT_SHORT, "body cut short: got 5 of 10 bytes");
    CHECK_INT(o.body_len, 5);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 1, 1,
                 IOTLS_CLI_HTTP_E_CUT_SHORT, "before its last chunk");
    expect_error("HTTP/1.1 200 OK\r\nContent-Le", 0, 1, IOTLS_CLI_HTTP_E_MALFORMED,
                 "inside the header block");
}

static void test_sink_refuses(void)
{
    static char big[9000];
    memset(big, 'x', sizeof big);
    memcpy(big, "HTTP/1.1 200 OK\r\n\r\n", 19);
    CHECK_INT(run_n(big, sizeof big, 0, 0), IOTLS_CLI_HTTP_ERROR);
    CHECK_INT(h->error, IOTLS_CLI_HTTP_E_SINK);
    CHECK_STR(iotls_cli_http_error_name(IOTLS_CLI_HTTP_E_SINK), "output_failed");
    CHECK_STR(iotls_cli_http_error_name(IOTLS_CLI_HTTP_E_CUT_SHORT), "body_cut_short");
    CHECK_STR(iotls_cli_http_error_name(IOTLS_CLI_HTTP_E_NOT_HTTP), "not_http");
}

int main(void)
{
    h = malloc(sizeof *h);
    if (!h)
        return 1;
    test_request();
    test_lengths();
    test_chunked_and_close();
    test_not_http();
    test_malformed();
    test_bounds();
    test_cut_short();
    test_sink_refuses();
    free(h);
    return CHECK_DONE();
}
