/*
 * Unit tests: the session blob (src/conn/session_blob.c) and its import
 * (iotls_conf_set_session). Blobs are made here around a real Mbed TLS
 * session (mbedtls_ssl_session_save of a TLS 1.2 client session), then
 * refused when cut at every length, when any single bit is flipped, when
 * their format version or magic is wrong, when expired, when the clock is
 * unknown or earlier than the blob, when their names or kind are
 * inconsistent, and when Mbed TLS's own part comes from another build.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "iotls/iotls.h"
#include "mbedtls/ssl.h"

#include "conn/session_int.h"

/* A TLS 1.2 client session with a session ID, as Mbed TLS saves it. */
static size_t mbed_session(uint8_t *out, size_t cap)
{
    mbedtls_ssl_session s;
    size_t olen = 0;

    mbedtls_ssl_session_init(&s);
    s.MBEDTLS_PRIVATE(tls_version) = MBEDTLS_SSL_VERSION_TLS1_2;
    s.MBEDTLS_PRIVATE(endpoint) = MBEDTLS_SSL_IS_CLIENT;
    s.MBEDTLS_PRIVATE(ciphersuite) = 0xc02b;
    s.MBEDTLS_PRIVATE(id_len) = 32;
    memset(s.MBEDTLS_PRIVATE(id), 0xA5, 32);
    memset(s.MBEDTLS_PRIVATE(master), 0x5A, 48);
    if (mbedtls_ssl_session_save(&s, out, cap, &olen) != 0)
        olen = 0;
    mbedtls_ssl_session_free(&s);
    return olen;
}

static void info_for(iotls_session_info *in, int64_t at, uint32_t life)
{
    memset(in, 0, sizeof *in);
    in->tls_version = 0x0303;
    in->kind = IOTLS_SESSION_KIND_TLS12_ID;
    in->received_at = at;
    in->lifetime_s = life;
    in->port = 8443;
    strcpy(in->host, "device-api.example.test");
    strcpy(in->sni, "device-api.example.test");
}

/* A whole blob for in around Mbed TLS bytes sess[n]. */
static size_t make(uint8_t *out, size_t cap, const iotls_session_info *in, const uint8_t *sess,
                   size_t n)
{
    size_t hdr = iotls_sblob_header_len(in), olen = 0;

    if (hdr + n + IOTLS_SBLOB_TRAILER > cap)
        return 0;
    memcpy(out + hdr, sess, n);
    return iotls_sblob_seal(out, cap, in, n, &olen) == IOTLS_SESSION_OK ? olen : 0;
}

