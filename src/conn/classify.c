/*
 * Classification: the one place where an Mbed TLS return code, the port's
 * last result and the record tap's evidence become an iotls_err and a
 * stage. Everything a report needs is copied into the sticky iotls_error
 * here, at the moment of the failure.
 */
#include <string.h>

#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"

#include "conn/engine.h"

/* Largest record the input buffer can take, before and after encryption
 * (Mbed TLS's MBEDTLS_SSL_IN_PAYLOAD_LEN sits in a private header now;
 * TLS 1.2's expansion bound, the larger one, is used). */
#define MAX_IN_RECORD (MBEDTLS_SSL_IN_CONTENT_LEN + 2048)

/* Fills in the received alert when it came encrypted (TLS 1.2 after the
 * server's ChangeCipherSpec, TLS 1.3 after its ServerHello: the tap cannot
 * read it, but Mbed TLS has decrypted it and left it in its input
 * buffer). in_msg, in_msgtype and in_msglen have no accessor in 3.6:
 * MBEDTLS_PRIVATE, read only. */
static void alert_from_ssl(iotls_conn *c)
{
    iotls_wire *w = &c->err.wire;
    const mbedtls_ssl_context *ssl = iotls_ssl(c);

    if (w->alert_received != IOTLS_ALERT_NONE || ssl == NULL)
        return;
    if (ssl->MBEDTLS_PRIVATE(in_msg) != NULL &&
        ssl->MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_ALERT &&
        ssl->MBEDTLS_PRIVATE(in_msglen) >= 2) {
        w->alert_received_level = ssl->MBEDTLS_PRIVATE(in_msg)[0];
        w->alert_received = ssl->MBEDTLS_PRIVATE(in_msg)[1];
    }
}

/* The same for an alert we sent encrypted (TLS 1.3): Mbed TLS's output
 * buffer still holds it (out_msg, out_msgtype: MBEDTLS_PRIVATE, no
 * accessor). */
static void alert_sent_from_ssl(iotls_conn *c)
{
    iotls_wire *w = &c->err.wire;
    const mbedtls_ssl_context *ssl = iotls_ssl(c);

    if (w->alert_sent != IOTLS_ALERT_NONE || ssl == NULL)
        return;
    if (ssl->MBEDTLS_PRIVATE(out_msg) != NULL &&
        ssl->MBEDTLS_PRIVATE(out_msgtype) == MBEDTLS_SSL_MSG_ALERT) {
        w->alert_sent_level = ssl->MBEDTLS_PRIVATE(out_msg)[0];
        w->alert_sent = ssl->MBEDTLS_PRIVATE(out_msg)[1];
    }
}

int iotls_fail(iotls_conn *c, iotls_err code, iotls_stage stage, int mbedtls_code,
               int sys_errno)
{
    iotls_error *e = &c->err;
    uint32_t refused = iotls_port_alloc_failures() - c->alloc_fail_base;

    if (e->code != IOTLS_OK)
        return e->code; /* sticky: the first failure is the one that matters */
    /* A refused allocation is the cause, whatever Mbed TLS made of it: it
     * reports a chain it had no memory to verify as "not trusted". */
    if (refused > e->alloc_failures)
        e->alloc_failures = refused;
    if (refused > 0 && code != IOTLS_ERR_ALLOC && stage != IOTLS_STAGE_DNS &&
        stage != IOTLS_STAGE_CONNECT)
        code = IOTLS_ERR_ALLOC;
    e->code = code;
    e->stage = stage;
    e->mbedtls_code = mbedtls_code;
    e->sys_errno = sys_errno;
    e->elapsed_ms = c->t0_ms != 0 ? (uint32_t)(iotls_port_now_ms() - c->t0_ms) : 0;
    e->wall_time = iotls_port_wall_time();
    e->in_content_len = MBEDTLS_SSL_IN_CONTENT_LEN;
    e->out_content_len = MBEDTLS_SSL_OUT_CONTENT_LEN;
    if (c->conf != NULL && c->eng != NULL) {
        uint32_t v = mbedtls_ssl_get_verify_result(iotls_ssl(c));
        if (v != 0xFFFFFFFFu)
            e->verify_flags = v;
    }
    c->state = CONN_FAILED;
    return e->code;
}

static int too_large(const iotls_conn *c)
{
    return iotls_tap_max_plain_len(IOTLS_TAP(c)) > MBEDTLS_SSL_IN_CONTENT_LEN ||
           c->err.wire.max_record_len > MAX_IN_RECORD;
}

static int rejected_usage(const iotls_conn *c)
{
    uint32_t v = c->eng != NULL ? mbedtls_ssl_get_verify_result(iotls_ssl(c)) : 0xFFFFFFFFu;
    return v != 0xFFFFFFFFu &&
           (v & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
                 MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_BAD_PK)) != 0;
}

static unsigned min_version(const iotls_conn *c)
{
    return c->conf->min_version != 0 ? (unsigned)c->conf->min_version : 0x0303u;
}

/* Longest wait for the alert behind a reset (iotls_bio_drain): it was sent
 * before the close, so it is there already or never. */
