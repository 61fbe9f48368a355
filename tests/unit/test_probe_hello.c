/*
 * The hello probe offline: hellos built and parsed back with an independent
 * parser, hand-made server answers (ServerHello 1.2 and 1.3,
 * HelloRetryRequest, alerts, other protocols), every prefix of them, and
 * mutated or random bytes (bounds checks, under ASan and valgrind).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "iotls/probe.h"

static unsigned char rnd[96];

/* Find extension `type` in a ClientHello record built by the probe; a walk
 * written apart from the library's parser. Returns its length or -1. */
static int find_ext(const unsigned char *b, size_t len, unsigned type, const unsigned char **body)
{
    size_t at = 5 + 4 + 2 + 32, end;
    if (len < at + 1)
        return -1;
    at += 1 + b[at];                            /* session id */
    at += 2 + ((size_t)b[at] << 8 | b[at + 1]); /* suites */
    at += 1 + b[at];                            /* compression */
    end = at + 2 + ((size_t)b[at] << 8 | b[at + 1]);
    at += 2;
    while (at + 4 <= end && end <= len) {
        unsigned t = (unsigned)b[at] << 8 | b[at + 1];
        size_t l = (size_t)b[at + 2] << 8 | b[at + 3];
        if (t == type) {
            *body = b + at + 4;
            return (int)l;
        }
        at += 4 + l;
    }
    return -1;
}

static size_t hs_len(const unsigned char *b)
{
    return (size_t)b[6] << 16 | (size_t)b[7] << 8 | b[8];
}

static int has_ext(const iotls_hello *h, uint16_t t)
{
    unsigned i;
    for (i = 0; i < h->n_exts; i++)
        if (h->exts[i] == t)
            return 1;
    return 0;
}

static void test_full_offer(void)
{
    iotls_probe_offer o;
    unsigned char b[IOTLS_PROBE_HELLO_MAX];
    uint16_t all[512];
    size_t n = 0, total, i, j;
    iotls_hello h;
    const unsigned char *body;
    int l, dup = 0;

    total = iotls_probe_all_suites(all, 512);
    CHECK_INT(total, 347);
    CHECK_INT(all[0], 0x1301);
    for (i = 0; i < total; i++) {
        CHECK(all[i] != 0x0000 && all[i] != 0x5600 && all[i] != 0x00ff);
        for (j = i + 1; j < total; j++)
            if (all[i] == all[j])
                dup = 1;
    }
    CHECK(!dup);
    CHECK_INT(iotls_probe_all_suites(NULL, 0), total);
    CHECK(iotls_probe_all_groups(NULL, 0) >= 40);
    CHECK(iotls_probe_all_sig_algs(NULL, 0) >= 20);

    iotls_probe_offer_init(&o);
    o.sni = "www.example.com";
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    CHECK(n > 900 && n < 2000);
    CHECK_INT(b[0], 22);
    CHECK_INT(((size_t)b[3] << 8 | b[4]), n - 5);
    CHECK_INT(hs_len(b), n - 9);
    CHECK_INT(iotls_probe_client_hello_parse(b, n, &h), IOTLS_OK);
    CHECK_INT(h.version, 0x0303);
    CHECK_INT(h.total_suites, 347);
    CHECK_INT(h.suites[0], 0x1301);
    CHECK(h.has_sni);
    CHECK_STR(h.sni, "www.example.com");
    CHECK_INT(h.groups[0], 0x001d);
    CHECK_INT(h.groups[3], 0x001e); /* x448 */
    CHECK_INT(h.sig_algs[0], 0x0403);
    CHECK_INT(h.n_versions, 4);
    CHECK_INT(h.versions[0], 0x0304);
    CHECK_INT(h.versions[3], 0x0301);
    CHECK(has_ext(&h, 0) && has_ext(&h, 10) && has_ext(&h, 13) && has_ext(&h, 43) &&
          has_ext(&h, 51) && has_ext(&h, 45) && has_ext(&h, 0xff01));
    /* key_share: one x25519 entry with the 32 given bytes */
    l = find_ext(b, n, 51, &body);
    CHECK_INT(l, 2 + 4 + 32);
    if (l == 38) {
        CHECK_INT(body[2] << 8 | body[3], 0x001d);
        CHECK_INT(body[4] << 8 | body[5], 32);
        CHECK(memcmp(body + 6, rnd + 64, 32) == 0);
    }
    /* session id carries the second 32 random bytes */
    CHECK_INT(b[43], 32);
    CHECK(memcmp(b + 44, rnd + 32, 32) == 0);
    CHECK(memcmp(b + 11, rnd, 32) == 0);
}

