/*
 * Differential test of the curve arithmetic: one line per case on stdout
 * (inputs' case number, operation, return code, result); built against
 * each Mbed TLS build (stock, alt, alt32), and run_diff.cmake requires
 * the alt builds' output to be identical to stock's.
 *
 *   curve_diff [ROUNDS]   (random rounds per curve; default 40)
 *
 * Inputs come from a fixed seed (repeatable) and from edge lists:
 * scalars 0, 1, 2, 3, n-1, n-2, n, n+1, (n+-1)/2, 2^k, 2^k - 1, short and
 * full-width randoms; points G, random multiples, and points whose x is
 * p - k or k (so that coordinates near p meet the field code); operations
 *   mul     R = m P with an RNG (blinded: randomised Z), as ECDH/signing;
 *   mulnr   R = m P + 0 G: the multiplication without RNG, as verification;
 *   muladd  R = m G + k Q, random;
 *   neg     R = m P + (n - m) P = 0: P + (-P) inside the addition;
 *   dbl     R = m P + m P: the doubling case inside the addition;
 *   x25519  u-coordinate ladder, clamped and unclamped scalars, u random,
 *           non-canonical u = p + k (up to 2^255 - 1), small u.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* a Montgomery u >= 2^255 is set directly */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/bignum.h"
#include "mbedtls/ecp.h"

#include "curve_util.h"

static unsigned long n_cases;
static uint64_t blind_state = 0x1234567887654321ull;

static void line_start(const char *op, const char *curve)
{
    printf("%lu %s %s ", n_cases++, op, curve);
}

static void line_result(const mbedtls_ecp_group *grp, int ret, const mbedtls_ecp_point *R)
{
    printf("ret=-0x%04x ", (unsigned)-ret);
    if (ret == 0)
        curve_print_point(stdout, grp, R);
    putchar('\n');
}

#define CHECK(x)                                                               \
    do {                                                                       \
        int r_ = (x);                                                          \
        if (r_ != 0) {                                                         \
            fprintf(stderr, "%s:%d: %s = -0x%04x\n", __FILE__, __LINE__, #x,   \
                    (unsigned)-r_);                                            \
            exit(2);                                                           \
        }                                                                      \
    } while (0)

/* A random integer of `bits` bits (top bit not forced). */
static void rand_bits(mbedtls_mpi *x, size_t bits)
{
    unsigned char buf[80];
    size_t n = (bits + 7) / 8;
    curve_rng_bytes(buf, n);
    if (bits % 8)
        buf[0] &= (unsigned char)((1u << (bits % 8)) - 1);
    CHECK(mbedtls_mpi_read_binary(x, buf, n));
}

/* A random scalar: mostly full width mod n, sometimes short or with long
 * runs of ones or zeros. */
static void rand_scalar(const mbedtls_ecp_group *grp, mbedtls_mpi *x)
{
    unsigned kind = (unsigned)(curve_rng_u64() % 8);
    size_t bits = grp->nbits;
    if (kind == 0) {
        rand_bits(x, 1 + curve_rng_u64() % 64);
    } else if (kind == 1) { /* n - small */
        mbedtls_mpi t;
        mbedtls_mpi_init(&t);
        rand_bits(&t, 1 + curve_rng_u64() % 64);
        CHECK(mbedtls_mpi_sub_mpi(x, &grp->N, &t));
        mbedtls_mpi_free(&t);
    } else if (kind == 2) { /* runs of ones: 2^a - 2^b */
        size_t a = 1 + curve_rng_u64() % (bits - 1), b = curve_rng_u64() % a;
        mbedtls_mpi t;
        mbedtls_mpi_init(&t);
        CHECK(mbedtls_mpi_lset(x, 0));
        CHECK(mbedtls_mpi_set_bit(x, a, 1));
        CHECK(mbedtls_mpi_lset(&t, 0));
        CHECK(mbedtls_mpi_set_bit(&t, b, 1));
        CHECK(mbedtls_mpi_sub_mpi(x, x, &t));
        mbedtls_mpi_free(&t);
    } else {
        rand_bits(x, bits + 32);
        CHECK(mbedtls_mpi_mod_mpi(x, x, &grp->N));
    }
    if (mbedtls_mpi_cmp_int(x, 0) == 0)
        CHECK(mbedtls_mpi_lset(x, 1));
}

#define MAX_EDGE 40
static mbedtls_mpi edge[MAX_EDGE];
static int n_edge;

