/*
 * URL, target and --resolve parsing. Strict on purpose: whatever is not
 * understood is refused with a reason, so that a typo never dials somewhere
 * unexpected and nothing unescaped reaches the request line.
 */
#include "url.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iotls/addr.h"

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int ci_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *prefix)
            return 0;
    }
    return 1;
}

int iotls_cli_port_parse(const char *s, size_t len, uint16_t *port)
{
    unsigned long v = 0;
    size_t i;

    if (len == 0 || len > 5)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* Checks a host (without brackets) and copies it; bracketed says it came in
 * [...] and so must be IPv6. */
static int host_take(const char *h, size_t len, int bracketed, iotls_cli_url *u, char *err,
                     size_t errlen)
{
    char tmp[IOTLS_MAX_HOSTNAME + 2];
    iotls_addr a;

    if (len == 0)
        return fail(err, errlen, "empty host name");
    if (len > IOTLS_MAX_HOSTNAME) {
        return fail(err, errlen, "host name too long for SNI: %zu characters, at most %d (RFC 6066)",
                    len, IOTLS_MAX_HOSTNAME);
    }
    memcpy(tmp, h, len);
    tmp[len] = '\0';
    if (bracketed) {
        if (!iotls_addr_parse(tmp, &a) || a.family != 6)
            return fail(err, errlen, "not an IPv6 address inside brackets: \"%s\"", tmp);
        u->is_ipv6 = 1;
    } else if (iotls_addr_parse(tmp, &a)) {
        u->is_ipv6 = a.family == 6;
    } else if (iotls_hostname_check(tmp) != 0) {
        return fail(err, errlen, "malformed host name \"%s\" (letters, digits, '-', '.' only; "
                    "labels of 1 to 63 characters)", tmp);
    } else {
        u->is_ipv6 = 0;
    }
    memcpy(u->host, tmp, len + 1);
    return 0;
}

/*
 * Parses an authority "host[:port]" or "[v6][:port]" of exactly len chars.
 * allow_bare_v6: a string with two or more colons and no brackets is taken as
 * an IPv6 literal without port (for `connect ::1`).
 */
static int authority_parse(const char *s, size_t len, int allow_bare_v6, iotls_cli_url *u,
                           char *err, size_t errlen)
{
    const char *colon;
    size_t hlen, ncolons = 0, i;
    char portbuf[16];

    u->port = 443;
    u->is_ipv6 = 0;
    if (len == 0)
        return fail(err, errlen, "empty host name");
    for (i = 0; i < len; i++) {
        if (s[i] == '@')
            return fail(err, errlen, "user name or password in the URL is not supported");
        if (s[i] == ':')
            ncolons++;
    }
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        size_t rest;
        if (!close)
            return fail(err, errlen, "missing ']' after IPv6 address");
        if (host_take(s + 1, (size_t)(close - s - 1), 1, u, err, errlen) != 0)
            return -1;
        rest = len - (size_t)(close - s + 1);
        if (rest == 0)
            return 0;
        if (close[1] != ':')
            return fail(err, errlen, "unexpected text after ']'");
        colon = close + 1;
    } else if (ncolons >= 2 && allow_bare_v6) {
        return host_take(s, len, 1, u, err, errlen);
    } else if (ncolons >= 2) {
        return fail(err, errlen, "IPv6 address must be in brackets, e.g. https://[::1]:8443/");
    } else {
        colon = memchr(s, ':', len);
        hlen = colon ? (size_t)(colon - s) : len;
        if (host_take(s, hlen, 0, u, err, errlen) != 0)
            return -1;
        if (!colon)
            return 0;
    }
    /* colon points at ':' before the port */
    hlen = len - (size_t)(colon + 1 - s);
    if (iotls_cli_port_parse(colon + 1, hlen, &u->port) != 0) {
        if (hlen >= sizeof portbuf)
            hlen = sizeof portbuf - 1;
        memcpy(portbuf, colon + 1, hlen);
        portbuf[hlen] = '\0';
        return fail(err, errlen, "port \"%s\" is not a number from 1 to 65535", portbuf);
    }
    return 0;
}

