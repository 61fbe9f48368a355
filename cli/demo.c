/*
 * `iotls demo`: the seed case, replayed on this machine without a network.
 * A server like the seed's (one name; alert 40 for any other SNI) runs in a
 * thread; the client connects first as the vendor example did (SNI "mbed
 * TLS Server 1") and then as iotls does by default, and shows both.
 */
#include <stdio.h>
#include <string.h>

#include "iotls/iotls.h"

#include "cmd.h"
#include "demo_server.h"
#include "diag_report.h"
#include "http.h"
#include "report.h"
#include "session.h"

#define VENDOR_SNI "mbed TLS Server 1"
#define DEMO_TIMEOUT_MS 5000

typedef struct body_buf {
    char data[1024];
    size_t len;
} body_buf;

static int keep_body(void *ctx, const unsigned char *p, size_t n)
{
    body_buf *b = ctx;
    size_t room = sizeof b->data - 1 - b->len;
    if (n > room)
        n = room;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static void debug_line(void *ctx, int level, const char *line)
{
    (void)ctx;
    fprintf(stderr, "[debug %d] %s\n", level, line);
}

static void base_conf(iotls_conf *conf, iotls_trust *trust, const iotls_cli_opts *o)
{
    iotls_conf_init(conf);
    iotls_conf_set_session_cache(conf, 0); /* each run shows a whole handshake */
    iotls_conf_set_trust(conf, trust);
    /* dial the local server for the name, like curl --resolve */
    iotls_conf_set_connect_address(conf, "127.0.0.1");
    iotls_conf_set_timeouts(conf, DEMO_TIMEOUT_MS, DEMO_TIMEOUT_MS, DEMO_TIMEOUT_MS,
                            DEMO_TIMEOUT_MS);
    if (o->debug > 0)
        iotls_conf_set_debug(conf, o->debug, debug_line, NULL);
}

static void server_saw(iotls_cli_demo_server *srv, int i)
{
    iotls_cli_demo_seen seen;
    if (iotls_cli_demo_server_seen(srv, i, &seen) != 0) {
        printf("   server:    saw no connection\n");
        return;
    }
    if (!seen.has_sni)
        printf("   server:    saw no SNI; ");
    else
        printf("   server:    saw SNI \"%s\"; ", seen.sni);
    if (seen.served)
        printf("served its certificate\n");
    else
        printf("has no certificate for it, so it refused the handshake\n");
}

/* Step 1: the vendor example's SNI. Expected: alert 40 at the handshake. */
static int vendor_way(iotls_cli_demo_server *srv, iotls_trust *trust, const iotls_cli_opts *o)
{
    static iotls_diagnosis diag; /* ~7 KB: not on the stack */
    iotls_diag_input in;
    iotls_conf conf;
    iotls_conn c;
    const iotls_error *e;
    char line[512], want_fix[128];
    int ok;

    printf("1) The vendor example's way\n");
    printf("   It called mbedtls_ssl_set_hostname(&ssl, \"" VENDOR_SNI "\"): that name goes\n"
           "   out as SNI and is also the name the certificate is checked against.\n"
           "   Here: iotls_conf_set_server_name(&conf, \"" VENDOR_SNI "\").\n");
    base_conf(&conf, trust, o);
    iotls_conf_set_server_name(&conf, VENDOR_SNI);
    iotls_conn_init(&c);
    if (iotls_conn_setup(&c, &conf) == IOTLS_OK &&
        iotls_conn_connect(&c, IOTLS_CLI_DEMO_NAME, srv->port) == IOTLS_OK) {
        printf("   result:    connected (NOT expected: the server should have refused)\n");
        iotls_conn_close(&c);
        iotls_conn_free(&c);
        return 0;
    }
    e = iotls_conn_error(&c);
    iotls_error_format(e, line, sizeof line);
    printf("   result:    FAILED, as in the seed case\n");
    printf("   iotls:     %s\n", line);
    printf("   evidence:  ");
    if (e->wire.alert_received != IOTLS_ALERT_NONE)
        printf("alert %d (%s), level %d, received at stage %s\n", e->wire.alert_received,
               iotls_alert_name(e->wire.alert_received), e->wire.alert_received_level,
               iotls_stage_name(e->stage));
    else
        printf("no alert received; error %s at stage %s\n", iotls_err_name(e->code),
               iotls_stage_name(e->stage));
    printf("              SNI sent: %s%s%s\n", e->sni_sent ? "\"" : "",
           e->sni_sent ? e->sni : "(none)", e->sni_sent ? "\"" : "");
    if (e->mbedtls_code != 0)
        printf("              Mbed TLS code -0x%04X (the seed case's was -0x7780)\n",
               0u - (unsigned)e->mbedtls_code);
    server_saw(srv, 0);
    ok = e->code == IOTLS_ERR_ALERT_RECEIVED && e->stage == IOTLS_STAGE_HANDSHAKE &&
         e->wire.alert_received == 40 && e->sni_sent && strcmp(e->sni, VENDOR_SNI) == 0;

    /* What iotls makes of it: the diagnosis from the evidence above. */
    iotls_diag_input_init(&in);
    iotls_diag_input_from_conn(&in, &c, &conf);
    in.build_time = iotls_build_time(__DATE__);
    printf("   diagnosis (what iotls says about this failure):\n");
    if (iotls_diagnose(e, &in, &diag) == 1) {
        snprintf(want_fix, sizeof want_fix, "mbedtls_ssl_set_hostname(&ssl, \"%s\")",
                 IOTLS_CLI_DEMO_NAME);
        iotls_cli_report_diagnosis(&diag, o->verbose, "   ", stdout);
        ok = ok && diag.cause == IOTLS_CAUSE_SNI_REJECTED &&
             strstr(diag.fix_device, want_fix) != NULL;
    } else {
        printf("   (none)\n");
        ok = 0;
    }
    iotls_conn_free(&c);
    return ok;
}

/* Step 2: the iotls default. Expected: verified connection and the page. */
static int iotls_way(iotls_cli_demo_server *srv, iotls_trust *trust, const iotls_cli_opts *o)
{
    static iotls_cli_http http;
    iotls_conf conf;
    iotls_conn c;
    iotls_cli_url url;
    iotls_cli_result r;
    body_buf body;
    char req[512], err[160], line[512];
    unsigned char buf[2048];
    int ok = 0, n, rc = IOTLS_CLI_HTTP_MORE;

    printf("\n2) The iotls default\n");
    printf("   SNI and the certificate check both come from the host dialed,\n"
           "   \"" IOTLS_CLI_DEMO_NAME "\" (no SNI setter called).\n");
    base_conf(&conf, trust, o);
    iotls_conn_init(&c);
    if (iotls_conn_setup(&c, &conf) != IOTLS_OK ||
        iotls_conn_connect(&c, IOTLS_CLI_DEMO_NAME, srv->port) != IOTLS_OK) {
        iotls_error_format(iotls_conn_error(&c), line, sizeof line);
        printf("   result:    FAILED (NOT expected)\n   iotls:     %s\n", line);
        server_saw(srv, 1);
        iotls_conn_free(&c);
        return 0;
    }
    printf("   result:    connected and verified\n");
    iotls_cli_result_init(&r, "connect", IOTLS_CLI_DEMO_NAME, srv->port);
    r.ok = 1;
    r.conn = &c;
    r.conf = &conf;
    r.trust = trust;
    r.handshake_done = 1;
    r.err = *iotls_conn_error(&c);
    server_saw(srv, 1);
    iotls_cli_report_connection(&r, stdout);

    /* Fetch the page over the verified connection. */
    memset(&body, 0, sizeof body);
    iotls_cli_http_init(&http, NULL, keep_body, &body);
    if (iotls_cli_url_parse("https://" IOTLS_CLI_DEMO_NAME "/", &url, err, sizeof err) == 0)
        url.port = srv->port;
    n = iotls_cli_http_request(&url, req, sizeof req);
    if (n > 0 && iotls_conn_write(&c, (const unsigned char *)req, (size_t)n) == n) {
        for (int i = 0; i < 64 && rc == IOTLS_CLI_HTTP_MORE; i++) {
            n = iotls_conn_read(&c, buf, sizeof buf);
            if (n < 0)
                break;
            rc = n == 0 ? iotls_cli_http_finish(&http) : iotls_cli_http_feed(&http, buf, (size_t)n);
        }
    }
    if (rc == IOTLS_CLI_HTTP_DONE && http.status == 200) {
        printf("GET / -> HTTP %d, %llu bytes:\n", http.status, (unsigned long long)http.body_bytes);
        for (char *p = body.data, *nl; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            if (!nl) {
                printf("   | %s\n", p);
                break;
            }
            printf("   | %.*s\n", (int)(nl - p), p);
        }
        ok = 1;
    } else {
        iotls_error_format(iotls_conn_error(&c), line, sizeof line);
        printf("GET / failed (NOT expected): %s\n", rc == IOTLS_CLI_HTTP_ERROR ? http.err : line);
    }
    if (iotls_conn_close(&c) != IOTLS_OK)
        ok = 0;
    iotls_conn_free(&c);
    return ok;
}

int iotls_cli_cmd_demo(const iotls_cli_opts *o)
{
    static iotls_cli_demo_server srv; /* large: not on the stack */
    iotls_trust trust;
    int ok1 = 0, ok2 = 0;

    printf("iotls demo: the seed case, replayed on this machine (no network)\n\n");
    if (iotls_cli_demo_server_start(&srv) != 0) {
        fprintf(stderr, "iotls: demo: cannot start the demo server: %s\n", srv.err);
        iotls_cli_demo_server_stop(&srv);
        return 1;
    }
    printf("A TLS server now listens on 127.0.0.1 port %u, in this process. Like the\n"
           "server in the seed case (www.google.de), it serves one name only,\n"
           "\"" IOTLS_CLI_DEMO_NAME "\", and answers any other SNI, or none, with\n"
           "fatal alert 40 (handshake_failure). Its CA and certificate were generated\n"
           "a moment ago, in memory; the client below trusts that CA and nothing else.\n\n",
           (unsigned)srv.port);

    iotls_trust_init(&trust);
    if (iotls_trust_add_buffer(&trust, srv.ca_pem, srv.ca_pem_len, "demo CA") != IOTLS_OK ||
        trust.loaded != 1) {
        fprintf(stderr, "iotls: demo: the demo CA could not be loaded\n");
    } else {
        fflush(stdout);
        ok1 = vendor_way(&srv, &trust, o);
        fflush(stdout);
        ok2 = iotls_way(&srv, &trust, o);
    }
    iotls_cli_demo_server_stop(&srv);
    iotls_trust_free(&trust);

    printf("\nWhy: SNI tells the server which site you want. The vendor example sent the\n"
           "name of Mbed TLS's sample server, which this server (like Google's) does\n"
           "not serve, so it refused the handshake with alert 40; Mbed TLS reported\n"
           "only -0x7780. The fix in the example is to pass the host actually dialed to\n"
           "mbedtls_ssl_set_hostname(); iotls does that by default (and sends no SNI\n"
           "for an IP address), and reports the alert, the stage and the SNI sent.\n\n");
    if (ok1 && ok2) {
        printf("demo: both outcomes as expected\n");
        return 0;
    }
    printf("demo: UNEXPECTED outcome (vendor way %s, iotls way %s)\n",
           ok1 ? "as expected" : "NOT as expected", ok2 ? "as expected" : "NOT as expected");
    return 1;
}
