/*
 * Diagnosis: what the ClientHello offered, judged against what public
 * servers accept, and the side notes that hold whatever the cause.
 *
 * "Accepted by public servers" means ECDHE (or TLS 1.3) with an AEAD cipher,
 * for both ECDSA and RSA certificates: an offer that covers only one
 * certificate type fails on every server holding the other (the seed case's
 * offer covered ECDSA only, plus static-ECDH and PSK suites nobody serves).
 */
#include <stdio.h>
#include <string.h>

#include "diagnose_int.h"
#include "iotls/conn.h"

enum suite_kind { K_OTHER, K_ECDSA, K_RSA, K_ANY, K_STATIC_ECDH, K_PSK };

static enum suite_kind suite_kind(uint16_t id)
{
    switch (id) {
    case 0xc02b:
    case 0xc02c:
    case 0xcca9: return K_ECDSA;
    case 0xc02f:
    case 0xc030:
    case 0xcca8:
    case 0x009e:
    case 0x009f:
    case 0xccaa: return K_RSA;
    case 0x1301:
    case 0x1302:
    case 0x1303: return K_ANY;
    default: break;
    }
    if ((id >= 0xc001 && id <= 0xc005) || (id >= 0xc00b && id <= 0xc00f) || id == 0xc025 ||
        id == 0xc026 || id == 0xc029 || id == 0xc02a || id == 0xc02d || id == 0xc02e ||
        id == 0xc031 || id == 0xc032)
        return K_STATIC_ECDH;
    if ((id >= 0x008a && id <= 0x0095) || (id >= 0x00a8 && id <= 0x00b9) ||
        (id >= 0xc033 && id <= 0xc03b) || (id >= 0xc0a4 && id <= 0xc0ab) ||
        (id >= 0xccab && id <= 0xccae) || (id >= 0xd001 && id <= 0xd005) || id == 0x002c ||
        id == 0x002d || id == 0x002e)
        return K_PSK;
    return K_OTHER;
}

void iotls_diag_offer_judge(const iotls_error *e, iotls_diag_offer *o)
{
    const iotls_hello *h = &e->wire.client_hello;
    unsigned i;
    memset(o, 0, sizeof(*o));
    if (!e->wire.client_hello_seen)
        return;
    o->known = 1;
    for (i = 0; i < h->n_suites; i++) {
        switch (suite_kind(h->suites[i])) {
        case K_ECDSA: o->modern_ecdsa++; break;
        case K_RSA: o->modern_rsa++; break;
        case K_ANY:
            o->modern_ecdsa++;
            o->modern_rsa++;
            break;
        case K_STATIC_ECDH:
        case K_PSK: o->legacy++; break;
        case K_OTHER: break;
        }
    }
    /* Only judge what was kept: a list longer than the evidence buffer is
     * anything but narrow. */
    o->narrow_suites =
        h->total_suites <= h->n_suites && (o->modern_ecdsa == 0 || o->modern_rsa == 0);
    if (h->n_groups == 0) {
        o->has_common_group = 1; /* no extension: the server may pick */
    } else {
        for (i = 0; i < h->n_groups; i++)
            if (h->groups[i] == 0x001d || h->groups[i] == 0x0017 || h->groups[i] == 0x0018)
                o->has_common_group = 1;
        o->single_group = h->n_groups == 1;
    }
    if (h->n_sig_algs == 0) {
        o->sig_rsa = o->sig_ecdsa = 1; /* TLS 1.2 default: SHA-1 with either */
    } else {
        for (i = 0; i < h->n_sig_algs; i++) {
            uint16_t s = h->sig_algs[i];
            if ((s & 0xff) == 0x01 || (s >= 0x0804 && s <= 0x0806) || (s >= 0x0809 && s <= 0x080b))
                o->sig_rsa = 1;
            if ((s & 0xff) == 0x03 && s < 0x0800)
                o->sig_ecdsa = 1;
        }
    }
    o->old_version = h->version < 0x0303;
    for (i = 0; i < h->n_versions; i++)
        if (h->versions[i] >= 0x0303)
            o->old_version = 0;
}

const char *iotls_diag_suite_text(uint16_t id, char *buf, size_t len)
{
    const char *n = iotls_suite_name(id);
    char shortname[64];
    size_t i = 0, o = 0;
    if (n == NULL || n[0] == '\0') {
        snprintf(buf, len, "%04x", id);
        return buf;
    }
    /* "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256" -> "ECDHE-ECDSA-AES-128-GCM-SHA256":
     * the lists must fit one evidence line. */
    if (strncmp(n, "TLS-", 4) == 0)
        i = 4;
    while (n[i] != '\0' && o + 1 < sizeof(shortname)) {
        if (strncmp(n + i, "-WITH-", 6) == 0) {
            shortname[o++] = '-';
            i += 6;
            continue;
        }
        shortname[o++] = n[i++];
    }
    shortname[o] = '\0';
    snprintf(buf, len, "%04x %s", id, shortname);
    return buf;
}

const char *iotls_diag_group_text(uint16_t id, char *buf, size_t len)
{
    const char *n = iotls_group_name(id);
    if (n != NULL && n[0] != '\0')
        snprintf(buf, len, "%s", n);
    else
        snprintf(buf, len, "group 0x%04x", id);
    return buf;
}

