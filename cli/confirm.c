/*
 * Confirming a cause: the reproduction failed, and one attempt with one
 * change worked (or the hello probe showed what the server insists on).
 * The change names the cause; what the successful attempt negotiated
 * names the fix exactly (the suite, the curve, the version).
 */
#include "confirm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/ssl.h"

#define FIX(field, ...) line(d->field, sizeof d->field, __VA_ARGS__)

/* A line of a diagnosis: cut to its buffer, as the library's are. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void line(char *dst, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, len, fmt, ap);
    va_end(ap);
}

/* Certificate alerts: the server looked at a certificate we sent. */
static int cert_alert(int a)
{
    return a == 42 || a == 43 || a == 44 || a == 45 || a == 46 || a == 48 || a == 49 || a == 51;
}

int iotls_cli_attempt_confirms(const iotls_cli_attempt *orig, const iotls_cli_attempt *a)
{
    if (a->ok)
        return a->change != IOTLS_CLI_CHANGE_NONE && !iotls_cli_change_is_probe(a->change);
    /* A server that asked for a certificate and, given one, goes on to
     * check it (alert 48 unknown_ca ...) wanted a certificate, even though
     * ours was refused. */
    if (a->change == IOTLS_CLI_CHANGE_THROWAWAY_CERT)
        return cert_alert(a->alert) && a->alert != orig->alert;
    /* Refused for the certificate with it, refused otherwise without it:
     * the server wants one, and not this one. */
    if (a->change == IOTLS_CLI_CHANGE_NO_CLIENT_CERT)
        return cert_alert(orig->alert) && a->alert >= 0 && !cert_alert(a->alert);
    return 0;
}

