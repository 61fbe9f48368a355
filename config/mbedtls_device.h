/*
 * Mbed TLS 3.6 configuration for the iotls device build
 * (MBEDTLS_CONFIG_FILE="mbedtls_device.h").
 *
 * Only what iotls's defaults negotiate: a TLS 1.3 and 1.2 client; TLS 1.3
 * with ephemeral (EC)DHE only (resumption and external PSK too:
 * psk_dhe_ke); TLS 1.2 ECDHE-ECDSA, ECDHE-RSA and ECDHE-PSK, session IDs
 * and tickets; AEAD suites;
 * groups x25519, secp256r1, secp384r1; ECDSA and RSA (PKCS#1 v1.5 and
 * PSS) verification; X.509 with validity times. No file system,
 * sockets or timing module: the LwIP port (port/lwip) provides transport,
 * time, entropy and the allocator. Sizes are tuned for flash, heap and
 * speed; docs/device.md lists the figures each choice bought.
 *
 * Mbed TLS 3.x's build_info.h runs check_config.h after this file: it is
 * not included here.
 *
 * Knobs (compile definitions, see firmware/mps2-an500/CMakeLists.txt):
 *   IOTLS_MBEDTLS_NO_ECP_ALT   Mbed TLS's own curve arithmetic instead of
 *                              firmware/mbedtls_alt/ecp_alt.c (the default
 *                              until that code's 3.6 port is proven)
 *   IOTLS_MBEDTLS_NO_AES256    TLS_AES_128_GCM_SHA256 / *_AES_128_GCM_* only
 *   IOTLS_MBEDTLS_NO_CHACHAPOLY  no ChaCha20-Poly1305 suites
 *   IOTLS_DEVICE_RECORD_LIMIT=N  N-byte input buffer, record_size_limit
 *                              and max_fragment_length (see Records below)
 */
#ifndef IOTLS_MBEDTLS_DEVICE_H
#define IOTLS_MBEDTLS_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- platform: the port's allocator and clocks ---- */
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
/* 3.6 needs a millisecond clock (TLS 1.3 ticket ages, timing); bare metal
 * has none Mbed TLS knows: port/lwip/platform.c gives mbedtls_ms_time(). */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
/* No /dev/urandom. The board's TRNG is Mbed TLS's hardware source
 * (mbedtls_hardware_poll() in port/lwip/platform.c): every entropy context
 * gets it, including the one PSA seeds its own DRBG from at
 * psa_crypto_init(). Without a TRNG (QEMU with no test seed) seeding fails:
 * no entropy is ever made up. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- RNG ---- */
#define MBEDTLS_ENTROPY_C
/* SHA-256 accumulator: a smaller entropy context (-112 B per connection),
 * still 256 bits; SHA-512 is compiled in for signatures anyway. */
#define MBEDTLS_ENTROPY_FORCE_SHA256
#define MBEDTLS_CTR_DRBG_C

/* ---- symmetric crypto and hashes ---- */
#define MBEDTLS_AES_C
/* AES tables are built in RAM at first use rather than stored in flash
 * (MBEDTLS_AES_ROM_TABLES would cost 2 KB of flash). */
#define MBEDTLS_AES_FEWER_TABLES
/* GCM and the CTR_DRBG only encrypt: no AES decryption code or tables. */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#ifdef IOTLS_MBEDTLS_NO_AES256
#define MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH
#endif
#define MBEDTLS_GCM_C
#ifndef IOTLS_MBEDTLS_NO_CHACHAPOLY
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#endif
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA384_C              /* P-384 signatures, *_SHA384 suites */
#define MBEDTLS_SHA512_C              /* SHA-512 signatures (same code as SHA-384) */
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_HKDF_C                /* TLS 1.3 key schedule (PSA's HKDF derives from it) */

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
 * multiplication, less peak heap during verification for a few % more
 * instructions. */
#ifndef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 3
#endif
/* In 3.6 this is a precomputed comb table of each generator in flash. */
#ifndef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#endif
/* P-256, P-384 and Curve25519 point arithmetic on fixed-size field
 * elements (firmware/mbedtls_alt/ecp_alt.c) instead of heap-allocated big
 * numbers; proven by tests/curve in every test run. On by default
 * (IOTLS_FW_ECP_ALT); IOTLS_MBEDTLS_NO_ECP_ALT keeps Mbed TLS's own. */
