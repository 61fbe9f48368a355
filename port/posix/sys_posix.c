/*
 * POSIX port: clock, wall time and entropy (the allocator: alloc_posix.c).
 */
#include <errno.h>
#include <time.h>
#include <sys/random.h>

#include "mbedtls/entropy.h"

#include "iotls/port.h"

uint64_t iotls_port_now_ms(void)
{
    struct timespec ts;

    /* CLOCK_MONOTONIC: a wall-clock step (NTP) must not fire or stretch a
     * timeout. */
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t iotls_port_wall_time(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec;
}

int iotls_port_entropy(void *data, unsigned char *output, size_t len, size_t *olen)
{
    size_t got = 0;
    int tries = 0;

    (void)data;
    /* getrandom() may return less than asked (signals); a few bounded tries. */
    while (got < len && tries < 8) {
        ssize_t r = getrandom(output + got, len - got, 0);
        if (r < 0) {
            if (errno != EINTR)
                break;
        } else {
            got += (size_t)r;
        }
        tries++;
    }
    *olen = got;
    return got == len ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}
