/*
 * iotls internals shared by the files of src/. Nothing here is part of the
 * public API; the ports use only the public headers.
 */
#ifndef IOTLS_INTERNAL_H
#define IOTLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/iotls.h"

/* Connection states (iotls_conn.state). */
enum {
    CONN_INIT = 0,      /* iotls_conn_init() done */
    CONN_READY = 1,     /* iotls_conn_setup() done */
    CONN_OPEN = 2,      /* handshake finished */
    CONN_CLOSED = 3,    /* iotls_conn_close() done */
    CONN_FAILED = 4,    /* sticky error set */
    CONN_PEER_CLOSED = 5 /* open, and the peer sent close_notify */
};

/* iotls_conn.last_port_rc when no port call has failed (IOTLS_PORT_EOF is 0,
 * so 0 cannot mean "nothing yet"). */
#define IOTLS_PORT_RC_NONE 1

/* ---- record tap (wiretap.c) ---- */

#define IOTLS_TAP_OUT 0 /* bytes we sent */
#define IOTLS_TAP_IN 1  /* bytes the peer sent */

typedef struct iotls_tap iotls_tap;

/* Allocated by iotls_conn_setup() through the port allocator. */
iotls_tap *iotls_tap_new(iotls_wire *wire);
void iotls_tap_delete(iotls_tap *tap);
/* Starts over for a new connection (keeps the wire pointer). */
void iotls_tap_reset(iotls_tap *tap);
/* Feeds bytes that crossed the socket in one direction. */
void iotls_tap_feed(iotls_tap *tap, int dir, const unsigned char *buf, size_t len);
/* 1 once that direction is encrypted (TLS 1.2: after its ChangeCipherSpec;
 * TLS 1.3: from its first application_data record). */
int iotls_tap_encrypted(const iotls_tap *tap, int dir);
/* 1 if the record that exceeded the input buffer was plaintext. */
uint32_t iotls_tap_max_plain_len(const iotls_tap *tap);

struct mbedtls_x509_crt;

/* What a connection keeps besides the public struct (iotls_conn.priv). */
typedef struct iotls_conn_priv {
    iotls_tap *tap;
    /* Mbed TLS frees the server's chain when verification fails; reports
     * want it most then, so the verify callback keeps a copy (only on
     * failure: no cost on success). */
    struct mbedtls_x509_crt *failed_chain; /* allocated on failure only */
    uint8_t chain_kept;
    uint32_t flags_seen;  /* verify flags of every depth so far */
    /* The trust anchor of the verified chain (verify.c): the certificate
     * at the highest depth, named once depth 0 passed with no flag. */
    const struct mbedtls_x509_crt *verify_top; /* valid during verification only */
    const struct mbedtls_x509_crt *verify_parent; /* the previous call's certificate:
                                                     the issuer of the next (CRLs) */
    uint8_t verify_in_chain;   /* a verification is under way (depth 0 not yet seen) */
    uint32_t anchor_der_len;   /* 0: no anchor recorded */
    uint8_t anchor_is_root;    /* the anchor is self-issued */
    char anchor_subject[IOTLS_ANCHOR_SUBJECT_MAX];
    int32_t bundle_anchor; /* 1 + index of the bundled root that anchored the
                              chain (bundle.c), 0: none */
    /* Session resumption (session.c). */
    uint8_t *session;        /* the last resumable session seen, as a blob */
    uint16_t session_len;
    uint8_t session_offered; /* kind offered at the last connect, 0: none */
    uint8_t session_retried; /* the offer failed; dialed again without it */
    uint8_t session_resumed; /* kind resumed by the last handshake, 0: full */
} iotls_conn_priv;

#define IOTLS_PRIV(c) ((iotls_conn_priv *)(c)->priv)
#define IOTLS_TAP(c) ((c)->priv != NULL ? IOTLS_PRIV(c)->tap : (iotls_tap *)0)

/* ---- BIO callbacks (bio.c): socket I/O with deadlines, through the tap ---- */

int iotls_bio_send(void *ctx, const unsigned char *buf, size_t len);
int iotls_bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout);
/* Deadline helpers: c->deadline_ms = now + ms (0 ms: no deadline). */
void iotls_bio_set_deadline(iotls_conn *c, uint32_t ms);
/*
 * The peer is not speaking TLS and Mbed TLS read only a record header (5
 * bytes) of it: read what else it sent, up to IOTLS_EV_FIRST_BYTES in all,
 * waiting at most max_wait_ms (and never past the current deadline), so
 * that the evidence shows the whole "HTTP/1.1 400 Bad Request" or banner.
 */
