/*
 * Diagnosis: the server rejected the client's certificate. The alert says
 * that it did (42..46, 48, 49, or a close), rarely why; the certificate
 * iotls holds says the rest (issue 12, rule 4). In the order a server
 * checks them:
 *
 *   - its dates, against the clock of the attempt (e->wall_time): expired
 *     or not yet valid;
 *   - its usages: an extendedKeyUsage without clientAuth (RFC 5280
 *     4.2.1.12), a keyUsage without digitalSignature, which signing the
 *     CertificateVerify needs (4.2.1.3);
 *   - its issuer against the CAs the server named in its CertificateRequest
 *     (the wire keeps each name as a hash: TLS 1.2 in the clear, TLS 1.3
 *     decrypted by src/conn/tls13.c). Only an issuer the server did not
 *     name brings a server-side trust fix; the names are DNs, so a CA of
 *     the same name with another key cannot be told apart, and the words
 *     say "by name".
 *
 * Called by client_cert() in rules_handshake.c once it has decided the
 * cause is client_cert_rejected and written the wire's evidence. Returns 1
 * when it concluded (summary, cause, fixes), 2 when it did not but the
 * server named the issuer (no trust fix for the server then), 0 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/oid.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "diagnose/rules.h"
#include "conn/engine.h"

static void date_text(const mbedtls_x509_time *t, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d-%02d", t->year, t->mon, t->day);
}

static int named(const iotls_wire *w, const mbedtls_x509_buf *name)
{
    uint32_t h;
    unsigned i;

    if (name->p == NULL || name->len == 0)
        return 0;
    h = iotls_wire_name_hash(name->p, name->len);
    for (i = 0; i < w->cr_n_ca_hashes && i < IOTLS_EV_MAX_CR_CAS; i++)
        if (w->cr_ca_hashes[i] == h)
            return 1;
    return 0;
}

/* Did the server name a CA of the client's chain? 1 yes (by name), 0 no,
 * -1 unknown (no list, an empty one, or one read in part). *which gets
 * the certificate whose issuer (or, above the client's, whose subject) it
 * named. */
static int issuer_named(const iotls_wire *w, const mbedtls_x509_crt *chain,
                        const mbedtls_x509_crt **which)
{
    const mbedtls_x509_crt *c;
    int i;

    *which = NULL;
    if (w->cr_cas_seen == 0 || w->cr_n_cas == 0)
        return -1;
    for (c = chain, i = 0; c != NULL && c->raw.len > 0 && i < 16; c = c->next, i++) {
        if (named(w, &c->issuer_raw) || (i > 0 && named(w, &c->subject_raw))) {
            *which = c;
            return 1;
        }
    }
    return w->cr_cas_seen == 1 ? 0 : -1;
}

/* The names the server listed, as far as iotls knows them (the client's
 * chain, the trust store): "CN=a; CN=b; 2 not known here". */
static void listed_text(const iotls_diag_ctx *x, const mbedtls_x509_crt *chain, char *buf,
                        size_t len)
{
    const iotls_wire *w = &x->e->wire;
    const iotls_trust *t = x->in->trust;
    size_t used = 0;
    unsigned i, unknown = 0;
    int r;

    buf[0] = '\0';
    for (i = 0; i < w->cr_n_ca_hashes && i < IOTLS_EV_MAX_CR_CAS; i++) {
        const mbedtls_x509_crt *c, *hit = NULL;
        const mbedtls_x509_name *name = NULL;
        char dn[120];
        int guard;
        for (c = chain, guard = 0; c != NULL && c->raw.len > 0 && guard < 16 && name == NULL;
             c = c->next, guard++) {
            if (iotls_wire_name_hash(c->subject_raw.p, c->subject_raw.len) ==
                w->cr_ca_hashes[i])
                name = &c->subject;
            else if (iotls_wire_name_hash(c->issuer_raw.p, c->issuer_raw.len) ==
                     w->cr_ca_hashes[i])
                name = &c->issuer;
        }
        if (t != NULL && t->loaded > 0)
            for (c = iotls_trust_crt(t), guard = 0;
                 name == NULL && hit == NULL && c != NULL && c->raw.len > 0 && guard < 100000;
                 c = c->next, guard++)
                if (iotls_wire_name_hash(c->subject_raw.p, c->subject_raw.len) ==
                    w->cr_ca_hashes[i])
                    hit = c;
        if (hit != NULL)
            name = &hit->subject;
        if (name == NULL) {
            unknown++;
            continue;
        }
        iotls_x509_dn_text(name, dn, sizeof dn);
        r = snprintf(buf + used, len - used, "%s%s", used ? "; " : "", dn);
        if (r < 0 || (size_t)r >= len - used)
            return;
        used += (size_t)r;
    }
    unknown += (unsigned)(w->cr_n_cas > w->cr_n_ca_hashes ? w->cr_n_cas - w->cr_n_ca_hashes : 0);
    if (unknown > 0 && used < len)
        snprintf(buf + used, len - used, "%s%u not known here", used ? "; " : "", unknown);
}

