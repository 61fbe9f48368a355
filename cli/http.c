/*
 * HTTP/1.1 response parsing (RFC 9112). The header block is collected into a
 * fixed buffer and parsed once complete; what follows it is body, framed by
 * (in this order, per RFC 9112 6.3) the status, Transfer-Encoding: chunked,
 * Content-Length, or the end of the connection.
 */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { S_HEAD, S_BODY, S_DONE, S_ERROR };

#define USER_AGENT "iotls/0.1"

int iotls_cli_http_request(const iotls_cli_url *u, char *buf, size_t len)
{
    char host[IOTLS_MAX_HOSTNAME + 16];
    int n;

    iotls_cli_url_host_header(u, host, sizeof host);
    n = snprintf(buf, len,
                 "GET %s HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "User-Agent: " USER_AGENT "\r\n"
                 "Accept: */*\r\n"
                 "Connection: close\r\n"
                 "\r\n",
                 u->path, host);
    if (n < 0 || (size_t)n >= len)
        return -1;
    return n;
}

const char *iotls_cli_http_error_name(iotls_cli_http_error e)
{
    switch (e) {
    case IOTLS_CLI_HTTP_OK: return "ok";
    case IOTLS_CLI_HTTP_E_NOT_HTTP: return "not_http";
    case IOTLS_CLI_HTTP_E_MALFORMED: return "http_malformed";
    case IOTLS_CLI_HTTP_E_TOO_LARGE: return "http_header_too_large";
    case IOTLS_CLI_HTTP_E_CUT_SHORT: return "body_cut_short";
    case IOTLS_CLI_HTTP_E_SINK: return "output_failed";
    }
    return "http_malformed";
}

void iotls_cli_http_init(iotls_cli_http *h, iotls_cli_body_fn head_fn, iotls_cli_body_fn body_fn,
                         void *ctx)
{
    memset(h, 0, sizeof *h);
    h->head_fn = head_fn;
    h->body_fn = body_fn;
    h->ctx = ctx;
    h->state = S_HEAD;
    h->content_length = -1;
    iotls_cli_chunked_init(&h->chunk);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(iotls_cli_http *h, iotls_cli_http_error kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->err, sizeof h->err, fmt, ap);
    va_end(ap);
    h->error = kind;
    h->state = S_ERROR;
    return IOTLS_CLI_HTTP_ERROR;
}

/* The first bytes of what the server sent, printable, for messages. */
static void excerpt(const unsigned char *p, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < outlen && i < 40; i++) {
        unsigned char c = p[i];
        if (c == '\r' || c == '\n')
            break;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, outlen - o, "\\x%02x", c);
            o += 4;
        }
    }
    out[o] = '\0';
}

static int ci_equal(const char *a, size_t alen, const char *b)
{
    if (alen != strlen(b))
        return 0;
    for (size_t i = 0; i < alen; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[i])
            return 0;
    }
    return 1;
}

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int parse_status(iotls_cli_http *h, const char *l, size_t n)
{
    char ex[200];
    size_t r;

    /* HTTP/1.x SP 3DIGIT [SP reason] */
    if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' || l[8] != ' ' ||
        l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
        (n > 12 && l[12] != ' ')) {
        excerpt((const unsigned char *)l, n, ex, sizeof ex);
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "malformed HTTP status line \"%s\"", ex);
    }
    for (size_t i = 13; i < n; i++)
        if (((unsigned char)l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f) {
            excerpt((const unsigned char *)l, n, ex, sizeof ex);
            return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "control character in the status line \"%s\"",
                        ex);
        }
    h->version_minor = l[7] - '0';
    h->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    r = n > 13 ? n - 13 : 0;
    if (r >= sizeof h->reason)
        r = sizeof h->reason - 1;
    if (r)
        memcpy(h->reason, l + 13, r);
    h->reason[r] = '\0';
    return 0;
}

