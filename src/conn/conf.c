/*
 * Connection configuration: secure defaults and the setters that change
 * them on purpose.
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"

#include "conn/engine.h"

/* TLS 1.3 first (every TLS 1.3 suite is AEAD with forward secrecy), then
 * TLS 1.2: ECDHE only, AEAD only, for ECDSA and RSA certificates;
 * AES-128-GCM first (fast everywhere, hardware AES on most MCUs). */
static const uint16_t default_suites[] = {
    0x1301, /* TLS_AES_128_GCM_SHA256 */
    0x1302, /* TLS_AES_256_GCM_SHA384 */
#if defined(MBEDTLS_CHACHAPOLY_C)
    0x1303, /* TLS_CHACHA20_POLY1305_SHA256 */
#endif
    0xc02b, /* ECDHE-ECDSA-AES128-GCM-SHA256 */
    0xc02f, /* ECDHE-RSA-AES128-GCM-SHA256 */
    0xc02c, /* ECDHE-ECDSA-AES256-GCM-SHA384 */
    0xc030, /* ECDHE-RSA-AES256-GCM-SHA384 */
#if defined(MBEDTLS_CHACHAPOLY_C)
    0xcca9, /* ECDHE-ECDSA-CHACHA20-POLY1305 */
    0xcca8, /* ECDHE-RSA-CHACHA20-POLY1305 */
#endif
    0
};

/* x25519 is the cheapest; P-256 is what every server has; P-384 for the
 * few that insist. Mbed TLS's own default starts with secp521r1. */
static const uint16_t default_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
#endif
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    0
};

/* SHA-256 or better. ECDSA first (small, fast to verify); RSA PKCS#1 v1.5
 * for TLS 1.2 and for the signatures on certificates; RSA-PSS, which TLS
 * 1.3 requires for RSA keys. PKCS#1 comes before PSS on purpose: Mbed TLS
 * 3.6.6 offers rsa_pss_rsae_* in a ClientHello that also offers TLS 1.2
 * but refuses them in a TLS 1.2 ServerKeyExchange (alert 47; upstream
 * issue 10668), and a TLS 1.2 server that follows the client's order
 * (OpenSSL's default) then picks PKCS#1. A TLS 1.3 server must use PSS for
 * an RSA key, so it skips the PKCS#1 entries. Ed25519: not in 3.6. */
static const uint16_t default_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE
};

/* Groups this build can use, in no particular order. */
static const uint16_t supported_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1,
#endif
#if defined(MBEDTLS_ECP_DP_CURVE448_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X448,
#endif
#if defined(MBEDTLS_ECP_DP_BP256R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_BP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_BP384R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_BP384R1,
#endif
#if defined(MBEDTLS_ECP_DP_BP512R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_BP512R1,
#endif
    0
};

/* Signature schemes Mbed TLS 3.6 can verify: the defaults plus P-521 and
 * the SHA-1 ones (for iotls diagnose only). */
static const uint16_t supported_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA1,
    MBEDTLS_TLS1_3_SIG_ECDSA_SHA1,
    0
};

size_t iotls_u16_len(const uint16_t *l, size_t max)
{
    size_t n = 0;

    while (l != NULL && n < max && l[n] != 0)
        n++;
    return n;
}

static int in_list(const uint16_t *l, uint16_t v)
{
    for (; *l != 0; l++)
        if (*l == v)
            return 1;
    return 0;
}

const uint16_t *iotls_default_ciphersuites(void)
{
    return default_suites;
}

const uint16_t *iotls_default_groups(void)
{
    return default_groups;
}

const uint16_t *iotls_default_sig_algs(void)
{
    return default_sig_algs;
}

const uint16_t *iotls_supported_ciphersuites(void)
{
    /* Mbed TLS's list of what this build implements, as IANA ids; built
     * once (the result is the same every time, so a race is harmless). */
    static uint16_t list[256 + 1]; /* this build's suites: ~150 on the host */
    static int done;
    const int *m;
    size_t n = 0;

    if (!done) {
        for (m = mbedtls_ssl_list_ciphersuites(); *m != 0 && n + 1 < sizeof list / sizeof list[0];
             m++)
            list[n++] = (uint16_t)*m;
        list[n] = 0;
        done = 1;
    }
    return list;
}

const uint16_t *iotls_supported_groups(void)
{
    return supported_groups;
}

void iotls_conf_init(iotls_conf *conf)
{
    if (conf == NULL)
        return;
    memset(conf, 0, sizeof *conf);
    conf->sni_mode = IOTLS_SNI_FROM_HOST;
    conf->connect_timeout_ms = IOTLS_DEFAULT_CONNECT_TIMEOUT_MS;
    conf->handshake_timeout_ms = IOTLS_DEFAULT_HANDSHAKE_TIMEOUT_MS;
    conf->read_timeout_ms = IOTLS_DEFAULT_READ_TIMEOUT_MS;
    conf->write_timeout_ms = IOTLS_DEFAULT_WRITE_TIMEOUT_MS;
    conf->ciphersuites = default_suites;
    conf->groups = default_groups;
    conf->sig_algs = default_sig_algs;
    conf->min_version = IOTLS_TLS_1_2;
    conf->max_version = IOTLS_TLS_1_3;
}