static void edge_scalars(const mbedtls_ecp_group *grp)
{
    for (int i = 0; i < n_edge; i++)
        mbedtls_mpi_free(&edge[i]);
    n_edge = 0;
    const int small[] = { 0, 1, 2, 3, 4, 5, 7, 8, 15, 16 };
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
        mbedtls_mpi_init(&edge[n_edge]);
        CHECK(mbedtls_mpi_lset(&edge[n_edge++], small[i]));
    }
    const int near_n[] = { -1, -2, -3, -4, -8, 0, 1 };
    for (size_t i = 0; i < sizeof(near_n) / sizeof(near_n[0]); i++) {
        mbedtls_mpi_init(&edge[n_edge]);
        CHECK(mbedtls_mpi_add_int(&edge[n_edge++], &grp->N, near_n[i]));
    }
    /* (n - 1) / 2, (n + 1) / 2 */
    for (int d = -1; d <= 1; d += 2) {
        mbedtls_mpi_init(&edge[n_edge]);
        CHECK(mbedtls_mpi_add_int(&edge[n_edge], &grp->N, d));
        CHECK(mbedtls_mpi_shift_r(&edge[n_edge++], 1));
    }
    /* 2^k and 2^k - 1 for k = 64, 128, nbits - 1 */
    size_t ks[] = { 64, 128, grp->nbits - 1 };
    for (size_t i = 0; i < 3; i++) {
        mbedtls_mpi_init(&edge[n_edge]);
        CHECK(mbedtls_mpi_lset(&edge[n_edge], 0));
        CHECK(mbedtls_mpi_set_bit(&edge[n_edge], ks[i], 1));
        mbedtls_mpi_init(&edge[n_edge + 1]);
        CHECK(mbedtls_mpi_sub_int(&edge[n_edge + 1], &edge[n_edge], 1));
        n_edge += 2;
    }
}

#define MAX_PTS 24
static mbedtls_ecp_point pts[MAX_PTS];
static int n_pts;

/* G, two random multiples, and points with x = p - k or x = k. */
static void edge_points(mbedtls_ecp_group *grp)
{
    for (int i = 0; i < n_pts; i++)
        mbedtls_ecp_point_free(&pts[i]);
    n_pts = 0;
    mbedtls_ecp_point_init(&pts[n_pts]);
    CHECK(mbedtls_ecp_copy(&pts[n_pts++], &grp->G));
    for (int i = 0; i < 2; i++) {
        mbedtls_mpi k;
        mbedtls_mpi_init(&k);
        rand_scalar(grp, &k);
        mbedtls_ecp_point_init(&pts[n_pts]);
        CHECK(mbedtls_ecp_mul(grp, &pts[n_pts++], &k, &grp->G, curve_f_rng, &blind_state));
        mbedtls_mpi_free(&k);
    }
    size_t plen = mbedtls_mpi_size(&grp->P);
    int found_hi = 0, found_lo = 0;
    for (int k = 1; k < 200 && (found_hi < 4 || found_lo < 4); k++) {
        for (int side = 0; side < 2; side++) {
            if ((side == 0 ? found_hi : found_lo) >= 4)
                continue;
            mbedtls_mpi x;
            mbedtls_mpi_init(&x);
            if (side == 0)
                CHECK(mbedtls_mpi_sub_int(&x, &grp->P, k));
            else
                CHECK(mbedtls_mpi_lset(&x, k - 1));
            unsigned char buf[1 + 66];
            CHECK(mbedtls_mpi_write_binary(&x, buf + 1, plen));
            mbedtls_mpi_free(&x);
            for (int parity = 2; parity <= 3; parity++) {
                buf[0] = (unsigned char)parity;
                mbedtls_ecp_point Pt;
                mbedtls_ecp_point_init(&Pt);
                if (mbedtls_ecp_point_read_binary(grp, &Pt, buf, 1 + plen) == 0 &&
                    mbedtls_ecp_check_pubkey(grp, &Pt) == 0 && n_pts < MAX_PTS) {
                    mbedtls_ecp_point_init(&pts[n_pts]);
                    CHECK(mbedtls_ecp_copy(&pts[n_pts++], &Pt));
                    if (side == 0)
                        found_hi++;
                    else
                        found_lo++;
                }
                mbedtls_ecp_point_free(&Pt);
            }
        }
    }
}

