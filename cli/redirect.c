/*
 * Redirects: the statuses followed, the method rules, and Location
 * resolved as a URI reference (RFC 3986 5.2). The result always goes
 * through iotls_cli_url_parse(), so a followed Location is held to the same
 * rules as a URL typed on the command line: https:// only.
 */
#include "redirect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_LOCATION (IOTLS_CLI_MAX_PATH + IOTLS_MAX_HOSTNAME + 64)

int iotls_cli_redirect_status(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

const char *iotls_cli_redirect_method(int status, const char *method, int *keep_body)
{
    if (status == 307 || status == 308) {
        *keep_body = 1;
        return method;
    }
    *keep_body = 0;
    return strcmp(method, "HEAD") == 0 ? method : "GET";
}

int iotls_cli_url_format(const iotls_cli_url *u, char *buf, size_t len)
{
    char host[IOTLS_MAX_HOSTNAME + 16];
    iotls_cli_url_host_header(u, host, sizeof host);
    return snprintf(buf, len, "https://%s%s", host, u->path);
}

/* RFC 3986 5.2.4: removes "." and ".." segments from in (n bytes) into
 * out, which has room for n + 1 bytes. */
static void remove_dots(const char *in, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        const char *p = in + i;
        size_t left = n - i;
        if (left >= 3 && memcmp(p, "../", 3) == 0) {
            i += 3;
        } else if (left >= 2 && memcmp(p, "./", 2) == 0) {
            i += 2;
        } else if (left >= 3 && memcmp(p, "/./", 3) == 0) {
            i += 2;
        } else if (left == 2 && memcmp(p, "/.", 2) == 0) {
            out[o++] = '/';
            i += 2;
        } else if ((left >= 4 && memcmp(p, "/../", 4) == 0) || (left == 3 && memcmp(p, "/..", 3) == 0)) {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--; /* the '/' before the removed segment */
            if (left == 3) {
                out[o++] = '/';
                i += 3;
            } else {
                i += 3; /* leaves "/" of "/../" as the input's start */
            }
        } else if ((left == 1 && p[0] == '.') || (left == 2 && memcmp(p, "..", 2) == 0)) {
            i = n;
        } else {
            size_t seg = 1;
            while (seg < left && p[seg] != '/')
                seg++;
            if (p[0] != '/') {
                seg = 0;
                while (seg < left && p[seg] != '/')
                    seg++;
            }
            memcpy(out + o, p, seg);
            o += seg;
            i += seg;
        }
    }
    out[o] = '\0';
}

static int has_scheme(const char *s, size_t *len)
{
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (i = 1; s[i]; i++) {
        char c = s[i];
        if (c == ':') {
            *len = i;
            return 1;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.'))
            return 0;
    }
    return 0;
}

iotls_cli_redirect_error iotls_cli_redirect_resolve(const iotls_cli_url *base, const char *location,
                                                    iotls_cli_url *out, char *err, size_t errlen)
{
    static char loc[MAX_LOCATION], target[MAX_LOCATION], merged[MAX_LOCATION],
        path[MAX_LOCATION];
    char authority[IOTLS_MAX_HOSTNAME + 16], why[256];
    size_t o = 0, slen, plen;
    const char *q, *bq;

    /* Spaces are sent encoded (servers write them raw in Location);
     * control characters are refused. */
    for (const char *p = location; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) {
            snprintf(err, errlen, "redirect refused: control character in Location");
            return IOTLS_CLI_REDIRECT_MALFORMED;
        }
        if (o + 4 >= sizeof loc) {
            snprintf(err, errlen, "redirect refused: Location longer than %zu bytes",
                     sizeof loc - 4);
            return IOTLS_CLI_REDIRECT_MALFORMED;
        }
        if (c == ' ') {
            memcpy(loc + o, "%20", 3);
            o += 3;
        } else {
            loc[o++] = (char)c;
        }
    }
    loc[o] = '\0';
    loc[strcspn(loc, "#")] = '\0'; /* "" or "#f" alone: the base URL itself */

    if (has_scheme(loc, &slen)) {
        if (slen == 4 && strncasecmp(loc, "http", 4) == 0) {
            snprintf(err, errlen, "redirect to http:// refused (iotls never leaves TLS): "
                     "Location: %.300s", location);
            return IOTLS_CLI_REDIRECT_DOWNGRADE;
        }
        if (!(slen == 5 && strncasecmp(loc, "https", 5) == 0)) {
            snprintf(err, errlen, "redirect refused: unsupported scheme in Location: %.300s",
                     location);
            return IOTLS_CLI_REDIRECT_SCHEME;
        }
        snprintf(target, sizeof target, "%s", loc);
    } else if (loc[0] == '/' && loc[1] == '/') {
        if (snprintf(target, sizeof target, "https:%s", loc) >= (int)sizeof target)
            goto too_long;
    } else {
        iotls_cli_url_host_header(base, authority, sizeof authority);
        q = strchr(loc, '?');
        plen = q ? (size_t)(q - loc) : strlen(loc);
        bq = strchr(base->path, '?');
        if (plen == 0) {
            /* "?query" or "": the base path, with the new query if any */
            size_t bl = bq ? (size_t)(bq - base->path) : strlen(base->path);
            if (snprintf(target, sizeof target, "https://%s%.*s%s", authority, (int)bl,
                         base->path, q ? q : (bq ? bq : "")) >= (int)sizeof target)
                goto too_long;
        } else {
            if (loc[0] == '/') {
                memcpy(merged, loc, plen);
                merged[plen] = '\0';
            } else {
                /* base path up to its last '/', then the reference */
                size_t bl = bq ? (size_t)(bq - base->path) : strlen(base->path);
                while (bl > 0 && base->path[bl - 1] != '/')
                    bl--;
                if (bl + plen + 2 > sizeof merged)
                    goto too_long;
                if (bl == 0)
                    merged[bl++] = '/';
                else
                    memcpy(merged, base->path, bl);
                memcpy(merged + bl, loc, plen);
                merged[bl + plen] = '\0';
            }
            remove_dots(merged, strlen(merged), path);
            if (snprintf(target, sizeof target, "https://%s%s%s", authority,
                         path[0] == '/' ? path : "/", q ? q : "") >= (int)sizeof target)
                goto too_long;
        }
    }
    if (iotls_cli_url_parse(target, out, why, sizeof why) != 0) {
        snprintf(err, errlen, "redirect refused: %s (Location: %.300s)", why, location);
        return IOTLS_CLI_REDIRECT_MALFORMED;
    }
    return IOTLS_CLI_REDIRECT_OK;
too_long:
    snprintf(err, errlen, "redirect refused: the resolved Location is longer than %zu bytes",
             sizeof target - 1);
    return IOTLS_CLI_REDIRECT_MALFORMED;
}
