/*
 * Test helper: certificates made at test time with Mbed TLS's writer, plus
 * a tiny DER builder for certificates Mbed TLS cannot write (Ed25519).
 * Header-only so each test program stays one file.
 */
#ifndef IOTLS_TEST_CERTGEN_H
#define IOTLS_TEST_CERTGEN_H

#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

typedef struct certgen {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
} certgen;

static inline int certgen_init(certgen *g)
{
    mbedtls_entropy_init(&g->entropy);
    mbedtls_ctr_drbg_init(&g->drbg);
    mbedtls_pk_init(&g->key);
    if (mbedtls_ctr_drbg_seed(&g->drbg, mbedtls_entropy_func, &g->entropy,
                              (const unsigned char *)"certgen", 7) != 0)
        return -1;
    if (mbedtls_pk_setup(&g->key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
        return -1;
    return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(g->key),
                               mbedtls_ctr_drbg_random, &g->drbg);
}

static inline void certgen_free(certgen *g)
{
    mbedtls_pk_free(&g->key);
    mbedtls_ctr_drbg_free(&g->drbg);
    mbedtls_entropy_free(&g->entropy);
}

/*
 * A certificate for subject_key named subject, signed by issuer_key named
 * issuer (the same key and name for a self-signed one); is_ca sets
 * basicConstraints CA:TRUE. san/san_len is the DER content of the
 * subjectAltName SEQUENCE (without the SEQUENCE header), or NULL. Writes DER
 * into out (size cap); returns its length, or -1.
 */
static inline int certgen_issue(certgen *g, mbedtls_pk_context *issuer_key, const char *issuer,
                                mbedtls_pk_context *subject_key, const char *subject, int is_ca,
                                const unsigned char *san, size_t san_len, unsigned char *out,
                                size_t cap)
{
    mbedtls_x509write_cert w;
    unsigned char serial[2];
    unsigned char buf[4096], ext[600];
    static int next_serial = 7;
    int len = -1, ret;

    /* 3.6 takes the serial as raw big-endian bytes (the MPI setter is gone) */
    serial[0] = (unsigned char)((next_serial >> 8) & 0x7f);
    serial[1] = (unsigned char)next_serial;
    next_serial++;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, subject_key);
    mbedtls_x509write_crt_set_issuer_key(&w, issuer_key);
    ret = mbedtls_x509write_crt_set_serial_raw(&w, serial, sizeof serial);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_name(&w, subject);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, issuer);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, "20200101000000", "20491231235959");
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, -1);
    /* Key identifiers as RFC 5280 4.2.1.1/4.2.1.2 require (the iotls policy
     * rejects a CA without SKI and a non-self-signed certificate without AKI). */
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_key_identifier(&w);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_authority_key_identifier(&w);
    if (ret == 0 && san != NULL) {
        /* SEQUENCE header by hand (short or one-byte long form). */
        size_t n = 0;
        if (san_len + 3 > sizeof ext)
            ret = -1;
        else {
            ext[n++] = 0x30;
            if (san_len >= 128)
                ext[n++] = 0x81;
            ext[n++] = (unsigned char)san_len;
            memcpy(ext + n, san, san_len);
            n += san_len;
            ret = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                                      MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME),
                                                      0, ext, n);
        }
    }
    if (ret == 0) {
        ret = mbedtls_x509write_crt_der(&w, buf, sizeof buf, mbedtls_ctr_drbg_random, &g->drbg);
        if (ret > 0 && (size_t)ret <= cap) {
            memcpy(out, buf + sizeof buf - (size_t)ret, (size_t)ret);
            len = ret;
        }
    }
    mbedtls_x509write_crt_free(&w);
    return len;
}

/* Self-signed CA certificate with g's key. */
static inline int certgen_make(certgen *g, const char *subject, const unsigned char *san,
                               size_t san_len, unsigned char *out, size_t cap)
{
    return certgen_issue(g, &g->key, subject, &g->key, subject, 1, san, san_len, out, cap);
}

/* A fresh P-256 key. */
static inline int certgen_key(certgen *g, mbedtls_pk_context *key)
{
    mbedtls_pk_init(key);
    if (mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
        return -1;
    return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key),
                               mbedtls_ctr_drbg_random, &g->drbg);
}

/* PEM text of a private key into out (NUL-terminated); returns strlen or -1. */
static inline int certgen_key_pem(mbedtls_pk_context *key, char *out, size_t cap)
{
    if (mbedtls_pk_write_key_pem(key, (unsigned char *)out, cap) != 0)
        return -1;
    return (int)strlen(out);
}

