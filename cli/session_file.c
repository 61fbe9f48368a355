/*
 * --session FILE: the session blob (include/iotls/session.h) kept in a file
 * between runs of the tool, as a device keeps it across deep sleep.
 */
#include "session_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"

/* The blob handed to iotls_conf_set_session(), which keeps the pointer:
 * it must live as long as the conf. One connection per run of the tool. */
static uint8_t loaded[IOTLS_SESSION_MAX];

int iotls_cli_session_file_check(const iotls_cli_opts *o, char *err, size_t errlen)
{
    if (o->session_file != NULL && o->command != IOTLS_CLI_CMD_CONNECT &&
        o->command != IOTLS_CLI_CMD_GET && o->command != IOTLS_CLI_CMD_HELP &&
        o->command != IOTLS_CLI_CMD_VERSION)
        return iotls_cli_opt_fail(err, errlen, "--session applies to connect and get only");
    return 0;
}

static void warn(const char *path, const char *why)
{
    fprintf(stderr, "iotls: warning: --session %s: %s; a full handshake instead\n", path, why);
}

void iotls_cli_session_file_load(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    const char *path = o->session_file;
    iotls_session_info info;
    FILE *f;
    size_t n;
    int st, big;

    if (path == NULL)
        return;
    f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT)
            iotls_cli_verbose(o, "--session %s: no saved session yet", path);
        else
            warn(path, strerror(errno));
        return;
    }
    n = fread(loaded, 1, sizeof loaded, f);
    big = n == sizeof loaded && fgetc(f) != EOF;
    if (ferror(f)) {
        warn(path, strerror(errno));
        fclose(f);
        return;
    }
    fclose(f);
    if (big) {
        warn(path, "larger than any session blob");
        return;
    }
    st = iotls_conf_set_session(&s->conf, loaded, n);
    if (st == IOTLS_SESSION_EXPIRED) {
        iotls_cli_verbose(o, "--session %s: the saved session has expired; a full handshake",
                          path);
        return;
    }
    if (st != IOTLS_SESSION_OK) {
        warn(path, iotls_session_status_text(st));
        return;
    }
    iotls_session_inspect(loaded, n, -1, &info);
    if (strcmp(info.host, o->url.host) != 0 || info.port != o->url.port)
        iotls_cli_verbose(o, "--session %s: the saved session is for %s:%u, not offered", path,
                          info.host, (unsigned)info.port);
    else
        iotls_cli_verbose(o, "--session %s: offering a %s (%u bytes)", path,
                          iotls_session_kind_name(info.kind), (unsigned)n);
}

/* buf into path through a temporary file beside it: a reader sees the old
 * file or the new one, never half of one. Mode 0600: it holds a secret. */
static int write_atomic(const char *path, const uint8_t *buf, size_t len)
{
    char tmp[4096];
    int fd, err = 0;

    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
        return ENAMETOOLONG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return errno;
    for (size_t off = 0; off < len && err == 0;) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno != EINTR)
            err = errno;
        else if (w == 0)
            err = EIO;
    }
    if (err == 0 && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && err == 0)
        err = errno;
    if (err == 0 && rename(tmp, path) != 0)
        err = errno;
    if (err != 0)
        unlink(tmp);
    return err;
}

void iotls_cli_session_file_save(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    uint8_t blob[IOTLS_SESSION_MAX];
    size_t n = 0;
    int st, err;

    if (o->session_file == NULL)
        return;
    st = iotls_conn_session_export(&s->conn, blob, sizeof blob, &n);
    if (st != IOTLS_SESSION_OK) {
        iotls_cli_verbose(o, "--session %s: nothing saved: %s", o->session_file,
                          iotls_session_status_text(st));
        return;
    }
    err = write_atomic(o->session_file, blob, n);
    if (err != 0)
        fprintf(stderr, "iotls: warning: --session %s: the session was not saved: %s\n",
                o->session_file, strerror(err));
    else
        iotls_cli_verbose(o, "--session %s: session saved (%zu bytes)", o->session_file, n);
}

void iotls_cli_report_resumed(const iotls_conn *c, FILE *out)
{
    if (iotls_conn_resumed(c))
        fprintf(out, "  resumed      yes (%s): no certificate was sent; the chain was verified "
                     "when the session was made\n",
                iotls_session_kind_name(iotls_conn_session_kind(c)));
    else if (iotls_conn_session_offered(c))
        fprintf(out, "  resumed      no: the server declined the saved session (full "
                     "handshake)\n");
    else
        fprintf(out, "  resumed      no\n");
}
