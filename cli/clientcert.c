/*
 * Client certificates for the tool: loaded from files through the library
 * (iotls_cred), or made on the spot with Mbed TLS's certificate writer
 * (the tool, not the library, needs the engine for that).
 */
#include "clientcert.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/x509_crt.h"

#include "iotls_port_posix.h"

void iotls_cli_client_cert_init(iotls_cli_client_cert *cc)
{
    memset(cc, 0, sizeof *cc);
    iotls_cred_init(&cc->cred);
}

void iotls_cli_client_cert_free(iotls_cli_client_cert *cc)
{
    iotls_cred_free(&cc->cred);
    cc->loaded = 0;
}

/* " [mbedtls -0xNNNN: text]" when there is a code, "" otherwise. */
static void mbed_suffix(int code, char *buf, size_t len)
{
    char text[128];
    buf[0] = '\0';
    if (code == 0)
        return;
    mbedtls_strerror(code, text, sizeof text);
    snprintf(buf, len, " [mbedtls -0x%04X: %s]", 0u - (unsigned)code, text);
}

static int readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    fclose(f);
    return 1;
}

int iotls_cli_client_cert_load(iotls_cli_client_cert *cc, const char *cert_file,
                               const char *key_file, const char *password, char *why,
                               size_t whylen)
{
    int code = 0, sys = 0, rc;
    char sfx[200];

    rc = iotls_cred_load_files(&cc->cred, cert_file, key_file, password, &code, &sys);
    if (rc == IOTLS_OK) {
        cc->loaded = 1;
        return 0;
    }
    mbed_suffix(code, sfx, sizeof sfx);
    switch (rc) {
    case IOTLS_ERR_CRED_MISMATCH:
        snprintf(why, whylen, "--key %s is not the private key of the certificate in --cert %s",
                 key_file, cert_file);
        break;
    case IOTLS_ERR_CRED_PASSWORD:
        snprintf(why, whylen, "--key %s: %s%s", key_file,
                 password ? "wrong password (--pass)" : "the key is encrypted: give --pass",
                 sfx);
        break;
    case IOTLS_ERR_CRED_KEY:
        if (sys)
            snprintf(why, whylen, "--key %s: %s", key_file, strerror(sys));
        else
            snprintf(why, whylen, "--key %s: not a private key iotls can read%s", key_file, sfx);
        break;
    case IOTLS_ERR_CRED_CERT:
        if (sys)
            snprintf(why, whylen, "--cert %s: %s", cert_file, strerror(sys));
        else
            snprintf(why, whylen, "--cert %s: no certificate iotls can read%s", cert_file, sfx);
        break;
    default:
        if (sys) {
            /* a file that cannot be read: name the one it is */
            int cert_bad = !readable(cert_file);
            snprintf(why, whylen, "%s %s: %s", cert_bad ? "--cert" : "--key",
                     cert_bad ? cert_file : key_file, strerror(sys));
        } else {
            snprintf(why, whylen, "--cert %s / --key %s: %s%s", cert_file, key_file,
                     iotls_err_name(rc), sfx);
        }
        break;
    }
    return -1;
}

/* "YYYYMMDDhhmmss" for t (UTC), as mbedtls_x509write_crt_set_validity wants. */
static void stamp(time_t t, char out[16])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

/* A P-256 key and a self-signed certificate for it, both as DER at the
 * ends of crt/key (Mbed TLS writes DER backwards). */
static int make_throwaway(mbedtls_ctr_drbg_context *drbg, unsigned char *crt, size_t crtsz,
                          int *crt_len, unsigned char *key, size_t keysz, int *key_len)
{
    mbedtls_pk_context pk;
    mbedtls_x509write_cert w;
    unsigned char serial[1] = {1};
    char from[16], to[16];
    time_t now = time(NULL);
    int ret;

    mbedtls_pk_init(&pk);
    mbedtls_x509write_crt_init(&w);
    stamp(now - 3600, from);
    stamp(now + 86400, to);
    ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
                                  mbedtls_ctr_drbg_random, drbg);
    if (ret == 0) {
        mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
        mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
        mbedtls_x509write_crt_set_subject_key(&w, &pk);
        mbedtls_x509write_crt_set_issuer_key(&w, &pk);
        ret = mbedtls_x509write_crt_set_subject_name(&w, "CN=iotls diagnose throwaway");
    }
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, "CN=iotls diagnose throwaway");
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_serial_raw(&w, serial, sizeof serial);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (ret == 0)
        *crt_len = mbedtls_x509write_crt_der(&w, crt, crtsz, mbedtls_ctr_drbg_random, drbg);
    if (ret == 0)
        *key_len = mbedtls_pk_write_key_der(&pk, key, keysz);
    if (ret == 0 && (*crt_len <= 0 || *key_len <= 0))
        ret = -1;
    mbedtls_x509write_crt_free(&w);
    mbedtls_pk_free(&pk);
    return ret;
}

int iotls_cli_client_cert_throwaway(iotls_cli_client_cert *cc)
{
    static const unsigned char pers[] = "iotls throwaway client cert";
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    unsigned char crt[1024], key[256];
    int ret, crt_len = 0, key_len = 0;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, pers, sizeof pers - 1);
    if (ret == 0)
        ret = make_throwaway(&drbg, crt, sizeof crt, &crt_len, key, sizeof key, &key_len);
    if (ret == 0 && iotls_cred_load(&cc->cred, crt + sizeof crt - crt_len, (size_t)crt_len,
                                    key + sizeof key - key_len, (size_t)key_len, NULL,
                                    NULL) != IOTLS_OK)
        ret = -1;
    mbedtls_platform_zeroize(key, sizeof key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    if (ret != 0)
        return -1;
    cc->loaded = 1;
    return 0;
}
