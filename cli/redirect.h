/*
 * -L: which responses are followed, with which method, and where to
 * (RFC 9110 15.4, RFC 3986 5.2). Parsing only, no network.
 */
#ifndef IOTLS_CLI_REDIRECT_H
#define IOTLS_CLI_REDIRECT_H

#include <stddef.h>

#include "url.h"

/* Why a Location cannot be followed. */
typedef enum iotls_cli_redirect_error {
    IOTLS_CLI_REDIRECT_OK = 0,
    IOTLS_CLI_REDIRECT_DOWNGRADE,  /* http://: iotls never leaves TLS */
    IOTLS_CLI_REDIRECT_SCHEME,     /* another scheme (ftp:, data:, ...) */
    IOTLS_CLI_REDIRECT_MALFORMED   /* not a URL iotls accepts */
} iotls_cli_redirect_error;

/* 1 for a status -L follows (301, 302, 303, 307, 308), else 0. */
int iotls_cli_redirect_status(int status);

/*
 * The method after a redirect with status: 301, 302 and 303 turn any method
 * but HEAD into GET and drop the body; 307 and 308 keep both. *keep_body
 * says whether the body is sent again.
 */
const char *iotls_cli_redirect_method(int status, const char *method, int *keep_body);

/*
 * Resolves location against base into out: an absolute https:// URL, a
 * scheme-relative //host/path, an absolute path or a relative reference
 * (dot segments removed); the fragment is dropped. Returns OK, or the
 * error with a one-line reason in err.
 */
iotls_cli_redirect_error iotls_cli_redirect_resolve(const iotls_cli_url *base, const char *location,
                                                    iotls_cli_url *out, char *err, size_t errlen);

/* The URL as text: https://HOST[:PORT]/PATH (port only when not 443). */
int iotls_cli_url_format(const iotls_cli_url *u, char *buf, size_t len);

#endif /* IOTLS_CLI_REDIRECT_H */
