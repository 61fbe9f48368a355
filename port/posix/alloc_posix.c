/*
 * POSIX port: the allocator of iotls and of Mbed TLS (config/mbedtls_host.h
 * binds MBEDTLS_PLATFORM_CALLOC_MACRO here), with counters and a test hook.
 *
 * Every block still comes from calloc() and goes back to free(), so ASan and
 * valgrind see each one with its own red zones. Sizes are those
 * malloc_usable_size() reports (ASan and valgrind: the size asked for;
 * glibc: that rounded up), read at both ends so the sums balance. The
 * counters are relaxed atomics: iotls demo's server thread allocates while
 * the client does. The test hook (refuse the n-th allocation) keeps the
 * call stack of its refusal, so a test can say where it was.
 *
 * Built as an archive of its own (iotls_port_alloc) that the Mbed TLS
 * archive links after itself: whatever links Mbed TLS finds the two
 * functions, whatever the order of the archives on its link line.
 */
#include <malloc.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <execinfo.h>
#endif

#include "iotls/port.h"
#include "iotls_port_posix.h"

static uint32_t refused;
static size_t live_blocks, live_bytes, peak_bytes;
static uint64_t allocs;
static uint64_t fail_at; /* allocs value whose allocation is refused; 0: none */
static void *fail_trace[32]; /* where the hook's refusal was asked for */
static int fail_trace_n;

#define ADD(v, n) __atomic_add_fetch(&(v), (n), __ATOMIC_RELAXED)
#define SUB(v, n) __atomic_sub_fetch(&(v), (n), __ATOMIC_RELAXED)
#define LOAD(v) __atomic_load_n(&(v), __ATOMIC_RELAXED)

void *iotls_port_calloc(size_t n, size_t size)
{
    uint64_t nth = ADD(allocs, 1);
    uint64_t f = LOAD(fail_at);
    void *p = NULL;
    size_t bytes, live, peak;

    if (f != 0 && nth == f) {
#if defined(__GLIBC__)
        fail_trace_n = backtrace(fail_trace, 32);
#endif
        ADD(refused, 1);
        return NULL;
    }
    p = calloc(n, size);
    if (p == NULL) {
        /* calloc(0, x) may return NULL without being a refusal. */
        if (n != 0 && size != 0)
            ADD(refused, 1);
        return NULL;
    }
    bytes = malloc_usable_size(p);
    ADD(live_blocks, 1);
    live = ADD(live_bytes, bytes);
    peak = LOAD(peak_bytes);
    while (live > peak &&
           !__atomic_compare_exchange_n(&peak_bytes, &peak, live, 1, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
    return p;
}

void iotls_port_free(void *p)
{
    if (p == NULL)
        return;
    SUB(live_bytes, malloc_usable_size(p));
    SUB(live_blocks, 1);
    free(p);
}

uint32_t iotls_port_alloc_failures(void)
{
    return LOAD(refused);
}

void iotls_port_posix_alloc_stats(iotls_port_alloc_stats *s)
{
    s->live_blocks = LOAD(live_blocks);
    s->live_bytes = LOAD(live_bytes);
    s->peak_bytes = LOAD(peak_bytes);
    s->allocs = LOAD(allocs);
    s->failures = LOAD(refused);
}

void iotls_port_posix_alloc_reset_peak(void)
{
    __atomic_store_n(&peak_bytes, LOAD(live_bytes), __ATOMIC_RELAXED);
}

void iotls_port_posix_alloc_fail_nth(uint64_t n)
{
    if (n != 0) {
#if defined(__GLIBC__)
        /* backtrace() loads libgcc's unwinder on first use (with malloc):
         * now, not inside the allocation it is to describe. */
        backtrace(fail_trace, 1);
#endif
        fail_trace_n = 0; /* the trace of the last refusal stays until then */
    }
    __atomic_store_n(&fail_at, n == 0 ? 0 : LOAD(allocs) + n, __ATOMIC_RELAXED);
}

int iotls_port_posix_alloc_fail_trace(void **pcs, int max)
{
    int n = fail_trace_n < max ? fail_trace_n : max;

    for (int i = 0; i < n; i++)
        pcs[i] = fail_trace[i];
    return n;
}
