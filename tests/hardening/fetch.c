/*
 * One GET over one iotls connection (fetch.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"

/* Large enough for the test page and s_server's header; a longer answer
 * is wrong data. */
#define RESPONSE_MAX 8192

static iotls_diagnosis diag; /* ~7 KB: not on the stack */

const char *hard_phase_name(hard_phase p)
{
    static const char *const names[PH_END] = {"ok", "trust", "setup", "connect",
                                              "write", "read", "close"};
    return p < PH_END ? names[p] : "?";
}

static void record(hard_result *r, hard_phase phase, const iotls_error *e,
                   const iotls_diag_input *in)
{
    r->phase = phase;
    r->code = e->code;
    r->stage = e->stage;
    r->cause = iotls_diagnose(e, in, &diag) == 1 ? diag.cause : IOTLS_CAUSE_NONE;
    iotls_error_format(e, r->text, sizeof r->text);
}

void hard_fail_setup(hard_phase phase, int code, hard_result *r)
{
    iotls_error e;

    memset(r, 0, sizeof *r);
    iotls_error_init(&e);
    e.code = (iotls_err)code;
    e.stage = IOTLS_STAGE_SETUP;
    record(r, phase, &e, NULL);
}

/* "HTTP/1.x 200" then a header block, then exactly the expected body. */
static int response_ok(const unsigned char *buf, size_t n, const hard_target *t)
{
    const unsigned char *p;
    size_t head;

    if (n < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || memcmp(buf + 8, " 200", 4) != 0)
        return 0;
    for (p = buf; p + 4 <= buf + n; p++)
        if (memcmp(p, "\r\n\r\n", 4) == 0)
            break;
    if (p + 4 > buf + n)
        return 0;
    head = (size_t)(p + 4 - buf);
    return n - head == t->expect_len && memcmp(buf + head, t->expect, t->expect_len) == 0;
}

void hard_fetch(const iotls_conf *conf, const hard_target *t, hard_result *r)
{
    static unsigned char buf[RESPONSE_MAX];
    char req[300];
    iotls_conn c;
    iotls_diag_input in;
    hard_phase phase = PH_NONE;
    size_t got = 0;
    int n, len, reads = 0;

    memset(r, 0, sizeof *r);
    len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", t->path, t->host);
    iotls_conn_init(&c);
    if (iotls_conn_setup(&c, conf) != IOTLS_OK)
        phase = PH_SETUP;
    else if (iotls_conn_connect(&c, t->host, t->port) != IOTLS_OK)
        phase = PH_CONNECT;
    else if (iotls_conn_write(&c, (const unsigned char *)req, (size_t)len) != len)
        phase = PH_WRITE;
    if (phase == PH_NONE) {
        r->resumed = iotls_conn_resumed(&c);
        /* Bounded: each read takes at least one byte or ends the loop; the
         * conf's read timeout bounds each wait. */
        while (reads++ < RESPONSE_MAX + 1) {
            n = iotls_conn_read(&c, buf + got, sizeof buf - got);
            if (n < 0) {
                phase = PH_READ;
                break;
            }
            if (n == 0 || (got += (size_t)n) == sizeof buf)
                break;
        }
    }
    if (phase == PH_NONE && iotls_conn_close(&c) != IOTLS_OK)
        phase = PH_CLOSE;
    if (phase != PH_NONE) {
        iotls_diag_input_init(&in);
        iotls_diag_input_from_conn(&in, &c, conf);
        record(r, phase, iotls_conn_error(&c), &in);
    } else {
        r->data_ok = response_ok(buf, got, t);
    }
    iotls_conn_free(&c);
}

int hard_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

const unsigned char *hard_read_file(const char *path, size_t *len)
{
    static unsigned char data[RESPONSE_MAX];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return NULL;
    n = fread(data, 1, sizeof data, f);
    if (ferror(f) || !feof(f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return data;
}
