/*
 * mode=psk: external pre-shared keys, for devices without certificates
 * (tests/device/run_psk.py):
 *
 *   cert13   port:  a certificate handshake (ECDSA P-256 chain, TLS 1.3),
 *                   the figure the PSK handshakes are compared with
 *   psk13    port2: TLS 1.3 external PSK with psk_dhe_ke
 *   psk12    port3: TLS 1.2 ECDHE-PSK (if given)
 *   bad13, bad12:   the same servers with badpsk: must fail
 *
 * Each prints one line, as resume.c does:
 *
 *   PSK <label> rc=... version=... suite=... cause=... http=0|1 body=N
 *       sha256=HEX instructions=N heap_peak=N
 *
 * instructions: setup and handshake, under QEMU -icount shift=0 (SysTick
 * ticks not spent asleep, times 40); heap_peak: over the whole connection.
 * A warm-up connection first makes the library's one-time state.
 */
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls/diagnose.h"
#include "iotls_port_lwip.h"

#define INSTR_PER_TICK (1000000000u / BOARD_CPU_HZ)

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;

/* Hex to bytes; the length, 0 if the text is not 1..cap bytes of hex. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (hex == NULL)
        return 0;
    for (; hex[0] != '\0' && n < cap; hex += 2) {
        unsigned v = 0;
        for (int i = 0; i < 2; i++) {
            char ch = hex[i];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return 0;
            v = v << 4 | (unsigned)d;
        }
        out[n++] = (uint8_t)v;
    }
    return hex[0] == '\0' ? n : 0;
}

/* One connection: key NULL for the certificate handshake. Returns rc. */
static int one(const app_args *a, const char *label, uint16_t port, const char *key_hex)
{
    uint8_t key[IOTLS_MAX_PSK_LEN];
    size_t key_len = 0;
    iotls_heap_stats h;
    app_body b;
    int rc = IOTLS_OK, cause = -1;

    memset(&b, 0, sizeof b);
    iotls_conf_init(&conf);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conf_set_session_cache(&conf, 0);
    if (key_hex == NULL) {
        iotls_conf_set_trust(&conf, &trust);
    } else {
        key_len = unhex(key_hex, key, sizeof key);
        rc = iotls_conf_set_psk(&conf, key, key_len, a->psk_id);
    }

    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;
    uint64_t t0 = board_ticks(), s0 = board_sleep_ticks();
    iotls_conn_init(&conn);
    if (rc == IOTLS_OK)
        rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    uint64_t ticks = (board_ticks() - t0) - (board_sleep_ticks() - s0);
    const char *version = rc == IOTLS_OK ? iotls_conn_version(&conn) : "-";
    const char *suite = rc == IOTLS_OK ? iotls_conn_ciphersuite(&conn) : "-";
    if (rc == IOTLS_OK)
        rc = app_get_body(&conn, a->host, &b);
    iotls_port_lwip_heap_stats(&h);
    if (rc != IOTLS_OK) {
        cause = app_cause(&conn, &trust);
        app_explain(&conn, &trust, 0);
    }
    board_printf("PSK %s rc=%s version=%s suite=%s cause=%s http=%d body=%lu sha256=%s "
                 "instructions=%lu heap_peak=%lu\n",
                 label, iotls_err_name(rc), version, suite,
                 cause >= 0 ? iotls_cause_name((iotls_cause)cause) : "-", b.http_ok,
                 (unsigned long)b.body, b.sha256[0] ? b.sha256 : "-",
                 (unsigned long)(ticks * INSTR_PER_TICK), (unsigned long)(h.peak - base));
    iotls_conn_free(&conn);
    memset(key, 0, sizeof key);
    iotls_port_lwip_run(20);
    return rc;
}

int app_psk(const app_args *a)
{
    if (a->psk == NULL || a->psk_id == NULL || a->bad_psk == NULL || a->port2 == 0) {
        board_printf("psk: needs port2=N psk=HEX pskid=ID badpsk=HEX\n");
        return 64;
    }
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    app_warm_up(a, &trust, a->port);
    one(a, "cert13", a->port, NULL);
    one(a, "psk13", a->port2, a->psk);
    one(a, "bad13", a->port2, a->bad_psk);
    if (a->port3 != 0) {
        one(a, "psk12", a->port3, a->psk);
        one(a, "bad12", a->port3, a->bad_psk);
    }
    iotls_trust_free(&trust);
    /* The host test judges the lines. */
    board_printf("psk: done\n");
    return 0;
}
