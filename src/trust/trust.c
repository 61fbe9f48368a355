/*
 * Trust stores.
 *
 * PEM is split into blocks here and each block is decoded on its own, so
 * that every failure is recorded with its position, reason and, when the
 * DER is readable that far, its subject. (mbedtls_x509_crt_parse() only
 * returns a count of failures, and needs the trailing NUL counted in the
 * length to even recognise PEM; decoding base64 here removes that trap.)
 * The base64 is public: the lazy store decodes it with b64.c, without Mbed
 * TLS's constant-time care, which was most of the cost of loading a system
 * bundle (the eager store keeps Mbed TLS's decoder: one in a device's flash).
 *
 * Two forms of store, chosen by the Mbed TLS configuration:
 *
 * - Lazy (MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK, the host): a root is
 *   checked for form when it is added (shape.c: DER structure, version,
 *   algorithms, curve: what Mbed TLS would refuse, with its reason) and
 *   kept as DER, once, in an arena, indexed by a key of its subject
 *   (name.c). Nothing is parsed until a chain names an issuer: Mbed TLS's
 *   CA callback (ca_cb below) then gets freshly parsed copies of the roots
 *   with that subject, verification still required. A root that passes the
 *   check at load and fails the full parse when it is named is recorded as
 *   an issue then (and never trusted). Hashed directories (the port's
 *   on-demand sources, iotls_trust_add_fetch) are asked for a subject hash
 *   the first time a chain names it. A small store (SMALL_STORE roots, no
 *   on-demand source: a --cacert file, a device's few roots) is parsed
 *   whole at its first use instead and given to Mbed TLS as a list: the
 *   same cost, and a pinned self-signed server certificate is trusted as
 *   Mbed TLS trusts it in a list (the callback would make it its own CA).
 *
 * - Eager (device builds without the callback): every root is parsed when
 *   it is added into one mbedtls_x509_crt list, handed to
 *   mbedtls_ssl_conf_ca_chain(); no index, no copy of the DER beyond Mbed
 *   TLS's own: a handful of roots costs what it did.
 *
 * A lazy store changes during handshakes (issues found, the parsed cache):
 * use a store from one thread at a time.
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "trust/b64.h"
#include "trust/crl.h"
#include "trust/policy.h"
#include "trust/store.h"

#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
#define LAZY 1
#else
#define LAZY 0
#endif

static const char begin_marker[] = "-----BEGIN CERTIFICATE-----";
static const char end_marker[] = "-----END CERTIFICATE-----";

void iotls_trust_init(iotls_trust *t)
{
    if (t == NULL)
        return;
    memset(t, 0, sizeof *t);
}

static void store_free(iotls_trust *t);

void iotls_trust_free(iotls_trust *t)
{
    if (t == NULL)
        return;
    store_free(t);
    iotls_trust_crl_free(t);
    iotls_trust_init(t);
}

void iotls_trust_origin_add(iotls_trust *t, const char *what)
{
    size_t n = strlen(t->origin);

    if (what == NULL || what[0] == '\0' || n + 1 >= sizeof t->origin)
        return;
    if (n > 0) {
        iotls_strlcpy(t->origin + n, "; ", sizeof t->origin - n);
        n = strlen(t->origin);
    }
    iotls_strlcpy(t->origin + n, what, sizeof t->origin - n);
}

/* First occurrence of needle in buf[0..len), or NULL (buf need not be a
 * string). memchr() skips to each candidate first character. */
static const unsigned char *find(const unsigned char *buf, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    const unsigned char *p = buf, *end = buf + len;

    if (nl == 0 || len < nl)
        return NULL;
    while ((size_t)(end - p) >= nl) {
        p = (const unsigned char *)memchr(p, needle[0], (size_t)(end - p) - nl + 1);
        if (p == NULL)
            return NULL;
        if (memcmp(p, needle, nl) == 0)
            return p;
        p++;
    }
    return NULL;
}

