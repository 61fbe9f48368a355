/*
 * Client certificates for the tool: loaded from files, or made on the spot.
 */
#include "clientcert.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"

void iotls_cli_client_cert_init(iotls_cli_client_cert *cc)
{
    memset(cc, 0, sizeof *cc);
    mbedtls_x509_crt_init(&cc->crt);
    mbedtls_pk_init(&cc->key);
}

void iotls_cli_client_cert_free(iotls_cli_client_cert *cc)
{
    mbedtls_x509_crt_free(&cc->crt);
    mbedtls_pk_free(&cc->key);
    cc->loaded = 0;
}

static int why_mbed(char *why, size_t len, const char *what, const char *file, int ret)
{
    char text[128];
    mbedtls_strerror(ret, text, sizeof text);
    snprintf(why, len, "%s %s: %s [mbedtls -0x%04X]", what, file, text, 0u - (unsigned)ret);
    return -1;
}

int iotls_cli_client_cert_load(iotls_cli_client_cert *cc, const char *cert_file,
                               const char *key_file, char *why, size_t whylen)
{
    int ret;

    ret = mbedtls_x509_crt_parse_file(&cc->crt, cert_file);
    if (ret < 0)
        return why_mbed(why, whylen, "--cert", cert_file, ret);
    if (cc->crt.raw.p == NULL) {
        snprintf(why, whylen, "--cert %s: no certificate in the file", cert_file);
        return -1;
    }
    ret = mbedtls_pk_parse_keyfile(&cc->key, key_file, NULL);
    if (ret != 0)
        return why_mbed(why, whylen, "--key", key_file, ret);
    ret = mbedtls_pk_check_pair(&cc->crt.pk, &cc->key);
    if (ret != 0) {
        snprintf(why, whylen, "--key %s is not the key of the certificate in %s", key_file,
                 cert_file);
        return -1;
    }
    cc->loaded = 1;
    return 0;
}

/* "YYYYMMDDhhmmss" for t (UTC), as mbedtls_x509write_crt_set_validity wants. */
static void stamp(time_t t, char out[16])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

int iotls_cli_client_cert_throwaway(iotls_cli_client_cert *cc)
{
    static const unsigned char pers[] = "iotls throwaway client cert";
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509write_cert w;
    mbedtls_mpi serial;
    unsigned char der[1024];
    char from[16], to[16];
    time_t now = time(NULL);
    int ret, len = -1;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509write_crt_init(&w);
    mbedtls_mpi_init(&serial);
    stamp(now - 3600, from);
    stamp(now + 86400, to);
    ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, pers, sizeof pers - 1);
    if (ret == 0)
        ret = mbedtls_pk_setup(&cc->key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(cc->key),
                                  mbedtls_ctr_drbg_random, &drbg);
    if (ret == 0)
        ret = mbedtls_mpi_lset(&serial, 1);
    if (ret == 0) {
        mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
        mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
        mbedtls_x509write_crt_set_subject_key(&w, &cc->key);
        mbedtls_x509write_crt_set_issuer_key(&w, &cc->key);
        ret = mbedtls_x509write_crt_set_subject_name(&w, "CN=iotls diagnose throwaway");
    }
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, "CN=iotls diagnose throwaway");
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_serial(&w, &serial);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (ret == 0)
        len = mbedtls_x509write_crt_der(&w, der, sizeof der, mbedtls_ctr_drbg_random, &drbg);
    /* the DER is written at the end of the buffer */
    if (ret == 0 && len > 0)
        ret = mbedtls_x509_crt_parse_der(&cc->crt, der + sizeof der - len, (size_t)len);
    else
        ret = -1;
    mbedtls_mpi_free(&serial);
    mbedtls_x509write_crt_free(&w);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    if (ret != 0)
        return -1;
    cc->loaded = 1;
    return 0;
}
