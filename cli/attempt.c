/*
 * The attempts of `iotls diagnose`: each one connection, the user's
 * settings with one change, or a hello probe.
 */
#include "attempt.h"

#include <stdio.h>
#include <string.h>

#include "session.h"
#include "tlsopts.h"

#define MAX_LIST 200

static const struct {
    const char *name;
    const char *text;
} changes[IOTLS_CLI_CHANGE_END] = {
    {"none", "your settings, unchanged"},
    {"sni_host", "SNI = the dialed host"},
    {"sni_none", "no SNI"},
    {"suites_wide", "every certificate-based suite this build has (TLS 1.3 and 1.2, AEAD and "
                    "CBC)"},
    {"groups_wide", "every group this build has (secp521r1, brainpool, x448, ...)"},
    {"sigs_wide", "signature schemes down to SHA-1 (rsa_pkcs1_sha1, ecdsa_sha1), in TLS 1.2"},
    {"versions_wide", "TLS 1.3 and 1.2, both"},
    {"tls_max_12", "TLS 1.2 only, as --tls-max 1.2 (a hello without TLS 1.3)"},
    {"no_client_cert", "without the client certificate"},
    {"throwaway_client_cert", "with a throwaway self-signed client certificate"},
    {"probe_tls12", "hello probe: TLS 1.2 with every IANA suite and group"},
    {"probe_mbed", "hello probe: TLS 1.2 with only the suites and groups Mbed TLS has"},
    {"probe_tls13", "hello probe: TLS 1.3 to 1.0 with every IANA suite and group"},
    {"probe_mbed_sigs", "hello probe: TLS 1.2 with the suites, groups and signature schemes "
                        "Mbed TLS offers in TLS 1.2"},
    {"probe_full_sigs", "hello probe: TLS 1.2 with the suites and groups Mbed TLS has and "
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

/* ---- what this build has ---- */

static int in_list(const uint16_t *l, uint16_t id)
{
    for (; l && *l; l++)
        if (*l == id)
            return 1;
    return 0;
}

/* A suite a client with a certificate-checking setup can use: not PSK
 * (needs a shared key) and not NULL encryption. */
static int wide_suite_ok(uint16_t id)
{
    const char *n = iotls_suite_name(id);
    return n != NULL && strstr(n, "PSK") == NULL && strstr(n, "NULL") == NULL;
}

/* Every usable suite this build has, TLS 1.3 first as the library lists
 * them, 0-terminated. */
static const uint16_t *wide_suites(void)
{
    static uint16_t list[MAX_LIST + 1];
    static int made;
    if (!made) {
        size_t n = 0;
        for (const uint16_t *p = iotls_supported_ciphersuites(); p && *p && n < MAX_LIST; p++)
            if (wide_suite_ok(*p))
                list[n++] = *p;
        list[n] = 0;
        made = 1;
    }
    return list;
}

/* The TLS 1.2 hash/signature pairs Mbed TLS 3.6 writes: RSA PKCS#1 v1.5
 * and ECDSA only (it has RSA-PSS in TLS 1.3 alone), each hash of the
 * defaults, then SHA-1. */
static size_t tls12_sigs(uint16_t *out, size_t max)
{
    size_t n = 0;
    for (const uint16_t *p = iotls_default_sig_algs(); p && *p && n < max; p++)
        if ((*p & 0xff) == 1 || (*p & 0xff) == 3)
            if ((*p >> 8) >= 2 && (*p >> 8) <= 6)
                out[n++] = *p;
    if (n < max)
        out[n++] = 0x0203; /* ecdsa_sha1 */
    if (n < max)
        out[n++] = 0x0201; /* rsa_pkcs1_sha1 */
    return n;
}

/* The defaults plus the SHA-1 schemes, 0-terminated. */
static const uint16_t *wide_sigs(void)
{
    static uint16_t list[40];
    static int made;
    if (!made) {
        size_t n = 0;
        for (const uint16_t *p = iotls_default_sig_algs(); p && *p && n < 36; p++)
            list[n++] = *p;
        list[n] = 0;
        if (!in_list(list, 0x0203))
            list[n++] = 0x0203;
        list[n] = 0;
        if (!in_list(list, 0x0201))
            list[n++] = 0x0201;
        list[n] = 0;
        made = 1;
    }
    return list;
}

int iotls_cli_mbed_has_suite(uint16_t iana)
{
    return in_list(iotls_supported_ciphersuites(), iana);
}

int iotls_cli_mbed_has_group(uint16_t iana)
{
    return in_list(iotls_supported_groups(), iana);
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
    /* each attempt a full handshake: a resumed one would skip what it tests */
    iotls_conf_set_session_cache(&conf, 0);
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
    /* the user's offer (--tlsv1.3, --ciphers ...), unless that is the change */
    if (iotls_cli_tls_apply(&o->tls, &conf) != IOTLS_OK)
        return -1;
    switch (change) {
    case IOTLS_CLI_CHANGE_SUITES_WIDE:
        if (iotls_conf_set_ciphersuites(&conf, wide_suites()) != IOTLS_OK)
            return -1;
        break;
    case IOTLS_CLI_CHANGE_GROUPS_WIDE:
        if (iotls_conf_set_groups(&conf, iotls_supported_groups()) != IOTLS_OK)
            return -1;
        break;
    case IOTLS_CLI_CHANGE_SIGS_WIDE:
        /* SHA-1 signatures exist in TLS 1.2 only, and Mbed TLS 3.6 drops
         * them from a ClientHello that also offers TLS 1.3 */
        if (iotls_conf_set_sig_algs(&conf, wide_sigs()) != IOTLS_OK ||
            iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, IOTLS_TLS_1_2) != IOTLS_OK)
            return -1;
        break;
    case IOTLS_CLI_CHANGE_VERSIONS_WIDE:
        if (iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, IOTLS_TLS_1_3) != IOTLS_OK)
            return -1;
        break;
    case IOTLS_CLI_CHANGE_TLS_MAX_12:
        if (iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, IOTLS_TLS_1_2) != IOTLS_OK)
            return -1;
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
        iotls_conf_set_client_cred(&conf, &cert->cred);

    iotls_conn_init(&c);
    a->ran = 1;
    if (iotls_conn_setup(&c, &conf) == IOTLS_OK &&
        iotls_conn_connect(&c, o->url.host, o->url.port) == IOTLS_OK) {
        a->ok = 1;
        a->suite = iotls_conn_ciphersuite_id(&c);
        a->group = iotls_conn_group(&c);
        a->sig_alg = iotls_conn_sig_alg(&c);
        if (a->sig_alg == 0)
            a->sig_alg = iotls_conn_error(&c)->wire.ske_sig_alg;
        a->version = (uint16_t)iotls_conn_version_id(&c);
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
        nsig = tls12_sigs(sigs, sizeof sigs / sizeof sigs[0]);
        offer.sig_algs = sigs;
        offer.n_sig_algs = nsig;
    }
    if (change == IOTLS_CLI_CHANGE_PROBE_MBED || change == IOTLS_CLI_CHANGE_PROBE_MBED_SIGS ||
        change == IOTLS_CLI_CHANGE_PROBE_FULL_SIGS) {
        /* a TLS 1.2 hello: the build's TLS 1.2 suites (no 0x13xx) */
        for (const uint16_t *p = iotls_supported_ciphersuites(); p && *p && ns < MAX_LIST; p++)
            if ((*p >> 8) != 0x13)
                suites[ns++] = *p;
        for (const uint16_t *p = iotls_supported_groups(); p && *p && ng < 64; p++)
            groups[ng++] = *p;
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
