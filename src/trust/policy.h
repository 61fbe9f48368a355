/*
 * The certificate policy iotls applies on top of Mbed TLS's chain check,
 * the same for a connection (iotls_verify_cb) and for `iotls verify`:
 * host name (RFC 6125, dNSName SANs only: never the common name), IP SANs,
 * key usage / extended key usage of the leaf, name constraints of every CA
 * above a certificate (RFC 5280 4.2.1.10), and the RFC 5280 / CA/B Forum
 * profile rules Mbed TLS 3.6 does not enforce (docs/verify.md, "What is
 * checked beyond Mbed TLS").
 *
 * Mbed TLS calls the verify callback once per certificate, from the trust
 * anchor (highest depth) down to the leaf (depth 0), after the chain is
 * built; iotls_policy_check() is called from there in that order, so the
 * constraints of the CAs above are known when a certificate is checked.
 * No heap: the constraints are pointers into the certificates' DER, valid
 * while the chain is (the whole callback sequence).
 */
#ifndef IOTLS_POLICY_H
#define IOTLS_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/x509_crt.h"

#include "iotls/addr.h"

/* Verify flags the policy adds (bits Mbed TLS 3.6 does not use; see also
 * IOTLS_BADCERT_IP_MISMATCH in iotls/error.h). Profile rules (missing
 * authority/subject key identifier, bad serial number, malformed or
 * duplicate extension, ...) set MBEDTLS_X509_BADCERT_OTHER; names set
 * MBEDTLS_X509_BADCERT_CN_MISMATCH; usages MBEDTLS_X509_BADCERT_KEY_USAGE /
 * MBEDTLS_X509_BADCERT_EXT_KEY_USAGE. */
#define IOTLS_BADCERT_LEAF_IS_CA 0x20000000u       /* server certificate is a CA */
#define IOTLS_BADCERT_NAME_CONSTRAINTS 0x10000000u /* a name outside a CA's constraints */

/* Name-constraint extensions remembered from the CAs above (pointers into
 * the certificates' DER, valid while the chain is). A chain with more
 * constrained CAs than this is rejected (never checked against fewer). */
#define IOTLS_POLICY_MAX_NC 4

typedef struct iotls_policy {
    /* Set by iotls_policy_init(); the caller may change them before the
     * first iotls_policy_check(). */
    const char *host;       /* DNS name to match, NULL: none */
    const iotls_addr *ip;   /* IP literal to match, NULL: none */
    int check_name;         /* 0: Mbed TLS checks the name itself */
    int check_eku;          /* 1 (default): the leaf's extendedKeyUsage, when
                               present, must allow serverAuth (or
                               anyExtendedKeyUsage), as Mbed TLS's handshake
                               requires */
    unsigned leaf_key_usage; /* 0 (default): not checked here (the handshake
                               checks it for the negotiated suite); else the
                               leaf's keyUsage, when present, must have one of
                               these MBEDTLS_X509_KU_* bits */
    int reject_ca_leaf;     /* 0 (default): a CA certificate as the server's
                               is accepted (RFC 5280 allows it, x509-limbo
                               expects it; self-signed servers often have
                               cA=TRUE); 1: IOTLS_BADCERT_LEAF_IS_CA */
    int max_intermediates;  /* -1 (default): no limit beyond Mbed TLS's;
                               else at most this many intermediates, not
                               counting self-issued ones */

    /* State of one callback sequence (reset by init, and when a new chain
     * starts: a depth not below the previous one). */
    const unsigned char *nc[IOTLS_POLICY_MAX_NC]; /* nameConstraints values */
    size_t nc_len[IOTLS_POLICY_MAX_NC];
    const mbedtls_x509_crt *nc_crt[IOTLS_POLICY_MAX_NC]; /* the CA each came from */
    int nc_depth[IOTLS_POLICY_MAX_NC];
    int n_nc;
    int last_depth;         /* depth of the previous call, -1 before the first */
    int top_depth;          /* depth of the first call: the trust anchor */
    int intermediates;      /* non-self-issued intermediates seen */
    char detail[160];       /* what the first policy failure was, for reports */
} iotls_policy;

/* Defaults as documented above; host/ip may be NULL. Cannot fail. */
void iotls_policy_init(iotls_policy *p, const char *host, const iotls_addr *ip, int check_name);

/* One certificate of the verified chain (see above); ORs flags in, and
 * writes p->detail for the first failure. Never fails on bad DER: what
 * cannot be read is a failure of the certificate. */
void iotls_policy_check(iotls_policy *p, const mbedtls_x509_crt *crt, int depth,
                        uint32_t *flags);

/* mbedtls_x509_crt_parse_der() that also accepts the critical extensions
 * the policy enforces itself (nameConstraints); anything else unknown and
 * critical is still rejected. */
int iotls_x509_parse_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len);

/* The same without a copy (mbedtls_x509_crt_parse_der_nocopy()): der must
 * outlive chain. */
int iotls_x509_parse_der_nocopy(mbedtls_x509_crt *chain, const unsigned char *der, size_t len);

/* RFC 6125 host name match against the dNSName SANs only (no common-name
 * fallback; wildcards as described in policy.c). 1: match, 0: not. */
int iotls_policy_match_dns(const mbedtls_x509_crt *crt, const char *host);

/* Bounds-checked walk of crt's extensions (the DER in crt->v3_ext): finds
 * the value of the extension with the given OID. Returns 1 and sets
 * the value, its length and criticality when found once, 0 when absent, -1 when the
 * extensions are malformed or the OID is there twice. Exposed for tests and
 * the fuzz target. */
int iotls_policy_find_ext(const unsigned char *ext, size_t ext_len, const unsigned char *oid,
                          size_t oid_len, const unsigned char **val, size_t *len, int *critical);

/* Is this DER a well-formed NameConstraints value that iotls can enforce
 * (RFC 5280 4.2.1.10 / CA/B BR 7.1.2.5.2)? 1: yes, 0: no. Exposed for tests
 * and the fuzz target. */
int iotls_policy_nc_valid(const unsigned char *nc, size_t len);

#endif /* IOTLS_POLICY_H */
