/*
 * Chunked decoding: whole, byte by byte, with extensions and trailers, and
 * the refusals (overflow, bad hex, missing CRLF, overlong lines).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chunked.h"

typedef struct sink_buf {
    char data[4096];
    size_t len;
    int refuse_after; /* refuse once this many bytes were taken, -1 never */
} sink_buf;

static int sink(void *ctx, const unsigned char *p, size_t n)
{
    sink_buf *b = ctx;
    if (b->refuse_after >= 0 && b->len + n > (size_t)b->refuse_after)
        return -1;
    if (b->len + n > sizeof b->data)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Decodes s whole (step 0) or in pieces of step bytes; returns the final
 * result and the bytes used in total. */
static int decode(const char *s, size_t step, sink_buf *b, iotls_cli_chunked *d, size_t *total)
{
    size_t len = strlen(s), off = 0, used;
    int rc = IOTLS_CLI_CHUNKED_MORE;

    memset(b, 0, sizeof *b);
    b->refuse_after = -1;
    iotls_cli_chunked_init(d);
    *total = 0;
    if (step == 0)
        step = len ? len : 1;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        rc = iotls_cli_chunked_feed(d, (const unsigned char *)s + off, n, &used, sink, b);
        *total += used;
        off += n;
        if (rc != IOTLS_CLI_CHUNKED_MORE)
            break;
    }
    return rc;
}

static void check_good(const char *wire, const char *body, size_t body_used)
{
    static const size_t steps[] = {0, 1, 2, 3, 7};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        sink_buf b;
        iotls_cli_chunked d;
        size_t used;
        int rc = decode(wire, steps[i], &b, &d, &used);
        CHECK_INT(rc, IOTLS_CLI_CHUNKED_DONE);
        CHECK_INT(b.len, strlen(body));
        CHECK(b.len == strlen(body) && memcmp(b.data, body, b.len) == 0);
        CHECK_INT(d.body_bytes, strlen(body));
        CHECK_INT(used, body_used);
    }
}

static void check_bad(const char *wire, const char *why)
{
    static const size_t steps[] = {0, 1, 5};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        sink_buf b;
        iotls_cli_chunked d;
        size_t used, u2;
        int rc = decode(wire, steps[i], &b, &d, &used);
        CHECK_INT(rc, IOTLS_CLI_CHUNKED_ERROR);
        CHECK(strstr(d.err, why) != NULL);
        if (!strstr(d.err, why))
            fprintf(stderr, "  err was: %s\n", d.err);
        /* sticky */
        CHECK_INT(iotls_cli_chunked_feed(&d, (const unsigned char *)"0\r\n\r\n", 5, &u2, sink, &b),
                  IOTLS_CLI_CHUNKED_ERROR);
    }
}

static void test_good(void)
{
    const char *w1 = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    check_good(w1, "hello world", strlen(w1));
    check_good("0\r\n\r\n", "", 5);
    /* upper and lower hex, leading zeros */
    const char *w2 = "A\r\n0123456789\r\n000a\r\nabcdefghij\r\n00\r\n\r\n";
    check_good(w2, "0123456789abcdefghij", strlen(w2));
    /* extensions, with blanks before ';' */
    const char *w3 = "5;x=y\r\nhello\r\n3 ; name=\"q\"\r\nabc\r\n0;last\r\n\r\n";
    check_good(w3, "helloabc", strlen(w3));
    /* trailers ignored */
    const char *w4 = "2\r\nok\r\n0\r\nX-Checksum: 1234\r\nX-Other: 5\r\n\r\n";
    check_good(w4, "ok", strlen(w4));
    /* bytes after the end are not consumed */
    {
        sink_buf b;
        iotls_cli_chunked d;
        size_t used;
        CHECK_INT(decode("1\r\nx\r\n0\r\n\r\nEXTRA", 0, &b, &d, &used), IOTLS_CLI_CHUNKED_DONE);
        CHECK_INT(used, 11);
        CHECK_INT(d.chunks, 2);
    }
    /* CR LF inside chunk data is data */
    check_good("4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", 14);
}

static void test_incomplete(void)
{
    sink_buf b;
    iotls_cli_chunked d;
    size_t used;
    CHECK_INT(decode("5\r\nhel", 1, &b, &d, &used), IOTLS_CLI_CHUNKED_MORE);
    CHECK_INT(b.len, 3);
    CHECK_INT(decode("5\r\nhello\r\n0\r\n", 1, &b, &d, &used), IOTLS_CLI_CHUNKED_MORE);
    CHECK_INT(decode("5\r\nhello\r\n0\r\nTrailer: x\r\n", 0, &b, &d, &used),
              IOTLS_CLI_CHUNKED_MORE);
}

static void test_bad(void)
{
    check_bad("ffffffffffffffffff\r\n", "overflow");
    check_bad("10000000000000000\r\n", "overflow");
    check_bad("zz\r\n", "not a hex");
    check_bad("\r\n", "not a hex");
    check_bad(";x\r\n", "not a hex");
    check_bad("-5\r\n", "not a hex");
    check_bad("0x5\r\nhello\r\n", "not a hex");
    check_bad("5g\r\nhello\r\n", "not a hex");
    check_bad("5 x\r\nhello\r\n", "after the chunk size");
    check_bad("5\nhello\r\n0\r\n\r\n", "CRLF");
    check_bad("5\r\rhello", "CRLF");
    check_bad("5;ext\nhello", "CRLF");
    check_bad("5\r\nhelloX\r\n0\r\n\r\n", "not followed by CRLF");
    check_bad("5\r\nhello\rX0\r\n\r\n", "not followed by CRLF");
    check_bad("5\r\nhello\n0\r\n\r\n", "not followed by CRLF");
    check_bad("0\r\n\rX", "not ended by CRLF");
    check_bad("0\r\nTrailer: x\n\r\n", "trailer");
    check_bad("0\r\nTrailer: x\rX", "trailer");
    {
        /* an extension that never ends is bounded */
        char *w = malloc(IOTLS_CLI_CHUNK_MAX_LINE + 16);
        memset(w, 'e', IOTLS_CLI_CHUNK_MAX_LINE + 15);
        memcpy(w, "5;", 2);
        w[IOTLS_CLI_CHUNK_MAX_LINE + 15] = '\0';
        check_bad(w, "too long");
        /* so is an endless trailer section */
        free(w);
        w = malloc(IOTLS_CLI_CHUNK_MAX_TRAILER + 16);
        memset(w, 't', IOTLS_CLI_CHUNK_MAX_TRAILER + 15);
        memcpy(w, "0\r\nX: ", 6);
        w[IOTLS_CLI_CHUNK_MAX_TRAILER + 15] = '\0';
        check_bad(w, "too long");
        free(w);
    }
}

static void test_sink_refuses(void)
{
    sink_buf b;
    iotls_cli_chunked d;
    size_t used;
    const char *w = "5\r\nhello\r\n0\r\n\r\n";
    memset(&b, 0, sizeof b);
    b.refuse_after = 2;
    iotls_cli_chunked_init(&d);
    CHECK_INT(iotls_cli_chunked_feed(&d, (const unsigned char *)w, strlen(w), &used, sink, &b),
              IOTLS_CLI_CHUNKED_SINK);
    CHECK_INT(b.len, 0);
}

int main(void)
{
    test_good();
    test_incomplete();
    test_bad();
    test_sink_refuses();
    return CHECK_DONE();
}
