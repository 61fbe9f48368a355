/*
 * Diagnosis: the certificate chain was rejected.
 *
 * Mbed TLS reports every problem it found as a bit in the verify flags, so
 * several can be set at once (a self-signed, expired certificate for another
 * name sets three). The flags are read in the order a user must fix them:
 * the clock first (a clock in 1970 makes every date wrong), then the name
 * (a wrong SNI brings a default certificate that fails everything else),
 * then trust, dates, and the algorithms. The other flags become notes.
 *
 * Rejections by iotls's own certificate policy (name constraints, profile
 * rules) come last, in rules_policy.c.
 *
 * Trust problems are told apart with the chain as sent (the input conn's,
 * which iotls keeps after a failed verification): a single
 * self-issued certificate is self-signed; a chain whose top is a root the
 * store does not hold is an unknown CA; a chain whose top is not a root and
 * whose issuer is not in the store is missing an intermediate, unless the
 * server sent intermediates already.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "diagnose/rules.h"
#include "conn/engine.h"

#define BADCERT_TRUST (MBEDTLS_X509_BADCERT_NOT_TRUSTED)
#define BADCERT_NAME (MBEDTLS_X509_BADCERT_CN_MISMATCH | IOTLS_BADCERT_IP_MISMATCH)
#define BADCERT_DATES (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)
#define BADCERT_USAGE                                                                              \
    (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |                         \
     MBEDTLS_X509_BADCERT_NS_CERT_TYPE)

static int64_t x509_epoch(const mbedtls_x509_time *t)
{
    /* days_from_civil, as in diagnose.c, kept local: one line of use. */
    int64_t y = t->year, era, yoe, doy, doe;
    int m = t->mon, d = t->day;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

