/*
 * TLS options deployed devices need, beyond the secure defaults of conn.h:
 * checked ALPN lists, a key log for Wireshark, public key pinning, external
 * pre-shared keys, and smaller records (RFC 6066 max_fragment_length).
 *
 * Each is off until its setter is called on an iotls_conf, and each setter
 * checks its input and returns IOTLS_ERR_USAGE (changing nothing) when it is
 * malformed, so a bad value fails before anything is dialed. No Mbed TLS
 * type appears here; the state lives in iotls_conf.opt (conn.h).
 */
#ifndef IOTLS_TLSOPT_H
#define IOTLS_TLSOPT_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pins one conf holds (curl allows any number; 4 fit a key rotation). */
#ifndef IOTLS_MAX_PINS
#define IOTLS_MAX_PINS 4
#endif
/* Longest pre-shared key, in bytes: Mbed TLS's MBEDTLS_PSK_MAX_LEN default. */
#ifndef IOTLS_MAX_PSK_LEN
#define IOTLS_MAX_PSK_LEN 32
#endif
/* Longest PSK identity, in bytes (OpenSSL's limit is 128 as well). */
#ifndef IOTLS_MAX_PSK_IDENTITY
#define IOTLS_MAX_PSK_IDENTITY 128
#endif
/* ALPN (RFC 7301): each name 1..255 bytes; the whole list, with a length
 * byte per name, at most this many bytes (the extension allows 65535; a
 * ClientHello should stay small). */
#define IOTLS_ALPN_NAME_MAX 255
#ifndef IOTLS_ALPN_LIST_MAX
#define IOTLS_ALPN_LIST_MAX 1024
#endif
/* Names in one ALPN list. */
#ifndef IOTLS_ALPN_MAX_NAMES
#define IOTLS_ALPN_MAX_NAMES 16
#endif

/* Receives one line of the NSS key log format (no newline), e.g.
 * "CLIENT_RANDOM <64 hex> <96 hex>" (TLS 1.2) or
 * "CLIENT_HANDSHAKE_TRAFFIC_SECRET <64 hex> <secret hex>" (TLS 1.3). The
 * secrets decrypt the connection: write them only where a debugger is
 * meant to read them. */
typedef void (*iotls_keylog_fn)(void *ctx, const char *line);

/* The options' state inside iotls_conf (conn.h): set through the setters. */
typedef struct iotls_tlsopt {
    iotls_keylog_fn keylog_fn;
    void *keylog_ctx;
    uint8_t n_pins;
    uint8_t pins[IOTLS_MAX_PINS][32];  /* SHA-256 of SubjectPublicKeyInfo DER */
    uint8_t psk_len;                   /* 0: no PSK */
    uint8_t psk[IOTLS_MAX_PSK_LEN];
    char psk_identity[IOTLS_MAX_PSK_IDENTITY + 1];
    uint16_t max_fragment;             /* 0, 512, 1024, 2048 or 4096 */
} iotls_tlsopt;

struct iotls_conf;
struct iotls_conn;

/*
 * ALPN: checks a NULL-terminated list (each name 1..255 bytes, at most
 * IOTLS_ALPN_MAX_NAMES names and IOTLS_ALPN_LIST_MAX bytes on the wire).
 * Returns IOTLS_OK or IOTLS_ERR_USAGE; iotls_conf_set_alpn() sets it. The
 * negotiated protocol: iotls_conn_alpn(). A server that supports none of
 * them answers alert 120 (cause alpn_mismatch).
 */
int iotls_alpn_check(const char *const *protos);

/*
 * Key log: fn receives each secret of every handshake made with this conf
 * (TLS 1.3: the four traffic secrets; TLS 1.2: the master secret), as NSS
 * key log lines. NULL turns it off. Never on by default: the caller opts
 * in (the tool: when SSLKEYLOGFILE is set).
 */
void iotls_conf_set_keylog(struct iotls_conf *conf, iotls_keylog_fn fn, void *ctx);

/*
 * Public key pinning, curl's --pinnedpubkey format: "sha256//BASE64" pins
 * separated by ';' (BASE64: the 44-character standard base64 of the SHA-256
 * of the server certificate's SubjectPublicKeyInfo DER). After the chain
 * and name have verified, the server's leaf key must match one of them,
 * else the connection fails with IOTLS_ERR_PIN_MISMATCH (stage verify).
 * NULL or "" removes the pins. IOTLS_ERR_USAGE when malformed or more than
 * IOTLS_MAX_PINS (nothing changed).
 */
int iotls_conf_set_pinned_pubkeys(struct iotls_conf *conf, const char *pins);
/* One pin as raw SHA-256 bytes (what a device stores). */
int iotls_conf_add_pinned_pubkey(struct iotls_conf *conf, const uint8_t sha256[32]);
/* "sha256//BASE64" of a SubjectPublicKeyInfo DER into out (at least 52
 * bytes): the pin to give for that key. Returns IOTLS_OK or an error. */
int iotls_pin_from_spki(const unsigned char *spki, size_t len, char *out, size_t outlen);

/*
 * External pre-shared key (TLS 1.3 RFC 8446 external PSK, psk_ke and
 * psk_dhe_ke; TLS 1.2 RFC 4279/5489 PSK and ECDHE-PSK suites): key of
 * 1..IOTLS_MAX_PSK_LEN bytes and its identity (1..IOTLS_MAX_PSK_IDENTITY
 * bytes). With a PSK the handshake authenticates by the key alone: no
 * certificate is sent or verified, and no trust store is needed. With the
 * default suites, TLS 1.2 offers ECDHE-PSK and PSK suites instead of the
 * certificate ones. key NULL removes it. IOTLS_ERR_USAGE otherwise, or
 * when this build has no PSK support.
 */
int iotls_conf_set_psk(struct iotls_conf *conf, const uint8_t *key, size_t key_len,
                       const char *identity);

/*
 * Ask the server for records of at most len bytes of plaintext (RFC 6066
 * max_fragment_length: 512, 1024, 2048 or 4096; 0 turns it off), for a
 * device whose input buffer (MBEDTLS_SSL_IN_CONTENT_LEN) is that small.
 * iotls then holds the server to it: a record larger than len plus the
 * cipher's expansion fails with IOTLS_ERR_RECORD_TOO_LARGE (cause
 * record_too_large), as it would on such a device, whether or not the
 * server acknowledged the extension. IOTLS_ERR_USAGE for another value or
 * when this build lacks MBEDTLS_SSL_MAX_FRAGMENT_LENGTH.
 *
 * TLS 1.2 only: Mbed TLS 3.6 accepts the server's answer in TLS 1.2 only
 * (its TLS 1.3 client rejects max_fragment_length in EncryptedExtensions
 * with unsupported_extension), so with this option the connection offers
 * TLS 1.2 at most, and a conf whose minimum is TLS 1.3 fails at setup with
 * IOTLS_ERR_USAGE. TLS 1.3's record_size_limit (RFC 8449) is a build
 * option of Mbed TLS 3.6 (MBEDTLS_SSL_RECORD_SIZE_LIMIT, which advertises
 * MBEDTLS_SSL_IN_CONTENT_LEN), not a setting per connection.
 */
int iotls_conf_set_max_fragment(struct iotls_conf *conf, unsigned len);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_TLSOPT_H */
