/*
 * The record tap: a streaming parser of the TLS records crossing the
 * socket, in both directions, filling iotls_wire with what the hellos
 * offered and chose, the handshake messages received and any plaintext
 * alert.
 *
 * It never parses an encrypted record: in TLS 1.2 everything after a
 * ChangeCipherSpec, in TLS 1.3 every application_data record (all that
 * follows the ServerHello; TLS 1.3's ChangeCipherSpec is a dummy for
 * middleboxes and changes nothing). Those are counted, not parsed, so the
 * tap cannot leak application data. It also tells a HelloRetryRequest
 * (a ServerHello with a fixed random, RFC 8446 4.1.3) from the real one. It tolerates
 * records split across reads and handshake messages split across records:
 * each direction is a small state machine fed byte runs of any length. Only
 * the first TAP_KEEP bytes of the messages it parses (ClientHello,
 * ServerHello, ServerKeyExchange, TLS 1.2's CertificateRequest: the CA
 * names it lists) are kept; longer lists are counted from their length
 * fields and kept truncated.
 */
#include <string.h>

#include "mbedtls/ssl.h"

#include "iotls_internal.h"

#ifndef IOTLS_TAP_KEEP
#define IOTLS_TAP_KEEP 512
#endif

#define REC_CCS 20
#define REC_ALERT 21
#define REC_HANDSHAKE 22
#define REC_APP_DATA 23

/* SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

typedef struct tap_dir {
    uint8_t hdr[5];
    uint8_t hdr_len;       /* record header bytes collected */
    uint8_t rec_type;
    uint8_t encrypted;     /* a ChangeCipherSpec went by */
    uint8_t dead;          /* stream is not TLS: stop parsing */
    uint32_t rec_left;     /* body bytes of the current record to come */
    uint8_t hs_hdr[4];
    uint8_t hs_hdr_len;
    uint8_t hs_type;
    uint32_t hs_len;       /* body length of the current handshake message */
    uint32_t hs_left;
    uint16_t hs_kept;
    uint8_t alert[2];
    uint8_t alert_len;
    uint16_t rec_version;  /* version field of the current record */
    /* Counting the certificates of an outgoing Certificate message as it
     * streams by (a chain is larger than what is kept of a body). */
    uint8_t cl_phase;      /* 0: list length, 1: a certificate's length, 2: its body */
    uint8_t cl_len_got;
    uint32_t cl_len;       /* length being read */
    uint32_t cl_left;      /* certificate_list bytes to come */
    uint32_t cert_left;    /* bytes of the current certificate to come */
    uint8_t n_certs;
    uint8_t body[IOTLS_TAP_KEEP];
} tap_dir;

struct iotls_tap {
    iotls_wire *wire;
    tap_dir dir[2];
    uint16_t chosen_suite;
    uint8_t tls13;          /* the server chose TLS 1.3 */
    uint32_t max_plain_len; /* largest record received before encryption */
};

iotls_tap *iotls_tap_new(iotls_wire *wire)
{
    iotls_tap *t = (iotls_tap *)iotls_port_calloc(1, sizeof *t);

    if (t != NULL)
        t->wire = wire;
    return t;
}

void iotls_tap_delete(iotls_tap *tap)
{
    iotls_port_free(tap);
}

void iotls_tap_reset(iotls_tap *tap)
{
    iotls_wire *w;

    if (tap == NULL)
        return;
    w = tap->wire;
    memset(tap, 0, sizeof *tap);
    tap->wire = w;
}

int iotls_tap_encrypted(const iotls_tap *tap, int dir)
{
    return tap != NULL && tap->dir[dir].encrypted;
}

uint32_t iotls_tap_max_plain_len(const iotls_tap *tap)
{
    return tap != NULL ? tap->max_plain_len : 0;
}

/* ---- hello parsing: bounds-checked reads over the kept bytes ---- */

typedef struct rd {
    const uint8_t *p;
    size_t left;
    int bad; /* ran past the kept bytes */
} rd;

