/*
 * Unit tests: the record tap, fed hand-built TLS records in one piece, byte
 * by byte and in odd chunks (records split across reads, handshake
 * messages split across records), must collect the same evidence.
 */
#include <string.h>

#include "check.h"
#include "iotls/iotls.h"
#include "iotls_internal.h"

typedef struct bytes {
    unsigned char b[4096];
    size_t n;
} bytes;

static void put8(bytes *o, unsigned v) { o->b[o->n++] = (unsigned char)v; }
static void put16(bytes *o, unsigned v) { put8(o, v >> 8); put8(o, v & 0xff); }
static void put24(bytes *o, unsigned v) { put8(o, v >> 16); put16(o, v & 0xffff); }
static void putn(bytes *o, const void *p, size_t n) { memcpy(o->b + o->n, p, n); o->n += n; }
static void fill(bytes *o, unsigned v, size_t n) { memset(o->b + o->n, (int)v, n); o->n += n; }

static void record(bytes *o, unsigned type, const unsigned char *p, size_t n)
{
    put8(o, type);
    put16(o, 0x0303);
    put16(o, (unsigned)n);
    putn(o, p, n);
}

static void hs(bytes *o, unsigned type, const bytes *body)
{
    put8(o, type);
    put24(o, (unsigned)body->n);
    putn(o, body->b, body->n);
}

/* A ClientHello with nsuites suites and the usual extensions. */
static void client_hello(bytes *rec, unsigned nsuites)
{
    bytes body = {{0}, 0}, ext = {{0}, 0}, msg = {{0}, 0};
    unsigned i;

    put16(&body, 0x0303);
    fill(&body, 0xab, 32);
    put8(&body, 0);
    put16(&body, nsuites * 2);
    for (i = 0; i < nsuites; i++)
        put16(&body, i == 0 ? 0xc02b : 0xc000 + i);
    put8(&body, 1);
    put8(&body, 0);
    /* server_name "example.com" */
    put16(&ext, 0);
    put16(&ext, 16);
    put16(&ext, 14);
    put8(&ext, 0);
    put16(&ext, 11);
    putn(&ext, "example.com", 11);
    /* supported_groups */
    put16(&ext, 10);
    put16(&ext, 6);
    put16(&ext, 4);
    put16(&ext, 29);
    put16(&ext, 23);
    /* signature_algorithms */
    put16(&ext, 13);
    put16(&ext, 6);
    put16(&ext, 4);
    put16(&ext, 0x0403);
    put16(&ext, 0x0804);
    /* supported_versions */
    put16(&ext, 43);
    put16(&ext, 5);
    put8(&ext, 4);
    put16(&ext, 0x0304);
    put16(&ext, 0x0303);
    put16(&body, (unsigned)ext.n);
    putn(&body, ext.b, ext.n);
    hs(&msg, 1, &body);
    /* Split over two records when large, as a real stack may. */
    if (msg.n > 300) {
        record(rec, 22, msg.b, 300);
        record(rec, 22, msg.b + 300, msg.n - 300);
    } else {
        record(rec, 22, msg.b, msg.n);
    }
}

/* The server's flight: ServerHello + Certificate in one record, the
 * ServerKeyExchange split across two, CertificateRequest, ServerHelloDone,
 * then ChangeCipherSpec and encrypted records (one of type alert). */
