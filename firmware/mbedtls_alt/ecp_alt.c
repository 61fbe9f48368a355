/*
 * P-256 and Curve25519 arithmetic for Mbed TLS 2.28's ECP module, behind
 * its MBEDTLS_ECP_INTERNAL_ALT hooks (config/mbedtls_device.h): P-256
 * point doubling, mixed addition and normalisation (Jacobian coordinates),
 * and the Curve25519 Montgomery-ladder step and normalisation.
 *
 * Why: the generic code does every field operation on heap-allocated
 * big numbers (an allocation, a copy and a zeroisation per multiplication,
 * 25 000 allocations per handshake); the two ECDSA P-256 verifications of
 * a handshake spent ~44 M instructions there, x25519 ~15 M. Here a field
 * element is eight 32-bit words on the stack, products are reduced with
 * the primes' special forms (NIST's fast reduction for P-256, FIPS 186-4
 * D.2.3; 2^255 = 19 for Curve25519), inverses are Fermat's, and nothing is
 * allocated. Other groups (P-384) keep the generic code.
 *
 * Field operations do not branch on the values (carries and corrections
 * use masks), so ECDH keeps the constant-time behaviour of Mbed TLS's comb
 * and ladder; the special cases of the addition (zero points, P == Q)
 * branch as the generic code does.
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/ecp_internal.h"
#include "mbedtls/bignum.h"

#if defined(MBEDTLS_ECP_INTERNAL_ALT)

#if !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) || !defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
#error "ecp_alt.c implements P-256 and Curve25519: enable both groups"
#endif

/* The limb layout below assumes 32-bit limbs, as on every Cortex-M. */
typedef char limbs_are_32_bits[sizeof(mbedtls_mpi_uint) == 4 ? 1 : -1];

#define NW 8 /* words per field element */

typedef uint32_t fe[NW]; /* little-endian words, value in [0, p) */

/* A prime field: its modulus and the reduction of a 512-bit product. */
typedef struct field {
    fe p;
    void (*reduce_wide)(fe r, const uint32_t c[16]);
} field;

/* r = a - p if that does not borrow (or if carry_in says a overflowed
 * 2^256), else a: the final correction of every operation. */
static void fe_reduce_once(const field *f, fe r, const fe a, uint32_t carry_in)
{
    fe t;
    uint32_t borrow = 0;
#pragma GCC unroll 8
    for (int i = 0; i < NW; i++) {
        uint64_t d = (uint64_t)a[i] - f->p[i] - borrow;
        t[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 32) & 1u;
    }
    /* No borrow: a >= p; with carry_in, a >= p for sure. */
    uint32_t use_t = (uint32_t)0 - ((borrow ^ 1u) | (carry_in != 0));
#pragma GCC unroll 8
    for (int i = 0; i < NW; i++)
        r[i] = (t[i] & use_t) | (a[i] & ~use_t);
}

