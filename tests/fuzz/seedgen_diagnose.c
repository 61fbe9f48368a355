/*
 * Writes the diagnose target's seeds: iotls_error values (raw bytes, the
 * target's input format) for the failures the rules know, each with the
 * evidence that rule looks at, then the optional diagnosis input.
 * usage: seedgen_diagnose OUTDIR
 */
#include <stdio.h>
#include <string.h>

#include "iotls/iotls.h"

typedef struct seed {
    iotls_err code;
    iotls_stage stage;
    int alert;          /* received, -1 none */
    uint32_t flags;     /* verify flags */
    int mbedtls_code;
    int not_tls;
    uint8_t tail_flags; /* the target's input flags byte, 0: no input part */
} seed;

static const seed seeds[] = {
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 112, 0, -0x7780, 0, 0},
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 40, 0, -0x7780, 0, 0x0f},
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 70, 0, -0x7780, 0, 0},
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 116, 0, -0x7780, 0, 0x01},
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 42, 0, -0x7780, 0, 0x01},
    {IOTLS_ERR_ALERT_RECEIVED, IOTLS_STAGE_HANDSHAKE, 48, 0, -0x7780, 0, 0},
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x01, -0x2700, 0, 0x10},      /* expired */
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x0200, -0x2700, 0, 0x10},    /* future */
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x04, -0x2700, 0, 0},         /* name */
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x08, -0x2700, 0, 0x10},      /* not trusted */
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x40000000u, -0x2700, 0, 0},
    {IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, -1, 0x1c000, -0x2700, 0, 0},
    {IOTLS_ERR_NOT_TLS, IOTLS_STAGE_HANDSHAKE, -1, 0, -0x7200, 1, 0},
    {IOTLS_ERR_PROTOCOL_VERSION, IOTLS_STAGE_HANDSHAKE, 70, 0, -0x6e80, 0, 0},
    {IOTLS_ERR_HANDSHAKE, IOTLS_STAGE_HANDSHAKE, -1, 0, -0x7080, 0, 0},
    {IOTLS_ERR_RECORD_TOO_LARGE, IOTLS_STAGE_HANDSHAKE, -1, 0, -0x7200, 0, 0},
    {IOTLS_ERR_PEER_CLOSED, IOTLS_STAGE_HANDSHAKE, -1, 0, 0, 0, 0x04},
    {IOTLS_ERR_RESET, IOTLS_STAGE_HANDSHAKE, -1, 0, 0, 0, 0},
    {IOTLS_ERR_HANDSHAKE_TIMEOUT, IOTLS_STAGE_HANDSHAKE, -1, 0, 0, 0, 0},
    {IOTLS_ERR_DNS, IOTLS_STAGE_DNS, -1, 0, 0, 0, 0},
    {IOTLS_ERR_CONNECT_REFUSED, IOTLS_STAGE_CONNECT, -1, 0, 0, 0, 0},
    {IOTLS_ERR_CONNECT_TIMEOUT, IOTLS_STAGE_CONNECT, -1, 0, 0, 0, 0},
    {IOTLS_ERR_TRUNCATED, IOTLS_STAGE_READ, -1, 0, 0, 0, 0},
    {IOTLS_ERR_READ_TIMEOUT, IOTLS_STAGE_READ, -1, 0, 0, 0, 0},
    {IOTLS_ERR_ALLOC, IOTLS_STAGE_SETUP, -1, 0, -0x7f00, 0, 0},
    {IOTLS_ERR_ENTROPY, IOTLS_STAGE_SETUP, -1, 0, -0x34, 0, 0},
    {IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_SETUP, -1, 0, 0, 0, 0x10},
    {IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, -1, 0, 0, 0, 0},
    {IOTLS_OK, IOTLS_STAGE_NONE, -1, 0, 0, 0, 0},
};

int main(int argc, char **argv)
{
    static const uint16_t suites[] = {0xc02b, 0xc02f, 0xc02c, 0x009e};
    static iotls_error e;
    unsigned i, k;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        const seed *s = &seeds[i];
        char path[4096];
        unsigned char tail[10 + 64];
        FILE *f;

        iotls_error_init(&e);
        e.code = s->code;
        e.stage = s->stage;
        e.mbedtls_code = s->mbedtls_code;
        e.verify_flags = s->flags;
        e.elapsed_ms = 40 + i;
        e.wall_time = 1795000000;
        snprintf(e.host, sizeof e.host, "%s", "fuzz.example");
        e.port = 443;
        snprintf(e.addr, sizeof e.addr, "%s", "127.0.0.1");
        e.sni_sent = 1;
        snprintf(e.sni, sizeof e.sni, "%s", "fuzz.example");
        snprintf(e.verify_name, sizeof e.verify_name, "%s", "fuzz.example");
        e.in_content_len = 16384;
        e.out_content_len = 16384;
        e.wire.client_hello_seen = 1;
        e.wire.client_hello.version = 0x0303;
        for (k = 0; k < 4; k++)
            e.wire.client_hello.suites[k] = suites[k];
        e.wire.client_hello.n_suites = 4;
        e.wire.client_hello.total_suites = 4;
        e.wire.client_hello.groups[0] = 23;
        e.wire.client_hello.n_groups = 1;
        e.wire.client_hello.has_sni = 1;
        snprintf(e.wire.client_hello.sni, sizeof e.wire.client_hello.sni, "%s",
                 "fuzz.example");
        e.wire.bytes_sent = 200;
        if (s->alert >= 0) {
            e.wire.alert_received_level = 2;
            e.wire.alert_received = (int16_t)s->alert;
            e.wire.alert_received_version = 0x0303;
        }
        if (s->not_tls) {
            static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
            e.wire.not_tls = 1;
            memcpy(e.wire.first_bytes, http, sizeof http - 1);
            e.wire.n_first_bytes = sizeof http - 1;
        }
        if (s->stage >= IOTLS_STAGE_VERIFY) {
            e.wire.server_hello_seen = 1;
            e.wire.server_hello.version = 0x0303;
            e.wire.server_hello.suites[0] = 0xc02b;
            e.wire.server_hello.n_suites = 1;
            e.wire.hs_msgs[0] = 2;
            e.wire.hs_msgs[1] = 11;
            e.wire.n_hs_msgs = 2;
        }
        snprintf(path, sizeof path, "%s/seed%02u", argv[1], i);
        f = fopen(path, "wb");
        if (f == NULL) {
            perror(path);
            return 1;
        }
        fwrite(&e, sizeof e, 1, f);
        if (s->tail_flags) {
            int64_t build = 1790000000;
            memset(tail, 0, sizeof tail);
            memcpy(tail, &build, 8);
            tail[8] = s->tail_flags;
            /* trust report: loaded 0, skipped 1, sources 1, one issue */
            tail[14] = 1;
            tail[18] = 1;
            tail[22] = 1;
            fwrite(tail, sizeof tail, 1, f);
        }
        if (fclose(f) != 0)
            return 1;
    }
    return 0;
}
