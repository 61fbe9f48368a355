/*
 * The port interface: everything iotls needs from a platform.
 *
 * src/ makes no OS call. A port is one folder (port/posix, port/lwip) that
 * defines exactly the functions below; the linker picks the port, as LwIP's
 * sys_arch does. A port's own extras (file loading, network bring-up) live in
 * its own header (port/<name>/iotls_port_<name>.h).
 *
 * Conventions: functions that can fail return IOTLS_OK or a negative iotls_err
 * and store the platform's own error (errno, an lwIP err_t, ...) in *sys_err
 * when they have one.
 */
#ifndef IOTLS_PORT_H
#define IOTLS_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A network address, family-neutral. */
typedef struct iotls_addr {
    uint8_t family;     /* 4 or 6 */
    uint8_t bytes[16];  /* network order; IPv4 uses the first 4 */
} iotls_addr;

/* A connected stream socket; each port defines the struct. */
typedef struct iotls_port_sock iotls_port_sock;

/* Results of send/recv besides a byte count. */
#define IOTLS_PORT_EOF 0           /* recv: orderly close by the peer */
#define IOTLS_PORT_TIMEOUT (-1)    /* nothing within timeout_ms */
#define IOTLS_PORT_RESET (-2)      /* connection reset */
#define IOTLS_PORT_ERROR (-3)      /* other; see *sys_err */

/* ---- time ---- */

/* Monotonic milliseconds; the origin is arbitrary. Never goes back. */
uint64_t iotls_port_now_ms(void);

/* Wall-clock seconds since 1970-01-01 UTC, or -1 if the device does not
 * know the time (no RTC, no SNTP yet). */
int64_t iotls_port_wall_time(void);

/* ---- entropy ---- */

/*
 * A strong entropy source with Mbed TLS's mbedtls_entropy_f_source_ptr
 * signature: fill output with up to len bytes, set *olen, return 0, or
 * return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED. On a device this is the TRNG.
 */
int iotls_port_entropy(void *data, unsigned char *output, size_t len, size_t *olen);

/* ---- allocation (iotls's, and Mbed TLS's where the port's Mbed TLS
 *      configuration binds MBEDTLS_PLATFORM_CALLOC_MACRO to it: both ports) ---- */

void *iotls_port_calloc(size_t n, size_t size);
void iotls_port_free(void *p);

/* Allocations refused so far, counting Mbed TLS's own where the port is its
 * allocator; never reset. Mbed TLS reports some of them as other errors
 * (a chain it could not finish verifying is "not trusted"): iotls compares
 * this count before and after, so out of memory is named as such. A port
 * that cannot know returns the count of iotls_port_calloc's refusals. */
uint32_t iotls_port_alloc_failures(void);

/* ---- network ---- */

/*
 * Resolve host (a name; IP literals are handled by iotls before this is
 * called) into at most max addresses, in the resolver's order.
 * Returns IOTLS_OK with *n >= 1, IOTLS_ERR_DNS or IOTLS_ERR_DNS_TIMEOUT.
 * On failure *sys_err is a positive system error number (errno) for a
 * system failure, or the resolver's own code as a negative number (POSIX:
 * the EAI_* code, negated where the platform's codes are positive), or 0;
 * iotls keeps the latter apart, in iotls_error.resolver_code.
 */
int iotls_port_resolve(const char *host, iotls_addr *addrs, size_t max, size_t *n,
                       uint32_t timeout_ms, int *sys_err);

/*
 * Open a TCP connection to addr:port within timeout_ms, with Nagle off.
 * Returns IOTLS_OK and *sock, or IOTLS_ERR_CONNECT_REFUSED,
 * IOTLS_ERR_CONNECT_TIMEOUT, IOTLS_ERR_CONNECT, IOTLS_ERR_ALLOC.
 */
int iotls_port_connect(iotls_port_sock **sock, const iotls_addr *addr, uint16_t port,
                       uint32_t timeout_ms, int *sys_err);

/* Send up to len bytes within timeout_ms. Returns bytes sent (> 0) or
 * IOTLS_PORT_TIMEOUT / IOTLS_PORT_RESET / IOTLS_PORT_ERROR. */
int iotls_port_send(iotls_port_sock *sock, const unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err);

/* Receive up to len bytes, waiting at most timeout_ms. Returns bytes (> 0),
 * IOTLS_PORT_EOF, IOTLS_PORT_TIMEOUT, IOTLS_PORT_RESET or IOTLS_PORT_ERROR. */
int iotls_port_recv(iotls_port_sock *sock, unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err);

/* Close and free the socket. sock may be NULL. */
void iotls_port_close(iotls_port_sock *sock);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_PORT_H */
