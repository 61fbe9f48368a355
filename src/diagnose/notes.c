/*
 * Diagnosis: the side notes that hold whatever the cause (trust store
 * issues, a narrow offer, an SNI other than the host, a clock before the
 * build date), added after the rules concluded: the seed case showed that
 * the next failure hides behind the first.
 */
#include <stdio.h>
#include <string.h>

#include "diagnose/rules.h"
#include "iotls/conn.h"

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
    if (!x->offline && x->e->wall_time >= 0 && iotls_diag_clock_bad(x) &&
        d->cause != IOTLS_CAUSE_CLOCK_NOT_SET) {
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

