/*
 * Wycheproof vectors (the files in tests/curve/wycheproof/, extracted from C2SP's
 * testvectors_v1 JSON files: see the README there) through Mbed TLS's
 * public API:
 *   ecdh_*      mbedtls_ecp_point_read_binary + mbedtls_ecdh_compute_shared
 *               (P-256, P-384: public key as an encoded point),
 *   x25519      mbedtls_ecp_read_key (clamps) + mbedtls_ecdh_compute_shared,
 *   ecdsa_*     SHA-256/384 of msg + mbedtls_ecdsa_read_signature.
 * Every vector's outcome must match its result: valid -> accepted with the
 * expected shared secret, invalid -> refused, acceptable -> either. The
 * known exceptions of stock Mbed TLS 3.6.6 are listed below (the same in
 * every build).
 *
 *   curve_wycheproof DIR
 *
 * File format: '#' comments; "key HEX" starts an ECDSA test group (the
 * group's uncompressed public key); a vector is
 *   TCID RESULT A B [C]       RESULT v/i/a; "-" for an empty field
 * with A B C = public private shared (ECDH) or msg sig (ECDSA).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* ecdsa context's grp and Q */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/md.h"

#include "curve_util.h"

static uint64_t blind_state = 99;

/* Known differences of stock Mbed TLS 3.6.6 from the expected result
 * (file, tcId): checked in every build, so that a change shows. */
struct known {
    const char *file;
    int tc_id;
};
/* All are signature-encoding (ASN.1/DER strictness) cases that Mbed TLS's
 * lenient ASN.1 parser (library/asn1parse.c) accepts; the arithmetic then
 * verifies the decoded (r, s) correctly. Wycheproof marks them "invalid".
 * The same nine tcIds, with the same modifications, in both ECDSA files
 * (P-256/SHA-256 and P-384/SHA-384):
 *   6:             s with its top bit set and no leading 00 (a negative
 *                  INTEGER in DER), read as unsigned
 *   8, 9:          SEQUENCE length in long form (P-256: 0x81 45, 0x82 0045;
 *                  P-384: 0x81 65, 0x82 0065)
 *   67, 68:        r's length in long form (0x81 20, 0x82 0020; 0x81 30,
 *                  0x82 0030)
 *   114, 115:      s's length in long form (0x81 21, 0x82 0021; 0x81 31,
 *                  0x82 0031)
 *   84, 128:       superfluous leading zero bytes in r / s */
static const struct known known_stock[] = {
    { "ecdsa_secp256r1_sha256.txt", 6 },
    { "ecdsa_secp256r1_sha256.txt", 8 },
    { "ecdsa_secp256r1_sha256.txt", 9 },
    { "ecdsa_secp256r1_sha256.txt", 67 },
    { "ecdsa_secp256r1_sha256.txt", 68 },
    { "ecdsa_secp256r1_sha256.txt", 84 },
    { "ecdsa_secp256r1_sha256.txt", 114 },
    { "ecdsa_secp256r1_sha256.txt", 115 },
    { "ecdsa_secp256r1_sha256.txt", 128 },
    { "ecdsa_secp384r1_sha384.txt", 6 },
    { "ecdsa_secp384r1_sha384.txt", 8 },
    { "ecdsa_secp384r1_sha384.txt", 9 },
    { "ecdsa_secp384r1_sha384.txt", 67 },
    { "ecdsa_secp384r1_sha384.txt", 68 },
    { "ecdsa_secp384r1_sha384.txt", 84 },
    { "ecdsa_secp384r1_sha384.txt", 114 },
    { "ecdsa_secp384r1_sha384.txt", 115 },
    { "ecdsa_secp384r1_sha384.txt", 128 },
    { NULL, 0 }
};

static int is_known(const char *file, int tc)
{
    for (const struct known *k = known_stock; k->file != NULL; k++)
        if (strcmp(k->file, file) == 0 && k->tc_id == tc)
            return 1;
    return 0;
}

static int unhex_field(const char *s, unsigned char *out, size_t max)
{
    if (strcmp(s, "-") == 0)
        return 0;
    return curve_unhex(s, out, max);
}

/* 1 = accepted with the right output, 0 = refused, -1 = accepted with a
 * wrong output. */
static int run_ecdh(mbedtls_ecp_group_id id, const char *pub_hex, const char *priv_hex,
                    const char *shared_hex)
{
    unsigned char pub[200], priv[80], shared[80], out[80];
    int np = unhex_field(pub_hex, pub, sizeof(pub));
    int nd = unhex_field(priv_hex, priv, sizeof(priv));
    int ns = unhex_field(shared_hex, shared, sizeof(shared));
    if (np < 0 || nd < 0 || ns < 0) {
        fprintf(stderr, "bad hex\n");
        exit(2);
    }
    mbedtls_ecp_group grp;
    mbedtls_ecp_point Q;
    mbedtls_mpi d, z;
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&z);
    mbedtls_ecp_keypair_init(&kp);
    int ret = mbedtls_ecp_group_load(&grp, id);
    int accepted = 0;
    size_t plen = (grp.pbits + 7) / 8;
    if (ret == 0)
        ret = mbedtls_ecp_point_read_binary(&grp, &Q, pub, (size_t)np);
    if (ret == 0)
        ret = mbedtls_ecp_check_pubkey(&grp, &Q);
    if (ret == 0) {
        if (id == MBEDTLS_ECP_DP_CURVE25519) {
            ret = mbedtls_ecp_read_key(id, &kp, priv, (size_t)nd); /* clamps */
            if (ret == 0)
                ret = mbedtls_mpi_copy(&d, &kp.d);
        } else {
            ret = mbedtls_mpi_read_binary(&d, priv, (size_t)nd);
        }
    }
    if (ret == 0)
        ret = mbedtls_ecdh_compute_shared(&grp, &z, &Q, &d, curve_f_rng, &blind_state);
    if (ret == 0) {
        if (id == MBEDTLS_ECP_DP_CURVE25519)
            ret = mbedtls_mpi_write_binary_le(&z, out, plen);
        else
            ret = mbedtls_mpi_write_binary(&z, out, plen);
        accepted = ret == 0 && (size_t)ns == plen && memcmp(out, shared, plen) == 0 ? 1 : -1;
    }
    mbedtls_ecp_keypair_free(&kp);
    mbedtls_mpi_free(&z);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_group_free(&grp);
    return accepted;
}