int iotls_cli_url_parse(const char *s, iotls_cli_url *u, char *err, size_t errlen)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *auth, *p;
    size_t alen, o = 0;

    memset(u, 0, sizeof *u);
    if (!s || !*s)
        return fail(err, errlen, "empty URL");
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f)
            return fail(err, errlen, "URL contains a space or control character (encode it as %%XX)");
    }
    if (ci_prefix(s, "http://"))
        return fail(err, errlen, "http:// URL refused: iotls speaks TLS only, use https://");
    if (!ci_prefix(s, "https://")) {
        if (strstr(s, "://"))
            return fail(err, errlen, "unsupported URL scheme in \"%s\" (only https:// is supported)",
                        s);
        return fail(err, errlen, "URL must start with https:// (got \"%s\")", s);
    }
    auth = s + 8;
    alen = strcspn(auth, "/?#");
    if (authority_parse(auth, alen, 0, u, err, errlen) != 0)
        return -1;
    p = auth + alen;
    if (*p != '/')
        u->path[o++] = '/';
    for (; *p && *p != '#'; p++) {
        unsigned char c = (unsigned char)*p;
        /* Non-ASCII bytes go out percent-encoded (RFC 3986 2.1). */
        size_t need = c >= 0x80 ? 3 : 1;
        if (o + need >= sizeof u->path)
            return fail(err, errlen, "URL path too long (at most %d bytes)", IOTLS_CLI_MAX_PATH - 1);
        if (c >= 0x80) {
            u->path[o++] = '%';
            u->path[o++] = hex[c >> 4];
            u->path[o++] = hex[c & 15];
        } else {
            u->path[o++] = (char)c;
        }
    }
    u->path[o] = '\0';
    return 0;
}

int iotls_cli_target_parse(const char *s, iotls_cli_url *u, char *err, size_t errlen)
{
    const char *p;

    memset(u, 0, sizeof *u);
    if (!s || !*s)
        return fail(err, errlen, "empty host");
    if (strstr(s, "://"))
        return fail(err, errlen, "connect takes HOST[:PORT], not a URL (got \"%s\")", s);
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '?' || c == '#')
            return fail(err, errlen, "malformed HOST[:PORT] \"%s\"", s);
    }
    if (authority_parse(s, strlen(s), 1, u, err, errlen) != 0)
        return -1;
    strcpy(u->path, "/");
    return 0;
}

int iotls_cli_resolve_parse(const char *s, iotls_cli_resolve *r, char *err, size_t errlen)
{
    const char *c1, *c2, *a;
    size_t hlen, alen;
    iotls_addr ip;
    char addr[64];

    memset(r, 0, sizeof *r);
    c1 = s ? strchr(s, ':') : NULL;
    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2)
        return fail(err, errlen, "--resolve wants HOST:PORT:ADDR (got \"%s\")", s ? s : "");
    hlen = (size_t)(c1 - s);
    if (hlen == 0)
        return fail(err, errlen, "--resolve: empty host in \"%s\"", s);
    if (hlen > IOTLS_MAX_HOSTNAME)
        return fail(err, errlen, "--resolve: host name too long for SNI (at most %d characters, RFC 6066)",
                    IOTLS_MAX_HOSTNAME);
    memcpy(r->host, s, hlen);
    r->host[hlen] = '\0';
    if (iotls_cli_port_parse(c1 + 1, (size_t)(c2 - c1 - 1), &r->port) != 0)
        return fail(err, errlen, "--resolve: port is not a number from 1 to 65535 in \"%s\"", s);
    a = c2 + 1;
    alen = strlen(a);
    if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
        a++;
        alen -= 2;
    }
    if (alen == 0 || alen >= sizeof addr || alen >= sizeof r->addr)
        return fail(err, errlen, "--resolve: ADDR must be an IP address in \"%s\"", s);
    memcpy(addr, a, alen);
    addr[alen] = '\0';
    if (!iotls_addr_parse(addr, &ip))
        return fail(err, errlen, "--resolve: ADDR must be an IP address in \"%s\"", s);
    memcpy(r->addr, addr, alen + 1);
    return 0;
}

int iotls_cli_url_host_header(const iotls_cli_url *u, char *buf, size_t len)
{
    const char *lb = u->is_ipv6 ? "[" : "", *rb = u->is_ipv6 ? "]" : "";
    if (u->port == 443)
        return snprintf(buf, len, "%s%s%s", lb, u->host, rb);
    return snprintf(buf, len, "%s%s%s:%u", lb, u->host, rb, (unsigned)u->port);
}
