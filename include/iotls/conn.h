/*
 * iotls connections: TLS 1.3 and 1.2 clients that connect right by default.
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
 *  - TLS 1.3 and 1.2 offered, 1.3 preferred (middlebox compatibility on).
 *    TLS 1.3 suites AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305; TLS 1.2
 *    ECDHE with AES-GCM or ChaCha20-Poly1305; ECDSA or RSA certificates;
 *    groups x25519, secp256r1, secp384r1 in that order; signature schemes
 *    ECDSA, RSA PKCS#1 then RSA-PSS (PKCS#1 first: see src/conn/pss_retry.c),
 *    SHA-256 or better.
 *  - Every list is IANA code points (uint16_t), every version an
 *    iotls_version: no Mbed TLS type or header in this API. Experts reach
 *    the engine through iotls_conn_mbedtls_ssl().
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

#include "iotls/config.h"
#include "iotls/error.h"
#include "iotls/port.h"
#include "iotls/tlsopt.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives one line of Mbed TLS debug output, already formatted for a human
 * (no trailing newline). */
typedef void (*iotls_debug_fn)(void *ctx, int level, const char *line);

/* Protocol versions, as their wire values. */
typedef enum iotls_version {
    IOTLS_TLS_1_0 = 0x0301, /* never negotiated; named in evidence */
    IOTLS_TLS_1_1 = 0x0302, /* never negotiated; named in evidence */
    IOTLS_TLS_1_2 = 0x0303,
    IOTLS_TLS_1_3 = 0x0304
} iotls_version;

/* A client certificate with its chain and private key (see cred.h). */
#ifndef IOTLS_CRED_TYPEDEF /* also in cred.h/conn.h: C99 allows one typedef */
#define IOTLS_CRED_TYPEDEF
typedef struct iotls_cred iotls_cred;
#endif

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
    const uint16_t *ciphersuites; /* IANA suite ids, 0-terminated, TLS 1.3 and
                                     1.2 in one list; NULL: the defaults */
    const uint16_t *groups;    /* IANA NamedGroup ids, 0-terminated; NULL: defaults */
    const uint16_t *sig_algs;  /* IANA SignatureScheme ids, 0-terminated; NULL:
                                  defaults (SHA-256 or better) */
    iotls_version min_version; /* default IOTLS_TLS_1_2 */
    iotls_version max_version; /* default IOTLS_TLS_1_3 */
    const char **alpn;         /* NULL-terminated, or NULL */
    const struct iotls_cred *client;  /* optional client authentication */
    int debug_level;           /* 0 (off) .. 4 (everything) */
    iotls_debug_fn debug_fn;
    void *debug_ctx;
    uint32_t connect_total_ms; /* bound on all of iotls_conn_connect(): DNS, TCP
                                  and handshake together; 0: none (default) */
    const uint8_t *bundle;     /* device root bundle (bundle.h), checked by
                                  iotls_conf_set_bundle(); NULL: none */
    size_t bundle_len;
    const void *bundle_ops;    /* private: set by iotls_conf_set_bundle() */
    const uint8_t *session;    /* blob offered for resumption (session.h,
                                  iotls_conf_set_session()); NULL: none */
    size_t session_len;
    uint8_t session_cache_off; /* 1: no in-process session cache (session.h) */
    iotls_tlsopt opt;          /* key log, pins, PSK, max_fragment_length:
                                  set through tlsopt.h */
} iotls_conf;

/* Timings of the last connect, in ms since iotls_conn_connect() began. */
typedef struct iotls_timings {
    uint32_t dns_ms;        /* resolution done (0 for an IP literal) */
    uint32_t connect_ms;    /* TCP established */
    uint32_t handshake_ms;  /* handshake and verification done */
    uint32_t first_byte_ms; /* first application byte read; 0 until then */
} iotls_timings;

/* The Mbed TLS contexts of a connection: private, allocated by
 * iotls_conn_setup() (src/conn/engine.h). */
typedef struct iotls_engine iotls_engine;

