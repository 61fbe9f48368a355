/*
 * The outcome of a command, and its two presentations: lines for people
 * (stdout for what was asked, stderr for failures) and the --json object
 * (docs/json.md).
 */
#ifndef IOTLS_CLI_REPORT_H
#define IOTLS_CLI_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "iotls/iotls.h"

struct iotls_cli_json;

typedef struct iotls_cli_result {
    const char *command;          /* "connect" or "get" */
    const char *host;             /* as dialed */
    uint16_t port;
    int ok;
    int exit_code;

    /* The failure (when !ok). stage/error are the JSON strings; for library
     * errors they come from iotls_stage_name / iotls_err_name. */
    const char *stage;
    const char *error;
    int error_code;               /* negative iotls_err, 0 when not a library error */
    char message[512];            /* one line */

    iotls_error err;              /* the evidence (copied from the connection, or
                                     made for a local failure) */
    const iotls_conn *conn;       /* NULL if no connection was set up */
    const iotls_conf *conf;       /* NULL if not configured yet */
    const iotls_trust *trust;     /* NULL if not loaded */
    int handshake_done;

    /* get only */
    int has_http;                 /* a status line was read */
    int http_status;
    long long content_length;     /* -1 none */
    int chunked;
    unsigned long long body_bytes;
    int64_t first_byte_ms;        /* -1 unknown */

    uint32_t total_ms;

    /* The diagnosis of the failure (docs/diagnosis.md). Filled by
     * iotls_cli_result_diagnose(), or by `iotls diagnose` with a confirmed
     * cause; cause IOTLS_CAUSE_NONE on success. */
    int diag_done;
    iotls_diagnosis diag;

    /* The trust anchor of a verified chain (connect: iotls_conn_anchor;
     * verify: the library's result); anchor_der_len 0 when none. */
    char anchor_subject[IOTLS_ANCHOR_SUBJECT_MAX];
    size_t anchor_der_len;
    int anchor_is_root;           /* self-issued */
    int anchor_bundle;            /* 1 + index of the bundled root that
                                     anchored it (then anchor_der_len is
                                     the root's bytes in the bundle), 0 */

    /* verify: the certificates given (DER, leaf first), shown as
     * peer_chain when there is no connection */
    const unsigned char *const *certs;
    const size_t *cert_lens;
    size_t n_certs;

    /* More members for the --json object (iotls diagnose: attempts ...),
     * written after the others; NULL for none. */
    void (*json_extra)(struct iotls_cli_json *j, const void *ctx);
    const void *json_extra_ctx;
} iotls_cli_result;

/* Zeroes r and sets the command, host and port. */
void iotls_cli_result_init(iotls_cli_result *r, const char *command, const char *host,
                           uint16_t port);

/* Records a library failure: copies e, names, exit code, message from
 * iotls_error_format(). */
void iotls_cli_result_fail_lib(iotls_cli_result *r, const iotls_error *e);

/* Records a failure of the tool's own (HTTP, output file): stage and error
 * are static strings. */
void iotls_cli_result_fail(iotls_cli_result *r, int exit_code, const char *stage,
                           const char *error, const char *message);

/*
 * Diagnoses the failure in r (a no-op once done, or on success): from the
 * connection's evidence, the trust store, the configuration and the build
 * date of the tool.
 */
void iotls_cli_result_diagnose(iotls_cli_result *r);

/* The diagnosis members of the --json object (cause .. notes), all null or
 * empty when there is none. */
void iotls_cli_report_json_diag(struct iotls_cli_json *j, const iotls_diagnosis *d);

/* The --json object, one line, to out. Returns 0 or -1 (out of memory). */
int iotls_cli_report_json(const iotls_cli_result *r, FILE *out);

/* Fills r->anchor_* from the connection (after a successful handshake). */
void iotls_cli_result_anchor(iotls_cli_result *r);

/* The "  anchor  ..." line (nothing when there is no anchor). */
void iotls_cli_report_anchor(const iotls_cli_result *r, FILE *out);

/* "1,234": n with thousands separators. */
void iotls_cli_thousands(size_t n, char *buf, size_t len);

/* What `connect` shows on success: what was negotiated and the peer chain. */
void iotls_cli_report_connection(const iotls_cli_result *r, FILE *out);

/* The certificates the server sent (iotls_conn_peer_cert), one block per
 * certificate, each line starting with indent. */
void iotls_cli_report_chain(const iotls_conn *c, const char *indent, FILE *out);

/* How many certificates the server sent (0 when c is NULL). */
size_t iotls_cli_peer_count(const iotls_conn *c);

/* "iotls: <message>" and, when verbose, the evidence behind it. */
void iotls_cli_report_failure(const iotls_cli_result *r, int verbose, FILE *out);

/* Every certificate the trust store skipped: source, position, line,
 * subject, reason. */
void iotls_cli_report_trust_issues(const iotls_trust *t, FILE *out);

/* Name of a TLS handshake message type ("server_hello"). */
const char *iotls_cli_hs_msg_name(int type);

#endif /* IOTLS_CLI_REPORT_H */
