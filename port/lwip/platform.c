/*
 * Time, entropy and LwIP's system hooks for the LwIP port: thin wrappers
 * over the board (see iotls_port_lwip.h), plus network bring-up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

#include "mbedtls/entropy.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"

#include "iotls/port.h"
#include "iotls_port_lwip.h"

uint64_t iotls_port_now_ms(void)
{
    return iotls_board_now_ms();
}

int64_t iotls_port_wall_time(void)
{
    return iotls_board_wall_time();
}

int iotls_port_entropy(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (iotls_board_entropy(output, len, olen) != 0 || *olen > len)
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    return 0;
}

/* Mbed TLS's hardware entropy source (MBEDTLS_ENTROPY_HARDWARE_ALT): every
 * entropy context Mbed TLS makes polls the board's TRNG, including the one
 * psa_crypto_init() seeds PSA's DRBG from (TLS 1.3 key shares). Declared
 * here: its prototype is in a private header of Mbed TLS. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    return iotls_port_entropy(data, output, len, olen);
}

/* Mbed TLS's millisecond clock (MBEDTLS_PLATFORM_MS_TIME_ALT): 3.6 needs one
 * on bare metal; the board's monotonic SysTick count. */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)iotls_board_now_ms();
}

/* Mbed TLS's clock (MBEDTLS_PLATFORM_TIME_MACRO): certificate validity. */
time_t iotls_port_lwip_mbedtls_time(time_t *t);
time_t iotls_port_lwip_mbedtls_time(time_t *t)
{
    time_t now = (time_t)iotls_board_wall_time();
    if (t != NULL)
        *t = now;
    return now;
}

/* Mbed TLS's gmtime_r (MBEDTLS_PLATFORM_GMTIME_R_ALT): UTC only, no libc
 * state, 32-bit arithmetic (no 64-bit division helpers linked in). Covers
 * 1970 to 2106, the range of certificate validity a device meets. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    if (*tt < 0 || (uint64_t)*tt > 0xFFFFFFFFu)
        return NULL;
    uint32_t t = (uint32_t)*tt;
    uint32_t days = t / 86400u, secs = t % 86400u;
    memset(tm_buf, 0, sizeof *tm_buf);
    tm_buf->tm_hour = (int)(secs / 3600u);
    tm_buf->tm_min = (int)(secs / 60u % 60u);
    tm_buf->tm_sec = (int)(secs % 60u);
    tm_buf->tm_wday = (int)((days + 4u) % 7u); /* 1970-01-01 was a Thursday */
    /* Civil date from a day count, in 400-year eras starting 0000-03-01. */
    uint32_t z = days + 719468u;
    uint32_t era = z / 146097u;
    uint32_t doe = z - era * 146097u;
    uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint32_t mp = (5u * doy + 2u) / 153u;
    uint32_t m = mp < 10u ? mp + 3u : mp - 9u;
    tm_buf->tm_year = (int)(yoe + era * 400u + (m <= 2u)) - 1900;
    tm_buf->tm_mon = (int)m - 1;
    tm_buf->tm_mday = (int)(doy - (153u * mp + 2u) / 5u + 1u);
    tm_buf->tm_yday = 0; /* not used by X.509 validity checks */
    return tm_buf;
}

/* ---- LwIP's system hooks (NO_SYS=1) ---- */

u32_t sys_now(void)
{
    return (u32_t)iotls_board_now_ms();
}

uint32_t iotls_port_lwip_rand(void)
{
    uint32_t r = 0;
    size_t olen = 0;
    /* Sequence numbers and ports from the TRNG; without one, a counter
     * (LwIP still works; only off-path guessing gets easier). */
    if (iotls_board_entropy((unsigned char *)&r, sizeof r, &olen) != 0 || olen != sizeof r) {
        static uint32_t fallback = 0x1234567u;
        r = fallback = fallback * 1664525u + 1013904223u;
    }
    return r;
}

void iotls_port_lwip_diag(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    iotls_board_log(line);
}

void iotls_port_lwip_assert(const char *msg, const char *file, int line)
{
    iotls_board_panic(msg, file, line);
}

/* ---- bring-up ---- */

int iotls_port_lwip_start(struct netif *netif, netif_init_fn init, const char *ip,
                          const char *mask, const char *gw, const char *dns)
{
    ip4_addr_t a, m, g;
    if (!ip4addr_aton(ip, &a) || !ip4addr_aton(mask, &m) || !ip4addr_aton(gw, &g))
        return -1;
    lwip_init();
    if (netif_add(netif, &a, &m, &g, NULL, init, ethernet_input) == NULL)
        return -1;
    netif_set_default(netif);
    netif_set_up(netif);
    if (dns != NULL) {
        ip_addr_t d;
        if (!ipaddr_aton(dns, &d))
            return -1;
        dns_setserver(0, &d);
    }
    return 0;
}

/* lwipopts.h: DNS_SERVER_PORT. */
uint16_t iotls_port_lwip_dns_port = 53;

int iotls_port_lwip_set_dns(const char *server, uint16_t port)
{
    ip_addr_t d;
    if (port == 0 || !ipaddr_aton(server, &d))
        return -1;
    dns_setserver(0, &d);
    iotls_port_lwip_dns_port = port;
    return 0;
}