static int parse_length(iotls_cli_http *h, const char *v, size_t n)
{
    int64_t x = 0;
    if (n == 0)
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "empty Content-Length");
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "Content-Length is not a number");
        if (x > (INT64_MAX - 9) / 10)
            return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "Content-Length too large");
        x = x * 10 + (v[i] - '0');
    }
    if (h->content_length >= 0 && h->content_length != x)
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "conflicting Content-Length headers");
    h->content_length = x;
    return 0;
}

/* Transfer-Encoding: chunked frames the body only as the last coding. */
static void parse_te(iotls_cli_http *h, const char *v, size_t n)
{
    size_t end = n, start;
    while (end > 0 && (v[end - 1] == ' ' || v[end - 1] == '\t' || v[end - 1] == ','))
        end--;
    start = end;
    while (start > 0 && v[start - 1] != ',')
        start--;
    while (start < end && (v[start] == ' ' || v[start] == '\t'))
        start++;
    h->chunked = ci_equal(v + start, end - start, "chunked");
}

static int parse_header(iotls_cli_http *h, const char *l, size_t n, int lineno)
{
    size_t i = 0, vs, ve;

    if (l[0] == ' ' || l[0] == '\t')
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "folded header line %d (obsolete, refused)",
                    lineno);
    while (i < n && is_tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i >= n || l[i] != ':')
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "malformed header line %d (no \"Name:\")", lineno);
    for (size_t k = i + 1; k < n; k++)
        if (((unsigned char)l[k] < 0x20 && l[k] != '\t') || l[k] == 0x7f)
            return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "control character in header line %d",
                        lineno);
    vs = i + 1;
    ve = n;
    while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    if (ci_equal(l, i, "content-length"))
        return parse_length(h, l + vs, ve - vs);
    if (ci_equal(l, i, "transfer-encoding"))
        parse_te(h, l + vs, ve - vs);
    return 0;
}

/* Parses head[0..end): status line and header lines. */
static int parse_head(iotls_cli_http *h, size_t end)
{
    const char *p = (const char *)h->head, *stop = p + end;
    int lineno = 0, te_seen = 0;

    h->content_length = -1;
    h->chunked = 0;
    h->headers = 0;
    h->framing = IOTLS_CLI_HTTP_BODY_LENGTH;
    while (p < stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(stop - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0)
            break; /* the blank line ending the block */
        if (lineno == 0) {
            if (parse_status(h, p, n) != 0)
                return -1;
        } else {
            if (++h->headers > IOTLS_CLI_HTTP_MAX_HEADERS)
                return fail(h, IOTLS_CLI_HTTP_E_TOO_LARGE, "more than %d header lines",
                            IOTLS_CLI_HTTP_MAX_HEADERS);
            if (ci_equal(p, n < 18 ? n : 18, "transfer-encoding:"))
                te_seen = 1;
            if (parse_header(h, p, n, lineno) != 0)
                return -1;
        }
        lineno++;
        p = nl ? nl + 1 : stop;
    }
    if ((h->status >= 100 && h->status < 200) || h->status == 204 || h->status == 304 ||
        (h->head_request && h->status >= 200))
        h->framing = IOTLS_CLI_HTTP_BODY_NONE;
    else if (te_seen)
        h->framing = h->chunked ? IOTLS_CLI_HTTP_BODY_CHUNKED : IOTLS_CLI_HTTP_BODY_CLOSE;
    else if (h->content_length >= 0)
        h->framing = IOTLS_CLI_HTTP_BODY_LENGTH;
    else
        h->framing = IOTLS_CLI_HTTP_BODY_CLOSE;
    if (te_seen)
        h->content_length = -1; /* RFC 9112 6.3: Transfer-Encoding overrides it */
    return 0;
}

/* Finds the end of the header block ("\n\n" or "\n\r\n") from h->scan.
 * Returns the offset just past it, or 0 if not there yet. */
