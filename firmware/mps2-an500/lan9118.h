/*
 * SMSC LAN9118 Ethernet controller as an LwIP netif, polled (the interrupt
 * only wakes the CPU from WFI). On mps2-an500 its registers are at
 * 0xA0000000, interrupt 13.
 */
#ifndef LAN9118_H
#define LAN9118_H

#include "lwip/err.h"
#include "lwip/netif.h"

/* netif_add() init callback: resets the chip, reads its MAC address,
 * enables transmit and receive. ERR_IF when no LAN9118 answers. */
err_t lan9118_netif_init(struct netif *netif);

/* Hands every frame waiting in the receive FIFO to netif->input. Returns
 * how many there were. */
int lan9118_poll(struct netif *netif);

/* Nonzero when a received frame is waiting. */
int lan9118_rx_pending(void);

#endif /* LAN9118_H */
