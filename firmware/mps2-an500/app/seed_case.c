/*
 * The seed case, made right. The vendor's example set the SNI to its sample
 * server's name, "mbed TLS Server 1"; the server refused the handshake with
 * a bare fatal alert 40 and the developer was left with -0x7780. Here the
 * same mistake is made on purpose and iotls explains it on the console;
 * then iotls's defaults (SNI and name check from the host dialed) fetch a
 * page over HTTPS and its body is checked against the digest the test gave.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/sha256.h"

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

#define EXIT_OK 0
#define EXIT_SETUP 2
#define EXIT_STEP1 3   /* the wrong SNI did not fail as the seed case did */
#define EXIT_STEP2 4   /* the right connection failed */
#define EXIT_BODY 5    /* wrong page */

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;
static unsigned char buf[2048];

static void conf_for(iotls_conf *cf)
{
    iotls_conf_init(cf);
    iotls_conf_set_trust(cf, &trust);
    /* Dial the host through QEMU (10.0.2.2 is the host's 127.0.0.1) while
     * the SNI and the certificate check use the name, like curl --resolve. */
    iotls_conf_set_connect_address(cf, "10.0.2.2");
}

/* Step 1: the vendor example's SNI. Expected: fatal alert 40 from the server. */
static int wrong_sni(const app_args *a)
{
    board_printf("\n[1] connecting to %s:%u with the vendor example's SNI \"mbed TLS Server 1\"\n",
                 a->host, a->port);
    conf_for(&conf);
    if (iotls_conf_set_server_name(&conf, "mbed TLS Server 1") != IOTLS_OK)
        return EXIT_SETUP;
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, a->port);
    int ok = 0;
    if (rc == IOTLS_OK) {
        board_printf("[1] unexpected: the handshake succeeded\n");
    } else {
        const iotls_error *e = iotls_conn_error(&conn);
        board_printf("[1] failed as in the seed case: %s (%d), alert received %d\n",
                     iotls_err_name(rc), rc, e->wire.alert_received);
        app_explain(&conn, &trust, 1);
        ok = rc == IOTLS_ERR_ALERT_RECEIVED && e->wire.alert_received == 40;
    }
    iotls_conn_free(&conn);
    return ok ? EXIT_OK : EXIT_STEP1;
}

static int hex_equal(const unsigned char *d, size_t n, const char *hex)
{
    static const char digits[] = "0123456789abcdef";
    if (hex == NULL || strlen(hex) != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (hex[2 * i] != digits[d[i] >> 4] || hex[2 * i + 1] != digits[d[i] & 15])
            return 0;
    return 1;
}

/* Step 2: iotls's defaults, GET / and check the body. */
static int fetch_page(const app_args *a)
{
    board_printf("\n[2] connecting to %s:%u with iotls's defaults\n", a->host, a->port);
    conf_for(&conf);
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, a->port);
    if (rc != IOTLS_OK) {
        board_printf("[2] connection failed: %s (%d)\n", iotls_err_name(rc), rc);
        app_explain(&conn, &trust, 0);
        iotls_conn_free(&conn);
        return EXIT_STEP2;
    }
    const iotls_timings *t = iotls_conn_timings(&conn);
    board_printf("[2] connected: %s, %s, SNI \"%s\", certificate verified for \"%s\" "
                 "(TCP %lu ms, handshake %lu ms)\n",
                 iotls_conn_version(&conn), iotls_conn_ciphersuite(&conn),
                 iotls_conn_sni(&conn) ? iotls_conn_sni(&conn) : "",
                 iotls_conn_verify_name(&conn), (unsigned long)t->connect_ms,
                 (unsigned long)t->handshake_ms);

    int n = snprintf((char *)buf, sizeof buf,
                     "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", a->host);
    rc = iotls_conn_write(&conn, buf, (size_t)n);
    if (rc < 0) {
        board_printf("[2] write failed: %s\n", iotls_err_name(rc));
        app_explain(&conn, &trust, 0);
        iotls_conn_free(&conn);
        return EXIT_STEP2;
    }

    /* The response: headers, then the body up to close_notify. */
    mbedtls_sha256_context sha;
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts(&sha, 0);
    static const char end_of_head[] = "\r\n\r\n";
    size_t matched = 0, body_len = 0, total = 0;
    int in_body = 0, status_ok = 0;
    for (;;) {
        rc = iotls_conn_read(&conn, buf, sizeof buf);
        if (rc <= 0)
            break;
        if (total == 0)
            status_ok = rc >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
        total += (size_t)rc;
        size_t i = 0;
        while (!in_body && i < (size_t)rc) {
            matched = buf[i++] == (unsigned char)end_of_head[matched] ? matched + 1
                      : buf[i - 1] == '\r'                           ? 1
                                                                     : 0;
            in_body = matched == 4;
        }
        if (in_body && i < (size_t)rc) {
            mbedtls_sha256_update(&sha, buf + i, (size_t)rc - i);
            body_len += (size_t)rc - i;
        }
    }
    unsigned char digest[32];
    mbedtls_sha256_finish(&sha, digest);
    mbedtls_sha256_free(&sha);
    if (rc < 0) {
        board_printf("[2] read failed: %s (%d)\n", iotls_err_name(rc), rc);
        app_explain(&conn, &trust, 0);
        iotls_conn_free(&conn);
        return EXIT_STEP2;
    }
    iotls_conn_close(&conn);
    iotls_conn_free(&conn);
    board_printf("[2] HTTP %s, body %lu bytes, ended with close_notify\n",
                 status_ok ? "200" : "status not 200", (unsigned long)body_len);
    if (!status_ok || !hex_equal(digest, sizeof digest, a->sha256)) {
        board_printf("[2] body sha256 does NOT match the expected digest\n");
        return EXIT_BODY;
    }
    board_printf("[2] body sha256 matches\n");
    return EXIT_OK;
}

int app_seed_case(const app_args *a)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return EXIT_SETUP;
    int rc = wrong_sni(a);
    if (rc == EXIT_OK)
        rc = fetch_page(a);
    iotls_trust_free(&trust);
    /* Let LwIP finish the closing handshakes before the board stops. */
    iotls_port_lwip_run(50);
    board_printf("\nseed case: %s (exit %d)\n", rc == EXIT_OK ? "PASS" : "FAIL", rc);
    return rc;
}
