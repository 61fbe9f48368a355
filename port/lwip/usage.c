/*
 * What LwIP's own memory holds now, read without LWIP_STATS (which would
 * cost every image RAM and flash): the TCP PCB lists, the free lists of the
 * memp pools, and a probe of LwIP's heap. For soak tests and for a device's
 * own health report.
 */
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/priv/tcp_priv.h"

#include "iotls_port_lwip.h"

static uint16_t count_pcbs(const struct tcp_pcb *p)
{
    uint16_t n = 0;
    for (; p != NULL && n < 0xFFFFu; p = p->next)
        n++;
    return n;
}

/* Elements of pool i in use: its size less its free list. */
static uint16_t pool_used(memp_t i)
{
    const struct memp_desc *d = memp_pools[i];
    uint16_t free_n = 0;
    for (const struct memp *m = *d->tab; m != NULL && free_n < d->num; m = m->next)
        free_n++;
    return (uint16_t)(d->num - free_n);
}

/* The largest block mem_malloc() gives now: a block that fits implies every
 * smaller one does, so a binary search finds it. */
static size_t heap_largest(void)
{
    size_t lo = 0, hi = MEM_SIZE + 1; /* lo fits (0 trivially), hi does not */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        void *p = mem_malloc((mem_size_t)mid);
        if (p != NULL) {
            mem_free(p);
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

void iotls_port_lwip_usage(iotls_lwip_usage *u)
{
    u->pcbs_active = count_pcbs(tcp_active_pcbs);
    u->pcbs_closed = 0;
    for (const struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next)
        if (p->callback_arg == NULL) /* net.c detaches a PCB when it closes it */
            u->pcbs_closed++;
    u->pcbs_time_wait = count_pcbs(tcp_tw_pcbs);
    u->pcbs_max = MEMP_NUM_TCP_PCB;
    u->segs = pool_used(MEMP_TCP_SEG);
    u->pbufs = (uint16_t)(pool_used(MEMP_PBUF) + pool_used(MEMP_PBUF_POOL));
    u->timeouts = pool_used(MEMP_SYS_TIMEOUT);
    u->other = 0;
    for (int i = 0; i < MEMP_MAX; i++)
        if (i != MEMP_TCP_PCB && i != MEMP_TCP_SEG && i != MEMP_PBUF && i != MEMP_PBUF_POOL &&
            i != MEMP_SYS_TIMEOUT)
            u->other = (uint16_t)(u->other + pool_used((memp_t)i));
    u->heap_largest = heap_largest();
}
