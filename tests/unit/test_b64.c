/*
 * Unit tests: the table-driven base64 decoder for public data
 * (src/trust/b64.c). Known answers, every kind of bad input, and a
 * differential check against mbedtls_base64_decode() on random input:
 * the same verdict, the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mbedtls/base64.h"
#include "trust/b64.h"

static int dec(const char *s, unsigned char *out, size_t cap, size_t *olen)
{
    return iotls_b64_decode(out, cap, olen, (const unsigned char *)s, strlen(s));
}

static void test_known(void)
{
    static const struct {
        const char *in, *out;
    } v[] = {
        {"", ""},
        {"Zg==", "f"},
        {"Zm8=", "fo"},
        {"Zm9v", "foo"},
        {"Zm9vYg==", "foob"},
        {"Zm9vYmE=", "fooba"},
        {"Zm9vYmFy", "foobar"},
        {"Zm9v\nYmFy\n", "foobar"},       /* line breaks between quads */
        {"Zm\r\n9vY\nmFy", "foobar"},      /* and inside them, CRLF too */
        {"Zm9vYmFy   \n", "foobar"},       /* spaces before a line break */
        {"Zm9vYmFy  ", "foobar"},          /* and at the end */
        {"Zm9vYg=\n=", "foob"},            /* padding across a line break */
        {"+/+/", "\xfb\xff\xbf"},
    };
    unsigned char out[64];
    size_t i, olen;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        olen = 99;
        CHECK_INT(dec(v[i].in, out, sizeof out, &olen), 0);
        CHECK_INT(olen, strlen(v[i].out));
        CHECK(memcmp(out, v[i].out, strlen(v[i].out)) == 0);
    }
}

static void test_bad(void)
{
    static const char *const bad[] = {
        "Zm9v!mFy",   /* bad character */
        "Zm9v YmFy",  /* space inside a line */
        "Zm9vYmF\r",  /* a lone CR */
        "Zm9vYg=a",   /* a digit after '=' */
        "Zg==Zg==",   /* padding in the middle */
        "Z===",       /* three '=' */
        "====",
        "Zm9vY",      /* truncated: one digit of a quad */
        "Zm9vYm",     /* truncated: no padding */
        "Zm9vYmF",
        "Zm9vYg=",    /* half the padding */
        "Zg",
        "=",
        "Zm9v\x80mFy", /* a byte above 127 */
        "Zm9v\tYmFy",  /* tab is not whitespace here (nor in Mbed TLS) */
    };
    unsigned char out[64];
    size_t i, olen;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = dec(bad[i], out, sizeof out, &olen);
        if (r != MBEDTLS_ERR_BASE64_INVALID_CHARACTER)
            fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
        CHECK_INT(r, MBEDTLS_ERR_BASE64_INVALID_CHARACTER);
    }
    /* A NUL inside (a C string would stop there; a buffer does not). */
    CHECK_INT(iotls_b64_decode(out, sizeof out, &olen, (const unsigned char *)"Zm9v\0mFy", 8),
              MBEDTLS_ERR_BASE64_INVALID_CHARACTER);
    /* Too small: the length needed is told, as Mbed TLS does. */
    CHECK_INT(dec("Zm9vYmFy", out, 5, &olen), MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL);
    CHECK_INT(olen, 6);
    CHECK_INT(dec("Zm9vYg==", NULL, 0, &olen), MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL);
    CHECK_INT(olen, 4);
    CHECK_INT(dec("", NULL, 0, &olen), 0);
    CHECK_INT(olen, 0);
}

static uint32_t rng = 0x12345678u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Random text: mostly the base64 of random bytes with line breaks and
 * spaces here and there, sometimes with a character changed, inserted or
 * the end cut off. */
static size_t random_text(unsigned char *s, size_t cap)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const unsigned char noise[] = {'=', ' ', '\r', '\n', '!', 0x80, 0xff, 'A', '\t', 0, '-'};
    unsigned char raw[48], enc[80];
    size_t rl = next() % sizeof raw, el = 0, n = 0, i;

    for (i = 0; i < rl; i++)
        raw[i] = (unsigned char)next();
    if (mbedtls_base64_encode(enc, sizeof enc, &el, raw, rl) != 0)
        return 0;
    for (i = 0; i < el && n + 4 < cap; i++) {
        uint32_t r = next() % 64;
        if (r == 0)
            s[n++] = '\n';
        else if (r == 1) {
            s[n++] = '\r';
            s[n++] = '\n';
        } else if (r == 2) {
            s[n++] = ' ';
            s[n++] = '\n';
        }
        s[n++] = enc[i];
    }
    switch (next() % 8) {
    case 0:
        if (n > 0)
            s[next() % n] = noise[next() % sizeof noise];
        break;
    case 1:
        if (n > 0 && n + 1 < cap) {
            size_t at = next() % n;
            memmove(s + at + 1, s + at, n - at);
            s[at] = noise[next() % sizeof noise];
            n++;
        }
        break;
    case 2:
        if (n > 0)
            n -= next() % (n < 5 ? n : 5) + 1;
        break;
    case 3:
        if (n > 0)
            s[next() % n] = (unsigned char)alphabet[next() % 64];
        break;
    default:
        break;
    }
    return n;
}

static void test_differential(void)
{
    unsigned char s[160], a[128], b[128];
    int k, agree = 0, valid = 0;

    for (k = 0; k < 20000; k++) {
        size_t n = random_text(s, sizeof s), la = 0, lb = 0, cap;
        int ra, rb;

        cap = (next() % 4 == 0) ? next() % 40 : sizeof a; /* sometimes too small */
        ra = mbedtls_base64_decode(a, cap, &la, s, n);
        rb = iotls_b64_decode(b, cap, &lb, s, n);
        if (ra == rb && (ra != 0 || (la == lb && memcmp(a, b, la) == 0)) &&
            (ra != MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL || la == lb)) {
            agree++;
        } else if (check_failed < 10) {
            fprintf(stderr, "disagree on %zu bytes: mbedtls %d (%zu), iotls %d (%zu)\n", n, ra,
                    la, rb, lb);
        }
        valid += ra == 0;
    }
    CHECK_INT(agree, 20000);
    CHECK(valid > 5000 && valid < 19000); /* both verdicts well exercised */
}

int main(void)
{
    test_known();
    test_bad();
    test_differential();
    return CHECK_DONE();
}
