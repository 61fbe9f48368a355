/*
 * The benchmark mode: full handshakes with iotls's defaults against each
 * server the host started (port/ca, then port2/ca2; the bench script gives
 * an ECDSA P-256 chain and an RSA-2048 chain), once offering TLS 1.2 only
 * and once TLS 1.3 only, printing for each the peak heap (the port's
 * counting allocator: every byte iotls and Mbed TLS allocate), the peak
 * stack (painted) and the instructions executed.
 *
 * Instructions: under QEMU -icount shift=0 every instruction takes 1 ns of
 * virtual time and SysTick runs at 25 MHz, so one tick is 40 instructions.
 * Time asleep in WFI while waiting for the server is subtracted, leaving
 * the CPU's own work: TCP, handshake, certificate verification.
 */
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

#define INSTR_PER_TICK (1000000000u / BOARD_CPU_HZ)
#define STACK_PAINT 0x5AA5C33Cu

extern uint32_t __stack_bottom[], __stack_top[];

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;

/* Fills the free stack below this function's frame with a pattern; the
 * deepest word overwritten afterwards is the peak (interrupts included). */
static __attribute__((noinline)) void stack_paint(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t *p = __stack_bottom; p < sp - 16; p++)
        *p = STACK_PAINT;
}

static size_t stack_peak(void)
{
    const uint32_t *p = __stack_bottom;
    while (p < __stack_top && *p == STACK_PAINT)
        p++;
    return (size_t)((const char *)__stack_top - (const char *)p);
}

static int one(const app_args *a, const char *kind, const char *ca, uint16_t port,
               iotls_version version)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, ca) != 0)
        return 2;
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conf_set_versions(&conf, version, version);
    /* To compare ECDHE groups; the default offer is iotls's. */
    static const uint16_t p256[] = {0x0017 /* secp256r1 */, 0};
    if (a->group != NULL && strcmp(a->group, "secp256r1") == 0)
        iotls_conf_set_groups(&conf, p256);

    iotls_heap_stats h;
    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;
    uint32_t base_blocks = h.blocks;
    stack_paint();
    uint64_t t0 = board_ticks(), s0 = board_sleep_ticks();

    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);

    uint64_t ticks = (board_ticks() - t0) - (board_sleep_ticks() - s0);
    size_t stack = stack_peak();
    iotls_port_lwip_heap_stats(&h);
    if (rc != IOTLS_OK) {
        board_printf("bench: %s handshake with port %u failed: %s\n", kind, port,
                     iotls_err_name(rc));
        app_explain(&conn, &trust, 0);
    } else {
        const char *group = iotls_group_name(iotls_conn_group(&conn));
        const char *sig = iotls_sig_alg_name(iotls_conn_sig_alg(&conn));
        board_printf("BENCH kind=%s version=%s suite=%s group=%s sig_alg=%s heap_peak=%lu "
                     "heap_peak_blocks=%lu heap_allocs=%lu stack_peak=%lu instructions=%lu "
                     "wall_ms=%lu\n",
                     kind, iotls_conn_version(&conn), iotls_conn_ciphersuite(&conn),
                     group ? group : "?", sig ? sig : "?",
                     (unsigned long)(h.peak - base), (unsigned long)(h.peak_blocks - base_blocks),
                     (unsigned long)h.allocs, (unsigned long)stack,
                     (unsigned long)(ticks * INSTR_PER_TICK),
                     (unsigned long)iotls_conn_timings(&conn)->handshake_ms);
        iotls_conn_close(&conn);
    }
    iotls_conn_free(&conn);
    iotls_trust_free(&trust);
#ifdef IOTLS_HEAP_TRACE
    iotls_port_lwip_heap_trace_dump();
#endif
    iotls_port_lwip_run(20);
    return rc == IOTLS_OK ? 0 : 3;
}

int app_bench(const app_args *a)
{
    static const iotls_version versions[] = {IOTLS_TLS_1_2, IOTLS_TLS_1_3};
    int rc = 0;
    /* The library's one-time state (PSA's key store) is made by the first
     * connections of a program: reported apart, not in a peak. */
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    board_printf("BENCH_ONCE library_state=%lu\n",
                 (unsigned long)app_warm_up(a, &trust, a->port));
    iotls_trust_free(&trust);
    for (size_t i = 0; i < 2 && rc == 0; i++)
        rc = one(a, "ecdsa", a->ca, a->port, versions[i]);
    for (size_t i = 0; i < 2 && rc == 0 && a->port2 != 0 && a->ca2 != NULL; i++)
        rc = one(a, "rsa", a->ca2, a->port2, versions[i]);
    board_printf("bench: %s\n", rc == 0 ? "done" : "FAILED");
    return rc;
}
