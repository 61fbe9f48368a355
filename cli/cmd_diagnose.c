/*
 * `iotls diagnose HOST[:PORT]`: the active probe. Reproduce the failure with
 * the user's settings; if it fails, retry with one change at a time (the
 * passive diagnosis' candidates first) and, where Mbed TLS cannot make
 * the offer, send hand-built ClientHellos; the change that made it work is
 * the confirmed cause. At most IOTLS_CLI_DIAG_MAX_CONN connections, each
 * with its own timeouts.
 */
#include <stdio.h>
#include <string.h>

#include "attempt.h"
#include "cmd.h"
#include "confirm.h"
#include "diag_report.h"
#include "exitcode.h"
#include "json.h"
#include "report.h"
#include "session.h"
#include "tlsopts.h"

#define IOTLS_CLI_DIAG_MAX_CONN 12
#define RETRY_CONNECT_MS 5000u
#define RETRY_HANDSHAKE_MS 8000u

typedef struct diag_run {
    const iotls_cli_opts *o;
    iotls_cli_attempt att[IOTLS_CLI_DIAG_MAX_CONN];
    size_t n;            /* attempts made (att[0] = the reproduction) */
    size_t decisive;     /* index of the attempt that confirmed, 0 none */
    FILE *log;           /* progress for people: stdout, or stderr with --json, or NULL */
    int server_gone;     /* a retry could not even connect: stop */
} diag_run;

static int in_plan(const iotls_cli_change *p, size_t n, iotls_cli_change c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == c)
            return 1;
    return 0;
}

static void plan_add(iotls_cli_change *p, size_t *n, size_t max, iotls_cli_change c,
                     const int *usable)
{
    /* sigs_wide offers TLS 1.2 only (SHA-1 schemes exist nowhere else):
     * TLS 1.2 alone goes first, or a server intolerant of TLS 1.3 would
     * pass for one that wants SHA-1 */
    if (c == IOTLS_CLI_CHANGE_SIGS_WIDE && usable[IOTLS_CLI_CHANGE_TLS_MAX_12])
        plan_add(p, n, max, IOTLS_CLI_CHANGE_TLS_MAX_12, usable);
    if (*n < max && usable[c] && !in_plan(p, *n, c))
        p[(*n)++] = c;
}