void iotls_diag_list_text(const uint16_t *ids, size_t n, size_t total,
                          const char *(*name)(uint16_t, char *, size_t), char *buf, size_t len)
{
    size_t i, used = 0;
    char one[80];
    if (len == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        int r =
            snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name(ids[i], one, sizeof(one)));
        if (r < 0 || (size_t)r >= len - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)r;
    }
    if (total > n && used + 24 < len)
        snprintf(buf + used, len - used, " (+%u more)", (unsigned)(total - n));
    if (n == 0)
        snprintf(buf, len, "none");
}

const char *iotls_diag_hs_label(uint8_t type)
{
    switch (type) {
    case 0: return "HelloRequest";
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 8: return "EncryptedExtensions";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 14: return "ServerHelloDone";
    case 15: return "CertificateVerify";
    case 16: return "ClientKeyExchange";
    case 20: return "Finished";
    case 22: return "CertificateStatus";
    default: return "unknown";
    }
}

static int is_cause_or_candidate(const iotls_diagnosis *d, iotls_cause c)
{
    unsigned i;
    if (d->cause == c)
        return 1;
    for (i = 0; i < d->n_candidates; i++)
        if (d->candidates[i].cause == c)
            return 1;
    return 0;
}

static void trust_notes(iotls_diag_ctx *x)
{
    const iotls_trust *t = x->in->trust;
    unsigned i;
    if (t == NULL || t->skipped == 0 || x->d->cause == IOTLS_CAUSE_CA_LOAD_ERROR)
        return;
    /* The trust causes already give the counts as evidence. */
    if (x->d->cause != IOTLS_CAUSE_UNKNOWN_CA && x->d->cause != IOTLS_CAUSE_INCOMPLETE_CHAIN &&
        x->d->cause != IOTLS_CAUSE_SELF_SIGNED)
        iotls_diag_add_note(x, "trust store %s: %u certificate(s) loaded, %u skipped",
                            t->origin[0] ? t->origin : "(unnamed)", (unsigned)t->loaded,
                            (unsigned)t->skipped);
    for (i = 0; i < t->n_issues && i < 2; i++) {
        const iotls_trust_issue *s = &t->issues[i];
        iotls_diag_add_note(x, "skipped: certificate #%u of %s (line %u): %s (-0x%04x)%s%s%s",
                            (unsigned)s->index, s->source, (unsigned)s->line,
                            iotls_trust_reason(s->mbedtls_code), (0u - (unsigned)s->mbedtls_code),
                            s->subject[0] ? ", subject \"" : "", s->subject,
                            s->subject[0] ? "\"" : "");
    }
}

void iotls_diag_side_notes(iotls_diag_ctx *x)
{
    iotls_diagnosis *d = x->d;
    iotls_diag_offer o;
    char when[40], built[40];

    trust_notes(x);

    iotls_diag_offer_judge(x->e, &o);
    if (o.known && o.narrow_suites && !is_cause_or_candidate(d, IOTLS_CAUSE_NO_SHARED_CIPHER))
        iotls_diag_add_note(x,
                            "narrow offer: %d suite(s) for ECDSA certificates and %d for RSA "
                            "among the ECDHE-AEAD suites servers accept; %d static-ECDH/PSK "
                            "suite(s) servers do not accept",
                            o.modern_ecdsa, o.modern_rsa, o.legacy);
    if (o.known && (o.single_group || !o.has_common_group) &&
        !is_cause_or_candidate(d, IOTLS_CAUSE_NO_SHARED_GROUP)) {
        char g[160];
        iotls_diag_list_text(x->e->wire.client_hello.groups, x->e->wire.client_hello.n_groups,
                             x->e->wire.client_hello.n_groups, iotls_diag_group_text, g, sizeof(g));
        iotls_diag_add_note(
            x, "narrow offer: groups %s only; offer x25519, secp256r1 and secp384r1", g);
    }
    if (iotls_diag_sni_differs(x) && !is_cause_or_candidate(d, IOTLS_CAUSE_SNI_REJECTED) &&
        d->cause != IOTLS_CAUSE_HOSTNAME_MISMATCH)
        iotls_diag_add_note(x, "ClientHello SNI \"%s\" differs from the dialed host \"%s\"", x->sni,
                            x->host);
    if (x->e->wall_time >= 0 && iotls_diag_clock_bad(x) && d->cause != IOTLS_CAUSE_CLOCK_NOT_SET) {
        iotls_diag_time_text(x->e->wall_time, when, sizeof(when));
        if (x->in->build_time > 0) {
            iotls_diag_time_text(x->in->build_time, built, sizeof(built));
            iotls_diag_add_note(x,
                                "the local clock (%s) is before the build date (%s): set it "
                                "(SNTP) before checking certificates",
                                when, built);
        } else {
            iotls_diag_add_note(x,
                                "the local clock (%s) is obviously wrong: set it (SNTP) before "
                                "checking certificates",
                                when);
        }
    }
}

int iotls_diag_maybe_tls13_intolerant(const iotls_error *e)
{
    const iotls_hello *ch = &e->wire.client_hello;
    int v13 = 0, v12 = 0;
    unsigned i;

    if (!e->wire.client_hello_seen || e->wire.server_hello_seen || e->wire.bytes_received != 0 ||
        (e->code != IOTLS_ERR_PEER_CLOSED && e->code != IOTLS_ERR_RESET))
        return 0;
    for (i = 0; i < ch->n_versions && i < sizeof ch->versions / sizeof ch->versions[0]; i++) {
        v13 |= ch->versions[i] == 0x0304;
        v12 |= ch->versions[i] == 0x0303;
    }
    return v13 && v12;
}
