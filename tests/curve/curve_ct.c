/*
 * Constant-time check, run under valgrind memcheck (run_ct.cmake): the
 * secret scalar's limbs are marked undefined (VALGRIND_MAKE_MEM_UNDEFINED)
 * before each multiplication, so that memcheck reports every conditional
 * jump ("Conditional jump or move depends on uninitialised value(s)") and
 * every memory index ("Use of uninitialised value of size N") that
 * depends on it. The operations are those of ECDH and signing: a blinded
 * comb on P-256 and P-384 (random base point and the generator) and the
 * X25519 ladder. The result is marked defined again (it is the output).
 *
 * Outside valgrind the client requests do nothing.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* the scalar's limbs, the result's */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "mbedtls/bignum.h"
#include "mbedtls/ecp.h"

#include "curve_util.h"

static uint64_t blind_state = 0x0123456789abcdefull;

static void secret(mbedtls_mpi *m)
{
    VALGRIND_MAKE_MEM_UNDEFINED(m->p, m->n * sizeof(mbedtls_mpi_uint));
}

static void declassify(mbedtls_ecp_point *R)
{
    mbedtls_mpi *c[3] = { &R->X, &R->Y, &R->Z };
    for (int i = 0; i < 3; i++) {
        if (c[i]->p != NULL)
            VALGRIND_MAKE_MEM_DEFINED(c[i]->p, c[i]->n * sizeof(mbedtls_mpi_uint));
        VALGRIND_MAKE_MEM_DEFINED(&c[i]->s, sizeof(c[i]->s));
    }
}

static int mul(mbedtls_ecp_group *grp, const mbedtls_mpi *m0, const mbedtls_ecp_point *P,
               const char *what)
{
    mbedtls_mpi m;
    mbedtls_ecp_point R;
    mbedtls_mpi_init(&m);
    mbedtls_ecp_point_init(&R);
    if (mbedtls_mpi_copy(&m, m0) != 0)
        return 1;
    secret(&m);
    int ret = mbedtls_ecp_mul(grp, &R, &m, P, curve_f_rng, &blind_state);
    VALGRIND_MAKE_MEM_DEFINED(&ret, sizeof(ret));
    declassify(&R);
    printf("%s: ret=%d ", what, ret);
    curve_print_point(stdout, grp, &R);
    putchar('\n');
    mbedtls_ecp_point_free(&R);
    mbedtls_mpi_free(&m);
    return ret != 0;
}

int main(void)
{
    int fails = 0;
    unsigned char buf[64];
    curve_rng_seed(42);
    mbedtls_ecp_group_id ids[] = { MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1 };
    for (int c = 0; c < 2; c++) {
        mbedtls_ecp_group grp;
        mbedtls_mpi m;
        mbedtls_ecp_point P;
        mbedtls_ecp_group_init(&grp);
        mbedtls_mpi_init(&m);
        mbedtls_ecp_point_init(&P);
        fails |= mbedtls_ecp_group_load(&grp, ids[c]) != 0;
        /* a peer's public key: a random multiple of G (computed in the open) */
        curve_rng_bytes(buf, grp.nbits / 8);
        fails |= mbedtls_mpi_read_binary(&m, buf, grp.nbits / 8) != 0;
        fails |= mbedtls_mpi_mod_mpi(&m, &m, &grp.N) != 0;
        fails |= mbedtls_ecp_mul(&grp, &P, &m, &grp.G, curve_f_rng, &blind_state) != 0;
        for (int i = 0; i < 2; i++) {
            curve_rng_bytes(buf, grp.nbits / 8);
            fails |= mbedtls_mpi_read_binary(&m, buf, grp.nbits / 8) != 0;
            fails |= mbedtls_mpi_mod_mpi(&m, &m, &grp.N) != 0;
            fails |= mul(&grp, &m, &P, c == 0 ? "p256 ecdh" : "p384 ecdh");
            fails |= mul(&grp, &m, &grp.G, c == 0 ? "p256 keygen/sign" : "p384 keygen/sign");
        }
        mbedtls_ecp_point_free(&P);
        mbedtls_mpi_free(&m);
        mbedtls_ecp_group_free(&grp);
    }
    {
        mbedtls_ecp_group grp;
        mbedtls_mpi m;
        mbedtls_ecp_point P;
        mbedtls_ecp_group_init(&grp);
        mbedtls_mpi_init(&m);
        mbedtls_ecp_point_init(&P);
        fails |= mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519) != 0;
        for (int i = 0; i < 2; i++) {
            curve_rng_bytes(buf, 32);
            buf[31] &= 0x7f;
            fails |= mbedtls_ecp_point_read_binary(&grp, &P, buf, 32) != 0;
            curve_rng_bytes(buf, 32);
            buf[0] &= 248;
            buf[31] = (unsigned char)((buf[31] & 127) | 64);
            fails |= mbedtls_mpi_read_binary_le(&m, buf, 32) != 0;
            fails |= mul(&grp, &m, &P, "x25519");
        }
        mbedtls_ecp_point_free(&P);
        mbedtls_mpi_free(&m);
        mbedtls_ecp_group_free(&grp);
    }
    printf("%s\n", fails ? "FAILED" : "ok");
    return fails;
}