static unsigned rd_u8(rd *r)
{
    if (r->left < 1) {
        r->bad = 1;
        return 0;
    }
    r->left--;
    return *r->p++;
}

static unsigned rd_u16(rd *r)
{
    unsigned hi = rd_u8(r);
    return (hi << 8) | rd_u8(r);
}

static void rd_skip(rd *r, size_t n)
{
    if (r->left < n) {
        r->bad = 1;
        r->p += r->left;
        r->left = 0;
        return;
    }
    r->p += n;
    r->left -= n;
}

/* A sub-reader over the next n bytes (clipped to what was kept). */
static rd rd_sub(rd *r, size_t n)
{
    rd s;

    s.p = r->p;
    s.left = n < r->left ? n : r->left;
    s.bad = 0;
    rd_skip(r, n);
    return s;
}

static void parse_u16_list(rd *r, uint16_t *out, uint8_t *n, size_t max)
{
    *n = 0;
    while (r->left >= 2) {
        unsigned v = rd_u16(r);
        if (*n < max)
            out[(*n)++] = (uint16_t)v;
    }
}

static void parse_sni(rd *r, iotls_hello *h)
{
    rd list = rd_sub(r, rd_u16(r));

    while (!list.bad && list.left >= 3) {
        unsigned type = rd_u8(&list);
        unsigned len = rd_u16(&list);
        rd name = rd_sub(&list, len);
        if (type == 0 && !h->has_sni) {
            size_t k = name.left < IOTLS_MAX_HOSTNAME ? name.left : IOTLS_MAX_HOSTNAME;
            memcpy(h->sni, name.p, k);
            h->sni[k] = '\0';
            h->has_sni = 1;
        }
    }
}

/* key_share (RFC 8446 4.2.8): the client's list of shares, the server's
 * one share, or a HelloRetryRequest's bare selected_group. */
static void parse_key_share(rd *e, iotls_wire *w, int is_client, int is_hrr)
{
    if (is_client) {
        rd l = rd_sub(e, rd_u16(e));
        w->n_ch_key_shares = 0;
        while (!l.bad && l.left >= 4) {
            unsigned g = rd_u16(&l);
            rd_skip(&l, rd_u16(&l));
            if (w->n_ch_key_shares < sizeof w->ch_key_shares / sizeof w->ch_key_shares[0])
                w->ch_key_shares[w->n_ch_key_shares++] = (uint16_t)g;
        }
    } else if (e->left >= 2) {
        unsigned g = rd_u16(e);
        if (is_hrr)
            w->hrr_group = (uint16_t)g;
        else
            w->sh_key_share = (uint16_t)g;
    }
}

static void parse_extensions(rd *r, iotls_hello *h, int is_client, iotls_wire *w, int is_hrr)
{
    rd all;

    if (r->left < 2)
        return;
    all = rd_sub(r, rd_u16(r));
    while (!all.bad && all.left >= 4) {
        unsigned type = rd_u16(&all);
        unsigned len = rd_u16(&all);
        rd e = rd_sub(&all, len);

        if (h->n_exts < IOTLS_EV_MAX_EXTS)
            h->exts[h->n_exts++] = (uint16_t)type;
        switch (type) {
        case 0: /* server_name; the server's answer is empty */
            if (is_client)
                parse_sni(&e, h);
            break;
        case 10: { /* supported_groups */
            rd l = rd_sub(&e, rd_u16(&e));
            parse_u16_list(&l, h->groups, &h->n_groups, IOTLS_EV_MAX_GROUPS);
            break;
        }
        case 13: { /* signature_algorithms */
            rd l = rd_sub(&e, rd_u16(&e));
            parse_u16_list(&l, h->sig_algs, &h->n_sig_algs, IOTLS_EV_MAX_SIGALGS);
            break;
        }
        case 51: /* key_share */
            parse_key_share(&e, w, is_client, is_hrr);
            break;
        case 43: /* supported_versions: a list from the client, one from the server */
            if (is_client) {
                rd l = rd_sub(&e, rd_u8(&e));
                parse_u16_list(&l, h->versions, &h->n_versions, 4);
            } else {
                parse_u16_list(&e, h->versions, &h->n_versions, 4);
            }
            break;
        default:
            break;
        }
    }
}