static uint32_t count_lines(const unsigned char *p, const unsigned char *end)
{
    uint32_t n = 0;

    while (p < end && (p = (const unsigned char *)memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* Most attributes of a DN put in text (CN, O, OU, C ... rarely pass 8). */
#define MAX_DN_ATTRS 16

/* A Name (SEQUENCE OF SET OF AttributeTypeAndValue) between p and end as
 * text. Mbed TLS 3.6 keeps its Name parser private, so the list that
 * mbedtls_x509_dn_gets() prints is built here, on the stack. */
static void dn_text(unsigned char *p, const unsigned char *end, char *out, size_t outlen)
{
    mbedtls_x509_name names[MAX_DN_ATTRS];
    size_t l, n = 0;

    memset(names, 0, sizeof names);
    while (p < end && n < MAX_DN_ATTRS) {
        const unsigned char *set_end;
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) != 0)
            break;
        set_end = p + l;
        while (p < set_end && n < MAX_DN_ATTRS) {
            const unsigned char *atv_end;
            mbedtls_x509_name *a = &names[n];
            if (mbedtls_asn1_get_tag(&p, set_end, &l,
                                     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
                return;
            atv_end = p + l;
            a->oid.tag = MBEDTLS_ASN1_OID;
            if (mbedtls_asn1_get_tag(&p, atv_end, &a->oid.len, MBEDTLS_ASN1_OID) != 0 ||
                atv_end - p < 2)
                return;
            a->oid.p = p;
            p += a->oid.len;
            a->val.tag = *p++;
            if (mbedtls_asn1_get_len(&p, atv_end, &a->val.len) != 0)
                return;
            a->val.p = p;
            p = (unsigned char *)atv_end;
            if (n > 0)
                names[n - 1].next = a;
            n++;
        }
        p = (unsigned char *)set_end;
    }
    if (n == 0 || mbedtls_x509_dn_gets(out, outlen, &names[0]) < 0)
        out[0] = '\0';
}

/* The subject of a certificate whose full parse failed: walk the
 * TBSCertificate up to the subject Name without interpreting anything
 * else (so an unknown key or signature algorithm does not stop it). */
static void der_subject(const unsigned char *der, size_t len, char *out, size_t outlen)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + len;
    size_t l;
    int i;

    out[0] = '\0';
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return;
    end = p + l;
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return;
    end = p + l;
    /* [0] version, optional */
    if (mbedtls_asn1_get_tag(&p, end, &l,
                             MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0) == 0)
        p += l;
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_INTEGER) != 0)
        return;
    p += l;
    /* signature AlgorithmIdentifier, issuer, validity */
    for (i = 0; i < 3; i++) {
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
            0)
            return;
        p += l;
    }
    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        l == 0)
        return;
    dn_text(p, p + l, out, outlen);
}

static void add_issue(iotls_trust *t, const char *label, uint32_t index, uint32_t line, int code,
                      const unsigned char *der, size_t der_len)
{
    iotls_trust_issue *is;

    if (index > 0)
        t->skipped++;
    if (t->n_issues >= IOTLS_TRUST_MAX_ISSUES)
        return;
    is = &t->issues[t->n_issues++];
    memset(is, 0, sizeof *is);
    iotls_strlcpy(is->source, label != NULL ? label : "", sizeof is->source);
    is->index = index;
    is->line = line;
    is->mbedtls_code = code;
    if (der != NULL && der_len > 0)
        der_subject(der, der_len, is->subject, sizeof is->subject);
}

#if LAZY
/* ======================================================================
 * The lazy store
 * ====================================================================== */

enum { ROOT_NEW, ROOT_OK, ROOT_BAD };

typedef struct root {
    const unsigned char *der; /* in the arena */
    uint32_t len;
    uint32_t key;   /* iotls_name_key() of the subject */
    uint32_t label; /* index into store.labels */
    uint32_t index; /* position in its source, as in issues */
    uint32_t line;
    unsigned char state;  /* ROOT_* */
    unsigned char cached; /* in store.parsed */
} root;

/* DER of the roots, packed: blocks never move, so roots point into them. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    unsigned char data[];
} block;

/* An on-demand source (a hashed directory), asked once per name hash. */
typedef struct source {
    iotls_trust_fetch_fn fn;
    void *ctx;
    void (*ctx_free)(void *);
    uint32_t *seen; /* hashes asked already, sorted */
    size_t n_seen, cap_seen;
} source;

#define MAX_SOURCES 4
#define ARENA_MIN 512u /* smallest arena block */
#define MAX_LABEL 96 /* sizeof iotls_trust_issue.source */

typedef struct store {
    root *roots;
    size_t n, cap;
    uint32_t *slots; /* open addressing by key: root index + 1, 0 = empty */
    size_t n_slots;  /* a power of two, more than twice n */
    block *arena;
    char **labels;
    size_t n_labels, cap_labels;
    source src[MAX_SOURCES];
    size_t n_src;
    uint32_t on_demand; /* of t->loaded: names in sources, not read yet */
    int parse_all;
    size_t hint; /* most DER the buffer being added can hold */
    mbedtls_x509_crt *parsed; /* the roots named so far, for iotls_trust_crt() */
} store;

static store *get_store(iotls_trust *t)
{
    if (t->certs == NULL)
        t->certs = iotls_port_calloc(1, sizeof(store));
    return (store *)t->certs;
}

