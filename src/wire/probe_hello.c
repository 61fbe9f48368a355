/*
 * The hello probe (see include/iotls/probe.h): build a ClientHello with any
 * lists, send it through the port, and read the server's first answer.
 *
 * The lists are the IANA registries as ranges of assigned values, so that
 * "everything" means everything a server could pick, in an order that puts
 * what servers prefer first (a server that follows the client's order then
 * names the best it supports, not the first legacy value it still accepts).
 *
 * The parser is stateless: it walks the bytes received so far from the
 * first one, each time. The answer is small (a few KB at most for TLS 1.2,
 * where the probe reads up to ServerHelloDone), so simplicity wins.
 */
#include <string.h>

#include "iotls/probe.h"

/* ---- the full lists ---- */

typedef struct range {
    uint16_t lo, hi;
} range;

/* What servers choose first; then every assigned value. */
static const uint16_t suite_first[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                       0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f, 0xccaa};
static const range suite_ranges[] = {
    {0x0001, 0x001b}, {0x001e, 0x0046}, {0x0067, 0x006d}, {0x0084, 0x00c7}, {0x1301, 0x1305},
    {0xc001, 0xc0b5}, {0xc100, 0xc106}, {0xcca8, 0xccae}, {0xd001, 0xd003}, {0xd005, 0xd005},
};
static const uint16_t group_first[] = {0x001d, 0x0017, 0x0018, 0x001e, 0x0019, 0x0100,
                                       0x0101, 0x0102, 0x0103, 0x0104, 0x11ec, 0x11eb,
                                       0x11ed, 0x0200, 0x0201, 0x0202};
static const range group_ranges[] = {{0x0001, 0x0029}};
static const uint16_t sig_first[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0603,
                                     0x0806, 0x0601, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b,
                                     0x081a, 0x081b, 0x081c, 0x0203, 0x0201, 0x0303, 0x0301,
                                     0x0202, 0x0302, 0x0402, 0x0502, 0x0602};
static const uint16_t all_versions[] = {0x0304, 0x0303, 0x0302, 0x0301};

static int in_list(const uint16_t *l, size_t n, uint16_t v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (l[i] == v)
            return 1;
    return 0;
}

