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
 * which iotls keeps after a failed verification), judged from the leaf
 * upwards: the path is built as a verifier builds it (each issuer among
 * the certificates sent, by name and signature), and where it stops the
 * trust store is asked for the issuer by its own lookup (only roots of
 * that name are parsed). A single self-issued certificate is self-signed;
 * an issuer whose name the store holds under another key is said to be
 * one; a path up to a root the store lacks is an unknown CA; the leaf's
 * issuer missing while other certificates came is an incomplete chain,
 * named with its key identifier, whatever else was sent.
 *
 * Every certificate cause names the certificate at fault: its place in
 * the chain sent, its subject and the property refused.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/md.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "diagnose/rules.h"
#include "conn/engine.h"
#include "iotls/addr.h"
#include "trust/store.h"

#define BADCERT_TRUST (MBEDTLS_X509_BADCERT_NOT_TRUSTED)
#define BADCERT_NAME (MBEDTLS_X509_BADCERT_CN_MISMATCH | IOTLS_BADCERT_IP_MISMATCH)
#define BADCERT_DATES (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)
#define BADCERT_USAGE                                                                              \
    (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |                         \
     MBEDTLS_X509_BADCERT_NS_CERT_TYPE)

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

/* Did parent's key make child's signature? 1 yes, 0 no, -1 cannot tell
 * (a hash this build lacks). Whatever the profile allows: this is about
 * who issued what, not whether it is strong enough. */
static int signed_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(child->MBEDTLS_PRIVATE(sig_md));

    if (md == NULL || mbedtls_md(md, child->tbs.p, child->tbs.len, hash) != 0)
        return -1;
    return mbedtls_pk_verify_ext(child->MBEDTLS_PRIVATE(sig_pk), child->MBEDTLS_PRIVATE(sig_opts),
                                 (mbedtls_pk_context *)&parent->pk, child->MBEDTLS_PRIVATE(sig_md),
                                 hash, mbedtls_md_get_size(md), child->MBEDTLS_PRIVATE(sig).p,
                                 child->MBEDTLS_PRIVATE(sig).len) == 0;
}

/* Same Name as Mbed TLS's chain building compares them (store.h). */
static int name_eq(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return iotls_x509_raw_eq(a, b) || (a->len > 0 && b->len > 0 &&
                            iotls_name_key(a->p, a->len) == iotls_name_key(b->p, b->len));
}

/* The trust store's CAs named name (its own lookup: only those are
 * parsed): how many, and whether one of them signed child. */
static void store_issuers(const iotls_trust *t, const mbedtls_x509_buf *name,
                          const mbedtls_x509_crt *child, int *named, int *signs, char *ski,
                          size_t ski_len)
{
    mbedtls_x509_crt *list, *c;
    int guard = 0;

    *named = 0;
    *signs = 0;
    if (ski != NULL)
        ski[0] = '\0';
    if (t == NULL || t->loaded == 0)
        return;
    list = iotls_trust_find_subject(t, name->p, name->len);
    for (c = list; c != NULL && c->raw.len > 0 && guard++ < 64; c = c->next) {
        size_t i, used = 0;
        for (i = 0; ski != NULL && *named == 0 && i < c->subject_key_id.len && used + 4 < ski_len;
             i++)
            used += (size_t)snprintf(ski + used, ski_len - used, "%s%02X", i ? ":" : "",
                                     c->subject_key_id.p[i]);
        (*named)++;
        if (child != NULL && signed_by(child, c) != 0)
            *signs = 1;
    }
    if (list != NULL) {
        mbedtls_x509_crt_free(list);
        mbedtls_free(list);
    }
}

/* "3A:4F:...", the key identifier child's authorityKeyIdentifier gives for
 * its issuer; "" when it has none. */
static void aki_text(const mbedtls_x509_crt *child, char *buf, size_t len)
{
    const mbedtls_x509_buf *k = &child->authority_key_id.keyIdentifier;
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; k->p != NULL && i < k->len && used + 4 < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%02X", i ? ":" : "", k->p[i]);
}

/* The names the leaf covers: its DNS and IP address subjectAltNames, in
 * order, at most 8 (then how many more), or its subject when it has none.
 * Returns the number of SANs listed or counted. */
static int names_text(const mbedtls_x509_crt *c, char *buf, size_t len)
{
    const mbedtls_x509_sequence *s;
    size_t used = 0;
    int n = 0, more = 0, guard = 0;
    buf[0] = '\0';
    for (s = &c->subject_alt_names; s != NULL && guard < 1024; s = s->next, guard++) {
        char one[IOTLS_DIAG_SCRATCH];
        int tag = s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK, r;
        if (s->buf.p == NULL || s->buf.len == 0 ||
            (s->buf.tag & MBEDTLS_ASN1_CONTEXT_SPECIFIC) == 0 || (tag != 2 && tag != 7))
            continue; /* dNSName [2], iPAddress [7] */
        if (n >= 8 || used + 4 >= len) {
            more++;
            continue;
        }
        if (tag == 2) {
            snprintf(one, sizeof one, "DNS:%.*s", (int)(s->buf.len < 200 ? s->buf.len : 200),
                     (const char *)s->buf.p);
        } else if (s->buf.len == 4 || s->buf.len == 16) {
            iotls_addr a;
            memset(&a, 0, sizeof a);
            a.family = s->buf.len == 4 ? 4 : 6;
            memcpy(a.bytes, s->buf.p, s->buf.len);
            snprintf(one, sizeof one, "IP:");
            iotls_addr_format(&a, one + 3, sizeof one - 3);
        } else {
            snprintf(one, sizeof one, "IP:(%u bytes)", (unsigned)s->buf.len);
        }
        r = snprintf(buf + used, len - used, "%s%s", n++ ? ", " : "", one);
        if (r < 0)
            break;
        used += (size_t)r;
        if (used >= len)
            used = len - 1;
    }
    if (more > 0 && used + 4 < len)
        snprintf(buf + used, len - used, " and %d more", more);
    if (n == 0) {
        char dn[120];
        iotls_x509_dn_text(&c->subject, dn, sizeof(dn));
        snprintf(buf, len, "no DNS or IP subjectAltName; subject %s", dn);
    }
    return n + more;
}