/* PEM text of a DER certificate into out (NUL-terminated); returns strlen. */
static inline int certgen_pem(const unsigned char *der, size_t len, char *out, size_t cap)
{
    size_t olen = 0;

    if (mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n",
                                 der, len, (unsigned char *)out, cap, &olen) != 0)
        return -1;
    return (int)strlen(out);
}

/* ---- a minimal DER builder: tlv() appends tag, length, content ---- */

typedef struct derbuf {
    unsigned char b[1024];
    size_t n;
} derbuf;

static inline void der_tlv(derbuf *d, unsigned char tag, const unsigned char *c, size_t len)
{
    if (d->n + len + 4 > sizeof d->b)
        return;
    d->b[d->n++] = tag;
    if (len >= 256) {
        d->b[d->n++] = 0x82;
        d->b[d->n++] = (unsigned char)(len >> 8);
        d->b[d->n++] = (unsigned char)len;
    } else if (len >= 128) {
        d->b[d->n++] = 0x81;
        d->b[d->n++] = (unsigned char)len;
    } else {
        d->b[d->n++] = (unsigned char)len;
    }
    memcpy(d->b + d->n, c, len);
    d->n += len;
}

static inline void der_wrap(derbuf *out, unsigned char tag, const derbuf *in)
{
    der_tlv(out, tag, in->b, in->n);
}

/* A Name with one CN. */
static inline void der_name(derbuf *out, const char *cn)
{
    static const unsigned char oid_cn[] = {0x55, 0x04, 0x03};
    derbuf atv = {{0}, 0}, set = {{0}, 0}, seq = {{0}, 0};

    der_tlv(&atv, 0x06, oid_cn, sizeof oid_cn);
    der_tlv(&atv, 0x0c, (const unsigned char *)cn, strlen(cn));
    der_wrap(&set, 0x30, &atv);
    der_wrap(&seq, 0x31, &set);
    der_wrap(out, 0x30, &seq);
}

/*
 * A certificate with an Ed25519 key (OID 1.3.101.112). sig_ed25519 chooses
 * the signature algorithm: Ed25519 (as real Ed25519 roots have) or
 * ecdsa-with-SHA256 (so that parsing reaches the public key).
 */
static inline size_t certgen_ed25519(const char *cn, int sig_ed25519, unsigned char *out, size_t cap)
{
    static const unsigned char oid_ed[] = {0x2b, 0x65, 0x70};
    static const unsigned char oid_ecdsa256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
    static const unsigned char v3[] = {0x02, 0x01, 0x02};
    static const unsigned char serial[] = {0x05};
    static const unsigned char t1[] = "200101000000Z", t2[] = "491231235959Z";
    unsigned char key[33], sig[65];
    derbuf tbs = {{0}, 0}, alg = {{0}, 0}, algseq = {{0}, 0}, val = {{0}, 0}, spki = {{0}, 0},
           spkialg = {{0}, 0}, tmp = {{0}, 0}, cert = {{0}, 0}, top = {{0}, 0};

    memset(key, 0x11, sizeof key);
    key[0] = 0;
    memset(sig, 0x22, sizeof sig);
    sig[0] = 0;
    if (sig_ed25519)
        der_tlv(&alg, 0x06, oid_ed, sizeof oid_ed);
    else
        der_tlv(&alg, 0x06, oid_ecdsa256, sizeof oid_ecdsa256);
    der_wrap(&algseq, 0x30, &alg);

    der_tlv(&tbs, 0xa0, v3, sizeof v3);
    der_tlv(&tbs, 0x02, serial, sizeof serial);
    memcpy(tbs.b + tbs.n, algseq.b, algseq.n);
    tbs.n += algseq.n;
    der_name(&tbs, cn);
    der_tlv(&val, 0x17, t1, sizeof t1 - 1);
    der_tlv(&val, 0x17, t2, sizeof t2 - 1);
    der_wrap(&tbs, 0x30, &val);
    der_name(&tbs, cn);
    der_tlv(&tmp, 0x06, oid_ed, sizeof oid_ed);
    der_wrap(&spkialg, 0x30, &tmp);
    memcpy(spki.b, spkialg.b, spkialg.n);
    spki.n = spkialg.n;
    der_tlv(&spki, 0x03, key, sizeof key);
    der_wrap(&tbs, 0x30, &spki);

    der_wrap(&cert, 0x30, &tbs);
    memcpy(cert.b + cert.n, algseq.b, algseq.n);
    cert.n += algseq.n;
    der_tlv(&cert, 0x03, sig, sizeof sig);
    der_wrap(&top, 0x30, &cert);
    if (top.n > cap)
        return 0;
    memcpy(out, top.b, top.n);
    return top.n;
}

#endif /* IOTLS_TEST_CERTGEN_H */
