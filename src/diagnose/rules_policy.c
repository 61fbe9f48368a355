/*
 * Diagnosis: the chain was rejected by iotls's own certificate policy
 * (src/trust/policy.c), not by Mbed TLS: a CA's name constraints
 * (name_constraints), or an RFC 5280 / CA/B Forum rule the policy enforces
 * (cert_profile: key identifiers, serial numbers, repeated extensions, a CA
 * as the server's certificate, ...). Called by iotls_diag_cert() after the
 * rules for Mbed TLS's own flags, so a chain that is also untrusted,
 * expired or for another name is diagnosed as that first.
 *
 * The facts: the verify flag the policy set, and its one-line detail
 * (iotls_error.detail, copied there by the verify callback of a connection
 * and by iotls_verify_chain()). The detail opens with the certificate it is
 * about, as policy.c's who() writes it: "the server's certificate (CN=...)"
 * or "certificate N (CN=...)", N the depth in the verified chain. That depth
 * is matched to a certificate of the chain as sent (or given) by walking
 * issuers up from the server's certificate, the trust store last, as Mbed
 * TLS builds the chain, so the summary names the certificate by its place
 * and full subject. Without a detail (IOTLS_POLICY_DETAIL 0) the cause is
 * the same and the words are general.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "diagnose/rules.h"
#include "conn/engine.h"
#include "trust/policy.h"

/* The certificate the policy's detail is about. */
typedef struct at_fault {
    int depth;                   /* in the verified chain (0: the server's), -1 unknown */
    int sent_index;              /* 1-based place in the chain as sent, 0 if not in it */
    int from_store;              /* the trust store's certificate (the anchor) */
    const mbedtls_x509_crt *crt; /* NULL when it could not be placed */
    const char *rest;            /* the detail after its "certificate N (CN=...)" */
} at_fault;

/* The server-side fix with the certificate's name in it (vsnprintf: a long
 * subject is cut, never an overflow); nothing without IOTLS_DIAG_TEXT. */
#if IOTLS_DIAG_TEXT
static void server_fix(iotls_diag_ctx *x, const char *fmt, ...) IOTLS_DIAG_PRINTF(2, 3);
static void server_fix(iotls_diag_ctx *x, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(x->d->fix_server, sizeof x->d->fix_server, fmt, ap);
    va_end(ap);
}
#else
#define server_fix iotls_diag_drop
#endif

/* The depth the detail names, and where its words go on; -1 if it does
 * not open with a certificate. */
static int detail_depth(const char *detail, const char **rest)
{
    static const char server[] = "the server's certificate (CN=";
    static const char cert[] = "certificate ";
    const char *p = detail, *close;
    int depth = 0, digits = 0;

    *rest = detail;
    if (strncmp(p, server, sizeof server - 1) == 0) {
        p += sizeof server - 1;
    } else if (strncmp(p, cert, sizeof cert - 1) == 0) {
        p += sizeof cert - 1;
        while (*p >= '0' && *p <= '9' && digits < 3) {
            depth = depth * 10 + (*p++ - '0');
            digits++;
        }
        if (digits == 0 || strncmp(p, " (CN=", 5) != 0)
            return -1;
        p += 5;
    } else {
        return -1;
    }
    close = strstr(p, ") ");
    if (close == NULL)
        return -1;
    *rest = close + 2;
    return depth;
}

/* The issuer of c, as Mbed TLS looks for it: the trust store first, then
 * the certificates sent after c. */
static const mbedtls_x509_crt *issuer_of(const mbedtls_x509_crt *c, const mbedtls_x509_crt *sent,
                                         const iotls_trust *t, int *from_store, int *index)
{
    const mbedtls_x509_crt *p;
    int i, guard;

    *from_store = 0;
    *index = 0;
    if (t != NULL && t->loaded > 0) {
        for (p = iotls_trust_crt(t), guard = 0; p != NULL && p->raw.len > 0 && guard < 100000;
             p = p->next, guard++)
            if (iotls_x509_raw_eq(&p->subject_raw, &c->issuer_raw)) {
                *from_store = 1;
                return p;
            }
    }
    for (p = sent, i = 1; p != NULL && p->raw.len > 0 && i <= 64; p = p->next, i++)
        if (p != c && iotls_x509_raw_eq(&p->subject_raw, &c->issuer_raw)) {
            *index = i;
            return p;
        }
    return NULL;
}

static void find_fault(const iotls_diag_ctx *x, const mbedtls_x509_crt *leaf, at_fault *f)
{
    const mbedtls_x509_crt *c = leaf;
    int d;

    memset(f, 0, sizeof *f);
    f->depth = detail_depth(x->e->detail, &f->rest);
    if (f->depth < 0 || leaf == NULL)
        return;
    f->sent_index = 1;
    for (d = 0; d < f->depth && c != NULL; d++) {
        if (f->from_store)
            return; /* the anchor ends the chain: the detail is about another */
        c = issuer_of(c, leaf, x->in->trust, &f->from_store, &f->sent_index);
    }
    f->crt = c;
}