static void store_free(iotls_trust *t)
{
    store *s = (store *)t->certs;
    size_t i;

    if (s == NULL)
        return;
    while (s->arena != NULL) {
        block *b = s->arena;
        s->arena = b->next;
        iotls_port_free(b);
    }
    for (i = 0; i < s->n_labels; i++)
        iotls_port_free(s->labels[i]);
    for (i = 0; i < s->n_src; i++) {
        if (s->src[i].ctx_free != NULL)
            s->src[i].ctx_free(s->src[i].ctx);
        iotls_port_free(s->src[i].seen);
    }
    if (s->parsed != NULL) {
        mbedtls_x509_crt_free(s->parsed);
        mbedtls_free(s->parsed);
    }
    iotls_port_free(s->labels);
    iotls_port_free(s->roots);
    iotls_port_free(s->slots);
    iotls_port_free(s);
    t->certs = NULL;
}

/* Room for n bytes at the arena's end (not yet used), or NULL. A new
 * block is sized for the whole buffer being added (a bundle: one block;
 * one root: a small one). */
static unsigned char *arena_room(store *s, size_t n)
{
    block *b = s->arena;

    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > s->hint ? n : s->hint;
        if (cap < ARENA_MIN)
            cap = ARENA_MIN;
        b = (block *)iotls_port_calloc(1, sizeof(block) + cap);
        if (b == NULL)
            return NULL;
        b->cap = cap;
        b->next = s->arena;
        s->arena = b;
    }
    return b->data + b->used;
}

static const char *label_of(const store *s, const root *r)
{
    return r->label < s->n_labels ? s->labels[r->label] : "";
}

/* The label's index, added when it differs from the last one. */
static int label_id(store *s, const char *label, uint32_t *id)
{
    size_t l;
    char *c, **nl;

    if (label == NULL)
        label = "";
    if (s->n_labels > 0 && strncmp(s->labels[s->n_labels - 1], label, MAX_LABEL - 1) == 0) {
        *id = (uint32_t)(s->n_labels - 1);
        return IOTLS_OK;
    }
    nl = (char **)iotls_array_reserve(s->labels, &s->cap_labels, s->n_labels, sizeof *nl, 8);
    if (nl == NULL)
        return IOTLS_ERR_ALLOC;
    s->labels = nl;
    l = strlen(label);
    if (l > MAX_LABEL - 1)
        l = MAX_LABEL - 1;
    c = (char *)iotls_port_calloc(1, l + 1);
    if (c == NULL)
        return IOTLS_ERR_ALLOC;
    memcpy(c, label, l);
    s->labels[s->n_labels] = c;
    *id = (uint32_t)s->n_labels++;
    return IOTLS_OK;
}

static void slot_put(uint32_t *slots, size_t n_slots, uint32_t key, uint32_t value)
{
    size_t i = key & (n_slots - 1);

    while (slots[i] != 0)
        i = (i + 1) & (n_slots - 1);
    slots[i] = value;
}

/* Room for one root more: the array and the index (rebuilt when it
 * doubles). */
static int grow(store *s)
{
    size_t i;
    root *nr;

    nr = (root *)iotls_array_reserve(s->roots, &s->cap, s->n, sizeof *nr, 4);
    if (nr == NULL)
        return IOTLS_ERR_ALLOC;
    s->roots = nr;
    if ((s->n + 1) * 2 > s->n_slots) {
        size_t ns = s->n_slots == 0 ? 8 : s->n_slots * 2;
        uint32_t *sl = (uint32_t *)iotls_port_calloc(ns, sizeof *sl);
        if (sl == NULL)
            return IOTLS_ERR_ALLOC;
        for (i = 0; i < s->n; i++)
            slot_put(sl, ns, s->roots[i].key, (uint32_t)(i + 1));
        iotls_port_free(s->slots);
        s->slots = sl;
        s->n_slots = ns;
    }
    return IOTLS_OK;
}

static int is_dup(const store *s, uint32_t key, const unsigned char *der, size_t len)
{
    size_t i, guard;

    if (s->n_slots == 0)
        return 0;
    for (i = key & (s->n_slots - 1), guard = 0; s->slots[i] != 0 && guard < s->n_slots;
         i = (i + 1) & (s->n_slots - 1), guard++) {
        const root *r = &s->roots[s->slots[i] - 1];
        if (r->key == key && r->len == len && memcmp(r->der, der, len) == 0)
            return 1;
    }
    return 0;
}

/* One DER certificate: checked, deduplicated, kept. in_arena: der is at
 * arena_room() already (a PEM block decoded there). */
