/*
 * Names as lookup keys: iotls's own key (Mbed TLS's notion of equal names)
 * and OpenSSL's subject hash (the file names of a c_rehash directory).
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/build_info.h"
#if defined(MBEDTLS_SHA1_C)
#include "mbedtls/sha1.h"
#endif

#include "trust/store.h"

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static uint32_t fnv_byte(uint32_t h, unsigned char b)
{
    return (h ^ b) * FNV_PRIME;
}

uint32_t iotls_name_key(const unsigned char *name, size_t len)
{
    unsigned char *p = (unsigned char *)name;
    const unsigned char *end = name + len;
    uint32_t h = FNV_OFFSET;
    size_t l;

    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return fnv(FNV_OFFSET ^ 0x5a5a5a5au, name, len); /* Mbed TLS parses no such name */
    end = p + l;
    while (p < end) {
        const unsigned char *set_end;
        int first = 1;
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) != 0)
            return fnv(FNV_OFFSET ^ 0x5a5a5a5au, name, len);
        set_end = p + l;
        while (p < set_end) {
            const unsigned char *atv_end;
            unsigned char tag;
            size_t i;
            if (mbedtls_asn1_get_tag(&p, set_end, &l,
                                     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
                return fnv(FNV_OFFSET ^ 0x5a5a5a5au, name, len);
            atv_end = p + l;
            if (mbedtls_asn1_get_tag(&p, atv_end, &l, MBEDTLS_ASN1_OID) != 0 || atv_end - p < 2)
                return fnv(FNV_OFFSET ^ 0x5a5a5a5au, name, len);
            /* RDN boundary (Mbed TLS's next_merged), the type */
            h = fnv_byte(h, first ? 0x01 : 0x02);
            h = fnv_byte(h, (unsigned char)l);
            h = fnv(h, p, l);
            p += l;
            tag = *p++;
            if (mbedtls_asn1_get_len(&p, atv_end, &l) != 0)
                return fnv(FNV_OFFSET ^ 0x5a5a5a5au, name, len);
            h = fnv_byte(h, (unsigned char)(l >> 8));
            h = fnv_byte(h, (unsigned char)l);
            if (tag == MBEDTLS_ASN1_UTF8_STRING || tag == MBEDTLS_ASN1_PRINTABLE_STRING) {
                /* Equal to each other but for ASCII case (x509_string_cmp) */
                h = fnv_byte(h, 0xff);
                for (i = 0; i < l; i++) {
                    unsigned char c = p[i];
                    if (c >= 'A' && c <= 'Z')
                        c = (unsigned char)(c - 'A' + 'a');
                    h = fnv_byte(h, c);
                }
            } else {
                h = fnv_byte(h, tag);
                h = fnv(h, p, l);
            }
            p = (unsigned char *)atv_end;
            first = 0;
        }
    }
    return h;
}

/* ---- OpenSSL's X509_NAME_hash ---- */

#if defined(MBEDTLS_SHA1_C)

/* Largest canonical RDN handled (a root's RDN is tens of bytes). */
#define CANON_MAX 1024
#define CANON_ATVS 16

static size_t put_len(unsigned char *o, size_t n)
{
    if (n < 0x80) {
        o[0] = (unsigned char)n;
        return 1;
    }
    if (n < 0x100) {
        o[0] = 0x81;
        o[1] = (unsigned char)n;
        return 2;
    }
    o[0] = 0x82;
    o[1] = (unsigned char)(n >> 8);
    o[2] = (unsigned char)n;
    return 3;
}

