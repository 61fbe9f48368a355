/*
 * URLs, HOST[:PORT] targets and --resolve entries: parsing only, no network.
 */
#ifndef IOTLS_CLI_URL_H
#define IOTLS_CLI_URL_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"

/* Longest request target (path and query) the tool sends. */
#define IOTLS_CLI_MAX_PATH 4096

typedef struct iotls_cli_url {
    char host[IOTLS_MAX_HOSTNAME + 1]; /* DNS name or IP literal, IPv6 without brackets */
    uint16_t port;                     /* 443 unless given */
    int is_ipv6;                       /* host is an IPv6 literal */
    char path[IOTLS_CLI_MAX_PATH];     /* path and query, "/" at least; no fragment */
} iotls_cli_url;

typedef struct iotls_cli_resolve {
    char host[IOTLS_MAX_HOSTNAME + 1];
    uint16_t port;
    char addr[48];                     /* IP literal, IPv6 without brackets */
} iotls_cli_resolve;

/*
 * Parse an https:// URL. Returns 0, or -1 with a one-line reason in err
 * (an http:// URL is refused: iotls speaks TLS only).
 */
int iotls_cli_url_parse(const char *s, iotls_cli_url *u, char *err, size_t errlen);

/*
 * Parse HOST, HOST:PORT, [IPv6], [IPv6]:PORT or a bare IPv6 literal (default
 * port 443) into u (path "/"). Returns 0 or -1 with err.
 */
int iotls_cli_target_parse(const char *s, iotls_cli_url *u, char *err, size_t errlen);

/* Parse HOST:PORT:ADDR (ADDR an IP literal, IPv6 optionally in brackets). */
int iotls_cli_resolve_parse(const char *s, iotls_cli_resolve *r, char *err, size_t errlen);

/* Parse a decimal port 1..65535 of exactly len characters. 0 or -1. */
int iotls_cli_port_parse(const char *s, size_t len, uint16_t *port);

/*
 * Value of the Host header: the host (IPv6 in brackets) with ":port" when the
 * port is not 443. Returns as snprintf.
 */
int iotls_cli_url_host_header(const iotls_cli_url *u, char *buf, size_t len);

#endif /* IOTLS_CLI_URL_H */
