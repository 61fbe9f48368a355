/*
 * Unit tests: what the record tap keeps of the client's second flight
 * (Certificate: empty or with N certificates, CertificateVerify), the
 * record version of a received alert, and whether the ServerHello
 * acknowledged the SNI. Fed whole, byte by byte and in odd chunks; broken
 * length fields must not crash or overrun.
 */
#include <string.h>

#include "check.h"
#include "iotls/iotls.h"
#include "iotls_internal.h"

typedef struct bytes {
    unsigned char b[8192];
    size_t n;
} bytes;

static void put8(bytes *o, unsigned v) { o->b[o->n++] = (unsigned char)v; }
static void put16(bytes *o, unsigned v) { put8(o, v >> 8); put8(o, v & 0xff); }
static void put24(bytes *o, unsigned v) { put8(o, v >> 16); put16(o, v & 0xffff); }
static void fill(bytes *o, unsigned v, size_t n) { memset(o->b + o->n, (int)v, n); o->n += n; }

static void record(bytes *o, unsigned type, unsigned version, const bytes *body)
{
    put8(o, type);
    put16(o, version);
    put16(o, (unsigned)body->n);
    memcpy(o->b + o->n, body->b, body->n);
    o->n += body->n;
}

/* A Certificate handshake message with certificates of the given sizes. */
static void certificate_msg(bytes *msg, const unsigned *sizes, size_t n)
{
    size_t i, total = 0;

    for (i = 0; i < n; i++)
        total += 3 + sizes[i];
    put8(msg, 11);
    put24(msg, (unsigned)(3 + total));
    put24(msg, (unsigned)total);
    for (i = 0; i < n; i++) {
        put24(msg, sizes[i]);
        fill(msg, 0x30, sizes[i]);
    }
}

static void feed(iotls_tap *t, int dir, const bytes *b, size_t chunk)
{
    size_t off = 0;
    while (off < b->n) {
        size_t k = b->n - off < chunk ? b->n - off : chunk;
        iotls_tap_feed(t, dir, b->b + off, k);
        off += k;
    }
}

static void wire_init(iotls_wire *w)
{
    iotls_error e;
    iotls_error_init(&e);
    *w = e.wire;
}

/* The client's flight: Certificate (split over two records when large),
 * ClientKeyExchange, CertificateVerify when certs were sent. */
static void client_flight(bytes *out, const unsigned *sizes, size_t n)
{
    bytes msg = {{0}, 0}, part = {{0}, 0};
    size_t half;

    certificate_msg(&msg, sizes, n);
    half = msg.n / 2;
    memcpy(part.b, msg.b, half);
    part.n = half;
    record(out, 22, 0x0303, &part);
    memcpy(part.b, msg.b + half, msg.n - half);
    part.n = msg.n - half;
    record(out, 22, 0x0303, &part);
    msg.n = 0;
    put8(&msg, 16);
    put24(&msg, 33);
    put8(&msg, 32);
    fill(&msg, 0x04, 32);
    if (n > 0) {
        put8(&msg, 15);
        put24(&msg, 8);
        put16(&msg, 0x0403);
        put16(&msg, 4);
        fill(&msg, 0x55, 4);
    }
    record(out, 22, 0x0303, &msg);
}

static void test_client_certs(void)
{
    static const unsigned two[] = {700, 300};
    static const unsigned one[] = {1200};
    static const size_t chunks[] = {1, 3, 7, 64, 8192};
    iotls_wire w;
    bytes b;
    size_t i;

    for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        iotls_tap *t;

        /* empty Certificate: no client certificate configured */
        wire_init(&w);
        t = iotls_tap_new(&w);
        CHECK(t != NULL);
        if (t == NULL)
            return;
        memset(&b, 0, sizeof b);
        client_flight(&b, NULL, 0);
        feed(t, IOTLS_TAP_OUT, &b, chunks[i]);
        CHECK_INT(w.client_cert_msg_sent, 1);
        CHECK_INT(w.client_certs_sent, 0);
        CHECK_INT(w.cert_verify_sent, 0);

        /* two certificates (larger than what the tap keeps of a body) */
        wire_init(&w);
        iotls_tap_reset(t);
        memset(&b, 0, sizeof b);
        client_flight(&b, two, 2);
        feed(t, IOTLS_TAP_OUT, &b, chunks[i]);
        CHECK_INT(w.client_cert_msg_sent, 1);
        CHECK_INT(w.client_certs_sent, 2);
        CHECK_INT(w.cert_verify_sent, 1);

        wire_init(&w);
        iotls_tap_reset(t);
        memset(&b, 0, sizeof b);
        client_flight(&b, one, 1);
        feed(t, IOTLS_TAP_OUT, &b, chunks[i]);
        CHECK_INT(w.client_certs_sent, 1);
        iotls_tap_delete(t);
    }

    /* Nothing sent: no Certificate. A received Certificate (the server's)
     * is not ours. */
    {
        iotls_tap *t;
        bytes msg = {{0}, 0};
        wire_init(&w);
        t = iotls_tap_new(&w);
        CHECK(t != NULL);
        if (t == NULL)
            return;
        memset(&b, 0, sizeof b);
        certificate_msg(&msg, two, 2);
        record(&b, 22, 0x0303, &msg);
        feed(t, IOTLS_TAP_IN, &b, 5);
        CHECK_INT(w.client_cert_msg_sent, 0);
        CHECK_INT(w.client_certs_sent, 0);
        iotls_tap_delete(t);
    }
}

