/*
 * mode=bundle (tests/device/run_bundle.py): the device root bundle
 * (docs/bundle.md) on the device. The host makes many roots and servers
 * whose chains end in some of them, builds the bundle with `iotls bundle`
 * and hands it over through semihosting; a product would link it into
 * flash instead (`iotls bundle --c-array`). With the bundle as the only
 * trust, the firmware:
 *   1. refuses the blob damaged (one byte flipped: digest) and truncated;
 *   2. connects to the servers on port and port2: verified, and names the
 *      bundled root that anchored each chain (BUNDLE_ANCHOR lines);
 *   3. connects to the server on port3, whose root is not bundled (an
 *      impostor with a bundled root's name): verify fails, not_trusted;
 *   4. leaks nothing;
 *   5. measures: the blob check, the same handshake with the root as a
 *      one-certificate trust store and with the bundle (heap peaks), and the
 *      hook alone on the first server's intermediate (heap above what it
 *      started with, against the heap one parsed copy of the root's key
 *      holds; instructions under -icount).
 */
#include <string.h>

#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "app.h"
#include "board.h"
#include "iotls_port_lwip.h"
#include "semihost.h"

/* Private to iotls (src/iotls_internal.h, src/conn/engine.h): what the
 * verify hook runs, called here alone to measure it. */
int iotls_bundle_anchor_crt(const uint8_t *blob, size_t len, const mbedtls_x509_crt *crt,
                            int depth, uint32_t *flags, const mbedtls_x509_crt_profile *prof);
extern const mbedtls_x509_crt_profile iotls_cert_profile;

#define INSTR_PER_TICK 40u /* -icount shift=0, SysTick at 25 MHz */

/* RAM for the test only: a device reads the bundle in place from flash. */
static uint8_t blob[60 * 1024];
static unsigned char pem[4096];
static iotls_conf cf;
static iotls_conn c;

static size_t heap_now(void)
{
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    return h.current;
}

static size_t heap_peak(void)
{
    iotls_heap_stats h;
    iotls_port_lwip_heap_stats(&h);
    return h.peak;
}

