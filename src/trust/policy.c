/*
 * The certificate policy on top of Mbed TLS 3.6's chain check (policy.h).
 *
 * Mbed TLS builds the chain and checks signatures, validity, basicConstraints
 * cA / pathLen and keyCertSign of the issuers. What it does not do, and this
 * file does, for every certificate as the verify callback sees it (trust
 * anchor first, leaf last):
 *  - name constraints (RFC 5280 4.2.1.10): Mbed TLS 3.6 ignores a
 *    non-critical nameConstraints and cannot parse a certificate with a
 *    critical one (iotls_x509_parse_der() lets those through). Each CA's
 *    constraints are remembered (pointers into its DER) and every
 *    certificate below is checked against all of them: SAN dNSName,
 *    iPAddress and directoryName, the subject DN, and the common name of a
 *    leaf without SANs (Mbed TLS matches it when it checks the name itself).
 *    Name forms iotls cannot evaluate (rfc822Name, URI, ...) fail closed when
 *    a certificate carries such a name and a CA constrains that form;
 *  - the host name (RFC 6125 6.4, CA/B BR 7.1.4.2.1): dNSName SANs only,
 *    never the common name; a wildcard only as the whole left-most label,
 *    for exactly one label, with at least two labels after it; IP literals
 *    against iPAddress SANs only;
 *  - the leaf's extendedKeyUsage (serverAuth) as Mbed TLS's handshake checks
 *    it, so `iotls verify` agrees with a connection; keyUsage on request;
 *  - RFC 5280 profile rules whose absence the x509-limbo vectors show as
 *    wrong accepts: authority/subject key identifiers present and
 *    non-critical, keyCertSign only with cA, serial numbers positive and at
 *    most 20 octets, no repeated extension, a critical subjectAltName when
 *    the subject is empty, a well-formed authorityInfoAccess, a trust
 *    anchor's own authorityKeyIdentifier consistent (CA/B BR 7.1.2.1.3).
 *
 * All DER is walked with the bounds-checked reader below; nothing here
 * allocates, and every loop is bounded by the input length or a constant.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/oid.h"
#include "mbedtls/x509.h"

#include "iotls/error.h"
#include "trust/policy.h"

int iotls_x509_match_ip(const mbedtls_x509_crt *crt, const iotls_addr *ip); /* addr.c */

/* Extension OIDs (DER contents). */
static const unsigned char OID_NC[] = {0x55, 0x1d, 0x1e};   /* 2.5.29.30 */
static const unsigned char OID_SAN[] = {0x55, 0x1d, 0x11};  /* 2.5.29.17 */
static const unsigned char OID_AKI[] = {0x55, 0x1d, 0x23};  /* 2.5.29.35 */
static const unsigned char OID_SKI[] = {0x55, 0x1d, 0x0e};  /* 2.5.29.14 */
static const unsigned char OID_AIA[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};

/* GeneralName tags (RFC 5280 4.2.1.6), as they appear in DER. */
#define GN_EMAIL 0x81
#define GN_DNS 0x82
#define GN_URI 0x86
#define GN_IP 0x87
#define GN_DIR 0xa4

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define MAX_EXTENSIONS 32 /* more in one certificate: rejected as malformed */
#define MAX_NAME_LIST 64  /* subtrees in one constraint (more: malformed), RDNs */
#define MAX_SAN_NAMES 1024 /* names in one subjectAltName (CDN certificates have hundreds) */

/* ---- bounded DER reader ------------------------------------------------ */

/* One TLV at *p (low tag numbers, definite lengths up to 4 bytes); *p moves
 * past it. 0, or -1 when it does not fit before end. */
static int get_tlv(const unsigned char **p, const unsigned char *end, unsigned *tag,
                   const unsigned char **val, size_t *len)
{
    const unsigned char *q = *p;
    size_t l, n, i;

    if (q == NULL || end == NULL || q >= end || end - q < 2)
        return -1;
    *tag = *q++;
    if ((*tag & 0x1f) == 0x1f)
        return -1;
    l = *q++;
    if (l & 0x80) {
        n = l & 0x7f;
        if (n == 0 || n > 4 || (size_t)(end - q) < n)
            return -1;
        for (l = 0, i = 0; i < n; i++)
            l = (l << 8) | *q++;
    }
    if (l > (size_t)(end - q))
        return -1;
    *val = q;
    *len = l;
    *p = q + l;
    return 0;
}

/* The contents of a TLV that must fill [p, end) exactly with this tag. */
static int get_whole(const unsigned char *p, const unsigned char *end, unsigned want,
                     const unsigned char **val, size_t *len)
{
    unsigned tag;

    if (get_tlv(&p, end, &tag, val, len) != 0 || tag != want || p != end)
        return -1;
    return 0;
}

static int lower(int ch)
{
    return (ch >= 'A' && ch <= 'Z') ? ch + ('a' - 'A') : ch;
}

