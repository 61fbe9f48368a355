/*
 * A user program built against include/ (and port/posix/) alone: it proves
 * that the public API carries no Mbed TLS type and pulls in no Mbed TLS
 * header. The build gives it no Mbed TLS include directory, and the checks
 * below catch a header that would still find one elsewhere (a system copy
 * in /usr/include).
 */
#include <stdio.h>
#include <string.h>

#include "iotls/iotls.h"
#include "iotls_port_posix.h"

#if defined(MBEDTLS_BUILD_INFO_H) || defined(MBEDTLS_CONFIG_H) || defined(MBEDTLS_SSL_H) ||     \
    defined(MBEDTLS_X509_CRT_H) || defined(MBEDTLS_PK_H) || defined(MBEDTLS_CTR_DRBG_H) ||      \
    defined(MBEDTLS_ENTROPY_H) || defined(MBEDTLS_ECP_H) || defined(MBEDTLS_VERSION_NUMBER) ||  \
    defined(MBEDTLS_CONFIG_FILE) || defined(PSA_CRYPTO_H)
#error "an iotls public header included an Mbed TLS header"
#endif

static int failures;

#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);         \
            failures++;                                                                \
        }                                                                              \
    } while (0)

int main(void)
{
    static const uint16_t suites[] = {0x1301, 0xc02b, 0};
    static const uint16_t groups[] = {0x001d, 0x0017, 0};
    iotls_conf conf;
    iotls_trust trust;
    iotls_cred cred;
    iotls_conn conn;
    iotls_error e;
    char line[256];
    int code = 0, sys = 0;

    iotls_conf_init(&conf);
    iotls_trust_init(&trust);
    iotls_cred_init(&cred);
    iotls_conn_init(&conn);

    /* every list an IANA code point, every version an iotls_version */
    EXPECT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, IOTLS_TLS_1_3) == IOTLS_OK);
    EXPECT(iotls_conf_set_ciphersuites(&conf, suites) == IOTLS_OK);
    EXPECT(iotls_conf_set_groups(&conf, groups) == IOTLS_OK);
    EXPECT(iotls_suite_from_name("ECDHE-ECDSA-AES128-GCM-SHA256") == 0xc02b);
    EXPECT(iotls_group_from_name("x25519") == 0x001d);
    EXPECT(iotls_default_ciphersuites() != NULL && iotls_default_ciphersuites()[0] != 0);
    EXPECT(iotls_suite_name(0x1301) != NULL && strcmp(iotls_suite_name(0x1301),
                                                      "TLS_AES_128_GCM_SHA256") == 0);

    /* credentials and trust through the API only */
    EXPECT(iotls_cred_load_files(&cred, "/nonexistent/c.pem", "/nonexistent/k.pem", NULL, &code,
                                 &sys) != IOTLS_OK);
    iotls_conf_set_client_cred(&conf, NULL);
    EXPECT(iotls_trust_add_file(&trust, "/nonexistent/ca.pem", &sys) == IOTLS_ERR_TRUST_READ);
    iotls_conf_set_trust(&conf, &trust);

    /* a connection set up (no network): its engine stays opaque */
    EXPECT(iotls_conn_setup(&conn, &conf) == IOTLS_OK);
    EXPECT(iotls_conn_mbedtls_ssl(&conn) != NULL);
    EXPECT(iotls_conn_peer_cert(&conn, 0, NULL) == NULL);

    iotls_error_init(&e);
    e.code = IOTLS_ERR_CRED_MISMATCH;
    e.stage = IOTLS_STAGE_SETUP;
    EXPECT(iotls_error_format(&e, line, sizeof line) > 0);

    iotls_conn_free(&conn);
    iotls_cred_free(&cred);
    iotls_trust_free(&trust);
    if (failures == 0)
        printf("api_header: OK\n");
    return failures == 0 ? 0 : 1;
}