/* The changes that may matter to this failure, candidates first. */
static size_t plan(const iotls_cli_opts *o, const iotls_cli_result *r, const iotls_diagnosis *d,
                   int user_cert, iotls_cli_change *p, size_t max)
{
    static const iotls_cli_change order[] = {
        IOTLS_CLI_CHANGE_SNI_HOST,       IOTLS_CLI_CHANGE_SNI_NONE,
        IOTLS_CLI_CHANGE_NO_CLIENT_CERT, IOTLS_CLI_CHANGE_THROWAWAY_CERT,
        IOTLS_CLI_CHANGE_SUITES_WIDE,    IOTLS_CLI_CHANGE_GROUPS_WIDE,
        IOTLS_CLI_CHANGE_TLS_MAX_12,     IOTLS_CLI_CHANGE_SIGS_WIDE,
        IOTLS_CLI_CHANGE_VERSIONS_WIDE};
    int usable[IOTLS_CLI_CHANGE_END] = {0};
    const iotls_error *e = &r->err;
    iotls_addr tmp;
    int is_ip = e->is_ip || iotls_addr_parse(o->url.host, &tmp);
    size_t n = 0, i;

    if (r->err.code == IOTLS_OK || e->addr[0] == '\0')
        return 0; /* a failure of the tool's own, or no server reached */
    if (e->stage == IOTLS_STAGE_VERIFY || e->code == IOTLS_ERR_VERIFY) {
        /* only a name change can alter which certificate comes back */
        usable[IOTLS_CLI_CHANGE_SNI_HOST] = (o->sni != NULL || o->no_sni) && !is_ip;
    } else if (e->stage == IOTLS_STAGE_HANDSHAKE &&
               (e->code == IOTLS_ERR_ALERT_RECEIVED || e->code == IOTLS_ERR_PEER_CLOSED ||
                e->code == IOTLS_ERR_RESET || e->code == IOTLS_ERR_PROTOCOL_VERSION ||
                e->code == IOTLS_ERR_HANDSHAKE)) {
        usable[IOTLS_CLI_CHANGE_SNI_HOST] = (o->sni != NULL || o->no_sni) && !is_ip;
        usable[IOTLS_CLI_CHANGE_SNI_NONE] = e->sni_sent;
        usable[IOTLS_CLI_CHANGE_NO_CLIENT_CERT] = user_cert;
        usable[IOTLS_CLI_CHANGE_THROWAWAY_CERT] = !user_cert && e->wire.cert_request_seen;
        usable[IOTLS_CLI_CHANGE_SUITES_WIDE] = 1;
        usable[IOTLS_CLI_CHANGE_GROUPS_WIDE] = 1;
        usable[IOTLS_CLI_CHANGE_SIGS_WIDE] = 1;
        /* only a narrowed range can be widened: 3.6 has no TLS 1.0/1.1 */
        usable[IOTLS_CLI_CHANGE_VERSIONS_WIDE] = iotls_cli_tls_versions_narrowed(&o->tls);
        /* ... and TLS 1.2 alone, unless the server already chose TLS 1.2 (a
         * ServerHello without supported_versions) from the full offer */
        usable[IOTLS_CLI_CHANGE_TLS_MAX_12] =
            !iotls_cli_tls_versions_narrowed(&o->tls) &&
            !(e->wire.server_hello_seen && e->wire.server_hello.n_versions == 0);
    } else {
        return 0; /* DNS, TCP, not TLS, timeouts, memory: no TLS change alters them */
    }
    /* the passive diagnosis' candidates first, in its order */
    for (i = 0; i < d->n_candidates && i < IOTLS_DIAG_MAX_CANDIDATES; i++) {
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            iotls_cause c = iotls_cli_change_cause(o, order[k]);
            if (c == d->candidates[i].cause ||
                (d->candidates[i].cause == IOTLS_CAUSE_SNI_REJECTED &&
                 order[k] == IOTLS_CLI_CHANGE_SNI_HOST && usable[order[k]]))
                plan_add(p, &n, max, order[k], usable);
        }
    }
    if (d->cause != IOTLS_CAUSE_NONE)
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            if (iotls_cli_change_cause(o, order[k]) == d->cause)
                plan_add(p, &n, max, order[k], usable);
    /* Evidence that singles the cause out (alert 112, alert 70) needs only
     * the changes of that cause; the hello probes cover what they cannot. */
    if (d->certainty == IOTLS_DIAG_CERTAIN && n > 0)
        return n;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        plan_add(p, &n, max, order[k], usable);
    return n;
}

static void log_attempt(diag_run *run, size_t i)
{
    const iotls_cli_attempt *a = &run->att[i];
    if (run->log == NULL)
        return;
    fprintf(run->log, "[%u] %-60s %s (%u ms)\n", (unsigned)(i + 1),
            iotls_cli_change_text(a->change), a->ok ? "OK" : "failed", (unsigned)a->ms);
    fprintf(run->log, "    %s\n", a->result);
    fflush(run->log);
}

static int run_one(diag_run *run, iotls_cli_attempt_ctx *x, iotls_cli_change c)
{
    iotls_cli_attempt *a;
    if (run->n >= IOTLS_CLI_DIAG_MAX_CONN)
        return -1;
    a = &run->att[run->n];
    if (iotls_cli_attempt_run(x, c, a) != 0) {
        if (run->log)
            fprintf(run->log, "[-] %s: %s\n", iotls_cli_change_text(c), a->result);
        return -1;
    }
    run->n++;
    log_attempt(run, run->n - 1);
    /* The reproduction reached the server; if it no longer accepts
     * connections, later attempts would only say that again. */
    if (!a->ok && (a->code == IOTLS_ERR_CONNECT_REFUSED || a->code == IOTLS_ERR_CONNECT_TIMEOUT ||
                   a->code == IOTLS_ERR_CONNECT)) {
        run->server_gone = 1;
        if (run->log)
            fprintf(run->log, "    the server no longer accepts connections: no more attempts\n");
        return -1;
    }
    return a->ok;
}

