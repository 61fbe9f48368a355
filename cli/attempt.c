/*
 * The attempts of `iotls diagnose`: each one connection, the user's
 * settings with one change, or a hello probe.
 */
#include "attempt.h"

#include <stdio.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"

#include "session.h"

#define MAX_LIST 200

static const struct {
    const char *name;
    const char *text;
} changes[IOTLS_CLI_CHANGE_END] = {
    {"none", "your settings, unchanged"},
    {"sni_host", "SNI = the dialed host"},
    {"sni_none", "no SNI"},
    {"suites_wide", "every ECDHE/DHE/RSA suite Mbed TLS 2.28 has (AEAD and CBC)"},
    {"groups_wide", "every curve Mbed TLS 2.28 has (secp521r1, brainpool, x448, ...)"},
    {"sigs_wide", "signature hashes down to SHA-1"},
    {"tls1_1", "TLS 1.1 only (with the CBC suites it needs)"},
    {"tls1_0", "TLS 1.0 only (with the CBC suites it needs)"},
    {"no_client_cert", "without the client certificate"},
    {"throwaway_client_cert", "with a throwaway self-signed client certificate"},
    {"probe_tls12", "hello probe: TLS 1.2 with every IANA suite and group"},
    {"probe_mbed", "hello probe: TLS 1.2 with only the suites and groups Mbed TLS 2.28 has"},
    {"probe_tls13", "hello probe: TLS 1.3 to 1.0 with every IANA suite and group"},
    {"probe_mbed_sigs", "hello probe: TLS 1.2 with the suites, groups and signature schemes "
                        "Mbed TLS 2.28 has"},
    {"probe_full_sigs", "hello probe: TLS 1.2 with the suites and groups Mbed TLS 2.28 has and "
                        "every signature scheme"},
};

const char *iotls_cli_change_name(iotls_cli_change c)
{
    return (unsigned)c < IOTLS_CLI_CHANGE_END ? changes[c].name : "?";
}

const char *iotls_cli_change_text(iotls_cli_change c)
{
    return (unsigned)c < IOTLS_CLI_CHANGE_END ? changes[c].text : "?";
}

int iotls_cli_change_is_probe(iotls_cli_change c)
{
    return c == IOTLS_CLI_CHANGE_PROBE_TLS12 || c == IOTLS_CLI_CHANGE_PROBE_MBED ||
           c == IOTLS_CLI_CHANGE_PROBE_TLS13 || c == IOTLS_CLI_CHANGE_PROBE_MBED_SIGS ||
           c == IOTLS_CLI_CHANGE_PROBE_FULL_SIGS;
}

/* ---- what Mbed TLS 2.28 has ---- */

static int wide_suite_ok(const mbedtls_ssl_ciphersuite_t *cs)
{
    if (cs == NULL || cs->cipher == MBEDTLS_CIPHER_NULL)
        return 0;
    switch (cs->key_exchange) {
    case MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA:
    case MBEDTLS_KEY_EXCHANGE_ECDHE_RSA:
    case MBEDTLS_KEY_EXCHANGE_DHE_RSA:
    case MBEDTLS_KEY_EXCHANGE_RSA:
        return 1;
    default:
        return 0; /* PSK, static ECDH, EC J-PAKE: need what a client has not */
    }
}

/* Every usable certificate-based suite Mbed TLS has, 0-terminated. */
static const int *wide_suites(void)
{
    static int list[MAX_LIST + 1];
    static int made;
    if (!made) {
        size_t n = 0;
        for (const int *p = mbedtls_ssl_list_ciphersuites(); *p && n < MAX_LIST; p++)
            if (wide_suite_ok(mbedtls_ssl_ciphersuite_from_id(*p)))
                list[n++] = *p;
        list[n] = 0;
        made = 1;
    }
    return list;
}

static const mbedtls_ecp_group_id *wide_groups(void)
{
    return mbedtls_ecp_grp_id_list();
}

static const int *wide_hashes(void)
{
    static const int list[] = {
#if defined(MBEDTLS_SHA512_C)
        MBEDTLS_MD_SHA512, MBEDTLS_MD_SHA384,
#endif
#if defined(MBEDTLS_SHA256_C)
        MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA224,
#endif
#if defined(MBEDTLS_SHA1_C)
        MBEDTLS_MD_SHA1,
#endif
        MBEDTLS_MD_NONE};
    return list;
}

int iotls_cli_mbed_has_suite(uint16_t iana)
{
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; p++)
        if (*p == (int)iana)
            return 1;
    return 0;
}

int iotls_cli_mbed_has_group(uint16_t iana)
{
    return mbedtls_ecp_curve_info_from_tls_id(iana) != NULL;
}

