/*
 * Output of `get`, never leaving a partial file behind: the body goes to a
 * temporary file next to the target (same file system, so rename() is
 * atomic) and is renamed only once the whole response was read.
 */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* The body arrives in pieces of up to one TLS record (16 KiB); stdio's
 * default buffer (st_blksize: 4 KiB for /dev/null and pipes) turned each
 * piece into two write() calls. 64 KiB: one call per four records. glibc
 * ignores setvbuf's size without a buffer, so the buffer is given: one
 * static buffer (a process writes one body; a second stream open at the
 * same time keeps stdio's default). A terminal keeps its line buffering.
 * Called right after opening, before the first write. */
#define OUT_BUF_SIZE (64 * 1024)

static char out_buf[OUT_BUF_SIZE];
static FILE *out_buf_owner;

static void big_buffer(FILE *fp)
{
    if (fp == NULL || isatty(fileno(fp)))
        return;
    if (out_buf_owner != NULL)
        return; /* held by another open stream (stdout: for good) */
    if (setvbuf(fp, out_buf, _IOFBF, sizeof out_buf) == 0)
        out_buf_owner = fp;
}

/* fclose() of a stream that has the buffer gives it back. */
static int close_fp(FILE *fp)
{
    int owner = fp == out_buf_owner;
    int rc = fclose(fp);
    if (owner)
        out_buf_owner = NULL;
    return rc;
}

int iotls_cli_outfile_open(iotls_cli_outfile *o, const char *path, int discard)
{
    const char *slash;
    int fd, n;

    memset(o, 0, sizeof *o);
    if (!path) {
        o->fp = discard ? NULL : stdout;
        big_buffer(o->fp);
        return 0;
    }
    {
        struct stat st;
        if (stat(path, &st) == 0) {
            /* Refuse a directory now, not after the whole transfer. */
            if (S_ISDIR(st.st_mode)) {
                o->err = EISDIR;
                return -1;
            }
            /* /dev/null, a FIFO or a tty: there is no partial file to
             * avoid, and renaming over it would destroy the node. */
            if (!S_ISREG(st.st_mode)) {
                o->fp = fopen(path, "wb");
                if (!o->fp) {
                    o->err = errno;
                    return -1;
                }
                o->direct = 1;
                big_buffer(o->fp);
                return 0;
            }
        }
    }
    slash = strrchr(path, '/');
    if (slash)
        n = snprintf(o->tmp, sizeof o->tmp, "%.*s/.%s.iotls-XXXXXX", (int)(slash - path), path,
                     slash + 1);
    else
        n = snprintf(o->tmp, sizeof o->tmp, ".%s.iotls-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof o->tmp) {
        o->err = ENAMETOOLONG;
        return -1;
    }
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        o->err = errno;
        o->tmp[0] = '\0';
        return -1;
    }
    {
        /* mkstemp makes 0600; give the file the mode a plain create would. */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    o->fp = fdopen(fd, "wb");
    if (!o->fp) {
        o->err = errno;
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return -1;
    }
    o->path = path;
    big_buffer(o->fp);
    return 0;
}

int iotls_cli_outfile_write(void *ctx, const unsigned char *p, size_t n)
{
    iotls_cli_outfile *o = ctx;
    if (!o->fp || n == 0)
        return 0;
    if (fwrite(p, 1, n, o->fp) != n) {
        o->failed = 1;
        o->err = errno;
        return -1;
    }
    return 0;
}

int iotls_cli_outfile_commit(iotls_cli_outfile *o)
{
    if (!o->fp)
        return 0;
    if (o->direct) {
        int rc = close_fp(o->fp);
        o->fp = NULL;
        if (rc != 0) {
            o->err = errno;
            return -1;
        }
        return 0;
    }
    if (!o->path) {
        if (fflush(o->fp) != 0) {
            o->err = errno;
            return -1;
        }
        return 0;
    }
    if (fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0) {
        o->err = errno;
        iotls_cli_outfile_abort(o);
        return -1;
    }
    if (close_fp(o->fp) != 0) {
        o->err = errno;
        o->fp = NULL;
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return -1;
    }
    o->fp = NULL;
    if (rename(o->tmp, o->path) != 0) {
        o->err = errno;
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return -1;
    }
    o->tmp[0] = '\0';
    return 0;
}

void iotls_cli_outfile_abort(iotls_cli_outfile *o)
{
    if ((o->path || o->direct) && o->fp) {
        close_fp(o->fp);
        o->fp = NULL;
    }
    if (o->tmp[0]) {
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
}