static size_t full_list(const uint16_t *first, size_t n_first, const range *r, size_t n_r,
                        uint16_t *out, size_t max)
{
    size_t n = 0, i;
    uint32_t v;
    for (i = 0; i < n_first; i++, n++)
        if (out != NULL && n < max)
            out[n] = first[i];
    for (i = 0; i < n_r; i++)
        for (v = r[i].lo; v <= r[i].hi; v++)
            if (!in_list(first, n_first, (uint16_t)v)) {
                if (out != NULL && n < max)
                    out[n] = (uint16_t)v;
                n++;
            }
    return n;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t iotls_probe_all_suites(uint16_t *out, size_t max)
{
    return full_list(suite_first, COUNT(suite_first), suite_ranges, COUNT(suite_ranges), out, max);
}

size_t iotls_probe_all_groups(uint16_t *out, size_t max)
{
    return full_list(group_first, COUNT(group_first), group_ranges, COUNT(group_ranges), out, max);
}

size_t iotls_probe_all_sig_algs(uint16_t *out, size_t max)
{
    return full_list(sig_first, COUNT(sig_first), NULL, 0, out, max);
}

void iotls_probe_offer_init(iotls_probe_offer *o)
{
    if (o != NULL)
        memset(o, 0, sizeof(*o));
}

const char *iotls_probe_outcome_name(iotls_probe_outcome o)
{
    switch (o) {
    case IOTLS_PROBE_SERVER_HELLO: return "server_hello";
    case IOTLS_PROBE_HELLO_RETRY: return "hello_retry";
    case IOTLS_PROBE_ALERT: return "alert";
    case IOTLS_PROBE_NOT_TLS: return "not_tls";
    case IOTLS_PROBE_CLOSED: return "closed";
    case IOTLS_PROBE_TIMEOUT: return "timeout";
    case IOTLS_PROBE_RESET: return "reset";
    case IOTLS_PROBE_MALFORMED: return "malformed";
    case IOTLS_PROBE_ERROR: return "error";
    case IOTLS_PROBE_NONE: break;
    }
    return "none";
}

/* ---- the builder ---- */

typedef struct wbuf {
    unsigned char *p;
    size_t len, n;
    int over;
} wbuf;

static void put8(wbuf *w, unsigned v)
{
    if (w->n < w->len)
        w->p[w->n] = (unsigned char)v;
    else
        w->over = 1;
    w->n++;
}

static void put16(wbuf *w, unsigned v)
{
    put8(w, v >> 8 & 0xff);
    put8(w, v & 0xff);
}

static void put_bytes(wbuf *w, const void *b, size_t n)
{
    const unsigned char *s = b;
    size_t i;
    for (i = 0; i < n; i++)
        put8(w, s[i]);
}

/* A length field of `size` bytes to fill in once its body is written. */
static size_t open_len(wbuf *w, int size)
{
    size_t at = w->n;
    while (size-- > 0)
        put8(w, 0);
    return at;
}

static void close_len(wbuf *w, size_t at, int size)
{
    size_t body = w->n - at - (size_t)size;
    int i;
    if (w->over || at + (size_t)size > w->len)
        return;
    for (i = size - 1; i >= 0; i--) {
        w->p[at + (size_t)i] = (unsigned char)(body & 0xff);
        body >>= 8;
    }
}

static void put_list16(wbuf *w, const uint16_t *l, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        put16(w, l[i]);
}

int iotls_probe_hello_build(const iotls_probe_offer *o, const unsigned char rnd[96],
                            unsigned char *buf, size_t len, size_t *olen)
{
    uint16_t suites[400], groups[64], sigs[64];
    const uint16_t *vers;
    size_t n_suites, n_groups, n_sigs, n_vers, sni_len = 0, i;
    size_t rec, hs, exts, l;
    uint16_t top = 0;
    int tls13, share;
    wbuf w;

    if (o == NULL || rnd == NULL || buf == NULL || olen == NULL)
        return IOTLS_ERR_USAGE;
    if (o->suites != NULL) {
        if (o->n_suites == 0 || o->n_suites > COUNT(suites))
            return IOTLS_ERR_USAGE;
        memcpy(suites, o->suites, o->n_suites * sizeof(uint16_t));
        n_suites = o->n_suites;
    } else {
        n_suites = iotls_probe_all_suites(suites, COUNT(suites));
    }
    if (o->groups != NULL) {
        if (o->n_groups == 0 || o->n_groups > COUNT(groups))
            return IOTLS_ERR_USAGE;
        memcpy(groups, o->groups, o->n_groups * sizeof(uint16_t));
        n_groups = o->n_groups;
    } else {
        n_groups = iotls_probe_all_groups(groups, COUNT(groups));
    }
    if (o->sig_algs != NULL) {
        if (o->n_sig_algs == 0 || o->n_sig_algs > COUNT(sigs))
            return IOTLS_ERR_USAGE;
        memcpy(sigs, o->sig_algs, o->n_sig_algs * sizeof(uint16_t));
        n_sigs = o->n_sig_algs;
    } else {
        n_sigs = iotls_probe_all_sig_algs(sigs, COUNT(sigs));
    }
    vers = o->versions != NULL ? o->versions : all_versions;
    n_vers = o->versions != NULL ? o->n_versions : COUNT(all_versions);
    if (n_vers == 0 || n_vers > 8)
        return IOTLS_ERR_USAGE;
    for (i = 0; i < n_vers; i++) {
        if (vers[i] < 0x0300 || vers[i] > 0x0304)
            return IOTLS_ERR_USAGE;
        if (vers[i] > top)
            top = vers[i];
    }
    if (o->sni != NULL) {
        sni_len = strlen(o->sni);
        if (sni_len == 0 || sni_len > IOTLS_MAX_HOSTNAME)
            return IOTLS_ERR_USAGE;
        for (i = 0; i < sni_len; i++)
            if (o->sni[i] < 0x20 || o->sni[i] > 0x7e)
                return IOTLS_ERR_USAGE;
    }
    tls13 = top == 0x0304;
    share = tls13 && in_list(groups, n_groups, 0x001d);

    w.p = buf;
    w.len = len;
    w.n = 0;
    w.over = 0;
    /* Record header: version 0x0301 as clients send it for compatibility. */
    put8(&w, 22);
    put16(&w, 0x0301);
    rec = open_len(&w, 2);
    put8(&w, 1); /* client_hello */
    hs = open_len(&w, 3);
    put16(&w, tls13 ? 0x0303 : top); /* legacy_version */
    put_bytes(&w, rnd, 32);          /* random */
    put8(&w, 32);                    /* legacy_session_id (middlebox compat) */
    put_bytes(&w, rnd + 32, 32);
    l = open_len(&w, 2);
    put_list16(&w, suites, n_suites);
    close_len(&w, l, 2);
    put8(&w, 1); /* compression: null only */
    put8(&w, 0);
    exts = open_len(&w, 2);
    if (o->sni != NULL) {
        put16(&w, 0); /* server_name */
        put16(&w, (unsigned)(sni_len + 5));
        put16(&w, (unsigned)(sni_len + 3));
        put8(&w, 0); /* host_name */
        put16(&w, (unsigned)sni_len);
        put_bytes(&w, o->sni, sni_len);
    }
    put16(&w, 10); /* supported_groups */
    put16(&w, (unsigned)(2 * n_groups + 2));
    put16(&w, (unsigned)(2 * n_groups));
    put_list16(&w, groups, n_groups);
    put16(&w, 11); /* ec_point_formats: uncompressed */
    put16(&w, 2);
    put8(&w, 1);
    put8(&w, 0);
    put16(&w, 13); /* signature_algorithms */
    put16(&w, (unsigned)(2 * n_sigs + 2));
    put16(&w, (unsigned)(2 * n_sigs));
    put_list16(&w, sigs, n_sigs);
    put16(&w, 23); /* extended_master_secret */
    put16(&w, 0);
    put16(&w, 0xff01); /* renegotiation_info: initial handshake */
    put16(&w, 1);
    put8(&w, 0);
    if (tls13) {
        put16(&w, 43); /* supported_versions */
        put16(&w, (unsigned)(2 * n_vers + 1));
        put8(&w, (unsigned)(2 * n_vers));
        put_list16(&w, vers, n_vers);
        put16(&w, 45); /* psk_key_exchange_modes: psk_dhe_ke */
        put16(&w, 2);
        put8(&w, 1);
        put8(&w, 1);
        put16(&w, 51); /* key_share */
        if (share) {
            put16(&w, 2 + 4 + 32);
            put16(&w, 4 + 32);
            put16(&w, 0x001d);
            put16(&w, 32);
            put_bytes(&w, rnd + 64, 32);
        } else {
            put16(&w, 2); /* empty: the server must ask (HRR) */
            put16(&w, 0);
        }
    }
    /* Some servers choke on hellos of 256..511 bytes (RFC 7685): pad to 512. */
    if (!w.over && w.n - hs - 3 >= 256 - 4 && w.n - hs - 3 < 512 - 4) {
        size_t body = w.n - hs - 3; /* the message is body + 4 bytes */
        size_t pad = body + 4 <= 508 ? 508 - 4 - body : 0;
        put16(&w, 21);
        put16(&w, (unsigned)pad);
        for (i = 0; i < pad; i++)
            put8(&w, 0);
    }
    close_len(&w, exts, 2);
    close_len(&w, hs, 3);
    close_len(&w, rec, 2);
    if (w.over || w.n - 5 > 16384)
        return IOTLS_ERR_USAGE;
    *olen = w.n;
    return IOTLS_OK;
}

/* ---- the parsers ---- */

typedef struct rbuf {
    const unsigned char *p;
    size_t len, at;
    int bad;
} rbuf;

static unsigned get8(rbuf *r)
{
    if (r->at + 1 > r->len) {
        r->bad = 1;
        return 0;
    }
    return r->p[r->at++];
}

static unsigned get16(rbuf *r)
{
    unsigned hi = get8(r);
    return hi << 8 | get8(r);
}

static void skip(rbuf *r, size_t n)
{
    if (n > r->len - r->at) {
        r->bad = 1;
        r->at = r->len;
    } else {
        r->at += n;
    }
}

/* The HelloRetryRequest marker: ServerHello.random = SHA-256("HelloRetryRequest"). */
static const unsigned char hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

static void set_detail(iotls_probe_result *r, const char *why)
{
    size_t n = strlen(why);
    if (n >= sizeof(r->detail))
        n = sizeof(r->detail) - 1;
    memcpy(r->detail, why, n);
    r->detail[n] = '\0';
}

static int malformed(iotls_probe_result *r, const char *why)
{
    r->outcome = IOTLS_PROBE_MALFORMED;
    set_detail(r, why);
    return 1;
}

/* ServerHello body (after the 4-byte handshake header). 1 if valid. */
static int parse_server_hello(const unsigned char *b, size_t n, iotls_probe_result *r)
{
    rbuf in;
    size_t sid, ext_end;
    int hrr;
    in.p = b;
    in.len = n;
    in.at = 0;
    in.bad = 0;
    r->legacy_version = (uint16_t)get16(&in);
    if (in.bad || n < 2 + 32)
        return 0;
    hrr = memcmp(b + 2, hrr_random, 32) == 0;
    skip(&in, 32);
    sid = get8(&in);
    if (sid > 32)
        return 0;
    skip(&in, sid);
    r->suite = (uint16_t)get16(&in);
    (void)get8(&in); /* compression */
    if (in.bad)
        return 0;
    r->version = r->legacy_version;
    r->outcome = hrr ? IOTLS_PROBE_HELLO_RETRY : IOTLS_PROBE_SERVER_HELLO;
    if (in.at == n)
        return 1; /* no extensions (old servers) */
    ext_end = get16(&in);
    if (in.bad || ext_end > n - in.at)
        return 0;
    ext_end += in.at;
    while (in.at < ext_end) {
        unsigned type = get16(&in), elen = get16(&in);
        size_t body = in.at;
        if (in.bad || elen > ext_end - in.at)
            return 0;
        if (r->n_exts < IOTLS_PROBE_MAX_EXTS)
            r->exts[r->n_exts++] = (uint16_t)type;
        if (type == 43 && elen == 2) {
            r->version = (uint16_t)get16(&in);
        } else if (type == 51 && elen >= 2) {
            r->group = (uint16_t)get16(&in); /* HRR: selected_group; SH: the share's group */
        }
        in.at = body + elen;
    }
    return in.at == n && !in.bad;
}

int iotls_probe_parse(const unsigned char *buf, size_t len, iotls_probe_result *r)
{
    /* The handshake message being reassembled across records. */
    unsigned char hdr[4], body[1024];
    size_t hdr_n = 0, body_n = 0, msg_len = 0, msg_got = 0, pos = 0, k;
    int seen_hello = 0;

    if (r == NULL)
        return 0;
    memset(r, 0, sizeof(*r));
    if (buf == NULL)
        return 0;
    r->bytes_received = len > 0xffffffffu ? 0xffffffffu : (uint32_t)len;
    k = len < IOTLS_EV_FIRST_BYTES ? len : IOTLS_EV_FIRST_BYTES;
    memcpy(r->first_bytes, buf, k);
    r->n_first_bytes = (uint8_t)k;
    if (len == 0)
        return 0;

    while (pos < len) {
        const unsigned char *h = buf + pos;
        size_t have = len - pos, rlen, avail, i;
        /* The first byte alone tells a TLS record from anything else. */
        if (h[0] < 20 || h[0] > 23 || (have >= 2 && h[1] != 3)) {
            if (pos == 0) {
                r->outcome = IOTLS_PROBE_NOT_TLS;
                return 1;
            }
            return malformed(r, "bad record header after the first record");
        }
        if (have < 5)
            return 0;
        rlen = (size_t)h[3] << 8 | h[4];
        if (rlen == 0 || rlen > 16384 + 2048)
            return malformed(r, "record length out of range");
        avail = have - 5 < rlen ? have - 5 : rlen;
        if (h[0] == 21) { /* alert */
            if (avail < 2)
                return 0;
            r->outcome = IOTLS_PROBE_ALERT;
            r->alert_level = h[5];
            r->alert = h[6];
            return 1;
        }
        if (h[0] != 22) { /* CCS or application data */
            if (seen_hello)
                return 1; /* what follows is encrypted */
            return malformed(r, "non-handshake record before ServerHello");
        }
        for (i = 0; i < avail; i++) {
            unsigned char c = h[5 + i];
            if (hdr_n < 4) {
                hdr[hdr_n++] = c;
                if (hdr_n == 4) {
                    msg_len = (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
                    msg_got = 0;
                    body_n = 0;
                    if (!seen_hello && hdr[0] != 2)
                        return malformed(r, "first handshake message is not ServerHello");
                }
            } else {
                if (body_n < sizeof(body))
                    body[body_n++] = c;
                msg_got++;
            }
            if (hdr_n == 4 && msg_got == msg_len) {
                /* A complete handshake message. */
                switch (hdr[0]) {
                case 2:
                    if (seen_hello)
                        return malformed(r, "second ServerHello");
                    if (msg_len > sizeof(body) || !parse_server_hello(body, msg_len, r)) {
                        r->outcome = IOTLS_PROBE_NONE;
                        return malformed(r, "ServerHello does not parse");
                    }
                    seen_hello = 1;
                    /* TLS 1.3 (or HRR): everything after is encrypted or moot. */
                    if (r->outcome == IOTLS_PROBE_HELLO_RETRY || r->version >= 0x0304)
                        return 1;
                    break;
                case 12: /* ServerKeyExchange: ECDHE named curve */
                    if (body_n >= 3 && body[0] == 3)
                        r->group = (uint16_t)(body[1] << 8 | body[2]);
                    /* TLS 1.2 (RFC 5246 7.4.3): after the point, the
                     * signature scheme the server chose from our list. */
                    if (body_n >= 4 && body[0] == 3 && r->version == 0x0303 &&
                        body_n >= 6u + body[3])
                        r->sig_alg = (uint16_t)(body[4 + body[3]] << 8 | body[5 + body[3]]);
                    break;
                case 13: r->cert_request = 1; break;
                case 14: r->server_hello_done = 1; return 1;
                default: break;
                }
                hdr_n = 0;
            }
        }
        if (avail < rlen)
            return 0;
        pos += 5 + rlen;
    }
    return 0;
}

int iotls_probe_client_hello_parse(const unsigned char *buf, size_t len, iotls_hello *h)
{
    rbuf in;
    size_t rlen, hlen, n, end, i;
    if (buf == NULL || h == NULL)
        return IOTLS_ERR_USAGE;
    memset(h, 0, sizeof(*h));
    in.p = buf;
    in.len = len;
    in.at = 0;
    in.bad = 0;
    if (get8(&in) != 22)
        return IOTLS_ERR_USAGE;
    (void)get16(&in);
    rlen = get16(&in);
    if (in.bad || rlen != len - 5 || get8(&in) != 1)
        return IOTLS_ERR_USAGE;
    hlen = (size_t)get8(&in) << 16;
    hlen |= get16(&in);
    if (in.bad || hlen != rlen - 4)
        return IOTLS_ERR_USAGE;
    h->version = (uint16_t)get16(&in);
    skip(&in, 32);
    skip(&in, get8(&in));
    n = get16(&in);
    if (in.bad || n % 2 != 0 || n > len - in.at)
        return IOTLS_ERR_USAGE;
    for (i = 0; i < n / 2; i++) {
        uint16_t s = (uint16_t)get16(&in);
        if (h->n_suites < IOTLS_EV_MAX_SUITES)
            h->suites[h->n_suites++] = s;
    }
    h->total_suites = (uint16_t)(n / 2);
    skip(&in, get8(&in)); /* compression methods */
    if (in.bad)
        return IOTLS_ERR_USAGE;
    if (in.at == len)
        return IOTLS_OK;
    end = get16(&in);
    if (in.bad || end != len - in.at)
        return IOTLS_ERR_USAGE;
    end += in.at;
    while (in.at < end) {
        unsigned type = get16(&in), elen = get16(&in);
        size_t body = in.at;
        if (in.bad || elen > end - in.at)
            return IOTLS_ERR_USAGE;
        if (h->n_exts < IOTLS_EV_MAX_EXTS)
            h->exts[h->n_exts++] = (uint16_t)type;
        if (type == 0 && elen >= 5) { /* server_name: first host_name */
            size_t ln;
            (void)get16(&in);
            if (get8(&in) == 0) {
                ln = get16(&in);
                if (!in.bad && ln <= IOTLS_MAX_HOSTNAME && ln <= body + elen - in.at) {
                    memcpy(h->sni, buf + in.at, ln);
                    h->sni[ln] = '\0';
                    h->has_sni = 1;
                }
            }
        } else if ((type == 10 || type == 13) && elen >= 2) {
            size_t m = get16(&in) / 2;
            for (i = 0; i < m && in.at + 2 <= body + elen; i++) {
                uint16_t v = (uint16_t)get16(&in);
                if (type == 10 && h->n_groups < IOTLS_EV_MAX_GROUPS)
                    h->groups[h->n_groups++] = v;
                if (type == 13 && h->n_sig_algs < IOTLS_EV_MAX_SIGALGS)
                    h->sig_algs[h->n_sig_algs++] = v;
            }
        } else if (type == 43 && elen >= 1) {
            size_t m = get8(&in) / 2;
            for (i = 0; i < m && in.at + 2 <= body + elen; i++) {
                uint16_t v = (uint16_t)get16(&in);
                if (h->n_versions < 4)
                    h->versions[h->n_versions++] = v;
            }
        }
        if (in.bad)
            return IOTLS_ERR_USAGE;
        in.at = body + elen;
    }
    return in.at == len ? IOTLS_OK : IOTLS_ERR_USAGE;
}

/* ---- on the wire ---- */

int iotls_probe_hello(iotls_port_sock *sock, const iotls_probe_offer *o,
                      int (*f_rng)(void *, unsigned char *, size_t), void *p_rng,
                      uint32_t timeout_ms, iotls_probe_result *r)
{
    unsigned char hello[IOTLS_PROBE_HELLO_MAX], rnd[96], *in;
    size_t hello_len = 0, sent = 0, got = 0;
    uint64_t t0, deadline;
    int rc, sys = 0, done = 0;

    if (sock == NULL || o == NULL || f_rng == NULL || r == NULL)
        return IOTLS_ERR_USAGE;
    memset(r, 0, sizeof(*r));
    if (f_rng(p_rng, rnd, sizeof(rnd)) != 0)
        return IOTLS_ERR_ENTROPY;
    rc = iotls_probe_hello_build(o, rnd, hello, sizeof(hello), &hello_len);
    if (rc != IOTLS_OK)
        return rc;
    in = iotls_port_calloc(1, IOTLS_PROBE_RECV_MAX);
    if (in == NULL)
        return IOTLS_ERR_ALLOC;
    t0 = iotls_port_now_ms();
    deadline = t0 + timeout_ms;

    /* Each send or recv makes progress or ends the probe, so both loops
     * are bounded by the byte counts and the deadline. */
    while (sent < hello_len) {
        uint64_t now = iotls_port_now_ms();
        int n;
        if (now >= deadline) {
            r->outcome = IOTLS_PROBE_TIMEOUT;
            goto out;
        }
        n = iotls_port_send(sock, hello + sent, hello_len - sent, (uint32_t)(deadline - now), &sys);
        if (n <= 0) {
            r->outcome = n == IOTLS_PORT_TIMEOUT ? IOTLS_PROBE_TIMEOUT
                         : n == IOTLS_PORT_RESET ? IOTLS_PROBE_RESET
                                                 : IOTLS_PROBE_ERROR;
            r->sys_err = sys;
            goto out;
        }
        sent += (size_t)n;
    }
    while (!done) {
        uint64_t now = iotls_port_now_ms();
        int n;
        if (got == IOTLS_PROBE_RECV_MAX) {
            /* Parsed as far as it goes: a ServerHello is still an answer. */
            if (r->outcome != IOTLS_PROBE_SERVER_HELLO)
                malformed(r, "no complete answer in the receive buffer");
            break;
        }
        if (now >= deadline) {
            if (r->outcome != IOTLS_PROBE_SERVER_HELLO)
                r->outcome = IOTLS_PROBE_TIMEOUT;
            break;
        }
        n = iotls_port_recv(sock, in + got, IOTLS_PROBE_RECV_MAX - got, (uint32_t)(deadline - now),
                            &sys);
        if (n <= 0) {
            if (r->outcome == IOTLS_PROBE_SERVER_HELLO)
                break; /* a TLS 1.2 server stopped early: keep its choice */
            r->outcome = n == IOTLS_PORT_EOF       ? IOTLS_PROBE_CLOSED
                         : n == IOTLS_PORT_TIMEOUT ? IOTLS_PROBE_TIMEOUT
                         : n == IOTLS_PORT_RESET   ? IOTLS_PROBE_RESET
                                                   : IOTLS_PROBE_ERROR;
            r->sys_err = sys;
            break;
        }
        got += (size_t)n;
        done = iotls_probe_parse(in, got, r);
    }
out:
    r->elapsed_ms = (uint32_t)(iotls_port_now_ms() - t0);
    r->bytes_received = (uint32_t)got;
    iotls_port_free(in);
    return IOTLS_OK;
}
