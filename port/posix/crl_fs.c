/*
 * CRL files (curl's --crlfile) into a trust store.
 */
#include <stdlib.h>

#include "fs_read.h"
#include "iotls_port_posix.h"

int iotls_trust_add_crl_file(iotls_trust *t, const char *path, int *sys_err, int *mbedtls_code)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int err = 0, rc;

    if (mbedtls_code != NULL)
        *mbedtls_code = 0;
    if (t == NULL || path == NULL)
        return IOTLS_ERR_USAGE;
    rc = iotls_posix_read_file(path, &buf, &len, &err);
    if (sys_err != NULL)
        *sys_err = err;
    if (rc != IOTLS_OK)
        return rc;
    rc = iotls_trust_add_crl(t, buf, len, mbedtls_code);
    free(buf);
    return rc;
}
