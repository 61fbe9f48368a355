/*
 * The options of tlsopt.h: their setters, and what they do to a
 * connection (iotls_tlsopt_conf_apply before mbedtls_ssl_setup,
 * iotls_tlsopt_ssl_apply after it, iotls_tlsopt_check after the handshake
 * and after each read). Pins are in pin.c.
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"

#include "conn/engine.h"
#include "conn/tlsopt_int.h"

/* ---- ALPN ---- */

int iotls_alpn_check(const char *const *protos)
{
    size_t n, wire = 0;

    if (protos == NULL || protos[0] == NULL)
        return IOTLS_ERR_USAGE;
    for (n = 0; protos[n] != NULL; n++) {
        size_t len = strlen(protos[n]);
        if (n == IOTLS_ALPN_MAX_NAMES || len == 0 || len > IOTLS_ALPN_NAME_MAX)
            return IOTLS_ERR_USAGE;
        wire += 1 + len;
        if (wire > IOTLS_ALPN_LIST_MAX)
            return IOTLS_ERR_USAGE;
    }
    return IOTLS_OK;
}

/* ---- key log ---- */

void iotls_conf_set_keylog(iotls_conf *conf, iotls_keylog_fn fn, void *ctx)
{
    if (conf == NULL)
        return;
    conf->opt.keylog_fn = fn;
    conf->opt.keylog_ctx = fn != NULL ? ctx : NULL;
}

static char *hex(char *p, const unsigned char *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    while (n-- > 0) {
        *p++ = digits[*b >> 4];
        *p++ = digits[*b++ & 15];
    }
    return p;
}

/* NSS key log labels of the secrets Mbed TLS exports (the labels of
 * https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/). */
static const char *keylog_label(mbedtls_ssl_key_export_type type)
{
    switch (type) {
    case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
        return "CLIENT_RANDOM";
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET:
        return "CLIENT_EARLY_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
        return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
        return "CLIENT_TRAFFIC_SECRET_0";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
        return "SERVER_TRAFFIC_SECRET_0";
#endif
    default:
        return NULL; /* the early exporter secret: no NSS label */
    }
}

/* The longest secret: 64 bytes (SHA-512); TLS 1.2's master secret is 48. */
#define KEYLOG_SECRET_MAX 64

static void keylog_export(void *p, mbedtls_ssl_key_export_type type, const unsigned char *secret,
                          size_t secret_len, const unsigned char client_random[32],
                          const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
    const iotls_conn *c = (const iotls_conn *)p;
    const char *label = keylog_label(type);
    char line[40 + 1 + 64 + 1 + 2 * KEYLOG_SECRET_MAX + 1], *q;
    size_t ll;

    (void)server_random;
    (void)prf;
    if (c == NULL || c->conf == NULL || c->conf->opt.keylog_fn == NULL || label == NULL ||
        secret_len == 0 || secret_len > KEYLOG_SECRET_MAX)
        return;
    ll = strlen(label);
    memcpy(line, label, ll);
    q = line + ll;
    *q++ = ' ';
    q = hex(q, client_random, 32);
    *q++ = ' ';
    q = hex(q, secret, secret_len);
    *q = '\0';
    c->conf->opt.keylog_fn(c->conf->opt.keylog_ctx, line);
    /* the line held a secret: do not leave it on the stack */
    mbedtls_platform_zeroize(line, sizeof line);
}

/* ---- PSK ---- */

int iotls_conf_set_psk(iotls_conf *conf, const uint8_t *key, size_t key_len, const char *identity)
{
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    size_t id_len;

    if (conf == NULL)
        return IOTLS_ERR_USAGE;
    if (key == NULL) {
        mbedtls_platform_zeroize(conf->opt.psk, sizeof conf->opt.psk);
        conf->opt.psk_len = 0;
        conf->opt.psk_identity[0] = '\0';
        return IOTLS_OK;
    }
    id_len = identity != NULL ? strlen(identity) : 0;
    if (key_len == 0 || key_len > IOTLS_MAX_PSK_LEN || id_len == 0 ||
        id_len > IOTLS_MAX_PSK_IDENTITY)
        return IOTLS_ERR_USAGE;
    memcpy(conf->opt.psk, key, key_len);
    conf->opt.psk_len = (uint8_t)key_len;
    memcpy(conf->opt.psk_identity, identity, id_len + 1);
    return IOTLS_OK;
#else
    (void)conf;
    (void)key;
    (void)key_len;
    (void)identity;
    return IOTLS_ERR_USAGE;
#endif
}

#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
/* With a PSK and the default suites: the TLS 1.3 ones, then TLS 1.2's
 * ECDHE-PSK (forward secrecy) before plain PSK, AEAD before CBC. Mbed TLS
 * skips the ones this build lacks. */