static void sw_case(mbedtls_ecp_group *grp, const char *cname, const char *op,
                    const mbedtls_mpi *m, const mbedtls_ecp_point *P, const mbedtls_mpi *k,
                    const mbedtls_ecp_point *Q)
{
    mbedtls_ecp_point R;
    mbedtls_ecp_point_init(&R);
    int ret;
    line_start(op, cname);
    if (strcmp(op, "mul") == 0)
        ret = mbedtls_ecp_mul(grp, &R, m, P, curve_f_rng, &blind_state);
    else
        ret = mbedtls_ecp_muladd(grp, &R, m, P, k, Q);
    line_result(grp, ret, &R);
    mbedtls_ecp_point_free(&R);
}

static void sw_curve(mbedtls_ecp_group_id id, const char *cname, int rounds)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi m, k, zero;
    mbedtls_ecp_point Q;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&m);
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&zero);
    mbedtls_ecp_point_init(&Q);
    CHECK(mbedtls_ecp_group_load(&grp, id));
    edge_scalars(&grp);
    edge_points(&grp);
    fprintf(stderr, "%s: %d edge scalars, %d points\n", cname, n_edge, n_pts);

    /* Edge scalars on every point, with and without RNG. */
    for (int p = 0; p < n_pts; p++) {
        for (int e = 0; e < n_edge; e++) {
            sw_case(&grp, cname, "mul", &edge[e], &pts[p], NULL, NULL);
            sw_case(&grp, cname, "mulnr", &edge[e], &pts[p], &zero, &grp.G);
        }
    }
    /* P + (-P) and P + P inside the addition: edge m on G, a random
     * multiple and a point with x near p; random m on every point. */
    for (int p = 0; p < n_pts; p++) {
        int edges = (p == 0 || p == 1 || p == 3) ? n_edge : 0;
        for (int e = 0; e < edges + 4; e++) {
            if (e < edges)
                CHECK(mbedtls_mpi_copy(&m, &edge[e]));
            else
                rand_scalar(&grp, &m);
            CHECK(mbedtls_mpi_sub_mpi(&k, &grp.N, &m));
            sw_case(&grp, cname, "neg", &m, &pts[p], &k, &pts[p]);
            sw_case(&grp, cname, "dbl", &m, &pts[p], &m, &pts[p]);
        }
        /* m = -1: the negation shortcut of muladd */
        CHECK(mbedtls_mpi_lset(&m, -1));
        CHECK(mbedtls_mpi_lset(&k, 1));
        sw_case(&grp, cname, "neg", &m, &pts[p], &k, &pts[p]);
        sw_case(&grp, cname, "dbl", &m, &pts[p], &m, &pts[p]);
    }
    /* Random. */
    for (int i = 0; i < rounds; i++) {
        const mbedtls_ecp_point *P = &pts[curve_rng_u64() % n_pts];
        rand_scalar(&grp, &m);
        sw_case(&grp, cname, "mul", &m, P, NULL, NULL);
        rand_scalar(&grp, &m);
        sw_case(&grp, cname, "mulnr", &m, P, &zero, &grp.G);
        rand_scalar(&grp, &m);
        rand_scalar(&grp, &k);
        sw_case(&grp, cname, "muladd", &m, &grp.G, &k, P);
        /* a random Q = j G: m G + k Q with both multiples random */
        mbedtls_mpi j;
        mbedtls_mpi_init(&j);
        rand_scalar(&grp, &j);
        CHECK(mbedtls_ecp_mul(&grp, &Q, &j, &grp.G, curve_f_rng, &blind_state));
        sw_case(&grp, cname, "muladd", &m, &grp.G, &k, &Q);
        /* ECDSA verification's u1 G + u2 Q == 0 and == 2 m G: k Q = -m G
         * or m G, with Q = j G: k = -m / j or m / j (mod n) */
        mbedtls_mpi ji;
        mbedtls_mpi_init(&ji);
        CHECK(mbedtls_mpi_inv_mod(&ji, &j, &grp.N));
        CHECK(mbedtls_mpi_mul_mpi(&k, &m, &ji));
        CHECK(mbedtls_mpi_mod_mpi(&k, &k, &grp.N));
        sw_case(&grp, cname, "dbl", &m, &grp.G, &k, &Q);
        CHECK(mbedtls_mpi_sub_mpi(&k, &grp.N, &k));
        sw_case(&grp, cname, "neg", &m, &grp.G, &k, &Q);
        mbedtls_mpi_free(&ji);
        mbedtls_mpi_free(&j);
    }
    mbedtls_ecp_point_free(&Q);
    mbedtls_mpi_free(&m);
    mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&zero);
    mbedtls_ecp_group_free(&grp);
}

