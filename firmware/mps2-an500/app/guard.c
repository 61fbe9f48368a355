/*
 * The test image's egress guard: every IPv4 packet LwIP sends must go to
 * 10.0.2.2, which QEMU's user networking turns into the host's 127.0.0.1.
 * Anything else (a resolved address gone wrong, QEMU's DNS forwarder at
 * 10.0.2.3) could leave the machine through QEMU, so it is dropped here,
 * counted and reported, before it reaches the Ethernet controller.
 */
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "app.h"
#include "board.h"

static netif_output_fn next_output;
static ip4_addr_t allowed;
static unsigned long blocked;
static int checking; /* app_guard_check() runs: its block is expected, not reported */

static err_t guarded_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest)
{
    if (!ip4_addr_cmp(dest, &allowed)) {
        blocked++;
        if (!checking)
            board_printf("EGRESS BLOCKED: a packet to %s (only 10.0.2.2 is allowed)\n",
                         ip4addr_ntoa(dest));
        return ERR_RTE;
    }
    return next_output(netif, p, dest);
}

void app_guard_egress(struct netif *netif)
{
    IP4_ADDR(&allowed, 10, 0, 2, 2);
    next_output = netif->output;
    netif->output = guarded_output;
}

unsigned long app_egress_blocked(void)
{
    return blocked;
}

/* ---- self-check: the guard's decision, with nothing sent ---- */

static unsigned passed_on;

static err_t count_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest)
{
    (void)netif;
    (void)p;
    (void)dest;
    passed_on++;
    return ERR_OK;
}

int app_guard_check(struct netif *netif)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, 1, PBUF_RAM);
    if (p == NULL)
        return 0;
    netif_output_fn real = next_output;
    unsigned long blocked_before = blocked;
    ip4_addr_t host, forwarder;
    IP4_ADDR(&host, 10, 0, 2, 2);
    IP4_ADDR(&forwarder, 10, 0, 2, 3);
    /* The guard hands on to a counter instead of the Ethernet driver. */
    next_output = count_output;
    checking = 1;
    passed_on = 0;
    err_t to_host = netif->output(netif, p, &host);
    unsigned host_passed = passed_on;
    err_t to_forwarder = netif->output(netif, p, &forwarder);
    next_output = real;
    checking = 0;
    pbuf_free(p);
    int ok = to_host == ERR_OK && host_passed == 1 && to_forwarder == ERR_RTE &&
             passed_on == 1 && blocked == blocked_before + 1;
    blocked = blocked_before; /* the check's own block is not a finding */
    return ok;
}