static int add_der(iotls_trust *t, const unsigned char *der, size_t len, const char *label,
                   uint32_t index, uint32_t line, int in_arena)
{
    store *s = get_store(t);
    const unsigned char *subj;
    size_t subj_len, cert_len;
    unsigned char *dst;
    uint32_t key, lid;
    root *r;
    int ret;

    if (s == NULL)
        return IOTLS_ERR_ALLOC;
    ret = iotls_cert_shape(der, len, &subj, &subj_len, &cert_len);
    if (ret != 0) {
        add_issue(t, label, index, line, ret, der, len);
        return IOTLS_OK;
    }
    key = iotls_name_key(subj, subj_len);
    if (is_dup(s, key, der, cert_len))
        return IOTLS_OK; /* the same CA twice (hash links, bundle and directory) */
    if (s->parse_all) {
        /* Asked for every verdict now: the full parse, then dropped. */
        mbedtls_x509_crt tmp;
        mbedtls_x509_crt_init(&tmp);
        ret = iotls_x509_parse_der_nocopy(&tmp, der, cert_len);
        mbedtls_x509_crt_free(&tmp);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
            return IOTLS_ERR_ALLOC;
        if (ret != 0) {
            add_issue(t, label, index, line, ret, der, len);
            return IOTLS_OK;
        }
    }
    if (grow(s) != IOTLS_OK || label_id(s, label, &lid) != IOTLS_OK)
        return IOTLS_ERR_ALLOC;
    if (in_arena) {
        dst = (unsigned char *)der;
    } else {
        if ((dst = arena_room(s, cert_len)) == NULL)
            return IOTLS_ERR_ALLOC;
        memcpy(dst, der, cert_len);
    }
    s->arena->used += cert_len;
    r = &s->roots[s->n];
    memset(r, 0, sizeof *r);
    r->der = dst;
    r->len = (uint32_t)cert_len;
    r->key = key;
    r->label = lid;
    r->index = index;
    r->line = line;
    r->state = s->parse_all ? ROOT_OK : ROOT_NEW;
    s->n++;
    slot_put(s->slots, s->n_slots, key, (uint32_t)s->n);
    t->loaded++;
    return IOTLS_OK;
}

/* One PEM block: body is the base64 text between the markers, decoded
 * straight into the arena. */
static int add_pem_block(iotls_trust *t, const unsigned char *body, size_t blen, const char *label,
                         uint32_t index, uint32_t line)
{
    store *s = get_store(t);
    unsigned char *der;
    size_t olen = 0;
    int ret;

    if (s == NULL || (der = arena_room(s, IOTLS_B64_MAX_DECODED(blen))) == NULL)
        return IOTLS_ERR_ALLOC;
    ret = iotls_b64_decode(der, IOTLS_B64_MAX_DECODED(blen), &olen, body, blen);
    if (ret == 0 && olen == 0)
        ret = MBEDTLS_ERR_BASE64_INVALID_CHARACTER;
    if (ret != 0) {
        add_issue(t, label, index, line, MBEDTLS_ERR_PEM_INVALID_DATA + ret, NULL, 0);
        return IOTLS_OK;
    }
    return add_der(t, der, olen, label, index, line, 1);
}

/* A root that passed the check at load and fails the full parse: an
 * issue now, never trusted. */
static void late_issue(iotls_trust *t, store *s, root *r, int code)
{
    r->state = ROOT_BAD;
    add_issue(t, label_of(s, r), r->index, r->line, code, r->der, r->len);
    if (t->loaded > 0)
        t->loaded--;
}

