/* The board's network interface and the test seed hook. */
#ifndef BOARD_NET_H
#define BOARD_NET_H

#include <stddef.h>

#include "lwip/netif.h"

extern struct netif board_netif;

/* Seeds the test-only entropy (see board_port.c) and says so on the console. */
void board_set_test_seed(const unsigned char *seed, size_t len);

#endif /* BOARD_NET_H */