typedef struct iotls_conn {
    const iotls_conf *conf;
    iotls_engine *eng;         /* private: SSL context, config, RNG */
    iotls_port_sock *sock;
    int state;                 /* private: see src/conn/conn.c */
    uint64_t t0_ms;            /* iotls_port_now_ms() at connect start */
    uint32_t alloc_fail_base;  /* private: iotls_port_alloc_failures() at setup */
    uint64_t deadline_ms;      /* current I/O deadline, 0 = none */
    uint8_t is_ip;             /* host is an IP literal */
    iotls_addr ip;             /* the literal, when is_ip */
    int last_port_rc;          /* last IOTLS_PORT_* result, for classification */
    int last_sys_err;
    iotls_timings timings;
    iotls_error err;           /* sticky; also holds the wire evidence */
    void *priv;                /* private: record tap, kept peer chain (src/conn/conn.c) */
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
/*
 * Lists are IANA code points, 0-terminated, and must outlive the
 * connections (they are not copied). NULL restores the default. Suites
 * take TLS 1.3 ids (0x1301..) and TLS 1.2 ids (0xc02b..) in one list, in
 * order of preference. Returns IOTLS_OK, or IOTLS_ERR_USAGE when the list
 * is empty or names something this build does not implement (then nothing
 * is changed).
 */
int iotls_conf_set_ciphersuites(iotls_conf *conf, const uint16_t *suites);
int iotls_conf_set_groups(iotls_conf *conf, const uint16_t *groups);
/* signature_algorithms. Widening it to SHA-1 schemes is for diagnosis
 * (iotls diagnose). */
int iotls_conf_set_sig_algs(iotls_conf *conf, const uint16_t *sig_algs);
/* Versions offered: min..max. IOTLS_ERR_USAGE when min > max or either is
 * not TLS 1.2 or 1.3 (TLS 1.0/1.1 are never offered). */
int iotls_conf_set_versions(iotls_conf *conf, iotls_version min, iotls_version max);
void iotls_conf_set_alpn(iotls_conf *conf, const char **protos);
/* Present this certificate when the server asks; NULL: none. */
void iotls_conf_set_client_cred(iotls_conf *conf, const struct iotls_cred *cred);
void iotls_conf_set_debug(iotls_conf *conf, int level, iotls_debug_fn fn, void *ctx);

/* The defaults and what this build implements, for reports and option
 * parsing: 0-terminated IANA lists. */
const uint16_t *iotls_default_ciphersuites(void);
const uint16_t *iotls_default_groups(void);
const uint16_t *iotls_default_sig_algs(void);
const uint16_t *iotls_supported_ciphersuites(void);
const uint16_t *iotls_supported_groups(void);

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
const char *iotls_conn_version(const iotls_conn *c);      /* "TLSv1.3" */
iotls_version iotls_conn_version_id(const iotls_conn *c); /* 0 before a handshake */
const char *iotls_conn_ciphersuite(const iotls_conn *c);  /* IANA name, e.g.
                                                             "TLS_AES_128_GCM_SHA256" */
uint16_t iotls_conn_ciphersuite_id(const iotls_conn *c);  /* IANA id, 0 unknown */
uint16_t iotls_conn_group(const iotls_conn *c);           /* IANA group id, 0 unknown */
uint16_t iotls_conn_sig_alg(const iotls_conn *c);         /* IANA SignatureScheme the
                                                             server signed with, 0 unknown */
const char *iotls_conn_alpn(const iotls_conn *c);         /* NULL if none */
const char *iotls_conn_sni(const iotls_conn *c);          /* SNI sent, NULL if none */
const char *iotls_conn_verify_name(const iotls_conn *c);  /* name checked */
/* The certificates the server sent, leaf first (kept after a failed
 * verification too): the i-th one's DER and its length, or NULL past the
 * end. */
const unsigned char *iotls_conn_peer_cert(const iotls_conn *c, size_t i, size_t *der_len);
uint32_t iotls_conn_verify_result(const iotls_conn *c);
/* The certificate the server's chain was verified up to (the trusted root,
 * or a trusted certificate the server sent itself), after a successful
 * handshake: its subject DN as text into subject[len] (cut to fit, always
 * NUL-terminated when len > 0) and the size of its DER in *der_len; both
 * may be NULL. The certificate a device must hold to trust this server.
 * Returns 1 when it is a root (self-issued), 2 when it is a trusted
 * certificate that is not (an intermediate in the trust store), 0 when
 * there is none (no handshake yet, or it failed). */
int iotls_conn_anchor(const iotls_conn *c, char *subject, size_t len, size_t *der_len);
const iotls_timings *iotls_conn_timings(const iotls_conn *c);

/* For experts: the underlying mbedtls_ssl_context (Mbed TLS 3.6), NULL
 * before iotls_conn_setup(). Cast it after including "mbedtls/ssl.h";
 * changing its configuration voids iotls's defaults and diagnosis. */
void *iotls_conn_mbedtls_ssl(iotls_conn *c);

/* ---- names of wire values, for reports ---- */
const char *iotls_group_name(uint16_t iana_id);          /* "x25519", "secp256r1"; NULL unknown */
const char *iotls_suite_name(uint16_t iana_id);          /* IANA name; NULL unknown */
const char *iotls_sig_alg_name(uint16_t iana_id);        /* "ecdsa_secp256r1_sha256"; NULL unknown */
const char *iotls_version_name(uint16_t wire_version);   /* "TLSv1.2" */
/* Reverse lookups for option parsing: IANA or OpenSSL spelling of a suite
 * ("TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"), group
 * ("x25519", "P-256", "prime256v1", "secp256r1"). 0 when unknown. */
uint16_t iotls_suite_from_name(const char *name);
uint16_t iotls_group_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_CONN_H */