static int eq_nocase(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* strlen bounded by max (strnlen is POSIX, not C99). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static int same_buf(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->p != NULL && b->p != NULL && a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* ---- extensions ---------------------------------------------------------- */

/* One Extension at *p: its OID, critical flag and extnValue contents. */
static int next_ext(const unsigned char **p, const unsigned char *end, const unsigned char **oid,
                    size_t *oid_len, int *critical, const unsigned char **val, size_t *val_len)
{
    const unsigned char *q, *qe, *v;
    unsigned tag;
    size_t l;

    if (get_tlv(p, end, &tag, &q, &l) != 0 || tag != 0x30)
        return -1;
    qe = q + l;
    if (get_tlv(&q, qe, &tag, oid, oid_len) != 0 || tag != 0x06 || *oid_len == 0)
        return -1;
    *critical = 0;
    if (q < qe && *q == 0x01) {
        if (get_tlv(&q, qe, &tag, &v, &l) != 0 || l != 1)
            return -1;
        *critical = v[0] != 0;
    }
    return get_whole(q, qe, 0x04, val, val_len);
}

int iotls_policy_find_ext(const unsigned char *ext, size_t ext_len, const unsigned char *oid,
                          size_t oid_len, const unsigned char **val, size_t *len, int *critical)
{
    const unsigned char *p, *end, *o, *v;
    size_t ol, vl;
    int crit, found = 0, n;

    if (ext == NULL || ext_len == 0)
        return 0;
    if (get_whole(ext, ext + ext_len, 0x30, &p, &vl) != 0)
        return -1;
    end = p + vl;
    for (n = 0; p < end; n++) {
        if (n >= MAX_EXTENSIONS || next_ext(&p, end, &o, &ol, &crit, &v, &vl) != 0)
            return -1;
        if (ol == oid_len && memcmp(o, oid, ol) == 0) {
            if (found)
                return -1;
            found = 1;
            if (val != NULL)
                *val = v;
            if (len != NULL)
                *len = vl;
            if (critical != NULL)
                *critical = crit;
        }
    }
    return found;
}

/* What the policy needs from one certificate's extensions. */
typedef struct ext_info {
    int bad;                    /* malformed, too many, or an OID twice */
    const unsigned char *nc, *san, *aia;
    size_t nc_len, san_len, aia_len;
    int has_nc, has_san, has_aia, has_aki, has_ski;
    int san_crit, aki_crit, ski_crit;
} ext_info;

static void read_exts(const mbedtls_x509_crt *crt, ext_info *e)
{
    uint16_t oid_off[MAX_EXTENSIONS]; /* OIDs seen, as offsets: a small stack */
    uint8_t oid_len[MAX_EXTENSIONS];
    const unsigned char *base = crt->v3_ext.p, *p, *end, *o, *v;
    size_t ol, vl;
    int crit, n, i;

    memset(e, 0, sizeof *e);
    if (crt->v3_ext.p == NULL || crt->v3_ext.len == 0)
        return;
    if (get_whole(crt->v3_ext.p, crt->v3_ext.p + crt->v3_ext.len, 0x30, &p, &vl) != 0) {
        e->bad = 1;
        return;
    }
    end = p + vl;
    for (n = 0; p < end; n++) {
        if (n >= MAX_EXTENSIONS || next_ext(&p, end, &o, &ol, &crit, &v, &vl) != 0) {
            e->bad = 1;
            return;
        }
        if (ol > 255 || (size_t)(o - base) > 0xffff) {
            e->bad = 1;
            return;
        }
        for (i = 0; i < n; i++)
            if (oid_len[i] == ol && memcmp(base + oid_off[i], o, ol) == 0)
                e->bad = 1; /* RFC 5280 4.2: one instance of an extension */
        oid_off[n] = (uint16_t)(o - base);
        oid_len[n] = (uint8_t)ol;
        if (ol == sizeof OID_NC && memcmp(o, OID_NC, ol) == 0) {
            e->has_nc = 1, e->nc = v, e->nc_len = vl;
        } else if (ol == sizeof OID_SAN && memcmp(o, OID_SAN, ol) == 0) {
            e->has_san = 1, e->san = v, e->san_len = vl, e->san_crit = crit;
        } else if (ol == sizeof OID_AKI && memcmp(o, OID_AKI, ol) == 0) {
            e->has_aki = 1, e->aki_crit = crit;
        } else if (ol == sizeof OID_SKI && memcmp(o, OID_SKI, ol) == 0) {
            e->has_ski = 1, e->ski_crit = crit;
        } else if (ol == sizeof OID_AIA && memcmp(o, OID_AIA, ol) == 0) {
            e->has_aia = 1, e->aia = v, e->aia_len = vl;
        }
    }
}

/* AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF
 *     SEQUENCE { accessMethod OBJECT IDENTIFIER, accessLocation GeneralName } */
static int aia_valid(const unsigned char *v, size_t len)
{
    const unsigned char *p, *end, *q, *qe, *x;
    unsigned tag;
    size_t l, xl;
    int n;

    if (get_whole(v, v + len, 0x30, &p, &l) != 0 || l == 0)
        return 0;
    end = p + l;
    for (n = 0; p < end; n++) {
        if (n >= MAX_NAME_LIST || get_tlv(&p, end, &tag, &q, &l) != 0 || tag != 0x30)
            return 0;
        qe = q + l;
        if (get_tlv(&q, qe, &tag, &x, &xl) != 0 || tag != 0x06 || xl == 0)
            return 0;
        if (get_tlv(&q, qe, &tag, &x, &xl) != 0 || (tag & 0xc0) != 0x80 || q != qe)
            return 0;
    }
    return 1;
}

/* ---- DNS names ----------------------------------------------------------- */

/* A DNS name as a certificate or a dialed host may carry it: labels of
 * letters, digits, '-' and '_' (seen in the wild), 1..63 bytes, not starting
 * or ending with '-', 253 bytes at most, no empty label (so no leading or
 * trailing dot). Returns the number of labels, or 0 if it is not one. */
static int dns_labels(const unsigned char *s, size_t len)
{
    size_t i, label = 0;
    int labels = 1;

    if (len == 0 || len > 253)
        return 0;
    for (i = 0; i < len; i++) {
        int ch = s[i];
        if (ch == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            labels++;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return 0;
        if (label == 0 && ch == '-')
            return 0;
        if (++label > 63)
            return 0;
    }
    if (label == 0 || s[len - 1] == '-')
        return 0;
    return labels;
}

/* A presented dNSName: a DNS name, or "*." + a DNS name of two labels or
 * more (the wildcard as the whole left-most label, RFC 6125 6.4.3 and CA/B
 * BR "Wildcard Domain Name"; partial wildcards such as f*o or xn--*-x are
 * not names). 1 plain, 2 wildcard, 0 invalid. */
static int pattern_kind(const unsigned char *s, size_t len)
{
    if (len >= 2 && s[0] == '*' && s[1] == '.')
        return dns_labels(s + 2, len - 2) >= 2 ? 2 : 0;
    return dns_labels(s, len) > 0 ? 1 : 0;
}

/* host: a valid DNS name (one trailing dot removed by the caller). */
static int pattern_matches(const unsigned char *pat, size_t plen, const unsigned char *host,
                           size_t hlen)
{
    const unsigned char *dot;

    switch (pattern_kind(pat, plen)) {
    case 1:
        return eq_nocase(pat, plen, host, hlen);
    case 2:
        /* '*' stands for exactly one non-empty label: never the apex, never
         * two labels. */
        dot = memchr(host, '.', hlen);
        if (dot == NULL || dot == host)
            return 0;
        return eq_nocase(pat + 1, plen - 1, dot, hlen - (size_t)(dot - host));
    default:
        return 0;
    }
}

int iotls_policy_match_dns(const mbedtls_x509_crt *crt, const char *host)
{
    const mbedtls_x509_sequence *cur;
    size_t hlen;
    int n;

    if (crt == NULL || host == NULL)
        return 0;
    hlen = bounded_len(host, 254);
    if (hlen > 0 && host[hlen - 1] == '.')
        hlen--; /* an absolute name: the same name */
    if (hlen == 0 || dns_labels((const unsigned char *)host, hlen) == 0)
        return 0;
    for (cur = &crt->subject_alt_names, n = 0; cur != NULL && n < 1024; cur = cur->next, n++) {
        if (cur->buf.p == NULL || cur->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2))
            continue;
        if (pattern_matches(cur->buf.p, cur->buf.len, (const unsigned char *)host, hlen))
            return 1;
    }
    return 0; /* no dNSName SAN: no match (no common-name fallback) */
}

/* ---- name constraints ---------------------------------------------------- */

/* A dNSName constraint: "" (everything), "example.com" (it and every name
 * below it), ".example.com" (only names below it). */
static int dns_constraint_valid(const unsigned char *c, size_t len)
{
    if (len == 0)
        return 1;
    if (c[0] == '.')
        return len > 1 && dns_labels(c + 1, len - 1) > 0;
    return dns_labels(c, len) > 0;
}

/* Is name (a plain DNS name; for a wildcard, the part after "*.") within
 * the constraint's subtree? */
static int dns_within(const unsigned char *name, size_t nlen, const unsigned char *c, size_t clen)
{
    if (clen == 0)
        return 1;
    if (c[0] == '.')
        return nlen > clen && eq_nocase(name + nlen - clen, clen, c, clen);
    if (eq_nocase(name, nlen, c, clen))
        return 1;
    return nlen > clen && name[nlen - clen - 1] == '.' &&
           eq_nocase(name + nlen - clen, clen, c, clen);
}

/* For an excluded subtree: can a name the wildcard "*.base" matches be
 * inside it? Yes when the wildcard name itself is, or when the constraint
 * is a single label under base (the wildcard matches exactly that name). */
static int wildcard_may_hit(const unsigned char *base, size_t blen, const unsigned char *c,
                            size_t clen)
{
    const unsigned char *dot;

    if (clen == 0 || c[0] == '.')
        return 0;
    dot = memchr(c, '.', clen);
    return dot != NULL && dot != c &&
           eq_nocase(dot + 1, clen - (size_t)(dot + 1 - c), base, blen);
}

/* iPAddress constraint: address then mask, 4+4 or 16+16 bytes; the mask a
 * CIDR prefix (ones then zeros). */
static int ip_constraint_valid(const unsigned char *c, size_t len)
{
    size_t n = len / 2, i;
    int zero_seen = 0, b;

    if (len != 8 && len != 32)
        return 0;
    for (i = 0; i < n; i++)
        for (b = 7; b >= 0; b--) {
            if ((c[n + i] >> b) & 1) {
                if (zero_seen)
                    return 0;
            } else {
                zero_seen = 1;
            }
        }
    return 1;
}

static int ip_within(const unsigned char *ip, size_t len, const unsigned char *c, size_t clen)
{
    size_t i;

    if (clen != 2 * len)
        return 0; /* other family: not within */
    for (i = 0; i < len; i++)
        if ((ip[i] & c[len + i]) != (c[i] & c[len + i]))
            return 0;
    return 1;
}

/* Two RDNs (SET OF AttributeTypeAndValue): the same DER, or one attribute
 * each with the same type and string values that differ only in ASCII case
 * or in the string type (RFC 5280 7.1 in part: no space folding). */
static int rdn_equal(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    const unsigned char *av[2], *ao, *bo, *p;
    size_t avl[2], aol, bol, l;
    unsigned atag, btag, tag;
    int i;

    if (alen == blen && memcmp(a, b, alen) == 0)
        return 1;
    for (i = 0; i < 2; i++) {
        const unsigned char *s = i == 0 ? a : b;
        size_t sl = i == 0 ? alen : blen;
        const unsigned char *ava;
        size_t aval;
        if (get_whole(s, s + sl, 0x31, &ava, &aval) != 0 ||
            get_whole(ava, ava + aval, 0x30, &p, &l) != 0)
            return 0;
        av[i] = p;
        avl[i] = l;
    }
    p = av[0];
    if (get_tlv(&p, av[0] + avl[0], &tag, &ao, &aol) != 0 || tag != 0x06 ||
        get_tlv(&p, av[0] + avl[0], &atag, &a, &alen) != 0 || p != av[0] + avl[0])
        return 0;
    p = av[1];
    if (get_tlv(&p, av[1] + avl[1], &tag, &bo, &bol) != 0 || tag != 0x06 ||
        get_tlv(&p, av[1] + avl[1], &btag, &b, &blen) != 0 || p != av[1] + avl[1])
        return 0;
#define IS_STR(t) ((t) == 0x0c || (t) == 0x13 || (t) == 0x14 || (t) == 0x16)
    return aol == bol && memcmp(ao, bo, aol) == 0 && IS_STR(atag) && IS_STR(btag) &&
           eq_nocase(a, alen, b, blen);
#undef IS_STR
}

/* Name (the contents of an RDNSequence) within the subtree of constraint c
 * (the same): c's RDNs are the first RDNs of name. */
static int dn_within(const unsigned char *name, size_t nlen, const unsigned char *c, size_t clen)
{
    const unsigned char *np = name, *ne = name + nlen, *cp = c, *ce = c + clen, *nv, *cv;
    const unsigned char *nstart, *cstart;
    unsigned tag;
    size_t l;
    int n;

    for (n = 0; cp < ce; n++) {
        if (n >= MAX_NAME_LIST || np >= ne)
            return 0;
        nstart = np;
        cstart = cp;
        if (get_tlv(&np, ne, &tag, &nv, &l) != 0 || get_tlv(&cp, ce, &tag, &cv, &l) != 0)
            return 0;
        if (!rdn_equal(cstart, (size_t)(cp - cstart), nstart, (size_t)(np - nstart)))
            return 0;
    }
    return 1;
}

/* GeneralSubtrees ([0] or [1] contents): SIZE (1..MAX) OF GeneralSubtree
 * { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }, with
 * minimum 0 and no maximum (RFC 5280: MUST). Each base checked for the
 * forms iotls evaluates. */
static int subtrees_valid(const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len, *q, *qe, *b, *x;
    unsigned tag;
    size_t bl, l;
    int n;

    if (len == 0)
        return 0;
    for (n = 0; p < end; n++) {
        if (n >= MAX_NAME_LIST || get_tlv(&p, end, &tag, &q, &l) != 0 || tag != 0x30)
            return 0;
        qe = q + l;
        if (get_tlv(&q, qe, &tag, &b, &bl) != 0)
            return 0;
        if (tag == GN_DNS && !dns_constraint_valid(b, bl))
            return 0;
        if (tag == GN_IP && !ip_constraint_valid(b, bl))
            return 0;
        if (tag == GN_DIR && get_whole(b, b + bl, 0x30, &x, &l) != 0)
            return 0;
        if ((tag & 0xc0) != 0x80)
            return 0; /* not a GeneralName */
        if (q < qe) {
            if (get_tlv(&q, qe, &tag, &x, &l) != 0 || tag != 0x80 || l != 1 || x[0] != 0)
                return 0; /* minimum other than 0, or maximum */
        }
        if (q != qe)
            return 0;
    }
    return 1;
}

int iotls_policy_nc_valid(const unsigned char *nc, size_t len)
{
    const unsigned char *p, *end, *v;
    unsigned tag, last = 0;
    size_t l;
    int parts = 0;

    if (nc == NULL || get_whole(nc, nc + len, 0x30, &p, &l) != 0)
        return 0;
    end = p + l;
    while (p < end) {
        if (parts >= 2 || get_tlv(&p, end, &tag, &v, &l) != 0)
            return 0;
        /* permittedSubtrees [0], excludedSubtrees [1], in that order */
        if ((tag != 0xa0 && tag != 0xa1) || tag <= last || !subtrees_valid(v, l))
            return 0;
        last = tag;
        parts++;
    }
    return parts > 0; /* an empty NameConstraints: MUST NOT (RFC 5280) */
}

/* Where a name breaks one CA's constraints, for the detail line. */
typedef struct nc_hit {
    int excluded;                 /* 1: inside an excluded subtree; 0: outside the permitted */
    int unsupported;              /* a name form iotls does not evaluate */
    unsigned tag;                 /* the constraint's form */
    const unsigned char *c;       /* the constraint (first permitted one of that form) */
    size_t clen;
} nc_hit;

/* One name (GeneralName tag + contents) against one NameConstraints value
 * (already validated). 0: allowed; 1: not, *hit says why. */
static int name_violates(const unsigned char *nc, size_t nc_len, unsigned tag,
                         const unsigned char *name, size_t nlen, nc_hit *hit)
{
    const unsigned char *p, *end, *v, *ve, *q, *b, *st;
    size_t l, bl, base_len = nlen;
    unsigned t, btag;
    int part, wild = 0, permitted_seen = 0, n;
    const unsigned char *base = name;

    memset(hit, 0, sizeof *hit);
    hit->tag = tag;
    if (tag == GN_DNS) {
        int k = pattern_kind(name, nlen);
        if (k == 0) {
            /* not a DNS name: outside every DNS subtree, fails any DNS
             * constraint (RFC 5280: all names MUST be within) */
            base_len = 0;
        } else if (k == 2) {
            wild = 1;
            base = name + 2;
            base_len = nlen - 2;
        }
    }
    if (get_whole(nc, nc + nc_len, 0x30, &p, &l) != 0)
        return 1;
    end = p + l;
    /* excluded first: inside any one is a violation */
    for (part = 0; part < 2; part++) {
        const unsigned char *pp = p;
        while (pp < end) {
            if (get_tlv(&pp, end, &t, &v, &l) != 0)
                return 1;
            if ((part == 0 && t != 0xa1) || (part == 1 && t != 0xa0))
                continue;
            ve = v + l;
            for (n = 0; v < ve && n < MAX_NAME_LIST; n++) {
                if (get_tlv(&v, ve, &t, &st, &l) != 0)
                    return 1;
                q = st;
                if (get_tlv(&q, st + l, &btag, &b, &bl) != 0)
                    return 1;
                if (btag != tag)
                    continue;
                if (tag == GN_DNS && base_len == 0) {
                    /* not a DNS name: cannot be placed in or out of a DNS
                     * subtree, so not allowed under any (RFC 5280: every
                     * name MUST be within the permitted ones) */
                    hit->excluded = part == 0, hit->c = b, hit->clen = bl;
                    return 1;
                }
                if (tag != GN_DNS && tag != GN_IP && tag != GN_DIR) {
                    hit->unsupported = 1, hit->excluded = part == 0, hit->c = b, hit->clen = bl;
                    return 1;
                }
                if (part == 1 && !permitted_seen) {
                    permitted_seen = 1;
                    hit->c = b, hit->clen = bl;
                }
                {
                    int in;
                    if (tag == GN_DNS)
                        in = dns_within(base, base_len, b, bl) ||
                             (part == 0 && wild && wildcard_may_hit(base, base_len, b, bl));
                    else if (tag == GN_IP)
                        in = ip_within(name, nlen, b, bl);
                    else {
                        const unsigned char *cn, *nn;
                        size_t cl, nl;
                        in = get_whole(b, b + bl, 0x30, &cn, &cl) == 0 &&
                             get_whole(name, name + nlen, 0x30, &nn, &nl) == 0 &&
                             dn_within(nn, nl, cn, cl);
                    }
                    if (part == 0 && in) {
                        hit->excluded = 1, hit->c = b, hit->clen = bl;
                        return 1;
                    }
                    if (part == 1 && in)
                        return 0;
                }
            }
        }
    }
    return permitted_seen; /* constrained form, no permitted subtree matched */
}

/* ---- details --------------------------------------------------------------- */

/* IOTLS_POLICY_DETAIL 0 compiles the explanations out (about 2 KB of Thumb-2
 * code and text): the flags stay, p->detail stays empty. */
#ifndef IOTLS_POLICY_DETAIL
#define IOTLS_POLICY_DETAIL 1
#endif

#if IOTLS_POLICY_DETAIL

static void cn_of(const mbedtls_x509_crt *crt, char *out, size_t cap)
{
    const mbedtls_x509_name *n;
    size_t i, k = 0;
    int guard;

    out[0] = '\0';
    for (n = &crt->subject, guard = 0; n != NULL && guard < 64; n = n->next, guard++) {
        if (n->oid.p == NULL || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
            continue;
        for (i = 0; i < n->val.len && k + 1 < cap; i++)
            out[k++] = (n->val.p[i] >= 0x20 && n->val.p[i] < 0x7f) ? (char)n->val.p[i] : '?';
        out[k] = '\0';
        return;
    }
}

static void set_detail(iotls_policy *p, const char *fmt, ...)
{
    va_list ap;

    if (p->detail[0] != '\0')
        return; /* the first failure is the one reported */
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
}

/* "certificate 2 (CN=Int CA)" / "the server's certificate (CN=...)" */
static void who(const mbedtls_x509_crt *crt, int depth, char *out, size_t cap)
{
    char cn[48];

    cn_of(crt, cn, sizeof cn);
    if (depth == 0)
        snprintf(out, cap, "the server's certificate (CN=%s)", cn);
    else
        snprintf(out, cap, "certificate %d (CN=%s)", depth, cn);
}

static void name_text(unsigned tag, const unsigned char *v, size_t len, char *out, size_t cap)
{
    size_t i, k = 0;

    out[0] = '\0';
    if (tag == GN_IP && (len == 4 || len == 16 || len == 8 || len == 32)) {
        iotls_addr a;
        size_t n = (len == 8 || len == 32) ? len / 2 : len;
        memset(&a, 0, sizeof a);
        a.family = n == 4 ? 4 : 6;
        memcpy(a.bytes, v, n);
        iotls_addr_format(&a, out, cap);
        if (n != len) {
            int bits = 0;
            for (i = 0; i < n; i++)
                for (k = 0; k < 8; k++)
                    bits += (v[n + i] >> k) & 1;
            k = strlen(out);
            snprintf(out + k, cap - k, "/%d", bits);
        }
        return;
    }
    if (tag == GN_DIR) {
        snprintf(out, cap, "(a directory name)");
        return;
    }
    if (tag == GN_DNS && len == 0) {
        snprintf(out, cap, "(any name)");
        return;
    }
    for (i = 0; i < len && k + 1 < cap && k < 64; i++)
        out[k++] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '?';
    out[k] = '\0';
}

static const char *form_name(unsigned tag)
{
    switch (tag) {
    case GN_DNS: return "DNS";
    case GN_IP: return "IP";
    case GN_DIR: return "directoryName";
    case GN_EMAIL: return "rfc822Name";
    case GN_URI: return "URI";
    default: return "name form";
    }
}

#else /* !IOTLS_POLICY_DETAIL */

static void who(const mbedtls_x509_crt *crt, int depth, char *out, size_t cap)
{
    (void)crt;
    (void)depth;
    if (cap > 0)
        out[0] = '\0';
}

static void name_text(unsigned tag, const unsigned char *v, size_t len, char *out, size_t cap)
{
    (void)tag;
    (void)v;
    (void)len;
    if (cap > 0)
        out[0] = '\0';
}

#define set_detail(p, ...) ((void)(p))

#endif /* IOTLS_POLICY_DETAIL */

/* ---- the check ------------------------------------------------------------- */

void iotls_policy_init(iotls_policy *p, const char *host, const iotls_addr *ip, int check_name)
{
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->host = host;
    p->ip = ip;
    p->check_name = check_name;
    p->check_eku = 1;
    p->max_intermediates = -1;
    p->last_depth = -1;
    p->top_depth = -1;
}

static void new_chain(iotls_policy *p, int depth)
{
    p->n_nc = 0;
    p->top_depth = depth;
    p->intermediates = 0;
    p->detail[0] = '\0';
}

/* The detail line of a name-constraint failure: apart from the check so
 * that its buffers are on the stack only when there is something to say. */
NOINLINE static void nc_detail(iotls_policy *p, int i, int depth, unsigned tag,
                               const unsigned char *v, size_t len, const nc_hit *hit)
{
    char by[80], what[72], con[72], whose[40];

    who(p->nc_crt[i], p->nc_depth[i], by, sizeof by);
    name_text(tag, v, len, what, sizeof what);
    name_text(hit->tag, hit->c, hit->clen, con, sizeof con);
    if (depth == 0)
        snprintf(whose, sizeof whose, "the server's name");
    else
        snprintf(whose, sizeof whose, "certificate %d's name", depth);
    if (hit->unsupported)
        set_detail(p, "%s constrains %s names, which iotls cannot check; %s %s is one", by,
                   form_name(tag), whose, what);
    else
        set_detail(p, "%s %s %s %s; %s %s is %s it", by,
                   hit->excluded ? "excludes" : "constrains names to permitted",
                   form_name(hit->tag), con, whose, what, hit->excluded ? "inside" : "outside");
}

/* One name of a certificate (at depth) against every remembered constraint. */
static int check_name_nc(iotls_policy *p, int depth, unsigned tag, const unsigned char *v,
                         size_t len)
{
    nc_hit hit;
    int i;

    for (i = 0; i < p->n_nc; i++) {
        if (!name_violates(p->nc[i], p->nc_len[i], tag, v, len, &hit))
            continue;
        if (p->detail[0] == '\0')
            nc_detail(p, i, depth, tag, v, len, &hit);
        return 1;
    }
    return 0;
}

/* Every name of crt: SAN entries, the subject DN, and for a leaf without
 * SANs the common names (Mbed TLS matches them when it checks the name). */
static int names_violate(iotls_policy *p, const mbedtls_x509_crt *crt, int depth, const ext_info *e)
{
    const unsigned char *s, *end, *v;
    unsigned tag;
    size_t l;
    int n;

    if (e->has_san) {
        if (get_whole(e->san, e->san + e->san_len, 0x30, &s, &l) != 0)
            return 1;
        end = s + l;
        for (n = 0; s < end; n++) {
            if (n >= MAX_SAN_NAMES || get_tlv(&s, end, &tag, &v, &l) != 0)
                return 1;
            if (tag == GN_DIR) {
                /* [4] EXPLICIT Name: the inner SEQUENCE is the Name */
                if (check_name_nc(p, depth, GN_DIR, v, l))
                    return 1;
            } else if (check_name_nc(p, depth, tag, v, l)) {
                return 1;
            }
        }
    }
    if (crt->subject_raw.p != NULL && crt->subject_raw.len > 2 &&
        check_name_nc(p, depth, GN_DIR, crt->subject_raw.p, crt->subject_raw.len))
        return 1;
    if (depth == 0 && !e->has_san) {
        const mbedtls_x509_name *nm;
        for (nm = &crt->subject, n = 0; nm != NULL && n < 64; nm = nm->next, n++) {
            if (nm->oid.p == NULL || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &nm->oid) != 0)
                continue;
            if (pattern_kind(nm->val.p, nm->val.len) != 0 &&
                check_name_nc(p, depth, GN_DNS, nm->val.p, nm->val.len))
                return 1;
        }
    }
    return 0;
}

/* RFC 5280 4.1.2.2: a positive INTEGER of at most 20 octets. */
static int serial_ok(const mbedtls_x509_buf *s)
{
    size_t i;
    int nonzero = 0;

    if (s->p == NULL || s->len == 0)
        return 0;
    if (s->p[0] & 0x80)
        return 0; /* negative */
    if (s->len > 21 || (s->len == 21 && s->p[0] != 0))
        return 0; /* beyond 20 octets (one leading zero keeps it positive) */
    for (i = 0; i < s->len; i++)
        nonzero |= s->p[i];
    return nonzero != 0;
}

/* A self-signed certificate's authorityKeyIdentifier names the certificate
 * itself: keyIdentifier equal to its subjectKeyIdentifier, and the legacy
 * authorityCertIssuer + authorityCertSerialNumber (some roots of the Mozilla
 * store carry them) equal to its own issuer and serial number. */
static int aki_names_itself(const mbedtls_x509_crt *crt)
{
    const mbedtls_x509_authority *a = &crt->authority_key_id;
    const mbedtls_x509_sequence *gn;
    int n, named = 0;

    if (a->keyIdentifier.len == 0)
        return 0; /* CA/B BR 7.1.2.1.3: MUST be present */
    if (crt->subject_key_id.len != 0 && !same_buf(&a->keyIdentifier, &crt->subject_key_id))
        return 0;
    if (a->authorityCertSerialNumber.len == 0 && a->authorityCertIssuer.buf.p == NULL)
        return 1;
    if (!same_buf(&a->authorityCertSerialNumber, &crt->serial))
        return 0;
    for (gn = &a->authorityCertIssuer, n = 0; gn != NULL && n < 16; gn = gn->next, n++) {
        if (gn->buf.p == NULL)
            continue;
        if (gn->buf.tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 4) ||
            !same_buf(&gn->buf, &crt->issuer_raw))
            return 0;
        named = 1;
    }
    return named;
}

/* The profile rules; 0 when none is broken, else the flag to add. */
static uint32_t profile_rules(iotls_policy *p, const mbedtls_x509_crt *crt, int depth, int anchor,
                              int self_issued, const ext_info *e)
{
    char w[80];
    int is_ca = mbedtls_x509_crt_get_ca_istrue(crt) == 1;

    who(crt, depth, w, sizeof w);
    if (e->bad) {
        set_detail(p, "%s has malformed, too many or repeated extensions (RFC 5280 4.2)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (!anchor && !serial_ok(&crt->serial)) {
        set_detail(p, "%s has a serial number that is zero, negative or longer than 20 octets "
                      "(RFC 5280 4.1.2.2)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if ((e->has_aki && e->aki_crit) || (e->has_ski && e->ski_crit)) {
        set_detail(p, "%s marks its %s key identifier critical (RFC 5280 4.2.1.%d: MUST NOT)", w,
                   e->aki_crit ? "authority" : "subject", e->aki_crit ? 1 : 2);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (crt->version >= 3 && !self_issued && crt->authority_key_id.keyIdentifier.len == 0) {
        set_detail(p, "%s has no authority key identifier (RFC 5280 4.2.1.1: MUST, except in "
                      "self-signed certificates)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (crt->version >= 3 && is_ca && depth > 0 && !e->has_ski) {
        set_detail(p, "%s is a CA without a subject key identifier (RFC 5280 4.2.1.2: MUST)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (anchor && self_issued && e->has_aki && !aki_names_itself(crt)) {
        set_detail(p, "%s is a root whose authority key identifier names another key or "
                      "certificate (RFC 5280 4.2.1.1, CA/B BR 7.1.2.1.3)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    /* Only a CA root: a self-signed end-entity certificate in the store is
     * a pinned server certificate, which carries serverAuth legitimately
     * (the store's size decides whether Mbed TLS shows it at depth 1 too). */
    if (anchor && self_issued && depth > 0 && is_ca &&
        mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE)) {
        set_detail(p, "%s is a root with an extended key usage (CA/B BR 7.1.2.1.2: MUST NOT)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (crt->subject_raw.len <= 2 && (!e->has_san || !e->san_crit)) {
        set_detail(p, "%s has an empty subject and no critical subject alternative name "
                      "(RFC 5280 4.2.1.6)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (e->has_aia && !aia_valid(e->aia, e->aia_len)) {
        set_detail(p, "%s has a malformed authority information access extension "
                      "(RFC 5280 4.2.2.1)", w);
        return MBEDTLS_X509_BADCERT_OTHER;
    }
    if (!is_ca && mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_KEY_USAGE) &&
        mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) == 0) {
        set_detail(p, "%s may sign certificates (keyCertSign) but is not a CA (RFC 5280 4.2.1.9)",
                   w);
        return MBEDTLS_X509_BADCERT_KEY_USAGE;
    }
    return 0;
}

static int leaf_usage_ok(const mbedtls_x509_crt *crt, unsigned want)
{
    unsigned bit;

    if (want == 0 || !mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_KEY_USAGE))
        return 1;
    for (bit = 1; bit != 0 && bit <= 0x8000u; bit <<= 1)
        if ((want & bit) && mbedtls_x509_crt_check_key_usage(crt, bit) == 0)
            return 1;
    return 0;
}

static void check_leaf(iotls_policy *p, const mbedtls_x509_crt *crt, uint32_t *flags)
{
    char w[80], t[72];

    who(crt, 0, w, sizeof w);
    if (p->check_name && p->ip != NULL) {
        if (!iotls_x509_match_ip(crt, p->ip)) {
            *flags |= IOTLS_BADCERT_IP_MISMATCH | MBEDTLS_X509_BADCERT_CN_MISMATCH;
            iotls_addr_format(p->ip, t, sizeof t);
            set_detail(p, "%s has no iPAddress subject alternative name %s", w, t);
        }
    } else if (p->check_name && p->host != NULL) {
        if (!iotls_policy_match_dns(crt, p->host)) {
            *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
            name_text(GN_DNS, (const unsigned char *)p->host, bounded_len(p->host, 253), t, sizeof t);
            set_detail(p, "%s has no DNS subject alternative name matching %s (the common name is "
                          "not used, RFC 6125 6.4.4)", w, t);
        }
    }
    if (p->check_eku && mbedtls_x509_crt_check_extended_key_usage(
                            crt, MBEDTLS_OID_SERVER_AUTH,
                            MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) != 0) {
        *flags |= MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
        set_detail(p, "%s has an extended key usage without serverAuth (RFC 5280 4.2.1.12)", w);
    }
    if (!leaf_usage_ok(crt, p->leaf_key_usage)) {
        *flags |= MBEDTLS_X509_BADCERT_KEY_USAGE;
        set_detail(p, "%s has a key usage that does not allow the TLS handshake (RFC 5280 4.2.1.3)",
                   w);
    }
    if (p->reject_ca_leaf && mbedtls_x509_crt_get_ca_istrue(crt) == 1) {
        *flags |= IOTLS_BADCERT_LEAF_IS_CA;
        set_detail(p, "%s is a CA certificate (basicConstraints cA=TRUE)", w);
    }
}

void iotls_policy_check(iotls_policy *p, const mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    ext_info e;
    char w[80];
    int anchor, self_issued, is_ca;
    uint32_t f;

    if (p == NULL || crt == NULL || flags == NULL || depth < 0)
        return;
    if (p->last_depth < 0 || depth >= p->last_depth)
        new_chain(p, depth);
    p->last_depth = depth;
    /* The top of the chain is a trust anchor unless Mbed TLS found no
     * parent for it (then the chain fails anyway). */
    anchor = depth == p->top_depth && (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) == 0;
    self_issued = same_buf(&crt->issuer_raw, &crt->subject_raw);
    is_ca = mbedtls_x509_crt_get_ca_istrue(crt) == 1;
    read_exts(crt, &e);

    f = profile_rules(p, crt, depth, anchor, self_issued, &e);
    *flags |= f;

    /* Names against the constraints of the CAs above (RFC 5280 6.1.3 (b),
     * (c): not for a self-issued intermediate). */
    if (!e.bad && p->n_nc > 0 && (depth == 0 || !self_issued) && names_violate(p, crt, depth, &e))
        *flags |= IOTLS_BADCERT_NAME_CONSTRAINTS;

    if (e.has_nc) {
        who(crt, depth, w, sizeof w);
        if (!is_ca) {
            *flags |= IOTLS_BADCERT_NAME_CONSTRAINTS;
            set_detail(p, "%s has name constraints but is not a CA (RFC 5280 4.2.1.10)", w);
        } else if (!iotls_policy_nc_valid(e.nc, e.nc_len)) {
            *flags |= IOTLS_BADCERT_NAME_CONSTRAINTS;
            set_detail(p, "%s has malformed or empty name constraints (RFC 5280 4.2.1.10)", w);
        } else if (depth > 0) {
            if (p->n_nc >= IOTLS_POLICY_MAX_NC) {
                *flags |= IOTLS_BADCERT_NAME_CONSTRAINTS;
                set_detail(p, "%s adds name constraints beyond the %d iotls keeps", w,
                           IOTLS_POLICY_MAX_NC);
            } else {
                p->nc[p->n_nc] = e.nc;
                p->nc_len[p->n_nc] = e.nc_len;
                p->nc_crt[p->n_nc] = crt;
                p->nc_depth[p->n_nc] = depth;
                p->n_nc++;
            }
        }
    }

    if (depth > 0 && !anchor && !self_issued) {
        p->intermediates++;
        if (p->max_intermediates >= 0 && p->intermediates > p->max_intermediates) {
            *flags |= MBEDTLS_X509_BADCERT_OTHER;
            who(crt, depth, w, sizeof w);
            set_detail(p, "%s makes %d intermediate certificate(s), more than the %d allowed",
                       w, p->intermediates, p->max_intermediates);
        }
    }
    if (depth == 0)
        check_leaf(p, crt, flags);
}

/* ---- parsing ----------------------------------------------------------------- */

/* Mbed TLS asks about extensions it does not know: nameConstraints is
 * enforced by iotls_policy_check(), so a critical one is accepted; for any
 * other, a non-zero answer keeps Mbed TLS's rule (critical: reject). */
static int ext_cb(void *ctx, const mbedtls_x509_crt *crt, const mbedtls_x509_buf *oid,
                  int critical, const unsigned char *p, const unsigned char *end)
{
    (void)ctx;
    (void)crt;
    (void)critical;
    (void)p;
    (void)end;
    if (oid != NULL && oid->len == sizeof OID_NC && memcmp(oid->p, OID_NC, sizeof OID_NC) == 0)
        return 0;
    return MBEDTLS_ERR_X509_INVALID_EXTENSIONS;
}

int iotls_x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len)
{
    return mbedtls_x509_crt_parse_der_with_ext_cb(chain, der, len, 1, ext_cb, NULL);
}

int iotls_x509_parse_der_nocopy(mbedtls_x509_crt *chain, const unsigned char *der, size_t len)
{
    return mbedtls_x509_crt_parse_der_with_ext_cb(chain, der, len, 0, ext_cb, NULL);
}