/* Is the certificate valid for host? The policy's own rule (RFC 6125,
 * dNSName SANs only), so the diagnosis never disagrees with the check. */
static int cert_covers(const mbedtls_x509_crt *c, const char *host)
{
    return iotls_policy_match_dns(c, host);
}

static int eq_nocase(const char *a, const unsigned char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char p = a[i], q = (char)b[i];
        if (p >= 'A' && p <= 'Z')
            p = (char)(p - 'A' + 'a');
        if (q >= 'A' && q <= 'Z')
            q = (char)(q - 'A' + 'a');
        if (p != q || p == '\0')
            return 0;
    }
    return 1;
}

/* Does the DNS name end with "." + suffix (one label or more before it)? */
static int ends_below(const char *name, const unsigned char *suffix, size_t slen)
{
    size_t n = strlen(name);

    if (n <= slen + 1 || name[n - slen - 1] != '.')
        return 0;
    return eq_nocase(name + n - slen, suffix, slen);
}

/* Is the certificate for another domain than host? 1 when none of its DNS
 * SANs shares the host's parent domain (the host without its first label,
 * or the host itself when it has two labels): the name, below it, or, for
 * a wildcard or a name with two labels or more, above it. 0 when one does,
 * -2 when it has no DNS SAN (nothing to compare: the CN is never used). */
static int other_domain(const mbedtls_x509_crt *c, const char *host)
{
    const mbedtls_x509_sequence *s;
    const char *parent = host, *dot = strchr(host, '.');
    int dns = 0, guard = 0;

    if (dot != NULL && strchr(dot + 1, '.') != NULL)
        parent = dot + 1; /* three labels or more */
    for (s = &c->subject_alt_names; s != NULL && guard < 1024; s = s->next, guard++) {
        const unsigned char *p = s->buf.p;
        size_t l = s->buf.len, plen = strlen(parent);
        if (p == NULL || l == 0 || s->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2))
            continue;
        dns++;
        if (l > 2 && p[0] == '*' && p[1] == '.') {
            p += 2;
            l -= 2;
        }
        if (l > 0 && p[l - 1] == '.')
            l--; /* an absolute name */
        if ((l == plen && eq_nocase(parent, p, l)) ||
            (l > plen + 1 && p[l - plen - 1] == '.' && eq_nocase(parent, p + l - plen, plen)) ||
            (memchr(p, '.', l) != NULL && ends_below(parent, p, l)))
            return 0;
    }
    return dns > 0 ? 1 : -2;
}

/* Which rule of the name check failed (RFC 6125 as the policy applies it:
 * src/trust/policy.c), in words for the summary after the host. */
enum { WHY_NONE, WHY_WILDCARD, WHY_PARTIAL, WHY_CN, WHY_NO_DNS, WHY_NO_MATCH, WHY_IP_AS_DNS,
       WHY_IP_OTHER, WHY_NO_IP };

