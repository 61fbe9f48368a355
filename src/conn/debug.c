/*
 * Mbed TLS debug output, cleaned for a human: "file.c:1234: message", no
 * trailing newline, delivered to the conf's debug function. Compiled to
 * nothing without MBEDTLS_DEBUG_C.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/build_info.h"

#if defined(MBEDTLS_DEBUG_C)
#include "mbedtls/debug.h"
#endif
#include "mbedtls/ssl.h"

#include "conn/engine.h"

#if defined(MBEDTLS_DEBUG_C)
static const char *base_name(const char *path)
{
    const char *p = path, *s;

    for (s = path; *s != '\0'; s++)
        if (*s == '/' || *s == '\\')
            p = s + 1;
    return p;
}

static void debug_line(void *ctx, int level, const char *file, int line, const char *str)
{
    const iotls_conn *c = (const iotls_conn *)ctx;
    char buf[256];
    size_t n;
    int w;

    if (c == NULL || c->conf == NULL || c->conf->debug_fn == NULL || str == NULL)
        return;
    /* Some builds prefix every line with the context's address: noise. */
    if (str[0] == '0' && str[1] == 'x') {
        const char *q = str + 2;
        while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
            q++;
        if (q[0] == ':' && q[1] == ' ')
            str = q + 2;
    }
    w = snprintf(buf, sizeof buf, "%s:%d: %s", file != NULL ? base_name(file) : "?", line, str);
    if (w < 0)
        return;
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    c->conf->debug_fn(c->conf->debug_ctx, level, buf);
}
#endif

void iotls_debug_install(iotls_conn *c)
{
#if defined(MBEDTLS_DEBUG_C)
    if (c->conf->debug_fn != NULL && c->conf->debug_level > 0) {
        mbedtls_ssl_conf_dbg(&c->eng->conf, debug_line, c);
        /* Mbed TLS's threshold is process-wide. */
        mbedtls_debug_set_threshold(c->conf->debug_level);
    }
#else
    (void)c;
#endif
}