static int seen_before(source *src, uint32_t h, int *err)
{
    size_t lo = 0, hi = src->n_seen;
    uint32_t *ns;

    *err = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->seen[mid] == h)
            return 1;
        if (src->seen[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    ns = (uint32_t *)iotls_array_reserve(src->seen, &src->cap_seen, src->n_seen, sizeof *ns, 16);
    if (ns == NULL) {
        *err = IOTLS_ERR_ALLOC;
        return 0;
    }
    src->seen = ns;
    memmove(src->seen + lo + 1, src->seen + lo, (src->n_seen - lo) * sizeof *src->seen);
    src->seen[lo] = h;
    src->n_seen++;
    return 0;
}

/* Asks each on-demand source, once per name hash, for the roots named
 * name. IOTLS_OK or IOTLS_ERR_ALLOC. */
static int fetch(iotls_trust *t, store *s, const unsigned char *name, size_t len)
{
    uint32_t h;
    size_t i;

    if (s->n_src == 0 || iotls_name_hash(name, len, &h) != 0)
        return IOTLS_OK;
    for (i = 0; i < s->n_src; i++) {
        int err, n;
        if (seen_before(&s->src[i], h, &err))
            continue;
        if (err != 0)
            return err;
        n = s->src[i].fn(t, s->src[i].ctx, h);
        if (n == IOTLS_ERR_ALLOC)
            return n;
        if (n > 0) {
            /* The names read were counted as loaded when the source came;
             * what they held is counted now. */
            uint32_t k = (uint32_t)n < s->on_demand ? (uint32_t)n : s->on_demand;
            s->on_demand -= k;
            t->loaded = t->loaded > k ? t->loaded - k : 0;
        }
    }
    return IOTLS_OK;
}

/* A self-signed end-entity certificate pinned in the store: Mbed TLS
 * trusts it as it is ("locally trusted") when the store is a list, and
 * asks it to be a CA when it comes from the callback. The copy handed over
 * for this one verification is marked version 1, which Mbed TLS does not
 * ask for the CA bit (x509_crt_check_parent); its signature, dates and key
 * are still checked. Only a byte-identical, self-issued certificate. */
static void pin_self_signed(const mbedtls_x509_crt *child, mbedtls_x509_crt *cand)
{
    if (iotls_x509_raw_eq(&child->raw, &cand->raw) && iotls_x509_self_issued(child))
        cand->version = 1;
}

/* Mbed TLS's CA callback: freshly parsed roots whose subject is child's
 * issuer (Mbed TLS frees them), or none. Non-zero only when memory runs
 * out, which fails the verification. */
static int ca_cb(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **candidates)
{
    iotls_trust *t = (iotls_trust *)ctx;
    store *s = (store *)t->certs;
    mbedtls_x509_crt *list = NULL;
    size_t i, guard;
    uint32_t key;

    *candidates = NULL;
    if (s == NULL)
        return 0;
    if (fetch(t, s, child->issuer_raw.p, child->issuer_raw.len) != IOTLS_OK)
        return -1;
    if (s->n_slots == 0)
        return 0;
    key = iotls_name_key(child->issuer_raw.p, child->issuer_raw.len);
    for (i = key & (s->n_slots - 1), guard = 0; s->slots[i] != 0 && guard < s->n_slots;
         i = (i + 1) & (s->n_slots - 1), guard++) {
        root *r = &s->roots[s->slots[i] - 1];
        mbedtls_x509_crt *last;
        int ret;
        if (r->key != key || r->state == ROOT_BAD)
            continue;
        if (list == NULL) {
            list = (mbedtls_x509_crt *)mbedtls_calloc(1, sizeof *list);
            if (list == NULL)
                return -1;
            mbedtls_x509_crt_init(list);
        }
        ret = iotls_x509_parse_der_nocopy(list, r->der, r->len);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
            mbedtls_x509_crt_free(list);
            mbedtls_free(list);
            return -1;
        }
        if (ret != 0) {
            late_issue(t, s, r, ret);
            continue;
        }
        r->state = ROOT_OK;
        for (last = list; last->next != NULL; last = last->next)
            ;
        pin_self_signed(child, last);
    }
    if (list != NULL && list->raw.p == NULL) {
        mbedtls_free(list); /* nothing parsed into it */
        list = NULL;
    }
    *candidates = list;
    return 0;
}

mbedtls_x509_crt *iotls_trust_crt(const iotls_trust *t)
{
    store *s = t != NULL ? (store *)t->certs : NULL;
    size_t i;

    if (s == NULL)
        return NULL;
    /* The roots named so far, parsed for the diagnosis (once each). */
    for (i = 0; i < s->n; i++) {
        root *r = &s->roots[i];
        if (r->state != ROOT_OK || r->cached)
            continue;
        if (s->parsed == NULL) {
            s->parsed = (mbedtls_x509_crt *)mbedtls_calloc(1, sizeof *s->parsed);
            if (s->parsed == NULL)
                break;
            mbedtls_x509_crt_init(s->parsed);
        }
        if (iotls_x509_parse_der_nocopy(s->parsed, r->der, r->len) != 0)
            break;
        r->cached = 1;
    }
    return s->parsed != NULL && s->parsed->raw.p != NULL ? s->parsed : NULL;
}

mbedtls_x509_crt *iotls_trust_find_subject(const iotls_trust *t, const unsigned char *name,
                                           size_t len)
{
    mbedtls_x509_crt child, *list = NULL;

    if (t == NULL || name == NULL || len == 0)
        return NULL;
    /* The callback's own lookup (index, on-demand sources), for a child
     * that names this issuer: only the roots of that name are parsed. A
     * lazy store changes during lookups (see the top of this file). */
    memset(&child, 0, sizeof child);
    child.issuer_raw.p = (unsigned char *)name;
    child.issuer_raw.len = len;
    if (ca_cb((void *)t, &child, &list) != 0)
        return NULL;
    return list;
}

int iotls_trust_set_parse_all(iotls_trust *t)
{
    store *s;

    if (t == NULL)
        return IOTLS_ERR_USAGE;
    if ((s = get_store(t)) == NULL)
        return IOTLS_ERR_ALLOC;
    s->parse_all = 1;
    return IOTLS_OK;
}

