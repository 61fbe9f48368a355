/*
 * Trust stores: the CA certificates a connection verifies against.
 *
 * Unlike mbedtls_x509_crt_parse(), which returns a bare count of what it
 * skipped, every certificate that fails to load is remembered with its
 * position, its subject when that much could be read, and the Mbed TLS code
 * saying why. An empty store is an error at connect time, never a silent
 * "verify nothing".
 *
 * Where Mbed TLS offers its CA callback (the host build), a store costs
 * little until it is used: a root is checked for form when it is added
 * (what Mbed TLS would refuse for its encoding, version, algorithms or
 * curve is reported then, with the reason a parse would give) and kept as
 * DER, indexed by subject; it is parsed only when a chain names it. A root
 * that passes that check but fails the full parse is reported when a chain
 * names it (an issue added during the handshake, the root not trusted), or
 * at once after iotls_trust_set_parse_all(). A small store (16 roots or
 * fewer, no hashed directory: a --cacert file) is parsed whole at its first
 * use instead, every verdict then. Builds without the callback (the device)
 * parse every root when it is added.
 *
 * A store may be shared by the connections of one thread; a handshake may
 * update it (issues found, roots read from a hashed directory).
 */
#ifndef IOTLS_TRUST_H
#define IOTLS_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"
#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One certificate that was not loaded. */
typedef struct iotls_trust_issue {
    char source[96];      /* file name or the caller's label for a buffer */
    uint32_t index;       /* 1-based position of the certificate in its source */
    uint32_t line;        /* line of its BEGIN marker (PEM), 0 for DER */
    int mbedtls_code;     /* why (negative Mbed TLS code) */
    char subject[128];    /* subject DN if readable, "" otherwise */
} iotls_trust_issue;

typedef struct iotls_trust {
    void *certs;              /* private: the store, NULL until one loads */
    uint32_t loaded;          /* certificates usable: loaded, plus the names
                                 of hashed directories not read yet (see
                                 iotls_trust_add_fetch) */
    uint32_t skipped;         /* certificates that failed to load */
    uint32_t sources;         /* buffers and files read */
    uint32_t n_issues;        /* issues kept (<= IOTLS_TRUST_MAX_ISSUES) */
    iotls_trust_issue issues[IOTLS_TRUST_MAX_ISSUES];
    char origin[160];         /* where the store came from, for reports */
    void *crls;               /* private: CRLs (iotls_trust_add_crl), NULL if none */
    uint32_t n_crls;          /* CRLs loaded */
} iotls_trust;

/* Cannot fail. */
void iotls_trust_init(iotls_trust *t);
void iotls_trust_free(iotls_trust *t);

/*
 * Add certificates from memory: PEM (one or more blocks, with or without a
 * trailing NUL counted in len) or a single DER certificate. label names the
 * buffer in reports. Returns IOTLS_OK if the buffer was read (even if some
 * certificates in it were skipped, which the issues list records), or
 * IOTLS_ERR_USAGE / IOTLS_ERR_ALLOC. A buffer holding no certificate at all
 * is recorded as an issue with index 0.
 */
int iotls_trust_add_buffer(iotls_trust *t, const unsigned char *buf, size_t len,
                           const char *label);

/*
 * Parse every root fully when it is added (and have the ports read whole
 * directories), so that every unusable root is reported before the first
 * connection: what a verbose tool asks for; it costs what loading cost
 * before the lazy store. Call it before adding roots. IOTLS_OK,
 * IOTLS_ERR_ALLOC or IOTLS_ERR_USAGE.
 */
int iotls_trust_set_parse_all(iotls_trust *t);

/*
 * On-demand roots, for ports (a c_rehash directory): when a chain names an
 * issuer, fetch is called once per source and per name hash (OpenSSL's
 * X509_NAME_hash of the issuer, the "%08x" of a hashed file name) and adds
 * what it finds with iotls_trust_add_buffer(); it returns how many of its
 * names it read (>= 0) or IOTLS_ERR_ALLOC. names: how many certificates the
 * source names, counted in t->loaded until read. On IOTLS_OK the store owns
 * ctx (ctx_free(ctx) at iotls_trust_free, ctx_free may be NULL). Returns 1
 * when the store cannot look up by name (a build without Mbed TLS's CA
 * callback or SHA-1, after iotls_trust_set_parse_all(), too many sources):
 * the caller adds its roots now instead and keeps ctx. IOTLS_ERR_ALLOC,
 * IOTLS_ERR_USAGE.
 */
typedef int (*iotls_trust_fetch_fn)(iotls_trust *t, void *ctx, uint32_t name_hash);
int iotls_trust_add_fetch(iotls_trust *t, iotls_trust_fetch_fn fetch, void *ctx,
                          void (*ctx_free)(void *ctx), uint32_t names);

/*
 * Add certificate revocation lists (PEM, one or more X509 CRL blocks, or
 * one DER CRL) to the store: from then on every verification with it
 * (connection or iotls_verify_chain) checks each certificate of the chain
 * against the CRLs its issuer signed. A certificate on such a list fails
 * with MBEDTLS_X509_BADCERT_REVOKED; a CRL of that issuer whose
 * nextUpdate has passed (MBEDTLS_X509_BADCRL_EXPIRED), that is not valid
 * yet (..._FUTURE) or whose signature does not verify with the issuer's
 * key, or an issuer without cRLSign (..._NOT_TRUSTED) fails the chain too:
 * a revocation check that cannot be made is not a pass. Issuers no CRL
 * names are not checked (as Mbed TLS does; OCSP is not implemented).
 * Returns IOTLS_OK, IOTLS_ERR_CRL when no CRL could be read from buf (or
 * this build has no MBEDTLS_X509_CRL_PARSE_C), IOTLS_ERR_ALLOC,
 * IOTLS_ERR_USAGE. *mbedtls_code (may be NULL) gets Mbed TLS's reason.
 */
int iotls_trust_add_crl(iotls_trust *t, const unsigned char *buf, size_t len,
                        int *mbedtls_code);

/*
 * Reason text for an issue ("unsupported public key algorithm", ...), from
 * its mbedtls_code. Static string.
 */
const char *iotls_trust_reason(int mbedtls_code);

/* Ports with a file system also provide, in port/<name>/:
 *   iotls_trust_add_file(), iotls_trust_add_dir(), iotls_trust_add_system()
 * (see port/posix/iotls_port_posix.h). */

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_TRUST_H */
