/*
 * Session resumption: which session a connection offers, whether the
 * server took it, the session it leaves (TLS 1.2: after the handshake;
 * TLS 1.3: each NewSessionTicket), the in-process cache and the blob a
 * program keeps across deep sleep (format: session_blob.c).
 *
 * Every session is kept as a blob, in the cache too: one format, one
 * check of lifetime and key, and no Mbed TLS structure to free at exit.
 * The server's certificate is dropped from a TLS 1.2 session before it is
 * saved (Mbed TLS would keep the leaf's DER, a kilobyte or more): a
 * resumed connection has no certificate to show, in either version.
 */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "conn/session_int.h"

/* ---- the in-process cache ---- */

#if IOTLS_SESSION_CACHE_ENTRIES > 0
typedef struct cache_entry {
    uint32_t tag;      /* the conf's trust, bundle and client certificate */
    uint16_t len;      /* 0: empty */
    uint32_t stamp;    /* last store, for replacing the oldest */
    uint8_t blob[IOTLS_SESSION_MAX];
} cache_entry;

static cache_entry cache[IOTLS_SESSION_CACHE_ENTRIES];
static uint32_t cache_clock;
#endif

/* Sessions are verified against one conf's trust store (or bundle) and
 * made with its client certificate: the cache never gives one to a conf
 * that would have decided otherwise. FNV-1a of the objects' addresses. */
