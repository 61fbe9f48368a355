/*
 * The POSIX port's extras: trust stores and client credentials from the
 * file system.
 */
#ifndef IOTLS_PORT_POSIX_H
#define IOTLS_PORT_POSIX_H

#include "iotls/cred.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Add every certificate in a PEM or DER file. Returns IOTLS_OK (skipped
 * certificates are recorded as issues), IOTLS_ERR_TRUST_READ when the file
 * cannot be opened or read (errno in *sys_err), IOTLS_ERR_ALLOC.
 */
int iotls_trust_add_file(iotls_trust *t, const char *path, int *sys_err);

/* Add every regular file in a directory (OpenSSL's c_rehash layout works:
 * hash links are followed, duplicates skipped by content). */
int iotls_trust_add_dir(iotls_trust *t, const char *path, int *sys_err);

/*
 * The host's trust store: $SSL_CERT_FILE and/or $SSL_CERT_DIR when set,
 * otherwise the first of the usual bundle files that exists
 * (/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt,
 * ...). Sets t->origin to what was read.
 */
int iotls_trust_add_system(iotls_trust *t, int *sys_err);

/*
 * Load a client certificate (chain) and its key from files, PEM or DER
 * (key_path NULL: the key is in cert_path's file). Returns what
 * iotls_cred_load() returns, or IOTLS_ERR_TRUST_READ when a file cannot be
 * opened or read (errno in *sys_err). mbedtls_code and sys_err may be NULL.
 */
int iotls_cred_load_files(iotls_cred *c, const char *cert_path, const char *key_path,
                          const char *password, int *mbedtls_code, int *sys_err);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_PORT_POSIX_H */
