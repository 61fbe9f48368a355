/*
 * Soak: many sequential connections in one process (connect, a small GET,
 * close, free), with the heap (the port allocator's counters) and the open
 * descriptors (/proc/self/fd) read at checkpoints. From the 100th
 * connection on, both must stay exactly where they are: every connection
 * gives back all it took. The first 100 may grow what lives as long as
 * the process (PSA's key slots, the session cache).
 *
 * The trust store and the confs are made once, as a device does. Odd
 * connections run a conf without the session cache (a full handshake and
 * chain verification each time), even ones the default conf (resumption
 * from the in-process cache).
 *
 *   soak --port P --ca FILE --page FILE --count N --version 1.3|1.2
 *        [--host 127.0.0.1] [--path /page.txt] [--max-seconds S]
 *
 * Exit 0 when every connection got the page and heap and descriptors stayed
 * flat; prints the table of checkpoints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "iotls_port_posix.h"

#define FLAT_FROM 100 /* connections before the level is taken */
#define MAX_COUNT 1000000

typedef struct args {
    const char *host, *ca, *page, *path;
    uint16_t port;
    long count;
    double max_seconds;
    iotls_version version;
} args;

static int parse(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->host = "127.0.0.1";
    a->path = "/page.txt";
    a->max_seconds = 600;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--port") == 0)
            a->port = (uint16_t)atoi(v);
        else if (strcmp(k, "--ca") == 0)
            a->ca = v;
        else if (strcmp(k, "--page") == 0)
            a->page = v;
        else if (strcmp(k, "--host") == 0)
            a->host = v;
        else if (strcmp(k, "--path") == 0)
            a->path = v;
        else if (strcmp(k, "--count") == 0)
            a->count = atol(v);
        else if (strcmp(k, "--max-seconds") == 0)
            a->max_seconds = atof(v);
        else if (strcmp(k, "--version") == 0)
            a->version = strcmp(v, "1.2") == 0 ? IOTLS_TLS_1_2
                         : strcmp(v, "1.3") == 0 ? IOTLS_TLS_1_3 : 0;
        else
            return -1;
    }
    return a->port != 0 && a->ca != NULL && a->page != NULL && a->version != 0 &&
                   a->count > FLAT_FROM && a->count <= MAX_COUNT && argc % 2 == 1 ? 0 : -1;
}

static double now_s(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A checkpoint: after connection i, is it one to record? */
static int checkpoint(long i, long count)
{
    return i == 1 || i == FLAT_FROM || i == count || i % (count / 10 > 0 ? count / 10 : 1) == 0;
}

int main(int argc, char **argv)
{
    args a;
    hard_target t;
    hard_result r;
    iotls_trust trust;
    iotls_conf full, resume;
    iotls_port_alloc_stats s, base;
    long resumed = 0, failed = 0, i;
    int sys_err = 0, fds, fds_base = -1, flat = 1;
    double wall0 = now_s(CLOCK_MONOTONIC), cpu0 = now_s(CLOCK_PROCESS_CPUTIME_ID);

    if (parse(argc, argv, &a) != 0) {
        fprintf(stderr, "usage: soak --port P --ca FILE --page FILE --count N (> %d)"
                        " --version 1.3|1.2 [--host H] [--path /p] [--max-seconds S]\n",
                FLAT_FROM);
        return 2;
    }
    memset(&t, 0, sizeof t);
    t.host = a.host;
    t.port = a.port;
    t.path = a.path;
    if ((t.expect = hard_read_file(a.page, &t.expect_len)) == NULL) {
        fprintf(stderr, "cannot read %s\n", a.page);
        return 2;
    }
    iotls_trust_init(&trust);
    if (iotls_trust_add_file(&trust, a.ca, &sys_err) != IOTLS_OK || trust.loaded == 0) {
        fprintf(stderr, "cannot load %s\n", a.ca);
        return 2;
    }
    iotls_conf_init(&full);
    iotls_conf_set_trust(&full, &trust);
    iotls_conf_set_versions(&full, a.version, a.version);
    iotls_conf_set_session_cache(&full, 0);
    iotls_conf_set_timeouts(&full, 5000, 10000, 10000, 5000);
    iotls_conf_init(&resume);
    iotls_conf_set_trust(&resume, &trust);
    iotls_conf_set_versions(&resume, a.version, a.version);
    iotls_conf_set_timeouts(&resume, 5000, 10000, 10000, 5000);

    printf("%8s %12s %12s %12s %6s %9s\n", "conn", "live blocks", "live bytes", "peak bytes",
           "fds", "seconds");
    memset(&base, 0, sizeof base);
    for (i = 1; i <= a.count; i++) {
        hard_fetch(i % 2 == 1 ? &full : &resume, &t, &r);
        if (now_s(CLOCK_MONOTONIC) - wall0 > a.max_seconds) {
            fprintf(stderr, "FAIL: only %ld connections in %.0f s\n", i, a.max_seconds);
            break;
        }
        if (r.phase != PH_NONE || !r.data_ok) {
            fprintf(stderr, "FAIL: connection %ld: %s\n", i,
                    r.phase != PH_NONE ? r.text : "other data than the page");
            if (++failed >= 10)
                break;
            continue;
        }
        resumed += r.resumed;
        if (!checkpoint(i, a.count))
            continue;
        iotls_port_posix_alloc_stats(&s);
        fds = hard_open_fds();
        printf("%8ld %12zu %12zu %12zu %6d %9.1f\n", i, s.live_blocks, s.live_bytes,
               s.peak_bytes, fds, now_s(CLOCK_MONOTONIC) - wall0);
        fflush(stdout);
        if (i == FLAT_FROM) {
            base = s;
            fds_base = fds;
        } else if (i > FLAT_FROM && (s.live_blocks != base.live_blocks ||
                                     s.live_bytes != base.live_bytes || fds != fds_base)) {
            fprintf(stderr, "FAIL: after connection %ld: %+zd blocks, %+zd bytes, %+d fds"
                            " since connection %d\n", i,
                    (ssize_t)(s.live_blocks - base.live_blocks),
                    (ssize_t)(s.live_bytes - base.live_bytes), fds - fds_base, FLAT_FROM);
            flat = 0;
        }
    }
    iotls_trust_free(&trust);
    iotls_port_posix_alloc_stats(&s);
    printf("%ld connections (%ld resumed), %ld failed; %.1f s wall, %.1f s CPU in the client;"
           " after freeing the trust store: %zu blocks live\n",
           i > a.count ? a.count : i, resumed, failed, now_s(CLOCK_MONOTONIC) - wall0,
           now_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0, s.live_blocks);
    return failed == 0 && flat && i > a.count ? 0 : 1;
}