static void parse_client_hello(const uint8_t *b, size_t n, iotls_hello *h, iotls_wire *w)
{
    rd r, suites;
    unsigned total;

    r.p = b;
    r.left = n;
    r.bad = 0;
    memset(h, 0, sizeof *h);
    h->version = (uint16_t)rd_u16(&r);
    rd_skip(&r, 32);              /* random */
    rd_skip(&r, rd_u8(&r));       /* session id */
    total = rd_u16(&r);
    h->total_suites = (uint16_t)(total / 2);
    suites = rd_sub(&r, total);
    while (suites.left >= 2) {
        unsigned v = rd_u16(&suites);
        if (h->n_suites < IOTLS_EV_MAX_SUITES)
            h->suites[h->n_suites++] = (uint16_t)v;
    }
    rd_skip(&r, rd_u8(&r));       /* compression methods */
    if (!r.bad)
        parse_extensions(&r, h, 1, w, 0);
}

/* Returns 1 when it was a HelloRetryRequest. */
static int parse_server_hello(iotls_tap *t, const uint8_t *b, size_t n, iotls_hello *h)
{
    iotls_wire *w = t->wire;
    rd r;
    unsigned suite;
    int is_hrr;

    r.p = b;
    r.left = n;
    r.bad = 0;
    memset(h, 0, sizeof *h);
    h->version = (uint16_t)rd_u16(&r);
    is_hrr = r.left >= 32 && memcmp(r.p, hrr_random, 32) == 0;
    rd_skip(&r, 32);
    rd_skip(&r, rd_u8(&r));
    suite = rd_u16(&r);
    if (r.bad)
        return is_hrr;
    h->suites[0] = (uint16_t)suite;
    h->n_suites = 1;
    h->total_suites = 1;
    t->chosen_suite = (uint16_t)suite;
    rd_skip(&r, 1);               /* compression method */
    if (!r.bad)
        parse_extensions(&r, h, 0, w, is_hrr);
    if (is_hrr) {
        w->hrr_seen = 1;
        return 1;
    }
    w->sh_version = h->n_versions > 0 ? h->versions[0] : h->version;
    t->tls13 = w->sh_version == 0x0304;
    return 0;
}

static int suite_is_ecdhe(uint16_t id)
{
    /* The suite's key exchange is private in Mbed TLS 3.6; its name says
     * it ("TLS-ECDHE-RSA-WITH-...", also for the ECDHE-PSK ones). */
    const char *name = mbedtls_ssl_get_ciphersuite_name((int)id);

    return name != NULL && strstr(name, "ECDHE") != NULL;
}

