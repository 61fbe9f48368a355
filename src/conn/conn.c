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
#include "mbedtls/ssl_ciphersuites.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#include "conn/engine.h"
#include "conn/session_int.h"
#include "conn/tlsopt_int.h"

/* Certificates: no SHA-1 or MD5 signatures, RSA keys of 2048 bits or more,
 * EC keys on the NIST curves only. */
const mbedtls_x509_crt_profile iotls_cert_profile = {
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
    iotls_error_init(&c->err);
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->state = CONN_INIT;
}

int iotls_psa_init(void)
{
#if defined(MBEDTLS_PSA_CRYPTO_C)
    /* Idempotent, and cheap after the first call. */
    return (int)psa_crypto_init();
#else
    return 0;
#endif
}

static mbedtls_ssl_protocol_version ssl_version(iotls_version v)
{
    return v == IOTLS_TLS_1_3 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2;
}

/* conf->ciphersuites (IANA, uint16_t) into the int list Mbed TLS keeps. */
static int convert_suites(iotls_engine *g, const uint16_t *suites)
{
    size_t n = iotls_u16_len(suites, IOTLS_ENGINE_MAX_SUITES);

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        g->suites[i] = suites[i];
    g->suites[n] = 0;
    return 0;
}

static int setup_tls(iotls_conn *c, const iotls_conf *conf)
{
    static const unsigned char pers[] = "iotls client";
    iotls_engine *g = c->eng;
    mbedtls_ssl_config *sc = &g->conf;
    int ret;

    ret = mbedtls_entropy_add_source(&g->entropy, iotls_port_entropy, NULL, 32,
                                     MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret == 0)
        ret = mbedtls_ctr_drbg_seed(&g->drbg, mbedtls_entropy_func, &g->entropy, pers,
                                    sizeof pers - 1);
    if (ret != 0) {
        return iotls_fail(c, IOTLS_ERR_ENTROPY, IOTLS_STAGE_SETUP, ret, 0);
    }
    /* TLS 1.3 (and with it the key schedule) runs on PSA. */
    ret = iotls_psa_init();
    if (ret != 0) {
        iotls_err code = ret == PSA_ERROR_INSUFFICIENT_MEMORY ? IOTLS_ERR_ALLOC : IOTLS_ERR_ENTROPY;
        if (code == IOTLS_ERR_ALLOC)
            c->err.alloc_failures++;
        return iotls_fail(c, code, IOTLS_STAGE_SETUP, 0, 0);
    }
    ret = mbedtls_ssl_config_defaults(sc, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    }
    /* Never "optional": a certificate that does not verify stops the
     * connection (the seed case's vendor example had it optional). */
    mbedtls_ssl_conf_authmode(sc, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_rng(sc, mbedtls_ctr_drbg_random, &g->drbg);
    mbedtls_ssl_conf_verify(sc, iotls_verify_cb, c);
    if (convert_suites(g, conf->ciphersuites != NULL ? conf->ciphersuites
                                                     : iotls_default_ciphersuites()) != 0) {
        return iotls_fail(c, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0, 0);
    }
    mbedtls_ssl_conf_ciphersuites(sc, g->suites);
    /* Groups and signature schemes are IANA lists on both sides, and Mbed
     * TLS keeps the pointers: the conf's own lists (they outlive it). */
    mbedtls_ssl_conf_groups(sc, conf->groups != NULL ? conf->groups : iotls_default_groups());
    mbedtls_ssl_conf_sig_algs(sc, conf->sig_algs != NULL ? conf->sig_algs
                                                         : iotls_default_sig_algs());
    mbedtls_ssl_conf_cert_profile(sc, &iotls_cert_profile);
    mbedtls_ssl_conf_min_tls_version(sc, ssl_version(conf->min_version != 0 ? conf->min_version
                                                                            : IOTLS_TLS_1_2));
    mbedtls_ssl_conf_max_tls_version(sc, ssl_version(conf->max_version != 0 ? conf->max_version
                                                                            : IOTLS_TLS_1_3));
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    mbedtls_ssl_conf_renegotiation(sc, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        sc, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    iotls_session_conf_apply(sc); /* tickets; TLS 1.3 resumes with psk_dhe_ke only */
    if (conf->trust != NULL)
        iotls_trust_conf_apply(conf->trust, sc);
    iotls_bundle_conf_apply(conf, sc); /* device root bundle (bundle.c) */
#if defined(MBEDTLS_SSL_ALPN)
    if (conf->alpn != NULL && conf->alpn[0] != NULL &&
        (ret = mbedtls_ssl_conf_alpn_protocols(sc, conf->alpn)) != 0) {
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    }
#endif
    if (conf->client != NULL && (ret = iotls_cred_apply(conf->client, sc)) != 0) {
        return iotls_fail(c, ret == -1 ? IOTLS_ERR_USAGE : IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP,
                          ret == -1 ? 0 : ret, 0);
    }
    if (iotls_tlsopt_conf_apply(c, sc) != IOTLS_OK) /* PSK, max_fragment_length */
        return c->err.code;
    iotls_debug_install(c);
    ret = mbedtls_ssl_setup(&g->ssl, sc);
    if (ret != 0) {
        iotls_err code = ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? IOTLS_ERR_ALLOC : IOTLS_ERR_CONFIG;
        if (code == IOTLS_ERR_ALLOC)
            c->err.alloc_failures++;
        return iotls_fail(c, code, IOTLS_STAGE_SETUP, ret, 0);
    }
    mbedtls_ssl_set_bio(&g->ssl, c, iotls_bio_send, NULL, iotls_bio_recv_timeout);
    iotls_tlsopt_ssl_apply(c); /* key log */
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
    if (IOTLS_TAP(c) != NULL)
        c->eng = (iotls_engine *)iotls_port_calloc(1, sizeof(iotls_engine));
    if (c->eng == NULL) {
        c->err.alloc_failures++;
        return iotls_fail(c, IOTLS_ERR_ALLOC, IOTLS_STAGE_SETUP, 0, 0);
    }
    mbedtls_ssl_init(&c->eng->ssl);
    mbedtls_ssl_config_init(&c->eng->conf);
    mbedtls_entropy_init(&c->eng->entropy);
    mbedtls_ctr_drbg_init(&c->eng->drbg);
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
    /* Always called: Mbed TLS 3.6.6 refuses to verify a certificate when
     * it was not (CVE-2025-27809). NULL means "send no SNI and check no
     * name": for an IP literal or SNI off, iotls_verify_cb checks the name
     * (an IP string here would go out as SNI, which RFC 6066 forbids, as
     * ssl_write_hostname_ext() sends whatever it is given). */
    ret = mbedtls_ssl_set_hostname(iotls_ssl(c), sni);
    if (ret != 0) {
        if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
            c->err.alloc_failures++;
        return iotls_fail(c, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? IOTLS_ERR_ALLOC
                                                                 : IOTLS_ERR_HOSTNAME,
                          IOTLS_STAGE_SETUP, ret, 0);
    }
    if (sni != NULL) {
        e->sni_sent = 1;
        iotls_strlcpy(e->sni, sni, sizeof e->sni);
    }
    /* The policy checks the dialed host (its IP SANs for a literal); a
     * custom name is Mbed TLS's to check, as it is the one sent. */
    iotls_policy_init(&c->eng->policy, c->is_ip ? NULL : e->host, c->is_ip ? &c->ip : NULL,
                      conf->sni_mode != IOTLS_SNI_CUSTOM);
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
    mbedtls_ssl_context *ssl = iotls_ssl(c);
    int ret = 0;

    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    iotls_bio_set_deadline(c, phase_budget(c, c->conf->handshake_timeout_ms));
    /* mbedtls_ssl_handshake() is this loop without the look after each
     * step. */
    while (!mbedtls_ssl_is_handshake_over(ssl)) {
        ret = mbedtls_ssl_handshake_step(ssl);
        iotls_tls13_catch_msg(c);
        if (ret == 0)
            continue;
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
    c->timings.handshake_ms = since_t0(c);
    if ((ret = iotls_tlsopt_check(c, IOTLS_STAGE_HANDSHAKE)) != IOTLS_OK) /* pins, record size */
        return ret;
    if (c->err.wire.sh_version == 0x0304 && c->err.wire.cert_request_seen &&
        (ret = iotls_tls13_settle(c)) != IOTLS_OK)
        return ret;
    c->deadline_ms = 0;
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

    if ((c->conf->trust == NULL || c->conf->trust->loaded == 0) && c->conf->bundle == NULL &&
        !iotls_tlsopt_psk_only(c->conf)) {
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
    iotls_session_offer(c); /* a kept session for this host, port and SNI */
    if ((rc = find_addrs(c, addrs, &n)) != IOTLS_OK)
        return rc;
    if ((rc = dial(c, addrs, n)) != IOTLS_OK)
        return rc;
    rc = handshake(c);
    if (rc != IOTLS_OK && iotls_session_refused(c)) {
        /* Whatever the server disliked, a full handshake is what it gets
         * without an offer: once more, as a first connection. */
        IOTLS_PRIV(c)->session_retried = 1;
        if ((rc = iotls_conn_retry_reset(c)) != IOTLS_OK || (rc = dial(c, addrs, n)) != IOTLS_OK)
            return rc;
        rc = handshake(c);
    }
    if (rc != IOTLS_OK && iotls_pss_refused(c)) {
        if ((rc = iotls_pss_reset(c)) != IOTLS_OK || (rc = dial(c, addrs, n)) != IOTLS_OK)
            return rc;
        rc = handshake(c);
    }
    if (rc != IOTLS_OK)
        return rc;
    iotls_session_handshake_done(c);
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
    int ret, rc, tickets = 0;

    if ((rc = io_check(c)) != IOTLS_OK)
        return rc;
    if (c->eng == NULL || buf == NULL)
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
        ret = mbedtls_ssl_read(iotls_ssl(c), buf, len);
        if (ret > 0) {
            if (c->timings.first_byte_ms == 0)
                c->timings.first_byte_ms = since_t0(c);
            if ((rc = iotls_tlsopt_check(c, IOTLS_STAGE_READ)) != IOTLS_OK)
                return rc;
            return ret;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            c->state = CONN_PEER_CLOSED;
            return 0;
        }
        /* A TLS 1.3 NewSessionTicket is no data and no error: kept for
         * resumption (session.c). */
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET &&
            tickets++ < IOTLS_MAX_TICKETS_SKIPPED) {
            iotls_session_ticket(c);
            ret = MBEDTLS_ERR_SSL_WANT_READ; /* no data yet; the deadline still holds */
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
    int ret, rc, tickets = 0;

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
        ret = mbedtls_ssl_write(iotls_ssl(c), buf + off, len - off);
        if (ret > 0) {
            off += (size_t)ret;
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET &&
            tickets++ < IOTLS_MAX_TICKETS_SKIPPED) {
            iotls_session_ticket(c);
            ret = MBEDTLS_ERR_SSL_WANT_READ; /* no data yet; the deadline still holds */
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
            ret = mbedtls_ssl_close_notify(iotls_ssl(c));
        } while ((ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
                  ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) &&
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
        iotls_session_conn_free(c);
        iotls_tap_delete(IOTLS_PRIV(c)->tap);
        if (IOTLS_PRIV(c)->failed_chain != NULL) {
            mbedtls_x509_crt_free(IOTLS_PRIV(c)->failed_chain);
            iotls_port_free(IOTLS_PRIV(c)->failed_chain);
        }
        iotls_port_free(c->priv);
        c->priv = NULL;
    }
    if (c->eng != NULL) {
        mbedtls_ssl_free(&c->eng->ssl);
        mbedtls_ssl_config_free(&c->eng->conf);
        mbedtls_ctr_drbg_free(&c->eng->drbg);
        mbedtls_entropy_free(&c->eng->entropy);
        iotls_port_free(c->eng);
        c->eng = NULL;
    }
    c->conf = NULL;
    c->state = CONN_INIT;
}
