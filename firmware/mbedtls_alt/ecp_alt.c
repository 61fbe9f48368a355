/*
 * P-256, P-384 and Curve25519 arithmetic for Mbed TLS 3.6's ECP module,
 * behind its MBEDTLS_ECP_INTERNAL_ALT hooks (library/ecp_internal_alt.h):
 * point doubling, mixed addition and normalisation in Jacobian coordinates
 * for P-256 and P-384, and the Curve25519 Montgomery-ladder step and
 * normalisation. Compiled as a source of the Mbed TLS library (it needs
 * library/ on the include path) with, in the configuration:
 *   MBEDTLS_ECP_INTERNAL_ALT, MBEDTLS_ECP_DOUBLE_JAC_ALT,
 *   MBEDTLS_ECP_ADD_MIXED_ALT, MBEDTLS_ECP_NORMALIZE_JAC_ALT,
 *   MBEDTLS_ECP_NORMALIZE_JAC_MANY_ALT, MBEDTLS_ECP_DOUBLE_ADD_MXZ_ALT,
 *   MBEDTLS_ECP_NORMALIZE_MXZ_ALT [, MBEDTLS_ECP_NO_FALLBACK].
 * Proof on the host: tests/curve/ (differential against the generic code,
 * Wycheproof, valgrind constant-time check).
 *
 * Why: the generic code does every field operation on heap-allocated
 * big numbers (an allocation, a copy and a zeroisation per multiplication).
 * Here a field element is eight or twelve 32-bit words on the stack,
 * products are reduced with the primes' special forms (NIST's fast
 * reduction for P-256, FIPS 186-4 D.2.3; 2^384 = 2^128 + 2^96 - 2^32 + 1
 * folded for P-384; 2^255 = 19 for Curve25519), inverses are Fermat's, and
 * nothing is allocated except when a big number must grow to p's size.
 * The code for one width is ecp_alt_field.h, included twice.
 *
 * Constant time: no branch and no memory index depends on a coordinate
 * (field operations, loads, and the special cases of the addition use
 * masks; see ecp_alt_field.h), so the secret scalar of ECDH and signing
 * reaches no branch here (tests/curve/curve_ct.c, under valgrind).
 *
 * Ported from the Mbed TLS 2.28 version: 3.6 keeps the hooks' names and
 * prototypes but makes the fields of mbedtls_mpi and mbedtls_ecp_point
 * private, moves the prototypes to library/ecp_internal_alt.h, sets Z = 1
 * (instead of freeing it) after normalising a table and requires Q's Z to
 * be allocated in the mixed addition.
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/build_info.h"
#include "mbedtls/ecp.h"
#include "mbedtls/bignum.h"
#include "mbedtls/error.h"

#if defined(MBEDTLS_ECP_INTERNAL_ALT)

#include "ecp_internal_alt.h" /* library/: the hooks' prototypes */

#if !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) || !defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED) || \
    !defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
#error "ecp_alt.c implements P-256, P-384 and Curve25519: enable the three groups"
#endif

/* Only these two hooks are left to the generic code. */
#if defined(MBEDTLS_ECP_RANDOMIZE_JAC_ALT) || defined(MBEDTLS_ECP_RANDOMIZE_MXZ_ALT)
#error "ecp_alt.c does not implement the RANDOMIZE_*_ALT hooks"
#endif

/* MBEDTLS_ECP_NO_FALLBACK removes the generic point arithmetic: any other
 * group would then fail at run time (MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE).
 * Refuse that configuration here instead. */
#if defined(MBEDTLS_ECP_NO_FALLBACK) &&                                        \
    (defined(MBEDTLS_ECP_DP_SECP192R1_ENABLED) || defined(MBEDTLS_ECP_DP_SECP224R1_ENABLED) || \
     defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED) || defined(MBEDTLS_ECP_DP_SECP192K1_ENABLED) || \
     defined(MBEDTLS_ECP_DP_SECP224K1_ENABLED) || defined(MBEDTLS_ECP_DP_SECP256K1_ENABLED) || \
     defined(MBEDTLS_ECP_DP_BP256R1_ENABLED) || defined(MBEDTLS_ECP_DP_BP384R1_ENABLED) ||     \
     defined(MBEDTLS_ECP_DP_BP512R1_ENABLED) || defined(MBEDTLS_ECP_DP_CURVE448_ENABLED))
#error "MBEDTLS_ECP_NO_FALLBACK with ecp_alt.c: only P-256, P-384 and Curve25519 may be enabled"
#endif