static uint32_t conf_tag(const iotls_conf *conf)
{
    const void *objs[3] = {conf->trust, conf->bundle, conf->client};
    const unsigned char *p = (const unsigned char *)objs;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < sizeof objs; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int cache_on(const iotls_conf *conf)
{
    return IOTLS_SESSION_CACHE_ENTRIES > 0 && !conf->session_cache_off;
}

/* The blob's names are this connection's host, port and SNI. */
static int key_matches(const iotls_conn *c, const iotls_session_info *in)
{
    const iotls_error *e = &c->err;

    return in->port == e->port && strcmp(in->host, e->host) == 0 &&
           strcmp(in->sni, e->sni_sent ? e->sni : "") == 0;
}

#if IOTLS_SESSION_CACHE_ENTRIES > 0
static cache_entry *cache_find(const iotls_conn *c, uint32_t tag, int64_t now,
                               iotls_session_info *info)
{
    for (size_t i = 0; i < IOTLS_SESSION_CACHE_ENTRIES; i++) {
        cache_entry *ce = &cache[i];
        if (ce->len == 0 || ce->tag != tag)
            continue;
        if (iotls_sblob_parse(ce->blob, ce->len, -1, info, NULL, NULL) != IOTLS_SESSION_OK ||
            !key_matches(c, info))
            continue;
        if (now >= 0 && iotls_sblob_alive(info, now) != IOTLS_SESSION_OK) {
            ce->len = 0; /* expired: the slot is free */
            continue;
        }
        return ce;
    }
    return NULL;
}

static void cache_store(const iotls_conn *c, const uint8_t *blob, size_t len)
{
    uint32_t tag = conf_tag(c->conf);
    iotls_session_info info;
    cache_entry *slot = NULL;

    if (len > IOTLS_SESSION_MAX)
        return;
    slot = cache_find(c, tag, -1, &info); /* the key's entry: replaced */
    for (size_t i = 0; slot == NULL && i < IOTLS_SESSION_CACHE_ENTRIES; i++)
        if (cache[i].len == 0)
            slot = &cache[i];
    for (size_t i = 0; slot == NULL && i < IOTLS_SESSION_CACHE_ENTRIES; i++)
        if (i == 0 || cache[i].stamp - cache_clock < slot->stamp - cache_clock)
            slot = &cache[i]; /* the oldest (wrap-safe: the smallest age) */
    memcpy(slot->blob, blob, len);
    slot->len = (uint16_t)len;
    slot->tag = tag;
    slot->stamp = cache_clock++;
}
#endif

void iotls_session_cache_clear(void)
{
#if IOTLS_SESSION_CACHE_ENTRIES > 0
    memset(cache, 0, sizeof cache);
#endif
}

/* ---- configuration ---- */

void iotls_session_conf_apply(struct mbedtls_ssl_config *sc)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    mbedtls_ssl_conf_session_tickets(sc, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* A ticket is offered with psk_dhe_ke only: the resumed connection
     * still makes a fresh (EC)DHE exchange, so stealing the ticket later
     * does not open its traffic (forward secrecy). Mbed TLS's default
     * also offers psk_ke. */
    mbedtls_ssl_conf_tls13_key_exchange_modes(sc,
                                              MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ALL);
#endif
}

void iotls_conf_set_session_cache(iotls_conf *conf, int on)
{
    if (conf != NULL)
        conf->session_cache_off = on ? 0 : 1;
}

/* Mbed TLS's part of a blob into s (initialised by the caller). */
static int load(mbedtls_ssl_session *s, const uint8_t *sess, size_t n)
{
    int ret = mbedtls_ssl_session_load(s, sess, n);

    if (ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH)
        return IOTLS_SESSION_BUILD;
    return ret == 0 ? IOTLS_SESSION_OK : IOTLS_SESSION_MALFORMED;
}

int iotls_conf_set_session(iotls_conf *conf, const uint8_t *blob, size_t len)
{
    mbedtls_ssl_session s;
    const uint8_t *sess;
    size_t n;
    int st;

    if (conf == NULL)
        return IOTLS_SESSION_USAGE;
    if (blob == NULL) {
        conf->session = NULL;
        conf->session_len = 0;
        return IOTLS_SESSION_OK;
    }
    st = iotls_sblob_parse(blob, len, iotls_port_wall_time(), NULL, &sess, &n);
    if (st == IOTLS_SESSION_OK) {
        mbedtls_ssl_session_init(&s);
        st = load(&s, sess, n);
        mbedtls_ssl_session_free(&s);
    }
    if (st == IOTLS_SESSION_OK) {
        conf->session = blob;
        conf->session_len = len;
    }
    return st;
}

/* ---- offering a session ---- */

static int suite_offered(const iotls_conn *c, int suite)
{
    for (const int *p = c->eng->suites; *p != 0; p++)
        if (*p == suite)
            return 1;
    return 0;
}

void iotls_session_offer(iotls_conn *c)
{
    iotls_conn_priv *pv = IOTLS_PRIV(c);
    const iotls_conf *conf = c->conf;
    int64_t now = iotls_port_wall_time();
    iotls_session_info info, best;
    const uint8_t *blob = NULL;
    size_t blob_len = 0, n = 0;
    const uint8_t *sess = NULL;
    mbedtls_ssl_session s;
    uint16_t vmin = conf->min_version != 0 ? (uint16_t)conf->min_version : IOTLS_TLS_1_2;
    uint16_t vmax = conf->max_version != 0 ? (uint16_t)conf->max_version : IOTLS_TLS_1_3;

    pv->session_offered = 0;
    pv->session_resumed = 0;
    /* With an external PSK the key authenticates: a ticket offered beside
     * it would make "resumed" ambiguous and could be chosen instead. With
     * pins the server's key must be seen in this connection, and a resumed
     * one sends no certificate. */
    if (pv->session_retried || now < 0 || conf->opt.psk_len > 0 || conf->opt.n_pins > 0)
        return;
    if (conf->session != NULL &&
        iotls_sblob_parse(conf->session, conf->session_len, now, &info, NULL, NULL) ==
            IOTLS_SESSION_OK &&
        key_matches(c, &info)) {
        blob = conf->session;
        blob_len = conf->session_len;
        best = info;
    }
#if IOTLS_SESSION_CACHE_ENTRIES > 0
    if (cache_on(conf)) {
        cache_entry *ce = cache_find(c, conf_tag(conf), now, &info);
        if (ce != NULL && (blob == NULL || info.received_at >= best.received_at)) {
            blob = ce->blob;
            blob_len = ce->len;
            best = info;
        }
    }
#endif
    if (blob == NULL || best.tls_version < vmin || best.tls_version > vmax)
        return;
    iotls_sblob_parse(blob, blob_len, -1, NULL, &sess, &n);
    mbedtls_ssl_session_init(&s);
    if (load(&s, sess, n) == IOTLS_SESSION_OK &&
        suite_offered(c, mbedtls_ssl_session_get_ciphersuite_id(&s))) {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_HAVE_TIME)
        /* Mbed TLS ages a ticket by its millisecond clock, which starts
         * again at each boot: the age is rebuilt from the wall clock. */
        if (best.tls_version == IOTLS_TLS_1_3)
            s.MBEDTLS_PRIVATE(ticket_reception_time) =
                mbedtls_ms_time() - (mbedtls_ms_time_t)(now - best.received_at) * 1000;
#endif
        if (mbedtls_ssl_set_session(&c->eng->ssl, &s) == 0)
            pv->session_offered = best.kind;
    }
    mbedtls_ssl_session_free(&s);
}