void iotls_bio_more_first_bytes(iotls_conn *c, uint32_t max_wait_ms);

/*
 * After a failed write: read what the peer sent before it closed (at most
 * a few KB, waiting at most max_wait_ms) into the record tap, so that an
 * alert it sent first is evidence rather than lost behind our EPIPE.
 */
void iotls_bio_drain(iotls_conn *c, uint32_t max_wait_ms);

/* ---- certificate checks (verify.c) ---- */

/* Mbed TLS verify callback, installed on every connection; p is the conn.
 * The host name match is the policy's, iotls_policy_match_dns() (policy.h). */
int iotls_verify_cb(void *p, struct mbedtls_x509_crt *crt, int depth, uint32_t *flags);

/* Bounds every count in w by its array. The tap never exceeds them, but
 * iotls_diagnose() and iotls_error_format() take any iotls_error a caller
 * hands them (wiretap.c). */
void iotls_wire_bound(iotls_wire *w);

/* The last handshake message type received, 0 if none (bounded). */
uint8_t iotls_wire_last_hs_msg(const iotls_wire *w);

/* 32-bit FNV-1a of n bytes: how the wire keeps a CA name (cr_ca_hashes). */
uint32_t iotls_wire_name_hash(const unsigned char *p, size_t n);

/* Reads a CertificateRequest's certificate_authorities (a 2-byte length,
 * then DistinguishedNames of a 2-byte length each) from the n bytes at p,
 * which may be fewer than the list (a kept prefix), into w->cr_*. */
void iotls_wire_ca_list(iotls_wire *w, const unsigned char *p, size_t n);

/* ---- device root bundle (bundle.c) ---- */

struct mbedtls_ssl_config;
struct mbedtls_x509_crt_profile;

/* Called first by iotls_verify_cb() for every certificate: anchors one
 * marked NOT_TRUSTED when a root of conf->bundle signed it. */
void iotls_bundle_verify_hook(iotls_conn *c, struct mbedtls_x509_crt *crt, int depth,
                              uint32_t *flags);
/* With a bundle and no CA configured: the placeholder CA Mbed TLS needs. */
void iotls_bundle_conf_apply(const iotls_conf *conf, struct mbedtls_ssl_config *sc);
/* The hook's work on a checked blob, for any verification: the index of
 * the root that signed crt (NOT_TRUSTED cleared in *flags), or -1. */
int iotls_bundle_anchor_crt(const uint8_t *blob, size_t len, const struct mbedtls_x509_crt *crt,
                            int depth, uint32_t *flags,
                            const struct mbedtls_x509_crt_profile *prof);

/* ---- classification (classify.c): the one place codes are decided ---- */

/* Sets the sticky error with the facts common to every failure and returns
 * its code: the first failure's, or IOTLS_ERR_ALLOC when the port refused
 * an allocation since setup (Mbed TLS reports some as other errors). */
int iotls_fail(iotls_conn *c, iotls_err code, iotls_stage stage, int mbedtls_code,
               int sys_errno);
/* From an Mbed TLS return code in a stage (handshake, read, write, close). */
int iotls_classify(iotls_conn *c, iotls_stage stage, int ret);

/* ---- debug (debug.c) ---- */

void iotls_debug_install(iotls_conn *c);

/* ---- trust (trust.c) ---- */

/* Flags for iotls_trust_add_buffer_ex(). */
#define IOTLS_TRUST_QUIET_EMPTY 1u /* a buffer with no certificate is not an issue */

int iotls_trust_add_buffer_ex(iotls_trust *t, const unsigned char *buf, size_t len,
                              const char *label, unsigned flags);
/* Appends text to t->origin ("; "-separated), truncating safely. */
void iotls_trust_origin_add(iotls_trust *t, const char *what);

/* Room for element n of arr (elements of elem bytes, *cap of them): arr
 * itself while there is room, else a new array of twice the capacity
 * (first when empty) with the n elements copied and arr freed. NULL when
 * out of memory, arr and *cap then unchanged (array.c). */
void *iotls_array_reserve(void *arr, size_t *cap, size_t n, size_t elem, size_t first);

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (x509_util.c). */
int64_t iotls_days_from_civil(int64_t y, int m, int d);

/* ---- small string helpers (names.c) ---- */

/* "Certificate", "ServerHello", ...: RFC 8446 4 / RFC 5246 7.4 names of a
 * handshake message type; NULL for a type iotls does not name. */
const char *iotls_hs_msg_name(uint8_t type);

/* Copies src into dst[size] always NUL-terminated; returns strlen(src). */
size_t iotls_strlcpy(char *dst, const char *src, size_t size);

#endif /* IOTLS_INTERNAL_H */