static const int psk_suites[] = {
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
    MBEDTLS_TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384,
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
    0
};
#endif

int iotls_tlsopt_psk_only(const iotls_conf *conf)
{
    return conf != NULL && conf->opt.psk_len > 0;
}

/* ---- max_fragment_length ---- */

int iotls_conf_set_max_fragment(iotls_conf *conf, unsigned len)
{
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    if (conf == NULL || (len != 0 && len != 512 && len != 1024 && len != 2048 && len != 4096))
        return IOTLS_ERR_USAGE;
    conf->opt.max_fragment = (uint16_t)len;
    return IOTLS_OK;
#else
    (void)conf;
    return len == 0 ? IOTLS_OK : IOTLS_ERR_USAGE;
#endif
}

#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
static unsigned char mfl_code(unsigned len)
{
    switch (len) {
    case 512: return MBEDTLS_SSL_MAX_FRAG_LEN_512;
    case 1024: return MBEDTLS_SSL_MAX_FRAG_LEN_1024;
    case 2048: return MBEDTLS_SSL_MAX_FRAG_LEN_2048;
    case 4096: return MBEDTLS_SSL_MAX_FRAG_LEN_4096;
    default: return MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
    }
}
#endif

/* ---- applying them ---- */

int iotls_tlsopt_conf_apply(iotls_conn *c, mbedtls_ssl_config *sc)
{
    const iotls_tlsopt *o = &c->conf->opt;
    int ret = 0;

#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    if (o->max_fragment != 0) {
        /* Mbed TLS 3.6 sends max_fragment_length in every ClientHello but
         * accepts the answer in TLS 1.2 only: its TLS 1.3 client refuses
         * the extension in EncryptedExtensions (unsupported_extension).
         * So the option offers TLS 1.2 only. */
        if (c->conf->min_version == IOTLS_TLS_1_3)
            return iotls_fail(c, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0, 0);
        mbedtls_ssl_conf_max_tls_version(sc, MBEDTLS_SSL_VERSION_TLS1_2);
        ret = mbedtls_ssl_conf_max_frag_len(sc, mfl_code(o->max_fragment));
    }
#endif
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    if (ret == 0 && o->psk_len > 0) {
        ret = mbedtls_ssl_conf_psk(sc, o->psk, o->psk_len,
                                   (const unsigned char *)o->psk_identity,
                                   strlen(o->psk_identity));
        /* The key authenticates: a TLS 1.3 handshake without it (the
         * server's certificate instead) is refused, as a TLS 1.2 one is by
         * offering PSK suites only. psk_dhe_ke only, as for tickets: a key
         * stolen later does not open recorded traffic. */
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        mbedtls_ssl_conf_tls13_key_exchange_modes(sc,
                                                  MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
#endif
        if (c->conf->ciphersuites == NULL ||
            c->conf->ciphersuites == iotls_default_ciphersuites())
            mbedtls_ssl_conf_ciphersuites(sc, psk_suites);
    }
#endif
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED) {
        c->err.alloc_failures++;
        return iotls_fail(c, IOTLS_ERR_ALLOC, IOTLS_STAGE_SETUP, ret, 0);
    }
    if (ret != 0)
        return iotls_fail(c, IOTLS_ERR_CONFIG, IOTLS_STAGE_SETUP, ret, 0);
    return IOTLS_OK;
}

void iotls_tlsopt_ssl_apply(iotls_conn *c)
{
    if (c->conf->opt.keylog_fn != NULL)
        mbedtls_ssl_set_export_keys_cb(&c->eng->ssl, keylog_export, c);
}

/* A record longer than the max_fragment_length asked for, plus what the
 * cipher adds: a device with a buffer that small would have failed on it. */
static int record_over_mfl(iotls_conn *c)
{
    unsigned mfl = c->conf->opt.max_fragment;
    int exp;

    if (mfl == 0)
        return 0;
    exp = mbedtls_ssl_get_record_expansion(iotls_ssl(c));
    if (exp <= 0)
        exp = 256; /* RFC 8446 5.2: at most 256 bytes of expansion */
    return c->err.wire.max_record_len > mfl + (unsigned)exp;
}

int iotls_tlsopt_check(iotls_conn *c, iotls_stage stage)
{
    int rc;

    if (stage == IOTLS_STAGE_HANDSHAKE && (rc = iotls_pin_check(c)) != IOTLS_OK)
        return rc;
    if (record_over_mfl(c)) {
        iotls_fail(c, IOTLS_ERR_RECORD_TOO_LARGE, stage, 0, 0);
        /* judged against the buffer the option stands for */
        c->err.in_content_len = c->conf->opt.max_fragment;
        iotls_strlcpy(c->err.detail, "max_fragment_length asked for; the server ignored it",
                      sizeof c->err.detail);
        return c->err.code;
    }
    return IOTLS_OK;
}
