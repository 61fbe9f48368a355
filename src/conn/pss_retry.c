/*
 * A workaround for Mbed TLS 3.6.6: one more connection, TLS 1.2 only, when
 * a TLS 1.2 server signed with RSA-PSS (see below); and the reset to a
 * ready connection that any such second attempt starts from (a refused
 * resumption's too, session.c).
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"

/*
 * Mbed TLS 3.6.6 offers rsa_pss_rsae_* (TLS 1.3 needs them for RSA keys) in
 * a ClientHello that also offers TLS 1.2, but refuses them when a TLS 1.2
 * server signs its ServerKeyExchange with one (alert 47, -0x6600; upstream
 * issue 10668). iotls lists PKCS#1 first, which servers that follow the
 * client's order take; one that imposes its own (OpenSSL with server
 * preference, Python's ssl) picks PSS. For that exact failure the
 * connection is made once more offering TLS 1.2 only, where Mbed TLS
 * offers no PSS: same suites, groups and checks, and TLS 1.2 is what the
 * server chose anyway.
 */
int iotls_pss_refused(const iotls_conn *c)
{
    const iotls_error *e = &c->err;
    const iotls_conf *conf = c->conf;
    uint16_t sa = e->wire.ske_sig_alg;

    return e->code == IOTLS_ERR_HANDSHAKE && e->mbedtls_code == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER &&
           e->wire.sh_version == 0x0303 && sa >= 0x0804 && sa <= 0x0806 &&
           !e->wire.tls12_pss_retry && conf->max_version != IOTLS_TLS_1_2 &&
           (conf->min_version == 0 || conf->min_version == IOTLS_TLS_1_2);
}

/* Back to CONN_READY with TLS 1.2 only. */
int iotls_pss_reset(iotls_conn *c)
{
    int rc;

    mbedtls_ssl_conf_max_tls_version(&c->eng->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    rc = iotls_conn_retry_reset(c);
    c->err.wire.tls12_pss_retry = 1;
    return rc;
}

/* Back to CONN_READY; the error keeps what was decided before dialing
 * (host, SNI, name checked). */
int iotls_conn_retry_reset(iotls_conn *c)
{
    iotls_error *e = &c->err;
    iotls_conn_priv *pv = IOTLS_PRIV(c);
    char host[sizeof e->host], sni[sizeof e->sni], name[sizeof e->verify_name];
    uint16_t port = e->port;
    uint8_t is_ip = e->is_ip, sni_sent = e->sni_sent;
    int ret;

    iotls_port_close(c->sock);
    c->sock = NULL;
    ret = mbedtls_ssl_session_reset(&c->eng->ssl);
    memcpy(host, e->host, sizeof host);
    memcpy(sni, e->sni, sizeof sni);
    memcpy(name, e->verify_name, sizeof name);
    iotls_error_init(e);
    memcpy(e->host, host, sizeof host);
    memcpy(e->sni, sni, sizeof sni);
    memcpy(e->verify_name, name, sizeof name);
    e->port = port;
    e->is_ip = is_ip;
    e->sni_sent = sni_sent;
    iotls_tap_reset(pv->tap);
    if (pv->failed_chain != NULL) {
        mbedtls_x509_crt_free(pv->failed_chain);
        iotls_port_free(pv->failed_chain);
        pv->failed_chain = NULL;
    }
    pv->chain_kept = 0;
    pv->flags_seen = 0;
    c->eng->tls13_sig_alg = 0;
    c->eng->tls13_msgs_seen = 0;
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    c->state = CONN_READY;
    if (ret != 0) {
        if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
            e->alloc_failures++;
        return iotls_fail(c, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? IOTLS_ERR_ALLOC
                                                                 : IOTLS_ERR_CONFIG,
                          IOTLS_STAGE_SETUP, ret, 0);
    }
    return IOTLS_OK;
}
