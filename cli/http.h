/*
 * HTTP/1.1 for `iotls get`: the request, and an incremental parser of the
 * response (status line, header block, and a body framed by Content-Length,
 * chunked coding or the end of the connection). Every length is bounded.
 */
#ifndef IOTLS_CLI_HTTP_H
#define IOTLS_CLI_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "chunked.h"
#include "url.h"

#define IOTLS_CLI_HTTP_MAX_HEAD 65536   /* status line + header block, bytes */
#define IOTLS_CLI_HTTP_MAX_HEADERS 100  /* header lines */
#define IOTLS_CLI_HTTP_MAX_INTERIM 8    /* 1xx responses skipped before the final one */

typedef enum iotls_cli_http_framing {
    IOTLS_CLI_HTTP_BODY_NONE = 0,  /* 204, 304: no body */
    IOTLS_CLI_HTTP_BODY_LENGTH,    /* Content-Length */
    IOTLS_CLI_HTTP_BODY_CHUNKED,
    IOTLS_CLI_HTTP_BODY_CLOSE      /* until the server closes (with close_notify) */
} iotls_cli_http_framing;

/* What went wrong, for the JSON "error" field. */
typedef enum iotls_cli_http_error {
    IOTLS_CLI_HTTP_OK = 0,
    IOTLS_CLI_HTTP_E_NOT_HTTP,     /* the bytes are not an HTTP response */
    IOTLS_CLI_HTTP_E_MALFORMED,    /* bad status line, header, length or chunk */
    IOTLS_CLI_HTTP_E_TOO_LARGE,    /* header block too large or never ends */
    IOTLS_CLI_HTTP_E_CUT_SHORT,    /* clean close before the body's end */
    IOTLS_CLI_HTTP_E_SINK          /* the output refused the body */
} iotls_cli_http_error;

/* Results of feed/finish. */
#define IOTLS_CLI_HTTP_MORE 0
#define IOTLS_CLI_HTTP_DONE 1
#define IOTLS_CLI_HTTP_ERROR (-1)

typedef struct iotls_cli_http {
    /* callbacks: the header block once complete (raw, as received, for -i),
     * and the decoded body */
    iotls_cli_body_fn head_fn;
    iotls_cli_body_fn body_fn;
    void *ctx;

    int state;                      /* private */
    unsigned char head[IOTLS_CLI_HTTP_MAX_HEAD];
    size_t head_len;
    size_t scan;                    /* private: end-of-head search position */
    uint64_t received;              /* every byte fed */

    /* the final response */
    int status;                     /* 0 until the status line is read */
    int version_minor;
    char reason[64];
    int64_t content_length;         /* -1 if none */
    int chunked;
    int headers;                    /* header lines */
    int interim;                    /* 1xx responses skipped */
    iotls_cli_http_framing framing;
    uint64_t body_bytes;            /* decoded body bytes delivered */
    iotls_cli_chunked chunk;

    iotls_cli_http_error error;
    char err[192];                  /* one line, after an error */

    int head_request;               /* set after init for a HEAD request: the
                                       response has no body (RFC 9110 9.3.2) */
} iotls_cli_http;

/* Writes the GET request for u into buf. Returns its length, or -1 if it
 * does not fit. */
int iotls_cli_http_request(const iotls_cli_url *u, char *buf, size_t len);

/* Prepares h (large: allocate it) with its callbacks; either may be NULL. */
void iotls_cli_http_init(iotls_cli_http *h, iotls_cli_body_fn head_fn,
                         iotls_cli_body_fn body_fn, void *ctx);

/* Feed bytes as they arrive. Returns MORE, DONE (the response is complete:
 * stop reading) or ERROR (h->error, h->err). */
int iotls_cli_http_feed(iotls_cli_http *h, const unsigned char *in, size_t len);

/* The server closed cleanly (close_notify). DONE if the response is complete
 * (or delimited by the close), ERROR otherwise. */
int iotls_cli_http_finish(iotls_cli_http *h);

/*
 * The value of the first header called name (any case) in a header block
 * (the status line is skipped), blanks around it removed, copied into out
 * (cut to outlen - 1 bytes). Returns its full length, or -1 if absent.
 */
int iotls_cli_http_find_header(const unsigned char *head, size_t len, const char *name, char *out,
                               size_t outlen);

/* Stable short name of an error kind: "not_http", "http_malformed",
 * "http_header_too_large", "body_cut_short", "output_failed". */
const char *iotls_cli_http_error_name(iotls_cli_http_error e);

#endif /* IOTLS_CLI_HTTP_H */