static int name_why(const iotls_diag_ctx *x, const mbedtls_x509_crt *leaf, char *buf,
                    size_t len)
{
    const mbedtls_x509_sequence *s;
    const mbedtls_x509_name *n;
    size_t hlen = strlen(x->host);
    int dns = 0, ips = 0, guard = 0, why = WHY_NONE;
    const unsigned char *cn = NULL;
    size_t cn_len = 0;

    buf[0] = '\0';
    if (leaf == NULL)
        return WHY_NONE;
    for (n = &leaf->subject, guard = 0; n != NULL && guard < 64; n = n->next, guard++)
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
            cn = n->val.p;
            cn_len = n->val.len;
        }
    for (s = &leaf->subject_alt_names, guard = 0; s != NULL && guard < 1024;
         s = s->next, guard++) {
        const unsigned char *p = s->buf.p;
        size_t l = s->buf.len;
        if (p == NULL || l == 0)
            continue;
        if (s->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7))
            ips++;
        if (s->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2))
            continue;
        dns++;
        if (why != WHY_NONE)
            continue;
        if (x->host_is_ip) {
            if (l == hlen && eq_nocase(x->host, p, l)) {
                snprintf(buf, len, ": it lists %s as a DNS name, and an IP literal matches "
                         "only an IP address SAN (iPAddress, RFC 6125 1.7.2, RFC 5280 "
                         "4.2.1.6)", x->host);
                why = WHY_IP_AS_DNS;
            }
        } else if (l > 2 && p[0] == '*' && p[1] == '.' && ends_below(x->host, p + 2, l - 2) &&
                   !eq_nocase(x->host, p + 2, l - 2)) {
            snprintf(buf, len, ": the wildcard %.*s stands for one label only, not the "
                     "several of \"%s\" (RFC 6125 6.4.3)", (int)l, (const char *)p, x->host);
            why = WHY_WILDCARD;
        } else if (memchr(p, '*', l) != NULL && !(l > 2 && p[0] == '*' && p[1] == '.')) {
            snprintf(buf, len, ": %.*s is a partial wildcard, which matches nothing (only \"*\" "
                     "as a whole left-most label is one, RFC 6125 6.4.3)", (int)l,
                     (const char *)p);
            why = WHY_PARTIAL;
        }
    }
    if (why != WHY_NONE)
        return why;
    if (x->host_is_ip) {
        snprintf(buf, len, ips > 0 ? ": none of its IP address SANs is %s (DNS names and the "
                                     "CN never match an IP literal)"
                                   : ": it has no IP address SAN, and an IP literal matches "
                                     "only those (DNS names and the CN never do)",
                 x->host);
        return ips > 0 ? WHY_IP_OTHER : WHY_NO_IP;
    }
    if (dns == 0 && cn != NULL) {
        snprintf(buf, len, ": no DNS subjectAltName, and the common name (CN=%.*s) is never "
                 "used as the host name (RFC 6125 6.4.4): iotls never reads the CN",
                 (int)(cn_len < 120 ? cn_len : 120), (const char *)cn);
        return WHY_CN;
    }
    if (dns == 0) {
        snprintf(buf, len, ": it has no DNS subjectAltName");
        return WHY_NO_DNS;
    }
    if (cn != NULL && cn_len == hlen && eq_nocase(x->host, cn, cn_len))
        snprintf(buf, len, ": only its CN names it, and the CN is ignored when there are DNS "
                 "SANs (RFC 6125 6.4.4): iotls never reads the CN");
    else
        snprintf(buf, len, ": no DNS SAN names it, exactly or by a one-label wildcard");
    return WHY_NO_MATCH;
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
    char names[IOTLS_DIAG_SCRATCH - 60], why[IOTLS_DIAG_SCRATCH - 60], covered[100];
    int covers_host = 0, n_names = 0, kind, foreign = -1; /* -1: no certificate to read */
    if ((e->verify_flags & BADCERT_NAME) == 0)
        return 0;
    kind = name_why(x, leaf, why, sizeof why);
    iotls_diag_add_evidence(x, "certificate name check failed for \"%s\"%s",
                            e->verify_name[0] ? e->verify_name : x->host,
                            e->verify_flags & IOTLS_BADCERT_IP_MISMATCH ? " (IP address SANs)"
                                                                        : "");
    covered[0] = '\0';
    if (leaf != NULL) {
        n_names = names_text(leaf, names, sizeof(names));
        iotls_diag_add_evidence(x, "server certificate names: %s", names);
        covers_host = !x->host_is_ip && cert_covers(leaf, x->host);
        foreign = x->host_is_ip ? -2 : other_domain(leaf, x->host);
        if (n_names > 0) {
            /* the summary's share: cut at a name, never inside one */
            names_text(leaf, covered, sizeof covered);
            if (strlen(covered) + 1 >= sizeof covered) {
                char *cut = strrchr(covered, ',');
                if (cut != NULL)
                    snprintf(cut, (size_t)(covered + sizeof covered - cut), ", ...");
            }
        }
        if (foreign == 1)
            iotls_diag_add_evidence(x, "none of the certificate's DNS names shares the domain "
                                       "of \"%s\": it is a certificate for another domain",
                                    x->host);
        else if (foreign == 0 && !covers_host)
            iotls_diag_add_evidence(x, "the certificate is for the same domain as \"%s\" but "
                                       "does not list it", x->host);
    }
    /* The policy's own words (which certificate, which rule), when it
     * made the name check. */
    if (e->detail[0] != '\0')
        iotls_diag_add_evidence(x, "policy: %s", e->detail);
    if (x->offline) {
        /* no server chose this certificate: only the names count */
        iotls_diag_summary(x, "the certificate is not valid for \"%s\"%s%s%s", x->host, why,
                           covered[0] ? "; it covers " : "", covered);
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
    if (x->sni == NULL && kind == WHY_IP_AS_DNS) {
        /* the certificate is meant for this address, in the wrong field:
         * no SNI could have brought another */
        iotls_diag_add_evidence(x, "ClientHello carried no SNI (the host is an IP literal)");
        iotls_diag_summary(x, "the server's certificate is not valid for %s%s", x->host, why);
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
    /* The default certificate only when the evidence points at it: a
     * certificate for another domain (or none to read) that came without
     * an acknowledgement of the SNI; never for the domain's own wildcard
     * or SAN list, which the server did pick for the name. */
    if (e->wire.server_hello_seen && !e->wire.sni_acked && foreign == 1)
        iotls_diag_summary(x, "the server's certificate is for another domain (it covers %s), "
                              "not \"%s\": the server ignored the SNI and sent its default "
                              "certificate", covered, x->host);
    else if (e->wire.server_hello_seen && !e->wire.sni_acked && foreign == -1)
        iotls_diag_summary(x, "the server's certificate is not valid for \"%s\" (the server "
                              "ignored the SNI and sent its default certificate)", x->host);
    else
        iotls_diag_summary(x, "the server's certificate is not valid for \"%s\"%s%s%s", x->host,
                           why, covered[0] ? "; it covers " : "", covered);
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

/* The path from the leaf, built as a verifier builds it: each certificate's
 * issuer among those sent (same name, and its key made the signature),
 * until one is self-issued or its issuer was not sent. */
typedef struct {
    const mbedtls_x509_crt *at;       /* the last certificate of the path */
    int at_pos;                       /* its place in what was sent, 1-based */
    int used;                         /* certificates sent that the path uses */
    uint64_t mask;                    /* which ones, bit i-1 for #i */
    const mbedtls_x509_crt *impostor; /* sent under at's issuer's name, did not sign at */
    int impostor_pos;
} chain_path;

static void build_path(const mbedtls_x509_crt *leaf, chain_path *p)
{
    const mbedtls_x509_crt *c;
    int i, guard;

    memset(p, 0, sizeof *p);
    p->at = leaf;
    p->at_pos = 1;
    p->used = 1;
    p->mask = 1;
    for (guard = 0; guard < 16 && !iotls_x509_self_issued(p->at); guard++) {
        const mbedtls_x509_crt *next = NULL;
        int next_pos = 0;
        p->impostor = NULL;
        for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 64; c = c->next, i++) {
            if (((p->mask >> (i - 1)) & 1) || !name_eq(&c->subject_raw, &p->at->issuer_raw))
                continue;
            if (signed_by(p->at, c) != 0) {
                next = c;
                next_pos = i;
                break;
            }
            if (p->impostor == NULL) {
                p->impostor = c;
                p->impostor_pos = i;
            }
        }
        if (next == NULL)
            return;
        p->mask |= (uint64_t)1 << (next_pos - 1);
        p->at = next;
        p->at_pos = next_pos;
        p->used++;
    }
}

/* The certificates sent that the path does not use, as evidence: which,
 * and whether they lead to the trust store (then the server sent a valid
 * intermediate, only not the leaf's). At most three. */
static void unused_evidence(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf, const chain_path *p)
{
    const mbedtls_x509_crt *c;
    char subj[160], up[160];
    int i, shown = 0;

    for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 64 && shown < 3; c = c->next, i++) {
        int named, signs;
        if ((p->mask >> (i - 1)) & 1 || c == p->impostor)
            continue;
        iotls_x509_dn_text(&c->subject, subj, sizeof subj);
        store_issuers(x->in->trust, &c->issuer_raw, c, &named, &signs, NULL, 0);
        iotls_x509_dn_text(&c->issuer, up, sizeof up);
        iotls_diag_add_evidence(x, "the server also sent certificate #%d (%s), which did not "
                                   "issue certificate #%d%s%s%s",
                                i, subj, p->at_pos,
                                named && signs ? "; it chains to the trust store's " : "",
                                named && signs ? up : "", named && signs ? " all the same" : "");
        shown++;
    }
}