static void test_restricted(void)
{
    static const uint16_t x448[] = {0x001e};
    static const uint16_t v13[] = {0x0304};
    static const uint16_t v12[] = {0x0303};
    static const uint16_t v11[] = {0x0302, 0x0301};
    static const uint16_t s13[] = {0x1301, 0x1302};
    static const uint16_t s12[] = {0xc02b, 0xc02f};
    iotls_probe_offer o;
    unsigned char b[IOTLS_PROBE_HELLO_MAX];
    const unsigned char *body;
    size_t n = 0;
    iotls_hello h;
    int l;

    /* TLS 1.3 only, x448 only: empty key_share, so the server must ask. */
    iotls_probe_offer_init(&o);
    o.groups = x448;
    o.n_groups = 1;
    o.versions = v13;
    o.n_versions = 1;
    o.suites = s13;
    o.n_suites = 2;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    CHECK_INT(iotls_probe_client_hello_parse(b, n, &h), IOTLS_OK);
    CHECK(!h.has_sni);
    CHECK_INT(h.version, 0x0303);
    CHECK_INT(h.n_versions, 1);
    CHECK_INT(h.versions[0], 0x0304);
    CHECK_INT(h.n_groups, 1);
    CHECK_INT(h.total_suites, 2);
    l = find_ext(b, n, 51, &body);
    CHECK_INT(l, 2);
    if (l == 2)
        CHECK(body[0] == 0 && body[1] == 0);

    /* TLS 1.2 only: no supported_versions, no key_share. */
    o.versions = v12;
    o.suites = s12;
    o.groups = NULL;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    CHECK_INT(iotls_probe_client_hello_parse(b, n, &h), IOTLS_OK);
    CHECK_INT(h.version, 0x0303);
    CHECK(!has_ext(&h, 43) && !has_ext(&h, 51));
    CHECK_INT(h.suites[1], 0xc02f);

    /* TLS 1.1 and 1.0: legacy_version says 1.1. */
    o.versions = v11;
    o.n_versions = 2;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    CHECK_INT(iotls_probe_client_hello_parse(b, n, &h), IOTLS_OK);
    CHECK_INT(h.version, 0x0302);
}

/* No hello may be 256..511 bytes long (RFC 7685's reason for padding). */
static void test_padding(void)
{
    static const uint16_t v12[] = {0x0303};
    uint16_t suites[400];
    iotls_probe_offer o;
    unsigned char b[IOTLS_PROBE_HELLO_MAX];
    const unsigned char *body;
    size_t n = 0, k, bad = 0, padded = 0;
    iotls_hello h;

    iotls_probe_all_suites(suites, 400);
    iotls_probe_offer_init(&o);
    o.versions = v12;
    o.n_versions = 1;
    o.suites = suites;
    for (k = 1; k <= 300; k++) {
        size_t m;
        o.n_suites = k;
        if (iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n) != IOTLS_OK) {
            bad++;
            continue;
        }
        m = hs_len(b) + 4;
        if (m >= 256 && m < 512)
            bad++;
        if (find_ext(b, n, 21, &body) >= 0) {
            padded++;
            if (m < 512 || m > 515) /* an empty padding ext may overshoot */
                bad++;
        }
        if (iotls_probe_client_hello_parse(b, n, &h) != IOTLS_OK || h.total_suites != k)
            bad++;
    }
    CHECK_INT(bad, 0);
    CHECK(padded > 0);
}