/* A complete (possibly truncated-kept) handshake message. */
static void on_handshake(iotls_tap *t, int dir, uint8_t type, const uint8_t *b, size_t kept)
{
    iotls_wire *w = t->wire;

    if (dir == IOTLS_TAP_OUT) {
        if (type == 1 && !w->client_hello_seen) {
            parse_client_hello(b, kept, &w->client_hello, w);
            w->client_hello_seen = 1;
        } else if (type == 11 && !w->client_cert_msg_sent) {
            /* TLS 1.2: sent in the clear, empty when no certificate is
             * configured (RFC 5246 section 7.4.6) */
            w->client_cert_msg_sent = 1;
            w->client_certs_sent = t->dir[dir].n_certs;
        } else if (type == 15) {
            w->cert_verify_sent = 1;
        }
        return;
    }
    if (w->n_hs_msgs < IOTLS_EV_MAX_HS_MSGS)
        w->hs_msgs[w->n_hs_msgs++] = type;
    switch (type) {
    case 2:
        /* The ServerHello that follows a HelloRetryRequest replaces it. */
        if (!w->server_hello_seen || (w->hrr_seen && w->sh_version == 0)) {
            parse_server_hello(t, b, kept, &w->server_hello);
            w->server_hello_seen = 1;
            w->sni_acked = 0;
            for (uint8_t i = 0; i < w->server_hello.n_exts; i++)
                if (w->server_hello.exts[i] == 0)
                    w->sni_acked = 1;
        }
        break;
    case 12: /* ServerKeyExchange: ECParameters start with curve_type 3 (named) */
        if (kept >= 3 && b[0] == 3 && suite_is_ecdhe(t->chosen_suite)) {
            w->ske_group = (uint16_t)(b[1] << 8 | b[2]);
            /* TLS 1.2 (RFC 5246 7.4.3): the point, then the signature
             * scheme the server chose from our signature_algorithms. */
            if (kept >= 4 && w->server_hello.version >= 0x0303 && kept >= 6u + b[3])
                w->ske_sig_alg = (uint16_t)(b[4 + b[3]] << 8 | b[5 + b[3]]);
        }
        break;
    case 13:
        w->cert_request_seen = 1;
        /* RFC 5246 7.4.4: certificate_types<1..255>, TLS 1.2's
         * supported_signature_algorithms<2..2^16-2>, then the CAs */
        if (kept >= 1 && w->server_hello.version >= 0x0303 && kept >= 3u + b[0]) {
            size_t at = 1u + b[0], sa = (size_t)(b[at] << 8 | b[at + 1]);
            if (kept >= at + 2 + sa)
                iotls_wire_ca_list(w, b + at + 2 + sa, kept - (at + 2 + sa));
        }
        break;
    default:
        break;
    }
}

static int wants_body(int dir, uint8_t type)
{
    return dir == IOTLS_TAP_OUT ? type == 1 : (type == 2 || type == 12 || type == 13);
}

/* Certificate (RFC 5246 7.4.2): a 3-byte list length, then per certificate
 * a 3-byte length and the DER. Counts the certificates of the bytes p..p+n
 * of the message body, whatever the split. */
static void count_certs(tap_dir *d, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (d->cl_phase == 2) {
            size_t k = n < d->cert_left ? n : d->cert_left;
            p += k;
            n -= k;
            d->cert_left -= (uint32_t)k;
            d->cl_left -= (uint32_t)k;
            if (d->cert_left == 0)
                d->cl_phase = 1;
            continue;
        }
        if (d->cl_phase == 1 && d->cl_left == 0)
            return; /* the list is over; anything more is not ours to count */
        d->cl_len = d->cl_len << 8 | *p++;
        n--;
        if (d->cl_phase == 1)
            d->cl_left--;
        if (++d->cl_len_got < 3)
            continue;
        d->cl_len_got = 0;
        if (d->cl_phase == 0) {
            d->cl_left = d->cl_len;
            d->cl_phase = 1;
        } else {
            if (d->n_certs < 255)
                d->n_certs++;
            d->cert_left = d->cl_len < d->cl_left ? d->cl_len : d->cl_left;
            d->cl_phase = d->cert_left > 0 ? 2 : 1;
        }
        d->cl_len = 0;
    }
}

static void feed_handshake(iotls_tap *t, int dir, const uint8_t *p, size_t n)
{
    tap_dir *d = &t->dir[dir];

    while (n > 0) {
        if (d->hs_hdr_len < 4) {
            d->hs_hdr[d->hs_hdr_len++] = *p++;
            n--;
            if (d->hs_hdr_len == 4) {
                d->hs_type = d->hs_hdr[0];
                d->hs_len = (uint32_t)d->hs_hdr[1] << 16 | (uint32_t)d->hs_hdr[2] << 8 |
                            d->hs_hdr[3];
                d->hs_left = d->hs_len;
                d->hs_kept = 0;
                d->cl_phase = 0;
                d->cl_len_got = 0;
                d->cl_len = 0;
                d->cl_left = 0;
                d->cert_left = 0;
                d->n_certs = 0;
            } else {
                continue;
            }
        } else {
            size_t k = n < d->hs_left ? n : d->hs_left;
            if (wants_body(dir, d->hs_type) && d->hs_kept < IOTLS_TAP_KEEP) {
                size_t room = (size_t)IOTLS_TAP_KEEP - d->hs_kept;
                size_t c = k < room ? k : room;
                memcpy(d->body + d->hs_kept, p, c);
                d->hs_kept = (uint16_t)(d->hs_kept + c);
            }
            if (dir == IOTLS_TAP_OUT && d->hs_type == 11)
                count_certs(d, p, k);
            p += k;
            n -= k;
            d->hs_left -= (uint32_t)k;
        }
        if (d->hs_hdr_len == 4 && d->hs_left == 0) {
            on_handshake(t, dir, d->hs_type, d->body, d->hs_kept);
            d->hs_hdr_len = 0;
        }
    }
}

