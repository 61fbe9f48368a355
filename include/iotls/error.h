/*
 * iotls errors: data, not strings.
 *
 * A failure is one iotls_error: the stage it happened in, a stable code, and
 * the evidence (Mbed TLS code, alerts, verify flags, errno, what was on the
 * wire). Text is produced from that data in one place, iotls_error_format().
 * The error is sticky in a connection: once set, every later call on that
 * connection returns the same code until iotls_conn_free().
 */
#ifndef IOTLS_ERROR_H
#define IOTLS_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where in the life of a connection a failure happened. Stable numbers. */
typedef enum iotls_stage {
    IOTLS_STAGE_NONE = 0,
    IOTLS_STAGE_SETUP = 1,     /* configuration, trust store, RNG seeding */
    IOTLS_STAGE_DNS = 2,
    IOTLS_STAGE_CONNECT = 3,   /* TCP */
    IOTLS_STAGE_HANDSHAKE = 4,
    IOTLS_STAGE_VERIFY = 5,    /* certificate chain or name rejected */
    IOTLS_STAGE_READ = 6,
    IOTLS_STAGE_WRITE = 7,
    IOTLS_STAGE_CLOSE = 8
} iotls_stage;

/*
 * Error codes. Negative, as in Mbed TLS, so that read/write can return a
 * byte count or an error. NEVER renumbered: a retired code keeps its number
 * and a new code takes a new one.
 */
typedef enum iotls_err {
    IOTLS_OK = 0,

    /* setup */
    IOTLS_ERR_USAGE = -1,            /* API misuse or bad argument */
    IOTLS_ERR_ALLOC = -2,            /* out of memory */
    IOTLS_ERR_ENTROPY = -3,          /* RNG could not be seeded */
    IOTLS_ERR_HOSTNAME = -4,         /* host name empty, too long or malformed */
    IOTLS_ERR_TRUST_EMPTY = -5,      /* no usable trusted certificate */
    IOTLS_ERR_TRUST_READ = -6,       /* trust file or directory unreadable */
    IOTLS_ERR_CONFIG = -7,           /* Mbed TLS refused the configuration */
    IOTLS_ERR_CRED_CERT = -8,        /* client certificate does not parse */
    IOTLS_ERR_CRED_KEY = -9,         /* client key does not parse */
    IOTLS_ERR_CRED_MISMATCH = -12,   /* client key does not belong to its certificate */
    IOTLS_ERR_CRED_PASSWORD = -13,   /* client key: wrong or missing password */
    IOTLS_ERR_BUNDLE = -14,          /* device root bundle malformed (bundle.h) */
    IOTLS_ERR_CRL = -15,             /* a CRL could not be read (iotls_trust_add_crl) */

    /* dns */
    IOTLS_ERR_DNS = -10,             /* name does not resolve */
    IOTLS_ERR_DNS_TIMEOUT = -11,

    /* connect */
    IOTLS_ERR_CONNECT_REFUSED = -20,
    IOTLS_ERR_CONNECT_TIMEOUT = -21,
    IOTLS_ERR_CONNECT = -22,         /* other (unreachable, ...); see sys_errno */

    /* handshake */
    IOTLS_ERR_HANDSHAKE_TIMEOUT = -30,
    IOTLS_ERR_ALERT_RECEIVED = -31,  /* peer sent a fatal alert; see alert_received */
    IOTLS_ERR_PEER_CLOSED = -32,     /* EOF before the handshake finished */
    IOTLS_ERR_RESET = -33,           /* connection reset by peer */
    IOTLS_ERR_NOT_TLS = -34,         /* peer does not speak TLS; see wire.first_bytes */
    IOTLS_ERR_PROTOCOL_VERSION = -35,/* no common TLS version */
    IOTLS_ERR_HANDSHAKE = -36,       /* other handshake failure; see mbedtls_code */
    IOTLS_ERR_RECORD_TOO_LARGE = -37,/* record larger than the input buffer */

    /* verify */
    IOTLS_ERR_VERIFY = -40,          /* chain or name rejected; see verify_flags */
    IOTLS_ERR_CHAIN_INPUT = -41,     /* iotls_verify_chain(): no certificate could be
                                        read from the chain given; see mbedtls_code */
    IOTLS_ERR_PIN_MISMATCH = -42,    /* the chain verified, but the server's key is
                                        not one of the pins (tlsopt.h); see detail */

    /* read */
    IOTLS_ERR_READ_TIMEOUT = -50,
    IOTLS_ERR_TRUNCATED = -51,       /* peer closed without close_notify */
    IOTLS_ERR_READ = -52,            /* other read failure */

    /* write */
    IOTLS_ERR_WRITE_TIMEOUT = -60,
    IOTLS_ERR_WRITE = -61,

    /* close */
    IOTLS_ERR_CLOSE = -70,

    /* state */
    IOTLS_ERR_NOT_CONNECTED = -80    /* read/write before connect, or after close */
} iotls_err;

