/*
 * The request: a head built from defaults and the user's headers (checked
 * when parsed: no CR, LF or other control character can get here), and a
 * body read from the data options. Every size is bounded.
 */
#include "http_req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_AGENT "iotls/0.1"

/* ---- body ---- */

typedef struct buf {
    unsigned char *p;
    size_t len, cap;
    size_t max;
} buf;

static int buf_add(buf *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        unsigned char *q;
        while (cap < b->len + n)
            cap *= 2;
        if (cap > b->max)
            cap = b->max;
        q = realloc(b->p, cap);
        if (!q)
            return -1;
        b->p = q;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

static const char *opt_name(iotls_cli_hopt kind)
{
    return kind == IOTLS_CLI_HOPT_DATA ? "-d" : kind == IOTLS_CLI_HOPT_DATA_BINARY
                                                    ? "--data-binary"
                                                    : "--data-raw";
}

/* Appends FILE (or stdin for "-"); strip: leave out CR and LF. */
static int add_file(buf *b, const char *path, int strip, const char *opt, char *err,
                    size_t errlen)
{
    unsigned char chunk[8192];
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    size_t n;
    int rc = 0;

    if (!f) {
        snprintf(err, errlen, "%s @%s: cannot read %s: %s", opt, path, path, strerror(errno));
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        size_t keep = n;
        if (strip) {
            keep = 0;
            for (size_t i = 0; i < n; i++)
                if (chunk[i] != '\r' && chunk[i] != '\n')
                    chunk[keep++] = chunk[i];
        }
        if (buf_add(b, chunk, keep) != 0) {
            snprintf(err, errlen, "%s @%s: the body is larger than %d MiB or memory ran out", opt,
                     path, IOTLS_CLI_MAX_REQ_BODY / (1024 * 1024));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s @%s: cannot read %s: %s", opt, path, path,
                 strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (!is_stdin)
        fclose(f);
    return rc;
}

int iotls_cli_req_body_load(const iotls_cli_http_opts *ho, iotls_cli_req_body *b, char *err,
                            size_t errlen)
{
    buf d = {NULL, 0, 0, IOTLS_CLI_MAX_REQ_BODY};

    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < ho->n_data; i++) {
        const iotls_cli_data_item *it = &ho->data[i];
        const char *opt = opt_name(it->kind);
        int rc;
        if (i > 0 && buf_add(&d, "&", 1) != 0)
            goto too_big;
        if (it->kind != IOTLS_CLI_HOPT_DATA_RAW && it->val[0] == '@')
            rc = add_file(&d, it->val + 1, it->kind == IOTLS_CLI_HOPT_DATA, opt, err, errlen);
        else if ((rc = buf_add(&d, it->val, strlen(it->val))) != 0)
            goto too_big;
        if (rc != 0) {
            free(d.p);
            return -1;
        }
    }
    b->p = d.p;
    b->len = d.len;
    b->present = ho->n_data > 0;
    return 0;
too_big:
    free(d.p);
    snprintf(err, errlen, "the request body is larger than %d MiB or memory ran out",
             IOTLS_CLI_MAX_REQ_BODY / (1024 * 1024));
    return -1;
}

void iotls_cli_req_body_free(iotls_cli_req_body *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

const char *iotls_cli_req_method(const iotls_cli_http_opts *ho, const iotls_cli_req_body *b)
{
    if (ho->method)
        return ho->method;
    return b->present ? "POST" : "GET";
}

/* ---- head ---- */

static size_t name_len(const char *h)
{
    return strcspn(h, ":;");
}

static int is_named(const char *h, const char *name)
{
    size_t n = name_len(h);
    return n == strlen(name) && strncasecmp(h, name, n) == 0;
}

/* "Name:" with nothing after it: remove the default. */
static int is_removal(const char *h)
{
    size_t n = name_len(h);
    return h[n] == ':' && h[n + 1 + strspn(h + n + 1, " \t")] == '\0';
}

static int is_private(const char *h)
{
    return is_named(h, "Authorization") || is_named(h, "Cookie") || is_named(h, "Host");
}

static int add_str(buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

/* One user header as a line: "Name: value" (the value's leading blanks
 * dropped), "Name;" -> "Name:". */
static int add_user(buf *b, const char *h)
{
    size_t n = name_len(h);
    const char *v = h + n + 1;
    v += strspn(v, " \t");
    if (buf_add(b, h, n) != 0 || add_str(b, ": ") != 0 || add_str(b, v) != 0)
        return -1;
    if (*v == '\0')
        b->len--; /* "Name:" without the trailing blank */
    return add_str(b, "\r\n");
}

int iotls_cli_req_head(const iotls_cli_http_opts *ho, const char *method, const iotls_cli_url *u,
                       int has_body, size_t body_len, int private_dropped, char **out,
                       size_t *out_len)
{
    char host[IOTLS_MAX_HOSTNAME + 16], clen[32];
    struct {
        const char *name, *value;
    } defaults[6];
    size_t nd = 0;
    buf b = {NULL, 0, 0, IOTLS_CLI_MAX_REQ_HEAD};
    int rc = 0;

    iotls_cli_url_host_header(u, host, sizeof host);
    snprintf(clen, sizeof clen, "%zu", body_len);
    defaults[nd].name = "Host", defaults[nd++].value = host;
    defaults[nd].name = "User-Agent", defaults[nd++].value = USER_AGENT;
    defaults[nd].name = "Accept", defaults[nd++].value = "*/*";
    defaults[nd].name = "Connection", defaults[nd++].value = "close";
    if (has_body) {
        defaults[nd].name = "Content-Type";
        defaults[nd++].value = "application/x-www-form-urlencoded";
        defaults[nd].name = "Content-Length", defaults[nd++].value = clen;
    }

    rc |= add_str(&b, method) | add_str(&b, " ") | add_str(&b, u->path) |
          add_str(&b, " HTTP/1.1\r\n");
    for (size_t i = 0; i < nd; i++) {
        int replaced = 0;
        for (size_t k = 0; k < ho->n_headers; k++) {
            const char *h = ho->headers[k];
            if (!is_named(h, defaults[i].name) || (private_dropped && is_private(h)))
                continue;
            replaced = 1;
            if (!is_removal(h))
                rc |= add_user(&b, h);
        }
        if (!replaced)
            rc |= add_str(&b, defaults[i].name) | add_str(&b, ": ") |
                  add_str(&b, defaults[i].value) | add_str(&b, "\r\n");
    }
    for (size_t k = 0; k < ho->n_headers; k++) {
        const char *h = ho->headers[k];
        int is_default = 0;
        for (size_t i = 0; i < nd; i++)
            is_default |= is_named(h, defaults[i].name);
        /* "Name:" for a header that is not a default removes nothing and
         * sends nothing, as in curl. */
        if (is_default || is_removal(h) || (private_dropped && is_private(h)))
            continue;
        rc |= add_user(&b, h);
    }
    rc |= add_str(&b, "\r\n") | buf_add(&b, "", 1); /* NUL-terminated, not counted */
    if (rc != 0) {
        free(b.p);
        return -1;
    }
    *out = (char *)b.p;
    *out_len = b.len - 1;
    return 0;
}
