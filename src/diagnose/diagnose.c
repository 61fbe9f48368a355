/*
 * Diagnosis: the entry point, the shared helpers and the text of a diagnosis.
 *
 * How it works: the families of rules run in a fixed order (setup problems
 * that explain anything later, then the certificate, then what the server
 * answered during the handshake, then the network), and the first family
 * that concludes wins. A rule appends evidence lines as it looks at facts,
 * so the evidence is exactly what the conclusion rests on. Notes about other
 * problems (a skipped CA, a narrow offer) are added last, whatever the cause,
 * because the seed case showed that the next failure hides behind the first.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/cipher.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"

#include "diagnose/rules.h"
#include "iotls/conn.h"
#include "iotls_internal.h"

void iotls_diag_input_init(iotls_diag_input *in)
{
    if (in != NULL)
        memset(in, 0, sizeof(*in));
}

void iotls_diag_input_from_conn(iotls_diag_input *in, const iotls_conn *c, const iotls_conf *conf)
{
    if (in == NULL)
        return;
    if (c != NULL) {
        if (conf == NULL)
            conf = c->conf;
        in->host = c->err.host[0] != '\0' ? c->err.host : NULL;
        in->conn = c;
    }
    if (conf != NULL) {
        in->trust = conf->trust;
        in->client_cert_configured = conf->client != NULL && conf->client->loaded;
        in->client = conf->client;
        in->sni_overridden = conf->sni_mode == IOTLS_SNI_CUSTOM;
        in->sni_disabled = conf->sni_mode == IOTLS_SNI_NONE;
    }
}

int64_t iotls_build_time(const char *date)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int m, d = 0, y = 0, i;
    if (date == NULL || strlen(date) != 11 || date[3] != ' ' || date[6] != ' ')
        return 0;
    for (m = 0; m < 12; m++)
        if (memcmp(months + 3 * m, date, 3) == 0)
            break;
    if (m == 12)
        return 0;
    for (i = 4; i < 6; i++) { /* __DATE__ pads the day with a space */
        if (date[i] == ' ' && i == 4)
            continue;
        if (date[i] < '0' || date[i] > '9')
            return 0;
        d = d * 10 + (date[i] - '0');
    }
    for (i = 7; i < 11; i++) {
        if (date[i] < '0' || date[i] > '9')
            return 0;
        y = y * 10 + (date[i] - '0');
    }
    if (d < 1 || d > 31 || y < 1970)
        return 0;
    return iotls_days_from_civil(y, m + 1, d) * 86400;
}

/* The facts every "unknown" carries: the raw data, for a human to read. */
static void raw_facts(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    char flags[160];
    iotls_diag_add_evidence(x, "error %s (%d) at stage %s", iotls_err_name(e->code), (int)e->code,
                            iotls_stage_name(e->stage));
    if (e->mbedtls_code != 0)
        iotls_diag_add_evidence(x, "Mbed TLS returned -0x%04x", 0u - (unsigned)e->mbedtls_code);
    if (e->sys_errno != 0)
        iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
    if (e->verify_flags != 0) {
        iotls_verify_flags_names(e->verify_flags, flags, sizeof(flags));
        iotls_diag_add_evidence(x, "verify flags 0x%08x (%s)", (unsigned)e->verify_flags, flags);
    }
    if (e->wire.alert_received >= 0)
        iotls_diag_add_evidence(x, "server sent alert %d (%s), level %d", e->wire.alert_received,
                                iotls_alert_name(e->wire.alert_received),
                                e->wire.alert_received_level);
    if (e->wire.alert_sent >= 0)
        iotls_diag_add_evidence(x, "iotls sent alert %d (%s)", e->wire.alert_sent,
                                iotls_alert_name(e->wire.alert_sent));
    if (e->detail[0] != '\0')
        iotls_diag_add_evidence(x, "detail: %s", e->detail);
}

static int diagnose(const iotls_error *e, const iotls_diag_input *in, int offline,
                    const struct mbedtls_x509_crt *chain, iotls_diagnosis *out);

int iotls_diagnose(const iotls_error *e, const iotls_diag_input *in, iotls_diagnosis *out)
{
    return diagnose(e, in, 0, NULL, out);
}

int iotls_diagnose_offline(const iotls_error *e, const iotls_diag_input *in,
                           const struct mbedtls_x509_crt *chain, iotls_diagnosis *out)
{
    return diagnose(e, in, 1, chain, out);
}