static void on_alert(iotls_tap *t, int dir, uint8_t level, uint8_t desc)
{
    iotls_wire *w = t->wire;
    int16_t *lv = dir == IOTLS_TAP_IN ? &w->alert_received_level : &w->alert_sent_level;
    int16_t *ds = dir == IOTLS_TAP_IN ? &w->alert_received : &w->alert_sent;

    /* Keep the first fatal alert; a warning only until something better. */
    if (*ds == IOTLS_ALERT_NONE || (*lv != 2 && level == 2)) {
        *lv = level;
        *ds = desc;
        if (dir == IOTLS_TAP_IN)
            w->alert_received_version = t->dir[dir].rec_version;
    }
}

static void record_body(iotls_tap *t, int dir, const uint8_t *p, size_t n)
{
    tap_dir *d = &t->dir[dir];

    if (d->encrypted)
        return;
    switch (d->rec_type) {
    case REC_HANDSHAKE:
        feed_handshake(t, dir, p, n);
        break;
    case REC_ALERT:
        while (n > 0) {
            d->alert[d->alert_len++] = *p++;
            n--;
            if (d->alert_len == 2) {
                on_alert(t, dir, d->alert[0], d->alert[1]);
                d->alert_len = 0;
            }
        }
        break;
    default:
        break;
    }
}

static void record_header(iotls_tap *t, int dir)
{
    tap_dir *d = &t->dir[dir];
    iotls_wire *w = t->wire;
    uint32_t len = (uint32_t)d->hdr[3] << 8 | d->hdr[4];

    if (d->hdr[0] < 20 || d->hdr[0] > 23 || d->hdr[1] != 3) {
        /* Not a record: stop parsing this direction (flag the peer). */
        d->dead = 1;
        if (dir == IOTLS_TAP_IN && w->records_received == 0)
            w->not_tls = 1;
        return;
    }
    d->rec_type = d->hdr[0];
    d->rec_left = len;
    /* application_data is always encrypted; in TLS 1.3 it is also every
     * handshake message after the ServerHello, and alerts. */
    if (d->rec_type == REC_APP_DATA)
        d->encrypted = 1;
    d->rec_version = (uint16_t)(d->hdr[1] << 8 | d->hdr[2]);
    if (dir == IOTLS_TAP_IN) {
        /* An encrypted alert is never parsed here: its record's version
         * is all the tap can keep of it. */
        if (d->rec_type == REC_ALERT && d->encrypted && w->alert_received_version == 0)
            w->alert_received_version = d->rec_version;
        w->records_received++;
        if (len > w->max_record_len)
            w->max_record_len = len;
        if (!d->encrypted && len > t->max_plain_len)
            t->max_plain_len = len;
    }
    /* A ChangeCipherSpec: what follows in this direction is encrypted. The
     * CCS body itself (one byte) is still read as a plain record. */
}

