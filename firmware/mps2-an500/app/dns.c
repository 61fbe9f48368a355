/*
 * mode=dns: iotls resolving a name through LwIP's DNS client, against the
 * responder the host test runs (tests/device/run_dns.py). The only DNS
 * server the guest ever knows is 10.0.2.2, QEMU's alias of the host's
 * 127.0.0.1, on the responder's port; QEMU's own DNS (10.0.2.3, which
 * forwards to the host's resolver) is never configured. Each check prints
 * one "CHECK <name>: ok|FAIL ..." line.
 */
#include <string.h>

#include "iotls/port.h"

#include "psa/crypto.h"

#include "app.h"
#include "board.h"
#include "board_net.h"
#include "iotls_port_lwip.h"

#define DNS_SERVER "10.0.2.2"

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;

/* Resolve through the port alone: the answer must be the host's alias
 * before anything dials a resolved address. */
static int check_resolve(const char *check, const char *host, int *is_host)
{
    iotls_addr addrs[2];
    size_t n = 0;
    int sys_err = 0;
    char text[48] = "";
    *is_host = 0;
    int rc = iotls_port_resolve(host, addrs, 2, &n, 5000, &sys_err);
    if (rc == IOTLS_OK && n >= 1)
        iotls_addr_format(&addrs[0], text, sizeof text);
    board_printf("  resolve %s: %s (%d) -> %s\n", host, iotls_err_name(rc), rc,
                 text[0] ? text : "no address");
    *is_host = rc == IOTLS_OK && n == 1 && strcmp(text, DNS_SERVER) == 0;
    return app_check(check, *is_host, "%s", text);
}

/* iotls_conn_connect with a name and no connect address: iotls resolves. */
static int connect_by_name(const char *host, uint16_t port, uint32_t connect_ms)
{
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_timeouts(&conf, connect_ms, 10000, 0, 0);
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, host, port);
    return rc;
}

/* A DNS server that never answers (a UDP port nothing listens on): the
 * connect timeout ends the lookup, on time. LwIP keeps asking in the
 * background (up to DNS_MAX_RETRIES); the port ignores that late lookup's
 * callback. A new lookup of the name once the server answers again joins
 * LwIP's pending one and must get the address. */
static int dns_timeout(const app_args *a)
{
    int failed = 0;
    board_printf("\n[timeout] DNS server 10.0.2.2 port %u, where nothing answers\n",
                 (unsigned)a->dns_dead);
    if (iotls_port_lwip_set_dns(DNS_SERVER, a->dns_dead) != 0)
        return 1;
    uint32_t t0 = (uint32_t)board_ms();
    int rc = connect_by_name(a->host, a->port, 1500);
    uint32_t took = (uint32_t)board_ms() - t0;
    const iotls_error *e = iotls_conn_error(&conn);
    board_printf("[timeout] %s (%d) at stage %s after %lu ms\n", iotls_err_name(rc), rc,
                 iotls_stage_name(e->stage), (unsigned long)took);
    if (rc != IOTLS_OK)
        app_explain(&conn, &trust, 0);
    else
        iotls_conn_close(&conn);
    failed += app_check("dns_timeout", rc == IOTLS_ERR_DNS_TIMEOUT && e->stage == IOTLS_STAGE_DNS &&
                                           e->addr[0] == '\0', NULL);
    /* Not before the bound; after it only by scheduling slack. */
    failed += app_check("dns_timeout_on_time", took >= 1500 && took < 6000, NULL);
    iotls_conn_free(&conn);

    if (iotls_port_lwip_set_dns(DNS_SERVER, a->dns_port) != 0)
        return failed + 1;
    int is_host = 0;
    board_printf("[timeout] DNS server back on port %u\n", (unsigned)a->dns_port);
    failed += check_resolve("dns_after_timeout", a->host, &is_host);
    return failed;
}

int app_dns(const app_args *a)
{
    int failed = 0, is_host = 0;
    if (a->dns_port == 0 || a->nxhost == NULL) {
        board_printf("mode=dns needs dnsport=N and nxhost=NAME\n");
        return 64;
    }
    if (iotls_port_lwip_set_dns(DNS_SERVER, a->dns_port) != 0)
        return 2;
    board_printf("\ndns: server %s port %u (the host's 127.0.0.1)\n", DNS_SERVER,
                 (unsigned)a->dns_port);
    /* The guard (main.c) must stand between LwIP and the wire. */
    failed += app_check("egress_guard", app_guard_check(&board_netif), NULL);
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 2;
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    size_t base = h.current;

    failed += check_resolve("dns_resolve", a->host, &is_host);
    if (is_host) {
        /* The name resolved to the host: connect by name, verified. */
        board_printf("\n[dns] connecting to %s:%u by name\n", a->host, a->port);
        int rc = connect_by_name(a->host, a->port, 5000);
        const iotls_error *e = iotls_conn_error(&conn);
        if (rc == IOTLS_OK) {
            board_printf("[dns] connected to %s (dialed %s): %s, certificate verified for \"%s\" "
                         "(DNS %lu ms)\n", a->host, e->addr, iotls_conn_ciphersuite(&conn),
                         iotls_conn_verify_name(&conn),
                         (unsigned long)iotls_conn_timings(&conn)->dns_ms);
            iotls_conn_close(&conn);
        } else {
            board_printf("[dns] connection failed: %s (%d)\n", iotls_err_name(rc), rc);
            app_explain(&conn, &trust, 0);
        }
        failed += app_check("dns_connect", rc == IOTLS_OK && strcmp(e->addr, DNS_SERVER) == 0,
                            "%s", e->addr);
        iotls_conn_free(&conn);
    } else {
        board_printf("[dns] not dialing: the name did not resolve to %s\n", DNS_SERVER);
        failed += app_check("dns_connect", 0, "not attempted");
    }

    /* A name the server answers NXDOMAIN for: stage dns, nothing dialed. */
    board_printf("\n[nx] connecting to %s:%u by name\n", a->nxhost, a->port);
    int rc = connect_by_name(a->nxhost, a->port, 5000);
    const iotls_error *e = iotls_conn_error(&conn);
    board_printf("[nx] %s (%d) at stage %s\n", iotls_err_name(rc), rc, iotls_stage_name(e->stage));
    if (rc != IOTLS_OK)
        app_explain(&conn, &trust, 0);
    else
        iotls_conn_close(&conn);
    failed += app_check("dns_nxdomain", rc == IOTLS_ERR_DNS && e->stage == IOTLS_STAGE_DNS &&
                                            e->addr[0] == '\0', "%s", e->addr);
    iotls_conn_free(&conn);

    if (a->dns_dead != 0)
        failed += dns_timeout(a);

    /* The first TLS 1.3 connection left PSA's key store allocated (the
     * library's one-time state, see app_warm_up()); this mode makes exactly
     * one connection, so it releases that state instead: what remains then
     * is a leak. */
    mbedtls_psa_crypto_free();
    iotls_port_lwip_heap_stats(&h);
    failed += app_check("dns_no_leak", h.current == base, "bytes %ld", (long)(h.current - base));
    iotls_trust_free(&trust);
    unsigned long blocked = app_egress_blocked();
    board_printf("egress: %lu packet(s) to addresses other than 10.0.2.2 blocked\n", blocked);
    failed += app_check("egress_host_only", blocked == 0, NULL);
    iotls_port_lwip_run(50);
    board_printf("dns: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
