/*
 * What the iotls LwIP port needs from this board (iotls_port_lwip.h): clock,
 * wall time, entropy, the network wait, the console.
 *
 * ENTROPY: this board has no hardware RNG. The test build takes a seed from
 * the host and expands it with SHA-256 in counter mode; that is only as
 * secret as the host's command line, so it is announced as a TEST SEED. A
 * real device returns its TRNG's output here instead (docs/device.md shows
 * the STM32F7 RNG).
 */
#include <string.h>

#include "mbedtls/sha256.h"

#include "board.h"
#include "board_net.h"
#include "iotls_port_lwip.h"
#include "lan9118.h"
#include "semihost.h"

struct netif board_netif;

static unsigned char test_seed[32];
static int test_seeded;
static uint32_t test_counter;

void board_set_test_seed(const unsigned char *seed, size_t len)
{
    mbedtls_sha256(seed, len, test_seed, 0);
    test_seeded = 1;
    board_printf("*** TEST SEED: entropy comes from a seed given by the host, not from a TRNG.\n"
                 "*** TEST SEED: for emulation only; never ship this build.\n");
}

int iotls_board_entropy(unsigned char *out, size_t len, size_t *olen)
{
    if (!test_seeded)
        return -1; /* no source: fail, never make entropy up */
    size_t done = 0;
    while (done < len) {
        unsigned char block[32], in[36];
        memcpy(in, test_seed, 32);
        memcpy(in + 32, &test_counter, 4);
        test_counter++;
        mbedtls_sha256(in, sizeof in, block, 0);
        size_t n = len - done < sizeof block ? len - done : sizeof block;
        memcpy(out + done, block, n);
        done += n;
    }
    *olen = len;
    return 0;
}

uint64_t iotls_board_now_ms(void)
{
    return board_ms();
}

int64_t iotls_board_wall_time(void)
{
    return semihost_time();
}

void iotls_board_net_wait(void)
{
    if (lan9118_poll(&board_netif) == 0)
        board_idle(lan9118_rx_pending);
}

void iotls_board_log(const char *text)
{
    semihost_write(text);
}

void iotls_board_panic(const char *what, const char *file, int line)
{
    board_printf("\nFATAL: %s (%s:%d)\n", what, file, line);
    semihost_exit(72);
}
