/*
 * mode=allocfail: curl's "torture" on the device, one failure point at a
 * time (tests/device/run_alloc.py). Against each server the host started
 * (port: TLS 1.3 only, port2: TLS 1.2 only), for a full handshake and for
 * one that resumes a session, a clean fetch (app_fetch: setup, connect,
 * GET, read, close, free) counts T, its allocation calls; then for a
 * sample of N in 1..T the same fetch runs with the N-th call refused
 * (port/lwip/heap.c). Every run must end either with out of memory
 * named as such (IOTLS_ERR_ALLOC with a stage, diagnosed out_of_memory) or,
 * if iotls or Mbed TLS recovered, with the page fetched whole. Each
 * "ALLOC ..." line also gives the bytes and blocks the run left allocated
 * and the return address of the refused call, which the host checks and
 * names. A crash ends the run in the hard fault handler (exit status 70).
 */
#include <stdio.h>
#include <string.h>

#include "iotls/diagnose.h"

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

static iotls_trust trust;

/* The failure points, in order, for a fetch of t calls: the first four
 * (setup), the last two (the close), t + 1 (nothing may fail: the count
 * covered the whole fetch) and every stride-th from an offset the host
 * chose (so that successive test runs cover other points); samples >= t:
 * every point. Returns the point after p, 0 after the last. */
static uint32_t next_point(uint32_t p, uint32_t t, uint32_t samples, uint32_t seed)
{
    uint32_t stride = samples >= t || samples == 0 ? 1 : t / samples;
    uint32_t off = seed % stride;
    while (++p <= t + 1)
        if (p <= 4 || p + 1 >= t || (p - 1) % stride == off)
            return p;
    return 0;
}

/* One series: a clean fetch with opts counts T, then the sampled points. */
static int series(const app_args *a, const char *label, uint16_t port, app_fetch_opts *o,
                  int expect_resumed, uint32_t samples)
{
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    const size_t base = h.current;
    app_fetch_result r;
    int failed = 0;

    iotls_port_lwip_heap_fail_nth(0);
    app_fetch(a, &trust, port, o, &r);
    const uint32_t t = iotls_port_lwip_heap_calls();
    iotls_port_lwip_heap_stats(&h);
    board_printf("ALLOC_CLEAN %s port=%u version=%s resumed=%d rc=%s http=%s bytes=%lu "
                 "calls=%lu leak=%ld\n",
                 label, port, r.version, r.resumed, iotls_err_name(r.rc),
                 r.http_ok ? "200" : "bad", (unsigned long)r.bytes, (unsigned long)t,
                 (long)(h.current - base));
    if (r.rc != IOTLS_OK || !r.http_ok || h.current != base || r.resumed != expect_resumed) {
        app_check("alloc_clean_run", 0, "%s", label);
        return 1;
    }

    uint32_t np = 0;
    uint32_t first = a->alloc_from > 0 ? a->alloc_from - 1 : 0;
    for (uint32_t nth = next_point(first, t, samples, a->alloc_seed);
         nth != 0 && (a->alloc_to == 0 || nth <= a->alloc_to);
         nth = next_point(nth, t, samples, a->alloc_seed), np++) {
        /* Against the bytes before this run: a leak shows once, where it
         * happened. */
        iotls_port_lwip_heap_stats(&h);
        size_t before = h.current;
        uint32_t before_blocks = h.blocks;
        uint32_t refused0 = iotls_port_alloc_failures();
        uint64_t t0 = board_ms();
        iotls_port_lwip_heap_fail_nth(nth);
        app_fetch(a, &trust, port, o, &r);
        uint32_t calls = iotls_port_lwip_heap_calls();
        iotls_port_lwip_heap_fail_nth(0);
        uint32_t refused = iotls_port_alloc_failures() - refused0;
        iotls_port_lwip_heap_stats(&h);
        long leak = (long)(h.current - before);
        long leak_blocks = (long)h.blocks - (long)before_blocks;

        const char *outcome;
        int ok;
        if (refused == 0) {
            /* The fetch made fewer calls than nth: fine only past T. */
            outcome = "not_reached";
            ok = nth > t && r.rc == IOTLS_OK && r.http_ok && r.resumed == expect_resumed;
        } else if (r.rc == IOTLS_OK) {
            outcome = "recovered";
            ok = r.http_ok;
        } else {
            outcome = "failed";
            ok = r.rc == IOTLS_ERR_ALLOC && r.stage != IOTLS_STAGE_NONE &&
                 r.cause == IOTLS_CAUSE_OUT_OF_MEMORY;
        }
        /* The leak is judged by the host, which names the refused call's
         * site (tests/device/run_alloc.py). */
        iotls_lwip_usage u;
        iotls_port_lwip_usage(&u);
        board_printf("ALLOC %s n=%lu calls=%lu refused=%lu outcome=%s rc=%s stage=%s cause=%s "
                     "http=%s resumed=%d leak=%ld blocks=%ld site=0x%08lx ms=%lu pcbs=%u "
                     "closed=%u time_wait=%u pbufs=%u segs=%u %s\n",
                     label, (unsigned long)nth, (unsigned long)calls, (unsigned long)refused,
                     outcome, iotls_err_name(r.rc),
                     r.rc == IOTLS_OK ? "-" : iotls_stage_name(r.stage),
                     r.cause < 0 ? "-" : iotls_cause_name((iotls_cause)r.cause),
                     r.http_ok ? "200" : "-", r.resumed, leak, leak_blocks,
                     refused ? (unsigned long)(uintptr_t)iotls_port_lwip_heap_refused_site() : 0ul,
                     (unsigned long)(board_ms() - t0), u.pcbs_active, u.pcbs_closed,
                     u.pcbs_time_wait, u.pbufs, u.segs, ok ? "ok" : "FAIL");
        failed += !ok;
    }
    iotls_port_lwip_heap_stats(&h);
    board_printf("ALLOC_SUMMARY %s calls=%lu points=%lu failed=%d leaked=%ld\n", label,
                 (unsigned long)t, (unsigned long)np, failed, (long)(h.current - base));
    return failed;
}

