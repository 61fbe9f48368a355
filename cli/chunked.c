/*
 * Chunked transfer coding, decoded as a byte-at-a-time state machine so that
 * any split of the input gives the same result.
 *
 *   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk = 1*"0" [ chunk-ext ] CRLF
 *   trailers   = *( field-line CRLF ) CRLF
 *
 * CRLF is required where the grammar has it: a bare LF or any other byte is
 * an error, since a lenient parser of chunk framing is how request smuggling
 * starts.
 */
#include "chunked.h"

#include <stdio.h>
#include <string.h>

enum {
    S_SIZE,        /* hex digits of the chunk size */
    S_SIZE_WS,     /* blanks after the size, before ';' or CR */
    S_EXT,         /* chunk extension, skipped up to CR */
    S_SIZE_LF,     /* LF after the size line */
    S_DATA,
    S_DATA_CR,
    S_DATA_LF,
    S_TRAILER_START, /* start of a trailer line, or the final CRLF */
    S_TRAILER,       /* inside a trailer line */
    S_TRAILER_LF,
    S_FINAL_LF,
    S_DONE,
    S_ERROR
};

void iotls_cli_chunked_init(iotls_cli_chunked *d)
{
    memset(d, 0, sizeof *d);
    d->state = S_SIZE;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int fail(iotls_cli_chunked *d, const char *why, unsigned char c)
{
    if (c >= 0x21 && c <= 0x7e)
        snprintf(d->err, sizeof d->err, "chunked body: %s (got '%c' in chunk %llu)", why, c,
                 (unsigned long long)d->chunks + 1);
    else
        snprintf(d->err, sizeof d->err, "chunked body: %s (got byte 0x%02x in chunk %llu)", why, c,
                 (unsigned long long)d->chunks + 1);
    d->state = S_ERROR;
    return IOTLS_CLI_CHUNKED_ERROR;
}

/* End of a size line: the last chunk or data follows. */
static void size_done(iotls_cli_chunked *d)
{
    d->chunks++;
    d->left = d->size;
    d->line_len = 0;
    d->state = S_SIZE_LF;
}

int iotls_cli_chunked_feed(iotls_cli_chunked *d, const unsigned char *in, size_t len,
                           size_t *used, iotls_cli_body_fn sink, void *ctx)
{
    size_t i = 0;

    *used = 0;
    if (d->state == S_ERROR)
        return IOTLS_CLI_CHUNKED_ERROR;
    while (i < len && d->state != S_DONE) {
        unsigned char c = in[i];
        int h;

        if (d->state == S_DATA) {
            size_t n = len - i;
            if ((uint64_t)n > d->left)
                n = (size_t)d->left;
            if (sink && sink(ctx, in + i, n) != 0) {
                *used = i;
                return IOTLS_CLI_CHUNKED_SINK;
            }
            d->body_bytes += n;
            d->left -= n;
            i += n;
            if (d->left == 0)
                d->state = S_DATA_CR;
            continue;
        }
        if (d->state == S_SIZE || d->state == S_SIZE_WS || d->state == S_EXT) {
            if (++d->line_len > IOTLS_CLI_CHUNK_MAX_LINE)
                return fail(d, "chunk size line too long", c);
        }
        switch (d->state) {
        case S_SIZE:
            h = hexval(c);
            if (h >= 0) {
                if (d->size > (UINT64_MAX >> 4))
                    return fail(d, "chunk size overflows 64 bits", c);
                d->size = (d->size << 4) | (uint64_t)h;
                d->digits++;
            } else if (d->digits == 0) {
                return fail(d, "chunk size is not a hex number", c);
            } else if (c == ';') {
                d->state = S_EXT;
            } else if (c == ' ' || c == '\t') {
                d->state = S_SIZE_WS;
            } else if (c == '\r') {
                size_done(d);
            } else if (c == '\n') {
                return fail(d, "chunk size line not ended by CRLF", c);
            } else {
                return fail(d, "chunk size is not a hex number", c);
            }
            break;
        case S_SIZE_WS:
            if (c == ';')
                d->state = S_EXT;
            else if (c == '\r')
                size_done(d);
            else if (c == '\n')
                return fail(d, "chunk size line not ended by CRLF", c);
            else if (c != ' ' && c != '\t')
                return fail(d, "unexpected text after the chunk size", c);
            break;
        case S_EXT:
            if (c == '\r')
                size_done(d);
            else if (c == '\n')
                return fail(d, "chunk size line not ended by CRLF", c);
            break;
        case S_SIZE_LF:
            if (c != '\n')
                return fail(d, "chunk size line not ended by CRLF", c);
            d->state = d->size == 0 ? S_TRAILER_START : S_DATA;
            break;
        case S_DATA_CR:
            if (c != '\r')
                return fail(d, "chunk data not followed by CRLF", c);
            d->state = S_DATA_LF;
            break;
        case S_DATA_LF:
            if (c != '\n')
                return fail(d, "chunk data not followed by CRLF", c);
            d->size = 0;
            d->digits = 0;
            d->line_len = 0;
            d->state = S_SIZE;
            break;
        case S_TRAILER_START:
        case S_TRAILER:
            if (++d->line_len > IOTLS_CLI_CHUNK_MAX_TRAILER)
                return fail(d, "trailer section too long", c);
            if (c == '\r')
                d->state = d->state == S_TRAILER_START ? S_FINAL_LF : S_TRAILER_LF;
            else if (c == '\n')
                return fail(d, "trailer line not ended by CRLF", c);
            else
                d->state = S_TRAILER;
            break;
        case S_TRAILER_LF:
            if (c != '\n')
                return fail(d, "trailer line not ended by CRLF", c);
            d->state = S_TRAILER_START;
            break;
        case S_FINAL_LF:
            if (c != '\n')
                return fail(d, "chunked body not ended by CRLF", c);
            d->state = S_DONE;
            break;
        default:
            break;
        }
        i++;
    }
    *used = i;
    return d->state == S_DONE ? IOTLS_CLI_CHUNKED_DONE : IOTLS_CLI_CHUNKED_MORE;
}
