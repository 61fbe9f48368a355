/*
 * `iotls verify CHAIN --host NAME [--at TIME]`: the server's chain checked
 * offline, by the library's iotls_verify_chain_params() (the code and
 * policy of a connection), against --cacert/--capath or the system store.
 * Exit 0 valid, 7 rejected (with the diagnosis), 3 unreadable input or
 * trust store, 2 usage (opts.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/pem.h"

#include "certinfo.h"
#include "cmd.h"
#include "diag_report.h"
#include "exitcode.h"
#include "json.h"
#include "report.h"
#include "session.h"

/* A chain is a few KB; a bound keeps junk input from eating memory. */
#define MAX_CHAIN_FILE (4u << 20)
/* Certificates shown (--json peer_chain, -v). */
#define MAX_SHOWN 16

typedef struct verify_run {
    const iotls_cli_opts *o;
    char at_text[32];
    unsigned char *ders[MAX_SHOWN];
    size_t lens[MAX_SHOWN];
    size_t n;
} verify_run;

/* The whole file into *buf (malloc'd; a NUL follows the len bytes).
 * Returns 0 or an errno value (EFBIG past MAX_CHAIN_FILE). */
static int read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t n = 0, cap = 0;
    int err = 0;

    *buf = NULL;
    *len = 0;
    if (f == NULL)
        return errno != 0 ? errno : ENOENT;
    for (;;) {
        size_t got;
        if (n + 4096 + 1 > cap) {
            unsigned char *q;
            if (cap >= MAX_CHAIN_FILE) {
                err = EFBIG;
                break;
            }
            cap = cap == 0 ? 16384 : cap * 2;
            q = realloc(p, cap);
            if (q == NULL) {
                err = ENOMEM;
                break;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                err = errno != 0 ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (err != 0) {
        free(p);
        return err;
    }
    if (p == NULL) {
        p = malloc(1);
        if (p == NULL)
            return ENOMEM;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return 0;
}

/* The certificates of the file for display: each PEM CERTIFICATE block
 * decoded, or the whole buffer as one DER certificate. */
static void split_chain(verify_run *v, const unsigned char *buf, size_t len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end[] = "-----END CERTIFICATE-----";
    const unsigned char *p = buf;
    size_t used;

    if (strstr((const char *)buf, begin) == NULL) {
        if (len > 0 && (v->ders[0] = malloc(len)) != NULL) {
            memcpy(v->ders[0], buf, len);
            v->lens[0] = len;
            v->n = 1;
        }
        return;
    }
    while (v->n < MAX_SHOWN) {
        mbedtls_pem_context pem;
        const unsigned char *der;
        size_t der_len;
        int ret;

        mbedtls_pem_init(&pem);
        ret = mbedtls_pem_read_buffer(&pem, begin, end, p, NULL, 0, &used);
        if (ret == 0 && (der = mbedtls_pem_get_buffer(&pem, &der_len)) != NULL &&
            (v->ders[v->n] = malloc(der_len > 0 ? der_len : 1)) != NULL) {
            memcpy(v->ders[v->n], der, der_len);
            v->lens[v->n++] = der_len;
        }
        mbedtls_pem_free(&pem);
        if (ret != 0 || used == 0 || used > (size_t)(buf + len - p))
            break;
        p += used;
    }
}

static void run_free(verify_run *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->ders[i]);
    v->n = 0;
}

static void format_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t < 0 || gmtime_r(&tt, &tm) == NULL) {
        snprintf(buf, len, "unknown");
        return;
    }
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_verify(iotls_cli_json *j, const void *ctx)
{
    const verify_run *v = (const verify_run *)ctx;

    iotls_cli_json_obj_begin(j, "verify");
    iotls_cli_json_str(j, "chain_file", v->o->target);
    iotls_cli_json_str(j, "at", v->at_text);
    iotls_cli_json_bool(j, "at_given", v->o->at_given);
    iotls_cli_json_bool(j, "name_checked", v->o->verify_host != NULL);
    if (v->o->max_intermediates >= 0)
        iotls_cli_json_int(j, "max_intermediates", v->o->max_intermediates);
    else
        iotls_cli_json_null(j, "max_intermediates");
    iotls_cli_json_obj_end(j);
}

static void show_chain(const verify_run *v, FILE *out)
{
    static iotls_cli_certinfo ci; /* large: not on the stack */

    for (size_t i = 0; i < v->n; i++) {
        iotls_cli_certinfo_der(v->ders[i], v->lens[i], &ci);
        fprintf(out, "  [%zu] subject   %s\n", i, ci.subject);
        fprintf(out, "      issuer    %s%s\n", ci.issuer, ci.self_issued ? "  (self-issued)" : "");
        fprintf(out, "      valid     %s .. %s\n", ci.not_before, ci.not_after);
        if (ci.n_san > 0) {
            fprintf(out, "      SAN       ");
            for (size_t k = 0; k < ci.n_san; k++)
                fprintf(out, "%s%s", k ? ", " : "", ci.san[k]);
            fputc('\n', out);
        }
        fprintf(out, "      key       %s\n", ci.key);
    }
}

int iotls_cli_cmd_verify(const iotls_cli_opts *o)
{
    iotls_cli_session s;
    iotls_cli_result r;
    verify_run v;
    iotls_verify_params params;
    iotls_verify_anchor anchor;
    iotls_error e;
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc, sys_err;

    memset(&v, 0, sizeof v);
    v.o = o;
    iotls_cli_result_init(&r, "verify", o->verify_host, 0);
    iotls_cli_session_init(&s, o, &r);
    r.conf = NULL; /* nothing is dialed: no offer to report */
    r.json_extra = json_verify;
    r.json_extra_ctx = &v;

    iotls_verify_params_init(&params);
    params.host = o->verify_host;
    params.at_unix = o->at_given ? o->at : IOTLS_VERIFY_NOW;
    params.max_intermediates = o->max_intermediates;
    format_time(o->at_given ? o->at : (int64_t)time(NULL), v.at_text, sizeof v.at_text);

    rc = iotls_cli_session_load_trust(&s);
    if (rc != 0)
        goto report;
    sys_err = read_file(o->target, &buf, &len);
    if (sys_err != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "verify: cannot read %s: %s", o->target,
                 sys_err == EFBIG ? "larger than 4 MB, not a certificate chain"
                                  : strerror(sys_err));
        iotls_cli_result_fail(&r, IOTLS_CLI_EXIT_SETUP, "setup", "chain_read", msg);
        rc = r.exit_code;
        goto report;
    }
    split_chain(&v, buf, len);
    r.certs = (const unsigned char *const *)v.ders;
    r.cert_lens = v.lens;
    r.n_certs = v.n;
    iotls_cli_verbose(o, "%s: %zu certificate(s); checking %s%s%s at %s", o->target, v.n,
                      o->verify_host ? "the name \"" : "no name",
                      o->verify_host ? o->verify_host : "", o->verify_host ? "\"" : "",
                      v.at_text);

    rc = iotls_verify_chain_params(buf, len, &s.trust, &params, &e, &anchor);
    if (rc == IOTLS_OK) {
        r.ok = 1;
        r.exit_code = IOTLS_CLI_EXIT_OK;
        r.err = e;
        r.err.code = IOTLS_OK;
        snprintf(r.anchor_subject, sizeof r.anchor_subject, "%s", anchor.subject);
        r.anchor_der_len = anchor.der_len;
        r.anchor_is_root = anchor.is_root;
        if (!o->json) {
            printf("verified: %s is valid for %s%s%s at %s\n", o->target,
                   o->verify_host ? "\"" : "", o->verify_host ? o->verify_host : "any name",
                   o->verify_host ? "\"" : "", v.at_text);
            printf("  chain        %zu certificate%s given\n", v.n, v.n == 1 ? "" : "s");
            iotls_cli_report_anchor(&r, stdout);
            printf("  trust        %u CA certificates from %s\n", (unsigned)s.trust.loaded,
                   s.trust.origin[0] ? s.trust.origin : "?");
            if (o->verbose)
                show_chain(&v, stdout);
        }
        rc = 0;
        goto report;
    }
    iotls_cli_result_fail_lib(&r, &e);
    rc = r.exit_code;
    r.diag_done = 1;
    if (e.code == IOTLS_ERR_VERIFY) {
        if (iotls_verify_diagnose(buf, len, &e, &s.trust, &r.diag) != 1)
            memset(&r.diag, 0, sizeof r.diag);
    } else {
        memset(&r.diag, 0, sizeof r.diag); /* the message says it all */
    }

report:
    iotls_cli_session_finish(&s);
    r.exit_code = rc;
    if (rc != 0) {
        iotls_cli_report_failure(&r, o->verbose, stderr);
        if (o->verbose && v.n > 0) {
            fprintf(stderr, "* chain given:\n");
            show_chain(&v, stderr);
        }
    }
    if (o->json)
        iotls_cli_report_json(&r, stdout);
    free(buf);
    run_free(&v);
    iotls_cli_session_free(&s);
    return rc;
}
