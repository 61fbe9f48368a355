/*
 * Firmware entry: reads its settings from the semihosting command line
 * (key=value words; the test driver generates certificates and ports at run
 * time, so nothing about them can be compiled in), seeds the test entropy,
 * brings the network up and runs the chosen mode. The exit status goes to
 * the host through semihosting.
 */
#include <string.h>

#include "app.h"
#include "board.h"
#include "board_net.h"
#include "iotls_port_lwip.h"
#include "lan9118.h"
#include "semihost.h"

static char cmdline[512];

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A decimal count, 0 if the text is not one. */
static uint32_t number(const char *s)
{
    uint32_t v = 0;
    for (; *s >= '0' && *s <= '9' && v < 100000000u; s++)
        v = v * 10u + (uint32_t)(*s - '0');
    return *s == '\0' ? v : 0;
}

/* A TCP port number, 0 if the text is not one. */
static uint16_t port_number(const char *s)
{
    uint32_t v = 0;
    for (; *s >= '0' && *s <= '9' && v <= 65535u; s++)
        v = v * 10u + (uint32_t)(*s - '0');
    return *s == '\0' && v <= 65535u ? (uint16_t)v : 0;
}

/* The next space-separated word of *rest, NUL-terminated in place. */
static char *next_word(char **rest)
{
    char *p = *rest;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return NULL;
    char *w = p;
    while (*p != '\0' && *p != ' ')
        p++;
    if (*p == ' ')
        *p++ = '\0';
    *rest = p;
    return w;
}

/* Splits the command line in place and fills *a. Unknown keys are errors. */
static int parse_args(char *line, app_args *a)
{
    memset(a, 0, sizeof *a);
    a->mode = "seed";
    a->dial = "10.0.2.2"; /* QEMU user networking: the host's 127.0.0.1 */
    char *next = line;
    next_word(&next); /* argv[0]: the program's name */
    for (char *w = next_word(&next); w != NULL; w = next_word(&next)) {
        char *v = strchr(w, '=');
        if (v == NULL)
            return -1;
        *v++ = '\0';
        if (strcmp(w, "mode") == 0) a->mode = v;
        else if (strcmp(w, "host") == 0) a->host = v;
        else if (strcmp(w, "port") == 0) a->port = port_number(v);
        else if (strcmp(w, "ca") == 0) a->ca = v;
        else if (strcmp(w, "sha256") == 0) a->sha256 = v;
        else if (strcmp(w, "seed") == 0) a->seed = v;
        else if (strcmp(w, "port2") == 0) a->port2 = port_number(v);
        else if (strcmp(w, "ca2") == 0) a->ca2 = v;
        else if (strcmp(w, "port3") == 0) a->port3 = port_number(v);
        else if (strcmp(w, "port4") == 0) a->port4 = port_number(v);
        else if (strcmp(w, "group") == 0) a->group = v;
        else if (strcmp(w, "refused") == 0) a->refused = port_number(v);
        else if (strcmp(w, "silent") == 0) a->silent = port_number(v);
        else if (strcmp(w, "dnsport") == 0) a->dns_port = port_number(v);
        else if (strcmp(w, "nxhost") == 0) a->nxhost = v;
        else if (strcmp(w, "dnsdead") == 0) a->dns_dead = port_number(v);
        else if (strcmp(w, "bundle") == 0) a->bundle = v;
        else if (strcmp(w, "inter") == 0) a->inter = v;
        else if (strcmp(w, "samples") == 0) a->samples = number(v);
        else if (strcmp(w, "rsamples") == 0) a->resumed_samples = number(v);
        else if (strcmp(w, "allocseed") == 0) a->alloc_seed = number(v);
        else if (strcmp(w, "allocfrom") == 0) a->alloc_from = number(v);
        else if (strcmp(w, "allocto") == 0) a->alloc_to = number(v);
        else if (strcmp(w, "count") == 0) a->count = number(v);
        else if (strcmp(w, "session") == 0) a->session = v;
        else if (strcmp(w, "phase") == 0) a->phase = v;
        else if (strcmp(w, "psk") == 0) a->psk = v;
        else if (strcmp(w, "pskid") == 0) a->psk_id = v;
        else if (strcmp(w, "badpsk") == 0) a->bad_psk = v;
        else
            return -1;
    }
    return a->host != NULL && a->port != 0 && a->ca != NULL ? 0 : -1;
}

