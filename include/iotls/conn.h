/*
 * iotls connections: TLS 1.2 clients that connect right by default.
 *
 * Lifecycle, as in Mbed TLS:
 *
 *   iotls_conf conf;  iotls_conf_init(&conf);          // secure defaults
 *   iotls_conf_set_trust(&conf, &trust);                // required
 *   iotls_conn c;     iotls_conn_init(&c);              // cannot fail
 *   if (iotls_conn_setup(&c, &conf) == IOTLS_OK &&      // RNG, Mbed TLS config
 *       iotls_conn_connect(&c, "www.google.de", 443) == IOTLS_OK) {
 *       iotls_conn_write(&c, req, req_len);
 *       n = iotls_conn_read(&c, buf, sizeof buf);       // >0 bytes, 0 = end
 *       iotls_conn_close(&c);                           // close_notify
 *   } else {
 *       const iotls_error *e = iotls_conn_error(&c);     // stage, codes, evidence
 *   }
 *   iotls_conn_free(&c);
 *
 * Defaults (each changed only by an explicit setter):
 *  - SNI and the certificate name check come from the host passed to
 *    iotls_conn_connect(). For an IP literal no SNI is sent (RFC 6066) and
 *    the certificate's iPAddress SANs are matched by iotls.
 *  - Verification required; an empty trust store fails the connection.
 *  - TLS 1.2 only; ECDHE with AES-GCM or ChaCha20-Poly1305, ECDSA or RSA
 *    certificates; groups x25519, secp256r1, secp384r1 in that order;
 *    SHA-256 or better signatures.
 *  - Timeouts from config.h (connect 10 s, handshake 15 s, read 30 s,
 *    write 30 s).
 *  - A peer that closes without close_notify is IOTLS_ERR_TRUNCATED.
 *
 * The conf must outlive every connection set up with it. One connection per
 * iotls_conn; a connection is not thread-safe.
 */
#ifndef IOTLS_CONN_H
#define IOTLS_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "iotls/config.h"
#include "iotls/error.h"
#include "iotls/port.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives one line of Mbed TLS debug output, already formatted for a human
 * (no trailing newline). */
typedef void (*iotls_debug_fn)(void *ctx, int level, const char *line);

typedef enum iotls_sni_mode {
    IOTLS_SNI_FROM_HOST = 0, /* default: the host dialed (none for an IP literal) */
    IOTLS_SNI_NONE = 1,      /* send no SNI; still check the cert against the host */
    IOTLS_SNI_CUSTOM = 2     /* send server_name and check the cert against it */
} iotls_sni_mode;

typedef struct iotls_conf {
    iotls_trust *trust;
    iotls_sni_mode sni_mode;
    char server_name[IOTLS_MAX_HOSTNAME + 1]; /* IOTLS_SNI_CUSTOM only */
    char connect_addr[48];     /* IP literal to dial instead of resolving; "" */
    uint32_t connect_timeout_ms;
    uint32_t handshake_timeout_ms;
    uint32_t read_timeout_ms;
    uint32_t write_timeout_ms;
    const int *ciphersuites;   /* 0-terminated IANA ids as Mbed TLS ints */
    const mbedtls_ecp_group_id *groups; /* MBEDTLS_ECP_DP_NONE-terminated */
    int min_minor;             /* MBEDTLS_SSL_MINOR_VERSION_x; default 3 */
    int max_minor;
    const char **alpn;         /* NULL-terminated, or NULL */
    mbedtls_x509_crt *client_cert;  /* optional client authentication */
    mbedtls_pk_context *client_key;
    int debug_level;           /* 0 (off) .. 4 (everything) */
    iotls_debug_fn debug_fn;
    void *debug_ctx;
    const int *sig_hashes;     /* MBEDTLS_MD_*, MBEDTLS_MD_NONE-terminated; NULL:
                                  SHA-256, SHA-384, SHA-512 (added for the probe) */
    uint32_t connect_total_ms; /* bound on all of iotls_conn_connect(): DNS, TCP
                                  and handshake together; 0: none (default) */
} iotls_conf;

/* Timings of the last connect, in ms since iotls_conn_connect() began. */
typedef struct iotls_timings {
    uint32_t dns_ms;        /* resolution done (0 for an IP literal) */
    uint32_t connect_ms;    /* TCP established */
    uint32_t handshake_ms;  /* handshake and verification done */
    uint32_t first_byte_ms; /* first application byte read; 0 until then */
} iotls_timings;

typedef struct iotls_conn {
    const iotls_conf *conf;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config ssl_conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    iotls_port_sock *sock;
    int state;                 /* private: see src/conn.c */
    uint64_t t0_ms;            /* iotls_port_now_ms() at connect start */
    uint32_t alloc_fail_base;  /* private: iotls_port_alloc_failures() at setup */
    uint64_t deadline_ms;      /* current I/O deadline, 0 = none */
    uint8_t is_ip;             /* host is an IP literal */
    iotls_addr ip;             /* the literal, when is_ip */
    int last_port_rc;          /* last IOTLS_PORT_* result, for classification */
    int last_sys_err;
    iotls_timings timings;
    iotls_error err;           /* sticky; also holds the wire evidence */
    void *priv;                /* private: record tap, kept peer chain (src/conn.c) */
} iotls_conn;