iotls_cause iotls_cli_change_cause(const iotls_cli_opts *o, iotls_cli_change c)
{
    switch (c) {
    case IOTLS_CLI_CHANGE_SNI_HOST:
        return o->no_sni ? IOTLS_CAUSE_SNI_MISSING : IOTLS_CAUSE_SNI_REJECTED;
    case IOTLS_CLI_CHANGE_SNI_NONE:
        return IOTLS_CAUSE_SNI_REJECTED;
    case IOTLS_CLI_CHANGE_SUITES_WIDE:
        return IOTLS_CAUSE_NO_SHARED_CIPHER;
    case IOTLS_CLI_CHANGE_GROUPS_WIDE:
        return IOTLS_CAUSE_NO_SHARED_GROUP;
    case IOTLS_CLI_CHANGE_SIGS_WIDE:
        return IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM;
    case IOTLS_CLI_CHANGE_TLS1_1:
    case IOTLS_CLI_CHANGE_TLS1_0:
        return IOTLS_CAUSE_PROTOCOL_VERSION;
    case IOTLS_CLI_CHANGE_NO_CLIENT_CERT:
        return IOTLS_CAUSE_CLIENT_CERT_REJECTED;
    case IOTLS_CLI_CHANGE_THROWAWAY_CERT:
        return IOTLS_CAUSE_CLIENT_CERT_REQUIRED;
    default:
        return IOTLS_CAUSE_NONE;
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void evidence(iotls_diagnosis *d, const char *fmt, ...)
{
    va_list ap;
    if (d->n_evidence >= IOTLS_DIAG_MAX_EVIDENCE)
        return;
    va_start(ap, fmt);
    vsnprintf(d->evidence[d->n_evidence++], IOTLS_DIAG_LINE, fmt, ap);
    va_end(ap);
}

/* The passive diagnosis becomes the confirmed one: its evidence stays after
 * the attempts that decided, its fixes stay when it named the same cause. */
static void become(iotls_diagnosis *d, iotls_cause cause, const iotls_cli_attempt *att, size_t n,
                   size_t decisive)
{
    iotls_diagnosis old = *d;
    size_t i;

    d->cause = cause;
    d->certainty = IOTLS_DIAG_CONFIRMED;
    d->n_evidence = 0;
    memset(d->evidence, 0, sizeof d->evidence);
    for (i = 0; i < n; i++)
        if (i == 0 || i == decisive || (iotls_cli_change_is_probe(att[i].change) && i < decisive))
            evidence(d, "attempt %u (%s): %s", (unsigned)(i + 1),
                     iotls_cli_change_text(att[i].change), att[i].result);
    for (i = 0; i < old.n_evidence; i++)
        evidence(d, "%s", old.evidence[i]);
    if (old.cause != cause) {
        d->fix_tool[0] = d->fix_device[0] = d->fix_server[0] = '\0';
    }
    d->n_candidates = 1;
    memset(d->candidates, 0, sizeof d->candidates);
    d->candidates[0].cause = cause;
    line(d->candidates[0].why, IOTLS_DIAG_LINE, "confirmed by attempt %u: %s",
             (unsigned)(decisive + 1), iotls_cli_change_text(att[decisive].change));
    snprintf(d->doc, sizeof d->doc, "docs/causes/%s.md", iotls_cause_name(cause));
}

static const char *curve_macro(uint16_t tls_id)
{
    switch (tls_id) {
    case 19: return "MBEDTLS_ECP_DP_SECP192R1";
    case 21: return "MBEDTLS_ECP_DP_SECP224R1";
    case 23: return "MBEDTLS_ECP_DP_SECP256R1";
    case 24: return "MBEDTLS_ECP_DP_SECP384R1";
    case 25: return "MBEDTLS_ECP_DP_SECP521R1";
    case 18: return "MBEDTLS_ECP_DP_SECP192K1";
    case 20: return "MBEDTLS_ECP_DP_SECP224K1";
    case 22: return "MBEDTLS_ECP_DP_SECP256K1";
    case 26: return "MBEDTLS_ECP_DP_BP256R1";
    case 27: return "MBEDTLS_ECP_DP_BP384R1";
    case 28: return "MBEDTLS_ECP_DP_BP512R1";
    case 29: return "MBEDTLS_ECP_DP_CURVE25519";
    case 30: return "MBEDTLS_ECP_DP_CURVE448";
    default: return "MBEDTLS_ECP_DP_<curve>";
    }
}

/* "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA256" -> "MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" */
static void suite_macro(uint16_t id, char *buf, size_t len)
{
    char tmp[16];
    const char *n = iotls_cli_suite_text(id, tmp, sizeof tmp);
    size_t i, o = 0;
    o = (size_t)snprintf(buf, len, "MBEDTLS_");
    for (i = 0; n[i] != '\0' && o + 1 < len; i++, o++)
        buf[o] = n[i] == '-' ? '_' : n[i];
    if (o < len)
        buf[o] = '\0';
}

/* Names of TLS signature schemes (RFC 8446 4.2.3; TLS 1.2 hash/sig pairs). */
static const char *scheme_name(uint16_t id)
{
    switch (id) {
    case 0x0201: return "rsa_pkcs1_sha1";
    case 0x0203: return "ecdsa_sha1";
    case 0x0301: return "rsa_pkcs1_sha224";
    case 0x0303: return "ecdsa_sha224";
    case 0x0401: return "rsa_pkcs1_sha256";
    case 0x0403: return "ecdsa_secp256r1_sha256";
    case 0x0501: return "rsa_pkcs1_sha384";
    case 0x0503: return "ecdsa_secp384r1_sha384";
    case 0x0601: return "rsa_pkcs1_sha512";
    case 0x0603: return "ecdsa_secp521r1_sha512";
    case 0x0804: return "rsa_pss_rsae_sha256";
    case 0x0805: return "rsa_pss_rsae_sha384";
    case 0x0806: return "rsa_pss_rsae_sha512";
    case 0x0807: return "ed25519";
    case 0x0808: return "ed448";
    case 0x0809: return "rsa_pss_pss_sha256";
    case 0x080a: return "rsa_pss_pss_sha384";
    case 0x080b: return "rsa_pss_pss_sha512";
    default: return "an unnamed scheme";
    }
}

/* The family of a scheme, for people: "RSA-PSS", "EdDSA", ... */
static const char *scheme_family(uint16_t id)
{
    if ((id >= 0x0804 && id <= 0x0806) || (id >= 0x0809 && id <= 0x080b))
        return "RSA-PSS";
    if (id == 0x0807 || id == 0x0808)
        return "EdDSA";
    if ((id & 0xff) == 1)
        return "RSA PKCS#1 v1.5";
    if ((id & 0xff) == 3)
        return "ECDSA";
    return "other";
}

/* The Mbed TLS hash of a TLS 1.2 hash/signature pair. */
static const char *scheme_md_macro(uint16_t id)
{
    switch (id >> 8) {
    case 2: return "MBEDTLS_MD_SHA1";
    case 3: return "MBEDTLS_MD_SHA224";
    case 4: return "MBEDTLS_MD_SHA256";
    case 5: return "MBEDTLS_MD_SHA384";
    case 6: return "MBEDTLS_MD_SHA512";
    default: return "MBEDTLS_MD_SHA1 and MBEDTLS_MD_SHA224";
    }
}

static void fix_for_change(const iotls_cli_opts *o, const iotls_cli_attempt *a, iotls_diagnosis *d)
{
    const char *h = o->url.host;
    char m[96], b1[16], b2[16];

    switch (a->change) {
    case IOTLS_CLI_CHANGE_SNI_HOST:
        FIX(fix_tool, "drop %s; iotls sends the dialed host as SNI by default",
            o->no_sni ? "--no-sni" : "--sni");
        FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"%s\");", h);
        if (d->fix_server[0] == '\0')
            FIX(fix_server, "nothing: the client sent %s", o->no_sni ? "no name" : "a name that "
                                                                                   "is not this "
                                                                                   "server's");
        break;
    case IOTLS_CLI_CHANGE_SNI_NONE:
        FIX(fix_tool, "--no-sni (the server refuses the name \"%s\" but serves clients without "
                      "SNI)",
            o->sni ? o->sni : h);
        FIX(fix_device, "do not call mbedtls_ssl_set_hostname() with \"%s\"; check the name "
                        "with mbedtls_ssl_conf_verify() instead",
            o->sni ? o->sni : h);
        FIX(fix_server, "serve the name \"%s\"", o->sni ? o->sni : h);
        break;
    case IOTLS_CLI_CHANGE_SUITES_WIDE:
        suite_macro(a->suite, m, sizeof m);
        FIX(fix_tool, "none: iotls offers only ECDHE with AEAD on purpose; the server must "
                      "enable such a suite");
        FIX(fix_device, "mbedtls_ssl_conf_ciphersuites(&conf, suites) with %s (the suite the "
                        "server chose)",
            m);
        FIX(fix_server, "enable ECDHE with AES-GCM or ChaCha20-Poly1305 (it chose %s)",
            iotls_cli_suite_text(a->suite, b1, sizeof b1));
        break;
    case IOTLS_CLI_CHANGE_GROUPS_WIDE:
        FIX(fix_tool, "none: iotls offers x25519, secp256r1 and secp384r1; the server must "
                      "accept one of them");
        FIX(fix_device, "mbedtls_ssl_conf_curves(&conf, curves) with %s (the curve the server "
                        "chose; MBEDTLS_ECP_DP_*_ENABLED in the config)",
            curve_macro(a->group));
        FIX(fix_server, "accept x25519 or secp256r1 as well as %s (OpenSSL: -groups "
                        "X25519:P-256:...)",
            iotls_cli_group_text(a->group, b2, sizeof b2));
        break;
    case IOTLS_CLI_CHANGE_SIGS_WIDE:
        FIX(fix_tool, "none: iotls offers SHA-256 and stronger signature hashes only");
        FIX(fix_device, "mbedtls_ssl_conf_sig_hashes(&conf, hashes) with %s added (only as a "
                        "stopgap: SHA-1 and SHA-224 signatures are weak)",
            a->sig_alg != 0 ? scheme_md_macro(a->sig_alg) : scheme_md_macro(0));
        FIX(fix_server, "sign with SHA-256 or better (a current certificate and TLS library)");
        break;
    case IOTLS_CLI_CHANGE_TLS1_1:
    case IOTLS_CLI_CHANGE_TLS1_0:
        FIX(fix_tool, "none on purpose: %s is obsolete (RFC 8996); the server must enable "
                      "TLS 1.2",
            a->change == IOTLS_CLI_CHANGE_TLS1_1 ? "TLS 1.1" : "TLS 1.0");
        FIX(fix_device, "upgrade the server; only as a stopgap: mbedtls_ssl_conf_min_version("
                        "&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_%d); "
                        "with CBC suites",
            a->change == IOTLS_CLI_CHANGE_TLS1_1 ? 2 : 1);
        FIX(fix_server, "enable TLS 1.2 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        break;
    case IOTLS_CLI_CHANGE_NO_CLIENT_CERT:
        FIX(fix_tool, "drop --cert/--key, or use a certificate from a CA the server trusts");
        FIX(fix_device, "mbedtls_ssl_conf_own_cert(&conf, &client_crt, &client_key); with a "
                        "certificate from the server's client CA (or none)");
        FIX(fix_server, "trust the client certificate's CA (nginx: ssl_client_certificate)");
        break;
    case IOTLS_CLI_CHANGE_THROWAWAY_CERT:
        FIX(fix_tool, "--cert FILE --key FILE: a client certificate from a CA the server "
                      "trusts, and its key");
        FIX(fix_device, "mbedtls_ssl_conf_own_cert(&conf, &client_crt, &client_key); with a "
                        "certificate from the server's client CA");
        FIX(fix_server, "or make client certificates optional (nginx: ssl_verify_client "
                        "optional)");
        break;
    default:
        break;
    }
}

/* A successful change: the cause it stands for. */
static size_t confirm_by_change(const iotls_cli_opts *o, const iotls_cli_attempt *att, size_t n,
                                iotls_diagnosis *d)
{
    size_t i;
    char b1[16], b2[16];

    for (i = 1; i < n; i++) {
        const iotls_cli_attempt *a = &att[i];
        iotls_cause c = iotls_cli_change_cause(o, a->change);
        int by_alert = 0;

        if (c == IOTLS_CAUSE_NONE || !a->ran)
            continue;
        by_alert = !a->ok && iotls_cli_attempt_confirms(&att[0], a);
        if (!a->ok && !by_alert)
            continue;
        become(d, c, att, n, i);
        fix_for_change(o, a, d);
        switch (a->change) {
        case IOTLS_CLI_CHANGE_SUITES_WIDE:
            line(d->summary, sizeof d->summary,
                     "confirmed: with every suite Mbed TLS has, the server chose %s, which the "
                     "offer lacked: no cipher suite in common",
                     iotls_cli_suite_text(a->suite, b1, sizeof b1));
            break;
        case IOTLS_CLI_CHANGE_SIGS_WIDE:
            if (a->sig_alg != 0) {
                line(d->summary, sizeof d->summary,
                     "confirmed: the server signs only with %s (0x%04x), a weak hash iotls does "
                     "not offer by default; with signature hashes down to SHA-1 the handshake "
                     "succeeded and the server chose it",
                     scheme_name(a->sig_alg), a->sig_alg);
                break;
            }
            line(d->summary, sizeof d->summary,
                 "confirmed: with signature hashes down to SHA-1 the handshake succeeded: the "
                 "server signs only with SHA-1 or SHA-224, which iotls does not offer by "
                 "default");
            break;
        case IOTLS_CLI_CHANGE_GROUPS_WIDE:
            line(d->summary, sizeof d->summary,
                     "confirmed: with every curve Mbed TLS has, the server chose %s, which the "
                     "offer lacked: no group in common",
                     a->group ? iotls_cli_group_text(a->group, b2, sizeof b2) : "another curve");
            break;
        case IOTLS_CLI_CHANGE_NO_CLIENT_CERT:
            if (by_alert) {
                line(d->summary, sizeof d->summary,
                     "confirmed: the server requires a client certificate (without one: alert "
                     "%d %s) and rejects this one (alert %d %s)",
                     a->alert, iotls_alert_name(a->alert), att[0].alert,
                     iotls_alert_name(att[0].alert));
                break;
            }
            line(d->summary, sizeof d->summary,
                 "confirmed: without the client certificate the handshake succeeded: the server "
                 "rejects this certificate (alert %d %s)",
                 att[0].alert, iotls_alert_name(att[0].alert));
            break;
        case IOTLS_CLI_CHANGE_THROWAWAY_CERT:
            line(d->summary, sizeof d->summary,
                     "confirmed: the server requires a client certificate; %s",
                     a->ok ? "with one (even a self-signed one) it completed the handshake"
                           : "given a throwaway one it went on to check it (alert ");
            if (!a->ok) {
                size_t l = strlen(d->summary);
                line(d->summary + l, sizeof d->summary - l,
                         "%d %s), so it wants one from a CA it trusts", a->alert,
                         iotls_alert_name(a->alert));
            }
            break;
        default:
            line(d->summary, sizeof d->summary,
                     "confirmed: with %s the handshake succeeded (%s), so the cause was %s",
                     iotls_cli_change_text(a->change), a->result + (strncmp(a->result,
                                                                           "connected: ",
                                                                           11) == 0
                                                                       ? 11
                                                                       : 0),
                     iotls_cause_name(c));
            break;
        }
        return i;
    }
    return 0;
}

static const iotls_cli_attempt *find(const iotls_cli_attempt *att, size_t n, iotls_cli_change c,
                                     size_t *idx)
{
    for (size_t i = 0; i < n; i++)
        if (att[i].change == c && att[i].ran) {
            *idx = i;
            return &att[i];
        }
    return NULL;
}

/* The hello probes: what Mbed TLS 2.28 cannot offer. */
static size_t confirm_by_probe(const iotls_cli_opts *o, const iotls_cli_attempt *att, size_t n,
                               iotls_diagnosis *d)
{
    size_t i12 = 0, im = 0, i13 = 0;
    const iotls_cli_attempt *p12 = find(att, n, IOTLS_CLI_CHANGE_PROBE_TLS12, &i12);
    const iotls_cli_attempt *pm = find(att, n, IOTLS_CLI_CHANGE_PROBE_MBED, &im);
    const iotls_cli_attempt *p13 = find(att, n, IOTLS_CLI_CHANGE_PROBE_TLS13, &i13);
    char b1[16], b2[16];

    (void)o;
    /* TLS 1.2 refused, TLS 1.3 chosen: only TLS 1.3. */
    if (p12 != NULL && !p12->ok && p13 != NULL && p13->ok && p13->version == 0x0304) {
        become(d, IOTLS_CAUSE_PROTOCOL_VERSION, att, n, i13);
        line(d->summary, sizeof d->summary,
             "confirmed: the server only accepts TLS 1.3 (it refused a TLS 1.2 hello with every "
             "suite and group, and %s %s from a full offer); Mbed TLS 2.28 does not implement "
             "it",
             p13->probe_outcome == IOTLS_PROBE_HELLO_RETRY ? "asked for TLS 1.3 with"
                                                            : "chose TLS 1.3,",
             p13->probe_outcome == IOTLS_PROBE_HELLO_RETRY
                 ? iotls_cli_group_text(p13->group, b2, sizeof b2)
                 : iotls_cli_suite_text(p13->suite, b1, sizeof b1));
        FIX(fix_tool, "none: iotls speaks TLS 1.2 (Mbed TLS 2.28 has no TLS 1.3)");
        FIX(fix_device, "a TLS 1.3-only server needs Mbed TLS 3.x with MBEDTLS_SSL_PROTO_TLS1_3 "
                        "(2.28 has none)");
        FIX(fix_server, "enable TLS 1.2 alongside TLS 1.3 (nginx: ssl_protocols TLSv1.2 "
                        "TLSv1.3;)");
        return i13;
    }
    /* TLS 1.2 possible, but only with a suite or group Mbed TLS lacks. */
    if (p12 != NULL && p12->ok && pm != NULL && !pm->ok) {
        int suite_missing = !iotls_cli_mbed_has_suite(p12->suite);
        int group_missing = p12->group != 0 && !iotls_cli_mbed_has_group(p12->group);
        if (suite_missing || group_missing) {
            iotls_cause c =
                suite_missing ? IOTLS_CAUSE_NO_SHARED_CIPHER : IOTLS_CAUSE_NO_SHARED_GROUP;
            become(d, c, att, n, im);
            if (suite_missing) {
                line(d->summary, sizeof d->summary,
                         "confirmed: the server only accepts %s; Mbed TLS 2.28 does not "
                         "implement it (it refused every suite Mbed TLS has)",
                         iotls_cli_suite_text(p12->suite, b1, sizeof b1));
                FIX(fix_tool, "none: Mbed TLS 2.28 has no %s",
                    iotls_cli_suite_text(p12->suite, b1, sizeof b1));
                FIX(fix_device, "none in Mbed TLS 2.28: the server must enable a suite it has "
                                "(ECDHE with AES-GCM)");
                FIX(fix_server, "enable ECDHE-ECDSA/RSA with AES-128-GCM (it chose %s)",
                    iotls_cli_suite_text(p12->suite, b1, sizeof b1));
            } else {
                line(d->summary, sizeof d->summary,
                         "confirmed: the server only accepts %s; Mbed TLS 2.28 does not "
                         "implement it (it refused every curve Mbed TLS has)",
                         iotls_cli_group_text(p12->group, b2, sizeof b2));
                FIX(fix_tool, "none: Mbed TLS 2.28 cannot use %s in TLS",
                    iotls_cli_group_text(p12->group, b2, sizeof b2));
                FIX(fix_device, "none in Mbed TLS 2.28: the server must accept x25519 or "
                                "secp256r1");
                FIX(fix_server, "accept x25519 or secp256r1 as well (OpenSSL: -groups "
                                "X25519:P-256:%s)",
                    iotls_cli_group_text(p12->group, b2, sizeof b2));
            }
            return im;
        }
    }
    /* TLS 1.2 possible with a suite and group Mbed TLS has, Mbed TLS's best
     * offer refused, and the same offer with every signature scheme
     * accepted: only the signature schemes differ, so they are the cause. */
    {
        size_t ims = 0, ifs = 0;
        const iotls_cli_attempt *pms = find(att, n, IOTLS_CLI_CHANGE_PROBE_MBED_SIGS, &ims);
        const iotls_cli_attempt *pfs = find(att, n, IOTLS_CLI_CHANGE_PROBE_FULL_SIGS, &ifs);
        if (p12 != NULL && p12->ok && pms != NULL && !pms->ok && pms->alert >= 0 &&
            pfs != NULL && pfs->ok && pfs->version == 0x0303) {
            uint16_t sa = pfs->sig_alg != 0 ? pfs->sig_alg : p12->sig_alg;
            become(d, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM, att, n, ifs);
            if (sa != 0)
                line(d->summary, sizeof d->summary,
                     "confirmed: the server requires %s signatures (%s, 0x%04x); Mbed TLS 2.28 "
                     "does not offer %s in TLS 1.2 (it refused Mbed TLS's best offer, alert %d, "
                     "and accepted the same offer with every signature scheme)",
                     scheme_family(sa), scheme_name(sa), sa, scheme_family(sa), pms->alert);
            else
                line(d->summary, sizeof d->summary,
                     "confirmed: the server requires a signature scheme Mbed TLS 2.28 does not "
                     "offer in TLS 1.2 (it refused Mbed TLS's best offer, alert %d, and "
                     "accepted the same offer with every signature scheme)",
                     pms->alert);
            FIX(fix_tool, "none: iotls (Mbed TLS 2.28) offers only RSA PKCS#1 v1.5 and ECDSA "
                          "signatures in TLS 1.2");
            FIX(fix_device, "no Mbed TLS 2.28 config line adds %s to TLS 1.2; the server must "
                            "accept rsa_pkcs1_sha256 or ecdsa_secp256r1_sha256, or move the "
                            "device to Mbed TLS 3.x with TLS 1.3 (MBEDTLS_SSL_PROTO_TLS1_3)",
                sa != 0 ? scheme_family(sa) : "that scheme");
            FIX(fix_server, "accept rsa_pkcs1_sha256 as well (OpenSSL: -sigalgs "
                            "RSA-PSS+SHA256:RSA+SHA256:ECDSA+SHA256)");
            return ifs;
        }
    }
    /* TLS 1.3 with a group only (HelloRetryRequest), TLS 1.2 refused. */
    if (p12 != NULL && !p12->ok && p13 != NULL && p13->ok) {
        become(d, IOTLS_CAUSE_PROTOCOL_VERSION, att, n, i13);
        line(d->summary, sizeof d->summary,
                 "confirmed: the server refuses TLS 1.2 and chose %s from a full offer; Mbed "
                 "TLS 2.28 does not implement it",
                 iotls_version_name(p13->version) ? iotls_version_name(p13->version) : "TLS 1.3");
        return i13;
    }
    return 0;
}

size_t iotls_cli_confirm(const iotls_cli_opts *o, const iotls_cli_attempt *att, size_t n,
                         iotls_diagnosis *d)
{
    size_t i;

    if (n == 0 || att[0].ok)
        return 0;
    if ((i = confirm_by_change(o, att, n, d)) != 0)
        return i;
    if ((i = confirm_by_probe(o, att, n, d)) != 0)
        return i;
    if (n > 1 && d->n_notes < IOTLS_DIAG_MAX_NOTES)
        line(d->notes[d->n_notes++], IOTLS_DIAG_LINE,
                 "iotls diagnose: no single change made the connection work (%u attempts); the "
                 "cause stays %s",
                 (unsigned)n, iotls_certainty_name(d->certainty));
    return 0;
}
