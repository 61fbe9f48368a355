/*
 * PSA Crypto configuration for the iotls device build
 * (MBEDTLS_PSA_CRYPTO_CONFIG_FILE, included by config/mbedtls_device.h).
 *
 * Without MBEDTLS_USE_PSA_CRYPTO, Mbed TLS 3.6 runs through PSA only what
 * TLS 1.3 needs PSA for: the transcript hashes and the key schedule (HMAC,
 * HKDF on SHA-256/384) and the ephemeral key exchange (ECDH on x25519,
 * secp256r1, secp384r1). Record protection, signatures and certificates
 * stay on the legacy modules config/mbedtls_device.h enables. Left to
 * derive from the legacy configuration, PSA would also build in RSA, ECDSA,
 * the ciphers and AEADs, the TLS 1.2 PRF: code no caller reaches, and
 * handshake buffers sized for RSA-4096 public keys.
 */
#ifndef IOTLS_PSA_CRYPTO_DEVICE_H
#define IOTLS_PSA_CRYPTO_DEVICE_H

#define PSA_WANT_ALG_SHA_256 1
#define PSA_WANT_ALG_SHA_384 1
#define PSA_WANT_ALG_HMAC 1
#define PSA_WANT_ALG_HKDF_EXTRACT 1
#define PSA_WANT_ALG_HKDF_EXPAND 1
#define PSA_WANT_ALG_ECDH 1

#define PSA_WANT_ECC_MONTGOMERY_255 1
#define PSA_WANT_ECC_SECP_R1_256 1
#define PSA_WANT_ECC_SECP_R1_384 1

#define PSA_WANT_KEY_TYPE_DERIVE 1
#define PSA_WANT_KEY_TYPE_HMAC 1
#define PSA_WANT_KEY_TYPE_ECC_PUBLIC_KEY 1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_BASIC 1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_IMPORT 1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_EXPORT 1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_GENERATE 1

#endif /* IOTLS_PSA_CRYPTO_DEVICE_H */
