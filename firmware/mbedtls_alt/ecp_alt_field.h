/*
 * The field and point arithmetic of ecp_alt.c for one width of field
 * element: included once per width, with
 *   W          words per element (8: P-256 and Curve25519; 12: P-384),
 *   FN(name)   the name of this width's copy of a function,
 *   FE, FIELD  the names of this width's element and field types.
 * A fixed width lets the compiler unroll the word loops (UNROLL, set by
 * the includer).
 */

typedef uint32_t FE[W]; /* little-endian words, value in [0, p) */

/* A prime field: its modulus and the reduction of a product (2W words). */
typedef struct {
    uint32_t p[W];
    void (*reduce_wide)(uint32_t *r, const uint32_t *c);
} FIELD;

/* r = a - p if that does not borrow (or if carry_in says a overflowed
 * 2^(32 W)), else a: the final correction of every operation. */
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
    uint32_t use_t = (uint32_t)0 - ((borrow ^ 1u) | (carry_in != 0));
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

/* r = a^(p-2) = 1/a (Fermat). The exponent is public: the sequence of
 * operations does not depend on a. */
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

static int FN(is_zero)(const FE a)
{
    uint32_t acc = 0;
    for (int i = 0; i < W; i++)
        acc |= a[i];
    return acc == 0;
}

/* Big number -> field element. Mbed TLS keeps coordinates in [0, p); a
 * negative or longer value (never seen from ecp.c) is reduced the slow way,
 * and anything in [p, 2^(32 W)) is brought below p. */
static int FN(load)(const FIELD *f, FE r, const mbedtls_mpi *x, const mbedtls_ecp_group *grp)
{
    size_t n = x->p == NULL ? 0 : x->n;
    int plain = x->s > 0;
    for (size_t i = W; i < n && plain; i++)
        plain = x->p[i] == 0;
    if (!plain) {
        mbedtls_mpi t;
        mbedtls_mpi_init(&t);
        int ret = mbedtls_mpi_mod_mpi(&t, x, &grp->P);
        if (ret == 0)
            ret = FN(load)(f, r, &t, grp);
        mbedtls_mpi_free(&t);
        return ret;
    }
    for (size_t i = 0; i < W; i++)
        r[i] = i < n ? (uint32_t)x->p[i] : 0;
    /* Below p's top word the value is below p: the common case. */
    if (r[W - 1] >= f->p[W - 1]) {
        FN(reduce_once)(f, r, r, 0);
        FN(reduce_once)(f, r, r, 0); /* 2^256 > 2p for Curve25519's p */
    }
    return 0;
}

static int FN(store)(mbedtls_mpi *x, const FE a)
{
    int ret = mbedtls_mpi_grow(x, W);
    if (ret != 0)
        return ret;
    x->s = 1;
    for (size_t i = 0; i < W; i++)
        x->p[i] = a[i];
    for (size_t i = W; i < x->n; i++)
        x->p[i] = 0;
    return 0;
}

static int FN(point_store)(mbedtls_ecp_point *R, const FE x, const FE y, const FE z)
{
    int ret = FN(store)(&R->X, x);
    if (ret == 0)
        ret = FN(store)(&R->Y, y);
    if (ret == 0)
        ret = FN(store)(&R->Z, z);
    return ret;
}

/* 2P in Jacobian coordinates for a = -3 (the formulas of ecp.c's generic
 * ecp_double_jac): M = 3(X - Z^2)(X + Z^2), S = 4XY^2,
 * X' = M^2 - 2S, Y' = M(S - X') - 8Y^4, Z' = 2YZ. */
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

static int FN(double_jac)(const FIELD *f, const mbedtls_ecp_group *grp,
                          mbedtls_ecp_point *R, const mbedtls_ecp_point *P)
{
    FE x, y, z;
    int ret;
    if ((ret = FN(load)(f, x, &P->X, grp)) != 0 || (ret = FN(load)(f, y, &P->Y, grp)) != 0 ||
        (ret = FN(load)(f, z, &P->Z, grp)) != 0)
        return ret;
    FN(point_double)(f, x, y, z, x, y, z);
    return FN(point_store)(R, x, y, z);
}

/* R = P + Q, P Jacobian, Q affine (Z unset or 1), as ecp.c's generic
 * ecp_add_mixed, special cases included. */