void iotls_tap_feed(iotls_tap *t, int dir, const unsigned char *buf, size_t len)
{
    tap_dir *d;
    iotls_wire *w;

    if (t == NULL || buf == NULL || (dir != IOTLS_TAP_IN && dir != IOTLS_TAP_OUT))
        return;
    d = &t->dir[dir];
    w = t->wire;
    if (dir == IOTLS_TAP_IN && w->n_first_bytes < IOTLS_EV_FIRST_BYTES) {
        size_t k = IOTLS_EV_FIRST_BYTES - w->n_first_bytes;
        if (k > len)
            k = len;
        memcpy(w->first_bytes + w->n_first_bytes, buf, k);
        w->n_first_bytes = (uint8_t)(w->n_first_bytes + k);
    }
    while (len > 0 && !d->dead) {
        if (d->hdr_len < 5) {
            d->hdr[d->hdr_len++] = *buf++;
            len--;
            if (d->hdr_len == 5) {
                record_header(t, dir);
                if (d->rec_left == 0 && !d->dead)
                    d->hdr_len = 0; /* empty record */
            }
            continue;
        } else {
            size_t k = len < d->rec_left ? len : d->rec_left;
            record_body(t, dir, buf, k);
            buf += k;
            len -= k;
            d->rec_left -= (uint32_t)k;
            if (d->rec_left == 0) {
                /* TLS 1.3's (compatibility mode) ChangeCipherSpec after a
                 * ServerHello or HelloRetryRequest keys nothing. */
                if (d->rec_type == REC_CCS && !t->tls13 && !w->hrr_seen)
                    d->encrypted = 1;
                d->hdr_len = 0;
            }
        }
    }
}

#define BOUND(n, arr) \
    do { \
        if ((size_t)(n) > sizeof(arr) / sizeof((arr)[0])) \
            (n) = (uint8_t)(sizeof(arr) / sizeof((arr)[0])); \
    } while (0)

static void hello_bound(iotls_hello *h)
{
    BOUND(h->n_suites, h->suites);
    BOUND(h->n_groups, h->groups);
    BOUND(h->n_sig_algs, h->sig_algs);
    BOUND(h->n_exts, h->exts);
    BOUND(h->n_versions, h->versions);
    h->sni[sizeof h->sni - 1] = '\0';
}

void iotls_wire_bound(iotls_wire *w)
{
    hello_bound(&w->client_hello);
    hello_bound(&w->server_hello);
    BOUND(w->n_hs_msgs, w->hs_msgs);
    BOUND(w->n_first_bytes, w->first_bytes);
    BOUND(w->cr_n_ca_hashes, w->cr_ca_hashes);
}

uint32_t iotls_wire_name_hash(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

void iotls_wire_ca_list(iotls_wire *w, const unsigned char *p, size_t n)
{
    size_t total, l;

    if (n < 2)
        return;
    total = (size_t)(p[0] << 8 | p[1]);
    p += 2;
    n -= 2;
    w->cr_cas_seen = 1;
    w->cr_n_cas = 0;
    w->cr_n_ca_hashes = 0;
    /* each name takes 2 bytes or more of total: bounded by it */
    while (total >= 2) {
        if (n < 2) {
            w->cr_cas_seen = 2; /* the rest was not kept */
            return;
        }
        l = (size_t)(p[0] << 8 | p[1]);
        if (l + 2 > total)
            return; /* malformed: Mbed TLS refuses it anyway */
        if (l + 2 > n) {
            w->cr_cas_seen = 2;
            if (w->cr_n_cas < 255)
                w->cr_n_cas++;
            return;
        }
        if (w->cr_n_cas < 255)
            w->cr_n_cas++;
        if (w->cr_n_ca_hashes < IOTLS_EV_MAX_CR_CAS)
            w->cr_ca_hashes[w->cr_n_ca_hashes++] = iotls_wire_name_hash(p + 2, l);
        else
            w->cr_cas_seen = 2;
        p += 2 + l;
        n -= 2 + l;
        total -= 2 + l;
    }
}

uint8_t iotls_wire_last_hs_msg(const iotls_wire *w)
{
    size_t n = w->n_hs_msgs;

    if (n == 0)
        return 0;
    if (n > sizeof w->hs_msgs)
        n = sizeof w->hs_msgs;
    return w->hs_msgs[n - 1];
}
