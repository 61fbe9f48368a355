/*
 * Presenting an outcome. All text about a library failure comes from
 * iotls_error_format(); this file adds the layout and the evidence fields.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "devopts.h"
#include "diag_report.h"
#include "exitcode.h"
#include "json.h"
#include "session_file.h"

void iotls_cli_result_init(iotls_cli_result *r, const char *command, const char *host,
                           uint16_t port)
{
    memset(r, 0, sizeof *r);
    r->command = command;
    r->host = host;
    r->port = port;
    r->content_length = -1;
    r->first_byte_ms = -1;
    iotls_error_init(&r->err);
}

void iotls_cli_result_fail_lib(iotls_cli_result *r, const iotls_error *e)
{
    if (e != &r->err)
        r->err = *e;
    r->ok = 0;
    r->stage = iotls_stage_name(e->stage);
    r->error = iotls_err_name(e->code);
    r->error_code = e->code;
    r->exit_code = iotls_cli_exit_code(e->code, e->stage);
    iotls_error_format(e, r->message, sizeof r->message);
}

void iotls_cli_result_fail(iotls_cli_result *r, int exit_code, const char *stage,
                           const char *error, const char *message)
{
    r->ok = 0;
    r->stage = stage;
    r->error = error;
    r->error_code = 0;
    r->exit_code = exit_code;
    snprintf(r->message, sizeof r->message, "%s", message);
}

const char *iotls_cli_hs_msg_name(int type)
{
    switch (type) {
    case 0: return "hello_request";
    case 1: return "client_hello";
    case 2: return "server_hello";
    case 4: return "new_session_ticket";
    case 11: return "certificate";
    case 12: return "server_key_exchange";
    case 13: return "certificate_request";
    case 14: return "server_hello_done";
    case 15: return "certificate_verify";
    case 16: return "client_key_exchange";
    case 20: return "finished";
    default: return "unknown";
    }
}

/* ---- JSON ---- */

static void json_hex16(iotls_cli_json *j, const char *name, uint16_t v)
{
    char tmp[8];
    if (name) {
        iotls_cli_json_str(j, NULL, name);
        return;
    }
    snprintf(tmp, sizeof tmp, "0x%04x", v);
    iotls_cli_json_str(j, NULL, tmp);
}


/* The name the certificate is checked against, when the library did not
 * record one (nothing was dialed yet). */
static const char *predicted_verify_name(const iotls_cli_result *r)
{
    if (r->err.verify_name[0] != '\0')
        return r->err.verify_name;
    if (r->conf && r->conf->sni_mode == IOTLS_SNI_CUSTOM)
        return r->conf->server_name;
    return r->host;
}

static void json_alert(iotls_cli_json *j, const char *key, int level, int desc)
{
    if (desc == IOTLS_ALERT_NONE || desc < 0) {
        iotls_cli_json_null(j, key);
        return;
    }
    iotls_cli_json_obj_begin(j, key);
    iotls_cli_json_int(j, "level", level);
    iotls_cli_json_int(j, "description", desc);
    iotls_cli_json_str(j, "name", iotls_alert_name(desc));
    iotls_cli_json_obj_end(j);
}

