/*
 * Client credentials (include/iotls/cred.h): a certificate chain and its
 * private key, parsed once and checked to belong together, so a wrong key
 * is a setup error with its own code and never a handshake failure later.
 */
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"

typedef struct cred_priv {
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
} cred_priv;

#define PRIV(cred) ((cred_priv *)(cred)->priv)

void iotls_cred_init(iotls_cred *cred)
{
    if (cred != NULL)
        memset(cred, 0, sizeof *cred);
}

void iotls_cred_free(iotls_cred *cred)
{
    if (cred == NULL)
        return;
    if (cred->priv != NULL) {
        mbedtls_x509_crt_free(&PRIV(cred)->chain);
        mbedtls_pk_free(&PRIV(cred)->key);
        iotls_port_free(cred->priv);
    }
    iotls_cred_init(cred);
}

/* Mbed TLS parses PEM only with the terminating NUL counted in the length:
 * a copy that has one. */
static unsigned char *with_nul(const unsigned char *buf, size_t len, size_t *out_len)
{
    unsigned char *p;

    if (len > 0 && buf[len - 1] == '\0') {
        *out_len = len;
        return NULL; /* use buf as it is */
    }
    p = (unsigned char *)iotls_port_calloc(1, len + 1);
    if (p != NULL) {
        memcpy(p, buf, len);
        *out_len = len + 1;
    }
    return p;
}

static int is_pem(const unsigned char *buf, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t i, m = sizeof marker - 1;

    for (i = 0; i + m <= len; i++)
        if (memcmp(buf + i, marker, m) == 0)
            return 1;
    return 0;
}

static int parse_cert(cred_priv *pv, const unsigned char *cert, size_t len, int *code)
{
    unsigned char *copy = NULL;
    size_t n = len;
    int ret;

    if (is_pem(cert, len)) {
        copy = with_nul(cert, len, &n);
        if (copy == NULL && n == len && (len == 0 || cert[len - 1] != '\0'))
            return IOTLS_ERR_ALLOC;
        ret = mbedtls_x509_crt_parse(&pv->chain, copy != NULL ? copy : cert, n);
    } else {
        ret = mbedtls_x509_crt_parse_der(&pv->chain, cert, len);
    }
    iotls_port_free(copy);
    /* > 0: some blocks were skipped; the first one must be there. */
    if (ret < 0 || pv->chain.raw.p == NULL) {
        *code = ret < 0 ? ret : MBEDTLS_ERR_X509_INVALID_FORMAT;
        return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? IOTLS_ERR_ALLOC : IOTLS_ERR_CRED_CERT;
    }
    return IOTLS_OK;
}

static int key_error(int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
    case MBEDTLS_ERR_PK_PASSWORD_MISMATCH:
    case MBEDTLS_ERR_PEM_PASSWORD_REQUIRED:
    case MBEDTLS_ERR_PEM_PASSWORD_MISMATCH:
        return IOTLS_ERR_CRED_PASSWORD;
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
        return IOTLS_ERR_ALLOC;
    default:
        return IOTLS_ERR_CRED_KEY;
    }
}

/* Parsing an EC key may compute its public half and the pair check signs
 * with it: both want an RNG, seeded here for the load alone. */
static int parse_key_and_check(cred_priv *pv, const unsigned char *key, size_t len,
                               const char *password, int *code)
{
    static const unsigned char pers[] = "iotls cred";
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    unsigned char *copy = NULL;
    size_t n = len;
    int ret, rc;

    if (is_pem(key, len)) {
        copy = with_nul(key, len, &n);
        if (copy == NULL && n == len && (len == 0 || key[len - 1] != '\0'))
            return IOTLS_ERR_ALLOC;
    }
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    ret = mbedtls_entropy_add_source(&entropy, iotls_port_entropy, NULL, 32,
                                     MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret == 0)
        ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, pers, sizeof pers - 1);
    if (ret != 0) {
        *code = ret;
        rc = IOTLS_ERR_ENTROPY;
        goto out;
    }
    ret = mbedtls_pk_parse_key(&pv->key, copy != NULL ? copy : key, n,
                               (const unsigned char *)password,
                               password != NULL ? strlen(password) : 0, mbedtls_ctr_drbg_random,
                               &drbg);
    if (ret != 0) {
        *code = ret;
        rc = key_error(ret);
        goto out;
    }
    ret = mbedtls_pk_check_pair(&pv->chain.pk, &pv->key, mbedtls_ctr_drbg_random, &drbg);
    if (ret != 0) {
        *code = ret;
        rc = IOTLS_ERR_CRED_MISMATCH;
        goto out;
    }
    rc = IOTLS_OK;
out:
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    iotls_port_free(copy);
    return rc;
}

int iotls_cred_load(iotls_cred *cred, const unsigned char *cert, size_t cert_len,
                    const unsigned char *key, size_t key_len, const char *password,
                    int *mbedtls_code)
{
    int dummy = 0, rc;
    cred_priv *pv;

    if (mbedtls_code == NULL)
        mbedtls_code = &dummy;
    *mbedtls_code = 0;
    if (cred == NULL || cert == NULL || cert_len == 0 || key == NULL || key_len == 0)
        return IOTLS_ERR_USAGE;
    iotls_cred_free(cred); /* loading again replaces what was there */
    /* PSA backs the key operations of Mbed TLS 3.6 (RSA-PSS, ECDSA). */
    if (iotls_psa_init() != 0)
        return IOTLS_ERR_ENTROPY;
    pv = (cred_priv *)iotls_port_calloc(1, sizeof *pv);
    if (pv == NULL)
        return IOTLS_ERR_ALLOC;
    mbedtls_x509_crt_init(&pv->chain);
    mbedtls_pk_init(&pv->key);
    cred->priv = pv;
    rc = parse_cert(pv, cert, cert_len, mbedtls_code);
    if (rc == IOTLS_OK)
        rc = parse_key_and_check(pv, key, key_len, password, mbedtls_code);
    if (rc != IOTLS_OK) {
        iotls_cred_free(cred);
        return rc;
    }
    cred->loaded = 1;
    return IOTLS_OK;
}

int iotls_cred_subject(const iotls_cred *cred, char *buf, size_t len)
{
    int n;

    if (buf == NULL || len == 0)
        return IOTLS_ERR_USAGE;
    buf[0] = '\0';
    if (cred == NULL || !cred->loaded || cred->priv == NULL)
        return 0;
    n = mbedtls_x509_dn_gets(buf, len, &PRIV(cred)->chain.subject);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    return n;
}

const mbedtls_x509_crt *iotls_cred_chain(const iotls_cred *cred)
{
    if (cred == NULL || !cred->loaded || cred->priv == NULL)
        return NULL;
    return &PRIV(cred)->chain;
}

int iotls_cred_apply(const iotls_cred *cred, mbedtls_ssl_config *sc)
{
    if (cred == NULL || !cred->loaded || cred->priv == NULL)
        return -1;
    return mbedtls_ssl_conf_own_cert(sc, &PRIV(cred)->chain, &PRIV(cred)->key);
}