/* ---- what the server did with it ---- */

/* Did the server send its Certificate? Not in a resumed handshake. */
static int server_cert_seen(const iotls_conn *c)
{
    const iotls_wire *w = &c->err.wire;

    for (size_t i = 0; i < w->n_hs_msgs && i < IOTLS_EV_MAX_HS_MSGS; i++)
        if (w->hs_msgs[i] == MBEDTLS_SSL_HS_CERTIFICATE)
            return 1;
    return 0;
}

/* The connection's current session, as a blob, into pv->session (and
 * the cache). Nothing when there is none to resume or no clock. */
static void capture(iotls_conn *c)
{
    iotls_conn_priv *pv = IOTLS_PRIV(c);
    mbedtls_ssl_session s;
    iotls_session_info info;
    size_t need = 0, hdr, total;
    uint8_t *blob;
    int64_t now = iotls_port_wall_time();

    if (now < 0)
        return;
    memset(&info, 0, sizeof info);
    mbedtls_ssl_session_init(&s);
    if (mbedtls_ssl_get_session(&c->eng->ssl, &s) != 0)
        goto out;
    info.tls_version = (uint16_t)iotls_conn_version_id(c);
    info.received_at = now;
    info.port = c->err.port;
    iotls_strlcpy(info.host, c->err.host, sizeof info.host);
    iotls_strlcpy(info.sni, c->err.sni_sent ? c->err.sni : "", sizeof info.sni);
    info.lifetime_s = IOTLS_SESSION_DEFAULT_LIFETIME_S;
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (s.MBEDTLS_PRIVATE(ticket_len) > 0 && s.MBEDTLS_PRIVATE(ticket_lifetime) != 0)
        info.lifetime_s = s.MBEDTLS_PRIVATE(ticket_lifetime);
    if (info.tls_version == IOTLS_TLS_1_3)
        info.kind = IOTLS_SESSION_KIND_TLS13_TICKET;
    else if (s.MBEDTLS_PRIVATE(ticket_len) > 0)
        info.kind = IOTLS_SESSION_KIND_TLS12_TICKET;
    else
#endif
    if (info.tls_version == IOTLS_TLS_1_2 && mbedtls_ssl_session_get_id_len(&s) > 0)
        info.kind = IOTLS_SESSION_KIND_TLS12_ID;
    if (info.kind == 0 || (info.tls_version == IOTLS_TLS_1_3) !=
                              (info.kind == IOTLS_SESSION_KIND_TLS13_TICKET))
        goto out;
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    if (s.MBEDTLS_PRIVATE(peer_cert) != NULL) {
        mbedtls_x509_crt_free(s.MBEDTLS_PRIVATE(peer_cert));
        mbedtls_free(s.MBEDTLS_PRIVATE(peer_cert));
        s.MBEDTLS_PRIVATE(peer_cert) = NULL;
    }
#endif
    mbedtls_ssl_session_save(&s, NULL, 0, &need);
    hdr = iotls_sblob_header_len(&info);
    total = hdr + need + IOTLS_SBLOB_TRAILER;
    if (need == 0 || total > IOTLS_SESSION_MAX)
        goto out;
    blob = (uint8_t *)iotls_port_calloc(1, total);
    if (blob == NULL)
        goto out;
    if (mbedtls_ssl_session_save(&s, blob + hdr, need, &need) != 0 ||
        iotls_sblob_seal(blob, total, &info, need, &total) != IOTLS_SESSION_OK) {
        iotls_port_free(blob);
        goto out;
    }
    iotls_port_free(pv->session);
    pv->session = blob;
    pv->session_len = (uint16_t)total;
#if IOTLS_SESSION_CACHE_ENTRIES > 0
    if (cache_on(c->conf))
        cache_store(c, blob, total);
#endif
out:
    mbedtls_ssl_session_free(&s);
}

void iotls_session_handshake_done(iotls_conn *c)
{
    iotls_conn_priv *pv = IOTLS_PRIV(c);

    pv->session_resumed = pv->session_offered != 0 && !pv->session_retried &&
                                  !server_cert_seen(c)
                              ? pv->session_offered : 0;
    if (iotls_conn_version_id(c) == IOTLS_TLS_1_2)
        capture(c);
}