#ifndef IOTLS_MBEDTLS_NO_ECP_ALT
#include "mbedtls_ecp_alt.h"
/* All three groups are covered: the generic versions of those functions
 * would be dead code. */
#define MBEDTLS_ECP_NO_FALLBACK
#endif
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15             /* RSA signatures in certificates */
/* RSA-PSS: TLS 1.3 servers with RSA certificates sign with rsa_pss_rsae_*
 * only; without it OpenSSL finds no common signature scheme. */
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_RSA_NO_CRT            /* the client never uses a private RSA key */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C

/* ---- PSA: the TLS 1.3 key schedule and key exchange run on it ---- */
#define MBEDTLS_PSA_CRYPTO_C
/* Only what TLS 1.3 runs through PSA (config/psa_crypto_device.h), not
 * everything the legacy options above would make PSA build in: less flash,
 * and the handshake's buffer for the peer's key share sized for ECC keys,
 * not RSA-4096 ones. */
#define MBEDTLS_PSA_CRYPTO_CONFIG
#define MBEDTLS_PSA_CRYPTO_CONFIG_FILE "psa_crypto_device.h"
/* Key slots allocated as used instead of a static table (~2 KB of .bss). */
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
/* With the dynamic store this only sizes the cache of persistent keys,
 * which psa_crypto_init() allocates for the program's life: iotls keeps no
 * persistent keys (no PSA storage), so one slot instead of 32 (-2 KB heap). */
#define MBEDTLS_PSA_KEY_SLOT_COUNT 1

/* ---- X.509 ---- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 6

/* ---- TLS 1.3 and 1.2 client ---- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* Session resumption (include/iotls/session.h): TLS 1.2 tickets and
 * session IDs, TLS 1.3 tickets resumed with psk_dhe_ke (a fresh ECDHE:
 * forward secrecy), never psk_ke, which is not compiled in.
 * MBEDTLS_SSL_TICKET_C is the server's ticket maker: not needed. */
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
/* Middleboxes that drop what does not look like TLS 1.2 let these through. */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
/* 3.6's TLS 1.3 requires it (the chain is kept until the connection is
 * freed): iotls_conn_peer_cert() then works on the device too. */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
/* External PSK (iotls_conf_set_psk, devices without certificates): TLS 1.3
 * takes it with psk_dhe_ke, the mode tickets already compile in; TLS 1.2
 * with ECDHE-PSK (forward secrecy; with the AEADs here that is
 * ECDHE-PSK-CHACHA20-POLY1305). Plain PSK (no ECDHE) is not compiled in. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
/* Only the suites iotls offers by default are compiled in. */
#define IOTLS_DEV_SUITES_128                                                  \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                                        \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
#ifndef IOTLS_MBEDTLS_NO_AES256
#define IOTLS_DEV_SUITES_256                                                  \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                                        \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#else
#define IOTLS_DEV_SUITES_256
#endif
#ifndef IOTLS_MBEDTLS_NO_CHACHAPOLY
#define IOTLS_DEV_SUITES_CHACHA                                               \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,                                  \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                    \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#else
#define IOTLS_DEV_SUITES_CHACHA
#endif
#define MBEDTLS_SSL_CIPHERSUITES IOTLS_DEV_SUITES_256 IOTLS_DEV_SUITES_CHACHA IOTLS_DEV_SUITES_128

/* Records: a server may send 16 KB records, so the input buffer holds one;
 * the client's own records (hellos, requests) are small.
 * IOTLS_DEVICE_RECORD_LIMIT=N (the firmware's IOTLS_FW_RECORD_LIMIT, see
 * config/iotls_device_config.h) makes it N bytes for small RAM: TLS 1.3
 * then advertises N in record_size_limit (RFC 8449; Mbed TLS 3.6 sends the
 * buffer size, no per-connection value) and TLS 1.2 can ask for
 * max_fragment_length (RFC 6066, iotls_conf_set_max_fragment). A server
 * that honours neither fails with record_too_large. */
#ifdef IOTLS_DEVICE_RECORD_LIMIT
#define MBEDTLS_SSL_IN_CONTENT_LEN IOTLS_DEVICE_RECORD_LIMIT
#define MBEDTLS_SSL_RECORD_SIZE_LIMIT
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#else
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#endif
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#endif

#endif /* IOTLS_MBEDTLS_DEVICE_H */