/* incomplete_chain's fixes, naming the missing issuer: the server is to
 * send it; on the client only as a stopgap, next to the roots in use. */
static void incomplete_fix(iotls_diag_ctx *x, const char *issuer, const char *kid)
{
    IOTLS_DIAG_FIX(x, fix_tool, "none once the server sends it; meanwhile --cacert FILE: "
                                "your CA file plus %.90s%.70s", issuer, kid);
    IOTLS_DIAG_FIX(x, fix_device, "as a stopgap, mbedtls_x509_crt_parse(&cacert, ...) with "
                                  "%.90s%.70s next to the roots", issuer, kid);
    (void)issuer;
    (void)kid;
}

static int trust_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    const iotls_trust *t = x->in->trust;
    const mbedtls_x509_crt *top;
    const iotls_trust_issue *lost;
    chain_path p;
    char issuer[160], subject[160], at_subj[160], keyid[64], kid[80], ski[64];
    int n, named, signs;
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
    iotls_x509_dn_text(&top->issuer, issuer, sizeof(issuer));
    iotls_x509_dn_text(&top->subject, subject, sizeof(subject));
    iotls_diag_add_evidence(x, "server sent %d certificate(s); the last one: subject %s, issuer %s",
                            n, subject, issuer);
    if (t != NULL)
        iotls_diag_add_evidence(x, "trust store %s: %u CA certificate(s) loaded, %u skipped",
                                t->origin[0] ? t->origin : "(unnamed)", (unsigned)t->loaded,
                                (unsigned)t->skipped);

    /* Judged from the leaf upwards: where the path from the leaf stops,
     * not what sits at the end of what was sent. */
    build_path(leaf, &p);
    iotls_x509_dn_text(&p.at->issuer, issuer, sizeof(issuer));
    iotls_x509_dn_text(&p.at->subject, at_subj, sizeof(at_subj));
    aki_text(p.at, keyid, sizeof keyid);
    if (keyid[0] != '\0')
        snprintf(kid, sizeof kid, " (key id %s)", keyid);
    else
        kid[0] = '\0';
    if (p.used > 1)
        iotls_diag_add_evidence(x, "path from the leaf: %d of the certificates sent, up to "
                                   "certificate #%d (%s)",
                                p.used, p.at_pos, at_subj);

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
    if (n == 1 && iotls_x509_self_issued(leaf)) {
        iotls_diag_add_evidence(x, "the only certificate is self-issued (issuer == subject)");
        iotls_diag_summary(x,
                           "the server sends a self-signed certificate (%s) that the trust "
                           "store does not hold",
                           subject);
        iotls_diag_conclude(x, IOTLS_CAUSE_SELF_SIGNED, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    store_issuers(t, &p.at->issuer_raw, p.at, &named, &signs, ski, sizeof ski);
    if (named && !signs) {
        /* The name is trusted, the key is not: a re-keyed CA, or another
         * CA that took the same name. Adding "the root" would not help:
         * the store has one under that name already. */
        iotls_diag_add_evidence(x, "certificate #%d (%s) was signed by %s%s", p.at_pos, at_subj,
                                issuer, kid);
        iotls_diag_add_evidence(x,
                                "the trust store holds %d CA certificate(s) named %s, and no key "
                                "among them made that signature%s%s%s",
                                named, issuer, ski[0] ? " (the store's: key id " : "", ski,
                                ski[0] ? ")" : "");
        iotls_diag_summary(x,
                           "the trust store holds %s, but with another key than the one that "
                           "signed certificate #%d: the CA was re-keyed, or the chain is from "
                           "another CA of that name",
                           issuer, p.at_pos);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_LIKELY);
        IOTLS_DIAG_FIX(x, fix_tool,
                       "--cacert FILE with the %.90s that signed the chain%.70s (the "
                       "store's has another key)",
                       issuer, kid);
        IOTLS_DIAG_FIX(x, fix_device,
                       "mbedtls_x509_crt_parse(&cacert, ...) with the %.90s that has the "
                       "new key%.70s",
                       issuer, kid);
        IOTLS_DIAG_FIX(x, fix_server,
                       "serve a chain from the key of %.100s that the clients hold, or hand "
                       "the re-keyed CA to the clients first",
                       issuer);
        return 1;
    }
    if (p.at != leaf && iotls_x509_self_issued(p.at)) {
        iotls_diag_add_evidence(x, "the chain ends at a root (self-issued) that the trust store "
                                   "does not hold");
        iotls_diag_summary(x, "the server's chain ends at the root %s, which is not trusted",
                           at_subj);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (named && signs) {
        /* The issuer is there and its key fits, yet the chain did not
         * verify: the CA itself was refused as the anchor. */
        iotls_diag_add_evidence(x,
                                "the trust store holds %s and its key signed certificate #%d, "
                                "but it was not accepted as the chain's anchor",
                                issuer, p.at_pos);
        iotls_diag_summary(x,
                           "the chain's issuer %s is in the trust store and signed it, but was "
                           "not accepted as its anchor (not a CA, no keyCertSign, path length, "
                           "or its own dates)",
                           issuer);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_LIKELY);
        IOTLS_DIAG_FIX(x, fix_tool, "check the trust store's %.100s (iotls verify -v on it): it is "
                                    "there but unusable as a CA", issuer);
        IOTLS_DIAG_FIX(x, fix_device, "replace the store's %.100s with a CA certificate "
                                      "(basicConstraints CA:true, keyUsage keyCertSign) valid "
                                      "now", issuer);
        IOTLS_DIAG_FIX(x, fix_server, "nothing, unless the chain is meant for another CA");
        return 1;
    }
    iotls_diag_add_evidence(x, "the issuer %s is not in the trust store%s", issuer,
                            t == NULL ? " (trust store report not available)" : "");
    iotls_diag_add_evidence(x, "certificate #%d (%s) names its issuer %s%s, which the server did "
                               "not send",
                            p.at_pos, at_subj, issuer, kid);
    if (p.impostor != NULL) {
        char imp[160];
        iotls_x509_dn_text(&p.impostor->subject, imp, sizeof imp);
        iotls_diag_add_evidence(x, "certificate #%d (%s) has the issuer's name but not its key: "
                                   "it did not sign certificate #%d (an old or re-keyed "
                                   "intermediate?)",
                                p.impostor_pos, imp, p.at_pos);
    }
    if (p.used < n)
        unused_evidence(x, leaf, &p);
    if ((p.at == leaf && n > 1) || p.impostor != NULL) {
        /* The leaf's own issuer is missing while other certificates came
         * (or one came under the issuer's name with another key): the
         * chain is broken at that link, whatever those lead to (even a
         * trusted root). Higher up, a gap looks like a CA the store lacks
         * (below). */
        iotls_diag_summary(x,
                           "the server must send %s%s, the issuer of certificate #%d: it is "
                           "neither in the chain sent nor in the trust store",
                           issuer, kid, p.at_pos);
        iotls_diag_conclude(x, IOTLS_CAUSE_INCOMPLETE_CHAIN, IOTLS_DIAG_LIKELY);
        incomplete_fix(x, issuer, kid);
        IOTLS_DIAG_FIX(x, fix_server, "send the intermediate %.90s%.70s after certificate "
                                      "#%d, instead of what does not belong", issuer, kid,
                       p.at_pos);
        return 1;
    }
    if (n == 1) {
        iotls_diag_add_candidate(x, IOTLS_CAUSE_INCOMPLETE_CHAIN,
                                 "the server sent only its own certificate, issued by %s%s: "
                                 "public servers must also send that intermediate",
                                 issuer, kid);
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_UNKNOWN_CA,
            "or %s is a private CA, issuing directly, that the trust store does "
            "not hold",
            issuer);
        iotls_diag_summary(x,
                           "the server must send the intermediate %s%s: it sent only its own "
                           "certificate, whose issuer the trust store lacks",
                           issuer, kid);
        iotls_diag_conclude(x, IOTLS_CAUSE_INCOMPLETE_CHAIN, IOTLS_DIAG_LIKELY);
        incomplete_fix(x, issuer, kid);
        IOTLS_DIAG_FIX(x, fix_server, "send the intermediate %.90s%.70s with the "
                                      "certificate (nginx: fullchain.pem)", issuer, kid);
        return 1;
    }
    iotls_diag_add_candidate(x, IOTLS_CAUSE_UNKNOWN_CA,
                             "the server sent intermediates; the CA above them, %s, is not in "
                             "the trust store",
                             issuer);
    iotls_diag_add_candidate(x, IOTLS_CAUSE_INCOMPLETE_CHAIN,
                             "or one more intermediate, %s%s, issued by a trusted root, is "
                             "missing", issuer, kid);
    iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN_CA, IOTLS_DIAG_LIKELY);
    return 1;
}