void iotls_conf_set_trust(iotls_conf *conf, iotls_trust *trust)
{
    if (conf != NULL)
        conf->trust = trust;
}

int iotls_conf_set_server_name(iotls_conf *conf, const char *name)
{
    size_t i, len;

    if (conf == NULL || name == NULL)
        return IOTLS_ERR_HOSTNAME;
    len = strlen(name);
    if (len == 0 || len > IOTLS_MAX_HOSTNAME)
        return IOTLS_ERR_HOSTNAME;
    /* Deliberately permissive (the vendor example's "mbed TLS Server 1" must
     * be reproducible), but printable ASCII only: it goes on the wire and
     * into reports. */
    for (i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
            return IOTLS_ERR_HOSTNAME;
    iotls_strlcpy(conf->server_name, name, sizeof conf->server_name);
    conf->sni_mode = IOTLS_SNI_CUSTOM;
    return IOTLS_OK;
}

void iotls_conf_disable_sni(iotls_conf *conf)
{
    if (conf != NULL) {
        conf->sni_mode = IOTLS_SNI_NONE;
        conf->server_name[0] = '\0';
    }
}

int iotls_conf_set_connect_address(iotls_conf *conf, const char *ip)
{
    if (conf == NULL || ip == NULL || strlen(ip) >= sizeof conf->connect_addr ||
        !iotls_addr_parse(ip, NULL))
        return IOTLS_ERR_USAGE;
    iotls_strlcpy(conf->connect_addr, ip, sizeof conf->connect_addr);
    return IOTLS_OK;
}

void iotls_conf_set_timeouts(iotls_conf *conf, uint32_t connect_ms, uint32_t handshake_ms,
                             uint32_t read_ms, uint32_t write_ms)
{
    if (conf == NULL)
        return;
    if (connect_ms != 0)
        conf->connect_timeout_ms = connect_ms;
    if (handshake_ms != 0)
        conf->handshake_timeout_ms = handshake_ms;
    if (read_ms != 0)
        conf->read_timeout_ms = read_ms;
    if (write_ms != 0)
        conf->write_timeout_ms = write_ms;
}

void iotls_conf_set_connect_total(iotls_conf *conf, uint32_t total_ms)
{
    if (conf != NULL)
        conf->connect_total_ms = total_ms;
}

int iotls_conf_set_ciphersuites(iotls_conf *conf, const uint16_t *suites)
{
    size_t n;

    if (conf == NULL)
        return IOTLS_ERR_USAGE;
    if (suites != NULL) {
        n = iotls_u16_len(suites, IOTLS_ENGINE_MAX_SUITES + 1);
        if (n == 0 || n > IOTLS_ENGINE_MAX_SUITES)
            return IOTLS_ERR_USAGE;
        while (n-- > 0)
            if (mbedtls_ssl_ciphersuite_from_id(suites[n]) == NULL)
                return IOTLS_ERR_USAGE;
    }
    conf->ciphersuites = suites != NULL ? suites : default_suites;
    return IOTLS_OK;
}

/* Every entry known to this build, and at least one. */
static int valid_list(const uint16_t *l, const uint16_t *known)
{
    size_t i;

    if (l[0] == 0)
        return 0;
    for (i = 0; l[i] != 0; i++)
        if (!in_list(known, l[i]))
            return 0;
    return 1;
}

int iotls_conf_set_groups(iotls_conf *conf, const uint16_t *groups)
{
    if (conf == NULL || (groups != NULL && !valid_list(groups, supported_groups)))
        return IOTLS_ERR_USAGE;
    conf->groups = groups != NULL ? groups : default_groups;
    return IOTLS_OK;
}

int iotls_conf_set_sig_algs(iotls_conf *conf, const uint16_t *sig_algs)
{
    if (conf == NULL || (sig_algs != NULL && !valid_list(sig_algs, supported_sig_algs)))
        return IOTLS_ERR_USAGE;
    conf->sig_algs = sig_algs != NULL ? sig_algs : default_sig_algs;
    return IOTLS_OK;
}

static int version_ok(iotls_version v)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (v == IOTLS_TLS_1_3)
        return 1;
#endif
    return v == IOTLS_TLS_1_2;
}

int iotls_conf_set_versions(iotls_conf *conf, iotls_version min, iotls_version max)
{
    if (conf == NULL || !version_ok(min) || !version_ok(max) || min > max)
        return IOTLS_ERR_USAGE;
    conf->min_version = min;
    conf->max_version = max;
    return IOTLS_OK;
}

void iotls_conf_set_alpn(iotls_conf *conf, const char **protos)
{
    if (conf != NULL)
        conf->alpn = protos;
}

void iotls_conf_set_client_cred(iotls_conf *conf, const iotls_cred *cred)
{
    if (conf != NULL)
        conf->client = cred;
}

void iotls_conf_set_debug(iotls_conf *conf, int level, iotls_debug_fn fn, void *ctx)
{
    if (conf == NULL)
        return;
    conf->debug_level = level < 0 ? 0 : level > 4 ? 4 : level;
    conf->debug_fn = fn;
    conf->debug_ctx = ctx;
}