/* hi:lo = a * b + lo + hi, which cannot overflow: Cortex-M4/M7's UMAAL
 * (GCC does not find it for this pattern at -Os). On ARM the C fallback
 * compiles to UMULL/UMLAL, whose timing depends on the operands on
 * Cortex-M3 (early termination): refuse it rather than leak. Other hosts
 * (x86-64: the tests) use the fallback; their 64-bit multiply is
 * constant-time. */
#if defined(__arm__) || defined(__thumb__)
#if !defined(__ARM_FEATURE_DSP)
#error "ecp_alt.c needs UMAAL (__ARM_FEATURE_DSP, Cortex-M4/M7); on this core use Mbed TLS's own curve code"
#endif
#define MULADD(lo, hi, a, b) __asm__("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b))
#else
#define MULADD(lo, hi, a, b)                                              \
    do {                                                                  \
        uint64_t t_ = (uint64_t)(a) * (b) + (lo) + (hi);                  \
        (lo) = (uint32_t)t_;                                              \
        (hi) = (uint32_t)(t_ >> 32);                                      \
    } while (0)
#endif

/* Mbed TLS 3.6 makes these fields private and has no accessor for a
 * limb array (mbedtls_mpi_write_binary_le/read_binary_le go through a
 * byte buffer, and read_binary reallocates): the hooks work on ecp.c's
 * own representation, as the generic code does. */
#define MPI_LIMBS(x)  ((x)->MBEDTLS_PRIVATE(p))
#define MPI_NLIMBS(x) ((size_t)(x)->MBEDTLS_PRIVATE(n))
#define MPI_SIGN(x)   ((x)->MBEDTLS_PRIVATE(s))
/* No accessor for a point's coordinates either (mbedtls_ecp_export copies
 * whole groups and keys). */
#define PT_X(pt) ((pt)->MBEDTLS_PRIVATE(X))
#define PT_Y(pt) ((pt)->MBEDTLS_PRIVATE(Y))
#define PT_Z(pt) ((pt)->MBEDTLS_PRIVATE(Z))

/* 32-bit words per limb: 1 on the device, 2 on 64-bit hosts. */
#define LIMB_WORDS (sizeof(mbedtls_mpi_uint) / sizeof(uint32_t))
typedef char limbs_are_32_or_64_bits[(LIMB_WORDS == 1 || LIMB_WORDS == 2) ? 1 : -1];

/* Word w of the little-endian limbs p[0..n) (0 above them). */
static inline uint32_t limb_word(const mbedtls_mpi_uint *p, size_t n, size_t w)
{
    size_t l = w / LIMB_WORDS;
    if (l >= n) /* a size, not a value */
        return 0;
    return (uint32_t)(p[l] >> (32 * (w % LIMB_WORDS)));
}

/* Points normalised per inversion (Montgomery's trick): the comb with
 * window 3 (config/mbedtls_device.h) normalises at most 4 points at once;
 * a larger window takes more batches. 4 * 48 bytes of stack for P-384. */
#ifndef ECP_ALT_BATCH
#define ECP_ALT_BATCH 4
#endif
#define BATCH ECP_ALT_BATCH

/* Word loops fully unrolled: -3.6 M instructions per P-256 handshake for
 * 0.5 KB, -17 M per handshake with a P-384 chain for 1 KB (2.28). */
#define W 8
#define FN(name) f8_##name
#define FE fe8
#define FIELD field8
#define UNROLL _Pragma("GCC unroll 8")
#include "ecp_alt_field.h"
#undef W
#undef FN
#undef FE
#undef FIELD
#undef UNROLL

#define W 12
#define FN(name) f12_##name
#define FE fe12
#define FIELD field12
#define UNROLL _Pragma("GCC unroll 12")
#include "ecp_alt_field.h"
#undef W
#undef FN
#undef FE
#undef FIELD
#undef UNROLL

/* ---- the three prime fields ---- */

/* P-256: r = c mod p for a 512-bit c (FIPS 186-4, D.2.3):
 * s1 + 2 s2 + 2 s3 + s4 + s5 - s6 - s7 - s8 - s9, summed word by word. */
static void p256_reduce_wide(uint32_t *r, const uint32_t *c);

/* P-384: p = 2^384 - 2^128 - 2^96 + 2^32 - 1. */
static void p384_reduce_wide(uint32_t *r, const uint32_t *c);

/* Curve25519: p = 2^255 - 19, so 2^256 = 38 and 2^255 = 19 (mod p). */
static void p25519_reduce_wide(uint32_t *r, const uint32_t *c);

