/*
 * Connections: setup, dialing, handshake, read, write, close.
 *
 * The Mbed TLS configuration is built per connection from the iotls_conf,
 * so the secure defaults are applied in one place (setup_tls) and a
 * connection cannot be left with Mbed TLS's own, weaker, defaults.
 * Failures go through iotls_fail()/iotls_classify() (classify.c), which
 * make the error sticky.
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "iotls_internal.h"

/* Signature hashes accepted in the handshake: SHA-256 or better. */
static const int sig_hashes[] = {
    MBEDTLS_MD_SHA256,
    MBEDTLS_MD_SHA384,
    MBEDTLS_MD_SHA512,
    MBEDTLS_MD_NONE
};

/* Certificates: no SHA-1 or MD5 signatures, RSA keys of 2048 bits or more,
 * EC keys on the NIST curves only. */
static const mbedtls_x509_crt_profile cert_profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    0xFFFFFFF, /* any public key algorithm */
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP521R1),
    2048
};

void iotls_conn_init(iotls_conn *c)
{
    if (c == NULL)
        return;
    memset(c, 0, sizeof *c);
    mbedtls_ssl_init(&c->ssl);
    mbedtls_ssl_config_init(&c->ssl_conf);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    iotls_error_init(&c->err);
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->state = CONN_INIT;
}