/* Verify flags iotls adds to Mbed TLS's MBEDTLS_X509_BADCERT_* bits; they sit
 * in bits Mbed TLS 3.6 does not use. */
#define IOTLS_BADCERT_IP_MISMATCH 0x40000000u /* dialed IP not in iPAddress SANs */

/* TLS alert descriptions that matter here (RFC 8446 section 6, RFC 5246). */
#define IOTLS_ALERT_NONE (-1)

/* One hello as seen on the wire (ClientHello sent, or ServerHello received). */
typedef struct iotls_hello {
    uint16_t version;                           /* legacy_version, e.g. 0x0303 */
    uint16_t suites[IOTLS_EV_MAX_SUITES];       /* ServerHello: the chosen one */
    uint8_t n_suites;                           /* kept */
    uint16_t total_suites;                      /* offered in all */
    uint16_t groups[IOTLS_EV_MAX_GROUPS];       /* supported_groups ext */
    uint8_t n_groups;
    uint16_t sig_algs[IOTLS_EV_MAX_SIGALGS];    /* signature_algorithms ext */
    uint8_t n_sig_algs;
    uint16_t exts[IOTLS_EV_MAX_EXTS];           /* extension types, in order */
    uint8_t n_exts;
    uint16_t versions[4];                       /* supported_versions ext */
    uint8_t n_versions;
    uint8_t has_sni;
    char sni[IOTLS_MAX_HOSTNAME + 1];           /* server_name, "" if none */
} iotls_hello;

/*
 * What the wire showed, collected always by the library's record tap (it sees
 * every byte in both directions; it parses only the plaintext records of the
 * handshake). Cheap enough for release builds.
 */
typedef struct iotls_wire {
    uint8_t client_hello_seen;
    iotls_hello client_hello;
    uint8_t server_hello_seen;
    iotls_hello server_hello;
    uint16_t ske_group;            /* named group in ServerKeyExchange, 0 none */
    uint8_t cert_request_seen;     /* server asked for a client certificate */
    uint8_t hs_msgs[IOTLS_EV_MAX_HS_MSGS]; /* handshake types received, in order */
    uint8_t n_hs_msgs;
    uint32_t bytes_sent;
    uint32_t bytes_received;
    uint32_t records_received;
    uint32_t max_record_len;       /* largest record length field received */
    uint8_t first_bytes[IOTLS_EV_FIRST_BYTES]; /* first bytes the peer sent; when
                                      they are not TLS the library waits a
                                      little for more (up to 300 ms) so a
                                      banner or HTTP status line is whole */
    uint8_t n_first_bytes;
    uint8_t not_tls;               /* first bytes are not a TLS record header */
    int16_t alert_received_level;  /* -1 none; from plaintext or decrypted */
    int16_t alert_received;        /* description, IOTLS_ALERT_NONE if none */
    int16_t alert_sent_level;
    int16_t alert_sent;
    /* Added in phase 2 of the diagnosis (after the fields above, which keep
     * their places). */
    uint16_t alert_received_version; /* record version of the alert's record
                                        (0x0301: the server settled on TLS 1.0),
                                        0 if no alert record was received */
    uint8_t sni_acked;             /* the ServerHello carried an (empty)
                                      server_name extension: the server used
                                      our SNI (RFC 6066 section 3) */
    uint8_t client_cert_msg_sent;  /* we sent a Certificate message */
    uint8_t client_certs_sent;     /* certificates in it: 0 = empty (no
                                      client certificate configured) */
    uint8_t cert_verify_sent;      /* we sent a CertificateVerify (proof that
                                      we hold the client key) */
    uint16_t ske_sig_alg;          /* TLS 1.2 ECDHE ServerKeyExchange: the
                                      signature scheme the server signed with
                                      (0x0201 rsa_pkcs1_sha1 ...), 0 unknown */
    /* Added for TLS 1.3 (Mbed TLS 3.6). After a TLS 1.3 ServerHello every
     * record is encrypted (application_data): the tap counts, never parses. */
    uint16_t ch_key_shares[4];     /* ClientHello key_share: groups with a share */
    uint8_t n_ch_key_shares;
    uint16_t sh_version;           /* version the server chose: supported_versions,
                                      else legacy_version; 0 no ServerHello */
    uint16_t sh_key_share;         /* TLS 1.3 ServerHello key_share group, 0 none */
    uint8_t hrr_seen;              /* a HelloRetryRequest was received */
    uint16_t hrr_group;            /* the group it asked for, 0 none */
    uint8_t tls12_pss_retry;       /* a TLS 1.2 server signed with RSA-PSS, which
                                      Mbed TLS 3.6.6 refuses in TLS 1.2 although
                                      it offers it for TLS 1.3: the connection was
                                      made again offering TLS 1.2 only (these
                                      fields describe that second attempt) */
    /* Added for the client certificate causes (issue 12): the CAs the
     * CertificateRequest named (TLS 1.2: its certificate_authorities list,
     * in the clear, maybe empty; TLS 1.3: the certificate_authorities
     * extension, optional, read after decryption), each kept as the 32-bit
     * FNV-1a hash of its DER Name (iotls_wire_name_hash()) to compare with
     * the issuers of the client's own chain. */
    uint8_t cr_cas_seen;           /* 1: the list was read whole, 2: in part
                                      (longer than the bytes the tap keeps),
                                      0: none was sent or read */
    uint8_t cr_n_cas;              /* names read (at most 255) */
    uint8_t cr_n_ca_hashes;        /* of them hashed, in order */
    uint32_t cr_ca_hashes[IOTLS_EV_MAX_CR_CAS];
} iotls_wire;