static void server_flight(bytes *out)
{
    bytes sh = {{0}, 0}, cert = {{0}, 0}, ske = {{0}, 0}, empty = {{0}, 0}, msgs = {{0}, 0},
          ske_msg = {{0}, 0};

    put16(&sh, 0x0303);
    fill(&sh, 0xcd, 32);
    put8(&sh, 32);
    fill(&sh, 0xee, 32);
    put16(&sh, 0xc02f);
    put8(&sh, 0);
    put16(&sh, 5);
    put16(&sh, 0xff01);
    put16(&sh, 1);
    put8(&sh, 0);
    put24(&cert, 0);
    hs(&msgs, 2, &sh);
    hs(&msgs, 11, &cert);
    record(out, 22, msgs.b, msgs.n);

    put8(&ske, 3);
    put16(&ske, 23);
    put8(&ske, 65);
    fill(&ske, 0x04, 65);
    put16(&ske, 0x0403);
    put16(&ske, 70);
    fill(&ske, 0x30, 70);
    hs(&ske_msg, 12, &ske);
    record(out, 22, ske_msg.b, 10);
    msgs.n = 0;
    putn(&msgs, ske_msg.b + 10, ske_msg.n - 10);
    hs(&msgs, 13, &empty);
    hs(&msgs, 14, &empty);
    record(out, 22, msgs.b, msgs.n);
    record(out, 20, (const unsigned char *)"\x01", 1);
    msgs.n = 0;
    fill(&msgs, 0x99, 40);
    record(out, 22, msgs.b, msgs.n);
    record(out, 21, msgs.b, 26); /* encrypted alert: not readable */
}

static void feed(iotls_tap *t, int dir, const bytes *b, size_t chunk)
{
    size_t off = 0;

    while (off < b->n) {
        size_t k = b->n - off < chunk ? b->n - off : chunk;
        iotls_tap_feed(t, dir, b->b + off, k);
        off += k;
        /* vary the chunk size to hit every boundary */
        if (chunk > 1)
            chunk = chunk % 7 + 2;
    }
}

static void run(iotls_wire *w, size_t chunk)
{
    bytes ch = {{0}, 0}, sf = {{0}, 0}, alert = {{0}, 0};
    iotls_error e;
    iotls_tap *t;

    iotls_error_init(&e);
    *w = e.wire;
    t = iotls_tap_new(w);
    CHECK(t != NULL);
    if (t == NULL)
        return;
    client_hello(&ch, 5);
    server_flight(&sf);
    record(&alert, 21, (const unsigned char *)"\x02\x2a", 2);
    feed(t, IOTLS_TAP_OUT, &ch, chunk);
    feed(t, IOTLS_TAP_IN, &sf, chunk);
    feed(t, IOTLS_TAP_OUT, &alert, chunk);
    CHECK_INT(iotls_tap_encrypted(t, IOTLS_TAP_IN), 1);
    CHECK_INT(iotls_tap_encrypted(t, IOTLS_TAP_OUT), 0);
    iotls_tap_delete(t);
}

static void test_flight(void)
{
    iotls_wire whole, bytewise, odd;
    const iotls_hello *c, *s;

    run(&whole, 100000);
    run(&bytewise, 1);
    run(&odd, 3);
    CHECK(memcmp(&whole, &bytewise, sizeof whole) == 0);
    CHECK(memcmp(&whole, &odd, sizeof whole) == 0);

    c = &whole.client_hello;
    s = &whole.server_hello;
    CHECK_INT(whole.client_hello_seen, 1);
    CHECK_INT(c->version, 0x0303);
    CHECK_INT(c->n_suites, 5);
    CHECK_INT(c->total_suites, 5);
    CHECK_INT(c->suites[0], 0xc02b);
    CHECK_INT(c->n_groups, 2);
    CHECK_INT(c->groups[0], 29);
    CHECK_INT(c->groups[1], 23);
    CHECK_INT(c->n_sig_algs, 2);
    CHECK_INT(c->sig_algs[1], 0x0804);
    CHECK_INT(c->n_exts, 4);
    CHECK_INT(c->exts[0], 0);
    CHECK_INT(c->exts[3], 43);
    CHECK_INT(c->n_versions, 2);
    CHECK_INT(c->versions[0], 0x0304);
    CHECK_INT(c->has_sni, 1);
    CHECK_STR(c->sni, "example.com");

    CHECK_INT(whole.server_hello_seen, 1);
    CHECK_INT(s->version, 0x0303);
    CHECK_INT(s->n_suites, 1);
    CHECK_INT(s->suites[0], 0xc02f);
    CHECK_INT(s->n_exts, 1);
    CHECK_INT(s->exts[0], 0xff01);
    CHECK_INT(whole.ske_group, 23);
    CHECK_INT(whole.ske_sig_alg, 0x0403); /* after the 65-byte point */
    CHECK_INT(whole.cert_request_seen, 1);
    CHECK_INT(whole.n_hs_msgs, 5);
    CHECK(memcmp(whole.hs_msgs, "\x02\x0b\x0c\x0d\x0e", 5) == 0);
    CHECK_INT(whole.records_received, 6);
    CHECK_INT(whole.max_record_len, 145); /* the record with the rest of the SKE */
    CHECK_INT(whole.not_tls, 0);
    CHECK_INT(whole.n_first_bytes, IOTLS_EV_FIRST_BYTES);
    CHECK_INT(whole.first_bytes[0], 22);
    /* The encrypted alert is not read; the plaintext one we sent is. */
    CHECK_INT(whole.alert_received, IOTLS_ALERT_NONE);
    CHECK_INT(whole.alert_sent, 42);
    CHECK_INT(whole.alert_sent_level, 2);
}