static void test_build_bad(void)
{
    static const uint16_t one[] = {0xc02b};
    static const uint16_t badv[] = {0x0305};
    iotls_probe_offer o;
    unsigned char b[IOTLS_PROBE_HELLO_MAX];
    char longname[300];
    size_t n = 0;

    iotls_probe_offer_init(&o);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    o.sni = longname;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    o.sni = "bad\nname";
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    o.sni = "";
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    o.sni = "mbed TLS Server 1"; /* odd but printable: allowed, as in the seed */
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    o.suites = one;
    o.n_suites = 0;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    o.n_suites = 1;
    o.versions = badv;
    o.n_versions = 1;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    o.n_versions = 0;
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    iotls_probe_offer_init(&o);
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, 100, &n), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_probe_hello_build(NULL, rnd, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_probe_hello_build(&o, NULL, b, sizeof(b), &n), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_probe_hello_build(&o, rnd, NULL, sizeof(b), &n), IOTLS_ERR_USAGE);
    CHECK_INT(iotls_probe_hello(NULL, &o, NULL, NULL, 1000, NULL), IOTLS_ERR_USAGE);
}

/* ---- server answers, by hand ---- */

typedef struct msg {
    unsigned char b[2048];
    size_t n;
} msg;

static void m8(msg *m, unsigned v)
{
    m->b[m->n++] = (unsigned char)v;
}
static void m16(msg *m, unsigned v)
{
    m8(m, v >> 8);
    m8(m, v & 0xff);
}
static void m24(msg *m, unsigned v)
{
    m8(m, v >> 16);
    m16(m, v & 0xffff);
}

/* A ServerHello handshake message (header included). */
static void server_hello(msg *m, const unsigned char *random, unsigned suite, unsigned version_ext,
                         unsigned share_group, int share_key)
{
    size_t start = m->n, ext_at;
    unsigned i;
    m8(m, 2);
    m24(m, 0);
    m16(m, 0x0303);
    for (i = 0; i < 32; i++)
        m8(m, random != NULL ? random[i] : i);
    m8(m, 32);
    for (i = 0; i < 32; i++)
        m8(m, 0xaa);
    m16(m, suite);
    m8(m, 0);
    ext_at = m->n;
    m16(m, 0);
    if (version_ext) {
        m16(m, 43);
        m16(m, 2);
        m16(m, version_ext);
    }
    if (share_group) {
        m16(m, 51);
        if (share_key) {
            m16(m, 4 + 32);
            m16(m, share_group);
            m16(m, 32);
            for (i = 0; i < 32; i++)
                m8(m, 0x55);
        } else {
            m16(m, 2);
            m16(m, share_group);
        }
    } else {
        m16(m, 0xff01);
        m16(m, 1);
        m8(m, 0);
    }
    m->b[ext_at] = (unsigned char)((m->n - ext_at - 2) >> 8);
    m->b[ext_at + 1] = (unsigned char)(m->n - ext_at - 2);
    m->b[start + 1] = 0;
    m->b[start + 2] = (unsigned char)((m->n - start - 4) >> 8);
    m->b[start + 3] = (unsigned char)(m->n - start - 4);
}

/* Wrap handshake bytes into records of at most `frag` bytes each. */
static void records(const msg *hs, size_t frag, msg *out)
{
    size_t at = 0;
    out->n = 0;
    while (at < hs->n) {
        size_t k = hs->n - at < frag ? hs->n - at : frag;
        m8(out, 22);
        m16(out, 0x0303);
        m16(out, (unsigned)k);
        memcpy(out->b + out->n, hs->b + at, k);
        out->n += k;
        at += k;
    }
}