const char *iotls_cli_suite_text(uint16_t iana, char *buf, size_t len)
{
    static const char *const tls13[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                        "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
                                        "TLS_AES_128_CCM_8_SHA256"};
    const char *n = iotls_suite_name(iana);
    if (n != NULL)
        return n;
    if (iana >= 0x1301 && iana <= 0x1305)
        return tls13[iana - 0x1301];
    snprintf(buf, len, "0x%04x", iana);
    return buf;
}

const char *iotls_cli_group_text(uint16_t iana, char *buf, size_t len)
{
    const char *n = iotls_group_name(iana);
    if (n != NULL)
        return n;
    snprintf(buf, len, "0x%04x", iana);
    return buf;
}

/* ---- the context ---- */

void iotls_cli_attempt_ctx_init(iotls_cli_attempt_ctx *x, const iotls_cli_opts *o,
                                iotls_trust *trust, iotls_cli_client_cert *user_cert,
                                const char *addr)
{
    memset(x, 0, sizeof *x);
    x->o = o;
    x->trust = trust;
    x->user_cert = user_cert != NULL && user_cert->loaded ? user_cert : NULL;
    snprintf(x->addr, sizeof x->addr, "%s", addr ? addr : "");
    iotls_cli_client_cert_init(&x->throwaway);
    mbedtls_entropy_init(&x->entropy);
    mbedtls_ctr_drbg_init(&x->drbg);
}

void iotls_cli_attempt_ctx_free(iotls_cli_attempt_ctx *x)
{
    iotls_cli_client_cert_free(&x->throwaway);
    mbedtls_ctr_drbg_free(&x->drbg);
    mbedtls_entropy_free(&x->entropy);
}

/* Time for this attempt: its own timeout, within what --max-time leaves. */
static uint32_t budget(const iotls_cli_attempt_ctx *x, uint32_t want)
{
    uint64_t now;
    if (x->deadline_ms == 0)
        return want;
    now = iotls_cli_now_ms();
    if (now + 50 >= x->deadline_ms)
        return 0;
    return x->deadline_ms - now < want ? (uint32_t)(x->deadline_ms - now) : want;
}

static void set_alert(iotls_cli_attempt *a, int level, int desc)
{
    a->alert_level = level;
    a->alert = desc;
}

/* ---- an Mbed TLS connection with one change ---- */

static int mbed_attempt(iotls_cli_attempt_ctx *x, iotls_cli_change change, iotls_cli_attempt *a,
                        uint32_t ct, uint32_t hs)
{
    const iotls_cli_opts *o = x->o;
    iotls_conf conf;
    iotls_conn c;
    const iotls_error *e;
    iotls_cli_client_cert *cert = x->user_cert;

    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, x->trust);
    if (x->addr[0] != '\0' && iotls_conf_set_connect_address(&conf, x->addr) != IOTLS_OK)
        return -1;
    iotls_conf_set_timeouts(&conf, ct, hs, hs, hs);
    /* the user's SNI, unless that is the change */
    if (change == IOTLS_CLI_CHANGE_SNI_NONE)
        iotls_conf_disable_sni(&conf);
    else if (change != IOTLS_CLI_CHANGE_SNI_HOST) {
        if (o->sni != NULL && iotls_conf_set_server_name(&conf, o->sni) != IOTLS_OK)
            return -1;
        if (o->no_sni)
            iotls_conf_disable_sni(&conf);
    }
    switch (change) {
    case IOTLS_CLI_CHANGE_SUITES_WIDE:
        iotls_conf_set_ciphersuites(&conf, wide_suites());
        break;
    case IOTLS_CLI_CHANGE_GROUPS_WIDE:
        iotls_conf_set_groups(&conf, wide_groups());
        break;
    case IOTLS_CLI_CHANGE_SIGS_WIDE:
        iotls_conf_set_sig_hashes(&conf, wide_hashes());
        break;
    case IOTLS_CLI_CHANGE_TLS1_1:
    case IOTLS_CLI_CHANGE_TLS1_0:
        /* AEAD suites exist only in TLS 1.2: an older version needs CBC */
        iotls_conf_set_ciphersuites(&conf, wide_suites());
        iotls_conf_set_versions(&conf,
                                change == IOTLS_CLI_CHANGE_TLS1_1 ? MBEDTLS_SSL_MINOR_VERSION_2
                                                                  : MBEDTLS_SSL_MINOR_VERSION_1,
                                change == IOTLS_CLI_CHANGE_TLS1_1 ? MBEDTLS_SSL_MINOR_VERSION_2
                                                                  : MBEDTLS_SSL_MINOR_VERSION_1);
        break;
    case IOTLS_CLI_CHANGE_NO_CLIENT_CERT:
        cert = NULL;
        break;
    case IOTLS_CLI_CHANGE_THROWAWAY_CERT:
        if (!x->throwaway.loaded && iotls_cli_client_cert_throwaway(&x->throwaway) != 0)
            return -1;
        cert = &x->throwaway;
        break;
    default:
        break;
    }
    if (cert != NULL)
        iotls_conf_set_client_cert(&conf, &cert->crt, &cert->key);

    iotls_conn_init(&c);
    a->ran = 1;
    if (iotls_conn_setup(&c, &conf) == IOTLS_OK &&
        iotls_conn_connect(&c, o->url.host, o->url.port) == IOTLS_OK) {
        a->ok = 1;
        a->suite = 0;
        for (const int *p = mbedtls_ssl_list_ciphersuites(); *p; p++)
            if (iotls_conn_ciphersuite(&c) != NULL &&
                strcmp(mbedtls_ssl_get_ciphersuite_name(*p), iotls_conn_ciphersuite(&c)) == 0)
                a->suite = (uint16_t)*p;
        a->group = iotls_conn_group(&c);
        a->sig_alg = c.err.wire.ske_sig_alg;
        a->version = (uint16_t)(0x0300 | (unsigned)c.ssl.minor_ver);
        snprintf(a->result, sizeof a->result, "connected: %s, %s%s%s",
                 iotls_conn_version(&c) ? iotls_conn_version(&c) : "?",
                 iotls_conn_ciphersuite(&c) ? iotls_conn_ciphersuite(&c) : "?",
                 a->group ? ", " : "", a->group ? iotls_group_name(a->group) : "");
        iotls_conn_close(&c);
    } else {
        char line[400];
        e = iotls_conn_error(&c);
        a->code = e->code;
        snprintf(a->error, sizeof a->error, "%s", iotls_err_name(e->code));
        set_alert(a, e->wire.alert_received_level, e->wire.alert_received);
        a->cert_request = e->wire.cert_request_seen;
        iotls_error_format(e, line, sizeof line);
        snprintf(a->result, sizeof a->result, "failed: %s", line);
    }
    iotls_conn_free(&c);
    return 0;
}

