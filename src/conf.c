/*
 * Connection configuration: secure defaults and the setters that change
 * them on purpose.
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"

#include "iotls_internal.h"

/* ECDHE only (forward secrecy), AEAD only, for ECDSA and RSA certificates;
 * AES-128-GCM first (fast everywhere, hardware AES on most MCUs). */
static const int default_suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#if defined(MBEDTLS_CHACHAPOLY_C)
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
    0
};

/* x25519 is the cheapest; P-256 is what every server has; P-384 for the
 * few that insist. Mbed TLS's own default starts with secp521r1. */
static const mbedtls_ecp_group_id default_groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_ECP_DP_CURVE25519,
#endif
    MBEDTLS_ECP_DP_SECP256R1,
    MBEDTLS_ECP_DP_SECP384R1,
    MBEDTLS_ECP_DP_NONE
};

const int *iotls_default_ciphersuites(void)
{
    return default_suites;
}

const mbedtls_ecp_group_id *iotls_default_groups(void)
{
    return default_groups;
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
    conf->min_minor = MBEDTLS_SSL_MINOR_VERSION_3;
    conf->max_minor = MBEDTLS_SSL_MINOR_VERSION_3;
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

void iotls_conf_set_ciphersuites(iotls_conf *conf, const int *suites)
{
    if (conf != NULL)
        conf->ciphersuites = suites != NULL ? suites : default_suites;
}

void iotls_conf_set_groups(iotls_conf *conf, const mbedtls_ecp_group_id *groups)
{
    if (conf != NULL)
        conf->groups = groups != NULL ? groups : default_groups;
}

void iotls_conf_set_versions(iotls_conf *conf, int min_minor, int max_minor)
{
    if (conf == NULL)
        return;
    conf->min_minor = min_minor;
    conf->max_minor = max_minor;
}

void iotls_conf_set_alpn(iotls_conf *conf, const char **protos)
{
    if (conf != NULL)
        conf->alpn = protos;
}

void iotls_conf_set_client_cert(iotls_conf *conf, mbedtls_x509_crt *cert, mbedtls_pk_context *key)
{
    if (conf == NULL)
        return;
    conf->client_cert = cert;
    conf->client_key = key;
}

void iotls_conf_set_debug(iotls_conf *conf, int level, iotls_debug_fn fn, void *ctx)
{
    if (conf == NULL)
        return;
    conf->debug_level = level < 0 ? 0 : level > 4 ? 4 : level;
    conf->debug_fn = fn;
    conf->debug_ctx = ctx;
}

void iotls_conf_set_sig_hashes(iotls_conf *conf, const int *hashes)
{
    if (conf != NULL)
        conf->sig_hashes = hashes;
}
