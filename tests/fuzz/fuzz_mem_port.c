/*
 * The memory port of fuzz_handshake and seedgen_handshake (fuzz_mem_port.h).
 */
#include <string.h>
#include <time.h>

#include "fuzz_mem_port.h"
#include "iotls/port.h"

struct iotls_port_sock {
    int open;
};

static const uint8_t *in;
static size_t in_len, in_at;
static uint64_t rng_state;
static unsigned long platform_polls;
static const fuzz_mem_live *live;
static struct iotls_port_sock the_sock;

void fuzz_mem_port_reset(const uint8_t *server_bytes, size_t len)
{
    in = server_bytes;
    in_len = len;
    in_at = 0;
    the_sock.open = 0;
    rng_state = 0x696f746c73667a7aull; /* any constant: "iotlsfzz" */
}

void fuzz_mem_port_set_live(const fuzz_mem_live *l)
{
    live = l;
}

unsigned long fuzz_mem_port_platform_polls(void)
{
    return platform_polls;
}

/* splitmix64: not a secure generator, a repeatable one. */
static void rng_fill(unsigned char *out, size_t len)
{
    size_t i;

    for (i = 0; i < len; i += 8) {
        uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        memcpy(out + i, &z, len - i < 8 ? len - i : 8);
    }
}

int iotls_port_entropy(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    rng_fill(output, len);
    *olen = len;
    return 0;
}

/* Mbed TLS's own source (library/entropy_poll.c), which every entropy
 * context and PSA's RNG add by themselves: the targets are linked with
 * -Wl,--wrap=mbedtls_platform_entropy_poll (tests/fuzz/inner). */
int __wrap_mbedtls_platform_entropy_poll(void *data, unsigned char *output, size_t len,
                                         size_t *olen);
int __wrap_mbedtls_platform_entropy_poll(void *data, unsigned char *output, size_t len,
                                         size_t *olen)
{
    platform_polls++;
    return iotls_port_entropy(data, output, len, olen);
}

/* A clock that stands still: no deadline ever passes, and nothing in the
 * client's bytes depends on when the input ran. */
uint64_t iotls_port_now_ms(void)
{
    return 1000000;
}

/* The real date: Mbed TLS checks certificate dates against it too, and the
 * diagnosis compares the two. */
int64_t iotls_port_wall_time(void)
{
    return (int64_t)time(NULL);
}

int iotls_port_resolve(const char *host, iotls_addr *addrs, size_t max, size_t *n,
                       uint32_t timeout_ms, int *sys_err)
{
    (void)host;
    (void)timeout_ms;
    (void)sys_err;
    if (max == 0)
        return IOTLS_ERR_DNS;
    memset(&addrs[0], 0, sizeof addrs[0]);
    addrs[0].family = 4;
    addrs[0].bytes[0] = 127;
    addrs[0].bytes[3] = 1;
    *n = 1;
    return IOTLS_OK;
}

int iotls_port_connect(iotls_port_sock **sock, const iotls_addr *addr, uint16_t port,
                       uint32_t timeout_ms, int *sys_err)
{
    (void)addr;
    (void)port;
    (void)timeout_ms;
    (void)sys_err;
    if (the_sock.open)
        return IOTLS_ERR_CONNECT; /* one connection at a time, as the client has */
    if (live != NULL && live->connect(live->ctx) != 0)
        return IOTLS_ERR_CONNECT_REFUSED;
    the_sock.open = 1;
    *sock = &the_sock;
    return IOTLS_OK;
}

int iotls_port_send(iotls_port_sock *sock, const unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    (void)timeout_ms;
    (void)sys_err;
    if (sock == NULL || !sock->open)
        return IOTLS_PORT_ERROR;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    if (live != NULL)
        return live->send(live->ctx, buf, len) == 0 ? (int)len : IOTLS_PORT_RESET;
    return (int)len; /* the client's bytes go nowhere */
}

int iotls_port_recv(iotls_port_sock *sock, unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    size_t n;

    (void)sys_err;
    if (sock == NULL || !sock->open)
        return IOTLS_PORT_ERROR;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    if (live != NULL) {
        int r = live->recv(live->ctx, buf, len, timeout_ms);
        return r > 0 ? r : r == 0 ? IOTLS_PORT_EOF : IOTLS_PORT_TIMEOUT;
    }
    n = in_len - in_at;
    if (n == 0)
        return IOTLS_PORT_EOF;
    if (n > len)
        n = len;
    memcpy(buf, in + in_at, n);
    in_at += n;
    return (int)n;
}

void iotls_port_close(iotls_port_sock *sock)
{
    if (sock == NULL || !sock->open)
        return;
    sock->open = 0;
    if (live != NULL)
        live->close(live->ctx);
}
