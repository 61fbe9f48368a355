/*
 * The session shared by fuzz_handshake and seedgen_handshake (fuzz_session.h).
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_session.h"
#include "iotls/session.h"

int fuzz_session_trust(iotls_trust *t, const char *dir)
{
    static unsigned char pem[16384];
    char path[4096];
    FILE *f;
    size_t n;

    iotls_trust_init(t);
    if (dir == NULL || snprintf(path, sizeof path, "%s/root.pem", dir) >= (int)sizeof path)
        return -1;
    if ((f = fopen(path, "rb")) == NULL)
        return -1;
    n = fread(pem, 1, sizeof pem, f);
    fclose(f);
    return iotls_trust_add_buffer(t, pem, n, path) == IOTLS_OK && t->loaded > 0 ? 0 : -1;
}

void fuzz_session_run(iotls_conn *c, iotls_conf *conf, iotls_trust *trust, fuzz_session_rc *rc)
{
    static const char req[] = "GET / HTTP/1.0\r\nHost: " FUZZ_SESSION_HOST "\r\n\r\n";
    unsigned char buf[4096];

    memset(rc, 0, sizeof *rc);
    /* A session cached by the last run would be offered: another
     * ClientHello. Emptied, the cache still takes this run's session (the
     * server's ticket parsed and stored). */
    iotls_session_cache_clear();
    iotls_conf_init(conf);
    iotls_conf_set_trust(conf, trust);
    rc->setup = iotls_conn_setup(c, conf);
    if (rc->setup != IOTLS_OK)
        return;
    /* The port: the memory port resolves every name to 127.0.0.1, the seed
     * maker dials its server's port whatever this one is. */
    rc->connect = iotls_conn_connect(c, FUZZ_SESSION_HOST, 443);
    if (rc->connect != IOTLS_OK)
        return;
    rc->write = iotls_conn_write(c, (const unsigned char *)req, sizeof req - 1);
    if (rc->write >= 0) {
        /* Bounded: a page of the test server's size, then its close. */
        do {
            rc->read = iotls_conn_read(c, buf, sizeof buf);
            rc->reads++;
        } while (rc->read > 0 && rc->reads < 64);
    }
    rc->close = iotls_conn_close(c);
}
