/* GET / on a connected iotls_conn, the body (after the headers) hashed:
 * shared by the PSK and small-record modes, which check the page. */
#include <stdio.h>
#include <string.h>

#include "mbedtls/sha256.h"

#include "app.h"

static unsigned char buf[1024];

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

int app_get_body(iotls_conn *c, const char *host, app_body *b)
{
    static const char end_of_head[] = "\r\n\r\n";
    mbedtls_sha256_context sha;
    unsigned char digest[32];
    size_t matched = 0;
    int in_body = 0, rc;

    memset(b, 0, sizeof *b);
    rc = snprintf((char *)buf, sizeof buf, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", host);
    rc = iotls_conn_write(c, buf, (size_t)rc);
    if (rc < 0)
        return rc;
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts(&sha, 0);
    while ((rc = iotls_conn_read(c, buf, sizeof buf)) > 0) {
        size_t i = 0;
        if (b->total == 0)
            b->http_ok = rc >= 12 && memcmp(buf, "HTTP/1.", 7) == 0 &&
                         memcmp(buf + 8, " 200", 4) == 0;
        b->total += (size_t)rc;
        while (!in_body && i < (size_t)rc) {
            unsigned char ch = buf[i++];
            matched = ch == (unsigned char)end_of_head[matched] ? matched + 1 : ch == '\r' ? 1 : 0;
            in_body = matched == 4;
        }
        if (in_body && i < (size_t)rc) {
            mbedtls_sha256_update(&sha, buf + i, (size_t)rc - i);
            b->body += (size_t)rc - i;
        }
    }
    mbedtls_sha256_finish(&sha, digest);
    mbedtls_sha256_free(&sha);
    to_hex(digest, sizeof digest, b->sha256);
    return rc < 0 ? rc : iotls_conn_close(c);
}
