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

/*
 * Add a directory of CA files. One in OpenSSL's c_rehash layout (files or
 * links named <8 hex digits of the subject hash>.<n>, as `openssl rehash`
 * writes them) is not read now: only its names are listed (each counted
 * in t->loaded), and the files of one hash are read when a chain names
 * that issuer, as OpenSSL does; other files there are ignored, as OpenSSL
 * does. A directory without such names, or any directory after
 * iotls_trust_set_parse_all() or in a build that cannot look up by name,
 * is read whole: every regular file, duplicates skipped by content.
 * IOTLS_OK, IOTLS_ERR_TRUST_READ (errno in *sys_err), IOTLS_ERR_ALLOC.
 */
int iotls_trust_add_dir(iotls_trust *t, const char *path, int *sys_err);

/*
 * The host's trust store: $SSL_CERT_FILE and/or $SSL_CERT_DIR when set,
 * otherwise the first of the usual bundle files that exists
 * (/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt,
 * ...). Sets t->origin to what was read. With both variables set, a root
 * in both is kept once, and a hashed directory is read only for the
 * issuers chains name (see iotls_trust_add_dir).
 */
int iotls_trust_add_system(iotls_trust *t, int *sys_err);

/*
 * Add the CRLs of a file (PEM or DER) to the store: iotls_trust_add_crl()
 * on its contents. IOTLS_OK, IOTLS_ERR_TRUST_READ when the file cannot be
 * opened or read (errno in *sys_err), IOTLS_ERR_CRL when it holds no
 * readable CRL (Mbed TLS's reason in *mbedtls_code), IOTLS_ERR_ALLOC.
 * sys_err and mbedtls_code may be NULL.
 */
int iotls_trust_add_crl_file(iotls_trust *t, const char *path, int *sys_err,
                             int *mbedtls_code);

/*
 * Load a client certificate (chain) and its key from files, PEM or DER
 * (key_path NULL: the key is in cert_path's file). Returns what
 * iotls_cred_load() returns, or IOTLS_ERR_TRUST_READ when a file cannot be
 * opened or read (errno in *sys_err). mbedtls_code and sys_err may be NULL.
 */
int iotls_cred_load_files(iotls_cred *c, const char *cert_path, const char *key_path,
                          const char *password, int *mbedtls_code, int *sys_err);

/*
 * The port's allocator (iotls_port_calloc, which Mbed TLS uses too) keeps
 * counts for tests and measurements. Bytes are block sizes as the C
 * library reports them usable (malloc_usable_size: under ASan and
 * valgrind the size asked for, with glibc alone that rounded up).
 */
typedef struct iotls_port_alloc_stats {
    size_t live_blocks;   /* allocated and not yet freed */
    size_t live_bytes;
    size_t peak_bytes;    /* highest live_bytes since start or the last reset */
    uint64_t allocs;      /* allocations asked for, refused ones included */
    uint32_t failures;    /* refused, as iotls_port_alloc_failures() */
} iotls_port_alloc_stats;

void iotls_port_posix_alloc_stats(iotls_port_alloc_stats *s);

/* Peak := current live bytes. */
void iotls_port_posix_alloc_reset_peak(void);

/*
 * Test hook: refuse the n-th allocation from now (1: the next one), once;
 * the ones after it succeed again. 0 cancels a pending refusal.
 */
void iotls_port_posix_alloc_fail_nth(uint64_t n);

/* The return addresses (innermost first) of the allocation the hook last
 * refused, at most max into pcs; returns how many (0: none, or the C
 * library cannot tell). */
int iotls_port_posix_alloc_fail_trace(void **pcs, int max);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_PORT_POSIX_H */