int iotls_diag_client_own(iotls_diag_ctx *x, iotls_certainty certainty)
{
    const iotls_error *e = x->e;
    const mbedtls_x509_crt *chain = iotls_cred_chain(x->in->client), *which;
    char subj[120], iss[120], from[16], to[16], list[IOTLS_DIAG_SCRATCH - 60];
    int64_t now = e->wall_time;
    int listed, no_eku, no_ds, server_eku;

    if (chain == NULL || chain->raw.len == 0)
        return 0;
    iotls_x509_dn_text(&chain->subject, subj, sizeof subj);
    iotls_x509_dn_text(&chain->issuer, iss, sizeof iss);
    date_text(&chain->valid_from, from, sizeof from);
    date_text(&chain->valid_to, to, sizeof to);
    iotls_diag_add_evidence(x, "the client certificate iotls holds: %s, issued by %s, valid "
                               "%s to %s", subj, iss, from, to);
    listed = issuer_named(&e->wire, chain, &which);
    if (e->wire.cr_cas_seen != 0 && e->wire.cr_n_cas > 0) {
        listed_text(x, chain, list, sizeof list);
        iotls_diag_add_evidence(x, "the CertificateRequest named %u CA(s)%s: %s",
                                (unsigned)e->wire.cr_n_cas,
                                e->wire.cr_cas_seen == 2 ? " (more than iotls keeps)" : "", list);
    } else if (e->wire.cr_cas_seen != 0) {
        iotls_diag_add_evidence(x, "the CertificateRequest named no CA (any issuer may do)");
    } else {
        iotls_diag_add_evidence(x, "the CertificateRequest named no CAs%s",
                                e->wire.sh_version == 0x0304
                                    ? " (no certificate_authorities extension)"
                                    : "");
    }

    /* Dates first: the server checks them whatever the issuer. */
    if (now >= 0 && (iotls_x509_epoch(&chain->valid_to) < now ||
                     iotls_x509_epoch(&chain->valid_from) > now)) {
        int expired = iotls_x509_epoch(&chain->valid_to) < now;
        char clock[40];
        iotls_diag_time_text(now, clock, sizeof clock);
        iotls_diag_add_evidence(x, "the client certificate is %s (%s %s, local clock %s)",
                                expired ? "expired" : "not yet valid",
                                expired ? "notAfter" : "notBefore", expired ? to : from, clock);
        iotls_diag_summary(x, "the server rejected the client certificate (%s): it %s %s",
                           subj, expired ? "expired on" : "is valid only from",
                           expired ? to : from);
        iotls_diag_conclude(x, IOTLS_CAUSE_CLIENT_CERT_REJECTED, certainty);
        IOTLS_DIAG_FIX(x, fix_tool, "--cert FILE --key FILE with a %s client certificate",
                       expired ? "renewed" : "currently valid");
        IOTLS_DIAG_FIX(x, fix_device, expired ? "provision a renewed client certificate "
                                                "(and its key) on the device; renew before "
                                                "notAfter from now on"
                                              : "check the device clock (SNTP), or provision a "
                                                "certificate whose notBefore has passed");
        IOTLS_DIAG_FIX(x, fix_server, "nothing to change on the server: the client certificate "
                                      "%s", expired ? "must be renewed" : "is not valid yet");
        return 1;
    }
    no_eku = mbedtls_x509_crt_check_extended_key_usage(
                 chain, MBEDTLS_OID_CLIENT_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)) != 0;
    server_eku = mbedtls_x509_crt_check_extended_key_usage(
                     chain, MBEDTLS_OID_SERVER_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) == 0;
    no_ds = mbedtls_x509_crt_check_key_usage(chain, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0;
    if (no_eku || no_ds) {
        if (no_eku)
            iotls_diag_add_evidence(x, "the client certificate's extendedKeyUsage has no "
                                       "clientAuth%s (RFC 5280 4.2.1.12)",
                                    server_eku ? " (it has serverAuth: a server's certificate)"
                                               : "");
        if (no_ds)
            iotls_diag_add_evidence(x, "the client certificate's keyUsage has no "
                                       "digitalSignature, which signing the CertificateVerify "
                                       "needs (RFC 5280 4.2.1.3)");
        iotls_diag_summary(x, "the server rejected the client certificate (%s): %s", subj,
                           no_eku ? (server_eku ? "its extended key usage is serverAuth, not "
                                                  "clientAuth: it is a server's certificate"
                                                : "its extended key usage does not allow TLS "
                                                  "client authentication (no clientAuth)")
                                  : "its key usage does not allow signing (no "
                                    "digitalSignature)");
        iotls_diag_conclude(x, IOTLS_CAUSE_CLIENT_CERT_REJECTED, certainty);
        IOTLS_DIAG_FIX(x, fix_tool, "--cert FILE --key FILE with a client certificate (%s)",
                       no_eku ? "extendedKeyUsage=clientAuth" : "keyUsage=digitalSignature");
        IOTLS_DIAG_FIX(x, fix_device, "provision a client certificate issued with %s",
                       no_eku ? "extendedKeyUsage=clientAuth (openssl: -extfile with "
                                "extendedKeyUsage = clientAuth)"
                              : "keyUsage=critical,digitalSignature");
        IOTLS_DIAG_FIX(x, fix_server, "nothing to change on the server: the CA must issue the "
                                      "client certificate with %s",
                       no_eku ? "clientAuth" : "digitalSignature");
        return 1;
    }
    if (listed == 0) {
        iotls_diag_add_evidence(x, "the client certificate's issuer (%s) is not among them, nor "
                                   "is any CA of the chain iotls sends",
                                iss);
        iotls_diag_summary(x, "the server rejected the client certificate: its issuer (%s) is "
                              "not among the CAs the server named in its CertificateRequest",
                           iss);
        iotls_diag_conclude(x, IOTLS_CAUSE_CLIENT_CERT_REJECTED, certainty);
        IOTLS_DIAG_FIX(x, fix_tool, "--cert FILE --key FILE with a certificate from a CA the "
                                    "server names (or FILE holding the certificate then the "
                                    "intermediates up to one)");
        IOTLS_DIAG_FIX(x, fix_device, "mbedtls_ssl_conf_own_cert(&conf, &client_crt, "
                                      "&client_key); with a certificate from a CA the server "
                                      "names, its intermediates parsed after it");
        IOTLS_DIAG_FIX(x, fix_server, "trust the client certificate's CA (%s) (nginx: "
                                      "ssl_client_certificate)", iss);
        return 1;
    }
    if (listed == 1) {
        char at[120];
        int by_issuer = named(&e->wire, &which->issuer_raw);
        iotls_x509_dn_text(by_issuer ? &which->issuer : &which->subject, at, sizeof at);
        iotls_diag_add_evidence(x, "the server named %s, %s the client's chain (by name: a "
                                   "CA of the same name with another key looks the same)",
                                at, which == chain && by_issuer ? "the issuer of" : "a CA of");
        return 2;
    }
    return 0;
}