static void fe_add(const field *f, fe r, const fe a, const fe b)
{
    uint64_t acc = 0;
    fe t;
#pragma GCC unroll 8
    for (int i = 0; i < NW; i++) {
        acc += (uint64_t)a[i] + b[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    fe_reduce_once(f, r, t, (uint32_t)acc);
}

static void fe_sub(const field *f, fe r, const fe a, const fe b)
{
    int64_t acc = 0;
    fe t;
#pragma GCC unroll 8
    for (int i = 0; i < NW; i++) {
        acc += (int64_t)a[i] - b[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    /* On a borrow (acc == -1) add p back. */
    uint32_t mask = (uint32_t)acc;
    uint64_t c = 0;
#pragma GCC unroll 8
    for (int i = 0; i < NW; i++) {
        c += (uint64_t)t[i] + (f->p[i] & mask);
        r[i] = (uint32_t)c;
        c >>= 32;
    }
}

/* P-256: r = c mod p for a 512-bit c (FIPS 186-4, D.2.3):
 * s1 + 2 s2 + 2 s3 + s4 + s5 - s6 - s7 - s8 - s9, summed word by word. */
static void p256_reduce_wide(fe r, const uint32_t c[16]);

/* Curve25519: p = 2^255 - 19, so 2^256 = 38 and 2^255 = 19 (mod p). */
static void p25519_reduce_wide(fe r, const uint32_t c[16]);

static const field P256 = {
    { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0, 0, 1, 0xFFFFFFFF }, p256_reduce_wide
};
static const field P25519 = {
    { 0xFFFFFFED, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
      0x7FFFFFFF }, p25519_reduce_wide
};

static void p256_reduce_wide(fe r, const uint32_t c[16])
{
    int64_t w[NW];
    w[0] = (int64_t)c[0] + c[8] + c[9] - c[11] - c[12] - c[13] - c[14];
    w[1] = (int64_t)c[1] + c[9] + c[10] - c[12] - c[13] - c[14] - c[15];
    w[2] = (int64_t)c[2] + c[10] + c[11] - c[13] - c[14] - c[15];
    w[3] = (int64_t)c[3] + 2 * (int64_t)c[11] + 2 * (int64_t)c[12] + c[13]
           - c[15] - c[8] - c[9];
    w[4] = (int64_t)c[4] + 2 * (int64_t)c[12] + 2 * (int64_t)c[13] + c[14] - c[9] - c[10];
    w[5] = (int64_t)c[5] + 2 * (int64_t)c[13] + 2 * (int64_t)c[14] + c[15] - c[10] - c[11];
    w[6] = (int64_t)c[6] + c[13] + 3 * (int64_t)c[14] + 2 * (int64_t)c[15] - c[8] - c[9];
    w[7] = (int64_t)c[7] + c[8] + 3 * (int64_t)c[15] - c[10] - c[11] - c[12] - c[13];

    /* Propagate the carries; what is left above 2^256 (a small signed
     * number t) is folded back with 2^256 = 2^224 - 2^192 - 2^96 + 1
     * (mod p). Two folds always bring it to zero (the first leaves at
     * most +-1 above a value far from the edge). */
    int64_t top = 0;
    for (int pass = 0; pass < 3; pass++) {
        int64_t acc = 0;
        if (pass > 0) {
            w[0] += top;
            w[3] -= top;
            w[6] -= top;
            w[7] += top;
        }
        for (int i = 0; i < NW; i++) {
            acc += w[i];
            w[i] = (uint32_t)acc;
            acc >>= 32;
        }
        top = acc;
    }
    fe t;
    for (int i = 0; i < NW; i++)
        t[i] = (uint32_t)w[i];
    fe_reduce_once(&P256, r, t, 0);
}

static void p25519_reduce_wide(fe r, const uint32_t c[16])
{
    fe t;
    uint64_t acc = 0;
    for (int i = 0; i < NW; i++) {
        acc += (uint64_t)c[i] + (uint64_t)38 * c[i + NW];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    /* Everything from bit 255 up (< 2^7) comes back times 19. */
    uint32_t hi = (uint32_t)acc * 2 + (t[7] >> 31);
    t[7] &= 0x7FFFFFFF;
    acc = (uint64_t)hi * 19;
    for (int i = 0; i < NW; i++) {
        acc += t[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    fe_reduce_once(&P25519, r, t, 0); /* t < 2^255 + 2^12: at most p once */
}

/* hi:lo = a * b + lo + hi, which cannot overflow: Cortex-M4/M7's UMAAL
 * (GCC does not find it for this pattern at -Os). */
#if defined(__ARM_FEATURE_DSP)
#define MULADD(lo, hi, a, b) __asm__("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b))
#else
#define MULADD(lo, hi, a, b)                                              \
    do {                                                                  \
        uint64_t t_ = (uint64_t)(a) * (b) + (lo) + (hi);                  \
        (lo) = (uint32_t)t_;                                              \
        (hi) = (uint32_t)(t_ >> 32);                                      \
    } while (0)
#endif

static void fe_mul(const field *f, fe r, const fe a, const fe b)
{
    uint32_t c[16], k = 0;
    /* Schoolbook rows, one UMAAL per word product; the first row only
     * writes (no memset of c: it showed up at 4% of a handshake). */
#pragma GCC unroll 8
    for (int j = 0; j < NW; j++) {
        uint32_t lo = 0;
        MULADD(lo, k, a[0], b[j]);
        c[j] = lo;
    }
    c[NW] = k;
    for (int i = 1; i < NW; i++) {
        uint32_t ai = a[i];
        k = 0;
#pragma GCC unroll 8
        for (int j = 0; j < NW; j++) {
            uint32_t lo = c[i + j];
            MULADD(lo, k, ai, b[j]);
            c[i + j] = lo;
        }
        c[i + NW] = k;
    }
    f->reduce_wide(r, c);
}

/* r = a^(p-2) = 1/a (Fermat). The exponent is public: the sequence of
 * operations does not depend on a. */
static void fe_inv(const field *f, fe r, const fe a)
{
    fe e, x;
    memcpy(e, f->p, sizeof(fe));
    e[0] -= 2; /* both primes end in ...FF or ...ED: no borrow */
    memcpy(x, a, sizeof(fe));
    int started = 0;
    for (int bit = 255; bit >= 0; bit--) {
        if (started)
            fe_mul(f, r, r, r);
        if ((e[bit / 32] >> (bit % 32)) & 1) {
            if (started) {
                fe_mul(f, r, r, x);
            } else {
                memcpy(r, x, sizeof(fe));
                started = 1;
            }
        }
    }
}

static int fe_is_zero(const fe a)
{
    uint32_t acc = 0;
    for (int i = 0; i < NW; i++)
        acc |= a[i];
    return acc == 0;
}

/* Big number -> field element. Mbed TLS keeps coordinates in [0, p); a
 * negative or longer value (never seen from ecp.c) is reduced the slow way,
 * and anything in [p, 2^256) is brought below p. */
static int fe_load(const field *f, fe r, const mbedtls_mpi *x, const mbedtls_ecp_group *grp)
{
    size_t n = x->p == NULL ? 0 : x->n;
    int plain = x->s > 0;
    for (size_t i = NW; i < n && plain; i++)
        plain = x->p[i] == 0;
    if (!plain) {
        mbedtls_mpi t;
        mbedtls_mpi_init(&t);
        int ret = mbedtls_mpi_mod_mpi(&t, x, &grp->P);
        if (ret == 0)
            ret = fe_load(f, r, &t, grp);
        mbedtls_mpi_free(&t);
        return ret;
    }
    for (size_t i = 0; i < NW; i++)
        r[i] = i < n ? (uint32_t)x->p[i] : 0;
    /* Below p's top word the value is below p: the common case. */
    if (r[NW - 1] >= f->p[NW - 1]) {
        fe_reduce_once(f, r, r, 0);
        fe_reduce_once(f, r, r, 0); /* 2^256 > 2p for Curve25519's p */
    }
    return 0;
}

static int fe_store(mbedtls_mpi *x, const fe a)
{
    int ret = mbedtls_mpi_grow(x, NW);
    if (ret != 0)
        return ret;
    x->s = 1;
    for (size_t i = 0; i < NW; i++)
        x->p[i] = a[i];
    for (size_t i = NW; i < x->n; i++)
        x->p[i] = 0;
    return 0;
}

static int point_store(mbedtls_ecp_point *R, const fe x, const fe y, const fe z)
{
    int ret = fe_store(&R->X, x);
    if (ret == 0)
        ret = fe_store(&R->Y, y);
    if (ret == 0)
        ret = fe_store(&R->Z, z);
    return ret;
}

unsigned char mbedtls_internal_ecp_grp_capable(const mbedtls_ecp_group *grp)
{
    return grp->id == MBEDTLS_ECP_DP_SECP256R1 || grp->id == MBEDTLS_ECP_DP_CURVE25519;
}

int mbedtls_internal_ecp_init(const mbedtls_ecp_group *grp)
{
    (void)grp;
    return 0;
}

void mbedtls_internal_ecp_free(const mbedtls_ecp_group *grp)
{
    (void)grp;
}

/* 2P in Jacobian coordinates for a = -3 (the formulas of ecp.c's generic
 * ecp_double_jac): M = 3(X - Z^2)(X + Z^2), S = 4XY^2,
 * X' = M^2 - 2S, Y' = M(S - X') - 8Y^4, Z' = 2YZ. */
static void point_double(fe x3, fe y3, fe z3, const fe x, const fe y, const fe z)
{
    fe m, s, t, u;
    fe_mul(&P256, s, z, z);
    fe_add(&P256, t, x, s);
    fe_sub(&P256, u, x, s);
    fe_mul(&P256, s, t, u);
    fe_add(&P256, m, s, s);
    fe_add(&P256, m, m, s);
    fe_mul(&P256, t, y, y);
    fe_add(&P256, t, t, t);           /* 2Y^2 */
    fe_mul(&P256, s, x, t);
    fe_add(&P256, s, s, s);           /* 4XY^2 */
    fe_mul(&P256, u, t, t);
    fe_add(&P256, u, u, u);           /* 8Y^4 */
    fe_mul(&P256, z3, y, z);
    fe_add(&P256, z3, z3, z3);        /* before x3/y3: the output may alias the input */
    fe_mul(&P256, t, m, m);
    fe_sub(&P256, t, t, s);
    fe_sub(&P256, t, t, s);
    fe_sub(&P256, s, s, t);
    fe_mul(&P256, s, s, m);
    fe_sub(&P256, y3, s, u);
    memcpy(x3, t, sizeof(fe));
}

int mbedtls_internal_ecp_double_jac(const mbedtls_ecp_group *grp,
                                    mbedtls_ecp_point *R, const mbedtls_ecp_point *P)
{
    fe x, y, z;
    int ret;
    if ((ret = fe_load(&P256, x, &P->X, grp)) != 0 || (ret = fe_load(&P256, y, &P->Y, grp)) != 0 ||
        (ret = fe_load(&P256, z, &P->Z, grp)) != 0)
        return ret;
    point_double(x, y, z, x, y, z);
    return point_store(R, x, y, z);
}

/* R = P + Q, P Jacobian, Q affine (Z unset or 1), as ecp.c's generic
 * ecp_add_mixed, special cases included. */
int mbedtls_internal_ecp_add_mixed(const mbedtls_ecp_group *grp,
                                   mbedtls_ecp_point *R, const mbedtls_ecp_point *P,
                                   const mbedtls_ecp_point *Q)
{
    fe x1, y1, z1, x2, y2;
    int ret;

    if ((ret = fe_load(&P256, z1, &P->Z, grp)) != 0)
        return ret;
    if (fe_is_zero(z1))
        return mbedtls_ecp_copy(R, Q);
    if (Q->Z.p != NULL) {
        if (mbedtls_mpi_cmp_int(&Q->Z, 0) == 0)
            return mbedtls_ecp_copy(R, P);
        if (mbedtls_mpi_cmp_int(&Q->Z, 1) != 0)
            return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if ((ret = fe_load(&P256, x1, &P->X, grp)) != 0 || (ret = fe_load(&P256, y1, &P->Y, grp)) != 0 ||
        (ret = fe_load(&P256, x2, &Q->X, grp)) != 0 || (ret = fe_load(&P256, y2, &Q->Y, grp)) != 0)
        return ret;

    fe t1, t2, t3, t4, x3, y3, z3;
    fe_mul(&P256, t1, z1, z1);
    fe_mul(&P256, t2, t1, z1);
    fe_mul(&P256, t1, t1, x2);
    fe_mul(&P256, t2, t2, y2);
    fe_sub(&P256, t1, t1, x1);
    fe_sub(&P256, t2, t2, y1);
    if (fe_is_zero(t1)) {
        if (fe_is_zero(t2)) {
            /* P == Q */
            point_double(x3, y3, z3, x1, y1, z1);
            return point_store(R, x3, y3, z3);
        }
        return mbedtls_ecp_set_zero(R); /* P == -Q */
    }
    fe_mul(&P256, z3, z1, t1);
    fe_mul(&P256, t3, t1, t1);
    fe_mul(&P256, t4, t3, t1);
    fe_mul(&P256, t3, t3, x1);
    fe_add(&P256, t1, t3, t3);
    fe_mul(&P256, x3, t2, t2);
    fe_sub(&P256, x3, x3, t1);
    fe_sub(&P256, x3, x3, t4);
    fe_sub(&P256, t3, t3, x3);
    fe_mul(&P256, t3, t3, t2);
    fe_mul(&P256, t4, t4, y1);
    fe_sub(&P256, y3, t3, t4);
    return point_store(R, x3, y3, z3);
}

/* (X, Y, Z) -> (X/Z^2, Y/Z^3, 1) with the inverse zi of Z. Like the
 * generic code, the stored coordinates are shrunk to the field's size. */
static int point_set_affine(const mbedtls_ecp_group *grp, mbedtls_ecp_point *pt,
                            const fe x, const fe y, const fe zi)
{
    fe zzi, ax, ay;
    int ret;
    fe_mul(&P256, zzi, zi, zi);
    fe_mul(&P256, ax, x, zzi);
    fe_mul(&P256, ay, y, zzi);
    fe_mul(&P256, ay, ay, zi);
    if ((ret = fe_store(&pt->X, ax)) != 0 || (ret = fe_store(&pt->Y, ay)) != 0)
        return ret;
    if ((ret = mbedtls_mpi_shrink(&pt->X, grp->P.n)) != 0 ||
        (ret = mbedtls_mpi_shrink(&pt->Y, grp->P.n)) != 0)
        return ret;
    return 0;
}

int mbedtls_internal_ecp_normalize_jac(const mbedtls_ecp_group *grp, mbedtls_ecp_point *pt)
{
    fe x, y, z, zi;
    int ret;
    if ((ret = fe_load(&P256, x, &pt->X, grp)) != 0 || (ret = fe_load(&P256, y, &pt->Y, grp)) != 0 ||
        (ret = fe_load(&P256, z, &pt->Z, grp)) != 0)
        return ret;
    fe_inv(&P256, zi, z);
    if ((ret = point_set_affine(grp, pt, x, y, zi)) != 0)
        return ret;
    return mbedtls_mpi_lset(&pt->Z, 1);
}

/* Montgomery's trick, as the generic code: one inversion for a batch of
 * points; the tables' Z is freed afterwards (unset means 1 to ecp.c). */
#define BATCH 16

int mbedtls_internal_ecp_normalize_jac_many(const mbedtls_ecp_group *grp,
                                            mbedtls_ecp_point *T[], size_t T_size)
{
    fe c[BATCH], z, u, zi;
    int ret;
    for (size_t base = 0; base < T_size; base += BATCH) {
        size_t n = T_size - base < BATCH ? T_size - base : BATCH;
        mbedtls_ecp_point **pts = T + base;
        for (size_t i = 0; i < n; i++) {
            if ((ret = fe_load(&P256, z, &pts[i]->Z, grp)) != 0)
                return ret;
            if (i == 0)
                memcpy(c[0], z, sizeof(fe));
            else
                fe_mul(&P256, c[i], c[i - 1], z);
        }
        if (fe_is_zero(c[n - 1]))
            return MBEDTLS_ERR_MPI_NOT_ACCEPTABLE; /* a zero Z: as the generic inversion */
        fe_inv(&P256, u, c[n - 1]);
        for (size_t i = n; i-- > 0;) {
            fe x, y;
            if (i == 0) {
                memcpy(zi, u, sizeof(fe));
            } else {
                fe_mul(&P256, zi, u, c[i - 1]);
                if ((ret = fe_load(&P256, z, &pts[i]->Z, grp)) != 0)
                    return ret;
                fe_mul(&P256, u, u, z);
            }
            if ((ret = fe_load(&P256, x, &pts[i]->X, grp)) != 0 ||
                (ret = fe_load(&P256, y, &pts[i]->Y, grp)) != 0 ||
                (ret = point_set_affine(grp, pts[i], x, y, zi)) != 0)
                return ret;
            mbedtls_mpi_free(&pts[i]->Z);
        }
    }
    return 0;
}

/* One step of the Montgomery ladder (RFC 7748), as ecp.c's generic
 * ecp_double_add_mxz: R = 2P, S = P + Q, with d the x of Q - P and
 * grp->A holding (A + 2) / 4. R may be P and S may be Q. */
int mbedtls_internal_ecp_double_add_mxz(const mbedtls_ecp_group *grp,
                                        mbedtls_ecp_point *R, mbedtls_ecp_point *S,
                                        const mbedtls_ecp_point *P, const mbedtls_ecp_point *Q,
                                        const mbedtls_mpi *d)
{
    const field *f = &P25519;
    fe px, pz, qx, qz, dx, a24, a, aa, b, bb, e, c, dd, da, cb, rx, rz, sx, sz;
    int ret;
    if ((ret = fe_load(&P25519, px, &P->X, grp)) != 0 || (ret = fe_load(&P25519, pz, &P->Z, grp)) != 0 ||
        (ret = fe_load(&P25519, qx, &Q->X, grp)) != 0 || (ret = fe_load(&P25519, qz, &Q->Z, grp)) != 0 ||
        (ret = fe_load(&P25519, dx, d, grp)) != 0 || (ret = fe_load(&P25519, a24, &grp->A, grp)) != 0)
        return ret;
    fe_add(f, a, px, pz);
    fe_mul(f, aa, a, a);
    fe_sub(f, b, px, pz);
    fe_mul(f, bb, b, b);
    fe_sub(f, e, aa, bb);
    fe_add(f, c, qx, qz);
    fe_sub(f, dd, qx, qz);
    fe_mul(f, da, dd, a);
    fe_mul(f, cb, c, b);
    fe_add(f, sx, da, cb);
    fe_mul(f, sx, sx, sx);
    fe_sub(f, sz, da, cb);
    fe_mul(f, sz, sz, sz);
    fe_mul(f, sz, dx, sz);
    fe_mul(f, rx, aa, bb);
    fe_mul(f, rz, a24, e);
    fe_add(f, rz, bb, rz);
    fe_mul(f, rz, e, rz);
    if ((ret = fe_store(&R->X, rx)) != 0 || (ret = fe_store(&R->Z, rz)) != 0 ||
        (ret = fe_store(&S->X, sx)) != 0 || (ret = fe_store(&S->Z, sz)) != 0)
        return ret;
    return 0;
}

int mbedtls_internal_ecp_normalize_mxz(const mbedtls_ecp_group *grp, mbedtls_ecp_point *P)
{
    fe x, z, zi;
    int ret;
    if ((ret = fe_load(&P25519, x, &P->X, grp)) != 0 || (ret = fe_load(&P25519, z, &P->Z, grp)) != 0)
        return ret;
    if (fe_is_zero(z))
        return MBEDTLS_ERR_MPI_NOT_ACCEPTABLE; /* no inverse: as the generic code */
    fe_inv(&P25519, zi, z);
    fe_mul(&P25519, x, x, zi);
    if ((ret = fe_store(&P->X, x)) != 0)
        return ret;
    return mbedtls_mpi_lset(&P->Z, 1);
}

#endif /* MBEDTLS_ECP_INTERNAL_ALT */
