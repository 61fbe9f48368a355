/*
 * The benchmark mode: one full handshake with iotls's defaults against each
 * server the host started (port/ca, then port2/ca2; the bench script gives
 * an ECDSA P-256 chain and an RSA-2048 chain), printing for each the peak
 * heap (the port's counting allocator: every byte iotls and Mbed TLS
 * allocate) and the instructions executed.
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

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;

static int one(const app_args *a, const char *ca, uint16_t port)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, ca) != 0)
        return 2;
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    /* To compare ECDHE groups; the default offer is iotls's. */
    static const mbedtls_ecp_group_id p256[] = {MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE};
    if (a->group != NULL && strcmp(a->group, "secp256r1") == 0)
        iotls_conf_set_groups(&conf, p256);

    iotls_heap_stats h;
    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;
    uint32_t base_blocks = h.blocks;
    uint64_t t0 = board_ticks(), s0 = board_sleep_ticks();

    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);

    uint64_t ticks = (board_ticks() - t0) - (board_sleep_ticks() - s0);
    iotls_port_lwip_heap_stats(&h);
    if (rc != IOTLS_OK) {
        board_printf("bench: handshake with port %u failed: %s\n", port, iotls_err_name(rc));
        app_explain(&conn, &trust, 0);
    } else {
        const mbedtls_x509_crt *peer = iotls_conn_peer_chain(&conn);
        board_printf("BENCH port=%u suite=%s group=%s heap_peak=%lu heap_peak_blocks=%lu heap_allocs=%lu "
                     "instructions=%lu wall_ms=%lu%s\n",
                     port, iotls_conn_ciphersuite(&conn),
                     iotls_group_name(iotls_conn_group(&conn)) ? iotls_group_name(iotls_conn_group(&conn)) : "?",
                     (unsigned long)(h.peak - base), (unsigned long)(h.peak_blocks - base_blocks),
                     (unsigned long)h.allocs,
                     (unsigned long)(ticks * INSTR_PER_TICK),
                     (unsigned long)iotls_conn_timings(&conn)->handshake_ms,
                     peer == NULL ? " peer_chain=not_kept" : "");
        iotls_conn_close(&conn);
    }
    iotls_conn_free(&conn);
    iotls_trust_free(&trust);
    iotls_port_lwip_run(20);
    return rc == IOTLS_OK ? 0 : 3;
}

int app_bench(const app_args *a)
{
    int rc = one(a, a->ca, a->port);
    if (rc == 0 && a->port2 != 0 && a->ca2 != NULL)
        rc = one(a, a->ca2, a->port2);
    board_printf("bench: %s\n", rc == 0 ? "done" : "FAILED");
    return rc;
}
