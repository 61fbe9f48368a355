/*
 * The HTTP options of `iotls get`. Whatever would put a CR or LF (or any
 * other control character) into the request is refused here: a header
 * line given on the command line must never become two.
 */
#include "http_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opts.h"
#include "writeout.h"

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* s shown safely in a message: control characters as \r, \n, \xNN. */
static void shown_safe(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    for (; *s && o + 5 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r' || c == '\n') {
            out[o++] = '\\';
            out[o++] = c == '\r' ? 'r' : 'n';
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (*s && o + 4 <= outlen) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int iotls_cli_header_check(const char *h, size_t *name_len, char *err, size_t errlen)
{
    char safe[160];
    size_t n = strcspn(h, ":;");

    shown_safe(h, safe, sizeof safe);
    if (strpbrk(h, "\r\n"))
        return iotls_cli_opt_fail(err, errlen, "-H: CR or LF in \"%s\": a header is one line "
                                  "(refused, it would inject another header)", safe);
    for (const char *p = h; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            return iotls_cli_opt_fail(err, errlen, "-H: control character in \"%s\"", safe);
    if (h[n] == '\0')
        return iotls_cli_opt_fail(err, errlen, "-H: \"%s\" is not \"Name: value\" (no ':')",
                                  safe);
    if (n == 0)
        return iotls_cli_opt_fail(err, errlen, "-H: empty header name in \"%s\"", safe);
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)h[i]))
            return iotls_cli_opt_fail(err, errlen, "-H: \"%.*s\" is not a header name (letters, "
                                      "digits and !#$%%&'*+-.^_`|~ only)", (int)n, h);
    if (h[n] == ';' && h[n + 1 + strspn(h + n + 1, " \t")] != '\0')
        return iotls_cli_opt_fail(err, errlen, "-H: \"%s\": \"Name;\" sends an empty header "
                                  "and takes no value", safe);
    /* The body's framing is the tool's: a wrong length would desynchronise
     * the connection. */
    if ((n == 14 && strncasecmp(h, "Content-Length", 14) == 0) ||
        (n == 17 && strncasecmp(h, "Transfer-Encoding", 17) == 0))
        return iotls_cli_opt_fail(err, errlen, "-H: %.*s is set by iotls from the body "
                                  "(-d/--data-binary) and cannot be given", (int)n, h);
    *name_len = n;
    return 0;
}

int iotls_cli_method_check(const char *m, char *err, size_t errlen)
{
    char safe[80];
    size_t n = strlen(m);

    shown_safe(m, safe, sizeof safe);
    if (n == 0)
        return iotls_cli_opt_fail(err, errlen, "-X: empty method");
    if (n > IOTLS_CLI_MAX_METHOD)
        return iotls_cli_opt_fail(err, errlen, "-X: method longer than %d characters",
                                  IOTLS_CLI_MAX_METHOD);
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)m[i]))
            return iotls_cli_opt_fail(err, errlen, "-X: \"%s\" is not an HTTP method (a token: "
                                      "letters, digits and !#$%%&'*+-.^_`|~ only)", safe);
    return 0;
}

int iotls_cli_http_max_redirs(const iotls_cli_http_opts *h)
{
    return h->max_redirs_given ? h->max_redirs : IOTLS_CLI_DEFAULT_MAX_REDIRS;
}

int iotls_cli_http_opt(iotls_cli_http_opts *h, int which, const char *shown, const char *val,
                       char *err, size_t errlen)
{
    size_t name_len;

    h->given = 1;
    switch (which) {
    case IOTLS_CLI_HOPT_HEADER:
        if (h->n_headers == IOTLS_CLI_MAX_USER_HEADERS)
            return iotls_cli_opt_fail(err, errlen, "%s: too many headers (at most %d)", shown,
                                      IOTLS_CLI_MAX_USER_HEADERS);
        if (iotls_cli_header_check(val, &name_len, err, errlen) != 0)
            return -1;
        h->headers[h->n_headers++] = val;
        return 0;
    case IOTLS_CLI_HOPT_REQUEST:
        if (iotls_cli_method_check(val, err, errlen) != 0)
            return -1;
        h->method = val;
        return 0;
    case IOTLS_CLI_HOPT_DATA:
    case IOTLS_CLI_HOPT_DATA_BINARY:
    case IOTLS_CLI_HOPT_DATA_RAW:
        if (h->n_data == IOTLS_CLI_MAX_DATA)
            return iotls_cli_opt_fail(err, errlen, "%s: too many data options (at most %d)",
                                      shown, IOTLS_CLI_MAX_DATA);
        if (which != IOTLS_CLI_HOPT_DATA_RAW && val[0] == '@' && val[1] == '\0')
            return iotls_cli_opt_fail(err, errlen, "%s: \"@\" without a file name (@FILE, or "
                                      "@- for stdin)", shown);
        h->data[h->n_data].val = val;
        h->data[h->n_data].kind = (iotls_cli_hopt)which;
        h->n_data++;
        return 0;
    case IOTLS_CLI_HOPT_LOCATION:
        h->follow = 1;
        return 0;
    case IOTLS_CLI_HOPT_MAX_REDIRS: {
        char *end = NULL;
        long n = strtol(val, &end, 10);
        if (!*val || *end || n < 0 || n > IOTLS_CLI_MAX_MAX_REDIRS)
            return iotls_cli_opt_fail(err, errlen, "%s: \"%s\" is not a number from 0 to %d",
                                      shown, val, IOTLS_CLI_MAX_MAX_REDIRS);
        h->max_redirs = (int)n;
        h->max_redirs_given = 1;
        return 0;
    }
    case IOTLS_CLI_HOPT_FAIL:
        h->fail = 1;
        return 0;
    case IOTLS_CLI_HOPT_WRITE_OUT:
        if (val[0] == '@')
            return iotls_cli_opt_fail(err, errlen, "%s: reading the format from a file (@FILE) "
                                      "is not supported; give the format itself", shown);
        if (iotls_cli_writeout_check(val, shown, err, errlen) != 0)
            return -1;
        h->write_out = val;
        return 0;
    case IOTLS_CLI_HOPT_SILENT:
        h->silent = 1;
        return 0;
    default:
        return iotls_cli_opt_fail(err, errlen, "%s: not an HTTP option", shown);
    }
}

int iotls_cli_http_check_opts(const iotls_cli_opts *o, char *err, size_t errlen)
{
    if (o->command == IOTLS_CLI_CMD_HELP || o->command == IOTLS_CLI_CMD_VERSION)
        return 0;
    if (o->http.given && o->command != IOTLS_CLI_CMD_GET)
        return iotls_cli_opt_fail(err, errlen, "-H, -X, -d, --data-binary, --data-raw, -L, "
                                  "--max-redirs, -f, -w and -s apply to get only");
    if (o->http.write_out && o->json)
        return iotls_cli_opt_fail(err, errlen, "-w and --json both write to stdout: use one "
                                  "(the JSON object has the same facts)");
    return 0;
}