/* The server's two handshakes: a full one (no session offered), and one
 * that resumes a session kept from a fetch before (the same blob each
 * time, so that every run walks the same path). */
static int one_server(const app_args *a, const char *version, uint16_t port)
{
    static uint8_t blob[IOTLS_SESSION_MAX];
    char label[24];
    app_fetch_opts o;
    app_fetch_result r;

    memset(&o, 0, sizeof o);
    o.no_cache = 1;
    snprintf(label, sizeof label, "%s_full", version);
    int failed = series(a, label, port, &o, 0, a->samples);

    o.keep = blob;
    o.keep_cap = sizeof blob;
    app_fetch(a, &trust, port, &o, &r);
    board_printf("ALLOC_SESSION %s rc=%s blob=%lu\n", version, iotls_err_name(r.rc),
                 (unsigned long)o.keep_len);
    if (r.rc != IOTLS_OK || o.keep_len == 0)
        return failed + app_check("alloc_session_kept", 0, "%s", version);
    size_t len = o.keep_len;
    memset(&o, 0, sizeof o);
    o.no_cache = 1;
    o.session = blob;
    o.session_len = len;
    snprintf(label, sizeof label, "%s_resumed", version);
    return failed + series(a, label, port, &o, 1, a->resumed_samples);
}

int app_alloc_fail(const app_args *a)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    /* PSA's one-time state first (the TLS 1.3 server): no fetch's leak. */
    board_printf("library one-time state: %lu bytes\n",
                 (unsigned long)app_warm_up(a, &trust, a->port));
    int failed = one_server(a, "tls13", a->port);
    if (a->port2 != 0)
        failed += one_server(a, "tls12", a->port2);
    iotls_trust_free(&trust);
    board_printf("allocfail: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
