/*
 * Invariants of the wire evidence (iotls_wire) that every consumer relies
 * on: counts within their arrays, strings terminated. Shared by the tap and
 * probe targets.
 */
#ifndef IOTLS_FUZZ_WIRE_CHECK_H
#define IOTLS_FUZZ_WIRE_CHECK_H

#include "fuzz_util.h"
#include "iotls/error.h"

static inline void check_hello(const iotls_hello *h)
{
    FUZZ_ASSERT(h->n_suites <= IOTLS_EV_MAX_SUITES);
    FUZZ_ASSERT(h->n_groups <= IOTLS_EV_MAX_GROUPS);
    FUZZ_ASSERT(h->n_sig_algs <= IOTLS_EV_MAX_SIGALGS);
    FUZZ_ASSERT(h->n_exts <= IOTLS_EV_MAX_EXTS);
    FUZZ_ASSERT(h->n_versions <= 4);
    FUZZ_ASSERT(h->n_suites <= h->total_suites || h->total_suites == 0);
    FUZZ_TERMINATED(h->sni);
}

static inline void check_wire(const iotls_wire *w)
{
    check_hello(&w->client_hello);
    check_hello(&w->server_hello);
    FUZZ_ASSERT(w->n_hs_msgs <= IOTLS_EV_MAX_HS_MSGS);
    FUZZ_ASSERT(w->n_first_bytes <= IOTLS_EV_FIRST_BYTES);
}

#endif /* IOTLS_FUZZ_WIRE_CHECK_H */
