/*
 * Fuzz target: the iotls client's handshake, with the input as everything
 * the server sends. The client (default configuration, dialing
 * fuzz.example, trusting the seeds' root.pem) runs over the memory port
 * (fuzz_mem_port.c): its bytes go nowhere, the input comes back in reads,
 * and its RNG and clock are deterministic, so the seeds, real server flights
 * recorded by seedgen_handshake against openssl s_server (TLS 1.3 and 1.2,
 * a HelloRetryRequest, alerts, a full session with an HTTP answer), are
 * still valid answers here and mutations reach past the ServerHello.
 *
 * What it reaches: Mbed TLS's record layer and both handshake state
 * machines, the certificate parsing and verification callback (verify.c,
 * policy.c), the record tap, the TLS 1.3 alert catcher (tls13.c), the
 * failure classification (classify.c), the PSS retry, and the diagnosis of
 * whatever failed.
 *
 * Oracle, besides ASan/UBSan and leaks: setup never fails; every failure
 * comes back as the iotls_error the connection holds (same code, a stage,
 * a name), its wire evidence within bounds, formatted and diagnosed; a
 * success has negotiated TLS 1.2 or 1.3 with a verified chain.
 */
#include "fuzz_mem_port.h"
#include "fuzz_session.h"
#include "fuzz_util.h"
#include "fuzz_wire_check.h"
#include "iotls/diagnose.h"
#include "iotls/iotls.h"
#include "psa/crypto.h"

static iotls_trust trust;
static int trust_ready;

static void check_failure(const iotls_conn *c, int rc)
{
    static iotls_diagnosis d;
    static char text[2048];
    const iotls_error *e = iotls_conn_error(c);

    FUZZ_ASSERT(rc < 0);
    FUZZ_ASSERT(e->code == rc);
    FUZZ_ASSERT(e->stage != IOTLS_STAGE_NONE);
    FUZZ_ASSERT(iotls_err_name(e->code) != NULL);
    FUZZ_ASSERT(iotls_stage_name(e->stage) != NULL);
    check_wire(&e->wire);
    FUZZ_TERMINATED(e->host);
    FUZZ_TERMINATED(e->sni);
    FUZZ_TERMINATED(e->verify_name);
    FUZZ_TERMINATED(e->detail);
    FUZZ_TERMINATED(e->addr);
    FUZZ_ASSERT(iotls_error_format(e, text, sizeof text) >= 0);
    FUZZ_TERMINATED(text);
    FUZZ_ASSERT(iotls_diagnose(e, NULL, &d) == 1);
    FUZZ_ASSERT(iotls_diagnosis_format(&d, text, sizeof text, 1) >= 0);
    FUZZ_TERMINATED(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_conf conf;
    iotls_conn c;
    fuzz_session_rc rc;
    uint8_t *copy;

    if (!trust_ready) {
        if (fuzz_session_trust(&trust, getenv("IOTLS_FUZZ_SEEDS")) != 0)
            fprintf(stderr, "fuzz_handshake: no IOTLS_FUZZ_SEEDS/root.pem: every chain "
                            "will be untrusted\n");
        trust_ready = 1;
    }
    /* An exact-size heap copy: ASan sees a read past the server's bytes. */
    copy = (uint8_t *)malloc(size ? size : 1);
    FUZZ_ASSERT(copy != NULL);
    memcpy(copy, data, size);
    fuzz_mem_port_reset(copy, size);

    iotls_conn_init(&c);
    fuzz_session_run(&c, &conf, &trust, &rc);
    FUZZ_ASSERT(rc.setup == IOTLS_OK);
    if (rc.connect != IOTLS_OK) {
        check_failure(&c, rc.connect);
    } else {
        uint16_t v = iotls_conn_version_id(&c);
        FUZZ_ASSERT(v == IOTLS_TLS_1_2 || v == IOTLS_TLS_1_3);
        FUZZ_ASSERT(iotls_conn_verify_result(&c) == 0);
        FUZZ_ASSERT(iotls_conn_ciphersuite(&c) != NULL);
        if (rc.write < 0)
            check_failure(&c, rc.write);
        else
            FUZZ_ASSERT(rc.write > 0);
        if (rc.read < 0)
            check_failure(&c, rc.read);
        if (rc.close < 0)
            check_failure(&c, rc.close);
    }
    iotls_conn_free(&c);
    /* PSA keeps its RNG across connections; freed here so the next input
     * seeds it again from the start of the deterministic stream (and no
     * allocation outlives the input: libFuzzer's leak check stays quiet). */
    mbedtls_psa_crypto_free();
    free(copy);
    return 0;
}
