/*
 * Fuzz target: the record tap (src/wiretap.c), which parses every byte that
 * crosses the socket, in both directions, before any authentication.
 *
 * Input: a sequence of pieces, each a control byte then data. Bit 7 of the
 * control byte is the direction (0 sent, 1 received); its low 7 bits are
 * the data length, 0 meaning "the rest of the input". So a seed made of a
 * whole server flight is 0x80 followed by the records, and the fuzzer can
 * still split records and messages across reads anywhere. Control byte
 * 0x7f resets the tap (a new connection on the same wire).
 *
 * Then the evidence goes where it goes in the library: into an iotls_error,
 * through iotls_error_format() and iotls_diagnose().
 */
#include "fuzz_util.h"
#include "fuzz_wire_check.h"
#include "iotls/diagnose.h"
#include "iotls/iotls.h"
#include "iotls_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static iotls_error e;
    static iotls_diagnosis d;
    static char text[1024];
    iotls_wire w;
    iotls_tap *t;
    size_t at = 0;

    memset(&w, 0, sizeof w);
    t = iotls_tap_new(&w);
    FUZZ_ASSERT(t != NULL);
    while (at < size) {
        unsigned ctl = data[at++];
        int dir = (ctl & 0x80) ? IOTLS_TAP_IN : IOTLS_TAP_OUT;
        size_t n = ctl & 0x7f;
        if (ctl == 0x7f) {
            iotls_tap_reset(t);
            check_wire(&w);
            continue;
        }
        if (n == 0 || n > size - at)
            n = size - at;
        iotls_tap_feed(t, dir, data + at, n);
        at += n;
        check_wire(&w);
        (void)iotls_tap_encrypted(t, IOTLS_TAP_IN);
        (void)iotls_tap_encrypted(t, IOTLS_TAP_OUT);
        (void)iotls_tap_max_plain_len(t);
    }
    iotls_tap_delete(t);

    iotls_error_init(&e);
    e.code = IOTLS_ERR_HANDSHAKE;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.wire = w;
    if (w.alert_received >= 0) {
        e.code = IOTLS_ERR_ALERT_RECEIVED;
    } else if (w.not_tls) {
        e.code = IOTLS_ERR_NOT_TLS;
    }
    FUZZ_ASSERT(iotls_error_format(&e, text, sizeof text) >= 0);
    FUZZ_TERMINATED(text);
    FUZZ_ASSERT(iotls_diagnose(&e, NULL, &d) == 1);
    FUZZ_ASSERT(iotls_diagnosis_format(&d, text, sizeof text, 1) >= 0);
    FUZZ_TERMINATED(text);
    return 0;
}
