/*
 * The field and point arithmetic of ecp_alt.c for one width of field
 * element: included once per width, with
 *   W          words per element (8: P-256 and Curve25519; 12: P-384),
 *   FN(name)   the name of this width's copy of a function,
 *   FE, FIELD  the names of this width's element and field types.
 * A fixed width lets the compiler unroll the word loops (UNROLL, set by
 * the includer).
 *
 * Constant time: nothing here branches on or indexes memory with a value
 * derived from a coordinate; carries, corrections and the special cases of
 * the addition are masks. Branches depend only on public sizes (limb
 * counts), on the public exponent of the inversion, and on Q's Z in the
 * mixed addition (set to 0 or 1 by ecp.c, never derived from a secret).
 */

typedef uint32_t FE[W]; /* little-endian words, value in [0, p) */

/* A prime field: its modulus, 2^(32 W) mod p, and the reduction of a
 * product (2W words). */
typedef struct {
    uint32_t p[W];
    uint32_t r[W];
    void (*reduce_wide)(uint32_t *r, const uint32_t *c);
} FIELD;

/* All ones if a is zero, else 0. */
static uint32_t FN(zero_mask)(const FE a)
{
    uint32_t acc = 0;
    UNROLL
    for (int i = 0; i < W; i++)
        acc |= a[i];
    return ((acc | (0u - acc)) >> 31) - 1u;
}

/* r = mask ? a : r (mask all ones or 0). */
static void FN(cmov)(FE r, const FE a, uint32_t mask)
{
    UNROLL
    for (int i = 0; i < W; i++)
        r[i] = (a[i] & mask) | (r[i] & ~mask);
}

/* r = a - p if that does not borrow (or if carry_in, 0 or 1, says a
 * overflowed 2^(32 W)), else a: the final correction of every operation. */
static void FN(reduce_once)(const FIELD *f, FE r, const FE a, uint32_t carry_in)
{
    FE t;
    uint32_t borrow = 0;
    UNROLL
    for (int i = 0; i < W; i++) {
        uint64_t d = (uint64_t)a[i] - f->p[i] - borrow;
        t[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 32) & 1u;
    }
    /* No borrow: a >= p; with carry_in, a >= p for sure. */
    uint32_t use_t = 0u - ((borrow ^ 1u) | (carry_in & 1u));
    UNROLL
    for (int i = 0; i < W; i++)
        r[i] = (t[i] & use_t) | (a[i] & ~use_t);
}

