/*
 * What `connect` and `get` share: the trust store, the configuration from
 * the options, the connection, and the --max-time budget.
 */
#ifndef IOTLS_CLI_SESSION_H
#define IOTLS_CLI_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "iotls/iotls.h"
#include "iotls_port_posix.h"

#include "clientcert.h"
#include "opts.h"
#include "report.h"

typedef struct iotls_cli_session {
    const iotls_cli_opts *opts;
    iotls_cli_result *r;
    iotls_trust trust;
    iotls_conf conf;
    iotls_conn conn;
    iotls_cli_client_cert client; /* --cert/--key, when given */
    uint64_t t0_ms;        /* command start, monotonic */
    uint64_t deadline_ms;  /* t0 + --max-time, 0 = none */
    uint8_t *bundle;       /* --bundle FILE's contents (cmd_bundle.c), or NULL */
    size_t bundle_len;
    FILE *keylog;          /* SSLKEYLOGFILE, open while the connection lives */
} iotls_cli_session;

/* Monotonic milliseconds for the tool's own timing. */
uint64_t iotls_cli_now_ms(void);

/* "* ..." on stderr when -v. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void iotls_cli_verbose(const iotls_cli_opts *o, const char *fmt, ...);

void iotls_cli_session_init(iotls_cli_session *s, const iotls_cli_opts *o, iotls_cli_result *r);

/*
 * Loads the trust store, configures, connects and handshakes. Returns 0, or
 * the exit code with s->r filled with the failure.
 */
int iotls_cli_session_open(iotls_cli_session *s);

/* Only the trust store, from --cacert/--capath or the system's (what
 * `iotls verify` needs). Returns 0, or the exit code with s->r filled. */
int iotls_cli_session_load_trust(iotls_cli_session *s);

/*
 * Before each read or write: bounds the library's read/write timeouts by
 * the time left of --max-time. Returns 0, or the exit code (time is up; s->r
 * filled).
 */
int iotls_cli_session_bound(iotls_cli_session *s, iotls_stage stage);

/* Records the connection's error in s->r (after a failed read/write). */
int iotls_cli_session_fail(iotls_cli_session *s);

/* Copies the connection's evidence (wire, address, SNI) into s->r->err
 * after a success; an error the command chose to ignore is cleared. */
void iotls_cli_session_evidence(iotls_cli_session *s);

/* Sets s->r->total_ms. */
void iotls_cli_session_finish(iotls_cli_session *s);

/* The end connect and get share: finish, record rc as the exit code, the
 * failure on stderr, the --json object on stdout. Returns rc. */
int iotls_cli_session_report(iotls_cli_session *s, int rc);

void iotls_cli_session_free(iotls_cli_session *s);

/* cmd_bundle.c: reads --bundle FILE into s and sets it on s->conf (0, or the
 * exit code with s->r filled); after a connect, names the bundled root that
 * anchored the chain (-v). */
int iotls_cli_session_bundle(iotls_cli_session *s);
void iotls_cli_session_bundle_anchor(iotls_cli_session *s);

#endif /* IOTLS_CLI_SESSION_H */
