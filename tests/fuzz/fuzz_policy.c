/*
 * Fuzz target: the certificate policy's DER walkers (src/trust/policy.c),
 * which see attacker DER: name constraints, the extension list, SANs.
 *
 * Input: two bytes of length L, then L bytes used as a nameConstraints value
 * (as if a CA above had it), then a certificate (DER). The constraint goes
 * through iotls_policy_nc_valid() and iotls_policy_find_ext(); the
 * certificate, when Mbed TLS parses it, through iotls_policy_check() as a CA
 * (depth 1) and then as the server's certificate under that constraint.
 * Oracle: no crash, no read outside the input (each part is copied to a
 * buffer of its exact size), only the policy's own flag bits added, the
 * detail terminated, answers within their documented ranges.
 */
#include "fuzz_util.h"
#include "iotls/addr.h"
#include "iotls/error.h"
#include "mbedtls/x509_crt.h"
#include "trust/policy.h"

#define POLICY_FLAGS                                                                       \
    (MBEDTLS_X509_BADCERT_OTHER | MBEDTLS_X509_BADCERT_CN_MISMATCH |                       \
     MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |                 \
     IOTLS_BADCERT_IP_MISMATCH | IOTLS_BADCERT_LEAF_IS_CA | IOTLS_BADCERT_NAME_CONSTRAINTS)

static const unsigned char OID_NC[] = {0x55, 0x1d, 0x1e};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *nc = NULL, *der = NULL;
    const unsigned char *v = NULL;
    size_t nlen, dlen, vl = 0;
    mbedtls_x509_crt crt;
    iotls_policy pol;
    iotls_addr ip;
    uint32_t flags;
    int valid, r, crit = 0;

    if (size < 2)
        return 0;
    nlen = ((size_t)data[0] << 8 | data[1]);
    if (nlen > size - 2)
        nlen = size - 2;
    dlen = size - 2 - nlen;
    nc = (unsigned char *)malloc(nlen ? nlen : 1);
    der = (unsigned char *)malloc(dlen ? dlen : 1);
    FUZZ_ASSERT(nc != NULL && der != NULL);
    memcpy(nc, data + 2, nlen);
    memcpy(der, data + 2 + nlen, dlen);

    valid = iotls_policy_nc_valid(nc, nlen);
    FUZZ_ASSERT(valid == 0 || valid == 1);
    r = iotls_policy_find_ext(nc, nlen, OID_NC, sizeof OID_NC, &v, &vl, &crit);
    FUZZ_ASSERT(r >= -1 && r <= 1);
    if (r == 1)
        FUZZ_ASSERT(v >= nc && v + vl <= nc + nlen);

    mbedtls_x509_crt_init(&crt);
    if (iotls_x509_parse_der(&crt, der, dlen) == 0) {
        /* as a CA, then as the server's certificate below itself */
        iotls_policy_init(&pol, "fuzz.example", NULL, 1);
        flags = 0;
        iotls_policy_check(&pol, &crt, 1, &flags);
        iotls_policy_check(&pol, &crt, 0, &flags);
        FUZZ_ASSERT((flags & ~POLICY_FLAGS) == 0);
        FUZZ_TERMINATED(pol.detail);

        /* under the fuzzed constraint, remembered from a CA above */
        if (valid) {
            iotls_policy_init(&pol, NULL, NULL, 0);
            if (iotls_addr_parse("127.0.0.1", &ip))
                pol.ip = &ip, pol.check_name = 1;
            pol.nc[0] = nc;
            pol.nc_len[0] = nlen;
            pol.nc_crt[0] = &crt;
            pol.nc_depth[0] = 1;
            pol.n_nc = 1;
            pol.top_depth = 2;
            pol.last_depth = 1;
            flags = 0;
            iotls_policy_check(&pol, &crt, 0, &flags);
            FUZZ_ASSERT((flags & ~POLICY_FLAGS) == 0);
            FUZZ_TERMINATED(pol.detail);
        }
        (void)iotls_policy_match_dns(&crt, "fuzz.example");
    }
    mbedtls_x509_crt_free(&crt);
    free(nc);
    free(der);
    return 0;
}