/* u is below 2^255 here, as every public way in delivers it
 * (mbedtls_ecp_point_read_binary clears bit 255, RFC 7748 section 5); the
 * non-canonical [p, 2^255) is covered. Set directly, a u in [2^255, 2^256)
 * makes stock 3.6.6 fail with MBEDTLS_ERR_ECP_BAD_INPUT_DATA depending on
 * the value (its product d * Z can exceed the 2 * 255 bits ecp_modp
 * accepts), while ecp_alt.c returns X25519(u mod p): not compared. */
static void x25519_case(mbedtls_ecp_group *grp, const char *op, const mbedtls_mpi *m,
                        const unsigned char u[32])
{
    mbedtls_ecp_point P, R;
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&R);
    CHECK(mbedtls_mpi_read_binary_le(&P.X, u, 32)); /* all 256 bits, not masked */
    CHECK(mbedtls_mpi_lset(&P.Z, 1));
    line_start(op, "x25519");
    int ret = mbedtls_ecp_mul(grp, &R, m, &P, curve_f_rng, &blind_state);
    line_result(grp, ret, &R);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&R);
}

static void clamp(unsigned char k[32])
{
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
}

static void x25519(int rounds)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi m;
    unsigned char k[32], u[32];
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&m);
    CHECK(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519));

    /* u values: small, p - k, non-canonical p + k (k = 0..18 covers
     * [p, 2^255)), 2^255 + small, 2^256 - 1, 9 (the base). */
    unsigned char us[64][32];
    int n_u = 0;
    for (int v = 0; v < 12; v++) {
        memset(us[n_u], 0, 32);
        us[n_u++][0] = (unsigned char)v;
    }
    static const unsigned char p_le[32] = {
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
    };
    for (int d = -8; d <= 18; d++) { /* p + d */
        memcpy(us[n_u], p_le, 32);
        us[n_u++][0] = (unsigned char)(0xed + d); /* 0xe5 .. 0xff: no carry */
    }
    memset(us[n_u], 0xff, 32);                   /* 2^255 - 1 = p + 18 */
    us[n_u++][31] = 0x7f;
    for (int i = 0; i < 8; i++) {
        curve_rng_bytes(us[n_u], 32);
        us[n_u++][31] &= 0x7f;
    }

    /* Scalars: clamped extremes, random clamped, unclamped (refused by
     * mbedtls_ecp_check_privkey in both builds). */
    unsigned char ks[8][32];
    int n_k = 0;
    memset(ks[n_k], 0, 32);
    ks[n_k++][31] = 0x40;                         /* 2^254 */
    memset(ks[n_k], 0xff, 32);
    clamp(ks[n_k++]);                             /* 2^255 - 8 */
    memset(ks[n_k], 0, 32);
    ks[n_k][0] = 8;
    ks[n_k++][31] = 0x40;                         /* 2^254 + 8 */
    for (int i = 0; i < 3; i++) {
        curve_rng_bytes(ks[n_k], 32);
        clamp(ks[n_k++]);
    }
    curve_rng_bytes(ks[n_k++], 32);               /* unclamped */
    memset(ks[n_k], 0, 32);
    ks[n_k++][0] = 1;                             /* 1 */

    for (int a = 0; a < n_k; a++) {
        CHECK(mbedtls_mpi_read_binary_le(&m, ks[a], 32));
        for (int b = 0; b < n_u; b++)
            x25519_case(&grp, "x25519e", &m, us[b]);
    }
    for (int i = 0; i < rounds * 3; i++) {
        curve_rng_bytes(k, 32);
        clamp(k);
        CHECK(mbedtls_mpi_read_binary_le(&m, k, 32));
        if (i % 4 == 3)
            memcpy(u, us[curve_rng_u64() % n_u], 32);
        else
            curve_rng_bytes(u, 32);
        u[31] &= 0x7f; /* see the note above x25519_case */
        x25519_case(&grp, "x25519", &m, u);
    }
    mbedtls_mpi_free(&m);
    mbedtls_ecp_group_free(&grp);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    curve_rng_seed(0x696f746c73637276ull); /* "iotlscrv" */
    sw_curve(MBEDTLS_ECP_DP_SECP256R1, "p256", rounds);
    sw_curve(MBEDTLS_ECP_DP_SECP384R1, "p384", rounds);
    x25519(rounds);
    for (int i = 0; i < n_edge; i++)
        mbedtls_mpi_free(&edge[i]);
    for (int i = 0; i < n_pts; i++)
        mbedtls_ecp_point_free(&pts[i]);
    fprintf(stderr, "%lu cases\n", n_cases);
    return 0;
}
