/* What both modes share: the trust store from a host file, explanations. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"
#if APP_WITH_DIAGNOSIS || APP_LEAN_CAUSE
#include "iotls/diagnose.h"
#endif
#include "semihost.h"

int app_check(const char *name, int ok, const char *fmt, ...)
{
    char detail[96] = "";

    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    board_printf("CHECK %s: %s%s%s%s\n", name, ok ? "ok" : "FAIL", detail[0] ? " (" : "", detail,
                 detail[0] ? ")" : "");
    return ok ? 0 : 1;
}

size_t app_warm_up(const app_args *a, iotls_trust *t, uint16_t port)
{
    static iotls_conf cf;
    static iotls_conn c;
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    size_t before = h.current;
    iotls_conf_init(&cf);
    iotls_conf_set_trust(&cf, t);
    iotls_conf_set_connect_address(&cf, "10.0.2.2");
    iotls_conn_init(&c);
    int rc = iotls_conn_setup(&c, &cf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&c, a->host, port);
    if (rc == IOTLS_OK)
        iotls_conn_close(&c);
    else
        board_printf("warm-up connection: %s\n", iotls_err_name(rc));
    iotls_conn_free(&c);
    iotls_port_lwip_heap_stats(&h);
    return h.current - before;
}

/* A device's CA bundle is a few certificates; the test CA is one. */
static unsigned char ca_buf[8192];

int app_load_trust(iotls_trust *t, const char *path)
{
    long n = semihost_read_file(path, ca_buf, sizeof ca_buf - 1);
    if (n < 0) {
        board_printf("trust: cannot read %s from the host (missing, or over %u bytes)\n", path,
                     (unsigned)sizeof ca_buf - 1);
        return -1;
    }
    ca_buf[n] = '\0'; /* PEM is parsed with its terminating NUL */
    if (iotls_trust_add_buffer(t, ca_buf, (size_t)n + 1, "ca") != IOTLS_OK || t->loaded == 0) {
        board_printf("trust: no usable certificate in %s (%lu skipped)\n", path,
                     (unsigned long)t->skipped);
        return -1;
    }
    board_printf("trust: %lu CA certificate(s) loaded, %lu skipped\n",
                 (unsigned long)t->loaded, (unsigned long)t->skipped);
    return 0;
}

#if APP_WITH_DIAGNOSIS || APP_LEAN_CAUSE
/* Static: a diagnosis is a few KB, more than a small stack should carry. */
static iotls_diagnosis diagnosis;
#endif
#if APP_WITH_DIAGNOSIS
static char text[2048];
#else
static char text[512];
#endif

/* The evidence as data, one line a host-side tool or a developer reads
 * next to docs/causes/: where it failed, the codes, the alerts both ways,
 * what was offered and chosen. Costs no text tables on the device. */
static void print_evidence(const iotls_error *e)
{
    const iotls_wire *w = &e->wire;
    board_printf("evidence: stage=%s code=%s(%d) mbedtls=-0x%04x alert_received=%d "
                 "alert_sent=%d version=0x%04x suite=0x%04x sni=\"%s\" verify_flags=0x%08lx "
                 "hs_msgs=%u bytes=%lu/%lu\n",
                 iotls_stage_name(e->stage), iotls_err_name(e->code), e->code,
                 (unsigned)(e->mbedtls_code < 0 ? -e->mbedtls_code : e->mbedtls_code),
                 w->alert_received, w->alert_sent, w->sh_version,
                 w->server_hello_seen && w->server_hello.n_suites ? w->server_hello.suites[0] : 0,
                 e->sni, (unsigned long)e->verify_flags, w->n_hs_msgs,
                 (unsigned long)w->bytes_sent, (unsigned long)w->bytes_received);
}

int app_cause(const iotls_conn *c, const iotls_trust *trust)
{
#if APP_WITH_DIAGNOSIS || APP_LEAN_CAUSE
    iotls_diag_input in;
    iotls_diag_input_init(&in);
    in.trust = trust;
    in.conn = c;
    in.build_time = iotls_build_time(__DATE__);
    return iotls_diagnose(iotls_conn_error(c), &in, &diagnosis) == 1 ? (int)diagnosis.cause : -1;
#else
    (void)c;
    (void)trust;
    return -1;
#endif
}

void app_explain(const iotls_conn *c, const iotls_trust *trust, int sni_overridden)
{
    const iotls_error *e = iotls_conn_error(c);
    /* Straight to the console: board_printf's line buffer is shorter. */
    iotls_error_format(e, text, sizeof text);
    semihost_write("iotls: ");
    semihost_write(text);
    semihost_write("\n");
    print_evidence(e);

#if APP_WITH_DIAGNOSIS || APP_LEAN_CAUSE
    iotls_diag_input in;
    iotls_diag_input_init(&in);
    in.trust = trust;
    in.conn = c;
    in.build_time = iotls_build_time(__DATE__);
    in.sni_overridden = (uint8_t)sni_overridden;
    if (iotls_diagnose(e, &in, &diagnosis) == 1) {
#if APP_WITH_DIAGNOSIS
        iotls_diagnosis_format(&diagnosis, text, sizeof text, 0);
        semihost_write("diagnosis: ");
        semihost_write(text);
        semihost_write("\n");
#else
        /* The cause's identifier only: its page stays on the host. */
        board_printf("cause: %s (%s), see docs/causes/%s.md\n",
                     iotls_cause_name(diagnosis.cause),
                     iotls_certainty_name(diagnosis.certainty),
                     iotls_cause_name(diagnosis.cause));
#endif
    }
#else
    (void)trust;
    (void)sni_overridden;
#endif
}