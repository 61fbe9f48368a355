/*
 * Diagnosis, bottom layer (evidence.c): the context the rules share, the
 * appenders that write evidence, and the facts read off an iotls_error.
 * The diagnosis goes one way: rules (rules.h) -> conclusion and fix text
 * (fix.h) -> evidence (this file). Nothing here knows a cause's fix.
 */
#ifndef IOTLS_DIAG_EVIDENCE_H
#define IOTLS_DIAG_EVIDENCE_H

#include <stdarg.h>

#include "iotls/diagnose.h"

struct mbedtls_x509_crt;

typedef struct iotls_diag_ctx {
    const iotls_error *e;
    const iotls_diag_input *in;
    iotls_diagnosis *d;
    const char *host; /* the host dialed */
    const char *sni;  /* SNI on the wire, NULL if none was sent */
    int host_is_ip;
    /* Offline verification (iotls verify): the chain checked, which stands
     * in for the connection's peer chain; no connection, no SNI, and the
     * time is the one asked for, not a clock. */
    const struct mbedtls_x509_crt *chain;
    int offline;
} iotls_diag_ctx;

#if defined(__GNUC__)
#define IOTLS_DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IOTLS_DIAG_PRINTF(a, b)
#endif

/* Appenders: silently drop what does not fit (counted lines, cut text).
 * Without IOTLS_DIAG_TEXT they keep a candidate's cause and drop the words,
 * so the format strings and their arguments' formatting vanish from the
 * image. */
void iotls_diag_add_candidate_id(iotls_diag_ctx *x, iotls_cause c);
#if IOTLS_DIAG_TEXT
void iotls_diag_add_evidence(iotls_diag_ctx *x, const char *fmt, ...) IOTLS_DIAG_PRINTF(2, 3);
void iotls_diag_add_note(iotls_diag_ctx *x, const char *fmt, ...) IOTLS_DIAG_PRINTF(2, 3);
void iotls_diag_add_candidate(iotls_diag_ctx *x, iotls_cause c, const char *fmt, ...)
    IOTLS_DIAG_PRINTF(3, 4);
void iotls_diag_summary(iotls_diag_ctx *x, const char *fmt, ...) IOTLS_DIAG_PRINTF(2, 3);
#else
/* Takes the words and drops them: the arguments count as used (no
 * warnings in rules that compute them), and the optimizer removes the
 * strings along with the call. */
static inline void iotls_diag_drop(iotls_diag_ctx *x, const char *fmt, ...)
{
    (void)x;
    (void)fmt;
}
#define iotls_diag_add_evidence iotls_diag_drop
#define iotls_diag_add_note iotls_diag_drop
#define iotls_diag_add_candidate(x, c, ...) \
    (iotls_diag_add_candidate_id((x), (c)), iotls_diag_drop((x), __VA_ARGS__))
#define iotls_diag_summary iotls_diag_drop
#endif

/* Room for the pieces a rule puts together before writing a line; kept
 * apart from IOTLS_DIAG_LINE, which is 1 when there are no words. */
#define IOTLS_DIAG_SCRATCH 240

/* Shared facts. */
int iotls_diag_streq_nocase(const char *a, const char *b);
int iotls_diag_sni_differs(const iotls_diag_ctx *x); /* SNI sent != host */
int iotls_diag_mbedtls_alloc(int mbedtls_code);
/* 1 if the wall clock is obviously wrong (unset, or before the build). */
int iotls_diag_clock_bad(const iotls_diag_ctx *x);



/* What the ClientHello offered, judged against what servers accept. */
typedef struct iotls_diag_offer {
    int known;            /* a ClientHello was seen */
    int modern_ecdsa;     /* ECDHE/TLS1.3 AEAD suites usable with ECDSA certs */
    int modern_rsa;       /* same, RSA certs */
    int legacy;           /* static ECDH, PSK, RSA key transport, CBC, ... */
    int narrow_suites;    /* no modern suite, or for one certificate type only */
    int has_common_group; /* x25519 or secp256r1 offered (or no ext: default) */
    int single_group;
    int sig_rsa, sig_ecdsa; /* signature schemes for each key type offered */
    int old_version;        /* best version offered below TLS 1.2 */
} iotls_diag_offer;

void iotls_diag_offer_judge(const iotls_error *e, iotls_diag_offer *o);
/* 1 when the ClientHello offered TLS 1.3 and TLS 1.2, and the server closed
 * before answering anything: what a server intolerant of TLS 1.3
 * ClientHellos does (RFC 8446 appendix D). */
int iotls_diag_maybe_tls13_intolerant(const iotls_error *e);

const char *iotls_diag_hs_label(uint8_t type); /* handshake message type */

/* Text pieces: "2026-11-27 10:04:51 UTC" from seconds since 1970; names
 * of IANA ids (never NULL: hex when the library has no name); a
 * comma-separated list of them. Empty strings without IOTLS_DIAG_TEXT. */
#if IOTLS_DIAG_TEXT
void iotls_diag_time_text(int64_t t, char *buf, size_t len);
const char *iotls_diag_suite_text(uint16_t id, char *buf, size_t len);
const char *iotls_diag_group_text(uint16_t id, char *buf, size_t len);
void iotls_diag_list_text(const uint16_t *ids, size_t n, size_t total,
                          const char *(*name)(uint16_t, char *, size_t), char *buf, size_t len);
#else
static inline void iotls_diag_time_text(int64_t t, char *buf, size_t len)
{
    (void)t;
    if (len > 0)
        buf[0] = '\0';
}
static inline const char *iotls_diag_no_text(uint16_t id, char *buf, size_t len)
{
    (void)id;
    if (len > 0)
        buf[0] = '\0';
    return buf;
}
#define iotls_diag_suite_text iotls_diag_no_text
#define iotls_diag_group_text iotls_diag_no_text
static inline void iotls_diag_list_text(const uint16_t *ids, size_t n, size_t total,
                                        const char *(*name)(uint16_t, char *, size_t), char *buf,
                                        size_t len)
{
    (void)ids; (void)n; (void)total; (void)name;
    if (len > 0)
        buf[0] = '\0';
}
#endif

#endif /* IOTLS_DIAG_EVIDENCE_H */
