/*
 * Fuzz target: the device root bundle (src/trust/bundle.c, bundle_build.c).
 * The first byte chooses what the rest is:
 *  - bit 0 clear: a blob, checked as given (the digest rejects almost
 *    everything: the header and length paths);
 *  - bit 0 set: a blob whose SHA-256 is made to match first, so that the
 *    structure checks alone stand between the bytes and the reader;
 *  - bit 1 set: a certificate (DER) for the builder; whatever it makes must
 *    pass the check and read back.
 * Invariants: a checked blob reads back root by root (names terminated,
 * hash lengths in range, records inside the blob); nothing leaks.
 */
#include "fuzz_util.h"
#include "iotls/iotls.h"
#include "mbedtls/sha256.h"

static void read_back(const uint8_t *b, size_t len)
{
    iotls_bundle_info info;
    iotls_bundle_root r;

    if (iotls_bundle_check(b, len, &info) != IOTLS_OK) {
        FUZZ_ASSERT(info.status != IOTLS_BUNDLE_OK);
        FUZZ_ASSERT(iotls_bundle_root_at(b, len, 0, &r) == IOTLS_ERR_USAGE);
        return;
    }
    FUZZ_ASSERT(info.count >= 1 && info.count <= IOTLS_BUNDLE_MAX_ROOTS);
    for (uint32_t i = 0; i < info.count; i++) {
        FUZZ_ASSERT(iotls_bundle_root_at(b, len, i, &r) == IOTLS_OK);
        FUZZ_ASSERT(r.index == i);
        FUZZ_ASSERT(r.hash_len >= IOTLS_BUNDLE_MIN_HASH && r.hash_len <= IOTLS_BUNDLE_MAX_HASH);
        FUZZ_ASSERT(r.record_bytes > 0 && r.record_bytes <= len);
        FUZZ_TERMINATED(r.name);
    }
    FUZZ_ASSERT(iotls_bundle_root_at(b, len, info.count, &r) == IOTLS_ERR_USAGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b;
    size_t len;

    if (size < 1)
        return 0;
    len = size - 1;
    if (data[0] & 2) {
        iotls_bundle_builder *bb = NULL;
        iotls_bundle_added res;
        uint8_t *blob = NULL;
        size_t blen = 0;
        FUZZ_ASSERT(iotls_bundle_builder_new(&bb, 4 + (data[0] >> 3) % 29,
                                             (data[0] & 4) ? IOTLS_BUNDLE_FLAG_NAMES : 0,
                                             0) == IOTLS_OK);
        FUZZ_ASSERT(iotls_bundle_builder_add_der(bb, data + 1, len, &res) == IOTLS_OK);
        FUZZ_TERMINATED(res.subject);
        FUZZ_TERMINATED(res.name);
        if (res.verdict == IOTLS_BUNDLE_ADDED) {
            FUZZ_ASSERT(iotls_bundle_builder_finish(bb, &blob, &blen) == IOTLS_OK);
            FUZZ_ASSERT(iotls_bundle_check(blob, blen, NULL) == IOTLS_OK);
            read_back(blob, blen);
            iotls_port_free(blob);
        } else {
            FUZZ_ASSERT(iotls_bundle_builder_finish(bb, &blob, &blen) == IOTLS_ERR_USAGE);
        }
        iotls_bundle_builder_free(bb);
        return 0;
    }
    /* an exact-size copy: reading one byte past it is caught */
    b = (uint8_t *)malloc(len ? len : 1);
    FUZZ_ASSERT(b != NULL);
    memcpy(b, data + 1, len);
    if ((data[0] & 1) && len >= IOTLS_BUNDLE_HEADER_LEN) {
        mbedtls_sha256_context s;
        mbedtls_sha256_init(&s);
        FUZZ_ASSERT(mbedtls_sha256_starts(&s, 0) == 0);
        FUZZ_ASSERT(mbedtls_sha256_update(&s, b, 16) == 0);
        FUZZ_ASSERT(mbedtls_sha256_update(&s, b + 48, len - 48) == 0);
        FUZZ_ASSERT(mbedtls_sha256_finish(&s, b + 16) == 0);
        mbedtls_sha256_free(&s);
    }
    read_back(b, len);
    free(b);
    return 0;
}