static int setup_tls(iotls_conn *c, const iotls_conf *conf)
{
    static const unsigned char pers[] = "iotls client";
    mbedtls_ssl_config *sc = &c->ssl_conf;
    int ret;

    ret = mbedtls_entropy_add_source(&c->entropy, iotls_port_entropy, NULL, 32,
                                     MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret == 0)
        ret = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy, pers,
                                    sizeof pers - 1);
    if (ret != 0) {
        return iotls_fail(c, IOTLS_ERR_ENTROPY, IOTLS_STAGE_SETUP, ret, 0);
    }
    ret = mbedtls_ssl_config_defaults(sc, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    }
    /* Never "optional": a certificate that does not verify stops the
     * connection (the seed case's vendor example had it optional). */
    mbedtls_ssl_conf_authmode(sc, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_rng(sc, mbedtls_ctr_drbg_random, &c->drbg);
    mbedtls_ssl_conf_verify(sc, iotls_verify_cb, c);
    mbedtls_ssl_conf_ciphersuites(sc, conf->ciphersuites != NULL ? conf->ciphersuites
                                                                 : iotls_default_ciphersuites());
    mbedtls_ssl_conf_curves(sc, conf->groups != NULL ? conf->groups : iotls_default_groups());
#if defined(MBEDTLS_KEY_EXCHANGE_WITH_CERT_ENABLED)
    mbedtls_ssl_conf_sig_hashes(sc, conf->sig_hashes != NULL ? conf->sig_hashes : sig_hashes);
#else
    (void)sig_hashes;
#endif
    mbedtls_ssl_conf_cert_profile(sc, &cert_profile);
    mbedtls_ssl_conf_min_version(sc, MBEDTLS_SSL_MAJOR_VERSION_3, conf->min_minor);
    mbedtls_ssl_conf_max_version(sc, MBEDTLS_SSL_MAJOR_VERSION_3, conf->max_minor);
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    mbedtls_ssl_conf_renegotiation(sc, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
    if (conf->trust != NULL && conf->trust->loaded > 0)
        mbedtls_ssl_conf_ca_chain(sc, &conf->trust->certs, NULL);
#if defined(MBEDTLS_SSL_ALPN)
    if (conf->alpn != NULL && conf->alpn[0] != NULL &&
        (ret = mbedtls_ssl_conf_alpn_protocols(sc, conf->alpn)) != 0) {
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    }
#endif
    if (conf->client_cert != NULL && conf->client_key != NULL &&
        (ret = mbedtls_ssl_conf_own_cert(sc, conf->client_cert, conf->client_key)) != 0) {
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    }
    iotls_debug_install(c);
    ret = mbedtls_ssl_setup(&c->ssl, sc);
    if (ret != 0) {
        iotls_err code = ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? IOTLS_ERR_ALLOC : IOTLS_ERR_CONFIG;
        if (code == IOTLS_ERR_ALLOC)
            c->err.alloc_failures++;
        return iotls_fail(c, code, IOTLS_STAGE_SETUP, ret, 0);
    }
    mbedtls_ssl_set_bio(&c->ssl, c, iotls_bio_send, NULL, iotls_bio_recv_timeout);
    return IOTLS_OK;
}

int iotls_conn_setup(iotls_conn *c, const iotls_conf *conf)
{
    if (c == NULL)
        return IOTLS_ERR_USAGE;
    if (c->err.code != IOTLS_OK)
        return c->err.code;
    if (conf == NULL || c->state != CONN_INIT) {
        return iotls_fail(c, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0, 0);
    }
    c->conf = conf;
    c->alloc_fail_base = iotls_port_alloc_failures();
    c->priv = iotls_port_calloc(1, sizeof(iotls_conn_priv));
    if (c->priv != NULL)
        IOTLS_PRIV(c)->tap = iotls_tap_new(&c->err.wire);
    if (IOTLS_TAP(c) == NULL) {
        c->err.alloc_failures++;
        return iotls_fail(c, IOTLS_ERR_ALLOC, IOTLS_STAGE_SETUP, 0, 0);
    }
    if (setup_tls(c, conf) != IOTLS_OK)
        return c->err.code;
    c->state = CONN_READY;
    return IOTLS_OK;
}

static uint32_t since_t0(const iotls_conn *c)
{
    return (uint32_t)(iotls_port_now_ms() - c->t0_ms);
}

/* A phase's timeout, cut to what is left of conf->connect_total_ms. Never 0
 * (0 means "no timeout" to the port): an exhausted budget gives 1 ms, so the
 * phase fails at once with its own timeout. */
static uint32_t phase_budget(const iotls_conn *c, uint32_t phase_ms)
{
    uint32_t total = c->conf->connect_total_ms, used, left;

    if (total == 0)
        return phase_ms;
    used = since_t0(c);
    left = used >= total ? 1 : total - used;
    return phase_ms == 0 || left < phase_ms ? left : phase_ms;
}

/* Decides the SNI and the name the certificate is checked against. */
static int set_names(iotls_conn *c)
{
    const iotls_conf *conf = c->conf;
    iotls_error *e = &c->err;
    const char *sni = NULL;
    int ret;

    if (conf->sni_mode == IOTLS_SNI_CUSTOM) {
        sni = conf->server_name;
        iotls_strlcpy(e->verify_name, conf->server_name, sizeof e->verify_name);
    } else {
        /* An IP literal is never sent as SNI (RFC 6066 section 3); its
         * iPAddress SANs are matched by iotls_verify_cb. With SNI off the
         * DNS name is checked there too. */
        if (!c->is_ip && conf->sni_mode == IOTLS_SNI_FROM_HOST)
            sni = e->host;
        iotls_strlcpy(e->verify_name, e->host, sizeof e->verify_name);
    }
    if (sni != NULL) {
        ret = mbedtls_ssl_set_hostname(&c->ssl, sni);
        if (ret != 0) {
            return iotls_fail(c, IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, ret, 0);
        }
        e->sni_sent = 1;
        iotls_strlcpy(e->sni, sni, sizeof e->sni);
    }
    return IOTLS_OK;
}

/* The addresses to dial: the override, the literal, or DNS. */
static int find_addrs(iotls_conn *c, iotls_addr *addrs, size_t *n)
{
    const iotls_conf *conf = c->conf;
    int sys_err = 0, rc;

    if (conf->connect_addr[0] != '\0') {
        if (!iotls_addr_parse(conf->connect_addr, &addrs[0])) {
            return iotls_fail(c, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0, 0);
        }
        *n = 1;
        return IOTLS_OK;
    }
    if (c->is_ip) {
        addrs[0] = c->ip;
        *n = 1;
        return IOTLS_OK;
    }
    rc = iotls_port_resolve(c->err.host, addrs, IOTLS_MAX_ADDRS, n,
                            phase_budget(c, conf->connect_timeout_ms), &sys_err);
    c->timings.dns_ms = since_t0(c);
    if (rc != IOTLS_OK || *n == 0) {
        if (rc != IOTLS_ERR_DNS_TIMEOUT)
            rc = IOTLS_ERR_DNS;
        /* port.h: negative is the resolver's code, positive an errno */
        iotls_fail(c, (iotls_err)rc, IOTLS_STAGE_DNS, 0, sys_err > 0 ? sys_err : 0);
        c->err.resolver_code = sys_err < 0 ? sys_err : 0;
        return rc;
    }
    return IOTLS_OK;
}

/*
 * TCP: the connect timeout is one budget for all addresses. Each address
 * gets the time left divided by the addresses left, so one black-holed
 * address cannot eat the whole budget, and time an address did not use
 * (refused at once) goes to the next ones.
 */
static int dial(iotls_conn *c, const iotls_addr *addrs, size_t n)
{
    uint64_t end = iotls_port_now_ms() + phase_budget(c, c->conf->connect_timeout_ms);
    int rc = IOTLS_ERR_CONNECT, sys_err = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint64_t now = iotls_port_now_ms();
        uint32_t left = now >= end ? 0 : (uint32_t)(end - now);
        uint32_t slice = left / (uint32_t)(n - i);

        iotls_addr_format(&addrs[i], c->err.addr, sizeof c->err.addr);
        if (left == 0) {
            rc = IOTLS_ERR_CONNECT_TIMEOUT;
            break;
        }
        sys_err = 0;
        rc = iotls_port_connect(&c->sock, &addrs[i], c->err.port, slice > 0 ? slice : 1,
                                &sys_err);
        if (rc == IOTLS_OK) {
            c->timings.connect_ms = since_t0(c);
            return IOTLS_OK;
        }
        if (rc == IOTLS_ERR_ALLOC)
            break;
    }
    return iotls_fail(c, (iotls_err)rc, IOTLS_STAGE_CONNECT, 0, sys_err);
}

