/*
 * mode=versions: iotls's defaults (TLS 1.3 and 1.2 offered) against
 * `openssl s_server` instances the host started, each limited to one
 * version (tests/device/run_versions.py): port and port2 serve an ECDSA
 * P-256 chain (ca) with TLS 1.3 and TLS 1.2 only, port3 and port4 an
 * RSA-2048 chain (ca2), where TLS 1.3 needs RSA-PSS. Each connection
 * prints one "VERSION ..." line with what was negotiated, then fetches
 * s_server's status page (-www) to show that records flow both ways.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"

static iotls_trust trust;
static iotls_conf conf;
static iotls_conn conn;
static unsigned char buf[1024];
/* The last bytes of the previous read and this one, to find the server's
 * own account of the version in s_server's page ("New, TLSv1.3, Cipher
 * is ...") even across reads. */
static char window[16 + sizeof buf + 1];

static const char *server_says(size_t *kept, const unsigned char *data, size_t n,
                               const char *found)
{
    memcpy(window + *kept, data, n);
    window[*kept + n] = '\0';
    if (found == NULL) {
        if (strstr(window, "New, TLSv1.3,") != NULL)
            found = "TLSv1.3";
        else if (strstr(window, "New, TLSv1.2,") != NULL)
            found = "TLSv1.2";
    }
    size_t total = *kept + n, keep = total < 16 ? total : 16;
    memmove(window, window + total - keep, keep);
    *kept = keep;
    return found;
}

static int one(const app_args *a, const char *label, const char *ca, uint16_t port)
{
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, ca) != 0)
        return 1;
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    if (rc != IOTLS_OK) {
        board_printf("VERSION %s port=%u failed=%s\n", label, port, iotls_err_name(rc));
        app_explain(&conn, &trust, 0);
    } else {
        int n = snprintf((char *)buf, sizeof buf, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", a->host);
        int w = iotls_conn_write(&conn, buf, (size_t)n);
        size_t total = 0, kept = 0;
        int r = 0, status_ok = 0;
        const char *server = NULL;
        while (w >= 0 && (r = iotls_conn_read(&conn, buf, sizeof buf)) > 0) {
            if (total == 0)
                status_ok = r >= 12 && memcmp(buf, "HTTP/1.0 200", 12) == 0;
            total += (size_t)r;
            server = server_says(&kept, buf, (size_t)r, server);
        }
        const char *group = iotls_group_name(iotls_conn_group(&conn));
        const char *sig = iotls_sig_alg_name(iotls_conn_sig_alg(&conn));
        board_printf("VERSION %s port=%u version=%s suite=%s group=%s sig_alg=%s http=%s "
                     "bytes=%lu end=%s server_says=%s\n",
                     label, port, iotls_conn_version(&conn), iotls_conn_ciphersuite(&conn),
                     group ? group : "?", sig ? sig : "?", status_ok ? "200" : "bad",
                     (unsigned long)total,
                     w < 0 ? iotls_err_name(w) : r < 0 ? iotls_err_name(r) : "close_notify",
                     server ? server : "?");
        if (w < 0 || r < 0 || !status_ok) {
            app_explain(&conn, &trust, 0);
            rc = w < 0 ? w : r < 0 ? r : IOTLS_ERR_READ;
        } else {
            iotls_conn_close(&conn);
        }
    }
    iotls_conn_free(&conn);
    iotls_trust_free(&trust);
    iotls_port_lwip_run(20);
    return rc == IOTLS_OK ? 0 : 1;
}

int app_versions(const app_args *a)
{
    int failed = one(a, "ecdsa_tls13", a->ca, a->port);
    if (a->port2 != 0)
        failed += one(a, "ecdsa_tls12", a->ca, a->port2);
    if (a->ca2 != NULL && a->port3 != 0)
        failed += one(a, "rsa_tls13", a->ca2, a->port3);
    if (a->ca2 != NULL && a->port4 != 0)
        failed += one(a, "rsa_tls12", a->ca2, a->port4);
    board_printf("versions: %s\n", failed == 0 ? "PASS" : "FAIL");
    return failed == 0 ? 0 : 1;
}