/* "the server's certificate (CN=a, O=b)", "intermediate #2 of the chain the
 * server sent (CN=...)", "the trust anchor (CN=...) from the trust store". */
static void fault_text(const iotls_diag_ctx *x, const at_fault *f, char *buf, size_t len)
{
    char dn[160];
    const char *chain = x->offline ? "the chain given" : "the chain the server sent";

    if (f->crt == NULL) {
        if (f->depth == 0)
            snprintf(buf, len, "the server's certificate");
        else if (f->depth > 0)
            snprintf(buf, len, "certificate %d above the server's", f->depth);
        else
            snprintf(buf, len, "a certificate of the chain");
        return;
    }
    if (mbedtls_x509_dn_gets(dn, sizeof dn, &f->crt->subject) < 0)
        snprintf(dn, sizeof dn, "(unreadable)");
    if (f->depth == 0)
        snprintf(buf, len, "the server's certificate (%s)", dn);
    else if (f->from_store)
        snprintf(buf, len, "the trust anchor (%s, from the trust store)", dn);
    else
        snprintf(buf, len, "%s #%d of %s (%s)",
                 mbedtls_x509_crt_get_ca_istrue(f->crt) == 1 ? "the CA certificate" : "certificate",
                 f->sent_index, chain, dn);
}

/* The CAs of the chain that carry nameConstraints: the facts behind a
 * name_constraints cause, whatever the detail says. */
static void constrained_cas(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    static const unsigned char oid_nc[] = {0x55, 0x1d, 0x1e}; /* 2.5.29.30 */
    const mbedtls_x509_crt *c;
    char dn[160];
    int i, crit;

    for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 16; c = c->next, i++) {
        crit = 0;
        if (iotls_policy_find_ext(c->v3_ext.p, c->v3_ext.len, oid_nc, sizeof oid_nc, NULL, NULL,
                                  &crit) != 1)
            continue;
        if (mbedtls_x509_dn_gets(dn, sizeof dn, &c->subject) < 0)
            snprintf(dn, sizeof dn, "(unreadable)");
        iotls_diag_add_evidence(x, "certificate #%d of %s (%s) carries %s nameConstraints", i,
                                x->offline ? "the chain given" : "the chain the server sent", dn,
                                crit ? "critical" : "non-critical");
    }
}

static int nc_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    char who[256]; /* a place and a subject (dn_gets: 160 at most) */
    at_fault f;

    if ((e->verify_flags & IOTLS_BADCERT_NAME_CONSTRAINTS) == 0)
        return 0;
    find_fault(x, leaf, &f);
    fault_text(x, &f, who, sizeof who);
    iotls_diag_add_evidence(x, "verify flag name_constraints (set by iotls's policy, "
                               "src/trust/policy.c)");
    if (e->detail[0] != '\0')
        iotls_diag_add_evidence(x, "policy: %s", e->detail);
    if (f.depth >= 0)
        iotls_diag_add_evidence(x, "the certificate at fault: %s", who);
    constrained_cas(x, leaf);
    if (f.depth >= 0 && f.rest[0] != '\0')
        iotls_diag_summary(x, "%s %s", who, f.rest);
    else
        iotls_diag_summary(x, "a CA in the chain may only issue for the names its "
                              "nameConstraints permit, and a name in the chain is outside them");
    iotls_diag_conclude(x, IOTLS_CAUSE_NAME_CONSTRAINTS, IOTLS_DIAG_CERTAIN);
    if (strstr(f.rest, "not a CA") != NULL)
        server_fix(x, "reissue %s without nameConstraints: only a CA may carry them (RFC 5280 "
                      "4.2.1.10)", who);
    else if (strstr(f.rest, "malformed or empty") != NULL)
        server_fix(x, "reissue %s with a well-formed nameConstraints (openssl: "
                      "nameConstraints=permitted;DNS:.example.com)", who);
    else if (strstr(f.rest, "beyond the") != NULL)
        IOTLS_DIAG_FIX(x, fix_server, "a chain with fewer name-constrained CAs (iotls keeps %d)",
                       IOTLS_POLICY_MAX_NC);
    else if (f.depth > 0 && (strstr(f.rest, "is outside it") != NULL ||
                             strstr(f.rest, "is inside it") != NULL))
        server_fix(x, "a certificate from a CA allowed to issue for the name, or %s reissued "
                      "with it permitted (openssl: nameConstraints=permitted;DNS:.<domain>, "
                      "non-critical for Mbed TLS 3.6 devices)", who);
    return 1;
}

/* The fix of a profile rule: what the certificate must be reissued with,
 * for a private PKI the openssl extension line (an -extfile or a [ section ]
 * of openssl ca). NULL when the words are not known. */