/* How long a peer that is not TLS gets to finish its first words (a
 * banner, an HTTP status line) once we know it is not TLS. */
#define NOT_TLS_WAIT_MS 300

static int handshake(iotls_conn *c)
{
    int ret;

    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    iotls_bio_set_deadline(c, phase_budget(c, c->conf->handshake_timeout_ms));
    for (;;) {
        ret = mbedtls_ssl_handshake(&c->ssl);
        if (ret == 0)
            break;
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (c->err.wire.not_tls)
                iotls_bio_more_first_bytes(c, NOT_TLS_WAIT_MS);
            return iotls_classify(c, IOTLS_STAGE_HANDSHAKE, ret);
        }
        if (c->deadline_ms != 0 && iotls_port_now_ms() >= c->deadline_ms) {
            c->last_port_rc = IOTLS_PORT_TIMEOUT;
            return iotls_classify(c, IOTLS_STAGE_HANDSHAKE, MBEDTLS_ERR_SSL_TIMEOUT);
        }
    }
    c->deadline_ms = 0;
    c->timings.handshake_ms = since_t0(c);
    return IOTLS_OK;
}

int iotls_conn_connect(iotls_conn *c, const char *host, uint16_t port)
{
    iotls_addr addrs[IOTLS_MAX_ADDRS];
    size_t n = 0, hl;
    int rc;

    if (c == NULL)
        return IOTLS_ERR_USAGE;
    if (c->err.code != IOTLS_OK)
        return c->err.code;
    if (c->state != CONN_READY || host == NULL || port == 0) {
        return iotls_fail(c, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0, 0);
    }
    c->t0_ms = iotls_port_now_ms();
    memset(&c->timings, 0, sizeof c->timings);
    c->err.port = port;
    /* "[::1]" is accepted as "::1" (URLs bracket IPv6 literals). */
    hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        host++;
        hl -= 2;
    }
    if (hl > IOTLS_MAX_HOSTNAME) {
        iotls_strlcpy(c->err.host, host, sizeof c->err.host);
        return iotls_fail(c, IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, 0, 0);
    }
    memcpy(c->err.host, host, hl);
    c->err.host[hl] = '\0';

    if (c->conf->trust == NULL || c->conf->trust->loaded == 0) {
        if (c->conf->trust != NULL)
            iotls_strlcpy(c->err.detail, c->conf->trust->origin, sizeof c->err.detail);
        return iotls_fail(c, IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_SETUP, 0, 0);
    }
    c->is_ip = (uint8_t)iotls_addr_parse(c->err.host, &c->ip);
    c->err.is_ip = c->is_ip;
    if (!c->is_ip && iotls_hostname_check(c->err.host) != IOTLS_OK) {
        return iotls_fail(c, IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, 0, 0);
    }
    if ((rc = set_names(c)) != IOTLS_OK)
        return rc;
    if ((rc = find_addrs(c, addrs, &n)) != IOTLS_OK)
        return rc;
    if ((rc = dial(c, addrs, n)) != IOTLS_OK)
        return rc;
    if ((rc = handshake(c)) != IOTLS_OK)
        return rc;
    c->state = CONN_OPEN;
    return IOTLS_OK;
}

