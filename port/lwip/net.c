/*
 * iotls transport on LwIP's raw TCP API (NO_SYS=1). LwIP calls back with
 * events; the port records them in the socket and, while iotls waits,
 * drives the stack (iotls_board_net_wait + sys_check_timeouts) until the
 * event it waits for, an error, or the deadline.
 */
#include <string.h>

#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "iotls/port.h"
#include "iotls_port_lwip.h"

struct iotls_port_sock {
    struct tcp_pcb *pcb;  /* NULL once LwIP has freed it (err callback) */
    struct pbuf *rx;      /* received and not yet read, in order */
    uint8_t connected;
    uint8_t eof;          /* the peer sent FIN */
    err_t err;            /* why LwIP dropped the connection, ERR_OK if it did not */
};

typedef int (*ready_fn)(const void *arg);

/* Runs the stack until ready(arg), or timeout_ms. Returns 1 if ready. */
static int wait_until(ready_fn ready, const void *arg, uint32_t timeout_ms)
{
    uint64_t start = iotls_port_now_ms();
    for (;;) {
        sys_check_timeouts();
        if (ready(arg))
            return 1;
        if (iotls_port_now_ms() - start >= timeout_ms)
            return 0;
        iotls_board_net_wait();
    }
}

static int elapsed(const void *arg)
{
    (void)arg;
    return 0;
}

void iotls_port_lwip_run(uint32_t ms)
{
    wait_until(elapsed, NULL, ms);
}

/* Nothing connecting, open or in flight: every PCB left is one whose FIN
 * was acknowledged, waiting for the peer's (FIN_WAIT_2). */
static int at_rest(const void *arg)
{
    (void)arg;
    for (const struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next)
        if (p->state != FIN_WAIT_2)
            return 0;
    return 1;
}

int iotls_port_lwip_settle(uint32_t timeout_ms)
{
    return wait_until(at_rest, NULL, timeout_ms);
}

/* ---- LwIP callbacks ---- */

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)pcb;
    iotls_port_sock *s = arg;
    if (err == ERR_OK)
        s->connected = 1;
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb;
    (void)err;
    iotls_port_sock *s = arg;
    if (p == NULL) {
        s->eof = 1;
        return ERR_OK;
    }
    if (s->rx == NULL)
        s->rx = p;
    else
        pbuf_cat(s->rx, p);
    return ERR_OK;
}

/* The pcb is already freed when this is called. */
static void on_err(void *arg, err_t err)
{
    iotls_port_sock *s = arg;
    s->pcb = NULL;
    s->err = err;
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_err(pcb, NULL);
}

/* ---- connect ---- */

/* A PCB is free, or tcp_new() can take one LwIP reclaims itself. */
static int pcb_reusable(const void *arg)
{
    (void)arg;
    int n = 0;
    if (tcp_tw_pcbs != NULL)
        return 1;
    for (const struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next, n++)
        if (p->state == LAST_ACK || p->state == CLOSING)
            return 1;
    return n < MEMP_NUM_TCP_PCB;
}

/* Makes every connection this port has closed (detached: no socket of ours
 * refers to it) the lowest priority, so that tcp_new() aborts the oldest
 * of them (LwIP's tcp_kill_prio: a RST to its peer) when no PCB is free.
 * Our close_notify and FIN went out before. */
static void reclaim_closed(void)
{
    for (struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next)
        if (p->callback_arg == NULL)
            tcp_setprio(p, TCP_PRIO_MIN);
}

static int connect_done(const void *arg)
{
    const iotls_port_sock *s = arg;
    return s->connected || s->pcb == NULL;
}

int iotls_port_connect(iotls_port_sock **sock, const iotls_addr *addr, uint16_t port,
                       uint32_t timeout_ms, int *sys_err)
{
    *sock = NULL;
    *sys_err = 0;
    if (addr->family != 4) {
        *sys_err = ERR_RTE; /* this build has no IPv6 */
        return IOTLS_ERR_CONNECT;
    }
    iotls_port_sock *s = iotls_port_calloc(1, sizeof *s);
    if (s == NULL)
        return IOTLS_ERR_ALLOC;
    s->pcb = tcp_new();
    if (s->pcb == NULL) {
        /* Every PCB may belong to connections still closing, whose last
         * segments wait unread in the controller (nothing drives the stack
         * between connections). Process them until one reaches a state
         * LwIP reuses (TIME_WAIT, LAST_ACK, CLOSING), 200 ms at most, and
         * try once more. */
        wait_until(pcb_reusable, NULL, timeout_ms < 200 ? timeout_ms : 200);
        s->pcb = tcp_new();
    }
    if (s->pcb == NULL) {
        /* Still none: a server that never closes its side keeps each of our
         * closed connections in FIN_WAIT_2 (LwIP frees those only after
         * TCP_FIN_WAIT_TIMEOUT of the stack running), and LwIP reclaims
         * PCBs in TIME_WAIT, LAST_ACK or CLOSING, not these. */
        reclaim_closed();
        s->pcb = tcp_new();
    }
    if (s->pcb == NULL) {
        iotls_port_free(s);
        *sys_err = ERR_MEM;
        return IOTLS_ERR_ALLOC;
    }
    ip_addr_t ip;
    IP_ADDR4(&ip, addr->bytes[0], addr->bytes[1], addr->bytes[2], addr->bytes[3]);
    tcp_arg(s->pcb, s);
    tcp_recv(s->pcb, on_recv);
    tcp_err(s->pcb, on_err);
    tcp_nagle_disable(s->pcb);
    err_t e = tcp_connect(s->pcb, &ip, port, on_connected);
    if (e != ERR_OK) {
        detach(s->pcb);
        tcp_abort(s->pcb);
        iotls_port_free(s);
        *sys_err = e;
        return IOTLS_ERR_CONNECT;
    }
    if (!wait_until(connect_done, s, timeout_ms)) {
        detach(s->pcb);
        tcp_abort(s->pcb);
        iotls_port_free(s);
        return IOTLS_ERR_CONNECT_TIMEOUT;
    }
    if (!s->connected) {
        int rc = s->err == ERR_RST ? IOTLS_ERR_CONNECT_REFUSED : IOTLS_ERR_CONNECT;
        *sys_err = s->err;
        iotls_port_free(s);
        return rc;
    }
    *sock = s;
    return IOTLS_OK;
}