static int diagnose(const iotls_error *e, const iotls_diag_input *in, int offline,
                    const struct mbedtls_x509_crt *chain, iotls_diagnosis *out)
{
    static const iotls_diag_input none; /* all zero: nothing known */
    iotls_diag_ctx x;
    iotls_error ev; /* the evidence, with every count bounded by its array */
    if (e == NULL || out == NULL)
        return IOTLS_ERR_USAGE;
    memset(out, 0, sizeof(*out));
    if (e->code == IOTLS_OK)
        return 0;
    ev = *e;
    iotls_wire_bound(&ev.wire);
    ev.host[sizeof ev.host - 1] = ev.sni[sizeof ev.sni - 1] = '\0';
    ev.verify_name[sizeof ev.verify_name - 1] = ev.detail[sizeof ev.detail - 1] = '\0';
    e = &ev;

    x.e = e;
    x.chain = chain;
    x.offline = offline;
    x.in = in != NULL ? in : &none;
    x.d = out;
    x.host = x.in->host != NULL ? x.in->host : e->host;
    /* The ClientHello on the wire is the truth; the error's copy is the plan. */
    if (e->wire.client_hello_seen)
        x.sni = e->wire.client_hello.has_sni ? e->wire.client_hello.sni : NULL;
    else
        x.sni = e->sni_sent ? e->sni : NULL;
    {
        /* An IP literal has only digits and dots, or a colon (IPv6). */
        const char *p = x.host;
        int dots = 1, colon = 0;
        for (; *p != '\0'; p++) {
            if (*p == ':')
                colon = 1;
            else if (!((*p >= '0' && *p <= '9') || *p == '.'))
                dots = 0;
        }
        /* the library's own fact when it dialed; the text otherwise */
        x.host_is_ip = e->is_ip || (x.host[0] != '\0' && (colon || dots));
    }

    if (!iotls_diag_setup(&x) && !iotls_diag_tlsopt(&x) && !iotls_diag_cert(&x) &&
        !iotls_diag_handshake(&x) &&
        !iotls_diag_network(&x)) {
        iotls_diag_summary(&x, "%s failed with %s; no known cause fits the evidence",
                           iotls_stage_name(e->stage), iotls_err_name(e->code));
        raw_facts(&x);
        iotls_diag_conclude(&x, IOTLS_CAUSE_UNKNOWN, IOTLS_DIAG_UNEXPLAINED);
    }
    iotls_diag_side_notes(&x);
    return 1;
}

/* ---- text ---- */

typedef struct out_buf {
    char *p;
    size_t len, n; /* n: what would have been written */
} out_buf;

static void put(out_buf *o, const char *label, const char *text)
{
    int r;
    if (text == NULL || text[0] == '\0')
        return;
    r = snprintf(o->n < o->len ? o->p + o->n : NULL, o->n < o->len ? o->len - o->n : 0, "%s%s\n",
                 label, text);
    if (r > 0)
        o->n += (size_t)r;
}

int iotls_diagnosis_format(const iotls_diagnosis *d, char *buf, size_t len, int verbose)
{
    out_buf o;
    char head[96];
    unsigned i;
    o.p = buf;
    o.len = buf != NULL ? len : 0;
    o.n = 0;
    if (o.len > 0)
        buf[0] = '\0';
    if (d == NULL || d->cause == IOTLS_CAUSE_NONE) {
        put(&o, "", "no failure: nothing to diagnose");
    } else {
        snprintf(head, sizeof(head), "%s (%s)", iotls_cause_name(d->cause),
                 iotls_certainty_name(d->certainty));
        put(&o, "cause: ", head);
        put(&o, "why: ", d->summary);
        if (!verbose && d->n_candidates > 1) {
            for (i = 1; i < d->n_candidates; i++)
                put(&o, "  or: ", iotls_cause_name(d->candidates[i].cause));
        }
        put(&o, "fix (iotls): ", d->fix_tool);
        put(&o, "fix (device): ", d->fix_device);
        put(&o, "fix (server): ", d->fix_server);
        put(&o, "see: ", d->doc);
        if (verbose) {
            for (i = 0; i < d->n_evidence; i++)
                put(&o, "evidence: ", d->evidence[i]);
            for (i = 0; i < d->n_candidates && d->n_candidates > 1; i++) {
                char line[IOTLS_DIAG_LINE + 48];
                snprintf(line, sizeof(line), "%u. %s: %s", i + 1,
                         iotls_cause_name(d->candidates[i].cause), d->candidates[i].why);
                put(&o, "candidate ", line);
            }
            for (i = 0; i < d->n_notes; i++)
                put(&o, "also: ", d->notes[i]);
        }
    }
    if (o.len > 0 && o.n >= o.len)
        buf[o.len - 1] = '\0';
    return (int)o.n;
}