static int FN(add_mixed)(const FIELD *f, const mbedtls_ecp_group *grp,
                         mbedtls_ecp_point *R, const mbedtls_ecp_point *P,
                         const mbedtls_ecp_point *Q)
{
    FE x1, y1, z1, x2, y2;
    int ret;

    if ((ret = FN(load)(f, z1, &P->Z, grp)) != 0)
        return ret;
    if (FN(is_zero)(z1))
        return mbedtls_ecp_copy(R, Q);
    if (Q->Z.p != NULL) {
        if (mbedtls_mpi_cmp_int(&Q->Z, 0) == 0)
            return mbedtls_ecp_copy(R, P);
        if (mbedtls_mpi_cmp_int(&Q->Z, 1) != 0)
            return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if ((ret = FN(load)(f, x1, &P->X, grp)) != 0 || (ret = FN(load)(f, y1, &P->Y, grp)) != 0 ||
        (ret = FN(load)(f, x2, &Q->X, grp)) != 0 || (ret = FN(load)(f, y2, &Q->Y, grp)) != 0)
        return ret;

    FE t1, t2, t3, t4, x3, y3, z3;
    FN(mul)(f, t1, z1, z1);
    FN(mul)(f, t2, t1, z1);
    FN(mul)(f, t1, t1, x2);
    FN(mul)(f, t2, t2, y2);
    FN(sub)(f, t1, t1, x1);
    FN(sub)(f, t2, t2, y1);
    if (FN(is_zero)(t1)) {
        if (FN(is_zero)(t2)) {
            /* P == Q */
            FN(point_double)(f, x3, y3, z3, x1, y1, z1);
            return FN(point_store)(R, x3, y3, z3);
        }
        return mbedtls_ecp_set_zero(R); /* P == -Q */
    }
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
    return FN(point_store)(R, x3, y3, z3);
}

/* (X, Y, Z) -> (X/Z^2, Y/Z^3, 1) with the inverse zi of Z. Like the
 * generic code, the stored coordinates are shrunk to the field's size. */
static int FN(point_set_affine)(const FIELD *f, const mbedtls_ecp_group *grp,
                                mbedtls_ecp_point *pt, const FE x, const FE y, const FE zi)
{
    FE zzi, ax, ay;
    int ret;
    FN(mul)(f, zzi, zi, zi);
    FN(mul)(f, ax, x, zzi);
    FN(mul)(f, ay, y, zzi);
    FN(mul)(f, ay, ay, zi);
    if ((ret = FN(store)(&pt->X, ax)) != 0 || (ret = FN(store)(&pt->Y, ay)) != 0)
        return ret;
    if ((ret = mbedtls_mpi_shrink(&pt->X, grp->P.n)) != 0 ||
        (ret = mbedtls_mpi_shrink(&pt->Y, grp->P.n)) != 0)
        return ret;
    return 0;
}

static int FN(normalize_jac)(const FIELD *f, const mbedtls_ecp_group *grp,
                             mbedtls_ecp_point *pt)
{
    FE x, y, z, zi;
    int ret;
    if ((ret = FN(load)(f, x, &pt->X, grp)) != 0 || (ret = FN(load)(f, y, &pt->Y, grp)) != 0 ||
        (ret = FN(load)(f, z, &pt->Z, grp)) != 0)
        return ret;
    FN(inv)(f, zi, z);
    if ((ret = FN(point_set_affine)(f, grp, pt, x, y, zi)) != 0)
        return ret;
    return mbedtls_mpi_lset(&pt->Z, 1);
}

/* Montgomery's trick, as the generic code: one inversion for a batch of
 * points; the tables' Z is freed afterwards (unset means 1 to ecp.c). */
static int FN(normalize_jac_many)(const FIELD *f, const mbedtls_ecp_group *grp,
                                  mbedtls_ecp_point *T[], size_t T_size)
{
    FE c[BATCH], z, u, zi;
    int ret;
    for (size_t base = 0; base < T_size; base += BATCH) {
        size_t n = T_size - base < BATCH ? T_size - base : BATCH;
        mbedtls_ecp_point **pts = T + base;
        for (size_t i = 0; i < n; i++) {
            if ((ret = FN(load)(f, z, &pts[i]->Z, grp)) != 0)
                return ret;
            if (i == 0)
                memcpy(c[0], z, sizeof(FE));
            else
                FN(mul)(f, c[i], c[i - 1], z);
        }
        if (FN(is_zero)(c[n - 1]))
            return MBEDTLS_ERR_MPI_NOT_ACCEPTABLE; /* a zero Z: as the generic inversion */
        FN(inv)(f, u, c[n - 1]);
        for (size_t i = n; i-- > 0;) {
            FE x, y;
            if (i == 0) {
                memcpy(zi, u, sizeof(FE));
            } else {
                FN(mul)(f, zi, u, c[i - 1]);
                if ((ret = FN(load)(f, z, &pts[i]->Z, grp)) != 0)
                    return ret;
                FN(mul)(f, u, u, z);
            }
            if ((ret = FN(load)(f, x, &pts[i]->X, grp)) != 0 ||
                (ret = FN(load)(f, y, &pts[i]->Y, grp)) != 0 ||
                (ret = FN(point_set_affine)(f, grp, pts[i], x, y, zi)) != 0)
                return ret;
            mbedtls_mpi_free(&pts[i]->Z);
        }
    }
    return 0;
}

