/* One HTTPS GET the way a device reports: connect, GET /, read to the end,
 * close, free. Shared by the allocation-failure and soak modes. */
#include <stdio.h>
#include <string.h>

#include "app.h"

static iotls_conf conf;
static iotls_conn conn;
static unsigned char buf[512];

static int get(const app_args *a, app_fetch_result *r)
{
    int n = snprintf((char *)buf, sizeof buf, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", a->host);
    int w = iotls_conn_write(&conn, buf, (size_t)n);
    if (w < 0)
        return w;
    int got;
    while ((got = iotls_conn_read(&conn, buf, sizeof buf)) > 0) {
        if (r->bytes == 0)
            r->http_ok = got >= 12 && memcmp(buf, "HTTP/1.", 7) == 0 &&
                         memcmp(buf + 8, " 200", 4) == 0;
        r->bytes += (size_t)got;
    }
    return got < 0 ? got : iotls_conn_close(&conn);
}

int app_fetch(const app_args *a, iotls_trust *t, uint16_t port, app_fetch_opts *o,
              app_fetch_result *r)
{
    memset(r, 0, sizeof *r);
    r->cause = -1;
    r->version = "";
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, t);
    iotls_conf_set_connect_address(&conf, "10.0.2.2");
    if (o != NULL && o->no_cache)
        iotls_conf_set_session_cache(&conf, 0);
    if (o != NULL && o->session != NULL)
        iotls_conf_set_session(&conf, o->session, o->session_len);
    iotls_conn_init(&conn);
    int rc = iotls_conn_setup(&conn, &conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&conn, a->host, port);
    if (rc == IOTLS_OK) {
        r->version = iotls_conn_version(&conn);
        r->resumed = iotls_conn_resumed(&conn);
        rc = get(a, r);
    }
    r->rc = rc;
    if (rc != IOTLS_OK) {
        const iotls_error *e = iotls_conn_error(&conn);
        r->stage = e->stage;
        r->alloc_failures = e->alloc_failures;
        r->cause = app_cause(&conn, t);
    } else if (o != NULL && o->keep != NULL) {
        if (iotls_conn_session_export(&conn, o->keep, o->keep_cap, &o->keep_len) !=
            IOTLS_SESSION_OK)
            o->keep_len = 0;
    }
    iotls_conn_free(&conn);
    return rc;
}
