#include "curve_util.h"

#include <string.h>

static uint64_t rng_state;

void curve_rng_seed(uint64_t seed)
{
    rng_state = seed;
}

uint64_t curve_rng_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void curve_rng_bytes(unsigned char *out, size_t len)
{
    while (len > 0) {
        uint64_t v = curve_rng_u64();
        for (int i = 0; i < 8 && len > 0; i++, len--) {
            *out++ = (unsigned char)v;
            v >>= 8;
        }
    }
}

/* ctx: its own uint64_t state (the blinding does not shift the inputs). */
int curve_f_rng(void *ctx, unsigned char *out, size_t len)
{
    uint64_t saved = rng_state;
    rng_state = *(uint64_t *)ctx;
    curve_rng_bytes(out, len);
    *(uint64_t *)ctx = rng_state;
    rng_state = saved;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int curve_unhex(const char *hex, unsigned char *out, size_t max)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > max)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return (int)(n / 2);
}

void curve_print_hex(FILE *f, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

void curve_print_mpi(FILE *f, const mbedtls_mpi *x)
{
    unsigned char buf[256];
    size_t n = mbedtls_mpi_size(x);
    if (n == 0 || n > sizeof(buf)) {
        fputs(n == 0 ? "0" : "(big)", f);
        return;
    }
    if (mbedtls_mpi_cmp_int(x, 0) < 0)
        fputc('-', f);
    mbedtls_mpi_write_binary(x, buf, n);
    curve_print_hex(f, buf, n);
}

void curve_print_point(FILE *f, const mbedtls_ecp_group *grp, const mbedtls_ecp_point *P)
{
    unsigned char buf[200];
    size_t n = 0;
    if (mbedtls_ecp_is_zero((mbedtls_ecp_point *)P)) {
        fputs("zero", f);
        return;
    }
    int ret = mbedtls_ecp_point_write_binary(grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &n, buf,
                                             sizeof(buf));
    if (ret != 0) {
        fprintf(f, "write-err:-0x%04x", (unsigned)-ret);
        return;
    }
    curve_print_hex(f, buf, n);
}
