/*
 * LwIP 2.1 options for the iotls device build: bare metal (NO_SYS=1, raw TCP
 * API driven by a polling loop), IPv4 + TCP + UDP for DNS, one TLS
 * connection at a time. LwIP's opt.h gives every other option its default.
 */
#ifndef IOTLS_LWIPOPTS_H
#define IOTLS_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0   /* single thread; the NIC is polled, not in an ISR */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETH_PAD_SIZE 2           /* IP header 4-byte aligned in each pbuf */
#define LWIP_ICMP 0              /* a TLS client need not answer pings */
#define LWIP_RAW 0
#define LWIP_UDP 1               /* DNS */
#define LWIP_TCP 1
#define LWIP_DHCP 0              /* static address; see docs/device.md to enable */
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 1
#define DNS_TABLE_SIZE 2
/* The DNS server's port is a variable (53 unless iotls_port_lwip_set_dns()
 * changes it): the device test runs its own responder on an unprivileged
 * port of the host. dns.c uses it only as the destination port of queries;
 * answers are matched by the server's address, id and question. */
#include <stdint.h>
extern uint16_t iotls_port_lwip_dns_port;
#define DNS_SERVER_PORT iotls_port_lwip_dns_port
#define IP_REASSEMBLY 0
#define IP_FRAG 0

/* Memory: LwIP's own heap for outgoing segments, a pool for received frames.
 * TLS reads whole records (up to 16 KB), so the receive window holds about
 * a third of one and the application drains it as records are decrypted. */
#define MEM_ALIGNMENT 4
#define MEM_SIZE (6 * 1024)
#define PBUF_POOL_SIZE 8
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_PBUF 8
#define MEMP_NUM_TCP_PCB 2
#define MEMP_NUM_TCP_PCB_LISTEN 0
#define MEMP_NUM_TCP_SEG 12
#define MEMP_NUM_UDP_PCB 1
#define MEMP_NUM_SYS_TIMEOUT 6

#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN 8
#define TCP_OVERSIZE 0           /* no segment preallocation: TLS writes whole records */
#define LWIP_TCP_KEEPALIVE 0
#define TCP_QUEUE_OOSEQ 0        /* a lost segment is retransmitted; saves code and pbufs */
#define TCP_LISTEN_BACKLOG 0

#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_SINGLE_NETIF 1
#define LWIP_STATS 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_LOOPBACK 0

#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1

/* Release builds drop LwIP's assertions, as NDEBUG drops assert(). */
#if defined(NDEBUG)
#define LWIP_NOASSERT
#endif

#endif /* IOTLS_LWIPOPTS_H */
