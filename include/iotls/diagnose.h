/*
 * iotls diagnosis: from the evidence of a failure to its cause and its fix.
 *
 * iotls_diagnose() reads one iotls_error (stage, codes, verify flags and the
 * wire evidence the library's record tap collected) plus the few facts the
 * error does not hold (iotls_diag_input: the host dialed, the trust store
 * report, the peer chain, the build date, what the user overrode) and names
 * the cause with a stable identifier, a one-line summary, the facts that
 * support it, and the fix twice: for a user of the iotls tool and for device
 * code calling Mbed TLS directly.
 *
 * The rules never name a cause the evidence does not support. When several
 * causes fit, the certainty is IOTLS_DIAG_AMBIGUOUS, `cause` is the first of
 * the ordered candidates and each candidate says why it is where it is.
 * Only an active probe (`iotls diagnose`) can raise a cause to
 * IOTLS_DIAG_CONFIRMED.
 *
 * Everything lives in fixed-size buffers inside iotls_diagnosis: no
 * allocation, usable on a device (the struct is about 7 KB with the default
 * sizes below; shrink them in IOTLS_USER_CONFIG_FILE, keep it static or
 * on a large enough stack).
 */
#ifndef IOTLS_DIAGNOSE_H
#define IOTLS_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"
#include "iotls/error.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes of a diagnosis; override in IOTLS_USER_CONFIG_FILE. */
#ifndef IOTLS_DIAG_MAX_EVIDENCE
#define IOTLS_DIAG_MAX_EVIDENCE 14
#endif
#ifndef IOTLS_DIAG_MAX_CANDIDATES
#define IOTLS_DIAG_MAX_CANDIDATES 6
#endif
#ifndef IOTLS_DIAG_MAX_NOTES
#define IOTLS_DIAG_MAX_NOTES 6
#endif
#ifndef IOTLS_DIAG_LINE
#if IOTLS_DIAG_TEXT
#define IOTLS_DIAG_LINE 240
#else
#define IOTLS_DIAG_LINE 1   /* no words: every line stays "" */
#endif
#endif
#if IOTLS_DIAG_MAX_EVIDENCE < 4 || IOTLS_DIAG_MAX_CANDIDATES < 2 || \
    (IOTLS_DIAG_TEXT && IOTLS_DIAG_LINE < 80)
#error "diagnosis buffers too small to be useful"
#endif

/*
 * Causes. Stable numbers, never renumbered: a retired cause keeps its number,
 * a new one takes the next free number (after IOTLS_CAUSE_UNKNOWN).
 * iotls_cause_name() gives the identifier used in --json and in the name of
 * the page docs/causes/<identifier>.md.
 */
typedef enum iotls_cause {
    IOTLS_CAUSE_NONE = 0, /* no failure: no diagnosis */
    IOTLS_CAUSE_SNI_REJECTED = 1,
    IOTLS_CAUSE_SNI_MISSING = 2,
    IOTLS_CAUSE_NO_SHARED_CIPHER = 3,
    IOTLS_CAUSE_NO_SHARED_GROUP = 4,
    IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM = 5,
    IOTLS_CAUSE_PROTOCOL_VERSION = 6,
    IOTLS_CAUSE_CLIENT_CERT_REQUIRED = 7,
    IOTLS_CAUSE_CLIENT_CERT_REJECTED = 8,
    IOTLS_CAUSE_CERT_EXPIRED = 9,
    IOTLS_CAUSE_CERT_NOT_YET_VALID = 10,
    IOTLS_CAUSE_CLOCK_NOT_SET = 11,
    IOTLS_CAUSE_HOSTNAME_MISMATCH = 12,
    IOTLS_CAUSE_UNKNOWN_CA = 13,
    IOTLS_CAUSE_INCOMPLETE_CHAIN = 14,
    IOTLS_CAUSE_SELF_SIGNED = 15,
    IOTLS_CAUSE_WEAK_SIGNATURE = 16,
    IOTLS_CAUSE_WEAK_KEY = 17,
    IOTLS_CAUSE_WRONG_KEY_USAGE = 18,
    IOTLS_CAUSE_NOT_TLS = 19,
    IOTLS_CAUSE_DNS_FAILURE = 20,
    IOTLS_CAUSE_CONNECTION_REFUSED = 21,
    IOTLS_CAUSE_CONNECTION_RESET = 22,
    IOTLS_CAUSE_CONNECT_TIMEOUT = 23,
    IOTLS_CAUSE_HANDSHAKE_TIMEOUT = 24,
    IOTLS_CAUSE_READ_TIMEOUT = 25,
    IOTLS_CAUSE_PEER_CLOSED = 26,
    IOTLS_CAUSE_TRUNCATED = 27,
    IOTLS_CAUSE_RECORD_TOO_LARGE = 28,
    IOTLS_CAUSE_OUT_OF_MEMORY = 29,
    IOTLS_CAUSE_ENTROPY_FAILURE = 30,
    IOTLS_CAUSE_CA_LOAD_ERROR = 31,
    IOTLS_CAUSE_UNKNOWN = 32,
    /* Added with the certificate policy (src/trust/policy.c). */
    IOTLS_CAUSE_NAME_CONSTRAINTS = 33, /* a name outside what a CA may issue for */
    IOTLS_CAUSE_CERT_PROFILE = 34,     /* an RFC 5280 / CA/B rule the policy enforces */
    /* Added with the device TLS options (tlsopt.h). */
    IOTLS_CAUSE_PIN_MISMATCH = 35,     /* the server's key is not a pinned one */
    IOTLS_CAUSE_ALPN_MISMATCH = 36,    /* no protocol of our ALPN list (alert 120) */
    IOTLS_CAUSE_PSK_MISMATCH = 37,     /* the server does not hold our PSK (identity) */
    /* Added with CRLs (iotls_trust_add_crl, src/trust/crl.c). */
    IOTLS_CAUSE_CERT_REVOKED = 38      /* on its issuer's CRL, or that CRL unusable */
} iotls_cause;