int iotls_trust_add_fetch(iotls_trust *t, iotls_trust_fetch_fn fn, void *ctx,
                          void (*ctx_free)(void *), uint32_t names)
{
    store *s;
    uint32_t probe;
    static const unsigned char empty_name[] = {0x30, 0x00};

    if (t == NULL || fn == NULL)
        return IOTLS_ERR_USAGE;
    /* Without SHA-1 no name hash: the caller reads everything instead. */
    if (iotls_name_hash(empty_name, sizeof empty_name, &probe) != 0)
        return 1;
    if ((s = get_store(t)) == NULL)
        return IOTLS_ERR_ALLOC;
    if (s->parse_all || s->n_src == MAX_SOURCES)
        return 1;
    memset(&s->src[s->n_src], 0, sizeof s->src[0]);
    s->src[s->n_src].fn = fn;
    s->src[s->n_src].ctx = ctx;
    s->src[s->n_src].ctx_free = ctx_free;
    s->n_src++;
    s->on_demand += names;
    t->loaded += names;
    return IOTLS_OK;
}

/* A store of at most this many roots and no on-demand source is parsed
 * whole when it is first used and handed to Mbed TLS as a list, as the
 * eager store is: parsing it costs what the lookups would, and Mbed TLS
 * then treats a pinned end-entity certificate as it always has (trusted as
 * itself, the chain one certificate long), which the callback cannot do. */
#define SMALL_STORE 16

/* The small store's parsed list, or NULL to use the callback. Roots that
 * fail the full parse are reported now. */
static mbedtls_x509_crt *small_list(iotls_trust *t)
{
    store *s = (store *)t->certs;
    size_t i;

    if (s == NULL || s->n > SMALL_STORE || s->n_src > 0)
        return NULL;
    for (i = 0; i < s->n; i++) {
        root *r = &s->roots[i];
        int ret;
        if (r->state == ROOT_BAD || r->cached)
            continue;
        if (s->parsed == NULL) {
            s->parsed = (mbedtls_x509_crt *)mbedtls_calloc(1, sizeof *s->parsed);
            if (s->parsed == NULL)
                return NULL;
            mbedtls_x509_crt_init(s->parsed);
        }
        ret = iotls_x509_parse_der_nocopy(s->parsed, r->der, r->len);
        if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
            return NULL; /* the callback may still do */
        if (ret != 0) {
            late_issue(t, s, r, ret);
            continue;
        }
        r->state = ROOT_OK;
        r->cached = 1;
    }
    return s->parsed != NULL && s->parsed->raw.p != NULL ? s->parsed : NULL;
}

void iotls_trust_conf_apply(iotls_trust *t, mbedtls_ssl_config *sc)
{
    mbedtls_x509_crt *list;

    if (t == NULL || t->loaded == 0 || t->certs == NULL)
        return;
    if ((list = small_list(t)) != NULL)
        mbedtls_ssl_conf_ca_chain(sc, list, NULL);
    else
        mbedtls_ssl_conf_ca_cb(sc, ca_cb, t);
}

int iotls_trust_verify_chain(iotls_trust *t, mbedtls_x509_crt *chain,
                             const mbedtls_x509_crt_profile *profile,
                             int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *),
                             void *p_vrfy, uint32_t *flags)
{
    store *s = t != NULL ? (store *)t->certs : NULL;

    if (s == NULL || (s->n <= SMALL_STORE && s->n_src == 0))
        return mbedtls_x509_crt_verify_with_profile(chain, s != NULL ? small_list(t) : NULL,
                                                    NULL, profile, NULL, flags, f_vrfy, p_vrfy);
    return mbedtls_x509_crt_verify_with_ca_cb(chain, ca_cb, t, profile, NULL, flags, f_vrfy,
                                              p_vrfy);
}

#else /* !LAZY */
/* ======================================================================
 * The eager store: one parsed list
 * ====================================================================== */

static void store_free(iotls_trust *t)
{
    if (t->certs != NULL) {
        mbedtls_x509_crt_free((mbedtls_x509_crt *)t->certs);
        iotls_port_free(t->certs);
        t->certs = NULL;
    }
}

mbedtls_x509_crt *iotls_trust_crt(const iotls_trust *t)
{
    return t != NULL ? (mbedtls_x509_crt *)t->certs : (mbedtls_x509_crt *)0;
}