/* ---- the hello probe ---- */

/* The TLS 1.2 HashAlgorithm code of an Mbed TLS hash (RFC 5246 7.4.1.4.1). */
static unsigned tls_hash_id(int md)
{
    switch (md) {
    case MBEDTLS_MD_SHA1: return 2;
    case MBEDTLS_MD_SHA224: return 3;
    case MBEDTLS_MD_SHA256: return 4;
    case MBEDTLS_MD_SHA384: return 5;
    case MBEDTLS_MD_SHA512: return 6;
    default: return 0;
    }
}

static int probe_attempt(iotls_cli_attempt_ctx *x, iotls_cli_change change, iotls_cli_attempt *a,
                         uint32_t ct, uint32_t hs)
{
    static const uint16_t tls12[] = {0x0303};
    static const char pers[] = "iotls diagnose probe";
    uint16_t suites[MAX_LIST], groups[64], sigs[16];
    size_t ns = 0, ng = 0, nsig = 0;
    iotls_probe_offer offer;
    iotls_probe_result res;
    iotls_port_sock *sock = NULL;
    iotls_addr addr;
    char b1[16], b2[16];
    int sys = 0, rc;

    if (x->addr[0] == '\0' || !iotls_addr_parse(x->addr, &addr))
        return -1;
    if (!x->drbg_ready) {
        if (mbedtls_ctr_drbg_seed(&x->drbg, mbedtls_entropy_func, &x->entropy,
                                  (const unsigned char *)pers, sizeof pers - 1) != 0)
            return -1;
        x->drbg_ready = 1;
    }
    iotls_probe_offer_init(&offer);
    /* the name iotls sends by default: the host, unless it is an IP */
    {
        iotls_addr tmp;
        if (!iotls_addr_parse(x->o->url.host, &tmp))
            offer.sni = x->o->url.host;
    }
    if (change != IOTLS_CLI_CHANGE_PROBE_TLS13) {
        offer.versions = tls12;
        offer.n_versions = 1;
    }
    if (change == IOTLS_CLI_CHANGE_PROBE_MBED_SIGS) {
        /* What Mbed TLS 2.28 writes in TLS 1.2: each hash with ECDSA and
         * RSA PKCS#1 v1.5 (ssl_write_signature_algorithms_ext); no PSS. */
        const int *h;
        for (h = wide_hashes(); *h != MBEDTLS_MD_NONE && nsig + 2 <= 16; h++) {
            uint16_t hash = (uint16_t)(tls_hash_id(*h) << 8);
            sigs[nsig++] = (uint16_t)(hash | MBEDTLS_SSL_SIG_ECDSA);
            sigs[nsig++] = (uint16_t)(hash | MBEDTLS_SSL_SIG_RSA);
        }
        offer.sig_algs = sigs;
        offer.n_sig_algs = nsig;
    }
    if (change == IOTLS_CLI_CHANGE_PROBE_MBED || change == IOTLS_CLI_CHANGE_PROBE_MBED_SIGS ||
        change == IOTLS_CLI_CHANGE_PROBE_FULL_SIGS) {
        for (const int *p = mbedtls_ssl_list_ciphersuites(); *p && ns < MAX_LIST; p++)
            suites[ns++] = (uint16_t)*p;
        for (const mbedtls_ecp_curve_info *ci = mbedtls_ecp_curve_list();
             ci->grp_id != MBEDTLS_ECP_DP_NONE && ng < 64; ci++)
            groups[ng++] = ci->tls_id;
        offer.suites = suites;
        offer.n_suites = ns;
        offer.groups = groups;
        offer.n_groups = ng;
    }
    a->ran = 1;
    rc = iotls_port_connect(&sock, &addr, x->o->url.port, ct, &sys);
    if (rc != IOTLS_OK) {
        a->code = rc == IOTLS_ERR_ALLOC ? rc : IOTLS_ERR_CONNECT_REFUSED;
        if (rc == IOTLS_ERR_CONNECT_TIMEOUT || rc == IOTLS_ERR_CONNECT)
            a->code = rc;
        snprintf(a->error, sizeof a->error, "%s", iotls_err_name(rc));
        snprintf(a->result, sizeof a->result, "could not connect (%s)", iotls_err_name(rc));
        return 0;
    }
    rc = iotls_probe_hello(sock, &offer, mbedtls_ctr_drbg_random, &x->drbg, hs, &res);
    iotls_port_close(sock);
    if (rc != IOTLS_OK) {
        snprintf(a->error, sizeof a->error, "%s", iotls_err_name(rc));
        snprintf(a->result, sizeof a->result, "probe not sent (%s)", iotls_err_name(rc));
        return 0;
    }
    a->probe_outcome = res.outcome;
    a->cert_request = res.cert_request;
    switch (res.outcome) {
    case IOTLS_PROBE_SERVER_HELLO:
    case IOTLS_PROBE_HELLO_RETRY:
        a->ok = 1;
        a->version = res.version;
        a->suite = res.suite;
        a->group = res.group;
        a->sig_alg = res.sig_alg;
        if (res.outcome == IOTLS_PROBE_HELLO_RETRY)
            snprintf(a->result, sizeof a->result,
                     "the server asked (HelloRetryRequest) for %s in %s",
                     iotls_cli_group_text(res.group, b2, sizeof b2),
                     iotls_version_name(res.version) ? iotls_version_name(res.version) : "TLS 1.3");
        else
            snprintf(a->result, sizeof a->result, "the server chose %s, %s%s%s%s",
                     iotls_version_name(res.version) ? iotls_version_name(res.version) : "?",
                     iotls_cli_suite_text(res.suite, b1, sizeof b1), res.group ? ", " : "",
                     res.group ? iotls_cli_group_text(res.group, b2, sizeof b2) : "",
                     res.cert_request ? "; it asks for a client certificate" : "");
        break;
    case IOTLS_PROBE_ALERT:
        snprintf(a->error, sizeof a->error, "alert_received");
        set_alert(a, res.alert_level, res.alert);
        snprintf(a->result, sizeof a->result, "the server refused: alert %d (%s)", res.alert,
                 iotls_alert_name(res.alert));
        break;
    default:
        snprintf(a->error, sizeof a->error, "%s", iotls_probe_outcome_name(res.outcome));
        snprintf(a->result, sizeof a->result, "no choice from the server: %s%s%s",
                 iotls_probe_outcome_name(res.outcome), res.detail[0] ? ": " : "", res.detail);
        break;
    }
    return 0;
}

int iotls_cli_attempt_run(iotls_cli_attempt_ctx *x, iotls_cli_change change, iotls_cli_attempt *a)
{
    uint64_t t0 = iotls_cli_now_ms();
    uint32_t ct = budget(x, x->connect_ms), hs = budget(x, x->handshake_ms);
    int rc;

    memset(a, 0, sizeof *a);
    a->change = change;
    a->alert_level = -1;
    a->alert = -1;
    if (ct == 0 || hs == 0) {
        snprintf(a->result, sizeof a->result, "not tried: --max-time reached");
        return -1;
    }
    rc = iotls_cli_change_is_probe(change) ? probe_attempt(x, change, a, ct, hs)
                                           : mbed_attempt(x, change, a, ct, hs);
    a->ms = (uint32_t)(iotls_cli_now_ms() - t0);
    if (rc != 0 && a->result[0] == '\0')
        snprintf(a->result, sizeof a->result, "not tried: cannot be set up");
    return rc;
}