/* ---- send ---- */

static int can_send(const void *arg)
{
    const iotls_port_sock *s = arg;
    return s->pcb == NULL || tcp_sndbuf(s->pcb) > 0;
}

static int dropped(const iotls_port_sock *s, int *sys_err)
{
    *sys_err = s->err;
    return s->err == ERR_RST ? IOTLS_PORT_RESET : IOTLS_PORT_ERROR;
}

int iotls_port_send(iotls_port_sock *s, const unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    *sys_err = 0;
    uint64_t start = iotls_port_now_ms();
    for (;;) {
        uint64_t spent = iotls_port_now_ms() - start;
        if (spent >= timeout_ms || !wait_until(can_send, s, (uint32_t)(timeout_ms - spent)))
            return IOTLS_PORT_TIMEOUT;
        if (s->pcb == NULL)
            return dropped(s, sys_err);
        size_t n = tcp_sndbuf(s->pcb);
        if (n > len)
            n = len;
        err_t e = tcp_write(s->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_OK) {
            tcp_output(s->pcb);
            return (int)n;
        }
        if (e != ERR_MEM) {
            *sys_err = e;
            return IOTLS_PORT_ERROR;
        }
        /* Segment queue full: let acknowledgements free it, then retry. */
        tcp_output(s->pcb);
        iotls_board_net_wait();
        sys_check_timeouts();
    }
}

/* ---- recv ---- */

static int can_recv(const void *arg)
{
    const iotls_port_sock *s = arg;
    return s->rx != NULL || s->eof || s->pcb == NULL;
}

int iotls_port_recv(iotls_port_sock *s, unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    *sys_err = 0;
    if (len == 0)
        return IOTLS_PORT_ERROR;
    if (!wait_until(can_recv, s, timeout_ms))
        return IOTLS_PORT_TIMEOUT;
    /* Data the peer sent before closing is delivered first. */
    if (s->rx != NULL) {
        if (len > 0xFFFFu)
            len = 0xFFFFu;
        u16_t n = pbuf_copy_partial(s->rx, buf, (u16_t)len, 0);
        s->rx = pbuf_free_header(s->rx, n);
        if (s->pcb != NULL)
            tcp_recved(s->pcb, n);
        return n;
    }
    if (s->eof)
        return IOTLS_PORT_EOF;
    return dropped(s, sys_err);
}

void iotls_port_close(iotls_port_sock *s)
{
    if (s == NULL)
        return;
    if (s->pcb != NULL) {
        detach(s->pcb);
        if (tcp_close(s->pcb) != ERR_OK)
            tcp_abort(s->pcb);
    }
    if (s->rx != NULL)
        pbuf_free(s->rx);
    iotls_port_free(s);
}

/* ---- DNS ---- */

/* One lookup at a time. A callback that arrives after its caller timed out
 * carries an old generation number and is ignored. */
static struct {
    uint32_t generation;
    uint8_t done;
    uint8_t found;
    ip_addr_t addr;
} lookup;

static void on_dns(const char *name, const ip_addr_t *ip, void *arg)
{
    (void)name;
    if ((uint32_t)(uintptr_t)arg != lookup.generation)
        return;
    lookup.done = 1;
    if (ip != NULL) {
        lookup.found = 1;
        lookup.addr = *ip;
    }
}

static int dns_done(const void *arg)
{
    (void)arg;
    return lookup.done;
}

int iotls_port_resolve(const char *host, iotls_addr *addrs, size_t max, size_t *n,
                       uint32_t timeout_ms, int *sys_err)
{
    *n = 0;
    *sys_err = 0;
    if (max == 0)
        return IOTLS_ERR_DNS;
    lookup.generation++;
    lookup.done = 0;
    lookup.found = 0;
    err_t e = dns_gethostbyname(host, &lookup.addr, on_dns,
                                (void *)(uintptr_t)lookup.generation);
    if (e == ERR_OK) {
        lookup.done = lookup.found = 1;
    } else if (e == ERR_INPROGRESS) {
        if (!wait_until(dns_done, NULL, timeout_ms)) {
            lookup.generation++;
            return IOTLS_ERR_DNS_TIMEOUT;
        }
    } else {
        *sys_err = e;
        return IOTLS_ERR_DNS;
    }
    if (!lookup.found)
        return IOTLS_ERR_DNS;
    const ip4_addr_t *a = ip_2_ip4(&lookup.addr);
    memset(&addrs[0], 0, sizeof addrs[0]);
    addrs[0].family = 4;
    memcpy(addrs[0].bytes, &a->addr, 4); /* already in network order */
    *n = 1;
    return IOTLS_OK;
}
