/*
 * mode=checks: the device's own curve arithmetic (firmware/mbedtls_alt/
 * ecp_alt.c) against facts that do not depend on it: RFC 7748's x25519
 * test vectors, and for P-256 and P-384 that results lie on the curve
 * (checked by Mbed TLS's generic big-number code), that Diffie-Hellman
 * commutes, that a*G + b*Q matches (a + b*q)*G, and that (n-1)*G = -G.
 * Prints "CHECK ecp_p256: ...", "CHECK ecp_p384: ..." and
 * "CHECK ecp_x25519: ...".
 *
 * Built only with the ALT (IOTLS_FW_ECP_ALT): on Mbed TLS's own curve code
 * these would check that code against itself.
 */
/* The checks read group and point coordinates, private fields in 3.x. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <string.h>

#include "mbedtls/ecp.h"

#include "app.h"
#include "board.h"

/* Test-only scalars: a fixed xorshift stream, public on purpose. */
static int test_rng(void *ctx, unsigned char *out, size_t len)
{
    uint32_t *s = ctx;
    for (size_t i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        out[i] = (unsigned char)*s;
    }
    return 0;
}

static int check_weierstrass(mbedtls_ecp_group_id id, const char *name)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point A, B, S1, S2, R, C;
    mbedtls_mpi a, b, c, one;
    uint32_t seed = 0x1f2e3d4cu;
    int bad = 0;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&A); mbedtls_ecp_point_init(&B); mbedtls_ecp_point_init(&S1);
    mbedtls_ecp_point_init(&S2); mbedtls_ecp_point_init(&R); mbedtls_ecp_point_init(&C);
    mbedtls_mpi_init(&a); mbedtls_mpi_init(&b); mbedtls_mpi_init(&c); mbedtls_mpi_init(&one);
    if (mbedtls_ecp_group_load(&grp, id) != 0 ||
        mbedtls_mpi_lset(&one, 1) != 0)
        bad++;

    for (int i = 0; i < 6 && bad == 0; i++) {
        if (mbedtls_ecp_gen_privkey(&grp, &a, test_rng, &seed) != 0 ||
            mbedtls_ecp_gen_privkey(&grp, &b, test_rng, &seed) != 0 ||
            mbedtls_ecp_mul(&grp, &A, &a, &grp.G, test_rng, &seed) != 0 ||
            mbedtls_ecp_mul(&grp, &B, &b, &grp.G, test_rng, &seed) != 0 ||
            mbedtls_ecp_mul(&grp, &S1, &a, &B, test_rng, &seed) != 0 ||
            mbedtls_ecp_mul(&grp, &S2, &b, &A, test_rng, &seed) != 0) {
            bad++;
            break;
        }
        /* On the curve, by the generic code's own arithmetic. */
        bad += mbedtls_ecp_check_pubkey(&grp, &A) != 0;
        bad += mbedtls_ecp_check_pubkey(&grp, &S1) != 0;
        bad += mbedtls_ecp_point_cmp(&S1, &S2) != 0;
        /* The verification path: a*G + b*A = (a + b*a)*G. */
        if (mbedtls_ecp_muladd(&grp, &R, &a, &grp.G, &b, &A) != 0 ||
            mbedtls_mpi_mul_mpi(&c, &b, &a) != 0 || mbedtls_mpi_add_mpi(&c, &c, &a) != 0 ||
            mbedtls_mpi_mod_mpi(&c, &c, &grp.N) != 0 ||
            mbedtls_ecp_mul(&grp, &C, &c, &grp.G, test_rng, &seed) != 0) {
            bad++;
            break;
        }
        bad += mbedtls_ecp_point_cmp(&R, &C) != 0;
    }
    /* (n-1)*G = -G: same x, y = p - Gy. */
    if (bad == 0) {
        if (mbedtls_mpi_sub_mpi(&c, &grp.N, &one) != 0 ||
            mbedtls_ecp_mul(&grp, &C, &c, &grp.G, test_rng, &seed) != 0 ||
            mbedtls_mpi_sub_mpi(&b, &grp.P, &grp.G.Y) != 0)
            bad++;
        else
            bad += mbedtls_mpi_cmp_mpi(&C.X, &grp.G.X) != 0 || mbedtls_mpi_cmp_mpi(&C.Y, &b) != 0;
    }

    mbedtls_ecp_group_free(&grp);
    mbedtls_ecp_point_free(&A); mbedtls_ecp_point_free(&B); mbedtls_ecp_point_free(&S1);
    mbedtls_ecp_point_free(&S2); mbedtls_ecp_point_free(&R); mbedtls_ecp_point_free(&C);
    mbedtls_mpi_free(&a); mbedtls_mpi_free(&b); mbedtls_mpi_free(&c); mbedtls_mpi_free(&one);
    return app_check(name, bad == 0, "%d wrong", bad);
}

static void hex_to_bytes(const char *hex, unsigned char out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char ch = hex[2 * i + j];
            v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
}

/* out = X25519(k, u) as RFC 7748 defines it, through Mbed TLS's ECP API. */
static int x25519(mbedtls_ecp_group *grp, const char *k_hex, const unsigned char *u,
                  unsigned char out[32], uint32_t *seed)
{
    unsigned char k[32];
    mbedtls_mpi d;
    mbedtls_ecp_point P, R;
    int ret;
    hex_to_bytes(k_hex, k);
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&R);
    ret = mbedtls_mpi_read_binary_le(&d, k, 32);
    if (ret == 0)
        ret = u != NULL ? mbedtls_ecp_point_read_binary(grp, &P, u, 32)
                        : mbedtls_ecp_copy(&P, &grp->G);
    if (ret == 0)
        ret = mbedtls_ecp_mul(grp, &R, &d, &P, test_rng, seed);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary_le(&R.X, out, 32);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&R);
    return ret;
}

static int check_x25519(void)
{
    /* RFC 7748, section 6.1. */
    static const char alice_priv[] =
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    static const char alice_pub[] =
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    static const char bob_priv[] =
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    static const char bob_pub[] =
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    static const char shared[] =
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    mbedtls_ecp_group grp;
    unsigned char want[32], got[32], peer[32];
    uint32_t seed = 0x5eed2519u;
    int bad = 0;

    mbedtls_ecp_group_init(&grp);
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519) != 0) {
        bad++;
    } else {
        hex_to_bytes(alice_pub, want);
        bad += x25519(&grp, alice_priv, NULL, got, &seed) != 0 || memcmp(got, want, 32) != 0;
        hex_to_bytes(bob_pub, want);
        bad += x25519(&grp, bob_priv, NULL, got, &seed) != 0 || memcmp(got, want, 32) != 0;
        hex_to_bytes(shared, want);
        hex_to_bytes(bob_pub, peer);
        bad += x25519(&grp, alice_priv, peer, got, &seed) != 0 || memcmp(got, want, 32) != 0;
        hex_to_bytes(alice_pub, peer);
        bad += x25519(&grp, bob_priv, peer, got, &seed) != 0 || memcmp(got, want, 32) != 0;
    }
    mbedtls_ecp_group_free(&grp);
    return app_check("ecp_x25519", bad == 0, "%d wrong", bad);
}

int app_check_ecp(void)
{
    return check_weierstrass(MBEDTLS_ECP_DP_SECP256R1, "ecp_p256") +
           check_weierstrass(MBEDTLS_ECP_DP_SECP384R1, "ecp_p384") + check_x25519();
}
