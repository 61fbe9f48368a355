/*
 * Seed maker of fuzz_handshake: runs the fuzz target's client session
 * (fuzz_session.c) over the memory port with its deterministic RNG, but
 * with the bytes going to a real TLS server on 127.0.0.1:PORT (started by
 * gen_seeds.py), and writes what the server sent to OUT: a seed. Then it
 * replays OUT as the fuzz target would and checks the session ends the
 * same way: proof that the recorded flight is still a valid answer (the
 * client's keys came out the same), not just bytes.
 *
 * usage: seedgen_handshake PORT SEEDS_DIR OUT
 * Prints "connect=<err name> reads=N read=<err name>" for the live run;
 * exit 0 when the replay matches, 1 otherwise.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_mem_port.h"
#include "fuzz_session.h"
#include "psa/crypto.h"

#define MAX_SEED (256 * 1024)

struct live {
    uint16_t port;
    int fd;
    unsigned char *rec;
    size_t n;
};

static int live_connect(void *ctx)
{
    struct live *l = ctx;
    struct sockaddr_in sa;

    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (l->fd < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(l->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(l->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(l->fd);
        l->fd = -1;
        return -1;
    }
    return 0;
}

static int live_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct live *l = ctx;

    while (len > 0) {
        ssize_t r = send(l->fd, buf, len, MSG_NOSIGNAL);
        if (r <= 0)
            return -1;
        buf += r;
        len -= (size_t)r;
    }
    return 0;
}

static int live_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    struct live *l = ctx;
    struct pollfd p = {l->fd, POLLIN, 0};
    ssize_t r;

    /* Not the client's wait: replayed, the next bytes are always there at
     * once, so here too the client waits until they come (a server that
     * answers after the client's short waits, e.g. the 200 ms for a TLS
     * 1.3 verdict, on a loaded machine, is recorded as a replay would see
     * it). 10 s: a server silent that long is broken. */
    (void)timeout_ms;
    if (poll(&p, 1, 10000) <= 0)
        return -1;
    r = recv(l->fd, buf, len, 0);
    if (r < 0)
        return -1;
    if (r > 0) {
        if (l->n + (size_t)r > MAX_SEED)
            return -1;
        memcpy(l->rec + l->n, buf, (size_t)r);
        l->n += (size_t)r;
    }
    return (int)r;
}

static void live_close(void *ctx)
{
    struct live *l = ctx;

    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}

static void run(iotls_trust *trust, fuzz_session_rc *rc, char *summary, size_t len)
{
    iotls_conf conf;
    iotls_conn c;

    iotls_conn_init(&c);
    fuzz_session_run(&c, &conf, trust, rc);
    snprintf(summary, len, "connect=%s reads=%d read=%s", iotls_err_name(rc->connect),
             rc->reads, iotls_err_name(rc->read));
    iotls_conn_free(&c);
    mbedtls_psa_crypto_free();
}

int main(int argc, char **argv)
{
    static unsigned char rec[MAX_SEED];
    struct live l = {0, -1, rec, 0};
    fuzz_mem_live ops = {live_connect, live_send, live_recv, live_close, &l};
    fuzz_session_rc rc_live, rc_replay; /* close aside: a closed server may or may not
                                           take our close_notify */
    char s_live[160], s_replay[160];
    iotls_trust trust;
    FILE *f;

    if (argc != 4 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535) {
        fprintf(stderr, "usage: seedgen_handshake PORT SEEDS_DIR OUT\n");
        return 2;
    }
    l.port = (uint16_t)atoi(argv[1]);
    if (fuzz_session_trust(&trust, argv[2]) != 0) {
        fprintf(stderr, "seedgen_handshake: cannot load %s/root.pem\n", argv[2]);
        return 1;
    }
    fuzz_mem_port_reset(NULL, 0);
    fuzz_mem_port_set_live(&ops);
    run(&trust, &rc_live, s_live, sizeof s_live);
    fuzz_mem_port_set_live(NULL);
    printf("%s\n", s_live);
    if (fuzz_mem_port_platform_polls() == 0) {
        fprintf(stderr, "seedgen_handshake: Mbed TLS's entropy poll was not wrapped "
                        "(-Wl,--wrap=mbedtls_platform_entropy_poll): not deterministic\n");
        return 1;
    }
    if ((f = fopen(argv[3], "wb")) == NULL || fwrite(rec, 1, l.n, f) != l.n || fclose(f) != 0) {
        fprintf(stderr, "seedgen_handshake: cannot write %s\n", argv[3]);
        return 1;
    }

    fuzz_mem_port_reset(rec, l.n);
    run(&trust, &rc_replay, s_replay, sizeof s_replay);
    iotls_trust_free(&trust);
    if (strcmp(s_live, s_replay) != 0) {
        fprintf(stderr, "seedgen_handshake: the replay of %zu bytes ends differently: %s\n",
                l.n, s_replay);
        return 1;
    }
    return 0;
}
