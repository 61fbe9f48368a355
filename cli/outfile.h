/*
 * Where `get` writes: stdout, nothing (--json without -o), or a file that
 * appears complete or not at all (a temporary file in the same directory,
 * renamed on success, removed on failure). A target that exists and is not
 * a regular file (/dev/null, a FIFO, a terminal) is written in place: a
 * rename would replace the device node itself.
 */
#ifndef IOTLS_CLI_OUTFILE_H
#define IOTLS_CLI_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct iotls_cli_outfile {
    FILE *fp;              /* NULL: discard */
    const char *path;      /* final name, NULL for stdout / discard */
    char tmp[4096];        /* temporary name while writing */
    int failed;            /* a write failed */
    int err;               /* its errno */
    int direct;            /* not a regular file (/dev/null, a FIFO): written in place */
} iotls_cli_outfile;

/* path NULL: stdout (discard set: nothing). Returns 0, or -1 with errno
 * kept in o->err (the directory cannot be written). */
int iotls_cli_outfile_open(iotls_cli_outfile *o, const char *path, int discard);

/* An iotls_cli_body_fn: appends bytes. */
int iotls_cli_outfile_write(void *ctx, const unsigned char *p, size_t n);

/* Success: flush, close and rename into place. Returns 0 or -1 (o->err). */
int iotls_cli_outfile_commit(iotls_cli_outfile *o);

/* Failure: close and remove the temporary file. Safe after commit. */
void iotls_cli_outfile_abort(iotls_cli_outfile *o);

#endif /* IOTLS_CLI_OUTFILE_H */