typedef struct iotls_error {
    iotls_err code;
    iotls_stage stage;
    int mbedtls_code;             /* negative Mbed TLS error, 0 if none */
    int sys_errno;                /* the port's system error, 0 if none */
    uint32_t verify_flags;        /* MBEDTLS_X509_BADCERT_* | IOTLS_BADCERT_* */
    uint32_t elapsed_ms;          /* from the start of connect to the failure */
    int64_t wall_time;            /* local clock at failure, s since 1970; -1 unknown */
    char host[IOTLS_MAX_HOSTNAME + 1]; /* as dialed */
    uint16_t port;
    char addr[48];                /* address connected to (text), "" if none */
    uint8_t sni_sent;             /* 1 if a server_name extension was sent */
    char sni[IOTLS_MAX_HOSTNAME + 1];         /* SNI sent, "" if none */
    char verify_name[IOTLS_MAX_HOSTNAME + 1]; /* name checked against the cert */
    char detail[160];             /* one extra fact, e.g. a file path */
    uint32_t in_content_len;      /* Mbed TLS input record buffer size */
    uint32_t out_content_len;
    uint32_t alloc_failures;      /* allocations refused during the attempt */
    iotls_wire wire;
    /* Added in phase 2 of the diagnosis. */
    uint8_t is_ip;                /* host was an IP literal (no SNI is sent for it) */
    int resolver_code;            /* stage dns: the resolver's own code, negative
                                     (POSIX: getaddrinfo's EAI_*, e.g. -2
                                     EAI_NONAME on glibc; LwIP: the err_t);
                                     0 if none. sys_errno then holds errno only
                                     for a system failure (EAI_SYSTEM). */
} iotls_error;

/* Resets *e to "no error" (every alert -1, wall_time -1). */
void iotls_error_init(iotls_error *e);

/* Short stable identifiers: "alert_received", "handshake", "handshake_failure". */
const char *iotls_err_name(int code);
const char *iotls_stage_name(iotls_stage stage);
/* Name of a TLS alert description (RFC 8446 / 5246), "unknown_alert" if unknown. */
const char *iotls_alert_name(int description);

/*
 * Writes the names of the set bits of verify_flags into buf as a
 * comma-separated list ("expired,not_trusted"). Returns the length written
 * (as snprintf: may exceed len - 1 when truncated).
 */
int iotls_verify_flags_names(uint32_t flags, char *buf, size_t len);

/*
 * The one place text is made from an error: a single line that says what
 * happened, with the codes (e.g. "handshake: server sent fatal alert 40
 * (handshake_failure) after ClientHello with SNI \"mbed TLS Server 1\"").
 * Returns as snprintf does.
 */
int iotls_error_format(const iotls_error *e, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_ERROR_H */