static void json_sent(iotls_cli_json *j, const iotls_cli_result *r)
{
    const iotls_wire *w = &r->err.wire;
    const iotls_hello *ch = &w->client_hello;

    iotls_cli_json_obj_begin(j, "sent");
    if (w->client_hello_seen)
        iotls_cli_json_str(j, "sni", ch->has_sni ? ch->sni : NULL);
    else
        iotls_cli_json_str(j, "sni", r->err.sni_sent ? r->err.sni : NULL);
    iotls_cli_json_str(j, "verify_name", predicted_verify_name(r));

    iotls_cli_json_arr_begin(j, "suites");
    if (w->client_hello_seen) {
        for (int i = 0; i < ch->n_suites; i++)
            json_hex16(j, iotls_suite_name(ch->suites[i]), ch->suites[i]);
    } else if (r->conf) {
        const uint16_t *s =
            r->conf->ciphersuites ? r->conf->ciphersuites : iotls_default_ciphersuites();
        for (; s && *s; s++)
            json_hex16(j, iotls_suite_name(*s), *s);
    }
    iotls_cli_json_arr_end(j);

    iotls_cli_json_arr_begin(j, "groups");
    if (w->client_hello_seen) {
        for (int i = 0; i < ch->n_groups; i++)
            json_hex16(j, iotls_group_name(ch->groups[i]), ch->groups[i]);
    } else if (r->conf) {
        const uint16_t *g = r->conf->groups ? r->conf->groups : iotls_default_groups();
        for (; g && *g; g++)
            json_hex16(j, iotls_group_name(*g), *g);
    }
    iotls_cli_json_arr_end(j);

    iotls_cli_json_arr_begin(j, "versions");
    if (w->client_hello_seen && ch->n_versions > 0) {
        for (int i = 0; i < ch->n_versions; i++)
            json_hex16(j, iotls_version_name(ch->versions[i]), ch->versions[i]);
    } else if (w->client_hello_seen) {
        json_hex16(j, iotls_version_name(ch->version), ch->version);
    } else if (r->conf) {
        /* newest first, as supported_versions lists them */
        for (unsigned v = r->conf->max_version; v >= (unsigned)r->conf->min_version && v >= 0x0303;
             v--)
            json_hex16(j, iotls_version_name((uint16_t)v), (uint16_t)v);
    }
    iotls_cli_json_arr_end(j);
    iotls_cli_json_obj_end(j);
}

size_t iotls_cli_peer_count(const iotls_conn *c)
{
    size_t n = 0, len;
    while (c && iotls_conn_peer_cert(c, n, &len) != NULL)
        n++;
    return n;
}

static void json_certinfo(iotls_cli_json *j, const iotls_cli_certinfo *ci)
{
    iotls_cli_json_obj_begin(j, NULL);
    iotls_cli_json_str(j, "subject", ci->subject);
    iotls_cli_json_str(j, "issuer", ci->issuer);
    iotls_cli_json_str(j, "not_before", ci->not_before);
    iotls_cli_json_str(j, "not_after", ci->not_after);
    iotls_cli_json_arr_begin(j, "san");
    for (size_t i = 0; i < ci->n_san; i++)
        iotls_cli_json_str(j, NULL, ci->san[i]);
    iotls_cli_json_arr_end(j);
    iotls_cli_json_str(j, "key", ci->key);
    iotls_cli_json_str(j, "sig_alg", ci->sig_alg);
    iotls_cli_json_obj_end(j);
}

static void json_chain(iotls_cli_json *j, const iotls_cli_result *r)
{
    const iotls_conn *conn = r->conn;
    static iotls_cli_certinfo ci; /* SANs make it large: not on the stack */
    const unsigned char *der;
    size_t len;

    if (iotls_cli_peer_count(conn) == 0 && r->n_certs > 0) {
        /* iotls verify: the chain given */
        iotls_cli_json_arr_begin(j, "peer_chain");
        for (size_t k = 0; k < r->n_certs; k++) {
            iotls_cli_certinfo_der(r->certs[k], r->cert_lens[k], &ci);
            json_certinfo(j, &ci);
        }
        iotls_cli_json_arr_end(j);
        return;
    }
    if (iotls_cli_peer_count(conn) == 0) {
        iotls_cli_json_null(j, "peer_chain");
        return;
    }
    iotls_cli_json_arr_begin(j, "peer_chain");
    for (size_t k = 0; (der = iotls_conn_peer_cert(conn, k, &len)) != NULL; k++) {
        iotls_cli_certinfo_der(der, len, &ci);
        iotls_cli_json_obj_begin(j, NULL);
        iotls_cli_json_str(j, "subject", ci.subject);
        iotls_cli_json_str(j, "issuer", ci.issuer);
        iotls_cli_json_str(j, "not_before", ci.not_before);
        iotls_cli_json_str(j, "not_after", ci.not_after);
        iotls_cli_json_arr_begin(j, "san");
        for (size_t i = 0; i < ci.n_san; i++)
            iotls_cli_json_str(j, NULL, ci.san[i]);
        iotls_cli_json_arr_end(j);
        iotls_cli_json_str(j, "key", ci.key);
        iotls_cli_json_str(j, "sig_alg", ci.sig_alg);
        iotls_cli_json_obj_end(j);
    }
    iotls_cli_json_arr_end(j);
}

