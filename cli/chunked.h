/*
 * Incremental decoder for HTTP/1.1 chunked bodies (RFC 9112 section 7.1).
 * Feed it bytes as they arrive, in pieces of any size; the decoded body goes
 * to a sink. Extensions and trailers are read and ignored. Every length is
 * bounded; a size that overflows or is not hex is an error.
 */
#ifndef IOTLS_CLI_CHUNKED_H
#define IOTLS_CLI_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

/* Receives body bytes; returns 0, or -1 to stop (e.g. a write failed). */
typedef int (*iotls_cli_body_fn)(void *ctx, const unsigned char *p, size_t n);

/* Longest chunk-size line (size, extensions) and trailer section accepted. */
#define IOTLS_CLI_CHUNK_MAX_LINE 4096
#define IOTLS_CLI_CHUNK_MAX_TRAILER 65536

typedef struct iotls_cli_chunked {
    int state;             /* private */
    uint64_t size;         /* size of the current chunk */
    uint64_t left;         /* data bytes left in it */
    int digits;            /* hex digits of the size seen */
    size_t line_len;       /* bytes of the current size line / trailer section */
    uint64_t body_bytes;   /* decoded so far */
    uint64_t chunks;       /* chunks seen, the last (0) one included */
    char err[96];          /* why, after an error */
} iotls_cli_chunked;

#define IOTLS_CLI_CHUNKED_MORE 0   /* needs more input */
#define IOTLS_CLI_CHUNKED_DONE 1   /* last chunk and trailers read */
#define IOTLS_CLI_CHUNKED_ERROR (-1)
#define IOTLS_CLI_CHUNKED_SINK (-2) /* the sink refused */

void iotls_cli_chunked_init(iotls_cli_chunked *d);

/*
 * Decode len bytes of in. *used is set to the bytes consumed (less than len
 * only at DONE: what follows the body is not part of it). Returns one of the
 * IOTLS_CLI_CHUNKED_* values; after ERROR, d->err says why and every later
 * call returns ERROR.
 */
int iotls_cli_chunked_feed(iotls_cli_chunked *d, const unsigned char *in, size_t len,
                           size_t *used, iotls_cli_body_fn sink, void *ctx);

#endif /* IOTLS_CLI_CHUNKED_H */