static const unsigned char hrr[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* Every strict prefix must ask for more (0) or stop on an outcome that the
 * full answer agrees with; the full answer must complete. */
static void check_prefixes(const msg *m, iotls_probe_outcome want)
{
    iotls_probe_result r;
    size_t k;
    int early = 0;
    for (k = 0; k < m->n; k++)
        if (iotls_probe_parse(m->b, k, &r) == 1 && r.outcome != want)
            early++;
    CHECK_INT(early, 0);
    CHECK_INT(iotls_probe_parse(m->b, m->n, &r), 1);
    CHECK_INT(r.outcome, want);
}

static void test_answers(void)
{
    msg hs, rec;
    iotls_probe_result r;
    size_t frag;

    /* TLS 1.2: ServerHello, Certificate, ServerKeyExchange (x25519),
     * CertificateRequest, ServerHelloDone; in one record and in pieces. */
    hs.n = 0;
    server_hello(&hs, NULL, 0xc02f, 0, 0, 0);
    m8(&hs, 11);
    m24(&hs, 3);
    m24(&hs, 0);
    m8(&hs, 12);
    m24(&hs, 4 + 32);
    m8(&hs, 3);
    m16(&hs, 0x001d);
    m8(&hs, 32);
    memset(hs.b + hs.n, 0x77, 32);
    hs.n += 32;
    m8(&hs, 13);
    m24(&hs, 4);
    m8(&hs, 1);
    m8(&hs, 64);
    m16(&hs, 0);
    m8(&hs, 14);
    m24(&hs, 0);
    for (frag = 1; frag <= hs.n; frag = frag < 8 ? frag + 1 : frag * 2) {
        records(&hs, frag, &rec);
        CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_SERVER_HELLO);
        CHECK_INT(r.version, 0x0303);
        CHECK_INT(r.suite, 0xc02f);
        CHECK_INT(r.group, 0x001d);
        CHECK_INT(r.cert_request, 1);
        CHECK_INT(r.server_hello_done, 1);
        CHECK_INT(r.sig_alg, 0); /* the SKE ends after its point: no scheme */
    }
    records(&hs, 16384, &rec);
    check_prefixes(&rec, IOTLS_PROBE_SERVER_HELLO);
    /* The same with a signed SKE: the scheme the server chose is kept. */
    hs.n = 0;
    server_hello(&hs, NULL, 0xc02f, 0, 0, 0);
    m8(&hs, 12);
    m24(&hs, 4 + 32 + 4 + 8);
    m8(&hs, 3);
    m16(&hs, 0x001d);
    m8(&hs, 32);
    memset(hs.b + hs.n, 0x77, 32);
    hs.n += 32;
    m16(&hs, 0x0804);
    m16(&hs, 8);
    memset(hs.b + hs.n, 0x55, 8);
    hs.n += 8;
    m8(&hs, 14);
    m24(&hs, 0);
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.group, 0x001d);
    CHECK_INT(r.sig_alg, 0x0804);
    /* The ServerHello alone: known, but not complete. */
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, 5 + 4 + 2 + 32 + 1 + 32 + 2 + 1 + 2 + 5, &r), 0);
    CHECK_INT(r.outcome, IOTLS_PROBE_SERVER_HELLO);
    CHECK_INT(r.suite, 0xc02f);

    /* TLS 1.3 ServerHello with an x25519 share. */
    hs.n = 0;
    server_hello(&hs, NULL, 0x1302, 0x0304, 0x001d, 1);
    records(&hs, 16384, &rec);
    check_prefixes(&rec, IOTLS_PROBE_SERVER_HELLO);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.version, 0x0304);
    CHECK_INT(r.legacy_version, 0x0303);
    CHECK_INT(r.suite, 0x1302);
    CHECK_INT(r.group, 0x001d);
    CHECK_INT(r.n_exts, 2);

    /* HelloRetryRequest for x448. */
    hs.n = 0;
    server_hello(&hs, hrr, 0x1301, 0x0304, 0x001e, 0);
    records(&hs, 16384, &rec);
    check_prefixes(&rec, IOTLS_PROBE_HELLO_RETRY);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.group, 0x001e);
    CHECK_INT(r.version, 0x0304);

    /* Alerts */
    {
        static const unsigned char a40[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
        static const unsigned char a70[] = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46};
        msg m;
        memcpy(m.b, a40, 7);
        m.n = 7;
        check_prefixes(&m, IOTLS_PROBE_ALERT);
        CHECK_INT(iotls_probe_parse(a40, 7, &r), 1);
        CHECK_INT(r.alert, 40);
        CHECK_INT(r.alert_level, 2);
        CHECK_INT(iotls_probe_parse(a70, 7, &r), 1);
        CHECK_INT(r.alert, 70);
    }

    /* Other protocols */
    {
        static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
        CHECK_INT(iotls_probe_parse((const unsigned char *)http, sizeof(http) - 1, &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_NOT_TLS);
        CHECK_INT(r.n_first_bytes, sizeof(http) - 1);
        CHECK(memcmp(r.first_bytes, "HTTP/1.1", 8) == 0);
        CHECK_INT(iotls_probe_parse((const unsigned char *)"S", 1, &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_NOT_TLS);
        CHECK_INT(iotls_probe_parse((const unsigned char *)"\x16\x02", 2, &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_NOT_TLS);
    }
    CHECK_INT(iotls_probe_parse(NULL, 10, &r), 0);
    CHECK_INT(iotls_probe_parse((const unsigned char *)"", 0, &r), 0);
    CHECK_INT(iotls_probe_parse((const unsigned char *)"x", 1, NULL), 0);
}

static void test_malformed(void)
{
    msg hs, rec;
    iotls_probe_result r;

    /* Session id longer than 32. */
    hs.n = 0;
    server_hello(&hs, NULL, 0xc02f, 0, 0, 0);
    hs.b[4 + 2 + 32] = 40;
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);
    CHECK(r.detail[0] != '\0');

    /* Extensions longer than the message. */
    hs.n = 0;
    server_hello(&hs, NULL, 0xc02f, 0, 0, 0);
    hs.b[4 + 2 + 32 + 1 + 32 + 3] = 0x7f;
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);

    /* A Certificate first. */
    hs.n = 0;
    m8(&hs, 11);
    m24(&hs, 3);
    m24(&hs, 0);
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);

    /* Zero-length and oversized records; application data first. */
    {
        static const unsigned char zero[] = {0x16, 0x03, 0x03, 0x00, 0x00};
        static const unsigned char huge[] = {0x16, 0x03, 0x03, 0xff, 0xff, 0x02};
        static const unsigned char app[] = {0x17, 0x03, 0x03, 0x00, 0x01, 0x00};
        CHECK_INT(iotls_probe_parse(zero, sizeof(zero), &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);
        CHECK_INT(iotls_probe_parse(huge, sizeof(huge), &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);
        CHECK_INT(iotls_probe_parse(app, sizeof(app), &r), 1);
        CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);
    }

    /* A ServerHello bigger than the parser keeps. */
    hs.n = 0;
    m8(&hs, 2);
    m24(&hs, 1500);
    memset(hs.b + hs.n, 0, 1500);
    hs.n += 1500;
    records(&hs, 16384, &rec);
    CHECK_INT(iotls_probe_parse(rec.b, rec.n, &r), 1);
    CHECK_INT(r.outcome, IOTLS_PROBE_MALFORMED);
}

