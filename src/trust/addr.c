/*
 * IP literals and host names: parsing, formatting, checking, and matching
 * a certificate's iPAddress SANs (iotls checks them itself: see verify.c).
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"

#include "iotls/addr.h"

#include "conn/engine.h"

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static int hex_val(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Dotted quad in s[0..len): four decimal parts 0..255, no leading zeros
 * ("01" is octal to some parsers: refusing it avoids dialing a surprise). */
static int parse_v4(const char *s, size_t len, uint8_t out[4])
{
    size_t i = 0;
    int part;

    for (part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;

        while (i < len && is_digit(s[i]) && i - start < 3) {
            v = v * 10u + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return 0;
        out[part] = (uint8_t)v;
        if (part < 3) {
            if (i >= len || s[i] != '.')
                return 0;
            i++;
        }
    }
    return i == len;
}

/* IPv6 text in s[0..len), RFC 4291 section 2.2. */
static int parse_v6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t head[8], tail[8];
    int nh = 0, nt = 0, dbl = 0, k;
    size_t i = 0;

    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        dbl = 1;
        i = 2;
    } else if (len >= 1 && s[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t j = i;
        unsigned v = 0;

        while (j < len && hex_val(s[j]) >= 0)
            j++;
        if (j < len && s[j] == '.') {
            /* Embedded IPv4 tail: the rest of the text, two groups. */
            uint8_t v4[4];
            if (!parse_v4(s + i, len - i, v4) || nh + nt > 6)
                return 0;
            if (dbl) {
                tail[nt++] = (uint16_t)(v4[0] << 8 | v4[1]);
                tail[nt++] = (uint16_t)(v4[2] << 8 | v4[3]);
            } else {
                head[nh++] = (uint16_t)(v4[0] << 8 | v4[1]);
                head[nh++] = (uint16_t)(v4[2] << 8 | v4[3]);
            }
            i = len;
            break;
        }
        if (j == i || j - i > 4 || nh + nt >= 8)
            return 0;
        for (; i < j; i++)
            v = v * 16u + (unsigned)hex_val(s[i]);
        if (dbl)
            tail[nt++] = (uint16_t)v;
        else
            head[nh++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != ':')
            return 0;
        i++;
        if (i < len && s[i] == ':') {
            if (dbl)
                return 0;
            dbl = 1;
            i++;
        } else if (i == len) {
            return 0; /* a single trailing ':' */
        }
    }
    if (dbl ? nh + nt > 7 : nh + nt != 8)
        return 0;
    memset(out, 0, 16);
    for (k = 0; k < nh; k++) {
        out[2 * k] = (uint8_t)(head[k] >> 8);
        out[2 * k + 1] = (uint8_t)head[k];
    }
    for (k = 0; k < nt; k++) {
        int pos = 8 - nt + k;
        out[2 * pos] = (uint8_t)(tail[k] >> 8);
        out[2 * pos + 1] = (uint8_t)tail[k];
    }
    return 1;
}

int iotls_addr_parse(const char *s, iotls_addr *out)
{
    iotls_addr a;
    size_t len;
    const char *pct;

    if (s == NULL)
        return 0;
    memset(&a, 0, sizeof a);
    len = strlen(s);
    if (len == 0 || len > 64)
        return 0;
    if (parse_v4(s, len, a.bytes)) {
        a.family = 4;
    } else {
        /* "%zone" only makes sense for IPv6; it must not be empty. */
        pct = strchr(s, '%');
        if (pct != NULL) {
            if (pct[1] == '\0')
                return 0;
            len = (size_t)(pct - s);
        }
        if (memchr(s, ':', len) == NULL || !parse_v6(s, len, a.bytes))
            return 0;
        a.family = 6;
    }
    if (out != NULL)
        *out = a;
    return 1;
}

int iotls_addr_format(const iotls_addr *a, char *buf, size_t len)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    uint16_t g[8];
    int best = -1, best_len = 0, run = -1, run_len = 0, k, n = 0, r;

    if (a == NULL || buf == NULL || len == 0)
        return -1;
    if (a->family == 4)
        return snprintf(buf, len, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2],
                        a->bytes[3]);
    if (a->family != 6) {
        buf[0] = '\0';
        return -1;
    }
    if (memcmp(a->bytes, mapped, 12) == 0)
        return snprintf(buf, len, "::ffff:%u.%u.%u.%u", a->bytes[12], a->bytes[13],
                        a->bytes[14], a->bytes[15]);
    for (k = 0; k < 8; k++)
        g[k] = (uint16_t)(a->bytes[2 * k] << 8 | a->bytes[2 * k + 1]);
    /* RFC 5952 4.2: compress the longest run of two or more zero groups,
     * the first one on a tie. */
    for (k = 0; k <= 8; k++) {
        if (k < 8 && g[k] == 0) {
            if (run < 0) {
                run = k;
                run_len = 0;
            }
            run_len++;
        } else if (run >= 0) {
            if (run_len >= 2 && run_len > best_len) {
                best = run;
                best_len = run_len;
            }
            run = -1;
        }
    }
    buf[0] = '\0';
    for (k = 0; k < 8; k++) {
        size_t used = (size_t)n < len ? (size_t)n : len;
        if (k == best) {
            r = snprintf(buf + used, len - used, "::");
            k += best_len - 1;
        } else {
            r = snprintf(buf + used, len - used, "%x%s", g[k],
                         (k < 7 && k + 1 != best) ? ":" : "");
        }
        if (r < 0)
            return r;
        n += r;
    }
    return n;
}

int iotls_hostname_check(const char *name)
{
    size_t len, i, label = 0;

    if (name == NULL)
        return IOTLS_ERR_HOSTNAME;
    len = strlen(name);
    if (len == 0 || len > IOTLS_MAX_HOSTNAME)
        return IOTLS_ERR_HOSTNAME;
    for (i = 0; i < len; i++) {
        char ch = name[i];
        if (ch == '.') {
            if (label == 0)
                return IOTLS_ERR_HOSTNAME;
            label = 0;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
              ch == '-' || ch == '_'))
            return IOTLS_ERR_HOSTNAME;
        if (++label > 63)
            return IOTLS_ERR_HOSTNAME;
    }
    /* A trailing dot leaves an empty last label: not a name for SNI. */
    return label == 0 ? IOTLS_ERR_HOSTNAME : IOTLS_OK;
}

int iotls_x509_match_ip(const mbedtls_x509_crt *crt, const iotls_addr *ip)
{
    const mbedtls_x509_sequence *cur;
    size_t want;

    if (crt == NULL || ip == NULL)
        return 0;
    want = ip->family == 4 ? 4 : ip->family == 6 ? 16 : 0;
    if (want == 0)
        return 0;
    /* Mbed TLS keeps every SAN entry raw: the tag byte and the value. */
    for (cur = &crt->subject_alt_names; cur != NULL; cur = cur->next) {
        if (cur->buf.p == NULL)
            continue;
        if (cur->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && cur->buf.len == want &&
            memcmp(cur->buf.p, ip->bytes, want) == 0)
            return 1;
    }
    return 0;
}
