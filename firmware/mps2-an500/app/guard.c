/*
 * The test image's egress guard: every IPv4 packet LwIP sends must go to
 * 10.0.2.2, which QEMU's user networking turns into the host's 127.0.0.1.
 * Anything else (a resolved address gone wrong, QEMU's DNS forwarder at
 * 10.0.2.3) could leave the machine through QEMU, so it is dropped here,
 * counted and reported, before it reaches the Ethernet controller.
 */
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

#include "app.h"
#include "board.h"

static netif_output_fn next_output;
static ip4_addr_t allowed;
static unsigned long blocked;

static err_t guarded_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest)
{
    if (!ip4_addr_cmp(dest, &allowed)) {
        blocked++;
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
