/*
 * The LwIP port's extras: what the board must provide, network bring-up and
 * the heap's figures.
 *
 * The port runs LwIP's raw TCP API with NO_SYS=1: while iotls waits (connect,
 * send, recv, DNS) the port drives the stack itself, calling the board to
 * move frames between the Ethernet controller and LwIP and LwIP's timers,
 * until the awaited event or the caller's timeout. One thread only.
 */
#ifndef IOTLS_PORT_LWIP_H
#define IOTLS_PORT_LWIP_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- provided by the board (firmware/<board>/) ---- */

/* Monotonic milliseconds (a SysTick count). */
uint64_t iotls_board_now_ms(void);

/* Wall-clock seconds since 1970 (RTC, SNTP, or the debugger's clock), or -1
 * when unknown: certificate validity cannot be checked without it. */
int64_t iotls_board_wall_time(void);

/*
 * The hardware entropy source (the TRNG: on an STM32F7 the RNG peripheral,
 * see docs/device.md). Fill out with len bytes of full-entropy output, set
 * *olen and return 0, or return -1 if the source failed (for example an RNG
 * seed or clock error). Never return predictable bytes as entropy.
 */
int iotls_board_entropy(unsigned char *out, size_t len, size_t *olen);

/* Hand received frames to LwIP; when there were none, sleep until the next
 * interrupt (a frame or the millisecond tick). Called in every wait loop. */
void iotls_board_net_wait(void);

/* Console output for LwIP's diagnostics (text may lack a newline). */
void iotls_board_log(const char *text);

/* An assertion failed: report it and stop (reset, or exit under a test). */
void iotls_board_panic(const char *what, const char *file, int line) __attribute__((noreturn));

/* ---- network bring-up ---- */

/*
 * lwip_init(), then add netif (init: the Ethernet driver's netif init
 * callback) with a static IPv4 configuration given as dotted quads, make it
 * the default and bring it up; dns may be NULL. Returns 0, or -1 when an
 * address does not parse or the driver found no controller.
 */
int iotls_port_lwip_start(struct netif *netif, netif_init_fn init, const char *ip,
                          const char *mask, const char *gw, const char *dns);

/* The DNS server (a dotted quad) and its UDP port (53 in the field; the
 * device test runs its responder on another port). Returns 0, or -1 when
 * the address does not parse or the port is 0. */
int iotls_port_lwip_set_dns(const char *server, uint16_t port);

/* Keep the stack running for ms milliseconds (e.g. to finish closes). */
void iotls_port_lwip_run(uint32_t ms);

/* Keep the stack running until no TCP connection is connecting, open or
 * has anything in flight (each closed one is gone, in TIME_WAIT, or in
 * FIN_WAIT_2: our FIN acknowledged, the peer's to come), at most
 * timeout_ms. Returns 1 if so. */
int iotls_port_lwip_settle(uint32_t timeout_ms);

/* What LwIP's own memory holds, read without LWIP_STATS. */
typedef struct iotls_lwip_usage {
    uint16_t pcbs_active;    /* TCP PCBs connecting, open or closing */
    uint16_t pcbs_closed;    /* of those, closed by the port: LwIP finishes them */
    uint16_t pcbs_time_wait; /* in TIME_WAIT: LwIP reuses the oldest when the
                                pool is empty */
    uint16_t pcbs_max;       /* MEMP_NUM_TCP_PCB */
    uint16_t segs;           /* TCP segments queued (MEMP_TCP_SEG) */
    uint16_t pbufs;          /* pbufs from the pools: received frames, references */
    uint16_t timeouts;       /* LwIP's timers (MEMP_SYS_TIMEOUT) */
    uint16_t other;          /* elements of every other memp pool */
    size_t heap_largest;     /* the largest block LwIP's heap (MEM_SIZE) gives now:
                                at its start value the heap is whole again */
} iotls_lwip_usage;

void iotls_port_lwip_usage(iotls_lwip_usage *u);

/* ---- heap: every allocation of iotls and Mbed TLS goes through it ---- */

typedef struct iotls_heap_stats {
    size_t current;     /* bytes in use now (as requested) */
    size_t peak;        /* most bytes in use at once since the last reset */
    uint32_t blocks;    /* blocks in use now */
    uint32_t peak_blocks; /* blocks in use at the peak: each also costs the
                             allocators' headers (8 + 8 bytes with newlib-nano) */
    uint32_t allocs;    /* successful allocations since the last reset */
    uint32_t failures;  /* refused allocations since the last reset */
} iotls_heap_stats;

void iotls_port_lwip_heap_stats(iotls_heap_stats *out);
/* Starts a new measurement: peak = current, counters zero. */
void iotls_port_lwip_heap_reset(void);
/* Refuse allocations that would take the bytes in use above limit (0: no
 * limit), to test how iotls fails when memory runs out. */
void iotls_port_lwip_heap_set_limit(size_t limit);
/* Test hook: restarts the count of allocation calls and refuses the nth one
 * from now (1 = the next); every other call is served. 0 refuses none. Runs
 * curl's "torture" one failure point at a time. */
void iotls_port_lwip_heap_fail_nth(uint32_t nth);
/* Allocation calls (served or refused) since the last ..._fail_nth(). */
uint32_t iotls_port_lwip_heap_calls(void);
/* The return address of the call ..._fail_nth() refused last (NULL before
 * any): the code that asked, to name with addr2line. */
void *iotls_port_lwip_heap_refused_site(void);
#ifdef IOTLS_HEAP_TRACE
/* Debug aid: prints "PEAKBLOCK size caller" for each block alive at the
 * last peak (resolve the callers with arm-none-eabi-addr2line). */
void iotls_port_lwip_heap_trace_dump(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_PORT_LWIP_H */