/* "certificate #2 (CN=..., O=...)": a certificate by its place in what
 * was sent (or given, offline) and its subject. */
static void cert_label(const mbedtls_x509_crt *c, int pos, char *buf, size_t len)
{
    char subj[160];
    iotls_x509_dn_text(&c->subject, subj, sizeof subj);
    snprintf(buf, len, "certificate #%d (%s)", pos, subj);
}

static const char *md_text(mbedtls_md_type_t md)
{
    switch (md) {
    case MBEDTLS_MD_MD5: return "MD5";
    case MBEDTLS_MD_SHA1: return "SHA1";
    case MBEDTLS_MD_SHA224: return "SHA224";
    case MBEDTLS_MD_SHA256: return "SHA256";
    case MBEDTLS_MD_SHA384: return "SHA384";
    case MBEDTLS_MD_SHA512: return "SHA512";
    case MBEDTLS_MD_RIPEMD160: return "RIPEMD160";
    default: return "an unknown hash";
    }
}

/* "RSA-SHA1", "ECDSA-SHA1": how c is signed, when the profile refuses it;
 * 0 when it does not. */
static int sig_weak(const mbedtls_x509_crt *c, char *buf, size_t len)
{
    const mbedtls_x509_crt_profile *prof = &iotls_cert_profile;
    mbedtls_pk_type_t pk = c->MBEDTLS_PRIVATE(sig_pk);
    mbedtls_md_type_t md = c->MBEDTLS_PRIVATE(sig_md);

    if ((prof->allowed_mds & MBEDTLS_X509_ID_FLAG(md)) != 0 &&
        (prof->allowed_pks & MBEDTLS_X509_ID_FLAG(pk)) != 0)
        return 0;
    snprintf(buf, len, "%s-%s",
             pk == MBEDTLS_PK_RSA         ? "RSA"
             : pk == MBEDTLS_PK_ECDSA     ? "ECDSA"
             : pk == MBEDTLS_PK_RSASSA_PSS ? "RSASSA-PSS"
                                          : "an unknown algorithm",
             md_text(md));
    return 1;
}