static void FN(add)(const FIELD *f, FE r, const FE a, const FE b)
{
    uint64_t acc = 0;
    FE t;
    UNROLL
    for (int i = 0; i < W; i++) {
        acc += (uint64_t)a[i] + b[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    FN(reduce_once)(f, r, t, (uint32_t)acc);
}

static void FN(sub)(const FIELD *f, FE r, const FE a, const FE b)
{
    int64_t acc = 0;
    FE t;
    UNROLL
    for (int i = 0; i < W; i++) {
        acc += (int64_t)a[i] - b[i];
        t[i] = (uint32_t)acc;
        acc >>= 32;
    }
    /* On a borrow (acc == -1) add p back. */
    uint32_t mask = (uint32_t)acc;
    uint64_t c = 0;
    UNROLL
    for (int i = 0; i < W; i++) {
        c += (uint64_t)t[i] + (f->p[i] & mask);
        r[i] = (uint32_t)c;
        c >>= 32;
    }
}

static void FN(mul)(const FIELD *f, FE r, const FE a, const FE b)
{
    uint32_t c[2 * W], k = 0;
    /* Schoolbook rows, one UMAAL per word product; the first row only
     * writes (no memset of c: it showed up at 4% of a handshake). */
    UNROLL
    for (int j = 0; j < W; j++) {
        uint32_t lo = 0;
        MULADD(lo, k, a[0], b[j]);
        c[j] = lo;
    }
    c[W] = k;
    for (int i = 1; i < W; i++) {
        uint32_t ai = a[i];
        k = 0;
        UNROLL
        for (int j = 0; j < W; j++) {
            uint32_t lo = c[i + j];
            MULADD(lo, k, ai, b[j]);
            c[i + j] = lo;
        }
        c[i + W] = k;
    }
    f->reduce_wide(r, c);
}

/* r = a^(p-2) = 1/a (Fermat; 0 for a = 0). The exponent is public: the
 * sequence of operations does not depend on a. */
static void FN(inv)(const FIELD *f, FE r, const FE a)
{
    FE e, x;
    memcpy(e, f->p, sizeof(FE));
    e[0] -= 2; /* the primes end in ...FF or ...ED: no borrow */
    memcpy(x, a, sizeof(FE));
    int started = 0;
    for (int bit = W * 32 - 1; bit >= 0; bit--) {
        if (started)
            FN(mul)(f, r, r, r);
        if ((e[bit / 32] >> (bit % 32)) & 1) {
            if (started) {
                FN(mul)(f, r, r, x);
            } else {
                memcpy(r, x, sizeof(FE));
                started = 1;
            }
        }
    }
}

/* W words of x from word `start` on (0 above its limbs), brought below p:
 * any W-word value is below 3p (2^256 = 2p + 38 for Curve25519's p). */
static void FN(load_chunk)(const FIELD *f, FE r, const mbedtls_mpi_uint *xp, size_t n,
                           size_t start)
{
    for (size_t i = 0; i < W; i++)
        r[i] = limb_word(xp, n, start + i);
    FN(reduce_once)(f, r, r, 0);
    FN(reduce_once)(f, r, r, 0);
}

/* Big number -> field element, x mod p for any x, in constant time for a
 * given limb count: ecp.c keeps coordinates in [0, p), except X25519's
 * peer u, which can reach 2^256 - 1 (RFC 7748 reduces it), and values from
 * the generic code that carry zero limbs above p's size. Longer values are
 * folded W words at a time (Horner, times 2^(32 W) mod p); the sign is
 * applied with a mask. No branch on the value, none on the sign. */
static void FN(load)(const FIELD *f, FE r, const mbedtls_mpi *x)
{
    const mbedtls_mpi_uint *xp = MPI_LIMBS(x);
    size_t n = xp == NULL ? 0 : MPI_NLIMBS(x);
    size_t words = n * LIMB_WORDS;
    size_t c = words <= W ? 0 : ((words - 1) / W) * W; /* the top chunk */
    FN(load_chunk)(f, r, xp, n, c);
    while (c > 0) { /* c and n are sizes, not values: public */
        FE t;
        c -= W;
        FN(mul)(f, r, r, f->r);
        FN(load_chunk)(f, t, xp, n, c);
        FN(add)(f, r, r, t);
    }
    FE zero = { 0 }, neg;
    FN(sub)(f, neg, zero, r);
    FN(cmov)(r, neg, 0u - ((uint32_t)(int32_t)MPI_SIGN(x) >> 31));
}

/* Field element -> big number of exactly p's size: a larger one is freed
 * and allocated again (its size is public), so that loads stay short;
 * nothing scans the value (mbedtls_mpi_shrink would). */
static int FN(store)(mbedtls_mpi *x, const FE a)
{
    const size_t nl = W / LIMB_WORDS;
    if (MPI_LIMBS(x) != NULL && MPI_NLIMBS(x) > nl)
        mbedtls_mpi_free(x);
    int ret = mbedtls_mpi_grow(x, nl);
    if (ret != 0)
        return ret;
    mbedtls_mpi_uint *xp = MPI_LIMBS(x);
    MPI_SIGN(x) = 1;
    for (size_t i = 0; i < nl; i++) {
        mbedtls_mpi_uint v = 0;
        for (size_t k = 0; k < LIMB_WORDS; k++)
            v |= (mbedtls_mpi_uint)a[i * LIMB_WORDS + k] << (32 * k);
        xp[i] = v;
    }
    return 0;
}

static int FN(point_store)(mbedtls_ecp_point *R, const FE x, const FE y, const FE z)
{
    int ret = FN(store)(&PT_X(R), x);
    if (ret == 0)
        ret = FN(store)(&PT_Y(R), y);
    if (ret == 0)
        ret = FN(store)(&PT_Z(R), z);
    return ret;
}

/* 2P in Jacobian coordinates for a = -3 (the formulas of ecp.c's generic
 * ecp_double_jac): M = 3(X - Z^2)(X + Z^2), S = 4XY^2,
 * X' = M^2 - 2S, Y' = M(S - X') - 8Y^4, Z' = 2YZ. The zero point (Z = 0)
 * gives Z' = 0, as in the generic code. */
static void FN(point_double)(const FIELD *f, FE x3, FE y3, FE z3, const FE x, const FE y,
                             const FE z)
{
    FE m, s, t, u;
    FN(mul)(f, s, z, z);
    FN(add)(f, t, x, s);
    FN(sub)(f, u, x, s);
    FN(mul)(f, s, t, u);
    FN(add)(f, m, s, s);
    FN(add)(f, m, m, s);
    FN(mul)(f, t, y, y);
    FN(add)(f, t, t, t);           /* 2Y^2 */
    FN(mul)(f, s, x, t);
    FN(add)(f, s, s, s);           /* 4XY^2 */
    FN(mul)(f, u, t, t);
    FN(add)(f, u, u, u);           /* 8Y^4 */
    FN(mul)(f, z3, y, z);
    FN(add)(f, z3, z3, z3);        /* before x3/y3: the output may alias the input */
    FN(mul)(f, t, m, m);
    FN(sub)(f, t, t, s);
    FN(sub)(f, t, t, s);
    FN(sub)(f, s, s, t);
    FN(mul)(f, s, s, m);
    FN(sub)(f, y3, s, u);
    memcpy(x3, t, sizeof(FE));
}

/* 2Q for an affine Q = (x, y, 1), a = -3: the same formulas with Z = 1
 * (M = 3(x - 1)(x + 1), Z' = 2y): 6 multiplications. */
static void FN(affine_double)(const FIELD *f, FE x3, FE y3, FE z3, const FE x, const FE y)
{
    static const FE one = { 1 };
    FE m, s, t, u;
    FN(add)(f, t, x, one);
    FN(sub)(f, u, x, one);
    FN(mul)(f, s, t, u);
    FN(add)(f, m, s, s);
    FN(add)(f, m, m, s);
    FN(mul)(f, t, y, y);
    FN(add)(f, t, t, t);           /* 2y^2 */
    FN(mul)(f, s, x, t);
    FN(add)(f, s, s, s);           /* 4xy^2 */
    FN(mul)(f, u, t, t);
    FN(add)(f, u, u, u);           /* 8y^4 */
    FN(add)(f, z3, y, y);
    FN(mul)(f, t, m, m);
    FN(sub)(f, t, t, s);
    FN(sub)(f, t, t, s);
    FN(sub)(f, s, s, t);
    FN(mul)(f, s, s, m);
    FN(sub)(f, y3, s, u);
    memcpy(x3, t, sizeof(FE));
}

static int FN(double_jac)(const FIELD *f, mbedtls_ecp_point *R, const mbedtls_ecp_point *P)
{
    FE x, y, z;
    FN(load)(f, x, &PT_X(P));
    FN(load)(f, y, &PT_Y(P));
    FN(load)(f, z, &PT_Z(P));
    FN(point_double)(f, x, y, z, x, y, z);
    return FN(point_store)(R, x, y, z);
}

/* R = P + Q, P Jacobian, Q affine (Z = 1), as ecp.c's generic
 * ecp_add_mixed (GECC 3.22), special cases included but without branches
 * on P's coordinates: in the comb, P is the running sum of secret-selected
 * points. All of these are computed and the right one picked with masks:
 *   P = 0          -> Q
 *   P == Q         -> 2Q (the generic code doubles P: the same point)
 *   P == -Q        -> 0, as (1, 1, 0) like mbedtls_ecp_set_zero()
 *   otherwise      -> the addition.
 * The doubling costs 6 multiplications more than the plain addition (11).
 * Q's Z is checked with branches: ecp.c sets it to 0 or 1 (public). */
static int FN(add_mixed)(const FIELD *f, mbedtls_ecp_point *R, const mbedtls_ecp_point *P,
                         const mbedtls_ecp_point *Q)
{
    static const FE one = { 1 };
    FE x1, y1, z1, x2, y2;

    /* As the generic code: an unallocated Z is not a point (3.6). */
    if (MPI_LIMBS(&PT_Z(Q)) == NULL)
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    if (mbedtls_mpi_cmp_int(&PT_Z(Q), 0) == 0)
        return mbedtls_ecp_copy(R, P); /* P + 0 (if P is 0 too, 0 either way) */
    if (mbedtls_mpi_cmp_int(&PT_Z(Q), 1) != 0) {
        /* Q not normalised: never from ecp.c. The generic code copies Q for
         * P = 0 and refuses otherwise; so do we (the only branch on P). */
        FN(load)(f, z1, &PT_Z(P));
        return FN(zero_mask)(z1) ? mbedtls_ecp_copy(R, Q) : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    FN(load)(f, x1, &PT_X(P));
    FN(load)(f, y1, &PT_Y(P));
    FN(load)(f, z1, &PT_Z(P));
    FN(load)(f, x2, &PT_X(Q));
    FN(load)(f, y2, &PT_Y(Q));

    FE t1, t2, t3, t4, x3, y3, z3;
    FN(mul)(f, t1, z1, z1);
    FN(mul)(f, t2, t1, z1);
    FN(mul)(f, t1, t1, x2);
    FN(mul)(f, t2, t2, y2);
    FN(sub)(f, t1, t1, x1);        /* H = x2 Z1^2 - X1 */
    FN(sub)(f, t2, t2, y1);        /* r = y2 Z1^3 - Y1 */
    uint32_t p_zero = FN(zero_mask)(z1);
    uint32_t h_zero = FN(zero_mask)(t1) & ~p_zero;
    uint32_t is_dbl = h_zero & FN(zero_mask)(t2);
    uint32_t is_inf = h_zero & ~is_dbl;

    FN(mul)(f, z3, z1, t1);
    FN(mul)(f, t3, t1, t1);
    FN(mul)(f, t4, t3, t1);
    FN(mul)(f, t3, t3, x1);
    FN(add)(f, t1, t3, t3);
    FN(mul)(f, x3, t2, t2);
    FN(sub)(f, x3, x3, t1);
    FN(sub)(f, x3, x3, t4);
    FN(sub)(f, t3, t3, x3);
    FN(mul)(f, t3, t3, t2);
    FN(mul)(f, t4, t4, y1);
    FN(sub)(f, y3, t3, t4);

    FE xd, yd, zd;
    FN(affine_double)(f, xd, yd, zd, x2, y2);
    FN(cmov)(x3, xd, is_dbl);
    FN(cmov)(y3, yd, is_dbl);
    FN(cmov)(z3, zd, is_dbl);
    FN(cmov)(x3, one, is_inf);     /* z3 = z1 H = 0 already */
    FN(cmov)(y3, one, is_inf);
    FN(cmov)(x3, x2, p_zero);
    FN(cmov)(y3, y2, p_zero);
    FN(cmov)(z3, one, p_zero);
    return FN(point_store)(R, x3, y3, z3);
}

/* (X, Y, Z) -> (X/Z^2, Y/Z^3) with the inverse zi of Z. Unlike 2.28's
 * version, the coordinates are not shrunk: mbedtls_mpi_shrink scans the
 * value for its top non-zero limb (FN(store) keeps them at p's size). */
static int FN(point_set_affine)(const FIELD *f, mbedtls_ecp_point *pt, const FE x, const FE y,
                                const FE zi)
{
    FE zzi, ax, ay;
    int ret;
    FN(mul)(f, zzi, zi, zi);
    FN(mul)(f, ax, x, zzi);
    FN(mul)(f, ay, y, zzi);
    FN(mul)(f, ay, ay, zi);
    if ((ret = FN(store)(&PT_X(pt), ax)) != 0 || (ret = FN(store)(&PT_Y(pt), ay)) != 0)
        return ret;
    return mbedtls_mpi_lset(&PT_Z(pt), 1);
}

/* ecp.c calls this only for Z != 0. */
static int FN(normalize_jac)(const FIELD *f, mbedtls_ecp_point *pt)
{
    FE x, y, z, zi;
    FN(load)(f, x, &PT_X(pt));
    FN(load)(f, y, &PT_Y(pt));
    FN(load)(f, z, &PT_Z(pt));
    FN(inv)(f, zi, z);
    return FN(point_set_affine)(f, pt, x, y, zi);
}

/* Montgomery's trick, as the generic code: one inversion per BATCH points;
 * Z = 1 afterwards, as 3.6's generic code sets it. A zero Z (never from
 * ecp.c: the comb's table holds non-zero multiples of a public point)
 * fails before any point is changed. */
static int FN(normalize_jac_many)(const FIELD *f, mbedtls_ecp_point *T[], size_t T_size)
{
    FE c[BATCH], z, u, zi;
    int ret;
    uint32_t any_zero = 0;
    for (size_t i = 0; i < T_size; i++) {
        FN(load)(f, z, &PT_Z(T[i]));
        any_zero |= FN(zero_mask)(z);
    }
    if (any_zero != 0)
        return MBEDTLS_ERR_MPI_NOT_ACCEPTABLE; /* 2.28's generic inversion's error */
    for (size_t base = 0; base < T_size; base += BATCH) {
        size_t n = T_size - base < BATCH ? T_size - base : BATCH;
        mbedtls_ecp_point **pts = T + base;
        for (size_t i = 0; i < n; i++) {
            FN(load)(f, z, &PT_Z(pts[i]));
            if (i == 0)
                memcpy(c[0], z, sizeof(FE));
            else
                FN(mul)(f, c[i], c[i - 1], z);
        }
        FN(inv)(f, u, c[n - 1]);
        for (size_t i = n; i-- > 0;) {
            FE x, y;
            if (i == 0) {
                memcpy(zi, u, sizeof(FE));
            } else {
                FN(mul)(f, zi, u, c[i - 1]);
                FN(load)(f, z, &PT_Z(pts[i]));
                FN(mul)(f, u, u, z);
            }
            FN(load)(f, x, &PT_X(pts[i]));
            FN(load)(f, y, &PT_Y(pts[i]));
            if ((ret = FN(point_set_affine)(f, pts[i], x, y, zi)) != 0)
                return ret;
        }
    }
    return 0;
}
