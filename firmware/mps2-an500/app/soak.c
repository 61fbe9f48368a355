/*
 * mode=soak: `count` fetches in a row (app_fetch: connect, small GET, close,
 * free) against the host's server (tests/device/run_soak.py), as a device
 * that reports for months would make them, with no pause in between; odd
 * ones with a full handshake, even ones resuming a session. The 5th, 15th,
 * 25th... go to port2 when given (odd: no session kept that would push the
 * other server's out of the one-entry cache): a server that never closes its side of the
 * TCP connection, so that each of those leaves a PCB in FIN_WAIT_2 the
 * port must reclaim (port/lwip/net.c). After
 * each, one "SOAK ..." line: iotls's heap (bytes live, the connection's
 * peak, the high-water mark since the first fetch), newlib's heap arena
 * (what the allocator took from the RAM: fragmentation shows here), LwIP's
 * PCBs and pools, and the instructions spent (with QEMU -icount). At the
 * end, the stack is let settle and LwIP's memory must be as it was.
 */
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

#define INSTR_PER_TICK (1000000000u / BOARD_CPU_HZ)

void *_sbrk(ptrdiff_t incr);
extern uint32_t __heap_start[];

static iotls_trust trust;

/* The top of newlib's heap: its arena only grows. */
static unsigned long arena(void)
{
    return (unsigned long)((char *)_sbrk(0) - (char *)__heap_start);
}

static void print_usage(const char *tag, const iotls_lwip_usage *u)
{
    board_printf("SOAK_LWIP %s pcbs=%u closed=%u time_wait=%u max=%u segs=%u pbufs=%u "
                  "timeouts=%u other=%u heap_largest=%lu\n",
                  tag, u->pcbs_active, u->pcbs_closed, u->pcbs_time_wait, u->pcbs_max, u->segs,
                  u->pbufs, u->timeouts, u->other, (unsigned long)u->heap_largest);
}

int app_soak(const app_args *a)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    board_printf("library one-time state: %lu bytes\n",
                 (unsigned long)app_warm_up(a, &trust, a->port));
    iotls_lwip_usage u0, u;
    iotls_port_lwip_settle(2000);
    iotls_port_lwip_usage(&u0);
    print_usage("start", &u0);

    iotls_heap_stats h;
    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    const size_t base = h.current;
    const uint32_t base_blocks = h.blocks;
    size_t hwm = base;
    board_printf("SOAK_BASE live=%lu blocks=%lu arena=%lu count=%lu\n", (unsigned long)base,
                 (unsigned long)base_blocks, arena(), (unsigned long)a->count);

    int failed = 0;
    uint64_t t_all = board_ticks();
    for (uint32_t i = 1; i <= a->count; i++) {
        app_fetch_result r;
        /* Odd fetches make a full handshake (no session offered, none
         * kept), even ones resume the session the last even one kept. */
        app_fetch_opts o;
        memset(&o, 0, sizeof o);
        o.no_cache = i % 2 == 1;
        iotls_port_lwip_heap_reset();
        uint64_t t0 = board_ticks(), s0 = board_sleep_ticks();
        uint16_t port = a->port2 != 0 && i % 10 == 5 ? a->port2 : a->port;
        app_fetch(a, &trust, port, &o, &r);
        uint64_t busy = (board_ticks() - t0) - (board_sleep_ticks() - s0);
        uint64_t ms = (board_ticks() - t0) / (BOARD_CPU_HZ / 1000u);
        iotls_port_lwip_heap_stats(&h);
        if (h.peak > hwm)
            hwm = h.peak;
        iotls_port_lwip_usage(&u);
        int ok = r.rc == IOTLS_OK && r.http_ok && h.current == base && h.blocks == base_blocks;
        failed += !ok;
        board_printf("SOAK i=%lu port=%u rc=%s version=%s resumed=%d http=%s bytes=%lu live=%lu "
                     "blocks=%lu "
                     "peak=%lu hwm=%lu arena=%lu instr=%lu ms=%lu pcbs=%u closed=%u time_wait=%u "
                     "segs=%u pbufs=%u lwip_heap=%lu %s\n",
                     (unsigned long)i, port, iotls_err_name(r.rc), r.version, r.resumed,
                     r.http_ok ? "200" : "-",
                     (unsigned long)r.bytes, (unsigned long)h.current, (unsigned long)h.blocks,
                     (unsigned long)h.peak, (unsigned long)hwm, arena(),
                     (unsigned long)(busy * INSTR_PER_TICK), (unsigned long)ms, u.pcbs_active,
                     u.pcbs_closed, u.pcbs_time_wait, u.segs, u.pbufs, (unsigned long)u.heap_largest,
                     ok ? "ok" : "FAIL");
        if (r.rc != IOTLS_OK && failed > 3) {
            board_printf("soak: stopping after %d failures\n", failed);
            break;
        }
    }
    board_printf("SOAK_TIME ms=%lu\n",
                 (unsigned long)((board_ticks() - t_all) / (BOARD_CPU_HZ / 1000u)));

    /* LwIP's memory at rest again: nothing in flight (a connection to the
     * server that never closes may stay in FIN_WAIT_2), no segment queued,
     * no frame held, its heap whole. */
    int settled = iotls_port_lwip_settle(5000);
    iotls_port_lwip_usage(&u);
    print_usage("end", &u);
    failed += app_check("lwip_settled", settled, NULL);
    failed += app_check("lwip_pools_back", u.segs == u0.segs && u.pbufs == u0.pbufs &&
                        u.other == u0.other && u.pcbs_active == u.pcbs_closed,
                        "segs %u pbufs %u other %u", u.segs, u.pbufs, u.other);
    failed += app_check("lwip_heap_whole", u.heap_largest == u0.heap_largest, "largest %lu, was %lu",
                        (unsigned long)u.heap_largest, (unsigned long)u0.heap_largest);
    iotls_trust_free(&trust);
    board_printf("soak: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
