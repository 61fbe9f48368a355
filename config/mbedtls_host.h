/*
 * Mbed TLS 3.6 configuration for the iotls host build
 * (MBEDTLS_CONFIG_FILE="mbedtls_host.h").
 *
 * The host tool is also the diagnostician: besides what iotls offers by
 * default (TLS 1.3 and 1.2, ECDHE, AEAD) it keeps what it needs to *explain*
 * a server it will not talk to by default: legacy suites and hashes to
 * parse and name, a TLS server for `iotls demo`, certificate writing for the
 * test PKI. Speed: AES-NI and PCLMUL (MBEDTLS_AESNI_C), assembly bignum.
 * No file-system PSA storage, no DTLS: iotls uses neither.
 */
#ifndef IOTLS_MBEDTLS_HOST_H
#define IOTLS_MBEDTLS_HOST_H

/* ---- platform ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
/* Mbed TLS allocates through the port (port/posix/alloc_posix.c), as on the
 * device: its refusals are counted (iotls names out_of_memory by that
 * count), and tests can count blocks and refuse the n-th allocation. */
#include <stddef.h>
void *iotls_port_calloc(size_t n, size_t size);
void iotls_port_free(void *p);
#define MBEDTLS_PLATFORM_CALLOC_MACRO iotls_port_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO iotls_port_free
#define MBEDTLS_FS_IO
#define MBEDTLS_NET_C                 /* demo server and unit tests only; the library uses its port */
#define MBEDTLS_DEPRECATED_REMOVED
#define MBEDTLS_ERROR_C               /* mbedtls_strerror() in debug and evidence text */
#define MBEDTLS_VERSION_C
#define MBEDTLS_DEBUG_C               /* --debug N */

/* ---- RNG ---- */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C           /* deterministic ECDSA (demo server, test PKI) */

/* ---- symmetric crypto and hashes ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C               /* AES-NI and PCLMULQDQ for GCM, chosen at run time */
#define MBEDTLS_GCM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC       /* legacy CBC suites, for diagnosis */
#define MBEDTLS_CIPHER_PADDING_PKCS7
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C                 /* names legacy signatures in evidence */
#define MBEDTLS_SHA1_C                /* verifies (and so names) SHA-1 signatures; never accepted by default */
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C                /* TLS 1.3 key schedule */

/* ---- public key ---- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME              /* RSA test keys */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_DP_CURVE448_ENABLED
#define MBEDTLS_ECP_DP_BP256R1_ENABLED
#define MBEDTLS_ECP_DP_BP384R1_ENABLED
#define MBEDTLS_ECP_DP_BP512R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
/* P-256, P-384 and Curve25519 point arithmetic on fixed-size field elements
 * (firmware/mbedtls_alt/ecp_alt.c, the device's, proven against Mbed TLS's
 * own code by tests/curve: differential, Wycheproof, constant time under
 * valgrind) instead of heap-allocated big numbers and a constant-time
 * binary GCD per inversion. The main build compiles ecp_alt.c into the
 * library and sets IOTLS_HOST_ECP_ALT; a build of this config without it
 * (the fuzz targets) keeps the generic code. No MBEDTLS_ECP_NO_FALLBACK:
 * the other groups (P-521, brainpool, Curve448) use the generic code.
 * Full ECDSA handshake: 54 M -> 39 M instructions (docs/bench.md). */
#if defined(IOTLS_HOST_ECP_ALT)
#include "mbedtls_ecp_alt.h"
#endif
/* MBEDTLS_ECP_WINDOW_SIZE stays at its default (4): the comb picks w = 4
 * for P-256 points other than G by itself, and G uses the static table of
 * MBEDTLS_ECP_FIXED_POINT_OPTIM (default 1), whose size is fixed. */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21             /* RSA-PSS: TLS 1.3 with RSA certificates */
#define MBEDTLS_DHM_C                 /* DHE-RSA, for diagnosing legacy servers */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_PARSE_EC_EXTENDED
#define MBEDTLS_PK_PARSE_EC_COMPRESSED
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_PKCS5_C               /* encrypted PKCS#8 client keys */
#define MBEDTLS_PKCS12_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C

/* ---- PSA: TLS 1.3 runs on it ---- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C
#define MBEDTLS_X509_CSR_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C      /* test PKI, demo CA */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK

/* ---- TLS ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C             /* iotls demo's own server */
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_RENEGOTIATION     /* compiled in so it can be refused explicitly */
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED

#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384

#endif /* IOTLS_MBEDTLS_HOST_H */