static int seed_entropy(const char *hex)
{
    unsigned char seed[64];
    size_t n = 0;
    if (hex == NULL)
        return -1;
    for (; hex[0] && hex[1] && n < sizeof seed; hex += 2) {
        int hi = hexval(hex[0]), lo = hexval(hex[1]);
        if (hi < 0 || lo < 0)
            return -1;
        seed[n++] = (unsigned char)(hi << 4 | lo);
    }
    if (n < 32)
        return -1;
    board_set_test_seed(seed, n);
    return 0;
}

int main(void)
{
    app_args a;
    board_init();
    board_printf("iotls %s on mps2-an500 (Cortex-M7), LwIP, Mbed TLS\n", IOTLS_VERSION_STRING);
    if (semihost_cmdline(cmdline, sizeof cmdline) != 0 || parse_args(cmdline, &a) != 0) {
        board_printf("usage: firmware.elf host=NAME port=N ca=PATH sha256=HEX seed=HEX\n");
#if APP_TEST_MODES
        board_printf("  mode=bench port2=N ca2=PATH [group=secp256r1]\n"
                     "  mode=checks refused=N silent=N\n"
                     "  mode=dns dnsport=N nxhost=NAME [dnsdead=N]\n"
                     "  mode=versions port=N port2=N [ca2=PATH port3=N port4=N]\n"
                     "  mode=bundle bundle=PATH inter=PATH port2=N port3=N\n"
                     "  mode=allocfail port=N(TLS 1.3) port2=N(TLS 1.2) samples=N rsamples=N allocseed=N\n"
                     "    [allocfrom=N allocto=N]\n"
                     "  mode=soak count=N\n"
                     "  mode=resume port=N(TLS 1.3) port2=N(TLS 1.2) session=PATH phase=save|load\n"
                     "  mode=psk port=N(certificate) port2=N(PSK, TLS 1.3) [port3=N(PSK, TLS 1.2)]\n"
                     "    psk=HEX pskid=ID badpsk=HEX\n"
                     "  mode=records port=N(TLS 1.3, honours record_size_limit)\n"
                     "    [port2=N(TLS 1.2, honours max_fragment_length) port3=N(TLS 1.3, ignores)]\n");
#endif
        return 64;
    }
    /* No hardware RNG on this board: without a test seed there is no
     * entropy, and iotls refuses to connect (IOTLS_ERR_ENTROPY). */
    if (seed_entropy(a.seed) != 0)
        board_printf("no test seed given (seed=64 hex digits or more): no entropy source\n");
    /* No DNS server: QEMU's (10.0.2.3) would forward queries to the host's
     * resolver; the tests dial the host's address only, by
     * iotls_conf_set_connect_address or (mode=dns) through the test's own
     * responder on the host, set by app_dns(). */
    if (iotls_port_lwip_start(&board_netif, lan9118_netif_init, "10.0.2.15", "255.255.255.0",
                              "10.0.2.2", NULL) != 0) {
        board_printf("network: no LAN9118 found\n");
        return 65;
    }
    board_printf("network: 10.0.2.15/24 up, gateway 10.0.2.2\n");
#if APP_TEST_MODES
    app_guard_egress(&board_netif);
    if (strcmp(a.mode, "dns") == 0)
        return app_dns(&a);
    if (strcmp(a.mode, "bench") == 0)
        return app_bench(&a);
    if (strcmp(a.mode, "checks") == 0)
        return app_checks(&a);
    if (strcmp(a.mode, "versions") == 0)
        return app_versions(&a);
    if (strcmp(a.mode, "bundle") == 0)
        return app_bundle(&a);
    if (strcmp(a.mode, "allocfail") == 0)
        return app_alloc_fail(&a);
    if (strcmp(a.mode, "soak") == 0)
        return app_soak(&a);
    if (strcmp(a.mode, "resume") == 0)
        return app_resume(&a);
    if (strcmp(a.mode, "psk") == 0)
        return app_psk(&a);
    if (strcmp(a.mode, "records") == 0)
        return app_records(&a);
#endif
    return app_seed_case(&a);
}
