/*
 * The Mbed TLS 3.6 hooks that put firmware/mbedtls_alt/ecp_alt.c (P-256,
 * P-384 and Curve25519 on fixed-size field elements) in place of Mbed TLS's
 * point arithmetic. Included by the device, host and curve-test configs, so
 * the code that ships and the code tests/curve proves are switched on by
 * the same lines. MBEDTLS_ECP_NO_FALLBACK is each config's own choice.
 */
#ifndef IOTLS_MBEDTLS_ECP_ALT_H
#define IOTLS_MBEDTLS_ECP_ALT_H

#define MBEDTLS_ECP_INTERNAL_ALT
#define MBEDTLS_ECP_DOUBLE_JAC_ALT
#define MBEDTLS_ECP_ADD_MIXED_ALT
#define MBEDTLS_ECP_NORMALIZE_JAC_ALT
#define MBEDTLS_ECP_NORMALIZE_JAC_MANY_ALT
#define MBEDTLS_ECP_DOUBLE_ADD_MXZ_ALT
#define MBEDTLS_ECP_NORMALIZE_MXZ_ALT

#endif /* IOTLS_MBEDTLS_ECP_ALT_H */
