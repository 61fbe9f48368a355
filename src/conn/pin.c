/*
 * Public key pinning (curl's --pinnedpubkey "sha256//BASE64;..."): the
 * SHA-256 of the server leaf's SubjectPublicKeyInfo DER must be one of the
 * pins, checked after the chain and the name verified (a pin narrows what
 * verification accepts; it never replaces it).
 */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#include "conn/engine.h"
#include "conn/tlsopt_int.h"
#include "trust/b64.h"

#define PIN_PREFIX "sha256//"
#define PIN_PREFIX_LEN 8
#define PIN_B64_LEN 44 /* base64 of 32 bytes: 43 characters and one '=' */

static int b64_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

/* One "sha256//BASE64" of exactly len characters into out[32]. */
static int parse_pin(const char *p, size_t len, uint8_t out[32])
{
    size_t i, olen = 0;

    if (len != PIN_PREFIX_LEN + PIN_B64_LEN || memcmp(p, PIN_PREFIX, PIN_PREFIX_LEN) != 0)
        return -1;
    p += PIN_PREFIX_LEN;
    for (i = 0; i < PIN_B64_LEN - 1; i++)
        if (!b64_char(p[i]))
            return -1;
    if (p[PIN_B64_LEN - 1] != '=')
        return -1;
    if (iotls_b64_decode(out, 32, &olen, (const unsigned char *)p, PIN_B64_LEN) != 0 ||
        olen != 32)
        return -1;
    return 0;
}

int iotls_conf_set_pinned_pubkeys(iotls_conf *conf, const char *pins)
{
    uint8_t got[IOTLS_MAX_PINS][32];
    size_t n = 0;
    const char *p = pins;

    if (conf == NULL)
        return IOTLS_ERR_USAGE;
    if (pins != NULL && *pins != '\0') {
        for (;;) {
            const char *end = strchr(p, ';');
            size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
            if (n == IOTLS_MAX_PINS || parse_pin(p, len, got[n]) != 0)
                return IOTLS_ERR_USAGE;
            n++;
            if (end == NULL)
                break;
            p = end + 1;
        }
    }
    memcpy(conf->opt.pins, got, n * 32);
    conf->opt.n_pins = (uint8_t)n;
    return IOTLS_OK;
}

int iotls_conf_add_pinned_pubkey(iotls_conf *conf, const uint8_t sha256[32])
{
    if (conf == NULL || sha256 == NULL || conf->opt.n_pins >= IOTLS_MAX_PINS)
        return IOTLS_ERR_USAGE;
    memcpy(conf->opt.pins[conf->opt.n_pins++], sha256, 32);
    return IOTLS_OK;
}

static void b64_encode32(const uint8_t in[32], char out[PIN_B64_LEN + 1])
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;

    for (i = 0; i + 3 <= 30; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = tab[v >> 18];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = tab[(v >> 6) & 63];
        out[o++] = tab[v & 63];
    }
    /* the last two bytes: three characters and one '=' */
    {
        uint32_t v = (uint32_t)in[30] << 16 | (uint32_t)in[31] << 8;
        out[o++] = tab[v >> 18];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = tab[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
}

static int spki_sha256(const unsigned char *spki, size_t len, uint8_t out[32])
{
    size_t olen = 0;

    if (iotls_psa_init() != 0 ||
        psa_hash_compute(PSA_ALG_SHA_256, spki, len, out, 32, &olen) != PSA_SUCCESS || olen != 32)
        return -1;
    return 0;
}

int iotls_pin_from_spki(const unsigned char *spki, size_t len, char *out, size_t outlen)
{
    uint8_t h[32];

    if (spki == NULL || out == NULL || outlen < PIN_PREFIX_LEN + PIN_B64_LEN + 1)
        return IOTLS_ERR_USAGE;
    if (spki_sha256(spki, len, h) != 0)
        return IOTLS_ERR_ENTROPY; /* PSA would not start */
    memcpy(out, PIN_PREFIX, PIN_PREFIX_LEN);
    b64_encode32(h, out + PIN_PREFIX_LEN);
    return IOTLS_OK;
}

int iotls_pin_check(iotls_conn *c)
{
    const iotls_tlsopt *o = &c->conf->opt;
    const mbedtls_x509_crt *leaf;
    uint8_t h[32];
    char want[PIN_B64_LEN + 1], got[PIN_B64_LEN + 1];
    size_t i;

    if (o->n_pins == 0)
        return IOTLS_OK;
    leaf = iotls_conn_peer_crt(c);
    if (leaf != NULL && leaf->pk_raw.p != NULL && spki_sha256(leaf->pk_raw.p, leaf->pk_raw.len, h) == 0) {
        for (i = 0; i < o->n_pins; i++)
            if (memcmp(h, o->pins[i], 32) == 0)
                return IOTLS_OK;
        b64_encode32(h, got);
    } else {
        iotls_strlcpy(got, "(no certificate)", sizeof got);
    }
    /* Tell the server why we leave, as for any rejected certificate. */
    (void)mbedtls_ssl_send_alert_message(iotls_ssl(c), MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                         MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
    iotls_fail(c, IOTLS_ERR_PIN_MISMATCH, IOTLS_STAGE_VERIFY, 0, 0);
    b64_encode32(o->pins[0], want);
    /* The evidence the diagnosis reads: "server sha256//X; pinned sha256//Y (+N more)". */
    {
        char *d = c->err.detail;
        size_t n = sizeof c->err.detail, k;
        k = iotls_strlcpy(d, "server " PIN_PREFIX, n);
        k += iotls_strlcpy(d + k, got, n - k);
        k += iotls_strlcpy(d + k, "; pinned " PIN_PREFIX, n - k);
        k += iotls_strlcpy(d + k, want, n - k);
        if (o->n_pins > 1 && k + 12 < n) {
            d[k++] = ' ';
            d[k++] = '(';
            d[k++] = '+';
            d[k++] = (char)('0' + (o->n_pins - 1) % 10);
            iotls_strlcpy(d + k, " more)", n - k);
        }
    }
    return c->err.code;
}