static int raw_eq(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

static int self_issued(const mbedtls_x509_crt *c)
{
    return raw_eq(&c->issuer_raw, &c->subject_raw);
}

static const mbedtls_x509_crt *chain_top(const mbedtls_x509_crt *c)
{
    int guard = 0;
    while (c->next != NULL && c->next->raw.len > 0 && guard++ < 32)
        c = c->next;
    return c;
}

static int chain_len(const mbedtls_x509_crt *c)
{
    int n = 0;
    for (; c != NULL && c->raw.len > 0 && n < 64; c = c->next)
        n++;
    return n;
}

static const mbedtls_x509_crt *trust_find_subject(const iotls_trust *t,
                                                  const mbedtls_x509_buf *name)
{
    const mbedtls_x509_crt *c;
    int guard = 0;
    if (t == NULL || t->loaded == 0)
        return NULL;
    for (c = iotls_trust_crt(t); c != NULL && c->raw.len > 0 && guard++ < 100000; c = c->next)
        if (raw_eq(&c->subject_raw, name))
            return c;
    return NULL;
}

static void dn_text(const mbedtls_x509_name *n, char *buf, size_t len)
{
    if (mbedtls_x509_dn_gets(buf, len, n) < 0)
        snprintf(buf, len, "(unreadable)");
}

/* DNS names of the leaf's subjectAltName, or its CN when it has none. */
static void names_text(const mbedtls_x509_crt *c, char *buf, size_t len)
{
    const mbedtls_x509_sequence *s;
    size_t used = 0;
    int n = 0;
    buf[0] = '\0';
    for (s = &c->subject_alt_names; s != NULL && used + 4 < len; s = s->next) {
        if (s->buf.len == 0 || (s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) != 2)
            continue; /* dNSName is [2] */
        int r = snprintf(buf + used, len - used, "%s%.*s", n++ ? ", " : "", (int)s->buf.len,
                         (const char *)s->buf.p);
        if (r < 0)
            break;
        used += (size_t)r;
        if (used >= len)
            used = len - 1;
    }
    if (n == 0) {
        char dn[120];
        dn_text(&c->subject, dn, sizeof(dn));
        snprintf(buf, len, "no DNS names; subject %s", dn);
    }
}

/* Is the certificate valid for host? The policy's own rule (RFC 6125,
 * dNSName SANs only), so the diagnosis never disagrees with the check. */
static int cert_covers(const mbedtls_x509_crt *c, const char *host)
{
    return iotls_policy_match_dns(c, host);
}

/* Does the DNS name end with "." + suffix (one label or more before it)? */
static int ends_below(const char *name, const unsigned char *suffix, size_t slen)
{
    size_t n = strlen(name), i;

    if (n <= slen + 1 || name[n - slen - 1] != '.')
        return 0;
    for (i = 0; i < slen; i++) {
        char a = name[n - slen + i], b = (char)suffix[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Why a certificate that seems to name the host does not, in the policy's
 * words: its only name is the CN, or a wildcard the policy reads more
 * narrowly than a glob would. "" when there is nothing to add. */
static void name_why(const iotls_diag_ctx *x, const mbedtls_x509_crt *leaf, char *buf,
                     size_t len)
{
    const mbedtls_x509_sequence *s;
    const mbedtls_x509_name *n;
    int dns = 0, guard = 0;

    buf[0] = '\0';
    if (leaf == NULL || x->host_is_ip)
        return;
    for (s = &leaf->subject_alt_names; s != NULL && guard < 1024; s = s->next, guard++) {
        const unsigned char *p = s->buf.p;
        size_t l = s->buf.len;
        if (p == NULL || l == 0 || s->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2))
            continue;
        dns++;
        if (buf[0] != '\0')
            continue;
        if (l > 2 && p[0] == '*' && p[1] == '.' && ends_below(x->host, p + 2, l - 2))
            snprintf(buf, len, ": the wildcard %.*s stands for one label only, not the "
                     "several of \"%s\" (RFC 6125 6.4.3)", (int)l, (const char *)p, x->host);
        else if (memchr(p, '*', l) != NULL && !(l > 2 && p[0] == '*' && p[1] == '.'))
            snprintf(buf, len, ": %.*s is a partial wildcard, which matches nothing (only \"*\" "
                     "as a whole left-most label is one, RFC 6125 6.4.3)", (int)l,
                     (const char *)p);
    }
    if (dns > 0)
        return;
    for (n = &leaf->subject, guard = 0; n != NULL && guard < 64; n = n->next, guard++) {
        if (n->oid.p == NULL || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
            continue;
        snprintf(buf, len, ": no DNS subjectAltName, and the common name (CN=%.*s) is never "
                 "used as the host name (RFC 6125 6.4.4)", (int)n->val.len,
                 (const char *)n->val.p);
        return;
    }
    snprintf(buf, len, ": it has no DNS subjectAltName");
}

static int clock_rule(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    char when[40], built[40];
    /* offline, the time was chosen, not read off a clock */
    if ((e->verify_flags & BADCERT_DATES) == 0 || x->offline || !iotls_diag_clock_bad(x))
        return 0;
    if (e->wall_time < 0) {
        iotls_diag_add_evidence(x, "the device has no wall-clock time (no RTC, no SNTP)");
    } else {
        iotls_diag_time_text(e->wall_time, when, sizeof(when));
        if (x->in->build_time > 0) {
            iotls_diag_time_text(x->in->build_time, built, sizeof(built));
            iotls_diag_add_evidence(x, "local clock: %s, before the build date %s", when, built);
        } else {
            iotls_diag_add_evidence(x, "local clock: %s, before 2020", when);
        }
    }
    iotls_diag_add_evidence(x, "verify flags: %s%s",
                            e->verify_flags & MBEDTLS_X509_BADCERT_FUTURE ? "future " : "",
                            e->verify_flags & MBEDTLS_X509_BADCERT_EXPIRED ? "expired" : "");
    iotls_diag_summary(x,
                       "the local clock is not set, so the certificate's validity dates "
                       "cannot be checked: it looks %s",
                       e->verify_flags & MBEDTLS_X509_BADCERT_FUTURE ? "not yet valid" : "expired");
    iotls_diag_conclude(x, IOTLS_CAUSE_CLOCK_NOT_SET, IOTLS_DIAG_CERTAIN);
    return 1;
}

static int name_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    char names[IOTLS_DIAG_SCRATCH - 60], why[IOTLS_DIAG_SCRATCH - 60];
    int covers_host = 0;
    if ((e->verify_flags & BADCERT_NAME) == 0)
        return 0;
    name_why(x, leaf, why, sizeof why);
    iotls_diag_add_evidence(x, "certificate name check failed for \"%s\"%s",
                            e->verify_name[0] ? e->verify_name : x->host,
                            e->verify_flags & IOTLS_BADCERT_IP_MISMATCH ? " (IP address SANs)"
                                                                        : "");
    if (leaf != NULL) {
        names_text(leaf, names, sizeof(names));
        iotls_diag_add_evidence(x, "server certificate names: %s", names);
        covers_host = !x->host_is_ip && cert_covers(leaf, x->host);
    }
    /* The policy's own words (which certificate, which rule), when it
     * made the name check. */
    if (e->detail[0] != '\0')
        iotls_diag_add_evidence(x, "policy: %s", e->detail);
    if (x->offline) {
        /* no server chose this certificate: only the names count */
        iotls_diag_summary(x, "the certificate is not valid for \"%s\"%s", x->host, why);
        iotls_diag_conclude(x, IOTLS_CAUSE_HOSTNAME_MISMATCH, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (iotls_diag_sni_differs(x)) {
        int warned = e->wire.alert_received == 112 && e->wire.alert_received_level == 1;
        iotls_diag_add_evidence(
            x, "ClientHello SNI: \"%s\" but dialed host: \"%s\"%s", x->sni, x->host,
            covers_host ? "; the certificate is valid for the dialed host" : "");
        /* The user's SNI that the server did not take up (no server_name in
         * the ServerHello, or a warning 112): the certificate is its
         * default one, sent because it does not know the name. That is the
         * third way servers reject an SNI (issue 3), after alerts 40 and 112. */
        if (x->in->sni_overridden && (warned || (e->wire.server_hello_seen && !e->wire.sni_acked))) {
            if (warned)
                iotls_diag_add_evidence(x, "server sent a warning alert 112 (unrecognized_name) "
                                           "before its certificate");
            if (e->wire.server_hello_seen && !e->wire.sni_acked)
                iotls_diag_add_evidence(x, "ServerHello did not acknowledge the SNI (no "
                                           "server_name extension): the server did not "
                                           "recognise the name");
            iotls_diag_summary(x,
                               "the server does not serve the SNI \"%s\" and fell back to "
                               "its default certificate, which is not for that name; the "
                               "dialed host \"%s\" was not sent",
                               x->sni, x->host);
            iotls_diag_conclude(x, IOTLS_CAUSE_SNI_REJECTED,
                                warned ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
            return 1;
        }
        iotls_diag_summary(x,
                           "the certificate was checked against the SNI override \"%s\", "
                           "not the dialed host \"%s\"%s",
                           x->sni, x->host,
                           covers_host ? ", which the certificate does cover" : "");
        iotls_diag_conclude(x, IOTLS_CAUSE_HOSTNAME_MISMATCH, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (x->sni == NULL) {
        iotls_diag_add_evidence(x, "ClientHello carried no SNI (%s)",
                                x->host_is_ip ? "the host is an IP literal"
                                              : "disabled by the user");
        if (x->host_is_ip) {
            iotls_diag_add_candidate(
                x, IOTLS_CAUSE_HOSTNAME_MISMATCH,
                "the certificate does not list the IP address %s; certificates "
                "name hosts, so dial the name",
                x->host);
            iotls_diag_add_candidate(x, IOTLS_CAUSE_SNI_MISSING,
                                     "without SNI a server with several names sends its default "
                                     "certificate, which may be for another name");
        } else {
            iotls_diag_add_candidate(x, IOTLS_CAUSE_SNI_MISSING,
                                     "no SNI was sent, so the server sent its default certificate, "
                                     "not the one for \"%s\"",
                                     x->host);
            iotls_diag_add_candidate(x, IOTLS_CAUSE_HOSTNAME_MISMATCH,
                                     "the server's certificate may simply not list \"%s\"",
                                     x->host);
        }
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN, IOTLS_DIAG_LIKELY);
        return 1;
    }
    /* RFC 6066: a server that used our SNI answers with an empty
     * server_name extension; without it the certificate is the default
     * one, not one chosen for the name. */
    if (e->wire.server_hello_seen && !e->wire.sni_acked)
        iotls_diag_add_evidence(x, "ServerHello did not acknowledge the SNI (no server_name "
                                   "extension): the server did not pick its certificate by name");
    else if (e->wire.sni_acked)
        iotls_diag_add_evidence(x, "ServerHello acknowledged the SNI: the server knows the name "
                                   "but its certificate does not list it");
    iotls_diag_summary(x, "the server's certificate is not valid for \"%s\"%s%s", x->host,
                       /* a certificate that names the host nowhere usable says
                        * more than which certificate the server picked */
                       e->wire.server_hello_seen && !e->wire.sni_acked && why[0] == '\0'
                           ? " (the server ignored the SNI and sent its default certificate)"
                           : "",
                       why);
    iotls_diag_conclude(x, IOTLS_CAUSE_HOSTNAME_MISMATCH, IOTLS_DIAG_CERTAIN);
    return 1;
}

static const iotls_trust_issue *skipped_issuer(const iotls_trust *t, const char *issuer)
{
    unsigned i;
    if (t == NULL)
        return NULL;
    for (i = 0; i < t->n_issues; i++)
        if (t->issues[i].subject[0] != '\0' && strcmp(t->issues[i].subject, issuer) == 0)
            return &t->issues[i];
    return NULL;
}

static int trust_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    const iotls_trust *t = x->in->trust;
    const mbedtls_x509_crt *top;
    const iotls_trust_issue *lost;
    char issuer[160], subject[160];
    int n;
    if ((e->verify_flags & BADCERT_TRUST) == 0)
        return 0;
    if (leaf == NULL) {
        iotls_diag_add_evidence(x, "verify flag not_trusted; the peer chain is not available");
        iotls_diag_add_candidate(x, IOTLS_CAUSE_UNKNOWN_CA,
                                 "the chain ends at a CA the trust store "
                                 "does not hold; the most common reason");
        iotls_diag_add_candidate(x, IOTLS_CAUSE_INCOMPLETE_CHAIN,
                                 "the server may have left out an "
                                 "intermediate certificate");
        iotls_diag_add_candidate(x, IOTLS_CAUSE_SELF_SIGNED,
                                 "the server may send a self-signed "
                                 "certificate");
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_AMBIGUOUS);
        return 1;
    }
    n = chain_len(leaf);
    top = chain_top(leaf);
    dn_text(&top->issuer, issuer, sizeof(issuer));
    dn_text(&top->subject, subject, sizeof(subject));
    iotls_diag_add_evidence(x, "server sent %d certificate(s); the last one: subject %s, issuer %s",
                            n, subject, issuer);
    if (t != NULL)
        iotls_diag_add_evidence(x, "trust store %s: %u CA certificate(s) loaded, %u skipped",
                                t->origin[0] ? t->origin : "(unnamed)", (unsigned)t->loaded,
                                (unsigned)t->skipped);

    lost = skipped_issuer(t, issuer);
    if (lost != NULL) {
        iotls_diag_add_evidence(x,
                                "the issuer %s is certificate #%u of %s (line %u), which failed "
                                "to load: %s",
                                issuer, (unsigned)lost->index, lost->source, (unsigned)lost->line,
                                iotls_trust_reason(lost->mbedtls_code));
        iotls_diag_summary(x,
                           "the CA the server's chain needs is in the trust store, but it "
                           "failed to load: %s",
                           iotls_trust_reason(lost->mbedtls_code));
        iotls_diag_conclude(x, IOTLS_CAUSE_CA_LOAD_ERROR, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (n == 1 && self_issued(leaf)) {
        iotls_diag_add_evidence(x, "the only certificate is self-issued (issuer == subject)");
        iotls_diag_summary(x,
                           "the server sends a self-signed certificate (%s) that the trust "
                           "store does not hold",
                           subject);
        iotls_diag_conclude(x, IOTLS_CAUSE_SELF_SIGNED, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (self_issued(top)) {
        iotls_diag_add_evidence(x, "the chain ends at a root (self-issued) that the trust store "
                                   "does not hold");
        iotls_diag_summary(x, "the server's chain ends at the root %s, which is not trusted",
                           subject);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (t != NULL && trust_find_subject(t, &top->issuer_raw) != NULL) {
        /* The issuer is there, yet the chain did not verify: a different
         * key under the same name, or a CA the profile rejects. */
        iotls_diag_add_evidence(x,
                                "the trust store holds a CA named %s, but it did not verify "
                                "the chain (another key under the same name?)",
                                issuer);
        iotls_diag_summary(x,
                           "the chain's issuer %s is in the trust store under that name but "
                           "did not verify it",
                           issuer);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_LIKELY);
        return 1;
    }
    iotls_diag_add_evidence(x, "the issuer %s is not in the trust store%s", issuer,
                            t == NULL ? " (trust store report not available)" : "");
    if (n == 1) {
        iotls_diag_add_candidate(x, IOTLS_CAUSE_INCOMPLETE_CHAIN,
                                 "the server sent only its own certificate, issued by %s: public "
                                 "servers must also send the intermediate, so a missing one comes "
                                 "first",
                                 issuer);
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_UNKNOWN_CA,
            "or %s is a private CA, issuing directly, that the trust store does "
            "not hold",
            issuer);
    } else {
        iotls_diag_add_candidate(x, IOTLS_CAUSE_UNKNOWN_CA,
                                 "the server sent intermediates; the CA above them, %s, is not in "
                                 "the trust store",
                                 issuer);
        iotls_diag_add_candidate(x, IOTLS_CAUSE_INCOMPLETE_CHAIN,
                                 "or one more intermediate, issued by a trusted root, is missing");
    }
    iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_LIKELY);
    return 1;
}

static int dates_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    const mbedtls_x509_crt *c;
    char when[40], now[40], subject[160];
    int future = (e->verify_flags & MBEDTLS_X509_BADCERT_EXPIRED) == 0, i = 0, found = 0;
    if ((e->verify_flags & BADCERT_DATES) == 0)
        return 0;
    if (e->wall_time >= 0)
        iotls_diag_time_text(e->wall_time, now, sizeof(now));
    else
        snprintf(now, sizeof(now), "unknown");
    for (c = leaf; c != NULL && c->raw.len > 0 && i < 16; c = c->next, i++) {
        int64_t from = x509_epoch(&c->valid_from), to = x509_epoch(&c->valid_to);
        if (e->wall_time < 0)
            break;
        if (future ? e->wall_time < from : e->wall_time > to) {
            dn_text(&c->subject, subject, sizeof(subject));
            iotls_diag_time_text(future ? from : to, when, sizeof(when));
            iotls_diag_add_evidence(x, "certificate #%d (%s) %s %s; %s: %s", i + 1, subject,
                                    future ? "is valid only from" : "expired", when,
                                    x->offline ? "validation time" : "local clock", now);
            found = 1;
        }
    }
    if (!found)
        iotls_diag_add_evidence(x, "verify flag %s; %s: %s", future ? "future" : "expired",
                                x->offline ? "validation time" : "local clock", now);
    iotls_diag_summary(x, future ? "a certificate in the server's chain is not valid yet"
                                 : "a certificate in the server's chain has expired");
    iotls_diag_conclude(x, future ? IOTLS_CAUSE_CERT_NOT_YET_VALID : IOTLS_CAUSE_CERT_EXPIRED,
                        IOTLS_DIAG_CERTAIN);
    return 1;
}

static int algo_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    uint32_t f = e->verify_flags;
    if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK)) {
        iotls_diag_add_evidence(x, "verify flag %s",
                                f & MBEDTLS_X509_BADCERT_BAD_MD
                                    ? "bad_md: a "
                                      "signature uses a hash the profile forbids (SHA-1, MD5)"
                                    : "bad_pk: a signature uses an algorithm the profile forbids");
        iotls_diag_summary(x, "the server's chain is signed with an algorithm too weak to trust");
        iotls_diag_conclude(x, IOTLS_CAUSE_WEAK_SIGNATURE, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (f & MBEDTLS_X509_BADCERT_BAD_KEY) {
        iotls_diag_add_evidence(x,
                                "verify flag bad_key: a key is too small (RSA below 2048 bits) or "
                                "on a curve the profile forbids");
        if (leaf != NULL)
            iotls_diag_add_evidence(x, "server key: %s, %u bits", mbedtls_pk_get_name(&leaf->pk),
                                    (unsigned)mbedtls_pk_get_bitlen(&leaf->pk));
        iotls_diag_summary(x, "a key in the server's chain is too weak to trust");
        iotls_diag_conclude(x, IOTLS_CAUSE_WEAK_KEY, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (f & BADCERT_USAGE) {
        iotls_diag_add_evidence(x, "verify flag %s",
                                f & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE
                                    ? "ext_key_usage: the certificate is not for TLS servers "
                                      "(no serverAuth)"
                                    : "key_usage: the key usage does not allow this handshake");
        iotls_diag_summary(x, "the server's certificate is not issued for use by a TLS server");
        iotls_diag_conclude(x, IOTLS_CAUSE_WRONG_KEY_USAGE, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    return 0;
}

/* Flags besides the one the cause came from, as notes. */
static void other_flags(iotls_diag_ctx *x)
{
    uint32_t f = x->e->verify_flags;
    iotls_cause c = x->d->cause;
    if ((f & BADCERT_NAME) && c != IOTLS_CAUSE_HOSTNAME_MISMATCH && c != IOTLS_CAUSE_SNI_MISSING)
        iotls_diag_add_note(x, "the certificate also does not match the name checked");
    if ((f & BADCERT_TRUST) && c != IOTLS_CAUSE_UNKNOWN_CA && c != IOTLS_CAUSE_SELF_SIGNED &&
        c != IOTLS_CAUSE_INCOMPLETE_CHAIN && c != IOTLS_CAUSE_CA_LOAD_ERROR)
        iotls_diag_add_note(x, "the chain is also not trusted");
    if ((f & MBEDTLS_X509_BADCERT_EXPIRED) && c != IOTLS_CAUSE_CERT_EXPIRED &&
        c != IOTLS_CAUSE_CLOCK_NOT_SET)
        iotls_diag_add_note(x, "a certificate in the chain is also expired");
    if ((f & MBEDTLS_X509_BADCERT_FUTURE) && c != IOTLS_CAUSE_CERT_NOT_YET_VALID &&
        c != IOTLS_CAUSE_CLOCK_NOT_SET)
        iotls_diag_add_note(x, "a certificate in the chain is also not valid yet");
    if ((f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK)) &&
        c != IOTLS_CAUSE_WEAK_SIGNATURE)
        iotls_diag_add_note(x, "the chain also uses a weak signature algorithm");
    if ((f & MBEDTLS_X509_BADCERT_BAD_KEY) && c != IOTLS_CAUSE_WEAK_KEY)
        iotls_diag_add_note(x, "the chain also has a weak key");
    if ((f & BADCERT_USAGE) && c != IOTLS_CAUSE_WRONG_KEY_USAGE)
        iotls_diag_add_note(x, "the certificate's key usage also does not allow TLS server use");
    if ((f & IOTLS_BADCERT_NAME_CONSTRAINTS) && c != IOTLS_CAUSE_NAME_CONSTRAINTS)
        iotls_diag_add_note(x, "a CA's name constraints also reject a name in the chain");
    if ((f & (MBEDTLS_X509_BADCERT_OTHER | IOTLS_BADCERT_LEAF_IS_CA)) &&
        c != IOTLS_CAUSE_CERT_PROFILE)
        iotls_diag_add_note(x, "a certificate also breaks a rule of iotls's certificate policy");
}

int iotls_diag_cert(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const mbedtls_x509_crt *leaf =
        x->offline ? x->chain : iotls_conn_peer_crt(x->in->conn);
    int done;
    if (e->verify_flags == 0 || (e->code != IOTLS_ERR_VERIFY && e->stage != IOTLS_STAGE_VERIFY))
        return 0;
    if (leaf != NULL && leaf->raw.len == 0)
        leaf = NULL;
    done = clock_rule(x) || name_rule(x, leaf) || trust_rule(x, leaf) || dates_rule(x, leaf) ||
           algo_rule(x, leaf) || iotls_diag_policy(x, leaf);
    if (done)
        other_flags(x);
    return done;
}
