/*
 * What a connection negotiated and saw: the getters of conn.h. Mbed TLS 3.6
 * has getters for the version, suite, ALPN and peer chain; the group and
 * the server's signature scheme come from the record tap (TLS 1.2) or from
 * the decrypted handshake (TLS 1.3, tls13.c).
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"

const iotls_error *iotls_conn_error(const iotls_conn *c)
{
    static iotls_error none; /* for a NULL conn: code 0, nothing else known */

    return c != NULL ? &c->err : &none;
}

static int handshake_over(const iotls_conn *c)
{
    return c != NULL && c->eng != NULL && mbedtls_ssl_is_handshake_over(&c->eng->ssl);
}

iotls_version iotls_conn_version_id(const iotls_conn *c)
{
    if (!handshake_over(c))
        return (iotls_version)0;
    return mbedtls_ssl_get_version_number(&c->eng->ssl) == MBEDTLS_SSL_VERSION_TLS1_3
               ? IOTLS_TLS_1_3
               : IOTLS_TLS_1_2;
}

const char *iotls_conn_version(const iotls_conn *c)
{
    return handshake_over(c) ? iotls_version_name((uint16_t)iotls_conn_version_id(c)) : NULL;
}

uint16_t iotls_conn_ciphersuite_id(const iotls_conn *c)
{
    int id;

    if (!handshake_over(c))
        return 0;
    id = mbedtls_ssl_get_ciphersuite_id_from_ssl(&c->eng->ssl);
    return id > 0 && id <= 0xffff ? (uint16_t)id : 0;
}

const char *iotls_conn_ciphersuite(const iotls_conn *c)
{
    uint16_t id = iotls_conn_ciphersuite_id(c);

    return id != 0 ? iotls_suite_name(id) : NULL;
}

uint16_t iotls_conn_group(const iotls_conn *c)
{
    /* No getter in Mbed TLS 3.6: the tap read it on the wire (TLS 1.3
     * ServerHello key_share, TLS 1.2 ServerKeyExchange). */
    if (c == NULL)
        return 0;
    if (c->err.wire.sh_version == 0x0304)
        return c->err.wire.sh_key_share;
    return c->err.wire.ske_group;
}

uint16_t iotls_conn_sig_alg(const iotls_conn *c)
{
    if (c == NULL)
        return 0;
    if (c->eng != NULL && c->eng->tls13_sig_alg != 0)
        return c->eng->tls13_sig_alg;
    return c->err.wire.ske_sig_alg;
}

const char *iotls_conn_alpn(const iotls_conn *c)
{
#if defined(MBEDTLS_SSL_ALPN)
    return handshake_over(c) ? mbedtls_ssl_get_alpn_protocol(&c->eng->ssl) : NULL;
#else
    (void)c;
    return NULL;
#endif
}

const char *iotls_conn_sni(const iotls_conn *c)
{
    return c != NULL && c->err.sni_sent ? c->err.sni : NULL;
}

const char *iotls_conn_verify_name(const iotls_conn *c)
{
    return c != NULL && c->err.verify_name[0] != '\0' ? c->err.verify_name : NULL;
}

const mbedtls_x509_crt *iotls_conn_peer_crt(const iotls_conn *c)
{
    const mbedtls_x509_crt *crt;

    if (c == NULL || c->eng == NULL)
        return NULL;
    /* Mbed TLS's own copy once the handshake is over; before that (and
     * after a failed verification) only iotls's is left. */
    crt = handshake_over(c) ? mbedtls_ssl_get_peer_cert(&c->eng->ssl) : NULL;
    if (crt != NULL && crt->raw.p != NULL)
        return crt;
    if (c->priv != NULL && IOTLS_PRIV(c)->failed_chain != NULL &&
        IOTLS_PRIV(c)->failed_chain->raw.p != NULL)
        return IOTLS_PRIV(c)->failed_chain;
    return NULL;
}

const unsigned char *iotls_conn_peer_cert(const iotls_conn *c, size_t i, size_t *der_len)
{
    const mbedtls_x509_crt *crt = iotls_conn_peer_crt(c);

    for (; crt != NULL && crt->raw.p != NULL; crt = crt->next, i--) {
        if (i == 0) {
            if (der_len != NULL)
                *der_len = crt->raw.len;
            return crt->raw.p;
        }
    }
    if (der_len != NULL)
        *der_len = 0;
    return NULL;
}

int iotls_conn_anchor(const iotls_conn *c, char *subject, size_t len, size_t *der_len)
{
    const iotls_conn_priv *pv = c != NULL && c->priv != NULL ? IOTLS_PRIV(c) : NULL;
    int ok = pv != NULL && pv->anchor_der_len > 0 && handshake_over(c);

    if (subject != NULL && len > 0)
        iotls_strlcpy(subject, ok ? pv->anchor_subject : "", len);
    if (der_len != NULL)
        *der_len = ok ? pv->anchor_der_len : 0;
    return !ok ? 0 : pv->anchor_is_root ? 1 : 2;
}

void *iotls_conn_mbedtls_ssl(iotls_conn *c)
{
    return iotls_ssl(c);
}

uint32_t iotls_conn_verify_result(const iotls_conn *c)
{
    if (c == NULL || c->eng == NULL)
        return 0xFFFFFFFFu;
    return mbedtls_ssl_get_verify_result(&c->eng->ssl);
}

const iotls_timings *iotls_conn_timings(const iotls_conn *c)
{
    static const iotls_timings zero;

    return c != NULL ? &c->timings : &zero;
}