/* Mutations and noise: nothing may crash or read out of bounds. */
static void test_fuzz(void)
{
    msg hs, rec;
    iotls_probe_result r;
    iotls_hello h;
    iotls_probe_offer o;
    unsigned char b[IOTLS_PROBE_HELLO_MAX], noise[600];
    uint32_t seed = 12345;
    size_t i, k, n = 0;
    int ok = 1;

    hs.n = 0;
    server_hello(&hs, NULL, 0x1301, 0x0304, 0x001d, 1);
    records(&hs, 16384, &rec);
    for (i = 0; i < rec.n; i++) {
        for (k = 0; k < 8; k++) {
            msg m = rec;
            m.b[i] ^= (unsigned char)(1u << k);
            (void)iotls_probe_parse(m.b, m.n, &r);
            if (r.outcome > IOTLS_PROBE_ERROR)
                ok = 0;
        }
    }
    for (i = 0; i < 20000; i++) {
        size_t len;
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 8) % sizeof(noise);
        for (k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            noise[k] = (unsigned char)(seed >> 16);
        }
        if (len > 2 && i % 2 == 0) {
            noise[0] = (unsigned char)(20 + i % 4);
            noise[1] = 3;
        }
        if (len > 9 && i % 4 == 0) {
            noise[3] = (unsigned char)((len - 5) >> 8);
            noise[4] = (unsigned char)(len - 5);
            noise[5] = 2;
        }
        (void)iotls_probe_parse(noise, len, &r);
        (void)iotls_probe_client_hello_parse(noise, len, &h);
    }
    CHECK(ok);

    /* Every prefix and every byte flip of a real hello: parse or refuse. */
    iotls_probe_offer_init(&o);
    o.sni = "www.example.com";
    CHECK_INT(iotls_probe_hello_build(&o, rnd, b, sizeof(b), &n), IOTLS_OK);
    for (k = 0; k < n; k++)
        if (iotls_probe_client_hello_parse(b, k, &h) == IOTLS_OK)
            ok = 0;
    CHECK(ok);
    for (i = 0; i < n; i += 3) {
        b[i] ^= 0x41;
        (void)iotls_probe_client_hello_parse(b, n, &h);
        b[i] ^= 0x41;
    }
    CHECK_INT(iotls_probe_client_hello_parse(b, n, &h), IOTLS_OK);
    CHECK_INT(iotls_probe_client_hello_parse(NULL, n, &h), IOTLS_ERR_USAGE);
    CHECK_STR(iotls_probe_outcome_name(IOTLS_PROBE_HELLO_RETRY), "hello_retry");
    CHECK_STR(iotls_probe_outcome_name((iotls_probe_outcome)99), "none");
}

