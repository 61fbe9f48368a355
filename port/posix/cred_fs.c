/*
 * POSIX port: client credentials from files (iotls_cred_load_files()).
 */
#include <stdlib.h>
#include <string.h>

#include "iotls/iotls.h"
#include "fs_read.h"
#include "iotls_port_posix.h"

int iotls_cred_load_files(iotls_cred *c, const char *cert_path, const char *key_path,
                          const char *password, int *mbedtls_code, int *sys_err)
{
    unsigned char *cert = NULL, *key = NULL;
    size_t cert_len = 0, key_len = 0;
    int dummy_code = 0, dummy_err = 0, rc;

    if (mbedtls_code == NULL)
        mbedtls_code = &dummy_code;
    if (sys_err == NULL)
        sys_err = &dummy_err;
    *mbedtls_code = 0;
    *sys_err = 0;
    if (c == NULL || cert_path == NULL)
        return IOTLS_ERR_USAGE;
    /* The key may sit in the certificate's file (curl's --cert without
     * --key). */
    if (key_path == NULL)
        key_path = cert_path;
    rc = iotls_posix_read_file(cert_path, &cert, &cert_len, sys_err);
    if (rc == IOTLS_OK)
        rc = iotls_posix_read_file(key_path, &key, &key_len, sys_err);
    if (rc == IOTLS_OK)
        rc = iotls_cred_load(c, cert, cert_len, key, key_len, password, mbedtls_code);
    if (key != NULL) {
        memset(key, 0, key_len); /* private key material */
        free(key);
    }
    free(cert);
    return rc;
}