/* "RSA 1024 bits": c's key, when the profile refuses it; 0 when it does
 * not. The curve is read off the SubjectPublicKeyInfo, as Mbed TLS keeps
 * it out of reach in a PSA build. */
static int key_weak(const mbedtls_x509_crt *c, char *buf, size_t len)
{
    const mbedtls_x509_crt_profile *prof = &iotls_cert_profile;
    mbedtls_pk_type_t type = mbedtls_pk_get_type(&c->pk);
    unsigned bits = (unsigned)mbedtls_pk_get_bitlen(&c->pk);

    if ((prof->allowed_pks & MBEDTLS_X509_ID_FLAG(type)) == 0) {
        snprintf(buf, len, "a %s key, an algorithm not allowed", mbedtls_pk_get_name(&c->pk));
        return 1;
    }
    if ((type == MBEDTLS_PK_RSA || type == MBEDTLS_PK_RSASSA_PSS) && bits < prof->rsa_min_bitlen) {
        snprintf(buf, len, "RSA %u bits, below the %u required", bits,
                 (unsigned)prof->rsa_min_bitlen);
        return 1;
    }
#if defined(MBEDTLS_PK_HAVE_ECC_KEYS)
    if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH || type == MBEDTLS_PK_ECDSA) {
        unsigned char *p = c->pk_raw.p, *end = c->pk_raw.p + c->pk_raw.len;
        mbedtls_asn1_buf oid;
        mbedtls_ecp_group_id id;
        size_t l;
        if (p == NULL ||
            mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
            mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
            mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_OID))
            return 0;
        p += l; /* id-ecPublicKey */
        if (mbedtls_asn1_get_tag(&p, end, &oid.len, MBEDTLS_ASN1_OID))
            return 0;
        oid.tag = MBEDTLS_ASN1_OID;
        oid.p = p;
        if (mbedtls_oid_get_ec_grp(&oid, &id) != 0 ||
            (prof->allowed_curves & MBEDTLS_X509_ID_FLAG(id)) == 0) {
            snprintf(buf, len, "EC %u bits, on a curve not allowed (P-256, P-384 and P-521 are)",
                     bits);
            return 1;
        }
    }