static void json_trust(iotls_cli_json *j, const iotls_trust *t)
{
    if (!t) {
        iotls_cli_json_null(j, "trust");
        return;
    }
    iotls_cli_json_obj_begin(j, "trust");
    iotls_cli_json_str(j, "origin", t->origin);
    iotls_cli_json_int(j, "loaded", t->loaded);
    iotls_cli_json_int(j, "skipped", t->skipped);
    iotls_cli_json_arr_begin(j, "issues");
    for (uint32_t i = 0; i < t->n_issues && i < IOTLS_TRUST_MAX_ISSUES; i++) {
        const iotls_trust_issue *is = &t->issues[i];
        iotls_cli_json_obj_begin(j, NULL);
        iotls_cli_json_str(j, "source", is->source);
        iotls_cli_json_int(j, "index", is->index);
        iotls_cli_json_int(j, "line", is->line);
        iotls_cli_json_str(j, "subject", is->subject[0] ? is->subject : NULL);
        iotls_cli_json_str(j, "reason", iotls_trust_reason(is->mbedtls_code));
        iotls_cli_json_int(j, "mbedtls_code", is->mbedtls_code);
        iotls_cli_json_obj_end(j);
    }
    iotls_cli_json_arr_end(j);
    iotls_cli_json_obj_end(j);
}

/* Did the connection get past a stage? On success, every stage. */
static int past(const iotls_cli_result *r, iotls_stage s)
{
    if (!r->conn)
        return 0;
    if (r->err.code == IOTLS_OK)
        return r->handshake_done || s < IOTLS_STAGE_HANDSHAKE;
    return r->err.stage > s && r->err.stage != IOTLS_STAGE_SETUP;
}

static void json_timings(iotls_cli_json *j, const iotls_cli_result *r)
{
    const iotls_timings *t = iotls_conn_timings(r->conn);

    iotls_cli_json_obj_begin(j, "timings_ms");
    if (past(r, IOTLS_STAGE_DNS))
        iotls_cli_json_int(j, "dns", t->dns_ms);
    else
        iotls_cli_json_null(j, "dns");
    if (past(r, IOTLS_STAGE_CONNECT))
        iotls_cli_json_int(j, "connect", t->connect_ms);
    else
        iotls_cli_json_null(j, "connect");
    if (r->handshake_done)
        iotls_cli_json_int(j, "handshake", t->handshake_ms);
    else
        iotls_cli_json_null(j, "handshake");
    if (r->first_byte_ms >= 0)
        iotls_cli_json_int(j, "first_byte", r->first_byte_ms);
    else
        iotls_cli_json_null(j, "first_byte");
    iotls_cli_json_int(j, "total", r->total_ms);
    iotls_cli_json_obj_end(j);
}