/* ---- on a real socket: a scripted peer on 127.0.0.1 ---- */

enum peer_mode { PEER_ANSWER, PEER_CLOSE, PEER_STALL };

typedef struct peer {
    int lfd;
    enum peer_mode mode;
    const unsigned char *answer;
    size_t n_answer;
    iotls_hello got;     /* the ClientHello as the peer parsed it */
    int got_ok;
} peer;

/* Reads until `want` bytes or EOF, each wait bounded. */
static size_t read_some(int fd, unsigned char *b, size_t want)
{
    size_t n = 0;
    int rounds = 0;
    while (n < want && rounds++ < 100) {
        struct pollfd p;
        ssize_t r;
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, 3000) <= 0)
            break;
        r = recv(fd, b + n, want - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    return n;
}

static void *peer_main(void *arg)
{
    peer *pe = arg;
    unsigned char b[IOTLS_PROBE_HELLO_MAX];
    struct pollfd p;
    size_t n;
    int fd;

    p.fd = pe->lfd;
    p.events = POLLIN;
    if (poll(&p, 1, 5000) <= 0)
        return NULL;
    fd = accept(pe->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    n = read_some(fd, b, 5);
    if (n == 5) {
        size_t rlen = (size_t)b[3] << 8 | b[4];
        if (rlen <= sizeof(b) - 5)
            n += read_some(fd, b + 5, rlen);
        pe->got_ok = iotls_probe_client_hello_parse(b, n, &pe->got) == IOTLS_OK;
    }
    if (pe->mode == PEER_ANSWER && pe->n_answer > 0)
        (void)send(fd, pe->answer, pe->n_answer, 0);
    if (pe->mode == PEER_STALL) {
        /* Wait for the client to give up and close (bounded). */
        p.fd = fd;
        p.events = POLLIN;
        (void)poll(&p, 1, 5000);
    }
    close(fd);
    return NULL;
}

static int counter_rng(void *ctx, unsigned char *out, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)(i ^ 0x5c);
    return 0;
}

