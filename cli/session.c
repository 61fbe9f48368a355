/*
 * Trust, configuration and connection for one command, from the options.
 */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exitcode.h"
#include "session_file.h"

uint64_t iotls_cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void iotls_cli_verbose(const iotls_cli_opts *o, const char *fmt, ...)
{
    va_list ap;
    if (!o->verbose)
        return;
    fputs("* ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void debug_line(void *ctx, int level, const char *line)
{
    (void)ctx;
    fprintf(stderr, "[debug %d] %s\n", level, line);
}

void iotls_cli_session_init(iotls_cli_session *s, const iotls_cli_opts *o, iotls_cli_result *r)
{
    memset(s, 0, sizeof *s);
    s->opts = o;
    s->r = r;
    s->t0_ms = iotls_cli_now_ms();
    if (o->max_time_ms)
        s->deadline_ms = s->t0_ms + o->max_time_ms;
    iotls_trust_init(&s->trust);
    iotls_cli_client_cert_init(&s->client);
    iotls_conf_init(&s->conf);
    iotls_conn_init(&s->conn);
    r->conf = &s->conf; /* what would be sent, for reports of early failures */
}

/* A local setup failure, described through the library's error text. */
static int setup_fail(iotls_cli_session *s, int code, int sys_err, const char *detail)
{
    iotls_error e;
    iotls_error_init(&e);
    e.code = (iotls_err)code;
    e.stage = IOTLS_STAGE_SETUP;
    e.sys_errno = sys_err;
    snprintf(e.host, sizeof e.host, "%s", s->r->host);
    e.port = s->r->port;
    snprintf(e.detail, sizeof e.detail, "%s", detail);
    iotls_cli_result_fail_lib(s->r, &e);
    return s->r->exit_code;
}

/* --crlfile: revocation lists checked with the store (crl.c). A file that
 * cannot be read, or holds no CRL, stops the command: revocation the user
 * asked for is never skipped. */
static int load_crls(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    char detail[512];
    int rc, sys_err = 0, mbed = 0;

    if (!o->crlfile)
        return 0;
    rc = iotls_trust_add_crl_file(&s->trust, o->crlfile, &sys_err, &mbed);
    if (rc == IOTLS_ERR_TRUST_READ) {
        snprintf(detail, sizeof detail, "CRL file %s: %s", o->crlfile,
                 sys_err ? strerror(sys_err) : "cannot be read");
        return setup_fail(s, IOTLS_ERR_CRL, sys_err, detail);
    }
    if (rc != IOTLS_OK) {
        snprintf(detail, sizeof detail, "CRL file %s: no CRL could be read from it (PEM \"X509 "
                 "CRL\" or DER expected; Mbed TLS -0x%04X)", o->crlfile, (unsigned)-mbed);
        return setup_fail(s, rc, 0, detail);
    }
    iotls_cli_verbose(o, "CRL file %s: %u CRL(s) loaded", o->crlfile, (unsigned)s->trust.n_crls);
    return 0;
}

static int load_trust(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    char detail[512];
    int rc, sys_err = 0;
    uint32_t before;

    s->r->trust = &s->trust;
    /* -v reports every root that would be refused, not only those a chain
     * names: parse the whole store up front. */
    if (o->verbose && iotls_trust_set_parse_all(&s->trust) != IOTLS_OK)
        return setup_fail(s, IOTLS_ERR_ALLOC, 0, "trust store");
    if (o->bundle != NULL && (rc = iotls_cli_session_bundle(s)) != 0)
        return rc;
    if (o->bundle != NULL && !o->cacert && !o->capath)
        return load_crls(s); /* the bundle alone */
    if (o->cacert) {
        before = s->trust.loaded;
        rc = iotls_trust_add_file(&s->trust, o->cacert, &sys_err);
        if (rc != IOTLS_OK) {
            snprintf(detail, sizeof detail, "CA file %s: %s", o->cacert,
                     sys_err ? strerror(sys_err) : "cannot be read");
            return setup_fail(s, rc, sys_err, detail);
        }
        iotls_cli_verbose(o, "CA file %s: %u certificates loaded, %u skipped", o->cacert,
                          (unsigned)(s->trust.loaded - before), (unsigned)s->trust.skipped);
        if (s->trust.loaded == before) {
            iotls_cli_report_trust_issues(&s->trust, stderr);
            snprintf(detail, sizeof detail, "CA file %s", o->cacert);
            return setup_fail(s, IOTLS_ERR_TRUST_EMPTY, 0, detail);
        }
    }
    if (o->capath) {
        before = s->trust.loaded;
        rc = iotls_trust_add_dir(&s->trust, o->capath, &sys_err);
        if (rc != IOTLS_OK) {
            snprintf(detail, sizeof detail, "CA directory %s: %s", o->capath,
                     sys_err ? strerror(sys_err) : "cannot be read");
            return setup_fail(s, rc, sys_err, detail);
        }
        iotls_cli_verbose(o, "CA directory %s: %u certificates loaded", o->capath,
                          (unsigned)(s->trust.loaded - before));
    }
    if (!o->cacert && !o->capath) {
        rc = iotls_trust_add_system(&s->trust, &sys_err);
        if (rc != IOTLS_OK) {
            snprintf(detail, sizeof detail, "system trust store %s",
                     s->trust.origin[0] ? s->trust.origin : "(none found)");
            return setup_fail(s, rc, sys_err, detail);
        }
        iotls_cli_verbose(o, "system trust store %s: %u certificates loaded", s->trust.origin,
                          (unsigned)s->trust.loaded);
    }
    iotls_cli_report_trust_issues(&s->trust, stderr);
    if (s->trust.loaded == 0) {
        snprintf(detail, sizeof detail, "from %s",
                 s->trust.origin[0] ? s->trust.origin : "(nothing read)");
        return setup_fail(s, IOTLS_ERR_TRUST_EMPTY, 0, detail);
    }
    return load_crls(s);
}

int iotls_cli_session_load_trust(iotls_cli_session *s)
{
    return load_trust(s);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static int configure(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    iotls_conf *c = &s->conf;
    uint32_t ct = o->connect_timeout_ms ? o->connect_timeout_ms : c->connect_timeout_ms;
    uint32_t hs = c->handshake_timeout_ms, rd = c->read_timeout_ms, wr = c->write_timeout_ms;

    iotls_conf_set_trust(c, &s->trust);
    s->r->conf = c;
    /* diagnose: every connection a full handshake, as its attempts are */
    if (o->command == IOTLS_CLI_CMD_DIAGNOSE)
        iotls_conf_set_session_cache(c, 0);
    if (o->sni) {
        if (iotls_conf_set_server_name(c, o->sni) != IOTLS_OK)
            return setup_fail(s, IOTLS_ERR_HOSTNAME, 0, "--sni");
        iotls_cli_verbose(o, "SNI and certificate name set to \"%s\" (--sni)", o->sni);
    } else if (o->no_sni) {
        iotls_conf_disable_sni(c);
        iotls_cli_verbose(o, "no SNI will be sent (--no-sni); the certificate is checked against \"%s\"",
                          o->url.host);
    }
    for (size_t i = 0; i < o->n_resolve; i++) {
        const iotls_cli_resolve *rv = &o->resolve[i];
        if (rv->port == o->url.port && strcasecmp(rv->host, o->url.host) == 0) {
            if (iotls_conf_set_connect_address(c, rv->addr) != IOTLS_OK)
                return setup_fail(s, IOTLS_ERR_USAGE, 0, "--resolve address");
            iotls_cli_verbose(o, "--resolve: dialing %s for %s:%u", rv->addr, rv->host,
                              (unsigned)rv->port);
            break;
        }
        iotls_cli_verbose(o, "--resolve %s:%u:%s does not match %s:%u; ignored", rv->host,
                          (unsigned)rv->port, rv->addr, o->url.host, (unsigned)o->url.port);
    }
    /* --max-time bounds every phase: each timeout is at most the budget, and
     * reads and writes get only what is left of it (session_bound). */
    if (o->max_time_ms) {
        ct = min_u32(ct, o->max_time_ms);
        hs = min_u32(hs, o->max_time_ms);
        rd = min_u32(rd, o->max_time_ms);
        wr = min_u32(wr, o->max_time_ms);
    }
    iotls_conf_set_timeouts(c, ct, hs, rd, wr);
    if (o->max_time_ms) {
        /* DNS, TCP and the handshake share what is left of the budget. */
        uint64_t used = iotls_cli_now_ms() - s->t0_ms;
        iotls_conf_set_connect_total(c, used >= o->max_time_ms
                                            ? 1
                                            : (uint32_t)(o->max_time_ms - used));
    }
    if (iotls_cli_tls_apply(&o->tls, c) != IOTLS_OK)
        return setup_fail(s, IOTLS_ERR_USAGE, 0, "TLS versions, suites or groups");
    if (o->tls_given)
        iotls_cli_verbose(o, "TLS offer: versions %s to %s%s%s",
                          o->tls.min_version == 0x0304 ? "1.3" : "1.2",
                          o->tls.max_version == 0x0303 ? "1.2" : "1.3",
                          o->tls.n_suites ? ", suites from --ciphers/--tls13-ciphers" : "",
                          o->tls.n_groups ? ", groups from --curves" : "");
    if (s->client.loaded) {
        iotls_conf_set_client_cred(c, &s->client.cred);
        iotls_cli_verbose(o, "client certificate from %s (key %s)", o->cert, o->key);
    }
    if (o->debug > 0)
        iotls_conf_set_debug(c, o->debug, debug_line, NULL);
    {
        /* --alpn, --pinnedpubkey, --psk, --max-fragment, SSLKEYLOGFILE */
        char why[512];
        int rc = iotls_cli_dev_apply(&o->dev, c, o->verbose, &s->keylog, why, sizeof why);
        if (rc != 0) {
            iotls_cli_result_fail(s->r, rc, rc == 2 ? "usage" : "setup", "tls_option", why);
            return s->r->exit_code;
        }
    }
    return 0;
}

int iotls_cli_session_open(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    int rc;

    if ((rc = load_trust(s)) != 0)
        return rc;
    if (o->cert != NULL && o->key != NULL) {
        char why[512];
        if (iotls_cli_client_cert_load(&s->client, o->cert, o->key, o->pass, why, sizeof why) !=
            0) {
            iotls_cli_result_fail(s->r, IOTLS_CLI_EXIT_SETUP, "setup", "client_cert", why);
            return s->r->exit_code;
        }
    }
    if ((rc = configure(s)) != 0)
        return rc;
    iotls_cli_session_file_load(s); /* --session FILE */
    iotls_cli_verbose(o, "timeouts: connect %u ms, handshake %u ms, read %u ms",
                      (unsigned)s->conf.connect_timeout_ms, (unsigned)s->conf.handshake_timeout_ms,
                      (unsigned)s->conf.read_timeout_ms);
    s->r->conn = &s->conn;
    if (iotls_conn_setup(&s->conn, &s->conf) != IOTLS_OK)
        return iotls_cli_session_fail(s);
    if (o->max_time_ms) {
        /* Setup (RNG seeding, loading the store) took part of the budget:
         * DNS, TCP and the handshake get only what is left of it now. */
        uint64_t used = iotls_cli_now_ms() - s->t0_ms;
        iotls_conf_set_connect_total(&s->conf, used >= o->max_time_ms
                                                   ? 1
                                                   : (uint32_t)(o->max_time_ms - used));
    }
    iotls_cli_verbose(o, "connecting to %s port %u", o->url.host, (unsigned)o->url.port);
    if (iotls_conn_connect(&s->conn, o->url.host, o->url.port) != IOTLS_OK)
        return iotls_cli_session_fail(s);
    s->r->handshake_done = 1;
    iotls_cli_result_anchor(s->r);
    iotls_cli_session_bundle_anchor(s);
    iotls_cli_session_evidence(s);
    iotls_cli_verbose(o, "connected to %s; %s, %s; handshake done at %u ms", s->r->err.addr,
                      iotls_conn_version(&s->conn), iotls_conn_ciphersuite(&s->conn),
                      (unsigned)iotls_conn_timings(&s->conn)->handshake_ms);
    return 0;
}

static int is_timeout(int code)
{
    return code == IOTLS_ERR_DNS_TIMEOUT || code == IOTLS_ERR_CONNECT_TIMEOUT ||
           code == IOTLS_ERR_HANDSHAKE_TIMEOUT || code == IOTLS_ERR_READ_TIMEOUT ||
           code == IOTLS_ERR_WRITE_TIMEOUT;
}

int iotls_cli_session_fail(iotls_cli_session *s)
{
    iotls_error e = *iotls_conn_error(&s->conn);

    /* A timeout that --max-time caused says so. */
    if (s->deadline_ms && is_timeout(e.code) && e.detail[0] == '\0' &&
        iotls_cli_now_ms() + 10 >= s->deadline_ms)
        snprintf(e.detail, sizeof e.detail, "--max-time %u ms reached",
                 (unsigned)s->opts->max_time_ms);
    iotls_cli_result_fail_lib(s->r, &e);
    s->r->total_ms = (uint32_t)(iotls_cli_now_ms() - s->t0_ms);
    return s->r->exit_code;
}

int iotls_cli_session_bound(iotls_cli_session *s, iotls_stage stage)
{
    uint64_t now;
    uint32_t left;
    iotls_error e;

    if (!s->deadline_ms)
        return 0;
    now = iotls_cli_now_ms();
    if (now + 1 >= s->deadline_ms) {
        e = *iotls_conn_error(&s->conn);
        e.code = stage == IOTLS_STAGE_WRITE ? IOTLS_ERR_WRITE_TIMEOUT : IOTLS_ERR_READ_TIMEOUT;
        e.stage = stage;
        e.elapsed_ms = (uint32_t)(now - s->t0_ms);
        snprintf(e.detail, sizeof e.detail, "--max-time %u ms reached",
                 (unsigned)s->opts->max_time_ms);
        iotls_cli_result_fail_lib(s->r, &e);
        return s->r->exit_code;
    }
    left = (uint32_t)(s->deadline_ms - now);
    /* The library reads these from the conf at each read and write. */
    iotls_conf_set_timeouts(&s->conf, 0, 0, min_u32(left, s->conf.read_timeout_ms),
                            min_u32(left, s->conf.write_timeout_ms));
    return 0;
}

void iotls_cli_session_evidence(iotls_cli_session *s)
{
    iotls_error *e = &s->r->err;

    *e = *iotls_conn_error(&s->conn);
    if (e->code != IOTLS_OK) {
        /* a failure that did not change the outcome: keep the evidence only */
        e->code = IOTLS_OK;
        e->stage = IOTLS_STAGE_NONE;
        e->mbedtls_code = 0;
        e->sys_errno = 0;
    }
}

void iotls_cli_session_finish(iotls_cli_session *s)
{
    s->r->total_ms = (uint32_t)(iotls_cli_now_ms() - s->t0_ms);
}

int iotls_cli_session_report(iotls_cli_session *s, int rc)
{
    iotls_cli_session_finish(s);
    s->r->exit_code = rc;
    if (rc != 0)
        iotls_cli_report_failure(s->r, s->opts->verbose, stderr);
    if (s->opts->json)
        iotls_cli_report_json(s->r, stdout);
    return rc;
}

void iotls_cli_session_free(iotls_cli_session *s)
{
    iotls_conn_free(&s->conn);
    iotls_cli_client_cert_free(&s->client);
    iotls_trust_free(&s->trust);
    free(s->bundle);
    s->bundle = NULL;
    if (s->keylog != NULL)
        fclose(s->keylog);
    s->keylog = NULL;
}
