/*
 * The Mbed TLS BIO callbacks: every byte of the connection goes through
 * here, to the port with the time left until the current deadline, and past
 * the record tap. The port's own result is remembered so that a failure can
 * be classified exactly (timeout, reset, EOF) instead of from a generic
 * Mbed TLS code.
 */
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"

#include "iotls_internal.h"

void iotls_bio_set_deadline(iotls_conn *c, uint32_t ms)
{
    c->deadline_ms = ms == 0 ? 0 : iotls_port_now_ms() + ms;
}

/* Milliseconds left; a connection without a deadline waits a day at most. */
static uint32_t time_left(const iotls_conn *c)
{
    uint64_t now;

    if (c->deadline_ms == 0)
        return 86400000u;
    now = iotls_port_now_ms();
    return now >= c->deadline_ms ? 0 : (uint32_t)(c->deadline_ms - now);
}

/* Maps a port failure to the Mbed TLS code the library passes up. */
static int port_failure(iotls_conn *c, int rc, int sys_err, int is_recv)
{
    c->last_port_rc = rc;
    c->last_sys_err = sys_err;
    switch (rc) {
    case IOTLS_PORT_TIMEOUT: return MBEDTLS_ERR_SSL_TIMEOUT;
    case IOTLS_PORT_RESET: return MBEDTLS_ERR_NET_CONN_RESET;
    default: return is_recv ? MBEDTLS_ERR_NET_RECV_FAILED : MBEDTLS_ERR_NET_SEND_FAILED;
    }
}

int iotls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    iotls_conn *c = (iotls_conn *)ctx;
    uint32_t left = time_left(c);
    int sys_err = 0, r;

    if (left == 0)
        return port_failure(c, IOTLS_PORT_TIMEOUT, 0, 0);
    r = iotls_port_send(c->sock, buf, len, left, &sys_err);
    if (r <= 0)
        return port_failure(c, r == 0 ? IOTLS_PORT_ERROR : r, sys_err, 0);
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->err.wire.bytes_sent += (uint32_t)r;
    iotls_tap_feed(IOTLS_TAP(c), IOTLS_TAP_OUT, buf, (size_t)r);
    return r;
}

int iotls_bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    iotls_conn *c = (iotls_conn *)ctx;
    uint32_t left = time_left(c);
    int sys_err = 0, r;

    /* Mbed TLS's own timeout (conf read_timeout) is not used: the deadline
     * set by the caller of the current operation is. */
    (void)timeout;
    if (left == 0)
        return port_failure(c, IOTLS_PORT_TIMEOUT, 0, 1);
    r = iotls_port_recv(c->sock, buf, len, left, &sys_err);
    if (r == IOTLS_PORT_EOF) {
        c->last_port_rc = IOTLS_PORT_EOF;
        c->last_sys_err = 0;
        return 0; /* Mbed TLS turns this into MBEDTLS_ERR_SSL_CONN_EOF */
    }
    if (r < 0)
        return port_failure(c, r, sys_err, 1);
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->err.wire.bytes_received += (uint32_t)r;
    iotls_tap_feed(IOTLS_TAP(c), IOTLS_TAP_IN, buf, (size_t)r);
    return r;
}

void iotls_bio_more_first_bytes(iotls_conn *c, uint32_t max_wait_ms)
{
    iotls_wire *w = &c->err.wire;
    unsigned char buf[IOTLS_EV_FIRST_BYTES];
    uint64_t end;
    uint32_t left = time_left(c);
    int i, r, sys_err;

    if (c->sock == NULL)
        return;
    if (left > max_wait_ms)
        left = max_wait_ms;
    end = iotls_port_now_ms() + left;
    /* Bounded: each round either fills first_bytes further or ends it. */
    for (i = 0; i < IOTLS_EV_FIRST_BYTES && w->n_first_bytes < IOTLS_EV_FIRST_BYTES; i++) {
        uint64_t now = iotls_port_now_ms();
        if (now >= end)
            break;
        sys_err = 0;
        r = iotls_port_recv(c->sock, buf, (size_t)(IOTLS_EV_FIRST_BYTES - w->n_first_bytes),
                            (uint32_t)(end - now), &sys_err);
        if (r <= 0)
            break; /* EOF, timeout, reset: what came is all there is */
        w->bytes_received += (uint32_t)r;
        iotls_tap_feed(IOTLS_TAP(c), IOTLS_TAP_IN, buf, (size_t)r);
    }
}

void iotls_bio_drain(iotls_conn *c, uint32_t max_wait_ms)
{
    unsigned char buf[512];
    uint64_t end;
    int i, r, sys_err;

    if (c->sock == NULL)
        return;
    end = iotls_port_now_ms() + max_wait_ms;
    /* Bounded: 8 reads of 512 bytes cover a peer's last flight and alert. */
    for (i = 0; i < 8; i++) {
        uint64_t now = iotls_port_now_ms();
        if (now >= end)
            break;
        sys_err = 0;
        r = iotls_port_recv(c->sock, buf, sizeof buf, (uint32_t)(end - now), &sys_err);
        if (r <= 0)
            break;
        c->err.wire.bytes_received += (uint32_t)r;
        iotls_tap_feed(IOTLS_TAP(c), IOTLS_TAP_IN, buf, (size_t)r);
    }
}