/* Read/write are only meaningful on an open connection; misuse is reported
 * but does not poison the connection. */
static int io_check(const iotls_conn *c)
{
    if (c == NULL)
        return IOTLS_ERR_USAGE;
    if (c->err.code != IOTLS_OK)
        return c->err.code;
    if (c->state != CONN_OPEN && c->state != CONN_PEER_CLOSED)
        return IOTLS_ERR_NOT_CONNECTED;
    return IOTLS_OK;
}

int iotls_conn_read(iotls_conn *c, unsigned char *buf, size_t len)
{
    int ret, rc;

    if ((rc = io_check(c)) != IOTLS_OK)
        return rc;
    if (c->ssl.conf == NULL || buf == NULL)
        return IOTLS_ERR_USAGE;
    if (c->state == CONN_PEER_CLOSED)
        return 0;
    if (len == 0)
        return 0;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    iotls_bio_set_deadline(c, c->conf->read_timeout_ms);
    for (;;) {
        ret = mbedtls_ssl_read(&c->ssl, buf, len);
        if (ret > 0) {
            if (c->timings.first_byte_ms == 0)
                c->timings.first_byte_ms = since_t0(c);
            return ret;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            c->state = CONN_PEER_CLOSED;
            return 0;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
            return iotls_classify(c, IOTLS_STAGE_READ, ret);
        if (c->deadline_ms != 0 && iotls_port_now_ms() >= c->deadline_ms) {
            c->last_port_rc = IOTLS_PORT_TIMEOUT;
            return iotls_classify(c, IOTLS_STAGE_READ, MBEDTLS_ERR_SSL_TIMEOUT);
        }
    }
}

int iotls_conn_write(iotls_conn *c, const unsigned char *buf, size_t len)
{
    size_t off = 0;
    int ret, rc;

    if ((rc = io_check(c)) != IOTLS_OK)
        return rc;
    if (buf == NULL && len > 0)
        return IOTLS_ERR_USAGE;
    if (len > 0x7fffffff)
        return IOTLS_ERR_USAGE; /* the return value must hold len */
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    iotls_bio_set_deadline(c, c->conf->write_timeout_ms);
    while (off < len) {
        ret = mbedtls_ssl_write(&c->ssl, buf + off, len - off);
        if (ret > 0) {
            off += (size_t)ret;
            continue;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
            return iotls_classify(c, IOTLS_STAGE_WRITE, ret);
        if (c->deadline_ms != 0 && iotls_port_now_ms() >= c->deadline_ms) {
            c->last_port_rc = IOTLS_PORT_TIMEOUT;
            return iotls_classify(c, IOTLS_STAGE_WRITE, MBEDTLS_ERR_SSL_TIMEOUT);
        }
    }
    return (int)len;
}

int iotls_conn_close(iotls_conn *c)
{
    int ret, rc = IOTLS_OK;

    if (c == NULL)
        return IOTLS_ERR_USAGE;
    if ((c->state == CONN_OPEN || c->state == CONN_PEER_CLOSED) && c->err.code == IOTLS_OK) {
        c->last_port_rc = IOTLS_PORT_RC_NONE;
        iotls_bio_set_deadline(c, c->conf->write_timeout_ms);
        do {
            ret = mbedtls_ssl_close_notify(&c->ssl);
        } while ((ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) &&
                 (c->deadline_ms == 0 || iotls_port_now_ms() < c->deadline_ms));
        /* After the peer's own close_notify ours is a courtesy: the peer
         * may already be gone, and that is no failure. */
        if (ret != 0 && c->state != CONN_PEER_CLOSED)
            rc = iotls_classify(c, IOTLS_STAGE_CLOSE, ret);
    } else if (c->err.code != IOTLS_OK) {
        rc = c->err.code;
    } else if (c->state != CONN_CLOSED) {
        rc = IOTLS_ERR_NOT_CONNECTED;
    }
    iotls_port_close(c->sock);
    c->sock = NULL;
    if (c->err.code == IOTLS_OK)
        c->state = CONN_CLOSED;
    return rc;
}

void iotls_conn_free(iotls_conn *c)
{
    if (c == NULL)
        return;
    iotls_port_close(c->sock);
    c->sock = NULL;
    if (c->priv != NULL) {
        iotls_tap_delete(IOTLS_PRIV(c)->tap);
        if (IOTLS_PRIV(c)->failed_chain != NULL) {
            mbedtls_x509_crt_free(IOTLS_PRIV(c)->failed_chain);
            iotls_port_free(IOTLS_PRIV(c)->failed_chain);
        }
        iotls_port_free(c->priv);
        c->priv = NULL;
    }
    mbedtls_ssl_free(&c->ssl);
    mbedtls_ssl_config_free(&c->ssl_conf);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
    c->conf = NULL;
    c->state = CONN_INIT;
}

const iotls_error *iotls_conn_error(const iotls_conn *c)
{
    static iotls_error none; /* for a NULL conn: code 0, nothing else known */

    return c != NULL ? &c->err : &none;
}

static int handshake_over(const iotls_conn *c)
{
    return c != NULL && c->ssl.conf != NULL && c->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER;
}

const char *iotls_conn_version(const iotls_conn *c)
{
    return handshake_over(c) ? mbedtls_ssl_get_version(&c->ssl) : NULL;
}

const char *iotls_conn_ciphersuite(const iotls_conn *c)
{
    return handshake_over(c) ? mbedtls_ssl_get_ciphersuite(&c->ssl) : NULL;
}

uint16_t iotls_conn_group(const iotls_conn *c)
{
    /* Mbed TLS 2.28 has no getter: the tap read it in ServerKeyExchange. */
    return c != NULL ? c->err.wire.ske_group : 0;
}

const char *iotls_conn_alpn(const iotls_conn *c)
{
#if defined(MBEDTLS_SSL_ALPN)
    return handshake_over(c) ? mbedtls_ssl_get_alpn_protocol(&c->ssl) : NULL;
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

const mbedtls_x509_crt *iotls_conn_peer_chain(const iotls_conn *c)
{
    if (c == NULL || c->ssl.conf == NULL)
        return NULL;
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    if (c->ssl.session != NULL)
        return c->ssl.session->peer_cert;
    /* During a handshake the chain is in the session being negotiated;
     * after a failed verification only iotls's copy is left. */
    if (c->ssl.session_negotiate != NULL && c->ssl.session_negotiate->peer_cert != NULL)
        return c->ssl.session_negotiate->peer_cert;
#endif
    if (c->priv != NULL && IOTLS_PRIV(c)->failed_chain != NULL &&
        IOTLS_PRIV(c)->failed_chain->raw.p != NULL)
        return IOTLS_PRIV(c)->failed_chain;
    return NULL;
}

uint32_t iotls_conn_verify_result(const iotls_conn *c)
{
    if (c == NULL || c->ssl.conf == NULL)
        return 0xFFFFFFFFu;
    return mbedtls_ssl_get_verify_result(&c->ssl);
}

const iotls_timings *iotls_conn_timings(const iotls_conn *c)
{
    static const iotls_timings zero;

    return c != NULL ? &c->timings : &zero;
}