/* p, then 2^(32 W) mod p. */
static const field8 P256 = {
    { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0, 0, 1, 0xFFFFFFFF },
    { 0x00000001, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0 },
    p256_reduce_wide
};
static const field12 P384 = {
    { 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
      0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF },
    { 0x00000001, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0x00000001, 0, 0, 0, 0, 0, 0, 0 },
    p384_reduce_wide
};
static const field8 P25519 = {
    { 0xFFFFFFED, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
      0x7FFFFFFF },
    { 38, 0, 0, 0, 0, 0, 0, 0 },
    p25519_reduce_wide
};

static void p256_reduce_wide(uint32_t *r, const uint32_t *c)
{
    int64_t w[8];
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
        for (int i = 0; i < 8; i++) {
            acc += w[i];
            w[i] = (uint32_t)acc;
            acc >>= 32;
        }
        top = acc;
    }
    fe8 t;
    for (int i = 0; i < 8; i++)
        t[i] = (uint32_t)w[i];
    f8_reduce_once(&P256, r, t, 0);
}

static void p25519_reduce_wide(uint32_t *r, const uint32_t *c)
{
    fe8 t;
    uint64_t acc = 0;
    for (int i = 0; i < 8; i++) {
        acc += (uint64_t)c[i] + (uint64_t)38 * c[i + 8];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    /* Everything from bit 255 up (< 2^7) comes back times 19. */
    uint32_t hi = (uint32_t)acc * 2 + (t[7] >> 31);
    t[7] &= 0x7FFFFFFF;
    acc = (uint64_t)hi * 19;
    for (int i = 0; i < 8; i++) {
        acc += t[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    f8_reduce_once(&P25519, r, t, 0); /* t < 2^255 + 2^12: at most p once */
}

/* P-384: h (n words) times 2^384 = 2^128 + 2^96 - 2^32 + 1 (mod p) added
 * to w, carries propagated over 12 words; returns what is left above.
 * Word i gets h[i] - h[i-1] + h[i-3] + h[i-4]. */
static int64_t p384_fold(int64_t w[12], const int64_t *h, int n)
{
    int64_t acc = 0;
    _Pragma("GCC unroll 12") /* the index tests fold away */
    for (int i = 0; i < 12; i++) {
        acc += w[i];
        if (i < n)
            acc += h[i];
        if (i >= 1 && i - 1 < n)
            acc -= h[i - 1];
        if (i >= 3 && i - 3 < n)
            acc += h[i - 3];
        if (i >= 4 && i - 4 < n)
            acc += h[i - 4];
        w[i] = (uint32_t)acc;
        acc >>= 32;
    }
    return acc;
}

static void p384_reduce_wide(uint32_t *r, const uint32_t *c)
{
    int64_t w[12], h[12];
    for (int i = 0; i < 12; i++) {
        w[i] = c[i];
        h[i] = c[12 + i];
    }
    /* The high 384 bits folded once. Words 12..15 of that sum (the fold
     * reaches h[11] * 2^(32*15)) are computed apart: they and the carry
     * above them make the next, much smaller h. */
    int64_t acc = p384_fold(w, h, 12);
    int64_t h2[5];
    acc += h[8] + h[9] - h[11];           /* word 12 */
    h2[0] = (uint32_t)acc;
    acc >>= 32;
    acc += h[9] + h[10];                  /* word 13 */
    h2[1] = (uint32_t)acc;
    acc >>= 32;
    acc += h[10] + h[11];                 /* word 14 */
    h2[2] = (uint32_t)acc;
    acc >>= 32;
    acc += h[11];                         /* word 15 */
    h2[3] = (uint32_t)acc;
    acc >>= 32;
    h2[4] = acc;
    /* Below 2^384 + 2^290 after this fold: at most 1 is left above; two
     * small folds bring that to 0 (the second one for a value that
     * wrapped). */
    int64_t top = p384_fold(w, h2, 5);
    top = p384_fold(w, &top, 1);
    top = p384_fold(w, &top, 1);
    (void)top;
    fe12 t;
    for (int i = 0; i < 12; i++)
        t[i] = (uint32_t)w[i];
    f12_reduce_once(&P384, r, t, 0);
}

/* ---- the hooks ---- */

unsigned char mbedtls_internal_ecp_grp_capable(const mbedtls_ecp_group *grp)
{
    return grp->id == MBEDTLS_ECP_DP_SECP256R1 || grp->id == MBEDTLS_ECP_DP_SECP384R1 ||
           grp->id == MBEDTLS_ECP_DP_CURVE25519;
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

/* Only the short Weierstrass groups come here: P-256 or P-384. */
#define IS_P384(grp) ((grp)->id == MBEDTLS_ECP_DP_SECP384R1)

int mbedtls_internal_ecp_double_jac(const mbedtls_ecp_group *grp,
                                    mbedtls_ecp_point *R, const mbedtls_ecp_point *P)
{
    return IS_P384(grp) ? f12_double_jac(&P384, R, P) : f8_double_jac(&P256, R, P);
}

int mbedtls_internal_ecp_add_mixed(const mbedtls_ecp_group *grp,
                                   mbedtls_ecp_point *R, const mbedtls_ecp_point *P,
                                   const mbedtls_ecp_point *Q)
{
    return IS_P384(grp) ? f12_add_mixed(&P384, R, P, Q) : f8_add_mixed(&P256, R, P, Q);
}

int mbedtls_internal_ecp_normalize_jac(const mbedtls_ecp_group *grp, mbedtls_ecp_point *pt)
{
    return IS_P384(grp) ? f12_normalize_jac(&P384, pt) : f8_normalize_jac(&P256, pt);
}

int mbedtls_internal_ecp_normalize_jac_many(const mbedtls_ecp_group *grp,
                                            mbedtls_ecp_point *T[], size_t t_len)
{
    return IS_P384(grp) ? f12_normalize_jac_many(&P384, T, t_len)
                        : f8_normalize_jac_many(&P256, T, t_len);
}

/* One step of the Montgomery ladder (RFC 7748), as ecp.c's generic
 * ecp_double_add_mxz: R = 2P, S = P + Q, with d the x of Q - P and
 * grp->A holding (A + 2) / 4. R may be P and S may be Q. d is the peer's u
 * as given (below 2^256: ecp_check_pubkey_mx), reduced by the load. */
int mbedtls_internal_ecp_double_add_mxz(const mbedtls_ecp_group *grp,
                                        mbedtls_ecp_point *R, mbedtls_ecp_point *S,
                                        const mbedtls_ecp_point *P, const mbedtls_ecp_point *Q,
                                        const mbedtls_mpi *d)
{
    const field8 *f = &P25519;
    fe8 px, pz, qx, qz, dx, a24, a, aa, b, bb, e, c, dd, da, cb, rx, rz, sx, sz;
    int ret;
    f8_load(f, px, &PT_X(P));
    f8_load(f, pz, &PT_Z(P));
    f8_load(f, qx, &PT_X(Q));
    f8_load(f, qz, &PT_Z(Q));
    f8_load(f, dx, d);
    f8_load(f, a24, &grp->A);
    f8_add(f, a, px, pz);
    f8_mul(f, aa, a, a);
    f8_sub(f, b, px, pz);
    f8_mul(f, bb, b, b);
    f8_sub(f, e, aa, bb);
    f8_add(f, c, qx, qz);
    f8_sub(f, dd, qx, qz);
    f8_mul(f, da, dd, a);
    f8_mul(f, cb, c, b);
    f8_add(f, sx, da, cb);
    f8_mul(f, sx, sx, sx);
    f8_sub(f, sz, da, cb);
    f8_mul(f, sz, sz, sz);
    f8_mul(f, sz, dx, sz);
    f8_mul(f, rx, aa, bb);
    f8_mul(f, rz, a24, e);
    f8_add(f, rz, bb, rz);
    f8_mul(f, rz, e, rz);
    if ((ret = f8_store(&PT_X(R), rx)) != 0 || (ret = f8_store(&PT_Z(R), rz)) != 0 ||
        (ret = f8_store(&PT_X(S), sx)) != 0 || (ret = f8_store(&PT_Z(S), sz)) != 0)
        return ret;
    return 0;
}

/* X = X/Z, Z = 1. Z = 0 (the ladder ended at the zero point, impossible
 * for a public key ecp_check_pubkey_mx accepts) gives X = 0 without a
 * branch; 3.6's generic inversion returns an indeterminate value there. */
int mbedtls_internal_ecp_normalize_mxz(const mbedtls_ecp_group *grp, mbedtls_ecp_point *P)
{
    fe8 x, z, zi;
    int ret;
    (void)grp;
    f8_load(&P25519, x, &PT_X(P));
    f8_load(&P25519, z, &PT_Z(P));
    f8_inv(&P25519, zi, z);
    f8_mul(&P25519, x, x, zi);
    if ((ret = f8_store(&PT_X(P), x)) != 0)
        return ret;
    return mbedtls_mpi_lset(&PT_Z(P), 1);
}

#endif /* MBEDTLS_ECP_INTERNAL_ALT */
