/*
 * Base64 decoding for public data.
 *
 * Mbed TLS's mbedtls_base64_decode() is constant-time (it must be: it also
 * decodes private keys), which makes it the larger part of loading a
 * system bundle of 140-odd roots. Certificates are public, so this decoder
 * looks characters up in a table and takes the short way through whole
 * quads, four characters at a time. It is NOT constant-time and must never
 * see a secret. What it accepts and what it writes are Mbed TLS's (a unit
 * test compares the two on random input).
 */
#include <stdint.h>

#include "mbedtls/base64.h"

#include "trust/b64.h"

/* A character's entry: a digit's value (0..63), or NOT_DIGIT plus its
 * class. NOT_DIGIT has a bit that lands in bits 24..31 of the quad's
 * 24-bit value wherever it is shifted to (by 18, 12, 6 or 0), so one test
 * of the assembled value tells a quad of four digits from anything else. */
#define NOT_DIGIT 0x01041040u
#define SP (NOT_DIGIT | 1u) /* ' ' */
#define NL (NOT_DIGIT | 2u) /* '\n' */
#define CR (NOT_DIGIT | 3u) /* '\r' */
#define EQ (NOT_DIGIT | 4u) /* '=' */
#define BAD (NOT_DIGIT | 5u) /* anything else */

static const uint32_t dec[256] = {
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, NL, BAD, BAD, CR, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    SP, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, 62, BAD, BAD, BAD, 63,
    52, 53, 54, 55, 56, 57, 58, 59,
    60, 61, BAD, BAD, BAD, EQ, BAD, BAD,
    BAD, 0, 1, 2, 3, 4, 5, 6,
    7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22,
    23, 24, 25, BAD, BAD, BAD, BAD, BAD,
    BAD, 26, 27, 28, 29, 30, 31, 32,
    33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48,
    49, 50, 51, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
};

int iotls_b64_decode(unsigned char *dst, size_t dlen, size_t *olen, const unsigned char *src,
                     size_t slen)
{
    size_t i = 0, out = 0, need;
    unsigned digits = 0, equals = 0; /* in the quad being read */
    unsigned long n = 0;             /* digits and '=' read in all */
    uint32_t x = 0;

    /* Room for anything slen can hold: the quads need no bound checks. */
    int room = dst != NULL && dlen >= IOTLS_B64_MAX_DECODED(slen);

    while (i < slen) {
        uint32_t v;
        if (digits == 0 && equals == 0 && room) {
            /* The common case: whole quads of digits, a line (64
             * characters in PEM) at a time. */
            const unsigned char *s = src + i, *stop = src + slen - 3;
            unsigned char *o = dst + out;
            while (s < stop) {
                x = dec[s[0]] << 18 | dec[s[1]] << 12 | dec[s[2]] << 6 | dec[s[3]];
                if (x > 0xffffffu)
                    break;
                o[0] = (unsigned char)(x >> 16);
                o[1] = (unsigned char)(x >> 8);
                o[2] = (unsigned char)x;
                o += 3;
                s += 4;
            }
            n += (unsigned long)(s - (src + i));
            i = (size_t)(s - src);
            out = (size_t)(o - dst);
            x = 0;
            if (i >= slen)
                break;
        }
        v = dec[src[i]];
        if (v < 64) {
            if (equals != 0)
                return MBEDTLS_ERR_BASE64_INVALID_CHARACTER; /* a digit after '=' */
            x = x << 6 | v;
            n++;
            i++;
            if (++digits == 4) {
                if (dst != NULL && out + 3 <= dlen) {
                    dst[out] = (unsigned char)(x >> 16);
                    dst[out + 1] = (unsigned char)(x >> 8);
                    dst[out + 2] = (unsigned char)x;
                }
                out += 3;
                digits = 0;
                x = 0;
            }
            continue;
        }
        if (v == SP) {
            /* Spaces: allowed before a line break or at the end only. */
            while (i < slen && src[i] == ' ')
                i++;
            if (i == slen)
                break;
            if (src[i] == '\n' || (src[i] == '\r' && i + 1 < slen && src[i + 1] == '\n'))
                continue;
            return MBEDTLS_ERR_BASE64_INVALID_CHARACTER;
        }
        if (v == NL) {
            i++;
            continue;
        }
        if (v == CR && i + 1 < slen && src[i + 1] == '\n') {
            i += 2;
            continue;
        }
        if (v == EQ) {
            if (++equals > 2)
                return MBEDTLS_ERR_BASE64_INVALID_CHARACTER;
            n++;
            i++;
            continue;
        }
        return MBEDTLS_ERR_BASE64_INVALID_CHARACTER; /* a lone '\r', anything else */
    }
    /* Whole quads only, and no quad of one digit ("a===" is refused above
     * by the count of '='). */
    if (n % 4 != 0 || (digits + equals) % 4 != 0 || (equals != 0 && digits < 2))
        return MBEDTLS_ERR_BASE64_INVALID_CHARACTER;
    if (equals != 0) {
        /* The last quad: "ab==" gives one byte, "abc=" two. */
        x <<= 6 * equals;
        need = out + 3 - equals;
        if (dst != NULL && need <= dlen) {
            dst[out] = (unsigned char)(x >> 16);
            if (equals == 1)
                dst[out + 1] = (unsigned char)(x >> 8);
        }
        out = need;
    }
    *olen = out;
    if ((out != 0 && dst == NULL) || out > dlen)
        return MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL;
    return 0;
}