static void test_large_hello(void)
{
    bytes ch = {{0}, 0};
    iotls_error e;
    iotls_tap *t;

    /* 300 suites: more than kept (IOTLS_EV_MAX_SUITES) and more bytes than
     * the tap keeps of a message; counted in full, no overrun. */
    iotls_error_init(&e);
    t = iotls_tap_new(&e.wire);
    client_hello(&ch, 300);
    feed(t, IOTLS_TAP_OUT, &ch, 5);
    CHECK_INT(e.wire.client_hello_seen, 1);
    CHECK_INT(e.wire.client_hello.total_suites, 300);
    CHECK_INT(e.wire.client_hello.n_suites, IOTLS_EV_MAX_SUITES);
    CHECK_INT(e.wire.client_hello.has_sni, 0); /* beyond what was kept */
    iotls_tap_delete(t);
}

static void test_not_tls(void)
{
    iotls_error e;
    iotls_tap *t;
    static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                               "and a lot more text after the first bytes";

    iotls_error_init(&e);
    t = iotls_tap_new(&e.wire);
    iotls_tap_feed(t, IOTLS_TAP_IN, (const unsigned char *)http, 3);
    CHECK_INT(e.wire.not_tls, 0); /* not decided on 3 bytes */
    iotls_tap_feed(t, IOTLS_TAP_IN, (const unsigned char *)http + 3, sizeof http - 4);
    CHECK_INT(e.wire.not_tls, 1);
    CHECK_INT(e.wire.records_received, 0);
    CHECK_INT(e.wire.n_first_bytes, IOTLS_EV_FIRST_BYTES);
    CHECK(memcmp(e.wire.first_bytes, http, IOTLS_EV_FIRST_BYTES) == 0);
    /* Bad arguments are ignored. */
    iotls_tap_feed(t, 7, (const unsigned char *)http, 5);
    iotls_tap_feed(t, IOTLS_TAP_IN, NULL, 5);
    iotls_tap_feed(NULL, IOTLS_TAP_IN, (const unsigned char *)http, 5);
    iotls_tap_reset(t);
    CHECK_INT(iotls_tap_encrypted(t, IOTLS_TAP_IN), 0);
    iotls_tap_delete(t);
    iotls_tap_delete(NULL);

    /* A plaintext fatal alert as the whole answer (the seed case). */
    iotls_error_init(&e);
    t = iotls_tap_new(&e.wire);
    iotls_tap_feed(t, IOTLS_TAP_IN, (const unsigned char *)"\x15\x03\x03\x00\x02\x02\x28", 7);
    CHECK_INT(e.wire.alert_received_level, 2);
    CHECK_INT(e.wire.alert_received, 40);
    CHECK_INT(e.wire.max_record_len, 2);
    CHECK_INT(e.wire.not_tls, 0);
    iotls_tap_delete(t);
}

int main(void)
{
    test_flight();
    test_large_hello();
    test_not_tls();
    return CHECK_DONE();
}
