/*
 * mode=records: a page larger than the input buffer, in records that fit
 * it (tests/device/run_records.py). Built for the small-record image
 * (IOTLS_DEVICE_RECORD_LIMIT: MBEDTLS_SSL_IN_CONTENT_LEN that small, TLS
 * 1.3 record_size_limit advertising it, max_fragment_length compiled in):
 *
 *   tls13   port:  a TLS 1.3 server that honours record_size_limit
 *   mfl12   port2: a TLS 1.2 server, max_fragment_length asked for (the
 *                  largest RFC 6066 size both record buffers hold: 2048)
 *   big13   port3: a TLS 1.3 server that ignores record_size_limit: must
 *                  fail with record_too_large
 *
 * The default image runs tls13 alone: its peak heap is the comparison.
 *
 *   RECORDS <label> rc=... version=... cause=... http=0|1 body=N sha256=HEX
 *           heap_peak=N in_buffer=N mfl=N
 */
#include <string.h>

#include "mbedtls/build_info.h"

#include "app.h"
#include "board.h"
#include "iotls/diagnose.h"
#include "iotls_port_lwip.h"

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;

/* The largest max_fragment_length (RFC 6066: 512..4096) both buffers
 * hold: the length limits the client's records too, and Mbed TLS refuses
 * to ask for more than its output buffer (2048 here) can send. */
static unsigned mfl_for_buffer(void)
{
    unsigned n = 4096;
    while (n > 512 && (n > MBEDTLS_SSL_IN_CONTENT_LEN || n > MBEDTLS_SSL_OUT_CONTENT_LEN))
        n /= 2;
    return n;
}

static int one(const app_args *a, const char *label, uint16_t port, unsigned mfl)
{
    iotls_heap_stats h;
    app_body b;
    int rc = IOTLS_OK, cause = -1;

    memset(&b, 0, sizeof b);
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conf_set_session_cache(&conf, 0);
    if (mfl != 0)
        rc = iotls_conf_set_max_fragment(&conf, mfl);

    iotls_port_lwip_heap_reset();
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;
    iotls_conn_init(&conn);
    if (rc == IOTLS_OK)
        rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    const char *version = rc == IOTLS_OK ? iotls_conn_version(&conn) : "-";
    if (rc == IOTLS_OK)
        rc = app_get_body(&conn, a->host, &b);
    iotls_port_lwip_heap_stats(&h);
    if (rc != IOTLS_OK) {
        cause = app_cause(&conn, &trust);
        app_explain(&conn, &trust, 0);
    }
    board_printf("RECORDS %s rc=%s version=%s cause=%s http=%d body=%lu sha256=%s "
                 "heap_peak=%lu in_buffer=%u mfl=%u\n",
                 label, iotls_err_name(rc), version,
                 cause >= 0 ? iotls_cause_name((iotls_cause)cause) : "-", b.http_ok,
                 (unsigned long)b.body, rc == IOTLS_OK ? b.sha256 : "-",
                 (unsigned long)(h.peak - base), (unsigned)MBEDTLS_SSL_IN_CONTENT_LEN, mfl);
    iotls_conn_free(&conn);
    iotls_port_lwip_run(20);
    return rc;
}

int app_records(const app_args *a)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    app_warm_up(a, &trust, a->port);
    one(a, "tls13", a->port, 0);
    if (a->port2 != 0)
        one(a, "mfl12", a->port2, mfl_for_buffer());
    if (a->port3 != 0)
        one(a, "big13", a->port3, 0);
    iotls_trust_free(&trust);
    board_printf("records: done\n");
    return 0;
}
