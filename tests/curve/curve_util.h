/* Helpers shared by the curve test programs (tests/curve/). */
#ifndef CURVE_UTIL_H
#define CURVE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mbedtls/bignum.h"
#include "mbedtls/ecp.h"

/* A deterministic generator (splitmix64) from a fixed seed: the same
 * sequence in every build, so that the builds see the same inputs. */
void curve_rng_seed(uint64_t seed);
uint64_t curve_rng_u64(void);
void curve_rng_bytes(unsigned char *out, size_t len);
/* The f_rng of Mbed TLS's API: the same generator on the state *ctx
 * (a uint64_t seed), apart from the inputs' one. */
int curve_f_rng(void *ctx, unsigned char *out, size_t len);

/* Hex text -> bytes (returns the length, or -1). */
int curve_unhex(const char *hex, unsigned char *out, size_t max);
void curve_print_hex(FILE *f, const unsigned char *b, size_t n);
/* An MPI in hex, big-endian, minimal ("0" for zero, "-" if negative). */
void curve_print_mpi(FILE *f, const mbedtls_mpi *x);
/* A point: "zero" or X,Y (affine) from mbedtls_ecp_point_write_binary. */
void curve_print_point(FILE *f, const mbedtls_ecp_group *grp, const mbedtls_ecp_point *P);

#endif
