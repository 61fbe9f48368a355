/*
 * The request of `iotls get`: its head from the method, the URL, the
 * defaults and the user's -H headers, and its body from -d /
 * --data-binary / --data-raw (docs/http.md).
 */
#ifndef IOTLS_CLI_HTTP_REQ_H
#define IOTLS_CLI_HTTP_REQ_H

#include <stddef.h>

#include "http_opts.h"
#include "url.h"

#define IOTLS_CLI_MAX_REQ_HEAD (64 * 1024)
#define IOTLS_CLI_MAX_REQ_BODY (64 * 1024 * 1024)

typedef struct iotls_cli_req_body {
    unsigned char *p;  /* malloc'd; NULL when empty */
    size_t len;
    int present;       /* a data option was given (even an empty one) */
} iotls_cli_req_body;

/*
 * Reads the body the data options describe: the items joined by '&' (as
 * curl does), @FILE read whole (@- is stdin), -d @FILE without its CR and
 * LF bytes. Returns 0, or -1 with a line naming the option and the file in
 * err (a setup failure: exit 3).
 */
int iotls_cli_req_body_load(const iotls_cli_http_opts *ho, iotls_cli_req_body *b, char *err,
                            size_t errlen);
void iotls_cli_req_body_free(iotls_cli_req_body *b);

/* The method of the first request: -X, else POST with a body, else GET. */
const char *iotls_cli_req_method(const iotls_cli_http_opts *ho, const iotls_cli_req_body *b);

/*
 * Writes the request head into *out (malloc'd, *out_len bytes and a NUL
 * after them; the caller frees it): the
 * request line, Host, User-Agent, Accept, Connection: close and, with a
 * body, Content-Type (application/x-www-form-urlencoded) and
 * Content-Length. A -H header replaces the default of the same name, "Name:"
 * removes it; other -H headers follow in order. private_dropped: leave out
 * the user's Authorization, Cookie and Host headers (a redirect to another
 * host). Returns 0 or -1 (larger than IOTLS_CLI_MAX_REQ_HEAD, or out of
 * memory).
 */
int iotls_cli_req_head(const iotls_cli_http_opts *ho, const char *method, const iotls_cli_url *u,
                       int has_body, size_t body_len, int private_dropped, char **out,
                       size_t *out_len);

#endif /* IOTLS_CLI_HTTP_REQ_H */
