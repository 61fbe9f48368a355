/*
 * The progress bar of `iotls get` on stderr: drawn only when stderr is a
 * terminal, without -s and -v, and when the body does not go to that
 * terminal itself; never anything on a file or a pipe.
 */
#ifndef IOTLS_CLI_PROGRESS_H
#define IOTLS_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct iotls_cli_progress {
    FILE *out;          /* NULL: disabled */
    int cols;           /* terminal width */
    int started;
    int drawn;          /* a bar is on the current line */
    int64_t total;      /* -1: unknown (chunked, close-delimited) */
    uint64_t done;
    uint64_t t0_ms, last_ms;
} iotls_cli_progress;

/* Enables the bar on out (stderr) when wanted says so and out is a
 * terminal; otherwise every call below does nothing. */
void iotls_cli_progress_init(iotls_cli_progress *p, FILE *out, int wanted);

/* A body of total bytes (-1 unknown) begins. */
void iotls_cli_progress_start(iotls_cli_progress *p, int64_t total, uint64_t now_ms);

/* n more bytes; redrawn at most every 200 ms. */
void iotls_cli_progress_add(iotls_cli_progress *p, size_t n, uint64_t now_ms);

/* The last state drawn and the line ended (before any message). */
void iotls_cli_progress_end(iotls_cli_progress *p, uint64_t now_ms);

/* The bar's text for width cols into buf (for the tests). */
void iotls_cli_progress_format(const iotls_cli_progress *p, uint64_t now_ms, char *buf,
                               size_t len);

#endif /* IOTLS_CLI_PROGRESS_H */
