/*
 * mode=resume: session resumption across a reboot, as a device that
 * sleeps between reports would do it (tests/device/run_resume.py runs the
 * firmware twice):
 *
 *   phase=save  a full handshake with each server (port: TLS 1.3, port2:
 *               TLS 1.2), its session exported (iotls_conn_session_export)
 *               and written to the host file session.tls13 / session.tls12
 *               through semihosting, where retained RAM or flash would
 *               keep it on a real device;
 *   phase=load  a fresh boot: each blob read back, handed to
 *               iotls_conf_set_session(), and the connection resumes.
 *
 * Each measured connection (setup and connect, the in-process cache off so
 * only the blob counts) prints one line:
 *
 *   RESUME <label> phase=... rc=... version=... resumed=0|1 kind=...
 *          instructions=N heap_peak=N blob=N import=<status>
 *
 * Instructions as in bench.c: under QEMU -icount shift=0, SysTick ticks
 * not spent asleep, times 40. A warm-up connection first makes the
 * library's one-time state (PSA, AES tables), so neither phase pays it.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"
#include "semihost.h"

#define INSTR_PER_TICK (1000000000u / BOARD_CPU_HZ)

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;
static uint8_t blob[IOTLS_SESSION_MAX];

static int one(const app_args *a, const char *label, uint16_t port, int save)
{
    char path[256];
    size_t len = 0;
    int st = IOTLS_SESSION_NONE, rc;
    iotls_heap_stats h;

    snprintf(path, sizeof path, "%s.%s", a->session, label);
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conf_set_session_cache(&conf, 0);
    if (!save) {
        long n = semihost_read_file(path, blob, sizeof blob);
        if (n <= 0) {
            board_printf("RESUME %s phase=load no blob at %s\n", label, path);
            return 1;
        }
        len = (size_t)n;
        st = iotls_conf_set_session(&conf, blob, len);
    }

    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;
    uint64_t t0 = board_ticks(), s0 = board_sleep_ticks();
    iotls_conn_init(&conn);
    rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    uint64_t ticks = (board_ticks() - t0) - (board_sleep_ticks() - s0);
    iotls_port_lwip_heap_stats(&h);

    if (rc == IOTLS_OK && save) {
        st = iotls_conn_session_export(&conn, blob, sizeof blob, &len);
        if (st == IOTLS_SESSION_OK && semihost_write_file(path, blob, len) != 0) {
            board_printf("RESUME %s cannot write %s on the host\n", label, path);
            rc = IOTLS_ERR_USAGE;
        }
    }
    board_printf("RESUME %s phase=%s rc=%s version=%s resumed=%d kind=%s instructions=%lu "
                 "heap_peak=%lu blob=%lu %s=%s\n",
                 label, save ? "save" : "load", iotls_err_name(rc),
                 rc == IOTLS_OK ? iotls_conn_version(&conn) : "-", iotls_conn_resumed(&conn),
                 iotls_session_kind_name(iotls_conn_session_kind(&conn)),
                 (unsigned long)(ticks * INSTR_PER_TICK), (unsigned long)(h.peak - base),
                 (unsigned long)len, save ? "export" : "import",
                 st == IOTLS_SESSION_OK ? "ok" : iotls_session_status_text(st));
    if (rc != IOTLS_OK)
        app_explain(&conn, &trust, 0);
    else
        iotls_conn_close(&conn);
    iotls_conn_free(&conn);
    iotls_port_lwip_run(20);
    return rc == IOTLS_OK && st == IOTLS_SESSION_OK ? 0 : 1;
}

int app_resume(const app_args *a)
{
    int save, failed = 0;

    if (a->session == NULL || a->phase == NULL || a->port2 == 0 ||
        (strcmp(a->phase, "save") != 0 && strcmp(a->phase, "load") != 0)) {
        board_printf("resume: needs session=PATH phase=save|load port=N port2=N\n");
        return 64;
    }
    save = strcmp(a->phase, "save") == 0;
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    app_warm_up(a, &trust, a->port);
    iotls_session_cache_clear(); /* the warm-up's session: not the one measured */
    failed += one(a, "tls13", a->port, save);
    failed += one(a, "tls12", a->port2, save);
    iotls_trust_free(&trust);
    board_printf("resume: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
