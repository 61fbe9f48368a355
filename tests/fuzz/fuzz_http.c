/*
 * Fuzz target: the tool's HTTP response parser (cli/http.c) and, apart, its
 * chunked body decoder (cli/chunked.c): both read what a server sends.
 *
 * Input: one control byte, then the bytes as the server sends them. The
 * control byte's low 6 bits + 1 are the size of each read (the parsers
 * must not care how the stream is cut); bit 6 makes the body sink refuse
 * after the first piece (the output file failed); bit 7 ends the stream
 * with a clean close (iotls_cli_http_finish).
 *
 * Oracles: the body bytes the sinks received add up to what the parsers
 * report; the chunked decoder never consumes more than it is given.
 */
#include "fuzz_util.h"
#include "chunked.h"
#include "http.h"

typedef struct sink {
    uint64_t got;
    int calls;
    int refuse;
} sink;

static int body_sink(void *ctx, const unsigned char *p, size_t n)
{
    sink *s = (sink *)ctx;
    volatile unsigned char touch = 0;
    size_t i;
    /* Every byte handed over must be readable. */
    for (i = 0; i < n; i++)
        touch ^= p[i];
    (void)touch;
    s->calls++;
    if (s->refuse && s->calls > 1)
        return -1;
    s->got += n;
    return 0;
}

static int head_sink(void *ctx, const unsigned char *p, size_t n)
{
    volatile unsigned char touch = 0;
    size_t i;
    for (i = 0; i < n; i++)
        touch ^= p[i];
    (void)touch;
    (void)ctx;
    return 0;
}

static void run_http(const uint8_t *data, size_t size, size_t step, int refuse, int close)
{
    static iotls_cli_http h;
    sink s = {0, 0, 0};
    size_t at = 0;
    int rc = IOTLS_CLI_HTTP_MORE;

    s.refuse = refuse;
    iotls_cli_http_init(&h, head_sink, body_sink, &s);
    while (at < size && rc == IOTLS_CLI_HTTP_MORE) {
        size_t n = size - at < step ? size - at : step;
        rc = iotls_cli_http_feed(&h, data + at, n);
        FUZZ_ASSERT(rc == IOTLS_CLI_HTTP_MORE || rc == IOTLS_CLI_HTTP_DONE ||
                    rc == IOTLS_CLI_HTTP_ERROR);
        at += n;
    }
    if (rc == IOTLS_CLI_HTTP_MORE && close)
        rc = iotls_cli_http_finish(&h);
    FUZZ_ASSERT(h.head_len <= IOTLS_CLI_HTTP_MAX_HEAD);
    FUZZ_ASSERT(h.interim <= IOTLS_CLI_HTTP_MAX_INTERIM + 1);
    FUZZ_TERMINATED(h.reason);
    FUZZ_TERMINATED(h.err);
    FUZZ_ASSERT(iotls_cli_http_error_name(h.error) != NULL);
    if (rc == IOTLS_CLI_HTTP_ERROR)
        FUZZ_ASSERT(h.error != IOTLS_CLI_HTTP_OK);
    if (!refuse)
        FUZZ_ASSERT(s.got == h.body_bytes);
    if (rc == IOTLS_CLI_HTTP_DONE && h.framing == IOTLS_CLI_HTTP_BODY_LENGTH)
        FUZZ_ASSERT(h.content_length >= 0 && h.body_bytes == (uint64_t)h.content_length);
}

static void run_chunked(const uint8_t *data, size_t size, size_t step, int refuse)
{
    iotls_cli_chunked d;
    sink s = {0, 0, 0};
    size_t at = 0, used;
    int rc = IOTLS_CLI_CHUNKED_MORE;

    s.refuse = refuse;
    iotls_cli_chunked_init(&d);
    while (at < size && rc == IOTLS_CLI_CHUNKED_MORE) {
        size_t n = size - at < step ? size - at : step;
        used = (size_t)-1;
        rc = iotls_cli_chunked_feed(&d, data + at, n, &used, body_sink, &s);
        FUZZ_ASSERT(rc >= IOTLS_CLI_CHUNKED_SINK && rc <= IOTLS_CLI_CHUNKED_DONE);
        if (rc == IOTLS_CLI_CHUNKED_MORE)
            FUZZ_ASSERT(used == n);
        if (rc == IOTLS_CLI_CHUNKED_MORE || rc == IOTLS_CLI_CHUNKED_DONE)
            FUZZ_ASSERT(used <= n);
        at += n;
    }
    FUZZ_TERMINATED(d.err);
    if (rc == IOTLS_CLI_CHUNKED_ERROR) {
        /* Sticky. */
        used = 0;
        FUZZ_ASSERT(iotls_cli_chunked_feed(&d, (const unsigned char *)"0\r\n\r\n", 5, &used,
                                           body_sink, &s) == IOTLS_CLI_CHUNKED_ERROR);
    }
    if (!refuse && rc != IOTLS_CLI_CHUNKED_SINK)
        FUZZ_ASSERT(s.got == d.body_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned ctl;
    size_t step;

    if (size == 0)
        return 0;
    ctl = data[0];
    step = (ctl & 0x3f) + 1;
    data++;
    size--;
    run_http(data, size, step, (ctl >> 6) & 1, (ctl >> 7) & 1);
    run_chunked(data, size, step, (ctl >> 6) & 1);
    /* Also in one piece: the same answer whatever the cut. */
    run_chunked(data, size, size ? size : 1, 0);
    return 0;
}