#endif
    return 0;
}

/* The key usage of c, as a list: "keyUsage keyAgreement", "extendedKeyUsage
 * clientAuth". */
static void usage_text(const mbedtls_x509_crt *c, int ext, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } ku[] = {{MBEDTLS_X509_KU_DIGITAL_SIGNATURE, "digitalSignature"},
              {MBEDTLS_X509_KU_NON_REPUDIATION, "nonRepudiation"},
              {MBEDTLS_X509_KU_KEY_ENCIPHERMENT, "keyEncipherment"},
              {MBEDTLS_X509_KU_DATA_ENCIPHERMENT, "dataEncipherment"},
              {MBEDTLS_X509_KU_KEY_AGREEMENT, "keyAgreement"},
              {MBEDTLS_X509_KU_KEY_CERT_SIGN, "keyCertSign"},
              {MBEDTLS_X509_KU_CRL_SIGN, "cRLSign"},
              {MBEDTLS_X509_KU_ENCIPHER_ONLY, "encipherOnly"},
              {MBEDTLS_X509_KU_DECIPHER_ONLY, "decipherOnly"}};
    size_t used, i;
    int n = 0, guard = 0;

    used = (size_t)snprintf(buf, len, "%s", ext ? "extendedKeyUsage" : "keyUsage");
    if (!ext) {
        for (i = 0; i < sizeof ku / sizeof ku[0] && used + 2 < len; i++)
            if (c->MBEDTLS_PRIVATE(key_usage) & ku[i].bit) {
                int r = snprintf(buf + used, len - used, "%s%s", n++ ? ", " : " ", ku[i].name);
                used = r < 0 || used + (size_t)r >= len ? len - 1 : used + (size_t)r;
            }
    } else {
        const mbedtls_x509_sequence *s;
        for (s = &c->ext_key_usage; s != NULL && s->buf.p != NULL && guard++ < 32 &&
                                    used + 2 < len;
             s = s->next) {
            const char *name = "another purpose";
            int r;
            if (MBEDTLS_OID_CMP(MBEDTLS_OID_SERVER_AUTH, &s->buf) == 0)
                name = "serverAuth";
            else if (MBEDTLS_OID_CMP(MBEDTLS_OID_CLIENT_AUTH, &s->buf) == 0)
                name = "clientAuth";
            else if (MBEDTLS_OID_CMP(MBEDTLS_OID_CODE_SIGNING, &s->buf) == 0)
                name = "codeSigning";
            else if (MBEDTLS_OID_CMP(MBEDTLS_OID_EMAIL_PROTECTION, &s->buf) == 0)
                name = "emailProtection";
            else if (MBEDTLS_OID_CMP(MBEDTLS_OID_TIME_STAMPING, &s->buf) == 0)
                name = "timeStamping";
            else if (MBEDTLS_OID_CMP(MBEDTLS_OID_OCSP_SIGNING, &s->buf) == 0)
                name = "OCSPSigning";
            r = snprintf(buf + used, len - used, "%s%s", n++ ? ", " : " ", name);
            used = r < 0 || used + (size_t)r >= len ? len - 1 : used + (size_t)r;
        }
    }
    if (n > 0 && used + 6 < len && n == 1)
        snprintf(buf + used, len - used, " only");
}

static int dates_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    const mbedtls_x509_crt *c;
    char when[40], now[40], subject[160], first[200], first_when[40];
    int future = (e->verify_flags & MBEDTLS_X509_BADCERT_EXPIRED) == 0, i = 0, found = 0;
    if ((e->verify_flags & BADCERT_DATES) == 0)
        return 0;
    if (e->wall_time >= 0)
        iotls_diag_time_text(e->wall_time, now, sizeof(now));
    else
        snprintf(now, sizeof(now), "unknown");
    for (c = leaf; c != NULL && c->raw.len > 0 && i < 16; c = c->next, i++) {
        int64_t from = iotls_x509_epoch(&c->valid_from), to = iotls_x509_epoch(&c->valid_to);
        if (e->wall_time < 0)
            break;
        if (future ? e->wall_time < from : e->wall_time > to) {
            iotls_x509_dn_text(&c->subject, subject, sizeof(subject));
            iotls_diag_time_text(future ? from : to, when, sizeof(when));
            iotls_diag_add_evidence(x, "certificate #%d (%s) %s %s; %s: %s", i + 1, subject,
                                    future ? "is valid only from" : "expired", when,
                                    x->offline ? "validation time" : "local clock", now);
            if (!found++) {
                cert_label(c, i + 1, first, sizeof first);
                snprintf(first_when, sizeof first_when, "%s", when);
            }
        }
    }
    if (!found) {
        iotls_diag_add_evidence(x, "verify flag %s; %s: %s", future ? "future" : "expired",
                                x->offline ? "validation time" : "local clock", now);
        iotls_diag_summary(x, future ? "a certificate in the server's chain is not valid yet"
                                     : "a certificate in the server's chain has expired");
    } else {
        iotls_diag_summary(x, "%s of the %s chain %s %s%s", first,
                           x->offline ? "given" : "server's",
                           future ? "is not valid yet: valid only from" : "has expired: on",
                           first_when, found > 1 ? " (and others, see the evidence)" : "");
    }
    iotls_diag_conclude(x, future ? IOTLS_CAUSE_CERT_NOT_YET_VALID : IOTLS_CAUSE_CERT_EXPIRED,
                        IOTLS_DIAG_CERTAIN);
    return 1;
}