/* One probe against a scripted peer. */
static void run_peer(enum peer_mode mode, const unsigned char *answer, size_t n,
                     uint32_t timeout_ms, peer *pe, iotls_probe_result *r)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    pthread_t th;
    iotls_addr a;
    iotls_port_sock *s = NULL;
    iotls_probe_offer o;
    int sys = 0;

    memset(pe, 0, sizeof(*pe));
    memset(r, 0, sizeof(*r));
    pe->mode = mode;
    pe->answer = answer;
    pe->n_answer = n;
    pe->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(pe->lfd >= 0);
    CHECK_INT(bind(pe->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_INT(listen(pe->lfd, 1), 0);
    CHECK_INT(getsockname(pe->lfd, (struct sockaddr *)&sa, &sl), 0);
    CHECK_INT(pthread_create(&th, NULL, peer_main, pe), 0);

    memset(&a, 0, sizeof(a));
    a.family = 4;
    a.bytes[0] = 127;
    a.bytes[3] = 1;
    CHECK_INT(iotls_port_connect(&s, &a, ntohs(sa.sin_port), 2000, &sys), IOTLS_OK);
    iotls_probe_offer_init(&o);
    o.sni = "probe.example";
    if (s != NULL)
        CHECK_INT(iotls_probe_hello(s, &o, counter_rng, NULL, timeout_ms, r), IOTLS_OK);
    iotls_port_close(s);
    pthread_join(th, NULL);
    close(pe->lfd);
}

static void test_wire(void)
{
    static const unsigned char alert40[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    msg hs, rec;
    peer pe;
    iotls_probe_result r;

    /* A HelloRetryRequest for x448; the peer saw our full offer. */
    hs.n = 0;
    server_hello(&hs, hrr, 0x1301, 0x0304, 0x001e, 0);
    records(&hs, 16384, &rec);
    run_peer(PEER_ANSWER, rec.b, rec.n, 3000, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_HELLO_RETRY);
    CHECK_INT(r.group, 0x001e);
    CHECK(pe.got_ok);
    CHECK_STR(pe.got.sni, "probe.example");
    CHECK_INT(pe.got.total_suites, 347);
    CHECK_INT(r.bytes_received, rec.n);

    run_peer(PEER_ANSWER, alert40, sizeof(alert40), 3000, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_ALERT);
    CHECK_INT(r.alert, 40);

    run_peer(PEER_ANSWER, (const unsigned char *)http, sizeof(http) - 1, 3000, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_NOT_TLS);
    CHECK(memcmp(r.first_bytes, "HTTP/1.1 400", 12) == 0);

    run_peer(PEER_CLOSE, NULL, 0, 3000, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_CLOSED);

    /* A TLS 1.2 ServerHello and then a close: the choice is kept. */
    hs.n = 0;
    server_hello(&hs, NULL, 0xc02f, 0, 0, 0);
    records(&hs, 16384, &rec);
    run_peer(PEER_ANSWER, rec.b, rec.n, 3000, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_SERVER_HELLO);
    CHECK_INT(r.suite, 0xc02f);

    /* A silent peer: the probe's own bound ends it. */
    run_peer(PEER_STALL, NULL, 0, 300, &pe, &r);
    CHECK_INT(r.outcome, IOTLS_PROBE_TIMEOUT);
    CHECK(r.elapsed_ms >= 290 && r.elapsed_ms < 2000);
}

int main(void)
{
    size_t i;
    for (i = 0; i < sizeof(rnd); i++)
        rnd[i] = (unsigned char)(i * 13 + 1);
    test_full_offer();
    test_restricted();
    test_padding();
    test_build_bad();
    test_answers();
    test_malformed();
    test_fuzz();
    test_wire();
    return CHECK_DONE();
}