static void test_broken_cert_lengths(void)
{
    iotls_tap *t;
    iotls_wire w;
    bytes b, msg;

    /* The list says 10 bytes; its certificate claims 1000: counted once,
     * no overrun, and what follows the message is still parsed. */
    wire_init(&w);
    t = iotls_tap_new(&w);
    CHECK(t != NULL);
    if (t == NULL)
        return;
    memset(&b, 0, sizeof b);
    memset(&msg, 0, sizeof msg);
    put8(&msg, 11);
    put24(&msg, 13);
    put24(&msg, 10);
    put24(&msg, 1000);
    fill(&msg, 0x30, 7);
    put8(&msg, 15);
    put24(&msg, 0);
    record(&b, 22, 0x0303, &msg);
    feed(t, IOTLS_TAP_OUT, &b, 1);
    CHECK_INT(w.client_cert_msg_sent, 1);
    CHECK_INT(w.client_certs_sent, 1);
    CHECK_INT(w.cert_verify_sent, 1);

    /* A message shorter than its list length field. */
    wire_init(&w);
    iotls_tap_reset(t);
    memset(&b, 0, sizeof b);
    memset(&msg, 0, sizeof msg);
    put8(&msg, 11);
    put24(&msg, 2);
    put16(&msg, 0xffff);
    record(&b, 22, 0x0303, &msg);
    feed(t, IOTLS_TAP_OUT, &b, 2);
    CHECK_INT(w.client_cert_msg_sent, 1);
    CHECK_INT(w.client_certs_sent, 0);

    /* Garbage of every byte value, in both directions: no crash. */
    wire_init(&w);
    iotls_tap_reset(t);
    memset(&b, 0, sizeof b);
    for (unsigned i = 0; i < 4096; i++)
        put8(&b, (i * 131u + 7u) & 0xff);
    b.b[0] = 22;
    b.b[1] = 3;
    b.b[2] = 3;
    feed(t, IOTLS_TAP_OUT, &b, 13);
    feed(t, IOTLS_TAP_IN, &b, 17);
    CHECK(w.client_certs_sent <= 255);
    iotls_tap_delete(t);
}

static void server_hello(bytes *out, int with_sni_ext)
{
    bytes body = {{0}, 0}, msg = {{0}, 0}, ext = {{0}, 0};

    put16(&body, 0x0303);
    fill(&body, 0x11, 32);
    put8(&body, 0);
    put16(&body, 0xc02b);
    put8(&body, 0);
    put16(&ext, 0xff01); /* renegotiation_info */
    put16(&ext, 1);
    put8(&ext, 0);
    if (with_sni_ext) {
        put16(&ext, 0); /* server_name, empty: "I used your SNI" */
        put16(&ext, 0);
    }
    put16(&body, (unsigned)ext.n);
    memcpy(body.b + body.n, ext.b, ext.n);
    body.n += ext.n;
    put8(&msg, 2);
    put24(&msg, (unsigned)body.n);
    memcpy(msg.b + msg.n, body.b, body.n);
    msg.n += body.n;
    record(out, 22, 0x0303, &msg);
}

static void test_sni_ack_and_alert_version(void)
{
    iotls_tap *t;
    iotls_wire w;
    bytes b, alert;

    wire_init(&w);
    t = iotls_tap_new(&w);
    CHECK(t != NULL);
    if (t == NULL)
        return;
    memset(&b, 0, sizeof b);
    server_hello(&b, 1);
    feed(t, IOTLS_TAP_IN, &b, 3);
    CHECK_INT(w.server_hello_seen, 1);
    CHECK_INT(w.sni_acked, 1);

    wire_init(&w);
    iotls_tap_reset(t);
    memset(&b, 0, sizeof b);
    server_hello(&b, 0);
    feed(t, IOTLS_TAP_IN, &b, 1);
    CHECK_INT(w.server_hello_seen, 1);
    CHECK_INT(w.sni_acked, 0);

    /* An alert in a TLS 1.0 record (OpenSSL -tls1 refusing a TLS 1.2 hello) */
    wire_init(&w);
    iotls_tap_reset(t);
    memset(&b, 0, sizeof b);
    memset(&alert, 0, sizeof alert);
    put8(&alert, 2);
    put8(&alert, 40);
    record(&b, 21, 0x0301, &alert);
    feed(t, IOTLS_TAP_IN, &b, 1);
    CHECK_INT(w.alert_received, 40);
    CHECK_INT(w.alert_received_version, 0x0301);

    /* No alert: version stays 0. An alert we send is not "received". */
    wire_init(&w);
    iotls_tap_reset(t);
    feed(t, IOTLS_TAP_OUT, &b, 7);
    CHECK_INT(w.alert_sent, 40);
    CHECK_INT(w.alert_received_version, 0);
    iotls_tap_delete(t);
}

int main(void)
{
    test_client_certs();
    test_broken_cert_lengths();
    test_sni_ack_and_alert_version();
    return CHECK_DONE();
}