typedef struct profile_fix {
    const char *words; /* in the detail, after the certificate it names */
    const char *fix;
    int chain_length;  /* the bound is the caller's (--max-intermediates) */
} profile_fix;

static const profile_fix *find_profile_fix(const char *rest)
{
    static const profile_fix table[] = {
        {"no authority key identifier",
         "authorityKeyIdentifier=keyid:always (its issuer needs subjectKeyIdentifier=hash)", 0},
        {"without a subject key identifier", "subjectKeyIdentifier=hash", 0},
        {"authority key identifier critical",
         "authorityKeyIdentifier=keyid:always, without \"critical,\"", 0},
        {"subject key identifier critical", "subjectKeyIdentifier=hash, without \"critical,\"",
         0},
        {"serial number",
         "a positive serial number of at most 20 octets (openssl x509 -req -CAcreateserial, "
         "or -set_serial 0x plus at most 40 hex digits, the first below 8)", 0},
        {"repeated extensions", "each extension once, well formed (RFC 5280 4.2)", 0},
        {"empty subject",
         "a subject (-subj \"/CN=<name>\"), or subjectAltName=critical,DNS:<name>", 0},
        {"authority information access",
         "authorityInfoAccess=caIssuers;URI:http://<ca>/ca.crt (one entry or more), or none", 0},
        {"authority key identifier names another",
         "authorityKeyIdentifier=keyid (its own key), or none", 0},
        {"root with an extended key usage", "no extendedKeyUsage in the root", 0},
        {"is a CA certificate", "basicConstraints=critical,CA:FALSE", 0},
        {"cannot be used",
         "no unknown critical extension, an RSA (2048 bits or more) or P-256/P-384 key, and the "
         "same signature algorithm inside and outside", 0},
        {"more than the", "fewer intermediates", 1},
    };
    size_t i;

    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strstr(rest, table[i].words) != NULL)
            return &table[i];
    return NULL;
}

static int profile_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    char who[256]; /* a place and a subject (dn_gets: 160 at most) */
    const profile_fix *fix;
    int unparsed = e->mbedtls_code != 0 && e->mbedtls_code != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    at_fault f;

    if ((e->verify_flags & (MBEDTLS_X509_BADCERT_OTHER | IOTLS_BADCERT_LEAF_IS_CA)) == 0)
        return 0;
    find_fault(x, leaf, &f);
    fault_text(x, &f, who, sizeof who);
    if (e->verify_flags & IOTLS_BADCERT_LEAF_IS_CA)
        iotls_diag_add_evidence(x, "verify flag leaf_is_ca: the server's certificate is a CA "
                                   "(basicConstraints cA=TRUE) and the policy's reject_ca_leaf "
                                   "is set");
    else if (unparsed)
        iotls_diag_add_evidence(x, "verify flag other: Mbed TLS refused a certificate of the "
                                   "chain (-0x%04x: %s)", 0u - (unsigned)e->mbedtls_code,
                                iotls_trust_reason(e->mbedtls_code));
    else
        iotls_diag_add_evidence(x, "verify flag other: a rule of iotls's certificate policy "
                                   "(src/trust/policy.c) that Mbed TLS does not check");
    if (e->detail[0] != '\0')
        iotls_diag_add_evidence(x, "%s: %s", unparsed ? "verify" : "policy", e->detail);
    if (f.depth >= 0)
        iotls_diag_add_evidence(x, "the certificate at fault: %s", who);
    if (f.depth >= 0 && f.rest[0] != '\0')
        iotls_diag_summary(x, "%s %s", who, f.rest);
    else if (unparsed && e->detail[0] != '\0')
        iotls_diag_summary(x, "%s: %s", e->detail, iotls_trust_reason(e->mbedtls_code));
    else if (e->detail[0] != '\0')
        iotls_diag_summary(x, "the chain breaks a certificate rule iotls enforces: %s", e->detail);
    else
        iotls_diag_summary(x, "a certificate of the chain breaks an RFC 5280 / CA/B Forum rule "
                              "iotls enforces");
    iotls_diag_conclude(x, IOTLS_CAUSE_CERT_PROFILE, IOTLS_DIAG_CERTAIN);
    fix = find_profile_fix(f.rest);
    if (fix != NULL && fix->chain_length) {
        IOTLS_DIAG_FIX(x, fix_tool, "--max-intermediates N with a larger N, if the longer chain "
                                    "is expected");
        IOTLS_DIAG_FIX(x, fix_server, "send a chain with %s", fix->fix);
    } else if (fix != NULL) {
        server_fix(x, "reissue %s with %s", f.depth >= 0 ? who : "it", fix->fix);
    }
    return 1;
}

int iotls_diag_policy(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    return nc_rule(x, leaf) || profile_rule(x, leaf);
}
