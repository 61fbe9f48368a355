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

#include "tlsopts.h"

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
    case IOTLS_CLI_CHANGE_VERSIONS_WIDE:
    case IOTLS_CLI_CHANGE_TLS_MAX_12:
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

/* Mbed TLS 3.6's name of an IANA group, for mbedtls_ssl_conf_groups(). */
static const char *group_macro(uint16_t id)
{
    switch (id) {
    case 0x0017: return "MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1";
    case 0x0018: return "MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1";
    case 0x0019: return "MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1";
    case 0x001a: return "MBEDTLS_SSL_IANA_TLS_GROUP_BP256R1";
    case 0x001b: return "MBEDTLS_SSL_IANA_TLS_GROUP_BP384R1";
    case 0x001c: return "MBEDTLS_SSL_IANA_TLS_GROUP_BP512R1";
    case 0x001d: return "MBEDTLS_SSL_IANA_TLS_GROUP_X25519";
    case 0x001e: return "MBEDTLS_SSL_IANA_TLS_GROUP_X448";
    case 0x0100: return "MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE2048";
    case 0x0101: return "MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE3072";
    case 0x0102: return "MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE4096";
    default: return "MBEDTLS_SSL_IANA_TLS_GROUP_<group>";
    }
}

/* The config line that compiles a group in. */
static const char *group_config(uint16_t id)
{
    switch (id) {
    case 0x0017: return "MBEDTLS_ECP_DP_SECP256R1_ENABLED";
    case 0x0018: return "MBEDTLS_ECP_DP_SECP384R1_ENABLED";
    case 0x0019: return "MBEDTLS_ECP_DP_SECP521R1_ENABLED";
    case 0x001a: return "MBEDTLS_ECP_DP_BP256R1_ENABLED";
    case 0x001b: return "MBEDTLS_ECP_DP_BP384R1_ENABLED";
    case 0x001c: return "MBEDTLS_ECP_DP_BP512R1_ENABLED";
    case 0x001d: return "MBEDTLS_ECP_DP_CURVE25519_ENABLED";
    case 0x001e: return "MBEDTLS_ECP_DP_CURVE448_ENABLED";
    default: return "the group's MBEDTLS_*_ENABLED";
    }
}

/* The Mbed TLS macro of an IANA suite: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" ->
 * "MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_AES_128_GCM_SHA256" ->
 * "MBEDTLS_TLS1_3_AES_128_GCM_SHA256". */
static void suite_macro(uint16_t id, char *buf, size_t len)
{
    char tmp[16];
    const char *n = iotls_cli_suite_text(id, tmp, sizeof tmp);

    if ((id >> 8) == 0x13 && strncmp(n, "TLS_", 4) == 0)
        snprintf(buf, len, "MBEDTLS_TLS1_3_%s", n + 4);
    else
        snprintf(buf, len, "MBEDTLS_%s", n);
}

