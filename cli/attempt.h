/*
 * One attempt of `iotls diagnose`: a connection with the user's settings
 * and exactly one thing changed, or a hand-built ClientHello (the hello
 * probe) where Mbed TLS cannot make the offer. Each attempt is one TCP
 * connection with its own timeouts.
 */
#ifndef IOTLS_CLI_ATTEMPT_H
#define IOTLS_CLI_ATTEMPT_H

#include <stdint.h>

#include "mbedtls/ctr_drbg.h" /* the probe's random bytes: the tool's own RNG */
#include "mbedtls/entropy.h"

#include "iotls/iotls.h"

#include "clientcert.h"
#include "opts.h"

/* What an attempt changes. Names (iotls_cli_change_name) are the stable
 * `change` strings of the --json `attempts`. */
typedef enum iotls_cli_change {
    IOTLS_CLI_CHANGE_NONE = 0,       /* the user's settings: the reproduction */
    IOTLS_CLI_CHANGE_SNI_HOST,       /* SNI = the dialed host */
    IOTLS_CLI_CHANGE_SNI_NONE,       /* no SNI */
    IOTLS_CLI_CHANGE_SUITES_WIDE,    /* every certificate-based suite of this build, TLS 1.3
                                        and 1.2, AEAD and CBC */
    IOTLS_CLI_CHANGE_GROUPS_WIDE,    /* every group of this build */
    IOTLS_CLI_CHANGE_SIGS_WIDE,      /* the default signature schemes plus the SHA-1 ones */
    IOTLS_CLI_CHANGE_VERSIONS_WIDE,  /* TLS 1.3 and 1.2 (after --tlsv1.3 or --tls-max 1.2);
                                        Mbed TLS 3.6 has no TLS 1.0/1.1 to retry with */
    IOTLS_CLI_CHANGE_TLS_MAX_12,     /* TLS 1.2 only, as --tls-max 1.2: servers intolerant
                                        of a ClientHello that offers TLS 1.3 */
    IOTLS_CLI_CHANGE_NO_CLIENT_CERT, /* without the --cert certificate */
    IOTLS_CLI_CHANGE_THROWAWAY_CERT, /* with a self-signed certificate made here */
    IOTLS_CLI_CHANGE_PROBE_TLS12,    /* hello probe: TLS 1.2, every IANA suite and group */
    IOTLS_CLI_CHANGE_PROBE_MBED,     /* hello probe: TLS 1.2, only what this build has */
    IOTLS_CLI_CHANGE_PROBE_TLS13,    /* hello probe: TLS 1.3 to 1.0, every IANA list */
    IOTLS_CLI_CHANGE_PROBE_MBED_SIGS, /* hello probe: TLS 1.2, Mbed TLS's suites, groups and
                                         signature schemes: its best offer */
    IOTLS_CLI_CHANGE_PROBE_FULL_SIGS, /* the same with every IANA signature scheme */
    IOTLS_CLI_CHANGE_END
} iotls_cli_change;

typedef struct iotls_cli_attempt {
    iotls_cli_change change;
    int ran;                       /* a connection was made (or tried) */
    int ok;                        /* handshake done; probe: the server chose (ServerHello/HRR) */
    int code;                      /* iotls_err of a failed Mbed TLS attempt, else 0 */
    int alert_level, alert;        /* alert received, -1 none */
    uint16_t version, suite, group; /* negotiated (or chosen by the server, for a probe) */
    uint16_t sig_alg;              /* scheme the server signed with, 0 unknown */
    int cert_request;              /* the server asked for a client certificate */
    int probe_outcome;             /* iotls_probe_outcome, probes only */
    char error[48];                /* error name ("alert_received", probe outcome), "" */
    char result[448];              /* one line: what happened */
    uint32_t ms;
} iotls_cli_attempt;

/* What every attempt shares. */
typedef struct iotls_cli_attempt_ctx {
    const iotls_cli_opts *o;
    iotls_trust *trust;
    iotls_cli_client_cert *user_cert; /* --cert/--key loaded, or NULL */
    iotls_cli_client_cert throwaway;  /* made on first use */
    char addr[48];                    /* the address the reproduction reached */
    uint32_t connect_ms, handshake_ms; /* per attempt */
    uint64_t deadline_ms;              /* --max-time, 0 none (iotls_cli_now_ms) */
    mbedtls_entropy_context entropy;   /* for the probe's random bytes */
    mbedtls_ctr_drbg_context drbg;
    int drbg_ready;
} iotls_cli_attempt_ctx;

void iotls_cli_attempt_ctx_init(iotls_cli_attempt_ctx *x, const iotls_cli_opts *o,
                                iotls_trust *trust, iotls_cli_client_cert *user_cert,
                                const char *addr);
void iotls_cli_attempt_ctx_free(iotls_cli_attempt_ctx *x);

/* Makes one connection with the change; fills *a. Returns 0, or -1 when it
 * could not even be tried (time is up, no address). */
int iotls_cli_attempt_run(iotls_cli_attempt_ctx *x, iotls_cli_change change, iotls_cli_attempt *a);

/* "sni_host", "suites_wide", ..., "probe_tls13"; "none" for the reproduction. */
const char *iotls_cli_change_name(iotls_cli_change c);
/* What the change does, for people: "SNI = the dialed host \"x\"". */
const char *iotls_cli_change_text(iotls_cli_change c);
/* Whether the change is a hello probe. */
int iotls_cli_change_is_probe(iotls_cli_change c);

/* This build can negotiate this suite / group (iotls_supported_*). */
int iotls_cli_mbed_has_suite(uint16_t iana);
int iotls_cli_mbed_has_group(uint16_t iana);
/* Name of a suite or group for people, including TLS 1.3 suites and
 * groups Mbed TLS has no name for; "0x1234" style in buf otherwise. */
const char *iotls_cli_suite_text(uint16_t iana, char *buf, size_t len);
const char *iotls_cli_group_text(uint16_t iana, char *buf, size_t len);

#endif /* IOTLS_CLI_ATTEMPT_H */
