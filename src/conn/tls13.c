/*
 * What TLS 1.3 hides from the record tap, taken from Mbed TLS as the
 * handshake goes (the encrypted server messages), and the wait for the
 * server's verdict on our certificate, which TLS 1.3 gives after Mbed
 * TLS's handshake is over.
 */
#include <string.h>

#include "mbedtls/ssl.h"

#include "conn/engine.h"
#include "conn/session_int.h"

/* TLS 1.3 acknowledges our SNI with an empty server_name extension in
 * EncryptedExtensions (RFC 6066 section 3, RFC 8446 4.3.1). */
static uint8_t has_server_name_ext(const unsigned char *p, size_t len)
{
    size_t total, off = 2;

    if (len < 2)
        return 0;
    total = (size_t)p[0] << 8 | p[1];
    if (total > len - 2)
        total = len - 2;
    while (off + 4 <= total + 2) {
        unsigned type = (unsigned)p[off] << 8 | p[off + 1];
        size_t elen = (size_t)p[off + 2] << 8 | p[off + 3];
        if (type == 0)
            return 1;
        off += 4 + elen;
    }
    return 0;
}

/* RFC 8446 4.3.2: certificate_request_context<0..255>, then extensions;
 * certificate_authorities (47) lists the CAs the server accepts. */
static void ca_names(iotls_wire *w, const unsigned char *p, size_t n)
{
    size_t at, end, type, len;

    if (n < 1 || n < 3u + p[0])
        return;
    at = 1u + p[0];
    end = at + 2 + (size_t)(p[at] << 8 | p[at + 1]);
    if (end > n)
        return;
    /* each extension takes 4 bytes or more: bounded by end */
    for (at += 2; at + 4 <= end; at += 4 + len) {
        type = (size_t)(p[at] << 8 | p[at + 1]);
        len = (size_t)(p[at + 2] << 8 | p[at + 3]);
        if (at + 4 + len > end)
            return;
        if (type == 47) {
            iotls_wire_ca_list(w, p + at + 4, len);
            return;
        }
    }
}

/*
 * TLS 1.3 encrypts everything the server sends after its ServerHello, so
 * the tap cannot see the CertificateRequest or the CertificateVerify's
 * scheme, and Mbed TLS keeps no record of either. Right after the step
 * that parsed one, the decrypted message is still at the head of Mbed
 * TLS's input buffer: it is read there. in_msg, in_msgtype and in_hslen
 * have no accessor in 3.6 (MBEDTLS_PRIVATE), read only, here and for
 * alerts (classify.c).
 */
void iotls_tls13_catch_msg(iotls_conn *c)
{
    mbedtls_ssl_context *ssl = &c->eng->ssl;
    const unsigned char *m = ssl->MBEDTLS_PRIVATE(in_msg);
    iotls_wire *w = &c->err.wire;
    uint8_t type;

    if (m == NULL || ssl->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_HANDSHAKE ||
        ssl->MBEDTLS_PRIVATE(in_hslen) < 4 || w->sh_version != 0x0304)
        return;
    type = m[0];
    /* EncryptedExtensions .. Finished: each once, in order; the
     * ServerHello was read by the tap. */
    if (type < 8 || type > 20 || (c->eng->tls13_msgs_seen & (1u << type)) != 0)
        return;
    c->eng->tls13_msgs_seen |= 1u << type;
    if (w->n_hs_msgs < IOTLS_EV_MAX_HS_MSGS)
        w->hs_msgs[w->n_hs_msgs++] = type;
    if (type == MBEDTLS_SSL_HS_ENCRYPTED_EXTENSIONS) {
        w->sni_acked = has_server_name_ext(m + 4, ssl->MBEDTLS_PRIVATE(in_hslen) - 4);
    } else if (type == MBEDTLS_SSL_HS_CERTIFICATE_REQUEST) {
        w->cert_request_seen = 1;
        ca_names(w, m + 4, ssl->MBEDTLS_PRIVATE(in_hslen) - 4);
    } else if (type == MBEDTLS_SSL_HS_CERTIFICATE_VERIFY && ssl->MBEDTLS_PRIVATE(in_hslen) >= 6) {
        c->eng->tls13_sig_alg = (uint16_t)(m[4] << 8 | m[5]);
    } else if (type == MBEDTLS_SSL_HS_FINISHED && w->cert_request_seen) {
        /* Asked for, Mbed TLS answers with the configured certificate (and
         * a CertificateVerify) or an empty Certificate; encrypted, so the
         * tap cannot count them. */
        const iotls_cred *cred = c->conf->client;
        w->client_cert_msg_sent = 1;
        w->client_certs_sent = (uint8_t)(cred != NULL && cred->loaded ? 1 : 0);
        w->cert_verify_sent = w->client_certs_sent;
    }
}

/*
 * TLS 1.3 client authentication ends after Mbed TLS's handshake does: the
 * server checks our Certificate after our Finished and answers a refusal
 * (116 certificate_required, 48 unknown_ca ...) with an encrypted alert.
 * Waiting for that verdict here makes it a handshake failure, as in TLS
 * 1.2, instead of a failure of the first read or write. A zero-length read
 * processes records without taking application data (it stays buffered).
 */
int iotls_tls13_settle(iotls_conn *c)
{
    mbedtls_ssl_context *ssl = iotls_ssl(c);
    uint32_t wait = c->timings.handshake_ms - c->timings.connect_ms;
    uint64_t end, hs_end = c->deadline_ms;
    unsigned char none = 0;
    int ret, i;

    if (wait < IOTLS_TLS13_SETTLE_MIN_MS)
        wait = IOTLS_TLS13_SETTLE_MIN_MS;
    if (wait > IOTLS_TLS13_SETTLE_MAX_MS)
        wait = IOTLS_TLS13_SETTLE_MAX_MS;
    end = iotls_port_now_ms() + wait;
    if (hs_end != 0 && hs_end < end)
        end = hs_end;
    c->deadline_ms = end;
    for (i = 0; i < IOTLS_MAX_TICKETS_SKIPPED; i++) {
        ret = mbedtls_ssl_read(ssl, &none, 0);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            iotls_session_ticket(c); /* kept for resumption (session.c) */
            return IOTLS_OK; /* the server took our Finished */
        }
        if (ret == 0 && c->last_port_rc != IOTLS_PORT_EOF)
            return IOTLS_OK; /* application data came: accepted */
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (iotls_port_now_ms() < end)
                continue;
            ret = MBEDTLS_ERR_SSL_TIMEOUT;
        }
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
            /* No verdict in time: no news is good news (our side of the
             * handshake is complete). */
            c->last_port_rc = IOTLS_PORT_RC_NONE;
            c->last_sys_err = 0;
            return IOTLS_OK;
        }
        if (ret == 0)
            ret = MBEDTLS_ERR_SSL_CONN_EOF;
        return iotls_classify(c, IOTLS_STAGE_HANDSHAKE, ret);
    }
    return IOTLS_OK;
}