int main(void)
{
    static uint8_t sess[512], blob[1024], bad[1024];
    iotls_session_info in, got;
    iotls_conf conf;
    int64_t now = (int64_t)time(NULL);
    size_t sn = mbed_session(sess, sizeof sess), bn, hdr, n;
    const uint8_t *sp = NULL;
    size_t sl = 0;
    int flips_refused = 0, flips = 0;

    CHECK(sn > 0);
    info_for(&in, now - 10, 3600);
    bn = make(blob, sizeof blob, &in, sess, sn);
    CHECK(bn == iotls_sblob_header_len(&in) + sn + IOTLS_SBLOB_TRAILER);

    /* Whole: every field back, the Mbed TLS part where it was put. */
    CHECK_INT(iotls_sblob_parse(blob, bn, now, &got, &sp, &sl), IOTLS_SESSION_OK);
    CHECK_INT(got.tls_version, 0x0303);
    CHECK_INT(got.kind, IOTLS_SESSION_KIND_TLS12_ID);
    CHECK_INT(got.received_at, now - 10);
    CHECK_INT(got.lifetime_s, 3600);
    CHECK_INT(got.port, 8443);
    CHECK_STR(got.host, "device-api.example.test");
    CHECK_STR(got.sni, "device-api.example.test");
    CHECK_INT(sl, sn);
    CHECK(sp != NULL && memcmp(sp, sess, sn) == 0);
    CHECK_INT(iotls_session_inspect(blob, bn, -1, NULL), IOTLS_SESSION_OK);

    /* The library takes it (a real Mbed TLS session inside). */
    iotls_conf_init(&conf);
    CHECK_INT(iotls_conf_set_session(&conf, blob, bn), IOTLS_SESSION_OK);
    CHECK(conf.session == blob && conf.session_len == bn);
    CHECK_INT(iotls_conf_set_session(&conf, NULL, 0), IOTLS_SESSION_OK);
    CHECK(conf.session == NULL);

    /* Too small a buffer: how much is needed. */
    n = 0;
    hdr = iotls_sblob_header_len(&in);
    CHECK_INT(iotls_sblob_seal(bad, hdr + sn, &in, sn, &n), IOTLS_SESSION_SMALL);
    CHECK_INT(n, bn);

    /* Cut at every length: never accepted, never read past the end. */
    for (n = 0; n < bn; n++) {
        int st = iotls_sblob_parse(blob, n, now, NULL, NULL, NULL);
        if (st == IOTLS_SESSION_OK)
            fprintf(stderr, "truncated to %zu accepted\n", n);
        CHECK(st == IOTLS_SESSION_MALFORMED || st == IOTLS_SESSION_CORRUPT);
        CHECK(iotls_conf_set_session(&conf, blob, n) != IOTLS_SESSION_OK);
    }
    CHECK(conf.session == NULL);
    /* A byte too many. */
    memcpy(bad, blob, bn);
    bad[bn] = 0;
    CHECK(iotls_sblob_parse(bad, bn + 1, now, NULL, NULL, NULL) != IOTLS_SESSION_OK);

    /* Every single bit flipped: refused (the CRC, or the magic/version). */
    for (size_t i = 0; i < bn; i++) {
        for (int b = 0; b < 8; b++) {
            int st;
            memcpy(bad, blob, bn);
            bad[i] ^= (uint8_t)(1u << b);
            st = iotls_sblob_parse(bad, bn, now, NULL, NULL, NULL);
            flips++;
            if (st != IOTLS_SESSION_OK)
                flips_refused++;
            else
                fprintf(stderr, "bit %d of byte %zu flipped: accepted\n", b, i);
        }
    }
    CHECK_INT(flips_refused, flips);
    /* Past the magic and version byte a flip is a checksum mismatch. */
    memcpy(bad, blob, bn);
    bad[30] ^= 0x10;
    CHECK_INT(iotls_sblob_parse(bad, bn, now, NULL, NULL, NULL), IOTLS_SESSION_CORRUPT);
    CHECK_INT(iotls_conf_set_session(&conf, bad, bn), IOTLS_SESSION_CORRUPT);

    /* Wrong magic; another format version (even with a matching CRC). */
    memcpy(bad, blob, bn);
    bad[0] = 'X';
    CHECK_INT(iotls_sblob_parse(bad, bn, now, NULL, NULL, NULL), IOTLS_SESSION_MALFORMED);
    memcpy(bad, blob, bn);
    bad[4] = 2;
    CHECK_INT(iotls_sblob_parse(bad, bn, now, NULL, NULL, NULL), IOTLS_SESSION_VERSION);
    CHECK_INT(iotls_conf_set_session(&conf, bad, bn), IOTLS_SESSION_VERSION);
    CHECK_INT(iotls_sblob_parse((const uint8_t *)"hello", 5, now, NULL, NULL, NULL),
              IOTLS_SESSION_MALFORMED);
    CHECK_INT(iotls_sblob_parse(NULL, 0, now, NULL, NULL, NULL), IOTLS_SESSION_USAGE);

    /* Lifetime: alive until received_at + lifetime, then expired. */
    info_for(&in, now - 3600, 3600);
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_EXPIRED);
    CHECK_INT(iotls_conf_set_session(&conf, bad, n), IOTLS_SESSION_EXPIRED);
    CHECK_INT(iotls_sblob_parse(bad, n, now - 1, NULL, NULL, NULL), IOTLS_SESSION_OK);
    CHECK_INT(iotls_sblob_parse(bad, n, -1, NULL, NULL, NULL), IOTLS_SESSION_OK);
    /* A clock earlier than the blob, or none: its age is unknown. */
    info_for(&in, now + 600, 3600);
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_NO_CLOCK);
    CHECK_INT(iotls_sblob_alive(&in, -1), IOTLS_SESSION_NO_CLOCK);
    /* More than 7 days is cut to 7 days when written. */
    info_for(&in, now, 30u * 86400u);
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, &got, NULL, NULL), IOTLS_SESSION_OK);
    CHECK_INT(got.lifetime_s, 7u * 86400u);

    /* Inconsistent headers, with a valid CRC: refused as malformed. */
    info_for(&in, now, 3600);
    in.kind = IOTLS_SESSION_KIND_TLS13_TICKET; /* TLS 1.3 kind, TLS 1.2 version */
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_MALFORMED);
    info_for(&in, now, 3600);
    in.port = 0;
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_MALFORMED);
    info_for(&in, now, 3600);
    strcpy(in.host, "bad host"); /* a space: not a name */
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_MALFORMED);
    info_for(&in, now, 3600);
    in.sni[0] = '\0'; /* no SNI sent: fine */
    n = make(bad, sizeof bad, &in, sess, sn);
    CHECK_INT(iotls_sblob_parse(bad, n, now, &got, NULL, NULL), IOTLS_SESSION_OK);
    CHECK_STR(got.sni, "");

    /* Mbed TLS's part from another build (its version header differs):
     * whole and checksummed for iotls, refused by Mbed TLS. */
    {
        uint8_t other[512];
        memcpy(other, sess, sn);
        other[0] ^= 0x01; /* Mbed TLS major version byte */
        info_for(&in, now, 3600);
        n = make(bad, sizeof bad, &in, other, sn);
        CHECK_INT(iotls_sblob_parse(bad, n, now, NULL, NULL, NULL), IOTLS_SESSION_OK);
        CHECK_INT(iotls_conf_set_session(&conf, bad, n), IOTLS_SESSION_BUILD);
        /* Mbed TLS's part cut short inside a valid blob. */
        n = make(bad, sizeof bad, &in, sess, sn - 7);
        CHECK_INT(iotls_conf_set_session(&conf, bad, n), IOTLS_SESSION_MALFORMED);
        CHECK(conf.session == NULL);
    }

    /* The CRC is the IEEE one. */
    CHECK_INT(iotls_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    /* Names for reports. */
    CHECK_STR(iotls_session_kind_name(IOTLS_SESSION_KIND_TLS13_TICKET), "TLS 1.3 ticket");
    CHECK_STR(iotls_session_status_text(IOTLS_SESSION_CORRUPT), "damaged (checksum mismatch)");
    /* No connection: nothing to export, nothing resumed. */
    {
        iotls_conn c;
        uint8_t out[16];
        size_t olen = 99;
        iotls_conn_init(&c);
        CHECK_INT(iotls_conn_session_export(&c, out, sizeof out, &olen), IOTLS_SESSION_NONE);
        CHECK_INT(olen, 0);
        CHECK_INT(iotls_conn_session_export(&c, NULL, 4, &olen), IOTLS_SESSION_USAGE);
        CHECK_INT(iotls_conn_resumed(&c), 0);
        iotls_conn_free(&c);
    }
    return CHECK_DONE();
}