/* One past the highest cause number; grows when a cause is added. */
#define IOTLS_CAUSE_END 39

/* How far the evidence goes. Stable numbers. */
typedef enum iotls_certainty {
    IOTLS_DIAG_NONE = 0,       /* no diagnosis (the connection succeeded) */
    IOTLS_DIAG_CERTAIN = 1,    /* the evidence singles the cause out */
    IOTLS_DIAG_LIKELY = 2,     /* one cause fits; the evidence cannot exclude others */
    IOTLS_DIAG_AMBIGUOUS = 3,  /* several fit: see candidates, in order */
    IOTLS_DIAG_CONFIRMED = 4,  /* an active probe changed one thing and it worked */
    IOTLS_DIAG_UNEXPLAINED = 5 /* cause IOTLS_CAUSE_UNKNOWN: no rule fits; raw facts given */
} iotls_certainty;

typedef struct iotls_diag_candidate {
    iotls_cause cause;
    char why[IOTLS_DIAG_LINE]; /* why it fits, and why in this place */
} iotls_diag_candidate;

typedef struct iotls_diagnosis {
    iotls_cause cause;
    iotls_certainty certainty;
    char summary[IOTLS_DIAG_LINE]; /* what happened and why, one line */
    uint8_t n_evidence;
    char evidence[IOTLS_DIAG_MAX_EVIDENCE][IOTLS_DIAG_LINE]; /* facts with their source */
    char fix_tool[IOTLS_DIAG_LINE];                          /* iotls option */
    char fix_device[IOTLS_DIAG_LINE];                        /* Mbed TLS call or config line */
    char fix_server[IOTLS_DIAG_LINE]; /* what the server's operator can change; "" if nothing */
    uint8_t n_candidates;             /* > 1 only when AMBIGUOUS */
    iotls_diag_candidate candidates[IOTLS_DIAG_MAX_CANDIDATES];
    uint8_t n_notes; /* other problems seen on the way */
    char notes[IOTLS_DIAG_MAX_NOTES][IOTLS_DIAG_LINE];
    char doc[48]; /* "docs/causes/<cause>.md" */
} iotls_diagnosis;

struct iotls_conn;
struct iotls_cred;

/* What the diagnosis needs besides the iotls_error. */
typedef struct iotls_diag_input {
    const char *host;                   /* as dialed; NULL: take the error's host */
    const iotls_trust *trust;           /* the store used, or NULL if unknown */
    const struct iotls_conn *conn;      /* the failed connection, for the
                                         certificates the server sent; NULL if none */
    int64_t build_time;                 /* s since 1970 of the build (see
                                         iotls_build_time()); 0: unknown. A wall
                                         clock before it is not set. */
    uint8_t client_cert_configured;     /* a client certificate was configured */
    uint8_t sni_overridden;             /* the user set the SNI (iotls --sni,
                                         iotls_conf_set_server_name) */
    uint8_t sni_disabled;               /* the user asked for no SNI (--no-sni) */
    const struct iotls_cred *client;    /* the client certificate configured, or
                                         NULL: read when the server rejects it
                                         (its dates, usages, issuer) */
} iotls_diag_input;

/* Zeroes *in (no trust report, no chain, build date unknown). */
void iotls_diag_input_init(iotls_diag_input *in);

/*
 * Fills *in from a connection and the conf it was set up with (either may
 * be NULL): the host dialed, the trust store, the peer chain, whether a
 * client certificate was configured and whether the SNI was overridden or
 * disabled. Keeps in->build_time, which only the application knows: set it
 * with iotls_build_time(__DATE__). The pointers stay valid until
 * iotls_conn_free().
 */
struct iotls_conn;
struct iotls_conf;
void iotls_diag_input_from_conn(iotls_diag_input *in, const struct iotls_conn *c,
                                const struct iotls_conf *conf);

/*
 * The build date as seconds since 1970 (midnight UTC) from a __DATE__
 * string ("Nov 27 2026"). Pass __DATE__ from the application so the date is
 * the application's build. Returns 0 if the text is not a date.
 */
int64_t iotls_build_time(const char *date);

/*
 * Diagnose e. in may be NULL (then only e is used). Returns 1 and fills
 * *out when e is a failure; 0 when e->code is IOTLS_OK (out->cause is then
 * IOTLS_CAUSE_NONE, certainty IOTLS_DIAG_NONE); IOTLS_ERR_USAGE if e or out
 * is NULL. Reads in->trust and in->conn only; allocates only for a
 * failed chain verification, to look up the trust store's roots of one
 * name (parsed copies, freed before it returns).
 */
int iotls_diagnose(const iotls_error *e, const iotls_diag_input *in, iotls_diagnosis *out);

/* "sni_rejected", ..., "unknown"; "none" for IOTLS_CAUSE_NONE; NULL if not a cause. */
const char *iotls_cause_name(iotls_cause cause);
/* The cause for an identifier, IOTLS_CAUSE_NONE if there is none such. */
iotls_cause iotls_cause_from_name(const char *name);
/* "certain", "likely", "ambiguous", "confirmed", "unexplained", "none". */
const char *iotls_certainty_name(iotls_certainty c);

/*
 * Text of a diagnosis for a human: the cause, its certainty, the summary,
 * the fixes and the page; verbose adds the evidence, the candidates and the
 * notes, one per line. Returns as snprintf does.
 */
int iotls_diagnosis_format(const iotls_diagnosis *d, char *buf, size_t len, int verbose);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_DIAGNOSE_H */