#define RESET_DRAIN_MS 100

static int classify_handshake(iotls_conn *c, int ret, iotls_stage *stage)
{
    const iotls_wire *w = &c->err.wire;

    *stage = IOTLS_STAGE_HANDSHAKE;
    if (w->not_tls)
        return IOTLS_ERR_NOT_TLS;
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
        alert_from_ssl(c);
        if (w->alert_received == 70)
            return IOTLS_ERR_PROTOCOL_VERSION;
        /* A server that settled on an older version answers in a record of
         * that version (OpenSSL -tls1: "15 03 01 00 02 02 28", alert 40). */
        if (w->n_first_bytes >= 3 && w->first_bytes[0] == 21 && w->first_bytes[1] == 3 &&
            c->conf != NULL && 0x0300u + w->first_bytes[2] < (unsigned)min_version(c))
            return IOTLS_ERR_PROTOCOL_VERSION;
        return IOTLS_ERR_ALERT_RECEIVED;
    }
    if (ret == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION)
        return IOTLS_ERR_PROTOCOL_VERSION;
    /* Mbed TLS checks the leaf's (extended) key usage and its key's curve
     * inside the handshake and reports them as a bad certificate, but they
     * are a certificate rejection like any other: the flag is in the
     * verify result. */
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
        (ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE && rejected_usage(c))) {
        *stage = IOTLS_STAGE_VERIFY;
        return IOTLS_ERR_VERIFY;
    }
    if (c->last_port_rc == IOTLS_PORT_TIMEOUT || ret == MBEDTLS_ERR_SSL_TIMEOUT)
        return IOTLS_ERR_HANDSHAKE_TIMEOUT;
    if (too_large(c))
        return IOTLS_ERR_RECORD_TOO_LARGE;
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF || c->last_port_rc == IOTLS_PORT_EOF)
        return IOTLS_ERR_PEER_CLOSED;
    if (c->last_port_rc == IOTLS_PORT_RESET || ret == MBEDTLS_ERR_NET_CONN_RESET) {
        /* A server that refuses us sends its alert and closes; our next
         * flight can then fail to send (EPIPE, RST) before Mbed TLS reads
         * that alert. What is still in the receive buffer says why. */
        if (ret == MBEDTLS_ERR_NET_CONN_RESET && w->alert_received == IOTLS_ALERT_NONE &&
            w->bytes_received > 0)
            iotls_bio_drain(c, RESET_DRAIN_MS);
        if (w->alert_received != IOTLS_ALERT_NONE && w->alert_received_level == 2)
            return w->alert_received == 70 ? IOTLS_ERR_PROTOCOL_VERSION : IOTLS_ERR_ALERT_RECEIVED;
        return IOTLS_ERR_RESET;
    }
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED) {
        c->err.alloc_failures++;
        return IOTLS_ERR_ALLOC;
    }
    return IOTLS_ERR_HANDSHAKE;
}

int iotls_classify(iotls_conn *c, iotls_stage stage, int ret)
{
    int code;
    int sys = 0;

    if (c->last_port_rc < 0 || c->last_port_rc == IOTLS_PORT_EOF)
        sys = c->last_sys_err;
    switch (stage) {
    case IOTLS_STAGE_HANDSHAKE:
        code = classify_handshake(c, ret, &stage);
        break;
    case IOTLS_STAGE_READ:
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF || c->last_port_rc == IOTLS_PORT_EOF)
            code = IOTLS_ERR_TRUNCATED;
        else if (ret == MBEDTLS_ERR_SSL_TIMEOUT || c->last_port_rc == IOTLS_PORT_TIMEOUT)
            code = IOTLS_ERR_READ_TIMEOUT;
        else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
            alert_from_ssl(c);
            code = IOTLS_ERR_ALERT_RECEIVED;
        } else if (c->last_port_rc == IOTLS_PORT_RESET || ret == MBEDTLS_ERR_NET_CONN_RESET)
            code = IOTLS_ERR_RESET;
        else if (too_large(c))
            code = IOTLS_ERR_RECORD_TOO_LARGE;
        else
            code = IOTLS_ERR_READ;
        break;
    case IOTLS_STAGE_WRITE:
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT || c->last_port_rc == IOTLS_PORT_TIMEOUT)
            code = IOTLS_ERR_WRITE_TIMEOUT;
        else if (c->last_port_rc == IOTLS_PORT_RESET || ret == MBEDTLS_ERR_NET_CONN_RESET)
            code = IOTLS_ERR_RESET;
        else
            code = IOTLS_ERR_WRITE;
        break;
    default:
        code = IOTLS_ERR_CLOSE;
        stage = IOTLS_STAGE_CLOSE;
        break;
    }
    if (stage == IOTLS_STAGE_HANDSHAKE || stage == IOTLS_STAGE_VERIFY)
        alert_sent_from_ssl(c);
    /* iotls_fail may name it more exactly (out of memory) */
    return iotls_fail(c, (iotls_err)code, stage, ret < 0 ? ret : 0, sys);
}