void iotls_session_ticket(iotls_conn *c)
{
    if (c->priv != NULL && c->eng != NULL)
        capture(c);
}

int iotls_session_refused(const iotls_conn *c)
{
    const iotls_error *e = &c->err;

    return c->priv != NULL && IOTLS_PRIV(c)->session_offered != 0 &&
           !IOTLS_PRIV(c)->session_retried && e->stage == IOTLS_STAGE_HANDSHAKE &&
           e->code != IOTLS_ERR_HANDSHAKE_TIMEOUT && e->code != IOTLS_ERR_ALLOC;
}

void iotls_session_conn_free(iotls_conn *c)
{
    if (c->priv != NULL) {
        iotls_port_free(IOTLS_PRIV(c)->session);
        IOTLS_PRIV(c)->session = NULL;
        IOTLS_PRIV(c)->session_len = 0;
    }
}

/* ---- export ---- */

/*
 * TLS 1.3 tickets come after the handshake. Wait for one as
 * iotls_tls13_settle() waits for a verdict: as long as the handshake took
 * (a round trip or more), within bounds and the read timeout. A
 * zero-length read leaves application data buffered for the caller.
 */
static void wait_ticket(iotls_conn *c)
{
    mbedtls_ssl_context *ssl = iotls_ssl(c);
    uint32_t wait = c->timings.handshake_ms - c->timings.connect_ms;
    unsigned char none = 0;
    int ret;

    if (wait < IOTLS_TLS13_SETTLE_MIN_MS)
        wait = IOTLS_TLS13_SETTLE_MIN_MS;
    if (wait > IOTLS_TLS13_SETTLE_MAX_MS)
        wait = IOTLS_TLS13_SETTLE_MAX_MS;
    if (c->conf->read_timeout_ms != 0 && c->conf->read_timeout_ms < wait)
        wait = c->conf->read_timeout_ms;
    iotls_bio_set_deadline(c, wait);
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    for (int i = 0; i < IOTLS_MAX_TICKETS_SKIPPED; i++) {
        ret = mbedtls_ssl_read(ssl, &none, 0);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            iotls_session_ticket(c);
            break;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (iotls_port_now_ms() < c->deadline_ms)
                continue;
            break;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
            c->state = CONN_PEER_CLOSED;
        else if (ret != 0 && ret != MBEDTLS_ERR_SSL_TIMEOUT)
            iotls_classify(c, IOTLS_STAGE_READ, ret);
        break; /* data, a close, a failure or the time: no ticket now */
    }
    c->last_port_rc = IOTLS_PORT_RC_NONE;
    c->last_sys_err = 0;
    c->deadline_ms = 0;
}

int iotls_conn_session_export(iotls_conn *c, uint8_t *buf, size_t len, size_t *olen)
{
    iotls_conn_priv *pv;

    if (olen != NULL)
        *olen = 0;
    if (c == NULL || olen == NULL || (buf == NULL && len > 0))
        return IOTLS_SESSION_USAGE;
    if (c->priv == NULL)
        return IOTLS_SESSION_NONE;
    pv = IOTLS_PRIV(c);
    if (pv->session == NULL && c->state == CONN_OPEN && c->err.code == IOTLS_OK &&
        iotls_conn_version_id(c) == IOTLS_TLS_1_3)
        wait_ticket(c);
    if (pv->session == NULL)
        return IOTLS_SESSION_NONE;
    *olen = pv->session_len;
    if (len < pv->session_len)
        return IOTLS_SESSION_SMALL;
    memcpy(buf, pv->session, pv->session_len);
    return IOTLS_SESSION_OK;
}

int iotls_conn_resumed(const iotls_conn *c)
{
    return c != NULL && c->priv != NULL && c->state != CONN_INIT &&
           IOTLS_PRIV(c)->session_resumed != 0;
}

int iotls_conn_session_offered(const iotls_conn *c)
{
    return c != NULL && c->priv != NULL && IOTLS_PRIV(c)->session_offered != 0;
}

int iotls_conn_session_kind(const iotls_conn *c)
{
    return iotls_conn_resumed(c) ? IOTLS_PRIV(c)->session_resumed : 0;
}