static size_t put_utf8(unsigned char *o, uint32_t v)
{
    if (v < 0x80) {
        o[0] = (unsigned char)v;
        return 1;
    }
    if (v < 0x800) {
        o[0] = (unsigned char)(0xc0 | v >> 6);
        o[1] = (unsigned char)(0x80 | (v & 0x3f));
        return 2;
    }
    if (v < 0x10000) {
        o[0] = (unsigned char)(0xe0 | v >> 12);
        o[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (v & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | v >> 18);
    o[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (v & 0x3f));
    return 4;
}

/* One UTF-8 character of s[0..n): its length, or 0 when invalid (overlong,
 * surrogate, above U+10FFFF, cut). */
static size_t get_utf8(const unsigned char *s, size_t n, uint32_t *v)
{
    size_t k, i;
    uint32_t c = s[0], min;

    if (c < 0x80) {
        *v = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0) {
        k = 2, c &= 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        k = 3, c &= 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        k = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *v = c;
    return k;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* The canonical value: UTF-8, trimmed, inner white space runs as one
 * space, ASCII lower case. out has room for 4 * n bytes. Returns its
 * length, or -1. */
static int canon_value(unsigned char tag, const unsigned char *s, size_t n, unsigned char *out)
{
    unsigned char *u = out;
    size_t i = 0, k, m;
    uint32_t v;
    unsigned char *from, *to, *stop;

    switch (tag) {
    case MBEDTLS_ASN1_UTF8_STRING:
        while (i < n) {
            if ((k = get_utf8(s + i, n - i, &v)) == 0)
                return -1;
            memcpy(u, s + i, k);
            u += k;
            i += k;
        }
        break;
    case MBEDTLS_ASN1_PRINTABLE_STRING:
    case MBEDTLS_ASN1_T61_STRING:
    case MBEDTLS_ASN1_IA5_STRING:
    case 26: /* VisibleString */
        for (; i < n; i++) /* one byte per character, as Latin-1 */
            u += put_utf8(u, s[i]);
        break;
    case MBEDTLS_ASN1_BMP_STRING:
        if (n % 2 != 0)
            return -1;
        for (; i < n; i += 2)
            u += put_utf8(u, (uint32_t)s[i] << 8 | s[i + 1]);
        break;
    case MBEDTLS_ASN1_UNIVERSAL_STRING:
        if (n % 4 != 0)
            return -1;
        for (; i < n; i += 4) {
            v = (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 | (uint32_t)s[i + 2] << 8 |
                s[i + 3];
            if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                return -1;
            u += put_utf8(u, v);
        }
        break;
    default:
        return -1;
    }
    m = (size_t)(u - out);
    from = out;
    stop = out + m;
    while (from < stop && is_space(*from))
        from++;
    while (stop > from && is_space(stop[-1]))
        stop--;
    to = out;
    while (from < stop) {
        if (*from >= 0x80) {
            *to++ = *from++;
        } else if (is_space(*from)) {
            *to++ = ' ';
            while (from < stop && is_space(*from))
                from++;
        } else {
            unsigned char c = *from++;
            *to++ = (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
        }
    }
    return (int)(to - out);
}

static int canon_tag(unsigned char tag)
{
    return tag == MBEDTLS_ASN1_UTF8_STRING || tag == MBEDTLS_ASN1_PRINTABLE_STRING ||
           tag == MBEDTLS_ASN1_T61_STRING || tag == MBEDTLS_ASN1_IA5_STRING || tag == 26 ||
           tag == MBEDTLS_ASN1_BMP_STRING || tag == MBEDTLS_ASN1_UNIVERSAL_STRING;
}

typedef struct atv {
    size_t off, len; /* the encoded AttributeTypeAndValue in the buffer */
} atv;

/* DER order of SET OF elements (as OpenSSL sorts them). */
static int atv_less(const unsigned char *buf, const atv *a, const atv *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(buf + a->off, buf + b->off, n);

    return c < 0 || (c == 0 && a->len < b->len);
}

int iotls_name_hash(const unsigned char *name, size_t len, uint32_t *hash)
{
    unsigned char *p = (unsigned char *)name;
    const unsigned char *end = name + len;
    unsigned char buf[CANON_MAX], val[CANON_MAX], hdr[8], md[20];
    mbedtls_sha1_context sha;
    size_t l;
    int ret = -1;

    if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        (size_t)(end - p) != l)
        return -1;
    mbedtls_sha1_init(&sha);
    if (mbedtls_sha1_starts(&sha) != 0)
        goto out;
    while (p < end) {
        const unsigned char *set_end;
        atv atvs[CANON_ATVS];
        size_t n = 0, used = 0, total = 0, i, j, h;
        if (mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) != 0 ||
            l == 0)
            goto out;
        set_end = p + l;
        while (p < set_end) {
            const unsigned char *atv_end, *oid;
            size_t oid_len, vl, body;
            unsigned char tag, *o;
            int cl;
            if (n == CANON_ATVS ||
                mbedtls_asn1_get_tag(&p, set_end, &l,
                                     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
                goto out;
            atv_end = p + l;
            if (mbedtls_asn1_get_tag(&p, atv_end, &oid_len, MBEDTLS_ASN1_OID) != 0 ||
                atv_end - p < 2)
                goto out;
            oid = p;
            p += oid_len;
            tag = *p++;
            if (mbedtls_asn1_get_len(&p, atv_end, &vl) != 0 || p + vl != atv_end)
                goto out;
            if (canon_tag(tag)) {
                if (vl * 4 > sizeof val)
                    goto out;
                if ((cl = canon_value(tag, p, vl, val)) < 0)
                    goto out;
                tag = MBEDTLS_ASN1_UTF8_STRING;
            } else {
                if (vl > sizeof val)
                    goto out;
                memcpy(val, p, vl);
                cl = (int)vl;
            }
            /* SEQUENCE { OID, value } */
            body = 1 + (oid_len < 0x80 ? 1 : oid_len < 0x100 ? 2 : 3) + oid_len + 1 +
                   ((size_t)cl < 0x80 ? 1 : (size_t)cl < 0x100 ? 2 : 3) + (size_t)cl;
            if (used + body + 4 > sizeof buf)
                goto out;
            o = buf + used;
            o[0] = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
            h = 1 + put_len(o + 1, body);
            o += h;
            *o++ = MBEDTLS_ASN1_OID;
            o += put_len(o, oid_len);
            memcpy(o, oid, oid_len);
            o += oid_len;
            *o++ = tag;
            o += put_len(o, (size_t)cl);
            memcpy(o, val, (size_t)cl);
            atvs[n].off = used;
            atvs[n].len = h + body;
            used += h + body;
            total += h + body;
            n++;
            p = (unsigned char *)atv_end;
        }
        /* Sort (insertion: an RDN holds one attribute, rarely more) */
        for (i = 1; i < n; i++)
            for (j = i; j > 0 && atv_less(buf, &atvs[j], &atvs[j - 1]); j--) {
                atv tmp = atvs[j];
                atvs[j] = atvs[j - 1];
                atvs[j - 1] = tmp;
            }
        hdr[0] = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET;
        h = 1 + put_len(hdr + 1, total);
        if (mbedtls_sha1_update(&sha, hdr, h) != 0)
            goto out;
        for (i = 0; i < n; i++)
            if (mbedtls_sha1_update(&sha, buf + atvs[i].off, atvs[i].len) != 0)
                goto out;
    }
    if (mbedtls_sha1_finish(&sha, md) != 0)
        goto out;
    *hash = (uint32_t)md[0] | (uint32_t)md[1] << 8 | (uint32_t)md[2] << 16 |
            (uint32_t)md[3] << 24;
    ret = 0;
out:
    mbedtls_sha1_free(&sha);
    return ret;
}

#else /* no SHA-1: no hash, no lookups in hashed directories */

int iotls_name_hash(const unsigned char *name, size_t len, uint32_t *hash)
{
    (void)name;
    (void)len;
    (void)hash;
    return -1;
}

#endif