/* The first certificate sent (and its place) whose key, or signature, the
 * profile refuses; the property in prop. NULL when none is. */
static const mbedtls_x509_crt *first_weak(const mbedtls_x509_crt *leaf, int key, int *pos,
                                          char *prop, size_t len, int *count)
{
    const mbedtls_x509_crt *c, *hit = NULL;
    char tmp[120];
    int i;

    *count = 0;
    for (c = leaf, i = 1; c != NULL && c->raw.len > 0 && i <= 16; c = c->next, i++)
        if (key ? key_weak(c, tmp, sizeof tmp) : sig_weak(c, tmp, sizeof tmp)) {
            if ((*count)++ == 0) {
                hit = c;
                *pos = i;
                snprintf(prop, len, "%s", tmp);
            }
        }
    return hit;
}

static int algo_rule(iotls_diag_ctx *x, const mbedtls_x509_crt *leaf)
{
    const iotls_error *e = x->e;
    uint32_t f = e->verify_flags;
    const mbedtls_x509_crt *c;
    char label[200], prop[120];
    int pos = 0, count = 0;
    const char *whose = x->offline ? "given" : "server's";
    if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK)) {
        iotls_diag_add_evidence(x, "verify flag %s",
                                f & MBEDTLS_X509_BADCERT_BAD_MD
                                    ? "bad_md: a "
                                      "signature uses a hash the profile forbids (SHA-1, MD5)"
                                    : "bad_pk: a signature uses an algorithm the profile forbids");
        c = first_weak(leaf, 0, &pos, prop, sizeof prop, &count);
        if (c != NULL) {
            cert_label(c, pos, label, sizeof label);
            iotls_diag_add_evidence(x, "%s is signed with %s%s", label, prop,
                                    count > 1 ? "; more certificates are signed as weakly" : "");
            iotls_diag_summary(x, "%s of the %s chain is signed with %s, an algorithm too weak "
                                  "to trust", label, whose, prop);
        } else {
            iotls_diag_summary(x, "the server's chain is signed with an algorithm too weak to "
                                  "trust");
        }
        iotls_diag_conclude(x, IOTLS_CAUSE_WEAK_SIGNATURE, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (f & MBEDTLS_X509_BADCERT_BAD_KEY) {
        iotls_diag_add_evidence(x,
                                "verify flag bad_key: a key is too small (RSA below 2048 bits) or "
                                "on a curve the profile forbids");
        c = first_weak(leaf, 1, &pos, prop, sizeof prop, &count);
        if (c != NULL) {
            cert_label(c, pos, label, sizeof label);
            iotls_diag_add_evidence(x, "%s has a key of %s%s", label, prop,
                                    count > 1 ? "; more certificates have weak keys" : "");
            iotls_diag_summary(x, "%s of the %s chain has a key too weak to trust: %s", label,
                               whose, prop);
        } else {
            if (leaf != NULL)
                iotls_diag_add_evidence(x, "server key: %s, %u bits",
                                        mbedtls_pk_get_name(&leaf->pk),
                                        (unsigned)mbedtls_pk_get_bitlen(&leaf->pk));
            iotls_diag_summary(x, "a key in the server's chain is too weak to trust");
        }
        iotls_diag_conclude(x, IOTLS_CAUSE_WEAK_KEY, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (f & BADCERT_USAGE) {
        int ext = (f & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE) != 0;
        iotls_diag_add_evidence(x, "verify flag %s",
                                ext ? "ext_key_usage: the certificate is not for TLS servers "
                                      "(no serverAuth)"
                                    : "key_usage: the key usage does not allow this handshake");
        if (leaf != NULL) {
            /* Mbed TLS checks the usage of the server's own certificate. */
            cert_label(leaf, 1, label, sizeof label);
            usage_text(leaf, ext, prop, sizeof prop);
            iotls_diag_add_evidence(x, "%s has %s", label, prop);
            iotls_diag_summary(
                x, "%s, the server's own, has %s: %s", label, prop,
                ext ? "it is not issued for use by a TLS server (no serverAuth)"
                : (leaf->MBEDTLS_PRIVATE(key_usage) & MBEDTLS_X509_KU_DIGITAL_SIGNATURE) == 0
                    ? "without digitalSignature its key may not sign the handshake"
                    : "it does not allow this handshake's use of the key");
        } else {
            iotls_diag_summary(x, "the server's certificate is not issued for use by a TLS "
                                  "server");
        }
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
    if ((f & MBEDTLS_X509_BADCERT_REVOKED) && c != IOTLS_CAUSE_CERT_REVOKED)
        iotls_diag_add_note(x, "a certificate in the chain is also revoked (on its issuer's "
                               "CRL)");
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
           algo_rule(x, leaf) || iotls_diag_revoked(x, leaf) || iotls_diag_policy(x, leaf);
    if (done)
        other_flags(x);
    return done;
}