/* Where Mbed TLS could not make it work: what would the server choose? */
static void run_probes(diag_run *run, iotls_cli_attempt_ctx *x)
{
    int ok12 = run_one(run, x, IOTLS_CLI_CHANGE_PROBE_TLS12);
    const iotls_cli_attempt *p12 = &run->att[run->n - 1];

    if (ok12 < 0 || run->server_gone)
        return;
    if (ok12 == 1) {
        /* the server speaks TLS 1.2: with something Mbed TLS lacks? */
        if (!iotls_cli_mbed_has_suite(p12->suite) ||
            (p12->group != 0 && !iotls_cli_mbed_has_group(p12->group))) {
            run_one(run, x, IOTLS_CLI_CHANGE_PROBE_MBED);
            return;
        }
        /* A suite and group Mbed TLS has, yet every Mbed TLS retry failed:
         * narrow it down. Mbed TLS's best offer refused, and the same
         * with every signature scheme chosen, leaves the signature
         * schemes (RSA-PSS, EdDSA: not in Mbed TLS 3.6's TLS 1.2). */
        if (run_one(run, x, IOTLS_CLI_CHANGE_PROBE_MBED_SIGS) == 0 && !run->server_gone)
            run_one(run, x, IOTLS_CLI_CHANGE_PROBE_FULL_SIGS);
        return;
    }
    /* TLS 1.2 refused even with every IANA list: TLS 1.3 only? */
    run_one(run, x, IOTLS_CLI_CHANGE_PROBE_TLS13);
}

static void json_attempts(iotls_cli_json *j, const void *ctx)
{
    const diag_run *run = ctx;

    iotls_cli_json_arr_begin(j, "attempts");
    for (size_t i = 0; i < run->n; i++) {
        const iotls_cli_attempt *a = &run->att[i];
        iotls_cli_json_obj_begin(j, NULL);
        iotls_cli_json_str(j, "change", iotls_cli_change_name(a->change));
        iotls_cli_json_str(j, "description", iotls_cli_change_text(a->change));
        iotls_cli_json_bool(j, "ok", a->ok);
        iotls_cli_json_str(j, "error", a->ok || a->error[0] == '\0' ? NULL : a->error);
        if (a->alert >= 0) {
            iotls_cli_json_obj_begin(j, "alert");
            iotls_cli_json_int(j, "level", a->alert_level);
            iotls_cli_json_int(j, "description", a->alert);
            iotls_cli_json_str(j, "name", iotls_alert_name(a->alert));
            iotls_cli_json_obj_end(j);
        } else {
            iotls_cli_json_null(j, "alert");
        }
        iotls_cli_json_str(j, "result", a->result);
        iotls_cli_json_int(j, "ms", a->ms);
        iotls_cli_json_obj_end(j);
    }
    iotls_cli_json_arr_end(j);
    iotls_cli_json_int(j, "connections", (long long)run->n);
    iotls_cli_json_int(j, "max_connections", IOTLS_CLI_DIAG_MAX_CONN);
    iotls_cli_json_bool(j, "confirmed", run->decisive != 0);
    if (run->decisive != 0)
        iotls_cli_json_str(j, "confirmed_by",
                           iotls_cli_change_name(run->att[run->decisive].change));
    else
        iotls_cli_json_null(j, "confirmed_by");
}

/* The reproduction as attempt 1, from the session's result. */
static void first_attempt(diag_run *run, const iotls_cli_result *r, uint32_t ms)
{
    iotls_cli_attempt *a = &run->att[0];
    memset(a, 0, sizeof *a);
    a->change = IOTLS_CLI_CHANGE_NONE;
    a->ran = 1;
    a->ok = r->ok;
    a->code = r->error_code;
    a->alert_level = r->err.wire.alert_received_level;
    a->alert = r->err.wire.alert_received;
    a->cert_request = r->err.wire.cert_request_seen;
    a->ms = ms;
    if (!r->ok)
        snprintf(a->error, sizeof a->error, "%s", r->error ? r->error : "?");
    if (r->ok && r->conn)
        snprintf(a->result, sizeof a->result, "connected: %s, %s",
                 iotls_conn_version(r->conn) ? iotls_conn_version(r->conn) : "?",
                 iotls_conn_ciphersuite(r->conn) ? iotls_conn_ciphersuite(r->conn) : "?");
    else
        snprintf(a->result, sizeof a->result, "failed: %.*s", (int)sizeof a->result - 16,
                 r->message);
    run->n = 1;
}

