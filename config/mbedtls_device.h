/*
 * Mbed TLS 2.28 configuration for the iotls device build
 * (MBEDTLS_CONFIG_FILE="mbedtls_device.h").
 *
 * Only what iotls's defaults negotiate: a TLS 1.2 client, ECDHE-ECDSA and
 * ECDHE-RSA with AES-GCM or ChaCha20-Poly1305, groups x25519, secp256r1,
 * secp384r1, X.509 with validity times. No file system, sockets or timing
 * module: the LwIP port (port/lwip) provides transport, time, entropy and
 * the allocator. Sizes are tuned for flash, heap and speed; docs/device.md
 * lists the figures each choice bought.
 */
#ifndef IOTLS_MBEDTLS_DEVICE_H
#define IOTLS_MBEDTLS_DEVICE_H

#include <stddef.h>
#include <time.h>

/* ---- platform: the port's allocator and clock, no OS entropy ---- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
/* Bound at compile time: no function pointers to set, all heap counted. */
void *iotls_port_calloc(size_t n, size_t size);
void iotls_port_free(void *p);
#define MBEDTLS_PLATFORM_CALLOC_MACRO iotls_port_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO iotls_port_free
time_t iotls_port_lwip_mbedtls_time(time_t *t);
#define MBEDTLS_PLATFORM_TIME_MACRO iotls_port_lwip_mbedtls_time
/* newlib's gmtime() (Mbed TLS's fallback without POSIX) asserts through
 * fprintf and pulls in all of stdio; the port converts time itself. */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY   /* the port adds the TRNG (iotls_port_entropy) */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- RNG ---- */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- symmetric crypto and hashes ---- */
#define MBEDTLS_AES_C
/* AES tables are built in RAM at first use (2.5 KB of .bss) rather than
 * stored in flash: MBEDTLS_AES_ROM_TABLES would cost 2 KB of flash. */
#define MBEDTLS_AES_FEWER_TABLES      /* 2.5 KB of tables instead of 8.5 KB */
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C              /* SHA-384: P-384 signatures, *_SHA384 suites */
#define MBEDTLS_SHA512_SMALLER

/* ---- public key ---- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_MAX_SIZE 512      /* RSA-4096 roots still verify */
#define MBEDTLS_MPI_WINDOW_SIZE 2     /* only private-key RSA uses large windows */
/* Big-number division by shifts instead of libgcc's 64-bit division
 * (__udivmoddi4, 0.7 KB): divisions are rare next to multiplications. */
#define MBEDTLS_NO_UDBL_DIVISION
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM        /* fast reduction modulo the NIST primes */
/* Comb window 3 instead of 4: 8 -> 4 precomputed points per scalar
 * multiplication, 750 bytes less peak heap for 3% more instructions. */
#ifndef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 3
#endif
/* The generator's comb table would be cached per group, but each
 * handshake loads fresh groups: it costs heap and saves no time. */
#ifndef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#endif
/* The client's only scalar multiplications without an RNG are signature
 * verifications, on public data: the internal DRBG that would blind them
 * costs time and flash for no secret to protect. ECDH and signing get the
 * connection's RNG from the TLS layer and stay blinded. */
#define MBEDTLS_ECP_NO_INTERNAL_RNG
/* P-256, P-384 and Curve25519 point arithmetic on fixed-size field
 * elements (firmware/mbedtls_alt/ecp_alt.c) instead of heap-allocated big
 * numbers: an ECDSA handshake from 62.7 to ~25 M instructions, 25 000 to
 * ~650 allocations. */
#ifndef IOTLS_MBEDTLS_NO_ECP_ALT
#define MBEDTLS_ECP_INTERNAL_ALT
#define MBEDTLS_ECP_DOUBLE_JAC_ALT
#define MBEDTLS_ECP_ADD_MIXED_ALT
#define MBEDTLS_ECP_NORMALIZE_JAC_ALT
#define MBEDTLS_ECP_NORMALIZE_JAC_MANY_ALT
#define MBEDTLS_ECP_DOUBLE_ADD_MXZ_ALT
#define MBEDTLS_ECP_NORMALIZE_MXZ_ALT
/* All three groups are covered: the generic versions of those functions
 * would be dead code (-2 KB). */
#define MBEDTLS_ECP_NO_FALLBACK
#endif
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15             /* RSA signatures (PSS is left out: rare in web PKI) */
#define MBEDTLS_RSA_NO_CRT            /* the client never uses a private RSA key */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 6

/* ---- TLS 1.2 client ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
/* Only the suites iotls offers by default are compiled in. */
#define MBEDTLS_SSL_CIPHERSUITES                                              \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,                            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,                            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                    \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256

/* Records: a server may send 16 KB records, so the input buffer holds one;
 * the client's own records (hellos, requests) are small. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#endif

#include "mbedtls/check_config.h"

#endif /* IOTLS_MBEDTLS_DEVICE_H */