static void json_wire(iotls_cli_json *j, const iotls_cli_result *r)
{
    const iotls_wire *w = &r->err.wire;
    char hex[2 * IOTLS_EV_FIRST_BYTES + 1];

    if (!r->conn) {
        iotls_cli_json_null(j, "wire");
        return;
    }
    iotls_cli_json_obj_begin(j, "wire");
    iotls_cli_json_int(j, "bytes_sent", w->bytes_sent);
    iotls_cli_json_int(j, "bytes_received", w->bytes_received);
    iotls_cli_json_int(j, "records_received", w->records_received);
    iotls_cli_json_int(j, "max_record_len", w->max_record_len);
    if (w->n_first_bytes > 0) {
        size_t n = w->n_first_bytes < IOTLS_EV_FIRST_BYTES ? w->n_first_bytes : IOTLS_EV_FIRST_BYTES;
        for (size_t i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", w->first_bytes[i]);
        hex[2 * n] = '\0';
        iotls_cli_json_str(j, "first_bytes_hex", hex);
    } else {
        iotls_cli_json_null(j, "first_bytes_hex");
    }
    iotls_cli_json_bool(j, "not_tls", w->not_tls);
    if (w->alert_received_version != 0) {
        const char *vn = iotls_version_name(w->alert_received_version);
        snprintf(hex, sizeof hex, "0x%04x", w->alert_received_version);
        iotls_cli_json_str(j, "alert_record_version", vn ? vn : hex);
    } else {
        iotls_cli_json_null(j, "alert_record_version");
    }
    iotls_cli_json_bool(j, "sni_acked", w->sni_acked);
    if (w->client_cert_msg_sent)
        iotls_cli_json_int(j, "client_certs_sent", w->client_certs_sent);
    else
        iotls_cli_json_null(j, "client_certs_sent");
    iotls_cli_json_bool(j, "cert_verify_sent", w->cert_verify_sent);
    if (w->hrr_seen)
        iotls_cli_json_str(j, "hello_retry_group", iotls_group_name(w->hrr_group));
    else
        iotls_cli_json_null(j, "hello_retry_group");
    iotls_cli_json_bool(j, "tls12_pss_retry", w->tls12_pss_retry);
    iotls_cli_json_arr_begin(j, "handshake_messages");
    for (int i = 0; i < w->n_hs_msgs && i < IOTLS_EV_MAX_HS_MSGS; i++)
        iotls_cli_json_str(j, NULL, iotls_cli_hs_msg_name(w->hs_msgs[i]));
    iotls_cli_json_arr_end(j);
    iotls_cli_json_obj_end(j);
}

int iotls_cli_report_json(const iotls_cli_result *r, FILE *out)
{
    iotls_cli_json j;
    const iotls_error *e = &r->err;
    char tmp[64];
    const char *text;
    int rc = 0;
    iotls_diagnosis *diag = malloc(sizeof *diag); /* ~7 KB; NULL: no diagnosis */

    if (diag)
        memset(diag, 0, sizeof *diag);
    iotls_cli_json_init(&j);
    iotls_cli_json_obj_begin(&j, NULL);
    iotls_cli_json_bool(&j, "ok", r->ok);
    iotls_cli_json_str(&j, "command", r->command);
    iotls_cli_json_str(&j, "host", r->host);
    iotls_cli_json_int(&j, "port", r->port);
    iotls_cli_json_str(&j, "address", e->addr[0] ? e->addr : NULL);
    iotls_cli_json_str(&j, "stage", r->ok ? NULL : r->stage);
    iotls_cli_json_str(&j, "error", r->ok ? NULL : r->error);
    iotls_cli_json_int(&j, "error_code", r->ok ? 0 : r->error_code);
    iotls_cli_json_int(&j, "exit_code", r->exit_code);
    iotls_cli_json_str(&j, "message", r->ok ? NULL : r->message);
    if (r->ok)
        iotls_cli_report_json_diag(&j, NULL);
    else if (r->diag_done || diag)
        iotls_cli_report_json_diag(&j, iotls_cli_result_diag(r, diag));
    else
        iotls_cli_report_json_diag(&j, NULL);
    iotls_cli_json_int(&j, "mbedtls_code", e->mbedtls_code);
    if (e->mbedtls_code != 0) {
        snprintf(tmp, sizeof tmp, "-0x%04X", (unsigned)(-(long)e->mbedtls_code));
        iotls_cli_json_str(&j, "mbedtls_code_hex", tmp);
    } else {
        iotls_cli_json_null(&j, "mbedtls_code_hex");
    }
    json_alert(&j, "alert_received", e->wire.alert_received_level, e->wire.alert_received);
    json_alert(&j, "alert_sent", e->wire.alert_sent_level, e->wire.alert_sent);
    iotls_cli_json_int(&j, "verify_flags", (long long)e->verify_flags);
    iotls_cli_json_arr_begin(&j, "verify_flags_names");
    if (e->verify_flags) {
        char names[512];
        char *p, *save = NULL;
        iotls_verify_flags_names(e->verify_flags, names, sizeof names);
        for (p = strtok_r(names, ",", &save); p; p = strtok_r(NULL, ",", &save))
            iotls_cli_json_str(&j, NULL, p);
    }
    iotls_cli_json_arr_end(&j);
    iotls_cli_json_int(&j, "errno", e->sys_errno);
    iotls_cli_json_int(&j, "resolver_code", e->resolver_code);
    iotls_cli_json_bool(&j, "is_ip", e->is_ip);
    json_sent(&j, r);
    if (r->handshake_done && r->conn) {
        uint16_t g = iotls_conn_group(r->conn), sa = iotls_conn_sig_alg(r->conn);
        iotls_cli_json_obj_begin(&j, "negotiated");
        iotls_cli_json_str(&j, "version", iotls_conn_version(r->conn));
        iotls_cli_json_str(&j, "ciphersuite", iotls_conn_ciphersuite(r->conn));
        iotls_cli_json_str(&j, "group", g ? iotls_group_name(g) : NULL);
        iotls_cli_json_str(&j, "signature_scheme", sa ? iotls_sig_alg_name(sa) : NULL);
        iotls_cli_json_str(&j, "alpn", iotls_conn_alpn(r->conn));
        iotls_cli_json_obj_end(&j);
    } else {
        iotls_cli_json_null(&j, "negotiated");
    }
    /* an abbreviated handshake from a saved session (--session, session.h) */
    iotls_cli_json_bool(&j, "resumed",
                        r->handshake_done && r->conn && iotls_conn_resumed(r->conn));
    json_chain(&j, r);
    if (r->anchor_der_len > 0) {
        iotls_cli_json_obj_begin(&j, "anchor");
        iotls_cli_json_str(&j, "subject", r->anchor_subject);
        iotls_cli_json_int(&j, "der_bytes", (long long)r->anchor_der_len);
        iotls_cli_json_bool(&j, "root", r->anchor_is_root);
        if (r->anchor_bundle > 0)
            iotls_cli_json_int(&j, "bundle_index", (long long)(r->anchor_bundle - 1));
        iotls_cli_json_obj_end(&j);
    } else {
        iotls_cli_json_null(&j, "anchor");
    }
    json_trust(&j, r->trust);
    json_timings(&j, r);
    if (strcmp(r->command, "get") == 0 && r->has_http) {
        iotls_cli_json_obj_begin(&j, "http");
        iotls_cli_json_int(&j, "status", r->http_status);
        if (r->content_length >= 0)
            iotls_cli_json_int(&j, "content_length", r->content_length);
        else
            iotls_cli_json_null(&j, "content_length");
        iotls_cli_json_bool(&j, "chunked", r->chunked);
        iotls_cli_json_int(&j, "body_bytes", (long long)r->body_bytes);
        iotls_cli_json_obj_end(&j);
    } else {
        iotls_cli_json_null(&j, "http");
    }
    json_wire(&j, r);
    if (r->json_extra)
        r->json_extra(&j, r->json_extra_ctx);
    iotls_cli_json_obj_end(&j);

    text = iotls_cli_json_text(&j);
    if (text) {
        fputs(text, out);
        fputc('\n', out);
        fflush(out);
    } else {
        rc = -1;
    }
    iotls_cli_json_free(&j);
    free(diag);
    return rc;
}

/* ---- text ---- */

void iotls_cli_report_chain(const iotls_conn *conn, const char *indent, FILE *out)
{
    static iotls_cli_certinfo ci; /* SANs make it large: not on the stack */
    const unsigned char *der;
    size_t len;
    int n = 0;

    for (; conn && (der = iotls_conn_peer_cert(conn, (size_t)n, &len)) != NULL; n++) {
        iotls_cli_certinfo_der(der, len, &ci);
        fprintf(out, "%s[%d] subject   %s\n", indent, n, ci.subject);
        fprintf(out, "%s    issuer    %s%s\n", indent, ci.issuer,
                ci.self_issued ? "  (self-issued)" : "");
        fprintf(out, "%s    valid     %s .. %s\n", indent, ci.not_before, ci.not_after);
        if (ci.n_san > 0) {
            fprintf(out, "%s    SAN       ", indent);
            for (size_t i = 0; i < ci.n_san; i++)
                fprintf(out, "%s%s", i ? ", " : "", ci.san[i]);
            if (ci.total_san > ci.n_san)
                fprintf(out, ", ... (%zu in all)", ci.total_san);
            fputc('\n', out);
        }
        fprintf(out, "%s    key       %s\n", indent, ci.key);
        fprintf(out, "%s    signature %s\n", indent, ci.sig_alg);
    }
    if (n == 0)
        fprintf(out, "%s(no certificate received)\n", indent);
}

static void verify_line(const iotls_cli_result *r, FILE *out)
{
    uint32_t flags = iotls_conn_verify_result(r->conn) | r->err.verify_flags;
    char names[256];

    if (iotls_cli_peer_count(r->conn) == 0 && r->conn->conf != NULL &&
        r->conn->conf->opt.psk_len > 0) {
        fprintf(out, "  verify       none: the PSK authenticated the server (no certificate)\n");
        return;
    }
    if (flags == 0 && iotls_cli_peer_count(r->conn) == 0 && iotls_conn_resumed(r->conn)) {
        fprintf(out, "  verify       ok when the session was made (resumed: no certificate "
                     "sent now)\n");
        return;
    }
    if (flags == 0) {
        fprintf(out, "  verify       ok: chain trusted, name \"%s\" matched\n",
                predicted_verify_name(r));
        return;
    }
    iotls_verify_flags_names(flags, names, sizeof names);
    fprintf(out, "  verify       FAILED: %s (0x%08x)\n", names, (unsigned)flags);
}

void iotls_cli_result_anchor(iotls_cli_result *r)
{
    size_t len = 0;

    int kind;

    iotls_bundle_root root;

    r->anchor_der_len = 0;
    r->anchor_subject[0] = '\0';
    r->anchor_bundle = 0;
    /* A bundled root anchored it: name that root, not the top certificate
     * the server sent (which a device does not need to hold). */
    if (r->conn != NULL && iotls_conn_bundle_anchor(r->conn, &root) == 1) {
        r->anchor_bundle = (int)root.index + 1;
        r->anchor_der_len = root.record_bytes;
        r->anchor_is_root = 1;
        if (root.name[0] != '\0')
            snprintf(r->anchor_subject, sizeof r->anchor_subject, "%s", root.name);
        return;
    }
    kind = r->conn != NULL
               ? iotls_conn_anchor(r->conn, r->anchor_subject, sizeof r->anchor_subject, &len)
               : 0;
    if (kind != 0) {
        r->anchor_der_len = len;
        r->anchor_is_root = kind == 1;
    }
}

void iotls_cli_thousands(size_t n, char *buf, size_t len)
{
    char digits[32];
    size_t nd, i, o = 0;

    nd = (size_t)snprintf(digits, sizeof digits, "%zu", n);
    for (i = 0; i < nd && o + 1 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0 && o + 2 < len)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (len > 0)
        buf[o < len ? o : len - 1] = '\0';
}

void iotls_cli_report_anchor(const iotls_cli_result *r, FILE *out)
{
    char size[32];

    if (r->anchor_der_len == 0)
        return;
    iotls_cli_thousands(r->anchor_der_len, size, sizeof size);
    if (r->anchor_bundle > 0)
        fprintf(out, "  anchor       %s (root #%d of the bundle, %s bytes in it)\n",
                r->anchor_subject[0] ? r->anchor_subject : "(bundle built without --names)",
                r->anchor_bundle - 1, size);
    else if (r->anchor_is_root)
        fprintf(out, "  anchor       %s (root, %s bytes DER; embed this root on a device)\n",
                r->anchor_subject[0] ? r->anchor_subject : "(no subject)", size);
    else
        fprintf(out, "  anchor       %s (trusted, not a root, %s bytes DER; a device must "
                     "hold this certificate)\n",
                r->anchor_subject[0] ? r->anchor_subject : "(no subject)", size);
}

void iotls_cli_report_connection(const iotls_cli_result *r, FILE *out)
{
    const iotls_conn *c = r->conn;
    const iotls_timings *t = iotls_conn_timings(c);
    const char *sni = iotls_conn_sni(c), *alpn = iotls_conn_alpn(c);
    uint16_t g = iotls_conn_group(c), sa = iotls_conn_sig_alg(c), suite;
    const char *sname = iotls_conn_ciphersuite(c);
    size_t nchain = iotls_cli_peer_count(c);
    char hex[8];
    fprintf(out, "connected to %s port %u", r->host, (unsigned)r->port);
    if (r->err.addr[0])
        fprintf(out, " (%s)", r->err.addr);
    fputc('\n', out);
    fprintf(out, "  version      %s\n", iotls_conn_version(c) ? iotls_conn_version(c) : "?");
    suite = iotls_conn_ciphersuite_id(c);
    snprintf(hex, sizeof hex, "0x%04x", suite);
    fprintf(out, "  ciphersuite  %s\n", sname ? sname : suite ? hex : "?");
    fprintf(out, "  group        %s\n",
            g ? (iotls_group_name(g) ? iotls_group_name(g) : "(unnamed)")
            : iotls_conn_resumed(c) ? "(none: a resumed TLS 1.2 session makes no key exchange)"
                                    : "(unknown)");
    if (sa)
        fprintf(out, "  sig scheme   %s (0x%04x)\n",
                iotls_sig_alg_name(sa) ? iotls_sig_alg_name(sa) : "unnamed", sa);
    else
        fprintf(out, "  sig scheme   %s\n",
                iotls_conn_resumed(c) ? "(none: a resumed session, the server did not sign)"
                                      : "(unknown)");
    if (iotls_conn_error(c)->wire.hrr_seen)
        fprintf(out, "  hello retry  the server asked for a %s key share\n",
                iotls_group_name(iotls_conn_error(c)->wire.hrr_group)
                    ? iotls_group_name(iotls_conn_error(c)->wire.hrr_group)
                    : "(unnamed)");
    iotls_cli_report_resumed(c, out);
    if (iotls_conn_error(c)->wire.tls12_pss_retry)
        fprintf(out, "  note         connected on a second try offering TLS 1.2 only: Mbed TLS "
                     "3.6.6 refuses a TLS 1.2 RSA-PSS signature when TLS 1.3 is offered too\n");
    fprintf(out, "  ALPN         %s\n", alpn ? alpn : "(none)");
    iotls_cli_dev_report(c, out); /* PSK, pin, max_fragment_length (devopts.c) */
    if (sni)
        fprintf(out, "  SNI sent     %s\n", sni);
    else
        fprintf(out, "  SNI sent     (none)\n");
    fprintf(out, "  name checked %s\n", predicted_verify_name(r));
    verify_line(r, out);
    iotls_cli_report_anchor(r, out);
    fprintf(out, "  timings      dns %u ms, connect %u ms, handshake %u ms (since start)\n",
            (unsigned)t->dns_ms, (unsigned)t->connect_ms, (unsigned)t->handshake_ms);
    if (r->trust && r->trust->loaded == 0 && r->conn != NULL && r->conn->conf != NULL &&
        r->conn->conf->bundle != NULL)
        fprintf(out, "  trust        the root bundle only (%zu bytes)\n",
                r->conn->conf->bundle_len);
    else if (r->trust)
        fprintf(out, "  trust        %u CA certificates from %s\n", (unsigned)r->trust->loaded,
                r->trust->origin[0] ? r->trust->origin : "?");
    fprintf(out, "peer chain (%zu certificate%s, as sent by the server):\n", nchain,
            nchain == 1 ? "" : "s");
    iotls_cli_report_chain(c, "  ", out);
}

void iotls_cli_report_failure(const iotls_cli_result *r, int verbose, FILE *out)
{
    const iotls_error *e = &r->err;
    const iotls_wire *w = &e->wire;

    iotls_diagnosis *diag = malloc(sizeof *diag);

    fprintf(out, "iotls: %s\n", r->message);
    /* A CA file or directory that cannot be read is said in full by the
     * line above (the path and the system's reason); its diagnosis only
     * repeats it, so it waits for -v. */
    if ((r->diag_done || diag) && (verbose || e->code != IOTLS_ERR_TRUST_READ))
        iotls_cli_report_diagnosis(iotls_cli_result_diag(r, diag), verbose, NULL, out);
    free(diag);
    if (!verbose)
        return;
    fprintf(out, "* stage %s, error %s (%d), exit code %d\n", r->stage ? r->stage : "?",
            r->error ? r->error : "?", r->error_code, r->exit_code);
    if (r->error_code == 0 && !r->conn)
        return;
    if (e->addr[0])
        fprintf(out, "* connected to %s port %u\n", e->addr, (unsigned)e->port);
    if (w->client_hello_seen)
        fprintf(out, "* ClientHello sent with %s%s%s, name checked \"%s\"\n",
                w->client_hello.has_sni ? "SNI \"" : "no SNI",
                w->client_hello.has_sni ? w->client_hello.sni : "",
                w->client_hello.has_sni ? "\"" : "", predicted_verify_name(r));
    if (w->alert_received != IOTLS_ALERT_NONE) {
        fprintf(out, "* alert received: level %d, description %d (%s)", w->alert_received_level,
                w->alert_received, iotls_alert_name(w->alert_received));
        if (w->alert_received_version != 0)
            fprintf(out, " in a %s record",
                    iotls_version_name(w->alert_received_version)
                        ? iotls_version_name(w->alert_received_version)
                        : "non-TLS");
        fputc('\n', out);
    }
    if (w->server_hello_seen)
        fprintf(out, "* ServerHello %s the SNI\n",
                w->sni_acked ? "acknowledged" : "did not acknowledge");
    if (w->client_cert_msg_sent && w->client_certs_sent == 0)
        fprintf(out, "* client Certificate sent: empty (no client certificate)\n");
    else if (w->client_cert_msg_sent)
        fprintf(out, "* client Certificate sent: %u certificate(s)%s\n",
                (unsigned)w->client_certs_sent,
                w->cert_verify_sent ? ", then CertificateVerify" : "");
    if (w->alert_sent != IOTLS_ALERT_NONE)
        fprintf(out, "* alert sent: level %d, description %d (%s)\n", w->alert_sent_level,
                w->alert_sent, iotls_alert_name(w->alert_sent));
    if (e->verify_flags) {
        char names[256];
        iotls_verify_flags_names(e->verify_flags, names, sizeof names);
        fprintf(out, "* verify flags 0x%08x: %s\n", (unsigned)e->verify_flags, names);
    }
    if (w->n_hs_msgs) {
        fprintf(out, "* handshake messages received:");
        for (int i = 0; i < w->n_hs_msgs && i < IOTLS_EV_MAX_HS_MSGS; i++)
            fprintf(out, " %s", iotls_cli_hs_msg_name(w->hs_msgs[i]));
        fputc('\n', out);
    }
    fprintf(out, "* bytes sent %u, received %u (%u records)\n", (unsigned)w->bytes_sent,
            (unsigned)w->bytes_received, (unsigned)w->records_received);
    if (iotls_cli_peer_count(r->conn) > 0) {
        fprintf(out, "* peer chain:\n");
        iotls_cli_report_chain(r->conn, "*   ", out);
    }
}

void iotls_cli_report_trust_issues(const iotls_trust *t, FILE *out)
{
    for (uint32_t i = 0; i < t->n_issues && i < IOTLS_TRUST_MAX_ISSUES; i++) {
        const iotls_trust_issue *is = &t->issues[i];
        fprintf(out, "iotls: trust store: %s", is->source);
        if (is->index > 0)
            fprintf(out, ": certificate %u", (unsigned)is->index);
        if (is->line)
            fprintf(out, " (line %u)", (unsigned)is->line);
        fprintf(out, "%s %s [mbedtls -0x%04X]", is->index > 0 ? " skipped:" : ":",
                iotls_trust_reason(is->mbedtls_code), (unsigned)(-(long)is->mbedtls_code));
        if (is->subject[0])
            fprintf(out, "; subject %s", is->subject);
        fputc('\n', out);
    }
    if (t->skipped > t->n_issues)
        fprintf(out, "iotls: trust store: %u more certificates skipped\n",
                (unsigned)(t->skipped - t->n_issues));
}
