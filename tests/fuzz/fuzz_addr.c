/*
 * Fuzz target: IP literals and host names (src/addr.c). Oracle: an address
 * that parses formats to text that parses back to the same address, and
 * that text is the canonical one (formatting it again gives the same).
 */
#include "fuzz_util.h"
#include "iotls/addr.h"
#include "iotls/iotls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s, text[64], again[64];
    iotls_addr a, b;
    int n, rc;

    s = (char *)malloc(size + 1);
    FUZZ_ASSERT(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';

    memset(&a, 0, sizeof a);
    if (iotls_addr_parse(s, &a) == 1) {
        FUZZ_ASSERT(a.family == 4 || a.family == 6);
        n = iotls_addr_format(&a, text, sizeof text);
        FUZZ_ASSERT(n > 0 && (size_t)n < sizeof text);
        memset(&b, 0, sizeof b);
        FUZZ_ASSERT(iotls_addr_parse(text, &b) == 1);
        FUZZ_ASSERT(b.family == a.family);
        FUZZ_ASSERT(memcmp(a.bytes, b.bytes, a.family == 4 ? 4 : 16) == 0);
        FUZZ_ASSERT(iotls_addr_format(&b, again, sizeof again) == n);
        FUZZ_ASSERT(strcmp(text, again) == 0);
        /* Truncated output stays terminated and reports the full length. */
        FUZZ_ASSERT(iotls_addr_format(&a, again, 5) == n);
        FUZZ_ASSERT(memchr(again, '\0', 5) != NULL);
    }

    rc = iotls_hostname_check(s);
    FUZZ_ASSERT(rc == IOTLS_OK || rc == IOTLS_ERR_HOSTNAME);
    if (rc == IOTLS_OK)
        FUZZ_ASSERT(strlen(s) > 0 && strlen(s) <= IOTLS_MAX_HOSTNAME);
    free(s);
    return 0;
}
