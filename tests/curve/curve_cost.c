/*
 * The operations whose cost run_cost.cmake measures with callgrind
 * (--toggle-collect=measure_*): a P-256 ECDH (the client's key pair, then
 * the shared secret with the server's key) and an ECDSA P-256/SHA-256
 * verification, through Mbed TLS's public API. Setup is outside the
 * measured functions.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"

#include "curve_util.h"

static uint64_t blind_state = 7;

__attribute__((noinline)) int measure_keygen(mbedtls_ecp_group *grp, mbedtls_mpi *d,
                                             mbedtls_ecp_point *Q);
__attribute__((noinline)) int measure_keygen(mbedtls_ecp_group *grp, mbedtls_mpi *d,
                                             mbedtls_ecp_point *Q)
{
    return mbedtls_ecdh_gen_public(grp, d, Q, curve_f_rng, &blind_state);
}

__attribute__((noinline)) int measure_shared(mbedtls_ecp_group *grp, mbedtls_mpi *z,
                                             const mbedtls_ecp_point *Q, const mbedtls_mpi *d);
__attribute__((noinline)) int measure_shared(mbedtls_ecp_group *grp, mbedtls_mpi *z,
                                             const mbedtls_ecp_point *Q, const mbedtls_mpi *d)
{
    return mbedtls_ecdh_compute_shared(grp, z, Q, d, curve_f_rng, &blind_state);
}

__attribute__((noinline)) int measure_verify(mbedtls_ecp_group *grp, const unsigned char *h,
                                             const mbedtls_ecp_point *Q, const mbedtls_mpi *r,
                                             const mbedtls_mpi *s);
__attribute__((noinline)) int measure_verify(mbedtls_ecp_group *grp, const unsigned char *h,
                                             const mbedtls_ecp_point *Q, const mbedtls_mpi *r,
                                             const mbedtls_mpi *s)
{
    return mbedtls_ecdsa_verify(grp, h, 32, Q, r, s);
}

int main(void)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d1, d2, z, r, s;
    mbedtls_ecp_point Q1, Q2;
    unsigned char h[32];
    int ret = 0;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d1);
    mbedtls_mpi_init(&d2);
    mbedtls_mpi_init(&z);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    mbedtls_ecp_point_init(&Q1);
    mbedtls_ecp_point_init(&Q2);
    curve_rng_seed(1);
    curve_rng_bytes(h, sizeof(h));
    ret |= mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    /* the server's key pair and signature */
    ret |= mbedtls_ecdh_gen_public(&grp, &d2, &Q2, curve_f_rng, &blind_state);
    ret |= mbedtls_ecdsa_sign(&grp, &r, &s, &d2, h, sizeof(h), curve_f_rng, &blind_state);
    /* the client */
    ret |= measure_keygen(&grp, &d1, &Q1);
    ret |= measure_shared(&grp, &z, &Q2, &d1);
    ret |= measure_verify(&grp, h, &Q2, &r, &s);
    printf("ecdh + verify: %s\n", ret == 0 ? "ok" : "FAILED");
    mbedtls_ecp_point_free(&Q1);
    mbedtls_ecp_point_free(&Q2);
    mbedtls_mpi_free(&d1);
    mbedtls_mpi_free(&d2);
    mbedtls_mpi_free(&z);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    mbedtls_ecp_group_free(&grp);
    return ret != 0;
}
