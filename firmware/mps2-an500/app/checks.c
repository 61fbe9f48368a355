/*
 * mode=checks: the device port's failure paths, against what the host test
 * set up (tests/device/run_port_checks.py): a closed port, a server that
 * accepts and never answers, an allocator that runs out, the calendar
 * conversion certificate validity depends on, and the device's own curve
 * arithmetic (check_ecp.c). Each check prints one
 * "CHECK <name>: ok|FAIL ..." line.
 */
#include <string.h>
#include <time.h>

#include "mbedtls/platform_util.h"
#include "mbedtls/x509.h"

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;
static iotls_error last_err; /* the last connect_once()'s error, kept past free */

static int connect_once(const app_args *a, uint16_t port, uint32_t handshake_ms)
{
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conf_set_timeouts(&conf, 2000, handshake_ms, 0, 0);
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    if (rc != IOTLS_OK)
        app_explain(&conn, &trust, 0);
    else
        iotls_conn_close(&conn);
    last_err = *iotls_conn_error(&conn);
    iotls_conn_free(&conn);
    return rc;
}

/* Known instants, checked against the civil calendar. */
static int check_gmtime(void)
{
    static const struct {
        uint32_t t;
        int y, mon, d, h, mi, s, wday;
    } cases[] = {
        {0u, 70, 0, 1, 0, 0, 0, 4},              /* 1970-01-01 Thu */
        {951782400u, 100, 1, 29, 0, 0, 0, 2},    /* 2000-02-29 Tue */
        {1709208000u, 124, 1, 29, 12, 0, 0, 4},  /* 2024-02-29 12:00 Thu */
        {4102444799u, 199, 11, 31, 23, 59, 59, 4} /* 2099-12-31 23:59:59 Thu */
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tm tm;
        mbedtls_time_t t = (mbedtls_time_t)cases[i].t;
        if (mbedtls_platform_gmtime_r(&t, &tm) == NULL || tm.tm_year != cases[i].y ||
            tm.tm_mon != cases[i].mon || tm.tm_mday != cases[i].d || tm.tm_hour != cases[i].h ||
            tm.tm_min != cases[i].mi || tm.tm_sec != cases[i].s || tm.tm_wday != cases[i].wday)
            bad++;
    }
    mbedtls_time_t neg = -1;
    struct tm tm;
    if (mbedtls_platform_gmtime_r(&neg, &tm) != NULL)
        bad++;
    return app_check("gmtime", bad == 0, "%d wrong", bad);
}

int app_checks(const app_args *a)
{
    int failed = check_gmtime();
#ifndef IOTLS_MBEDTLS_NO_ECP_ALT
    failed += app_check_ecp();
#else
    board_printf("ecp: Mbed TLS's own curve arithmetic (ecp_alt off): no ecp checks\n");
#endif

    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    /* PSA's one-time state first: it is no connection's leak. */
    board_printf("library one-time state: %lu bytes\n",
                 (unsigned long)app_warm_up(a, &trust, a->port));
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;

    if (a->refused != 0) {
        int rc = connect_once(a, a->refused, 3000);
        failed += app_check("connect_refused", rc == IOTLS_ERR_CONNECT_REFUSED, "rc %d", rc);
    }
    if (a->silent != 0) {
        /* The server accepts and never answers: the handshake timeout, not
         * a hang, must end it, and on time. */
        uint32_t t0 = (uint32_t)board_ms();
        int rc = connect_once(a, a->silent, 1500);
        uint32_t took = (uint32_t)board_ms() - t0;
        failed += app_check("handshake_timeout", rc == IOTLS_ERR_HANDSHAKE_TIMEOUT, "rc %d", rc);
        /* Not before the bound; after it only by scheduling slack (the
         * emulator shares the host with other tests). */
        failed += app_check("handshake_timeout_on_time", took >= 1500 && took < 6000, "ms %lu",
                            (unsigned long)took);
    }

    /* Out of memory at every stage the budget allows: a clean error, never
     * a crash, and nothing left allocated. */
    /* From setup (the 16 KB input buffer) through the handshake to chain
     * and CertificateVerify verification (TLS 1.3 peaks near 26 KB). */
    static const size_t limits[] = {1024, 4096, 16384, 19000, 21000, 23000, 25000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        iotls_port_lwip_heap_set_limit(base + limits[i]);
        int rc = connect_once(a, a->port, 5000);
        iotls_port_lwip_heap_set_limit(0);
        iotls_port_lwip_heap_stats(&h);
        board_printf("  heap limit %lu: %s at stage %s\n", (unsigned long)limits[i],
                     iotls_err_name(rc), iotls_stage_name(last_err.stage));
        failed += app_check("alloc_failure_clean", rc != IOTLS_OK && h.current == base,
                            "leaked %ld", (long)(h.current - base));
        /* named as what it is, wherever Mbed TLS ran out (a chain it could
         * not finish verifying would otherwise read "not trusted") */
        failed += app_check("alloc_failure_named", rc == IOTLS_ERR_ALLOC, "rc %d", rc);
    }

    /* Verification is required: trusting another CA must fail the
     * connection (the vendor example's "optional" would have let it by). */
    if (a->ca2 != NULL) {
        iotls_trust_free(&trust);
        iotls_trust_init(&trust);
        int rc = app_load_trust(&trust, a->ca2) == 0 ? connect_once(a, a->port, 5000) : 1;
        failed += app_check("verify_required", rc == IOTLS_ERR_VERIFY &&
                            (last_err.verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0,
                            "rc %d", rc);
        iotls_trust_free(&trust);
        iotls_trust_init(&trust);
        if (app_load_trust(&trust, a->ca) != 0)
            return 2;
        iotls_port_lwip_heap_stats(&h);
        base = h.current;
    }

    /* And with enough memory it works, leaving nothing behind. */
    int rc = connect_once(a, a->port, 5000);
    iotls_port_lwip_heap_stats(&h);
    failed += app_check("connect_ok", rc == IOTLS_OK, "rc %d", rc);
    failed += app_check("no_leak", h.current == base, "bytes %ld", (long)(h.current - base));

    iotls_trust_free(&trust);
    iotls_port_lwip_run(50);
    board_printf("checks: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