static void hex4(const uint8_t *p, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (int i = 0; i < 4; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[8] = '\0';
}

/* One connection with conf to port; prints BUNDLE_CONN and, when the
 * bundle anchored it, BUNDLE_ANCHOR. Returns the iotls code; *peak the heap
 * peak above the start. */
static int connect_once(const app_args *a, const char *tag, const iotls_conf *conf, uint16_t port,
                        size_t *peak, uint32_t *vflags)
{
    iotls_bundle_root root;
    size_t before;
    int rc;

    iotls_port_lwip_heap_reset();
    before = heap_now();
    iotls_conn_init(&c);
    rc = iotls_conn_setup(&c, conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&c, a->host, port);
    *peak = heap_peak() - before;
    *vflags = iotls_conn_error(&c)->verify_flags;
    board_printf("BUNDLE_CONN %s port=%u result=%s verify_flags=0x%08lx heap_peak=%lu\n", tag,
                 (unsigned)port, iotls_err_name(rc), (unsigned long)*vflags,
                 (unsigned long)*peak);
    if (rc == IOTLS_OK && iotls_conn_bundle_anchor(&c, &root)) {
        char h[9];
        hex4(root.subject_hash, h);
        board_printf("BUNDLE_ANCHOR %s index=%lu name=\"%s\" key=%s/%lu hash=%s bytes=%lu\n", tag,
                     (unsigned long)root.index, root.name, iotls_bundle_key_str(root.key_type),
                     (unsigned long)root.key_bits, h, (unsigned long)root.record_bytes);
    }
    if (rc == IOTLS_OK)
        iotls_conn_close(&c);
    iotls_conn_free(&c);
    return rc;
}

/* The hook alone on the intermediate in a->inter (depth 1), and one parsed
 * copy of the root key in a->ca, for the RAM and instruction figures. */
static int measure_hook(const app_args *a, size_t len)
{
    mbedtls_x509_crt inter, root;
    mbedtls_pk_context pk;
    size_t before, hook_peak, key_bytes, verify_peak;
    uint64_t t0, ticks;
    uint32_t flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    long n;
    int idx, fails = 0;

    mbedtls_x509_crt_init(&inter);
    mbedtls_x509_crt_init(&root);
    mbedtls_pk_init(&pk);
    n = semihost_read_file(a->inter, pem, sizeof pem - 1);
    if (n > 0) {
        pem[n] = '\0';
        n = mbedtls_x509_crt_parse(&inter, pem, (size_t)n + 1) == 0 ? n : -1;
    }
    fails += app_check("bundle_inter_loaded", n > 0, NULL);
    n = semihost_read_file(a->ca, pem, sizeof pem - 1);
    if (n > 0) {
        pem[n] = '\0';
        n = mbedtls_x509_crt_parse(&root, pem, (size_t)n + 1) == 0 ? n : -1;
    }
    fails += app_check("bundle_root_loaded", n > 0, NULL);
    if (fails)
        goto out;

    iotls_port_lwip_heap_reset();
    before = heap_now();
    t0 = board_ticks();
    idx = iotls_bundle_anchor_crt(blob, len, &inter, 1, &flags, &iotls_cert_profile);
    ticks = board_ticks() - t0;
    hook_peak = heap_peak() - before;
    fails += app_check("bundle_hook_anchors", idx >= 0 && flags == 0, "index %d flags 0x%lx", idx,
                       (unsigned long)flags);
    fails += app_check("bundle_hook_no_leak", heap_now() == before, NULL);

    /* what Mbed TLS spends on the same signature with a root certificate's
     * key parsed beforehand (a trust store): one parsed key, and the
     * check's own peak on top of it */
    before = heap_now();
    if (mbedtls_pk_parse_public_key(&pk, root.pk_raw.p, root.pk_raw.len) != 0)
        fails += app_check("bundle_key_parsed", 0, NULL);
    key_bytes = heap_now() - before;
    {
        unsigned char hash[MBEDTLS_MD_MAX_SIZE];
        const mbedtls_md_info_t *md = mbedtls_md_info_from_type(inter.MBEDTLS_PRIVATE(sig_md));
        int ok;
        iotls_port_lwip_heap_reset();
        before = heap_now();
        ok = md != NULL && mbedtls_md(md, inter.tbs.p, inter.tbs.len, hash) == 0 &&
             mbedtls_pk_verify_ext(inter.MBEDTLS_PRIVATE(sig_pk), inter.MBEDTLS_PRIVATE(sig_opts),
                                   &pk, inter.MBEDTLS_PRIVATE(sig_md), hash,
                                   mbedtls_md_get_size(md), inter.MBEDTLS_PRIVATE(sig).p,
                                   inter.MBEDTLS_PRIVATE(sig).len) == 0;
        verify_peak = heap_peak() - before;
        fails += app_check("bundle_reference_verify", ok, NULL);
    }
    board_printf("BUNDLE_HOOK heap_peak=%lu key_bytes=%lu parsed_key_verify_peak=%lu "
                 "beyond_key_and_check=%ld instructions=%lu\n",
                 (unsigned long)hook_peak, (unsigned long)key_bytes, (unsigned long)verify_peak,
                 (long)hook_peak - (long)key_bytes - (long)verify_peak,
                 (unsigned long)(ticks * INSTR_PER_TICK));
out:
    mbedtls_pk_free(&pk);
    mbedtls_x509_crt_free(&inter);
    mbedtls_x509_crt_free(&root);
    return fails;
}

int app_bundle(const app_args *a)
{
    static iotls_trust trust;
    static iotls_conf tcf;
    iotls_bundle_info info;
    size_t len, base, p_trust = 0, p_bundle = 0, p2 = 0, p3 = 0;
    uint64_t t0, ticks;
    uint32_t vf = 0;
    long n;
    int fails = 0, rc;

    if (a->bundle == NULL || a->inter == NULL || a->port2 == 0 || a->port3 == 0) {
        board_printf("mode=bundle needs bundle=PATH inter=PATH port2=N port3=N\n");
        return 64;
    }
    n = semihost_read_file(a->bundle, blob, sizeof blob);
    if (n <= 0) {
        board_printf("bundle: cannot read %s (missing, or over %u bytes)\n", a->bundle,
                     (unsigned)sizeof blob);
        return 1;
    }
    len = (size_t)n;

    /* 1. damaged and truncated blobs are refused */
    blob[len / 2] ^= 0x01;
    rc = iotls_bundle_check(blob, len, &info);
    fails += app_check("bundle_corrupt_refused",
                       rc == IOTLS_ERR_BUNDLE && info.status == IOTLS_BUNDLE_E_DIGEST, "%s",
                       iotls_bundle_status_str(info.status));
    blob[len / 2] ^= 0x01;
    iotls_conf_init(&cf);
    rc = iotls_conf_set_bundle(&cf, blob, len - 1);
    fails += app_check("bundle_truncated_refused", rc == IOTLS_ERR_BUNDLE && cf.bundle == NULL,
                       NULL);
    t0 = board_ticks();
    rc = iotls_conf_set_bundle(&cf, blob, len);
    ticks = board_ticks() - t0;
    iotls_conf_set_connect_address(&cf, "10.0.2.2");
    iotls_bundle_check(blob, len, &info);
    fails += app_check("bundle_accepted", rc == IOTLS_OK, "%s", iotls_err_name(rc));
    board_printf("BUNDLE_BLOB roots=%lu bytes=%lu check_instructions=%lu\n",
                 (unsigned long)info.count, (unsigned long)len,
                 (unsigned long)(ticks * INSTR_PER_TICK));
    if (rc != IOTLS_OK)
        return 1;

    /* the same server with its root as a one-certificate store: the
     * warm-up (PSA's one-time state) and the reference peak */
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 1;
    iotls_conf_init(&tcf);
    iotls_conf_set_trust(&tcf, &trust);
    iotls_conf_set_connect_address(&tcf, "10.0.2.2");
    app_warm_up(a, &trust, a->port);
    /* a fresh copy for the reference: its key's first use (Mbed TLS
     * caches a Montgomery constant in it) falls inside the measurement,
     * as the bundle's does */
    iotls_trust_free(&trust);
    iotls_trust_init(&trust);
    if (app_load_trust(&trust, a->ca) != 0)
        return 1;
    rc = connect_once(a, "trust_store", &tcf, a->port, &p_trust, &vf);
    fails += app_check("bundle_reference_ok", rc == IOTLS_OK, "%s", iotls_err_name(rc));
    base = heap_now();

    /* 2. the bundle alone */
    rc = connect_once(a, "server1", &cf, a->port, &p_bundle, &vf);
    fails += app_check("bundle_server1_ok", rc == IOTLS_OK, "%s", iotls_err_name(rc));
    rc = connect_once(a, "server2", &cf, a->port2, &p2, &vf);
    fails += app_check("bundle_server2_ok", rc == IOTLS_OK, "%s", iotls_err_name(rc));

    /* 3. a root not in the bundle */
    rc = connect_once(a, "unbundled", &cf, a->port3, &p3, &vf);
    fails += app_check("bundle_unbundled_refused",
                       rc == IOTLS_ERR_VERIFY &&
                           (vf & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0,
                       "%s", iotls_err_name(rc));

    /* 4. nothing left allocated by the three bundle connections */
    fails += app_check("bundle_no_leak", heap_now() == base, "%ld bytes",
                       (long)heap_now() - (long)base);
    board_printf("BUNDLE_HEAP trust_store_peak=%lu bundle_peak=%lu delta=%ld\n",
                 (unsigned long)p_trust, (unsigned long)p_bundle, (long)p_bundle - (long)p_trust);

    /* 5. the hook alone */
    fails += measure_hook(a, len);
    iotls_trust_free(&trust);
    board_printf("bundle: %s\n", fails == 0 ? "all checks passed" : "FAILED");
    return fails == 0 ? 0 : 1;
}
