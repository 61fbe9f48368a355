/* What both modes share: the trust store from a host file, explanations. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "board.h"
#if APP_WITH_DIAGNOSIS
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

#if APP_WITH_DIAGNOSIS
/* Static: a diagnosis is a few KB, more than a small stack should carry. */
static iotls_diagnosis diagnosis;
static char text[2048];
#else
static char text[512];
#endif

void app_explain(const iotls_conn *c, const iotls_trust *trust, int sni_overridden)
{
    const iotls_error *e = iotls_conn_error(c);
    /* Straight to the console: board_printf's line buffer is shorter. */
    iotls_error_format(e, text, sizeof text);
    semihost_write("iotls: ");
    semihost_write(text);
    semihost_write("\n");

#if APP_WITH_DIAGNOSIS
    iotls_diag_input in;
    iotls_diag_input_init(&in);
    in.trust = trust;
    in.peer_chain = iotls_conn_peer_chain(c);
    in.build_time = iotls_build_time(__DATE__);
    in.sni_overridden = (uint8_t)sni_overridden;
    if (iotls_diagnose(e, &in, &diagnosis) == 1) {
        iotls_diagnosis_format(&diagnosis, text, sizeof text, 0);
        semihost_write("diagnosis: ");
        semihost_write(text);
        semihost_write("\n");
    }
#else
    (void)trust;
    (void)sni_overridden;
#endif
}
