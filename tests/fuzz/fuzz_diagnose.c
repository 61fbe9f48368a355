/*
 * Fuzz target: the diagnosis (iotls_diagnose, src/diagnose*.c) and the two
 * text makers (iotls_error_format, iotls_diagnosis_format) on arbitrary
 * iotls_error contents. The rules index tables with codes, alerts, stages
 * and counts taken from the wire: none of them may be trusted to be in
 * range. Only the string fields are made C strings (their one contract);
 * every other field, counts included, is whatever the input says.
 *
 * Input: the bytes of an iotls_error (zero-padded when short), then the
 * optional diagnosis input: build time, flags, and a trust report.
 */
#include <limits.h>

#include "fuzz_util.h"
#include "iotls/diagnose.h"
#include "iotls/iotls.h"

#define TERMINATE(arr) ((arr)[sizeof(arr) - 1] = '\0')

static void terminate_hello(iotls_hello *h)
{
    TERMINATE(h->sni);
}

static void check_diagnosis(const iotls_diagnosis *d)
{
    unsigned i;
    FUZZ_ASSERT(d->n_evidence <= IOTLS_DIAG_MAX_EVIDENCE);
    FUZZ_ASSERT(d->n_candidates <= IOTLS_DIAG_MAX_CANDIDATES);
    FUZZ_ASSERT(d->n_notes <= IOTLS_DIAG_MAX_NOTES);
    FUZZ_ASSERT((unsigned)d->cause < IOTLS_CAUSE_END);
    FUZZ_ASSERT(iotls_cause_name(d->cause) != NULL);
    FUZZ_ASSERT(iotls_certainty_name(d->certainty) != NULL);
    FUZZ_TERMINATED(d->summary);
    FUZZ_TERMINATED(d->fix_tool);
    FUZZ_TERMINATED(d->fix_device);
    FUZZ_TERMINATED(d->fix_server);
    FUZZ_TERMINATED(d->doc);
    for (i = 0; i < d->n_evidence; i++)
        FUZZ_TERMINATED(d->evidence[i]);
    for (i = 0; i < d->n_candidates; i++)
        FUZZ_TERMINATED(d->candidates[i].why);
    for (i = 0; i < d->n_notes; i++)
        FUZZ_TERMINATED(d->notes[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static iotls_error e;
    static iotls_diagnosis d;
    static iotls_trust t;
    static char text[4096];
    iotls_diag_input in;
    size_t n = size < sizeof e ? size : sizeof e;
    size_t small;
    int rc, with_in = 0, k;

    memset(&e, 0, sizeof e);
    memcpy(&e, data, n);
    data += n;
    size -= n;
    TERMINATE(e.host);
    TERMINATE(e.addr);
    TERMINATE(e.sni);
    TERMINATE(e.verify_name);
    TERMINATE(e.detail);
    terminate_hello(&e.wire.client_hello);
    terminate_hello(&e.wire.server_hello);

    iotls_diag_input_init(&in);
    if (size >= 10) {
        with_in = 1;
        memcpy(&in.build_time, data, sizeof in.build_time);
        in.client_cert_configured = data[8] & 1;
        in.sni_overridden = (data[8] >> 1) & 1;
        in.sni_disabled = (data[8] >> 2) & 1;
        if (data[8] & 8)
            in.host = (data[9] & 1) ? "" : "fuzz.example";
        if (data[8] & 16) {
            /* A trust report with whatever counts and issues follow. */
            size_t m;
            memset(&t, 0, sizeof t);
            t.certs = NULL; /* no parsed certificates: the report only */
            data += 10;
            size -= 10;
            m = size < sizeof t - sizeof t.certs ? size : sizeof t - sizeof t.certs;
            memcpy((unsigned char *)&t + sizeof t.certs, data, m);
            if (t.n_issues > IOTLS_TRUST_MAX_ISSUES)
                t.n_issues = IOTLS_TRUST_MAX_ISSUES;
            for (k = 0; k < IOTLS_TRUST_MAX_ISSUES; k++) {
                TERMINATE(t.issues[k].source);
                TERMINATE(t.issues[k].subject);
            }
            TERMINATE(t.origin);
            in.trust = &t;
        }
    }

    rc = iotls_error_format(&e, text, sizeof text);
    FUZZ_ASSERT(rc >= 0);
    FUZZ_TERMINATED(text);
    small = (size_t)(e.elapsed_ms % 64);
    (void)iotls_error_format(&e, text, small);
    if (small > 0)
        FUZZ_ASSERT(memchr(text, '\0', small) != NULL);

    memset(&d, 0xa5, sizeof d);
    rc = iotls_diagnose(&e, with_in ? &in : NULL, &d);
    if (e.code == IOTLS_OK) {
        FUZZ_ASSERT(rc == 0);
        return 0;
    }
    FUZZ_ASSERT(rc == 1);
    check_diagnosis(&d);
    for (k = 0; k <= 1; k++) {
        rc = iotls_diagnosis_format(&d, text, sizeof text, k);
        FUZZ_ASSERT(rc >= 0);
        FUZZ_TERMINATED(text);
        (void)iotls_diagnosis_format(&d, text, small, k);
        if (small > 0)
            FUZZ_ASSERT(memchr(text, '\0', small) != NULL);
    }
    return 0;
}