static int run_ecdsa(mbedtls_ecp_group_id id, mbedtls_md_type_t md, const unsigned char *key,
                     size_t key_len, const char *msg_hex, const char *sig_hex)
{
    static unsigned char msg[4096], sig[8192];
    unsigned char hash[64];
    int nm = unhex_field(msg_hex, msg, sizeof(msg));
    int ns = unhex_field(sig_hex, sig, sizeof(sig));
    if (nm < 0 || ns < 0) {
        fprintf(stderr, "bad hex\n");
        exit(2);
    }
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    mbedtls_ecdsa_context ctx;
    mbedtls_ecdsa_init(&ctx);
    int ret = mbedtls_ecp_group_load(&ctx.grp, id);
    if (ret == 0)
        ret = mbedtls_ecp_point_read_binary(&ctx.grp, &ctx.Q, key, key_len);
    if (ret == 0)
        ret = mbedtls_md(info, msg, (size_t)nm, hash);
    if (ret == 0)
        ret = mbedtls_ecdsa_read_signature(&ctx, hash, mbedtls_md_get_size(info), sig,
                                           (size_t)ns);
    mbedtls_ecdsa_free(&ctx);
    return ret == 0;
}

struct file_spec {
    const char *name;
    int ecdsa;
    mbedtls_ecp_group_id id;
    mbedtls_md_type_t md;
};

static const struct file_spec files[] = {
    { "ecdh_secp256r1_ecpoint.txt", 0, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_MD_NONE },
    { "ecdh_secp384r1_ecpoint.txt", 0, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_MD_NONE },
    { "x25519.txt", 0, MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_MD_NONE },
    { "ecdsa_secp256r1_sha256.txt", 1, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_MD_SHA256 },
    { "ecdsa_secp384r1_sha384.txt", 1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_MD_SHA384 },
};

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    static char line[16384];
    int total = 0, failures = 0, known = 0, missing = 0;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, files[f].name);
        FILE *fp = fopen(path, "r");
        if (fp == NULL) {
            printf("%s: missing\n", files[f].name);
            missing++;
            continue;
        }
        unsigned char key[200];
        int key_len = -1;
        int n = 0, nv = 0, ni = 0, na = 0, fails = 0, kn = 0, acc_a = 0;
        while (fgets(line, sizeof(line), fp) != NULL) {
            line[strcspn(line, "\r\n")] = 0;
            if (line[0] == '#' || line[0] == 0)
                continue;
            char *tok[6] = { 0 };
            int nt = 0;
            for (char *t = strtok(line, " "); t != NULL && nt < 6; t = strtok(NULL, " "))
                tok[nt++] = t;
            if (strcmp(tok[0], "key") == 0) {
                key_len = curve_unhex(tok[1], key, sizeof(key));
                continue;
            }
            if (nt < 4 || (!files[f].ecdsa && nt < 5)) {
                fprintf(stderr, "%s: malformed line for tcId %s\n", files[f].name, tok[0]);
                return 2;
            }
            int tc = atoi(tok[0]);
            char res = tok[1][0];
            int got;
            if (files[f].ecdsa)
                got = key_len < 0 ? 0
                                  : run_ecdsa(files[f].id, files[f].md, key, (size_t)key_len,
                                              tok[2], tok[3]);
            else
                got = run_ecdh(files[f].id, tok[2], tok[3], tok[4]);
            n++;
            int ok;
            if (res == 'v') {
                nv++;
                ok = got == 1;
            } else if (res == 'i') {
                ni++;
                ok = got == 0;
            } else {
                na++;
                ok = got != -1; /* either way, but never a wrong secret */
                acc_a += got == 1;
            }
            if (!ok) {
                if (is_known(files[f].name, tc)) {
                    kn++;
                } else {
                    printf("%s tcId %d: expected %c, got %s\n", files[f].name, tc, res,
                           got == 1 ? "accepted" : got == 0 ? "refused" : "WRONG RESULT");
                    fails++;
                }
            } else if (is_known(files[f].name, tc)) {
                printf("%s tcId %d: listed as a known exception but now matches: update "
                       "the list\n", files[f].name, tc);
                fails++;
            }
        }
        fclose(fp);
        printf("%s: %d vectors (%d valid, %d invalid, %d acceptable of which %d accepted): "
               "%d unexpected, %d known exceptions\n",
               files[f].name, n, nv, ni, na, acc_a, fails, kn);
        total += n;
        failures += fails;
        known += kn;
    }
    printf("wycheproof: %d vectors, %d unexpected results, %d known exceptions, %d files missing\n",
           total, failures, known, missing);
    return failures != 0 || total == 0;
}