/* Names of TLS signature schemes (RFC 8446 4.2.3; TLS 1.2 hash/sig pairs). */
static const char *scheme_name(uint16_t id)
{
    const char *n = iotls_sig_alg_name(id);
    return n != NULL ? n : "an unnamed scheme";
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

static int is_default_suite(uint16_t id)
{
    for (const uint16_t *p = iotls_default_ciphersuites(); p && *p; p++)
        if (*p == id)
            return 1;
    return 0;
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
        if ((a->suite >> 8) == 0x13 ? o->tls.n_suites13 > 0 : o->tls.n_suites12 > 0)
            FIX(fix_tool, "add %s to %s%s", iotls_cli_suite_text(a->suite, b1, sizeof b1),
                (a->suite >> 8) == 0x13 ? "--tls13-ciphers" : "--ciphers",
                is_default_suite(a->suite) ? ", or drop the option (the defaults include it)"
                                           : "");
        else
            FIX(fix_tool, "%s %s (only until the server is fixed: iotls leaves it out of its "
                          "default offer on purpose%s)",
                (a->suite >> 8) == 0x13 ? "--tls13-ciphers" : "--ciphers",
                iotls_cli_suite_text(a->suite, b1, sizeof b1),
                /* Mbed TLS checks a DHE group's size only, never that p is a safe
                 * prime: a composite or small-subgroup group would pass. */
                strstr(iotls_cli_suite_text(a->suite, b2, sizeof b2), "_DHE_") != NULL
                    ? "; the server's own DH group is used, and only its size is checked, "
                      "not that it is a safe prime"
                    : "");
        FIX(fix_device, "mbedtls_ssl_conf_ciphersuites(&conf, suites) with %s (the suite the "
                        "server chose)",
            m);
        FIX(fix_server, "enable ECDHE with AES-GCM or ChaCha20-Poly1305, or TLS 1.3 (it chose %s)",
            iotls_cli_suite_text(a->suite, b1, sizeof b1));
        break;
    case IOTLS_CLI_CHANGE_GROUPS_WIDE:
        FIX(fix_tool, "--curves %s (the group the server chose; iotls offers x25519, "
                      "secp256r1 and secp384r1 by default%s)",
            iotls_cli_group_text(a->group, b2, sizeof b2),
            o->tls.n_groups > 0 ? ", and your --curves left it out" : "");
        FIX(fix_device, "mbedtls_ssl_conf_groups(&conf, groups) with %s (the group the server "
                        "chose; %s in the config)",
            group_macro(a->group), group_config(a->group));
        FIX(fix_server, "accept x25519 or secp256r1 as well as %s (OpenSSL: -groups "
                        "X25519:P-256:...)",
            iotls_cli_group_text(a->group, b2, sizeof b2));
        break;
    case IOTLS_CLI_CHANGE_SIGS_WIDE:
        FIX(fix_tool, "none: iotls offers SHA-256 and stronger signature schemes only");
        FIX(fix_device, "mbedtls_ssl_conf_sig_algs(&conf, sig_algs) with %s added (only as a "
                        "stopgap: SHA-1 signatures are weak)",
            a->sig_alg == 0x0203   ? "MBEDTLS_TLS1_3_SIG_ECDSA_SHA1"
            : a->sig_alg == 0x0201 ? "MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA1"
                                   : "MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA1 and "
                                     "MBEDTLS_TLS1_3_SIG_ECDSA_SHA1");
        FIX(fix_server, "sign with SHA-256 or better (a current certificate and TLS library)");
        break;
    case IOTLS_CLI_CHANGE_VERSIONS_WIDE:
        FIX(fix_tool, "drop %s: the server speaks %s",
            o->tls.min_version == 0x0304 ? "--tlsv1.3" : "--tls-max 1.2",
            iotls_version_name(a->version) ? iotls_version_name(a->version) : "the other version");
        FIX(fix_device, "mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2); "
                        "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3);");
        FIX(fix_server, "nothing: the client left out the version the server speaks");
        break;
    case IOTLS_CLI_CHANGE_TLS_MAX_12:
        FIX(fix_tool, "--tls-max 1.2 (until the server is fixed)");
        FIX(fix_device, "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);");
        FIX(fix_server, "fix or upgrade the server (or the middlebox in front of it): a TLS 1.2 "
                        "server must answer a hello offering TLS 1.3 with TLS 1.2 (RFC 8446 "
                        "4.2.1, D.1)");
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
                     "confirmed: with every suite this build has, the server chose %s, which the "
                     "offer lacked: no cipher suite in common",
                     iotls_cli_suite_text(a->suite, b1, sizeof b1));
            break;
        case IOTLS_CLI_CHANGE_SIGS_WIDE:
            if (a->sig_alg != 0) {
                line(d->summary, sizeof d->summary,
                     "confirmed: the server signs only with %s (0x%04x), a weak hash iotls does "
                     "not offer by default; with signature schemes down to SHA-1 the handshake "
                     "succeeded and the server chose it",
                     scheme_name(a->sig_alg), a->sig_alg);
                break;
            }
            line(d->summary, sizeof d->summary,
                 "confirmed: with signature schemes down to SHA-1 the handshake succeeded: the "
                 "server signs only with SHA-1, which iotls does not offer by default");
            break;
        case IOTLS_CLI_CHANGE_GROUPS_WIDE:
            line(d->summary, sizeof d->summary,
                     "confirmed: with every group this build has, the server chose %s, which the "
                     "offer lacked: no group in common",
                     a->group ? iotls_cli_group_text(a->group, b2, sizeof b2) : "another curve");
            break;
        case IOTLS_CLI_CHANGE_TLS_MAX_12:
            line(d->summary, sizeof d->summary,
                 "confirmed: the server is intolerant of TLS 1.3: a hello offering TLS 1.3 "
                 "fails, the same offer with TLS 1.2 only succeeded (%s)",
                 a->result + (strncmp(a->result, "connected: ", 11) == 0 ? 11 : 0));
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

/* Why a suite is unsafe whatever the build, from its IANA name; NULL for
 * one that is merely absent from this build. */
static const char *suite_weakness(const char *name)
{
    if (strstr(name, "_WITH_NULL_") != NULL)
        return "a suite without encryption (NULL cipher: everything in clear)";
    if (strstr(name, "_RC4_") != NULL)
        return "an RC4 suite (RC4 is broken; prohibited by RFC 7465)";
    if (strstr(name, "_3DES_") != NULL || strstr(name, "_DES_") != NULL)
        return "a 3DES/DES suite (a 64-bit block cipher: Sweet32, CVE-2016-2183)";
    if (strstr(name, "_EXPORT") != NULL)
        return "an export-grade suite (40- or 56-bit keys)";
    if (strstr(name, "_anon_") != NULL)
        return "an anonymous suite (no server authentication)";
    return NULL;
}

/* The hello probes: what Mbed TLS cannot offer. */
static size_t confirm_by_probe(const iotls_cli_opts *o, const iotls_cli_attempt *att, size_t n,
                               iotls_diagnosis *d)
{
    size_t i12 = 0, im = 0, i13 = 0;
    const iotls_cli_attempt *p12 = find(att, n, IOTLS_CLI_CHANGE_PROBE_TLS12, &i12);
    const iotls_cli_attempt *pm = find(att, n, IOTLS_CLI_CHANGE_PROBE_MBED, &im);
    const iotls_cli_attempt *p13 = find(att, n, IOTLS_CLI_CHANGE_PROBE_TLS13, &i13);
    char b1[16], b2[16];

    (void)o;
    /* A TLS 1.2 hello answered with TLS 1.0 or 1.1 (the server negotiated
     * down): it speaks nothing newer. */
    if (p12 != NULL && p12->ok && p12->version != 0 && p12->version < 0x0303) {
        const char *v = iotls_version_name(p12->version) ? iotls_version_name(p12->version)
                                                          : "an old version";
        become(d, IOTLS_CAUSE_PROTOCOL_VERSION, att, n, i12);
        line(d->summary, sizeof d->summary,
             "confirmed: the server only accepts %s (it answered a TLS 1.2 hello with every "
             "suite and group with %s); Mbed TLS 3.6 implements TLS 1.2 and 1.3 only", v, v);
        FIX(fix_tool, "none on purpose: %s is obsolete (RFC 8996)", v);
        FIX(fix_device, "none in Mbed TLS 3.6 (TLS 1.0 and 1.1 were removed): upgrade the "
                        "server");
        FIX(fix_server, "enable TLS 1.2 or 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        return i12;
    }
    /* TLS 1.2 refused, TLS 1.0 or 1.1 chosen: Mbed TLS 3.6 has neither. */
    if (p12 != NULL && !p12->ok && p13 != NULL && p13->ok && p13->version != 0 &&
        p13->version < 0x0303) {
        const char *v = iotls_version_name(p13->version) ? iotls_version_name(p13->version)
                                                          : "an old version";
        become(d, IOTLS_CAUSE_PROTOCOL_VERSION, att, n, i13);
        line(d->summary, sizeof d->summary,
             "confirmed: the server only accepts %s (it refused a TLS 1.2 hello with every "
             "suite and group, and chose %s from a hello offering TLS 1.3 to 1.0); Mbed TLS 3.6 "
             "implements TLS 1.2 and 1.3 only",
             v, v);
        FIX(fix_tool, "none on purpose: %s is obsolete (RFC 8996)", v);
        FIX(fix_device, "none in Mbed TLS 3.6 (TLS 1.0 and 1.1 were removed): upgrade the "
                        "server");
        FIX(fix_server, "enable TLS 1.2 or 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        return i13;
    }
    /* TLS 1.2 refused, TLS 1.3 chosen, and every Mbed TLS attempt failed:
     * with a suite or group this build lacks, or not offered at all. */
    if (p12 != NULL && !p12->ok && p13 != NULL && p13->ok && p13->version == 0x0304) {
        int hrr = p13->probe_outcome == IOTLS_PROBE_HELLO_RETRY;
        int suite_missing = !hrr && p13->suite != 0 && !iotls_cli_mbed_has_suite(p13->suite);
        int group_missing = p13->group != 0 && !iotls_cli_mbed_has_group(p13->group);

        if (suite_missing || group_missing) {
            become(d, suite_missing ? IOTLS_CAUSE_NO_SHARED_CIPHER : IOTLS_CAUSE_NO_SHARED_GROUP,
                   att, n, i13);
            line(d->summary, sizeof d->summary,
                 "confirmed: the server only accepts TLS 1.3 with %s (it refused TLS 1.2 and "
                 "%s it from a full offer); this build of Mbed TLS does not implement it",
                 suite_missing ? iotls_cli_suite_text(p13->suite, b1, sizeof b1)
                               : iotls_cli_group_text(p13->group, b2, sizeof b2),
                 hrr ? "asked for" : "chose");
            FIX(fix_tool, "none: this build has no %s",
                suite_missing ? iotls_cli_suite_text(p13->suite, b1, sizeof b1)
                              : iotls_cli_group_text(p13->group, b2, sizeof b2));
            FIX(fix_device, "none with this Mbed TLS configuration: the server must accept "
                            "TLS_AES_128_GCM_SHA256 with x25519 or secp256r1");
            FIX(fix_server, "accept TLS_AES_128_GCM_SHA256 and x25519 or secp256r1 as well");
            return i13;
        }
        become(d, IOTLS_CAUSE_PROTOCOL_VERSION, att, n, i13);
        line(d->summary, sizeof d->summary,
             "confirmed: the server only accepts TLS 1.3 (it refused a TLS 1.2 hello with every "
             "suite and group, and %s %s from a full offer)",
             hrr ? "asked for TLS 1.3 with" : "chose TLS 1.3,",
             hrr ? iotls_cli_group_text(p13->group, b2, sizeof b2)
                 : iotls_cli_suite_text(p13->suite, b1, sizeof b1));
        FIX(fix_tool, "offer TLS 1.3: drop --tls-max 1.2 (iotls offers TLS 1.3 and 1.2 by "
                      "default)");
        FIX(fix_device, "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3); "
                        "with MBEDTLS_SSL_PROTO_TLS1_3 and psa_crypto_init()");
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
                const char *weak = suite_weakness(iotls_cli_suite_text(p12->suite, b1,
                                                                       sizeof b1));
                if (weak != NULL) {
                    line(d->summary, sizeof d->summary,
                         "confirmed: the server only accepts %s, %s; iotls never offers it, on "
                         "purpose (the server refused every suite this build has)",
                         iotls_cli_suite_text(p12->suite, b1, sizeof b1), weak);
                    FIX(fix_tool, "none on purpose: %s is %s",
                        iotls_cli_suite_text(p12->suite, b1, sizeof b1), weak);
                } else {
                    line(d->summary, sizeof d->summary,
                         "confirmed: the server only accepts %s; this build of Mbed TLS does "
                         "not implement it (it refused every suite Mbed TLS has)",
                         iotls_cli_suite_text(p12->suite, b1, sizeof b1));
                    FIX(fix_tool, "none: this build has no %s",
                        iotls_cli_suite_text(p12->suite, b1, sizeof b1));
                }
                FIX(fix_device, "none with this Mbed TLS configuration: the server must enable "
                                "a suite it has (ECDHE with AES-GCM, or TLS 1.3)");
                FIX(fix_server, "enable ECDHE-ECDSA/RSA with AES-128-GCM, or TLS 1.3 (it chose "
                                "%s)",
                    iotls_cli_suite_text(p12->suite, b1, sizeof b1));
            } else {
                line(d->summary, sizeof d->summary,
                         "confirmed: the server only accepts %s; this build of Mbed TLS does "
                         "not implement it in TLS 1.2 (it refused every group Mbed TLS has)",
                         iotls_cli_group_text(p12->group, b2, sizeof b2));
                FIX(fix_tool, "none: this build cannot use %s in TLS 1.2",
                    iotls_cli_group_text(p12->group, b2, sizeof b2));
                FIX(fix_device, "none with this Mbed TLS configuration: the server must accept "
                                "x25519 or secp256r1");
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
                     "confirmed: the server requires %s signatures (%s, 0x%04x) in TLS 1.2; "
                     "Mbed TLS 3.6 does not support %s in TLS 1.2 (it refused Mbed TLS's TLS "
                     "1.2 offer, alert %d, and accepted the same offer with every signature "
                     "scheme)",
                     scheme_family(sa), scheme_name(sa), sa, scheme_family(sa), pms->alert);
            else
                line(d->summary, sizeof d->summary,
                     "confirmed: the server requires a signature scheme Mbed TLS 3.6 does not "
                     "support in TLS 1.2 (it refused Mbed TLS's TLS 1.2 offer, alert %d, and "
                     "accepted the same offer with every signature scheme)",
                     pms->alert);
            FIX(fix_tool, "none: in TLS 1.2 iotls (Mbed TLS 3.6) verifies only RSA PKCS#1 "
                          "v1.5 and ECDSA signatures; it uses %s in TLS 1.3, which this server "
                          "does not speak",
                sa != 0 ? scheme_family(sa) : "more");
            FIX(fix_device, "no Mbed TLS 3.6 config line adds %s to TLS 1.2; the server must "
                            "accept rsa_pkcs1_sha256 or ecdsa_secp256r1_sha256, or enable TLS "
                            "1.3 (MBEDTLS_SSL_PROTO_TLS1_3 on the device)",
                sa != 0 ? scheme_family(sa) : "that scheme");
            FIX(fix_server, "accept rsa_pkcs1_sha256 as well, or enable TLS 1.3 (OpenSSL: "
                            "-sigalgs RSA-PSS+SHA256:RSA+SHA256:ECDSA+SHA256)");
            return ifs;
        }
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