mbedtls_x509_crt *iotls_trust_find_subject(const iotls_trust *t, const unsigned char *name,
                                           size_t len)
{
    const mbedtls_x509_crt *c;
    mbedtls_x509_crt *list = NULL;
    int guard = 0;

    if (name == NULL || len == 0)
        return NULL;
    for (c = iotls_trust_crt(t); c != NULL && c->raw.p != NULL && guard++ < 100000; c = c->next) {
        if (iotls_name_key(c->subject_raw.p, c->subject_raw.len) != iotls_name_key(name, len))
            continue;
        if (list == NULL) {
            list = (mbedtls_x509_crt *)mbedtls_calloc(1, sizeof *list);
            if (list == NULL)
                return NULL;
            mbedtls_x509_crt_init(list);
        }
        /* a copy over the list's DER, which lives as long as the store */
        if (iotls_x509_parse_der_nocopy(list, c->raw.p, c->raw.len) != 0)
            break;
    }
    if (list != NULL && list->raw.p == NULL) {
        mbedtls_free(list);
        list = NULL;
    }
    return list;
}

static int is_loaded(const iotls_trust *t, const unsigned char *der, size_t len)
{
    const mbedtls_x509_crt *c;

    for (c = iotls_trust_crt(t); c != NULL && c->raw.p != NULL; c = c->next)
        if (c->raw.len == len && memcmp(c->raw.p, der, len) == 0)
            return 1;
    return 0;
}

/* Parses one DER certificate; records an issue if it fails. */
static int add_der(iotls_trust *t, const unsigned char *der, size_t len, const char *label,
                   uint32_t index, uint32_t line, int in_arena)
{
    int ret;

    (void)in_arena;
    if (is_loaded(t, der, len))
        return IOTLS_OK; /* the same CA twice (hash links, bundles) */
    if (t->certs == NULL) {
        /* The list head lives on the heap: trust.h has no Mbed TLS type. */
        t->certs = iotls_port_calloc(1, sizeof(mbedtls_x509_crt));
        if (t->certs == NULL)
            return IOTLS_ERR_ALLOC;
        mbedtls_x509_crt_init(iotls_trust_crt(t));
    }
    ret = iotls_x509_parse_der(iotls_trust_crt(t), der, len);
    if (ret == 0) {
        t->loaded++;
        return IOTLS_OK;
    }
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
        return IOTLS_ERR_ALLOC;
    add_issue(t, label, index, line, ret, der, len);
    return IOTLS_OK;
}

/* One PEM block: body is the base64 text between the markers. Mbed TLS's
 * decoder, as before the lazy store: a device decodes a few roots once, and
 * its flash keeps one base64 decoder (PEM keys need Mbed TLS's). */
static int add_pem_block(iotls_trust *t, const unsigned char *body, size_t blen, const char *label,
                         uint32_t index, uint32_t line)
{
    size_t olen = 0;
    unsigned char *der;
    int ret;

    ret = mbedtls_base64_decode(NULL, 0, &olen, body, blen);
    if (ret == MBEDTLS_ERR_BASE64_INVALID_CHARACTER || olen == 0) {
        add_issue(t, label, index, line,
                  MBEDTLS_ERR_PEM_INVALID_DATA + MBEDTLS_ERR_BASE64_INVALID_CHARACTER, NULL, 0);
        return IOTLS_OK;
    }
    der = (unsigned char *)iotls_port_calloc(1, olen);
    if (der == NULL)
        return IOTLS_ERR_ALLOC;
    ret = mbedtls_base64_decode(der, olen, &olen, body, blen);
    if (ret != 0) {
        add_issue(t, label, index, line, MBEDTLS_ERR_PEM_INVALID_DATA + ret, NULL, 0);
        iotls_port_free(der);
        return IOTLS_OK;
    }
    ret = add_der(t, der, olen, label, index, line, 0);
    iotls_port_free(der);
    return ret;
}

int iotls_trust_set_parse_all(iotls_trust *t)
{
    return t == NULL ? IOTLS_ERR_USAGE : IOTLS_OK; /* every root is parsed anyway */
}

int iotls_trust_add_fetch(iotls_trust *t, iotls_trust_fetch_fn fn, void *ctx,
                          void (*ctx_free)(void *), uint32_t names)
{
    (void)ctx;
    (void)ctx_free;
    (void)names;
    return t == NULL || fn == NULL ? IOTLS_ERR_USAGE : 1; /* no lookups: read it all */
}

void iotls_trust_conf_apply(iotls_trust *t, mbedtls_ssl_config *sc)
{
    if (t != NULL && t->loaded > 0 && t->certs != NULL)
        mbedtls_ssl_conf_ca_chain(sc, iotls_trust_crt(t), NULL);
}

int iotls_trust_verify_chain(iotls_trust *t, mbedtls_x509_crt *chain,
                             const mbedtls_x509_crt_profile *profile,
                             int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *),
                             void *p_vrfy, uint32_t *flags)
{
    return mbedtls_x509_crt_verify_with_profile(chain, iotls_trust_crt(t), NULL, profile, NULL,
                                                flags, f_vrfy, p_vrfy);
}
#endif /* LAZY */

