/*
 * The counting allocator behind iotls_port_calloc/free, which Mbed TLS also
 * uses (MBEDTLS_PLATFORM_CALLOC_MACRO in config/mbedtls_device.h). Each
 * block carries its size in a header so that free() can count it.
 */
#include <stdlib.h>
#include <string.h>

#include "iotls/port.h"
#include "iotls_port_lwip.h"

/* 8 bytes keep the caller's block 8-byte aligned, as malloc's is. */
typedef union header {
    size_t size;
    double align;
} header;

static iotls_heap_stats stats;

#ifdef IOTLS_HEAP_TRACE
/* Debug aid (-DIOTLS_HEAP_TRACE): the blocks alive at the peak and who
 * allocated them, to see what a peak is made of. */
#define TRACE_MAX 256
typedef struct live_block {
    void *p;
    size_t size;
    void *caller;
} live_block;
static live_block live[TRACE_MAX], at_peak[TRACE_MAX];

static void trace_alloc(void *p, size_t size, void *caller)
{
    for (int i = 0; i < TRACE_MAX; i++)
        if (live[i].p == NULL) {
            live[i] = (live_block){p, size, caller};
            return;
        }
}

static void trace_free(void *p)
{
    for (int i = 0; i < TRACE_MAX; i++)
        if (live[i].p == p) {
            live[i].p = NULL;
            return;
        }
}

void iotls_port_lwip_heap_trace_dump(void)
{
    for (int i = 0; i < TRACE_MAX; i++)
        if (at_peak[i].p != NULL)
            iotls_port_lwip_diag("PEAKBLOCK %lu %p\n", (unsigned long)at_peak[i].size,
                                 at_peak[i].caller);
}
#endif
static size_t limit;
static uint32_t refused; /* never reset, unlike stats.failures */
/* The allocation-failure test: calls counted since it was armed, and the
 * one to refuse (0: none). Two words and a compare on the hot path. */
static uint32_t calls, fail_at;
static void *refused_site;

static void refuse(void)
{
    stats.failures++;
    refused++;
}

uint32_t iotls_port_alloc_failures(void)
{
    return refused;
}

/* Not inlined: the failure test names the caller by its return address. */
__attribute__((noinline)) void *iotls_port_calloc(size_t n, size_t size)
{
    if (++calls == fail_at && fail_at != 0) {
        refused_site = __builtin_return_address(0);
        refuse();
        return NULL;
    }
    if (n != 0 && size > ((size_t)-1 - sizeof(header)) / n) {
        refuse();
        return NULL;
    }
    size_t bytes = n * size;
    if (limit != 0 && stats.current + bytes > limit) {
        refuse();
        return NULL;
    }
    header *h = malloc(sizeof(header) + bytes);
    if (h == NULL) {
        refuse();
        return NULL;
    }
    memset(h + 1, 0, bytes);
    h->size = bytes;
    stats.current += bytes;
    stats.allocs++;
    stats.blocks++;
#ifdef IOTLS_HEAP_TRACE
    trace_alloc(h + 1, bytes, __builtin_return_address(0));
#endif
    if (stats.current > stats.peak) {
        stats.peak = stats.current;
        stats.peak_blocks = stats.blocks;
#ifdef IOTLS_HEAP_TRACE
        memcpy(at_peak, live, sizeof live);
#endif
    }
    return h + 1;
}

void iotls_port_free(void *p)
{
    if (p == NULL)
        return;
    header *h = (header *)p - 1;
#ifdef IOTLS_HEAP_TRACE
    trace_free(p);
#endif
    stats.current -= h->size;
    stats.blocks--;
    free(h);
}

void iotls_port_lwip_heap_stats(iotls_heap_stats *out)
{
    *out = stats;
}

void iotls_port_lwip_heap_reset(void)
{
    stats.peak = stats.current;
    stats.peak_blocks = stats.blocks;
    stats.allocs = 0;
    stats.failures = 0;
}

void iotls_port_lwip_heap_set_limit(size_t bytes)
{
    limit = bytes;
}

void iotls_port_lwip_heap_fail_nth(uint32_t nth)
{
    calls = 0;
    fail_at = nth;
}

uint32_t iotls_port_lwip_heap_calls(void)
{
    return calls;
}

void *iotls_port_lwip_heap_refused_site(void)
{
    return refused_site;
}
