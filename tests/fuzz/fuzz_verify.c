/*
 * Fuzz target: offline chain verification (iotls_verify_chain_params(),
 * src/trust/chain.c) and its diagnosis (iotls_verify_diagnose()): PEM or
 * DER chains from an attacker, through Mbed TLS's parsers, the chain
 * builder, the certificate policy (policy.c) at every depth, and the
 * diagnosis rules that read the chain back (rules_cert.c, rules_policy.c).
 *
 * The trust store is made once, at the first input: the root the seed
 * maker wrote (IOTLS_FUZZ_SEEDS/root.pem, run_fuzz.sh sets the variable),
 * so that seeded chains verify and mutations reach every rule; without it
 * (a replay by hand), a root made here with Mbed TLS's writer.
 *
 * Input: one byte of options (bits 0-1: the host: a DNS name the seeds
 * carry, an IP literal, none, a name with a wildcard-looking label; bit 2:
 * at most 0 intermediates), then the chain.
 * Oracle: no crash, no leak, no read outside the input (copied to a buffer
 * of its exact size); the return value one of those documented; the flags
 * only with IOTLS_ERR_VERIFY; every string terminated; a failure always
 * diagnosed with a cause in range and its page named.
 */
#include "fuzz_util.h"
#include "iotls/iotls.h"
#include "iotls/trust.h"
#include "iotls/verify.h"
#include "trust/policy.h" /* IOTLS_BADCERT_NAME_CONSTRAINTS */

#include "../unit/certgen.h"

static iotls_trust trust;
static int trust_ready;

/* A self-signed CA made with Mbed TLS's writer (certgen.h, the unit tests'
 * helper): the store when no seed root is given. */
static void generated_root(void)
{
    certgen g;
    unsigned char der[1024];
    int len;

    FUZZ_ASSERT(certgen_init(&g) == 0);
    len = certgen_issue(&g, &g.key, "CN=iotls fuzz root", &g.key, "CN=iotls fuzz root", 1, NULL,
                        0, der, sizeof der);
    FUZZ_ASSERT(len > 0);
    FUZZ_ASSERT(iotls_trust_add_buffer(&trust, der, (size_t)len, "generated root") == IOTLS_OK);
    certgen_free(&g);
}

static void make_trust(void)
{
    const char *dir = getenv("IOTLS_FUZZ_SEEDS");
    static unsigned char pem[16384];
    char path[4096];
    size_t n = 0;
    FILE *f = NULL;

    iotls_trust_init(&trust);
    if (dir != NULL && snprintf(path, sizeof path, "%s/root.pem", dir) < (int)sizeof path)
        f = fopen(path, "rb");
    if (f != NULL) {
        n = fread(pem, 1, sizeof pem, f);
        fclose(f);
        (void)iotls_trust_add_buffer(&trust, pem, n, "seed root.pem");
    }
    if (trust.loaded == 0)
        generated_root();
    FUZZ_ASSERT(trust.loaded > 0);
    trust_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[4] = {"fuzz.example", "127.0.0.1", NULL, "a.b.fuzz.example"};
    iotls_verify_params p;
    iotls_verify_anchor anchor;
    iotls_diagnosis d;
    iotls_error e;
    unsigned char *chain;
    size_t len;
    int rc, r;

    if (!trust_ready)
        make_trust();
    if (size < 1)
        return 0;
    len = size - 1;
    chain = (unsigned char *)malloc(len ? len : 1);
    FUZZ_ASSERT(chain != NULL);
    memcpy(chain, data + 1, len);

    iotls_verify_params_init(&p);
    p.host = hosts[data[0] & 3];
    p.at_unix = IOTLS_VERIFY_NOW;
    if (data[0] & 4)
        p.max_intermediates = 0;
    rc = iotls_verify_chain_params(chain, len, &trust, &p, &e, &anchor);
    FUZZ_ASSERT(rc == IOTLS_OK || rc == IOTLS_ERR_VERIFY || rc == IOTLS_ERR_CHAIN_INPUT ||
                rc == IOTLS_ERR_HOSTNAME || rc == IOTLS_ERR_ALLOC);
    FUZZ_TERMINATED(e.detail);
    FUZZ_TERMINATED(e.host);
    FUZZ_TERMINATED(anchor.subject);
    FUZZ_ASSERT(rc == IOTLS_ERR_VERIFY || e.verify_flags == 0);
    if (rc == IOTLS_ERR_VERIFY)
        FUZZ_ASSERT(e.verify_flags != 0);
    if (rc == IOTLS_OK)
        FUZZ_ASSERT(anchor.der_len > 0);

    r = iotls_verify_diagnose(chain, len, &e, &trust, &d);
    FUZZ_ASSERT(r == (rc == IOTLS_OK ? 0 : 1));
    if (r == 1) {
        FUZZ_ASSERT(d.cause > IOTLS_CAUSE_NONE && (unsigned)d.cause < IOTLS_CAUSE_END);
        FUZZ_ASSERT(d.n_evidence <= IOTLS_DIAG_MAX_EVIDENCE);
        FUZZ_ASSERT(d.n_notes <= IOTLS_DIAG_MAX_NOTES);
        FUZZ_TERMINATED(d.summary);
        FUZZ_TERMINATED(d.fix_server);
        FUZZ_TERMINATED(d.doc);
        FUZZ_ASSERT(strncmp(d.doc, "docs/causes/", 12) == 0);
        /* the policy's flags have causes of their own now */
        if (rc == IOTLS_ERR_VERIFY && e.verify_flags == IOTLS_BADCERT_NAME_CONSTRAINTS)
            FUZZ_ASSERT(d.cause == IOTLS_CAUSE_NAME_CONSTRAINTS);
    }
    free(chain);
    return 0;
}
