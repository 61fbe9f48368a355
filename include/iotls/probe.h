/*
 * The hello probe: a ClientHello built by hand, without Mbed TLS, to learn
 * what a server would choose from offers this build of Mbed TLS cannot make
 * (x448, ffdhe groups, RSA-PSS in TLS 1.2, every IANA suite). The server's first answer is all
 * it needs: a ServerHello (version, suite, key share group), a
 * HelloRetryRequest (the group the server wants), an alert, or bytes that
 * are not TLS. The probe never completes a handshake: its x25519 "public
 * key" is random bytes, and it stops reading after the ServerHello (TLS 1.3)
 * or the ServerHelloDone (TLS 1.2, to see the ServerKeyExchange group and a
 * CertificateRequest).
 *
 * Built from the structures of RFC 8446 (4.1.2 ClientHello, 4.1.3
 * ServerHello, 4.1.4 HelloRetryRequest) and RFC 5246 (7.4.1, 7.4.3).
 */
#ifndef IOTLS_PROBE_H
#define IOTLS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"
#include "iotls/error.h"
#include "iotls/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the server's answer kept for parsing: enough for ServerHello,
 * Certificate (a chain of a few certificates), ServerKeyExchange and
 * ServerHelloDone. A longer answer is parsed as far as it goes. */
#ifndef IOTLS_PROBE_RECV_MAX
#define IOTLS_PROBE_RECV_MAX 24576
#endif
/* Largest ClientHello the builder makes (the full IANA lists need ~1.2 KB). */
#define IOTLS_PROBE_HELLO_MAX 4096
#define IOTLS_PROBE_MAX_EXTS 16

/* What to offer. A NULL list means the full IANA list of its kind. */
typedef struct iotls_probe_offer {
    const uint16_t *suites; /* IANA cipher suite ids */
    size_t n_suites;
    const uint16_t *groups; /* IANA named groups */
    size_t n_groups;
    const uint16_t *sig_algs; /* IANA signature schemes */
    size_t n_sig_algs;
    const uint16_t *versions; /* 0x0304, 0x0303, ...; NULL: 1.3, 1.2, 1.1, 1.0 */
    size_t n_versions;
    const char *sni; /* server_name, NULL for none */
} iotls_probe_offer;

/* All lists full, no SNI. */
void iotls_probe_offer_init(iotls_probe_offer *o);

/* The full lists: copy up to max ids into out, return how many there are. */
size_t iotls_probe_all_suites(uint16_t *out, size_t max);
size_t iotls_probe_all_groups(uint16_t *out, size_t max);
size_t iotls_probe_all_sig_algs(uint16_t *out, size_t max);

/*
 * Build the ClientHello record into buf. rnd: 96 random bytes (client
 * random, session id, x25519 key share). The x25519 share is sent only when
 * TLS 1.3 and x25519 are both offered; otherwise the key_share list is empty
 * and a TLS 1.3 server answers with a HelloRetryRequest naming its group.
 * supported_versions is sent when TLS 1.3 is offered. Returns IOTLS_OK and
 * *olen, or IOTLS_ERR_USAGE (empty lists, SNI too long, buffer too small).
 */
int iotls_probe_hello_build(const iotls_probe_offer *o, const unsigned char rnd[96],
                            unsigned char *buf, size_t len, size_t *olen);

typedef enum iotls_probe_outcome {
    IOTLS_PROBE_NONE = 0,         /* nothing yet */
    IOTLS_PROBE_SERVER_HELLO = 1, /* version, suite (and group) chosen */
    IOTLS_PROBE_HELLO_RETRY = 2,  /* TLS 1.3 HelloRetryRequest: group wanted */
    IOTLS_PROBE_ALERT = 3,
    IOTLS_PROBE_NOT_TLS = 4, /* see first_bytes */
    IOTLS_PROBE_CLOSED = 5,  /* EOF before any answer */
    IOTLS_PROBE_TIMEOUT = 6,
    IOTLS_PROBE_RESET = 7,
    IOTLS_PROBE_MALFORMED = 8, /* TLS, but not a valid answer; see detail */
    IOTLS_PROBE_ERROR = 9      /* send/recv failed otherwise; see sys_err */
} iotls_probe_outcome;

typedef struct iotls_probe_result {
    iotls_probe_outcome outcome;
    uint16_t legacy_version;   /* ServerHello.legacy_version */
    uint16_t version;          /* chosen: supported_versions if sent, else legacy_version */
    uint16_t suite;            /* chosen cipher suite */
    uint16_t group;            /* TLS 1.3 key_share group, HRR selected group, or the
                                  TLS 1.2 ServerKeyExchange named curve; 0 unknown */
    uint8_t cert_request;      /* TLS 1.2: the server asked for a client certificate */
    uint8_t server_hello_done; /* TLS 1.2: ServerHelloDone seen */
    uint8_t alert_level;
    uint8_t alert;                       /* description, when outcome is ALERT */
    uint16_t exts[IOTLS_PROBE_MAX_EXTS]; /* ServerHello extension types, in order */
    uint8_t n_exts;
    uint8_t first_bytes[IOTLS_EV_FIRST_BYTES];
    uint8_t n_first_bytes;
    uint32_t bytes_received;
    uint32_t elapsed_ms;
    int sys_err;
    char detail[80]; /* what was malformed, "" otherwise */
    uint16_t sig_alg; /* TLS 1.2 ECDHE ServerKeyExchange: the signature scheme the
                         server chose (0x0804 rsa_pss_rsae_sha256 ...), 0 unknown */
} iotls_probe_result;

/*
 * Parse a server's answer from its first byte: buf holds everything
 * received so far. Returns 1 when the answer is complete (r->outcome says
 * what it was), 0 when more bytes are needed (r->outcome may already be
 * SERVER_HELLO when a TLS 1.2 server has more to send). Never reads beyond
 * len; any byte string is safe.
 */
int iotls_probe_parse(const unsigned char *buf, size_t len, iotls_probe_result *r);

/*
 * Parse a ClientHello record (as built above, or as any client sends it)
 * into h: versions, suites, groups, signature algorithms, extensions, SNI.
 * Returns IOTLS_OK or IOTLS_ERR_USAGE when it is not a complete, well-formed
 * ClientHello.
 */
int iotls_probe_client_hello_parse(const unsigned char *buf, size_t len, iotls_hello *h);

/*
 * Send the hello on a connected socket and read the answer, within
 * timeout_ms in all. f_rng fills the 96 random bytes (Mbed TLS's
 * mbedtls_ctr_drbg_random fits). Returns IOTLS_OK when r holds an outcome
 * (whatever it is), IOTLS_ERR_USAGE or IOTLS_ERR_ALLOC otherwise.
 */
int iotls_probe_hello(iotls_port_sock *sock, const iotls_probe_offer *o,
                      int (*f_rng)(void *, unsigned char *, size_t), void *p_rng,
                      uint32_t timeout_ms, iotls_probe_result *r);

/* "server_hello", "hello_retry", "alert", ... */
const char *iotls_probe_outcome_name(iotls_probe_outcome o);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_PROBE_H */
