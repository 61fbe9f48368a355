/*
 * Diagnosis, bottom layer: the facts the rules read and the appenders they
 * write evidence with. Knows no cause and no fix text (those are the layers
 * above: rules -> fix.h -> evidence.h).
 *
 * "Accepted by public servers" means ECDHE (or TLS 1.3) with an AEAD cipher,
 * for both ECDSA and RSA certificates: an offer that covers only one
 * certificate type fails on every server holding the other (the seed case's
 * offer covered ECDSA only, plus static-ECDH and PSK suites nobody serves).
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

#include "diagnose/evidence.h"
#include "iotls_internal.h"
#include "iotls/conn.h"

#if IOTLS_DIAG_TEXT
void iotls_diag_time_text(int64_t t, char *buf, size_t len)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400, z, era, doe, yoe, y, doy, mp;
    unsigned d, m;
    /* civil_from_days, the inverse of days_from_civil */
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    y += m <= 2;
    snprintf(buf, len, "%04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)y, m, d,
             (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}
#endif

int iotls_diag_streq_nocase(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = *a, cb = *b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (char)(cb - 'A' + 'a');
        if (ca != cb)
            return 0;
        if (ca == '\0')
            return 1;
    }
}

int iotls_diag_sni_differs(const iotls_diag_ctx *x)
{
    return x->sni != NULL && x->host[0] != '\0' && !iotls_diag_streq_nocase(x->sni, x->host);
}

int iotls_diag_clock_bad(const iotls_diag_ctx *x)
{
    /* Without a build date, anything before 2020 is still obviously wrong. */
    int64_t floor = x->in->build_time > 0 ? x->in->build_time - 86400 : 1577836800;
    return x->e->wall_time < 0 || x->e->wall_time < floor;
}

void iotls_diag_add_candidate_id(iotls_diag_ctx *x, iotls_cause c)
{
    if (x->d->n_candidates < IOTLS_DIAG_MAX_CANDIDATES)
        x->d->candidates[x->d->n_candidates++].cause = c;
}

#if IOTLS_DIAG_TEXT
static void vline(char *dst, const char *fmt, va_list ap)
{
    vsnprintf(dst, IOTLS_DIAG_LINE, fmt, ap);
}

void iotls_diag_add_evidence(iotls_diag_ctx *x, const char *fmt, ...)
{
    va_list ap;
    if (x->d->n_evidence >= IOTLS_DIAG_MAX_EVIDENCE)
        return;
    va_start(ap, fmt);
    vline(x->d->evidence[x->d->n_evidence++], fmt, ap);
    va_end(ap);
}

void iotls_diag_add_note(iotls_diag_ctx *x, const char *fmt, ...)
{
    va_list ap;
    if (x->d->n_notes >= IOTLS_DIAG_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vline(x->d->notes[x->d->n_notes++], fmt, ap);
    va_end(ap);
}

void iotls_diag_add_candidate(iotls_diag_ctx *x, iotls_cause c, const char *fmt, ...)
{
    va_list ap;
    unsigned n = x->d->n_candidates;
    iotls_diag_add_candidate_id(x, c);
    if (x->d->n_candidates == n)
        return;
    va_start(ap, fmt);
    vline(x->d->candidates[n].why, fmt, ap);
    va_end(ap);
}

void iotls_diag_summary(iotls_diag_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(x->d->summary, fmt, ap);
    va_end(ap);
}
#endif /* IOTLS_DIAG_TEXT */

int iotls_diag_mbedtls_alloc(int code)
{
    /* Mbed TLS error codes mix a high part (module) and a low part. */
    unsigned m = 0u - (unsigned)code; /* no signed negation: code may be INT_MIN */
    int lo = -(int)(m & 0x7Fu), hi = -(int)(m & 0xFF80u);
    return code == MBEDTLS_ERR_SSL_ALLOC_FAILED || hi == MBEDTLS_ERR_X509_ALLOC_FAILED ||
           hi == MBEDTLS_ERR_PK_ALLOC_FAILED || hi == MBEDTLS_ERR_ECP_ALLOC_FAILED ||
           hi == MBEDTLS_ERR_CIPHER_ALLOC_FAILED || hi == MBEDTLS_ERR_MD_ALLOC_FAILED ||
           lo == MBEDTLS_ERR_MPI_ALLOC_FAILED || lo == MBEDTLS_ERR_ASN1_ALLOC_FAILED;
}

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

#if IOTLS_DIAG_TEXT
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
    /* Room kept for the " (+N more)" marker, so a cut list always says so. */
    const size_t marker = 16;
    size_t i, used = 0;
    char one[80];
    if (len == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t room = len - used > marker ? len - used - marker : 0;
        int r = snprintf(buf + used, room, "%s%s", i ? ", " : "", name(ids[i], one, sizeof(one)));
        if (r < 0 || (size_t)r >= room) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)r;
    }
    if (total > i)
        snprintf(buf + used, len - used, " (+%u more)", (unsigned)(total - i));
    if (n == 0 && total == 0)
        snprintf(buf, len, "none");
}
#endif

const char *iotls_diag_hs_label(uint8_t type)
{
    const char *n = iotls_hs_msg_name(type);
    return n != NULL ? n : "unknown";
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