/* ---- configuration ---- */

/* Secure defaults (see above). Cannot fail. */
void iotls_conf_init(iotls_conf *conf);
void iotls_conf_set_trust(iotls_conf *conf, iotls_trust *trust);
/* Send `name` as SNI and check the certificate against it instead of the
 * host dialed: a deliberate override, so any printable text up to
 * IOTLS_MAX_HOSTNAME is taken as given (the vendor example's "mbed TLS
 * Server 1" included). IOTLS_ERR_HOSTNAME if empty, too long or not
 * printable ASCII. */
int iotls_conf_set_server_name(iotls_conf *conf, const char *name);
/* Send no SNI; the certificate is still checked against the host dialed. */
void iotls_conf_disable_sni(iotls_conf *conf);
/* Dial this IP literal instead of resolving the host (like curl --resolve);
 * SNI and the name check still use the host. IOTLS_ERR_USAGE if not an IP. */
int iotls_conf_set_connect_address(iotls_conf *conf, const char *ip);
/* 0 keeps the current value. */
void iotls_conf_set_timeouts(iotls_conf *conf, uint32_t connect_ms, uint32_t handshake_ms,
                             uint32_t read_ms, uint32_t write_ms);
/* Bound the whole of iotls_conn_connect() (DNS + TCP + handshake), on top
 * of the per-phase timeouts, e.g. for curl's --max-time. 0: no bound. The
 * phase that runs out reports its own timeout. */
void iotls_conf_set_connect_total(iotls_conf *conf, uint32_t total_ms);
void iotls_conf_set_ciphersuites(iotls_conf *conf, const int *suites);
void iotls_conf_set_groups(iotls_conf *conf, const mbedtls_ecp_group_id *groups);
void iotls_conf_set_versions(iotls_conf *conf, int min_minor, int max_minor);
void iotls_conf_set_alpn(iotls_conf *conf, const char **protos);
void iotls_conf_set_client_cert(iotls_conf *conf, mbedtls_x509_crt *cert, mbedtls_pk_context *key);
/* The hashes offered in signature_algorithms (MBEDTLS_MD_NONE-terminated;
 * NULL: the default, SHA-256 or better). Widening it to SHA-1 is for
 * diagnosis (iotls diagnose); the list must outlive the connection. */
void iotls_conf_set_sig_hashes(iotls_conf *conf, const int *hashes);
void iotls_conf_set_debug(iotls_conf *conf, int level, iotls_debug_fn fn, void *ctx);

/* The defaults, for reports: 0-terminated / NONE-terminated lists. */
const int *iotls_default_ciphersuites(void);
const mbedtls_ecp_group_id *iotls_default_groups(void);

/* ---- connection ---- */

void iotls_conn_init(iotls_conn *c);                       /* cannot fail */
int iotls_conn_setup(iotls_conn *c, const iotls_conf *conf);
/* DNS, TCP, handshake and verification. host: a DNS name or an IP literal
 * (IPv6 without brackets). */
int iotls_conn_connect(iotls_conn *c, const char *host, uint16_t port);
/* > 0: bytes read; 0: the peer closed with close_notify; < 0: iotls_err. */
int iotls_conn_read(iotls_conn *c, unsigned char *buf, size_t len);
/* Writes all len bytes or fails: returns len or < 0. */
int iotls_conn_write(iotls_conn *c, const unsigned char *buf, size_t len);
/* Sends close_notify and closes the socket. */
int iotls_conn_close(iotls_conn *c);
void iotls_conn_free(iotls_conn *c);

/* The sticky error (code IOTLS_OK if none). Never NULL. */
const iotls_error *iotls_conn_error(const iotls_conn *c);

/* What was negotiated; valid after a successful connect. */
const char *iotls_conn_version(const iotls_conn *c);      /* "TLSv1.2" */
const char *iotls_conn_ciphersuite(const iotls_conn *c);  /* Mbed TLS name */
uint16_t iotls_conn_group(const iotls_conn *c);           /* IANA group id, 0 unknown */
const char *iotls_conn_alpn(const iotls_conn *c);         /* NULL if none */
const char *iotls_conn_sni(const iotls_conn *c);          /* SNI sent, NULL if none */
const char *iotls_conn_verify_name(const iotls_conn *c);  /* name checked */
const mbedtls_x509_crt *iotls_conn_peer_chain(const iotls_conn *c);
uint32_t iotls_conn_verify_result(const iotls_conn *c);
const iotls_timings *iotls_conn_timings(const iotls_conn *c);

/* ---- names of wire values, for reports ---- */
const char *iotls_group_name(uint16_t iana_id);          /* "x25519", "secp256r1" */
const char *iotls_suite_name(uint16_t iana_id);          /* Mbed TLS name or "0xc02b" style NULL */
const char *iotls_version_name(uint16_t wire_version);   /* "TLSv1.2" */

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_CONN_H */
