/*
 * Mbed TLS 3.6 configuration for the curve proof (tests/curve/): only the
 * public-key arithmetic, with the device's curves and ECP settings
 * (config/mbedtls_device.h), built three times on the host:
 *   stock                        Mbed TLS's own curve code;
 *   IOTLS_CURVETEST_ALT          + firmware/mbedtls_alt/ecp_alt.c behind
 *                                the same hooks as on the device;
 *   + IOTLS_CURVETEST_INT32      and 32-bit limbs, as on the device
 *                                (portable C bignum, no assembly).
 * (MBEDTLS_CONFIG_FILE="mbedtls_curvetest.h"; the variants are compile
 * definitions set by tests/curve/CMakeLists.txt.)
 */
#ifndef IOTLS_MBEDTLS_CURVETEST_H
#define IOTLS_MBEDTLS_CURVETEST_H

#if defined(IOTLS_CURVETEST_INT32)
#define MBEDTLS_HAVE_INT32
#else
#define MBEDTLS_HAVE_ASM
#endif
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_DEPRECATED_REMOVED

#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C

/* The device's curves and comb settings (config/mbedtls_device.h). */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 3
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0

#if defined(IOTLS_CURVETEST_ALT)
/* The lines that turn firmware/mbedtls_alt/ecp_alt.c on. */
#include "mbedtls_ecp_alt.h"
#define MBEDTLS_ECP_NO_FALLBACK
#endif

#endif /* IOTLS_MBEDTLS_CURVETEST_H */