static size_t head_end(iotls_cli_http *h)
{
    size_t i;
    for (i = h->scan; i < h->head_len; i++) {
        if (h->head[i] != '\n')
            continue;
        if (i + 1 >= h->head_len)
            break;
        if (h->head[i + 1] == '\n')
            return i + 2;
        if (h->head[i + 1] == '\r') {
            if (i + 2 >= h->head_len)
                break;
            if (h->head[i + 2] == '\n')
                return i + 3;
        }
    }
    h->scan = i;
    return 0;
}

static int body_feed(iotls_cli_http *h, const unsigned char *in, size_t len)
{
    size_t n = len, used;
    int rc;

    switch (h->framing) {
    case IOTLS_CLI_HTTP_BODY_NONE:
        h->state = S_DONE;
        return IOTLS_CLI_HTTP_DONE;
    case IOTLS_CLI_HTTP_BODY_LENGTH:
        if ((uint64_t)h->content_length - h->body_bytes < (uint64_t)n)
            n = (size_t)((uint64_t)h->content_length - h->body_bytes);
        if (n && h->body_fn && h->body_fn(h->ctx, in, n) != 0)
            return fail(h, IOTLS_CLI_HTTP_E_SINK, "cannot write the body");
        h->body_bytes += n;
        if (h->body_bytes == (uint64_t)h->content_length) {
            h->state = S_DONE;
            return IOTLS_CLI_HTTP_DONE;
        }
        return IOTLS_CLI_HTTP_MORE;
    case IOTLS_CLI_HTTP_BODY_CHUNKED:
        rc = iotls_cli_chunked_feed(&h->chunk, in, len, &used, h->body_fn, h->ctx);
        h->body_bytes = h->chunk.body_bytes;
        if (rc == IOTLS_CLI_CHUNKED_SINK)
            return fail(h, IOTLS_CLI_HTTP_E_SINK, "cannot write the body");
        if (rc == IOTLS_CLI_CHUNKED_ERROR)
            return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "%s", h->chunk.err);
        if (rc == IOTLS_CLI_CHUNKED_DONE) {
            h->state = S_DONE;
            return IOTLS_CLI_HTTP_DONE;
        }
        return IOTLS_CLI_HTTP_MORE;
    case IOTLS_CLI_HTTP_BODY_CLOSE:
        if (n && h->body_fn && h->body_fn(h->ctx, in, n) != 0)
            return fail(h, IOTLS_CLI_HTTP_E_SINK, "cannot write the body");
        h->body_bytes += n;
        return IOTLS_CLI_HTTP_MORE;
    }
    return IOTLS_CLI_HTTP_MORE;
}