/* ======================================================================
 * Both: buffers
 * ====================================================================== */

static int add_pem(iotls_trust *t, const unsigned char *buf, size_t len, const char *label,
                   unsigned flags)
{
    const unsigned char *p = buf, *end = buf + len, *b, *body, *e;
    uint32_t index = 0, line = 1;
    int rc;

    while ((b = find(p, (size_t)(end - p), begin_marker)) != NULL) {
        line += count_lines(p, b);
        index++;
        body = b + sizeof begin_marker - 1;
        e = find(body, (size_t)(end - body), end_marker);
        if (e == NULL) {
            add_issue(t, label, index, line, MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, NULL, 0);
            return IOTLS_OK;
        }
        rc = add_pem_block(t, body, (size_t)(e - body), label, index, line);
        if (rc != IOTLS_OK)
            return rc;
        p = b;
        e += sizeof end_marker - 1;
        line += count_lines(p, e);
        p = e;
    }
    if (index == 0 && !(flags & IOTLS_TRUST_QUIET_EMPTY))
        add_issue(t, label, 0, 0, MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, NULL, 0);
    return IOTLS_OK;
}

int iotls_trust_add_buffer_ex(iotls_trust *t, const unsigned char *buf, size_t len,
                              const char *label, unsigned flags)
{
    if (t == NULL || (buf == NULL && len > 0))
        return IOTLS_ERR_USAGE;
    t->sources++;
    if (len > 0 && buf[0] == (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) &&
        find(buf, len, "-----BEGIN ") == NULL) {
#if LAZY
        if (get_store(t) == NULL)
            return IOTLS_ERR_ALLOC;
        ((store *)t->certs)->hint = len;
#endif
        return add_der(t, buf, len, label, 1, 0, 0);
    }
#if LAZY
    if (get_store(t) == NULL)
        return IOTLS_ERR_ALLOC;
    ((store *)t->certs)->hint = IOTLS_B64_MAX_DECODED(len); /* no more DER than this */
#endif
    return add_pem(t, buf, len, label, flags);
}

int iotls_trust_add_buffer(iotls_trust *t, const unsigned char *buf, size_t len,
                           const char *label)
{
    int rc = iotls_trust_add_buffer_ex(t, buf, len, label, 0);

    if (rc == IOTLS_OK && t != NULL)
        iotls_trust_origin_add(t, label != NULL ? label : "buffer");
    return rc;
}

const char *iotls_trust_reason(int code)
{
    /* negated unsigned: any int, INT_MIN included, is a valid argument */
    int high = code < 0 ? -(int)((0u - (unsigned)code) & 0xFF80u) : 0;

    switch (high) {
    case 0:
        return "no error";
    case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:
        return "unsupported public key algorithm (e.g. Ed25519)";
    case MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG:
        return "unsupported signature algorithm (e.g. Ed25519)";
    case MBEDTLS_ERR_X509_UNKNOWN_VERSION:
        return "certificate version not supported";
    case MBEDTLS_ERR_PEM_INVALID_DATA:
        return "bad base64";
    case MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT:
        return "PEM block without its END CERTIFICATE line";
    case MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT:
        return "no certificate found (neither PEM nor DER)";
    case MBEDTLS_ERR_X509_INVALID_FORMAT:
    case MBEDTLS_ERR_X509_INVALID_SERIAL:
    case MBEDTLS_ERR_X509_INVALID_ALG:
    case MBEDTLS_ERR_X509_INVALID_NAME:
    case MBEDTLS_ERR_X509_INVALID_SIGNATURE:
    case MBEDTLS_ERR_X509_INVALID_VERSION:
        return "invalid certificate encoding";
    case MBEDTLS_ERR_X509_INVALID_DATE:
        return "invalid validity dates";
    case MBEDTLS_ERR_X509_INVALID_EXTENSIONS:
        return "invalid or unsupported critical extension";
    case MBEDTLS_ERR_X509_SIG_MISMATCH:
        return "signature algorithms in the certificate disagree";
    case MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE:
        return "uses a feature this Mbed TLS build lacks";
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
        return "out of memory";
    case MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE:
        return "unsupported elliptic curve";
    case MBEDTLS_ERR_PK_INVALID_PUBKEY:
    case MBEDTLS_ERR_PK_KEY_INVALID_FORMAT:
    case MBEDTLS_ERR_PK_INVALID_ALG:
        return "invalid public key";
    case MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE:
        return "public key type not enabled in this Mbed TLS build";
    default:
        return "certificate could not be parsed";
    }
}

