/*
 * Fuzz target: the hello probe's parsers (src/probe_hello.c). The answer
 * parser reads whatever a server sends after our ClientHello; the
 * ClientHello parser reads any client's hello. Both promise "any byte
 * string is safe, never reads beyond len".
 *
 * The answer is parsed whole and as it would arrive (every prefix ending at
 * a record boundary or at the cut the first byte chooses), since the probe
 * calls the parser again as bytes come in.
 */
#include "fuzz_util.h"
#include "fuzz_wire_check.h"
#include "iotls/probe.h"

static void check_result(const iotls_probe_result *r)
{
    FUZZ_ASSERT(r->n_exts <= IOTLS_PROBE_MAX_EXTS);
    FUZZ_ASSERT(r->n_first_bytes <= IOTLS_EV_FIRST_BYTES);
    FUZZ_ASSERT((unsigned)r->outcome <= IOTLS_PROBE_ERROR);
    FUZZ_TERMINATED(r->detail);
    FUZZ_ASSERT(iotls_probe_outcome_name(r->outcome) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_probe_result r;
    iotls_hello h;
    size_t cut, n;
    int done;

    if (size == 0)
        return 0;
    cut = data[0];
    data++;
    size--;

    /* Copied to an exact-size heap block so ASan sees a read past len. */
    {
        unsigned char *copy = (unsigned char *)malloc(size ? size : 1);
        FUZZ_ASSERT(copy != NULL);
        memcpy(copy, data, size);

        memset(&r, 0, sizeof r);
        done = iotls_probe_parse(copy, size, &r);
        FUZZ_ASSERT(done == 0 || done == 1);
        check_result(&r);

        for (n = cut; n > 0 && n < size; n += cut + 1) {
            unsigned char *part = (unsigned char *)malloc(n);
            FUZZ_ASSERT(part != NULL);
            memcpy(part, data, n);
            memset(&r, 0, sizeof r);
            done = iotls_probe_parse(part, n, &r);
            FUZZ_ASSERT(done == 0 || done == 1);
            check_result(&r);
            free(part);
        }

        memset(&h, 0xa5, sizeof h);
        if (iotls_probe_client_hello_parse(copy, size, &h) == IOTLS_OK)
            check_hello(&h);
        free(copy);
    }
    return 0;
}
