/*
 * Fuzz target: the trust store's buffer loader (iotls_trust_add_buffer,
 * src/trust.c): PEM blocks found by hand, DER, subjects read from broken
 * certificates for the issues list. Whatever the bytes, the store must stay
 * consistent: counts within their arrays, strings terminated, nothing
 * leaked after iotls_trust_free().
 *
 * The buffer is loaded twice into the same store: the second time every
 * certificate is a duplicate (the is_loaded() path).
 */
#include "fuzz_util.h"
#include "iotls/iotls.h"
#include "iotls/trust.h"

static void check_store(const iotls_trust *t)
{
    uint32_t i;
    FUZZ_ASSERT(t->n_issues <= IOTLS_TRUST_MAX_ISSUES);
    FUZZ_ASSERT(t->n_issues <= t->skipped + t->sources);
    FUZZ_TERMINATED(t->origin);
    for (i = 0; i < t->n_issues; i++) {
        FUZZ_TERMINATED(t->issues[i].source);
        FUZZ_TERMINATED(t->issues[i].subject);
        FUZZ_ASSERT(iotls_trust_reason(t->issues[i].mbedtls_code) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static iotls_trust t;
    int rc;

    iotls_trust_init(&t);
    rc = iotls_trust_add_buffer(&t, data, size, "fuzz input");
    FUZZ_ASSERT(rc == IOTLS_OK || rc == IOTLS_ERR_USAGE || rc == IOTLS_ERR_ALLOC);
    check_store(&t);
    rc = iotls_trust_add_buffer(&t, data, size,
                                "a label longer than the issue's source field, to check "
                                "that it is cut and terminated, not overrun at all");
    FUZZ_ASSERT(rc == IOTLS_OK || rc == IOTLS_ERR_USAGE || rc == IOTLS_ERR_ALLOC);
    check_store(&t);
    iotls_trust_free(&t);
    return 0;
}