int iotls_cli_cmd_diagnose(const iotls_cli_opts *o)
{
    static diag_run run; /* attempts hold text: not on the stack */
    static iotls_cli_attempt_ctx actx;
    iotls_cli_session s;
    iotls_cli_result r;
    iotls_cli_change p[IOTLS_CLI_DIAG_MAX_CONN];
    size_t np = 0, i;
    uint32_t ct = o->connect_timeout_ms ? o->connect_timeout_ms : RETRY_CONNECT_MS;
    int rc;
    uint64_t t0;

    memset(&run, 0, sizeof run);
    run.o = o;
    run.log = o->json ? (o->verbose ? stderr : NULL) : stdout;
    iotls_cli_result_init(&r, "diagnose", o->url.host, o->url.port);
    iotls_cli_session_init(&s, o, &r);
    if (run.log)
        fprintf(run.log,
                "iotls diagnose %s port %u: at most %d connections, each with its own timeouts "
                "(the first as `iotls connect`, then connect %u ms, handshake %u ms)\n",
                o->url.host, (unsigned)o->url.port, IOTLS_CLI_DIAG_MAX_CONN, (unsigned)ct,
                RETRY_HANDSHAKE_MS);

    /* 1: the user's settings, exactly as `iotls connect` */
    t0 = iotls_cli_now_ms();
    rc = iotls_cli_session_open(&s);
    if (rc == 0) {
        r.ok = 1;
        iotls_conn_close(&s.conn);
        iotls_cli_session_evidence(&s);
    }
    iotls_cli_session_finish(&s);
    r.exit_code = rc;
    /* Let go of the server now (a one-connection-at-a-time server waits
     * for us otherwise); the connection's evidence stays for the report. */
    if (!r.ok && r.conn != NULL)
        (void)iotls_conn_close(&s.conn); /* on a failed connection: only closes the socket */
    first_attempt(&run, &r, (uint32_t)(iotls_cli_now_ms() - t0));
    if (!r.conn || r.err.addr[0] == '\0') {
        /* nothing was dialed (setup, DNS): the reproduction made no connection */
        if (!r.ok)
            run.n = r.err.addr[0] != '\0' ? 1 : 0;
    }
    if (run.log && run.n > 0)
        log_attempt(&run, 0);
    iotls_cli_result_diagnose(&r);

    if (r.ok) {
        if (run.log)
            fprintf(run.log, "conclusion: your settings work; nothing to diagnose\n");
    } else {
        if (run.log) {
            fprintf(run.log, "iotls: %s\n", r.message);
            fprintf(run.log, "passive diagnosis: %s (%s)\n", iotls_cause_name(r.diag.cause),
                    iotls_certainty_name(r.diag.certainty));
        }
        np = plan(o, &r, &r.diag, s.client.loaded, p, IOTLS_CLI_DIAG_MAX_CONN - 4);
        if (np > 0) {
            iotls_cli_attempt_ctx_init(&actx, o, &s.trust, &s.client, r.err.addr);
            actx.connect_ms = ct;
            actx.handshake_ms = RETRY_HANDSHAKE_MS;
            actx.deadline_ms = s.deadline_ms;
            if (run.log) {
                fprintf(run.log, "retrying with one change at a time (at most %u more):",
                        (unsigned)(np + 3));
                for (i = 0; i < np; i++)
                    fprintf(run.log, " %s", iotls_cli_change_name(p[i]));
                fprintf(run.log, ", then hello probes if needed\n");
            }
            for (i = 0; i < np && !run.server_gone; i++)
                if (run_one(&run, &actx, p[i]) >= 0 &&
                    iotls_cli_attempt_confirms(&run.att[0], &run.att[run.n - 1]))
                    break;
            if (i == np && !run.server_gone && r.err.stage == IOTLS_STAGE_HANDSHAKE)
                run_probes(&run, &actx);
            iotls_cli_attempt_ctx_free(&actx);
        } else if (run.log) {
            fprintf(run.log, "no retry can change a failure at stage %s (%s): the evidence "
                             "decides\n",
                    r.stage ? r.stage : "?", r.error ? r.error : "?");
        }
        run.decisive = iotls_cli_confirm(o, run.att, run.n, &r.diag);
        if (run.decisive != 0)
            rc = r.exit_code;
        else if (run.n > 1)
            rc = IOTLS_CLI_EXIT_UNCONFIRMED;
        else
            rc = r.exit_code;
        if (run.log) {
            fprintf(run.log, "conclusion: ");
            if (run.decisive != 0)
                fprintf(run.log, "confirmed by attempt %u (%s)\n", (unsigned)(run.decisive + 1),
                        iotls_cli_change_text(run.att[run.decisive].change));
            else if (run.n > 1)
                fprintf(run.log, "no single change made it work; the cause is not confirmed\n");
            else
                fprintf(run.log, "from the evidence of the failure\n");
            iotls_cli_report_diagnosis(&r.diag, 1, NULL, run.log);
        }
    }
    if (run.log)
        fprintf(run.log, "connections made: %u\n", (unsigned)run.n);
    r.exit_code = rc;
    if (o->json) {
        r.json_extra = json_attempts;
        r.json_extra_ctx = &run;
        iotls_cli_report_json(&r, stdout);
    }
    iotls_cli_session_free(&s);
    return rc;
}