int iotls_cli_http_feed(iotls_cli_http *h, const unsigned char *in, size_t len)
{
    h->received += len;
    while (h->state == S_HEAD && len > 0) {
        size_t room = sizeof h->head - h->head_len, take = len < room ? len : room;
        size_t old = h->head_len, end, check;

        memcpy(h->head + h->head_len, in, take);
        h->head_len += take;
        /* Refuse what is not HTTP as soon as its first bytes show it. */
        check = h->head_len < 5 ? h->head_len : 5;
        if (memcmp(h->head, "HTTP/", check) != 0) {
            char ex[200];
            excerpt(h->head, h->head_len, ex, sizeof ex);
            return fail(h, IOTLS_CLI_HTTP_E_NOT_HTTP,
                        "not an HTTP response: the server sent \"%s\"", ex);
        }
        end = head_end(h);
        if (end == 0) {
            if (h->head_len == sizeof h->head)
                return fail(h, IOTLS_CLI_HTTP_E_TOO_LARGE,
                            "header block too large or never ends (no end within %d bytes)",
                            IOTLS_CLI_HTTP_MAX_HEAD);
            return IOTLS_CLI_HTTP_MORE;
        }
        if (parse_head(h, end) != 0)
            return IOTLS_CLI_HTTP_ERROR;
        in += end - old;
        len -= end - old;
        if (h->status >= 100 && h->status < 200 && h->status != 101) {
            /* An interim response (100 Continue, 103 Early Hints): the
             * final one follows. */
            if (++h->interim > IOTLS_CLI_HTTP_MAX_INTERIM)
                return fail(h, IOTLS_CLI_HTTP_E_MALFORMED, "too many 1xx interim responses");
            h->head_len = 0;
            h->scan = 0;
            h->status = 0;
            continue;
        }
        if (h->head_fn && h->head_fn(h->ctx, h->head, end) != 0)
            return fail(h, IOTLS_CLI_HTTP_E_SINK, "cannot write the headers");
        h->state = S_BODY;
        if (h->framing == IOTLS_CLI_HTTP_BODY_NONE ||
            (h->framing == IOTLS_CLI_HTTP_BODY_LENGTH && h->content_length == 0)) {
            h->state = S_DONE;
            return IOTLS_CLI_HTTP_DONE;
        }
    }
    if (h->state == S_BODY && len > 0)
        return body_feed(h, in, len);
    if (h->state == S_DONE)
        return IOTLS_CLI_HTTP_DONE;
    if (h->state == S_ERROR)
        return IOTLS_CLI_HTTP_ERROR;
    return IOTLS_CLI_HTTP_MORE;
}

int iotls_cli_http_finish(iotls_cli_http *h)
{
    switch (h->state) {
    case S_DONE:
        return IOTLS_CLI_HTTP_DONE;
    case S_ERROR:
        return IOTLS_CLI_HTTP_ERROR;
    case S_HEAD:
        if (h->received == 0)
            return fail(h, IOTLS_CLI_HTTP_E_NOT_HTTP,
                        "the server closed the connection without sending an HTTP response");
        return fail(h, IOTLS_CLI_HTTP_E_MALFORMED,
                    "the server closed the connection inside the header block (%llu bytes received)",
                    (unsigned long long)h->received);
    default:
        break;
    }
    if (h->framing == IOTLS_CLI_HTTP_BODY_LENGTH)
        return fail(h, IOTLS_CLI_HTTP_E_CUT_SHORT, "body cut short: got %llu of %lld bytes",
                    (unsigned long long)h->body_bytes, (long long)h->content_length);
    if (h->framing == IOTLS_CLI_HTTP_BODY_CHUNKED)
        return fail(h, IOTLS_CLI_HTTP_E_CUT_SHORT,
                    "body cut short: the chunked body ended after %llu bytes, before its last chunk",
                    (unsigned long long)h->body_bytes);
    h->state = S_DONE;
    return IOTLS_CLI_HTTP_DONE;
}

/* n bytes of p equal name, ignoring ASCII case on both sides. */
static int ci_name(const unsigned char *p, const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = p[i], b = (unsigned char)name[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

int iotls_cli_http_find_header(const unsigned char *head, size_t len, const char *name, char *out,
                               size_t outlen)
{
    const unsigned char *p = head, *e = head + len;
    size_t nlen = strlen(name);
    int line = 0;

    if (outlen)
        out[0] = '\0';
    while (p < e) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
        const unsigned char *end = nl ? nl : e, *v, *ve;
        if (end > p && end[-1] == '\r')
            end--;
        if (end == p && line > 0)
            break; /* the blank line: the body follows */
        if (line++ > 0 && (size_t)(end - p) > nlen && p[nlen] == ':' &&
            ci_name(p, name, nlen)) {
            v = p + nlen + 1;
            ve = end;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (outlen) {
                size_t n = (size_t)(ve - v) < outlen - 1 ? (size_t)(ve - v) : outlen - 1;
                memcpy(out, v, n);
                out[n] = '\0';
            }
            return (int)(ve - v);
        }
        p = nl ? nl + 1 : e;
    }
    return -1;
}
