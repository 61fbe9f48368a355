/*
 * Client credentials: a certificate (with the chain to send after it) and
 * its private key, for servers that ask for one.
 *
 *   iotls_cred cred;  iotls_cred_init(&cred);               // cannot fail
 *   iotls_cred_load(&cred, crt_pem, crt_len, key_pem, key_len, NULL);
 *   iotls_conf_set_client_cred(&conf, &cred);
 *   ...
 *   iotls_cred_free(&cred);   // after the last connection that uses it
 *
 * Loading checks that the key belongs to the certificate, so a mismatch is
 * a setup error with its own code, never a handshake failure later. Ports
 * with a file system also offer iotls_cred_load_files()
 * (port/posix/iotls_port_posix.h).
 */
#ifndef IOTLS_CRED_H
#define IOTLS_CRED_H

#include <stddef.h>

#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct iotls_cred {
    void *priv;      /* private: the parsed certificate chain and key */
    int loaded;      /* 1 once a certificate and its key are loaded */
};
#ifndef IOTLS_CRED_TYPEDEF /* also in cred.h/conn.h: C99 allows one typedef */
#define IOTLS_CRED_TYPEDEF
typedef struct iotls_cred iotls_cred;
#endif

/* Cannot fail. */
void iotls_cred_init(iotls_cred *cred);
void iotls_cred_free(iotls_cred *cred);

/*
 * Certificate chain (PEM, one or more blocks, or one DER certificate; the
 * first is the client's) and private key (PEM or DER; PKCS#8 or
 * traditional; encrypted when password is not NULL). Buffers are copied.
 * Returns IOTLS_OK or:
 *   IOTLS_ERR_CRED_CERT      the certificate does not parse
 *   IOTLS_ERR_CRED_KEY       the key does not parse (or needs a password)
 *   IOTLS_ERR_CRED_PASSWORD  the password is wrong
 *   IOTLS_ERR_CRED_MISMATCH  the key is not the certificate's
 *   IOTLS_ERR_ENTROPY        the RNG (or PSA crypto) could not start: the key
 *                            check signs with it
 *   IOTLS_ERR_ALLOC, IOTLS_ERR_USAGE
 * with the Mbed TLS code, when there is one, in *mbedtls_code (may be NULL).
 */
int iotls_cred_load(iotls_cred *cred, const unsigned char *cert, size_t cert_len,
                    const unsigned char *key, size_t key_len, const char *password,
                    int *mbedtls_code);

/* The certificate's subject, for reports ("" when none is loaded). */
int iotls_cred_subject(const iotls_cred *cred, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_CRED_H */
