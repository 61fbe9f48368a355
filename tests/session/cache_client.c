/*
 * The library's side of resumption, for tests/session/run_session.py:
 * several iotls connections in one process to the server the script
 * started, printing one line per connection:
 *
 *   CONN <label> rc=<iotls_err> version=<TLSv1.x> resumed=<0|1> offered=<0|1> kind=<kind>
 *
 * Usage: session_cache_client CAFILE HOST PORT
 *
 *   first        a full handshake (the cache is empty)
 *   second       the same conf, host, port and SNI: resumed from the cache
 *   other_sni    SNI set to another name: not offered
 *   cache_off    the cache turned off for this conf: not offered
 *   other_conf   another conf with its own trust store: not offered
 *   imported     a fresh conf with the cache off and the blob exported by
 *                "second" (as after deep sleep): resumed
 *   cleared      after iotls_session_cache_clear(), cache on: not offered
 *
 * Each connection reads until the server closes or a read times out
 * (s_server -www sends a page after a request: the tickets come first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/iotls.h"
#include "iotls_port_posix.h"

static uint8_t blob[IOTLS_SESSION_MAX];
static size_t blob_len;

static int one(const char *label, iotls_conf *conf, const char *host, uint16_t port,
               int export_blob)
{
    static const unsigned char req[] = "GET / HTTP/1.0\r\n\r\n";
    unsigned char buf[4096];
    iotls_conn c;
    int rc, n;

    iotls_conn_init(&c);
    rc = iotls_conn_setup(&c, conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&c, host, port);
    if (rc == IOTLS_OK && iotls_conn_write(&c, req, sizeof req - 1) < 0)
        rc = iotls_conn_error(&c)->code;
    while (rc == IOTLS_OK && (n = iotls_conn_read(&c, buf, sizeof buf)) > 0)
        ;
    if (export_blob &&
        iotls_conn_session_export(&c, blob, sizeof blob, &blob_len) != IOTLS_SESSION_OK)
        blob_len = 0;
    printf("CONN %s rc=%d version=%s resumed=%d offered=%d kind=%s\n", label, rc,
           rc == IOTLS_OK ? iotls_conn_version(&c) : "-", iotls_conn_resumed(&c),
           iotls_conn_session_offered(&c),
           iotls_session_kind_name(iotls_conn_session_kind(&c)));
    if (rc == IOTLS_OK)
        iotls_conn_close(&c);
    iotls_conn_free(&c);
    return rc;
}

int main(int argc, char **argv)
{
    iotls_trust trust, trust2;
    iotls_conf conf, other, imp;
    uint16_t port;
    int sys_err = 0;

    if (argc != 4 || (port = (uint16_t)atoi(argv[3])) == 0) {
        fprintf(stderr, "usage: session_cache_client CAFILE HOST PORT\n");
        return 2;
    }
    iotls_trust_init(&trust);
    iotls_trust_init(&trust2);
    if (iotls_trust_add_file(&trust, argv[1], &sys_err) != IOTLS_OK ||
        iotls_trust_add_file(&trust2, argv[1], &sys_err) != IOTLS_OK) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_timeouts(&conf, 0, 0, 3000, 0);
    iotls_conf_set_connect_address(&conf, "127.0.0.1"); /* HOST is the certificate's name */
    other = conf;
    iotls_conf_set_trust(&other, &trust2);

    one("first", &conf, argv[2], port, 0);
    one("second", &conf, argv[2], port, 1);
    {
        iotls_conf sni = conf;
        /* a name the certificate does not carry: the handshake may fail,
         * what counts is that no session was offered for it */
        iotls_conf_set_server_name(&sni, "other.example.test");
        one("other_sni", &sni, argv[2], port, 0);
    }
    {
        iotls_conf off = conf;
        iotls_conf_set_session_cache(&off, 0);
        one("cache_off", &off, argv[2], port, 0);
    }
    one("other_conf", &other, argv[2], port, 0);
    imp = conf;
    iotls_conf_set_session_cache(&imp, 0);
    printf("IMPORT %s\n", blob_len > 0 ? iotls_session_status_text(
                                             iotls_conf_set_session(&imp, blob, blob_len))
                                       : "no blob");
    one("imported", &imp, argv[2], port, 0);
    iotls_session_cache_clear();
    one("cleared", &conf, argv[2], port, 0);
    iotls_trust_free(&trust);
    iotls_trust_free(&trust2);
    return 0;
}
