/*
 * Offline chain verification (iotls verify): the server's chain from a
 * buffer, checked as a connection checks it.
 *
 * The same three pieces as in a handshake: the trust store's lookup
 * (iotls_trust_verify_chain(), trust.c), the certificate profile
 * (iotls_cert_profile, conn.c) and the policy (policy.c), called for every
 * certificate from Mbed TLS's verify callback exactly as iotls_verify_cb
 * calls it during a handshake. Two things differ, both in the callback:
 *  - the time: Mbed TLS compares validity dates with its own clock and has
 *    no setting for another time, so the callback recomputes the expired
 *    and future bits of every certificate from valid_from/valid_to against
 *    the time asked for;
 *  - an optional bound on the number of intermediates (x509-limbo's
 *    max_chain_depth), self-issued ones not counted as in RFC 5280 6.1.
 * Mbed TLS still chooses among several candidate parents with its own
 * clock (it prefers one valid now); the dates it then reports are
 * replaced.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/pem.h"
#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#include "conn/engine.h"
#include "diagnose/rules.h"
#include "iotls/verify.h"
#include "trust/crl.h"
#include "trust/policy.h"

/* Bound on the certificates read from one buffer: a server's chain is a
 * handful; Mbed TLS would not use more than its intermediate limit. */
#define MAX_CHAIN_CERTS 32

#define TIME_FLAGS (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)

void iotls_verify_params_init(iotls_verify_params *p)
{
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->host = NULL;
    p->at_unix = IOTLS_VERIFY_NOW;
    p->max_intermediates = -1;
}

/* Does buf hold the text s (not NUL-terminated buf)? */
static int contains(const unsigned char *buf, size_t len, const char *s)
{
    size_t n = strlen(s), i;

    for (i = 0; n <= len && i <= len - n; i++)
        if (buf[i] == (unsigned char)s[0] && memcmp(buf + i, s, n) == 0)
            return 1;
    return 0;
}

/* Is der at least shaped like a certificate (SEQUENCE { SEQUENCE ... })?
 * Input that is not is unreadable; a certificate Mbed TLS refuses for its
 * contents is a rejected chain. */
static int looks_like_cert(const unsigned char *der, size_t len)
{
    unsigned char *p = (unsigned char *)(uintptr_t)der;
    const unsigned char *end = der + len;
    size_t n;

    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return 0;
    end = p + n;
    return mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ==
           0;
}

typedef struct parse_result {
    int code;       /* IOTLS_OK, IOTLS_ERR_CHAIN_INPUT, IOTLS_ERR_VERIFY, IOTLS_ERR_ALLOC */
    int mbedtls;    /* Mbed TLS's reason */
    int index;      /* 1-based certificate (or PEM block) it is about */
} parse_result;

static void add_der(mbedtls_x509_crt *chain, const unsigned char *der, size_t len, int index,
                    parse_result *r)
{
    int ret;

    if (!looks_like_cert(der, len)) {
        r->code = IOTLS_ERR_CHAIN_INPUT;
        r->mbedtls = MBEDTLS_ERR_X509_INVALID_FORMAT;
        r->index = index;
        return;
    }
    ret = iotls_x509_parse_der(chain, der, len);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
        r->code = IOTLS_ERR_ALLOC;
        r->mbedtls = ret;
    } else if (ret != 0) {
        r->code = IOTLS_ERR_VERIFY;
        r->mbedtls = ret;
        r->index = index;
    }
}

/* Fills chain from buf: PEM CERTIFICATE blocks in order, or one DER
 * certificate. */
static void parse_chain(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len,
                        parse_result *r)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end[] = "-----END CERTIFICATE-----";
    unsigned char *text;
    const unsigned char *p;
    size_t used;
    int n = 0, ret;

    memset(r, 0, sizeof *r);
    r->code = IOTLS_OK;
    if (len == 0) {
        r->code = IOTLS_ERR_CHAIN_INPUT;
        r->mbedtls = MBEDTLS_ERR_X509_INVALID_FORMAT;
        return;
    }
    if (!contains(buf, len, begin)) {
        add_der(chain, buf, len, 1, r);
        return;
    }
    /* mbedtls_pem_read_buffer() reads a NUL-terminated string. */
    text = (unsigned char *)iotls_port_calloc(1, len + 1);
    if (text == NULL) {
        r->code = IOTLS_ERR_ALLOC;
        return;
    }
    memcpy(text, buf, len);
    p = text;
    while (r->code == IOTLS_OK && n < MAX_CHAIN_CERTS) {
        mbedtls_pem_context pem;

        mbedtls_pem_init(&pem);
        ret = mbedtls_pem_read_buffer(&pem, begin, end, p, NULL, 0, &used);
        if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT) {
            mbedtls_pem_free(&pem);
            break;
        }
        n++;
        if (ret != 0) {
            r->code = ret == MBEDTLS_ERR_PEM_ALLOC_FAILED ? IOTLS_ERR_ALLOC : IOTLS_ERR_CHAIN_INPUT;
            r->mbedtls = ret;
            r->index = n;
        } else {
            size_t der_len;
            const unsigned char *der = mbedtls_pem_get_buffer(&pem, &der_len);
            add_der(chain, der, der_len, n, r);
        }
        mbedtls_pem_free(&pem);
        if (used == 0 || used > (size_t)(text + len - p))
            break;
        p += used;
    }
    iotls_port_free(text);
    if (r->code == IOTLS_OK && n == 0) {
        r->code = IOTLS_ERR_CHAIN_INPUT;
        r->mbedtls = MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT;
    }
}

/* What the verify callback keeps between calls. */
typedef struct verify_state {
    iotls_policy policy;
    int64_t at;              /* validation time; -1: leave Mbed TLS's dates */
    int seen;                /* calls so far */
    const mbedtls_x509_crt *top;
    const mbedtls_x509_crt *parent; /* the previous call's: the next one's issuer */
    const iotls_trust *trust;       /* its CRLs */
    uint32_t flags_seen;
    iotls_verify_anchor anchor;
    int anchored;
} verify_state;

static int offline_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    verify_state *st = (verify_state *)p;

    if (st->seen++ == 0)
        st->top = crt; /* the first call is for the top of the chain */
    if (st->at >= 0) {
        *flags &= ~TIME_FLAGS;
        if (iotls_x509_epoch(&crt->valid_to) < st->at)
            *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
        if (iotls_x509_epoch(&crt->valid_from) > st->at)
            *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    }
    iotls_policy_check(&st->policy, crt, depth, flags);
    if (crt != st->top)
        *flags |= iotls_crl_check(st->trust, crt, st->parent, st->at);
    st->parent = crt;
    st->flags_seen |= *flags;
    if (depth == 0 && st->flags_seen == 0 && st->top != NULL) {
        if (mbedtls_x509_dn_gets(st->anchor.subject, sizeof st->anchor.subject,
                                 &st->top->subject) < 0)
            st->anchor.subject[0] = '\0';
        st->anchor.der_len = st->top->raw.len;
        st->anchor.is_root = iotls_x509_self_issued(st->top);
        st->anchored = 1;
    }
    return 0;
}

static int fail(iotls_error *e, iotls_err code, iotls_stage stage, int mbedtls_code)
{
    e->code = code;
    e->stage = stage;
    e->mbedtls_code = mbedtls_code;
    return code;
}

int iotls_verify_chain_params(const unsigned char *chain, size_t len, iotls_trust *trust,
                              const iotls_verify_params *params, iotls_error *err,
                              iotls_verify_anchor *anchor)
{
    static verify_state zero_state;
    iotls_verify_params defaults;
    iotls_error scratch;
    iotls_error *e = err != NULL ? err : &scratch;
    iotls_addr ip;
    int is_ip = 0, ret;
    uint32_t flags = 0;
    mbedtls_x509_crt crt;
    parse_result pr;
    verify_state *st;

    iotls_error_init(e);
    if (anchor != NULL)
        memset(anchor, 0, sizeof *anchor);
    if (params == NULL) {
        iotls_verify_params_init(&defaults);
        params = &defaults;
    }
    e->wall_time = params->at_unix >= 0 ? params->at_unix : iotls_port_wall_time();
    if (chain == NULL && len > 0)
        return fail(e, IOTLS_ERR_USAGE, IOTLS_STAGE_SETUP, 0);
    if (params->host != NULL) {
        if (strlen(params->host) > IOTLS_MAX_HOSTNAME) {
            iotls_strlcpy(e->host, params->host, sizeof e->host);
            return fail(e, IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, 0);
        }
        iotls_strlcpy(e->host, params->host, sizeof e->host);
        iotls_strlcpy(e->verify_name, params->host, sizeof e->verify_name);
        is_ip = iotls_addr_parse(params->host, &ip);
        e->is_ip = (uint8_t)is_ip;
        if (!is_ip && iotls_hostname_check(params->host) != IOTLS_OK)
            return fail(e, IOTLS_ERR_HOSTNAME, IOTLS_STAGE_SETUP, 0);
    }
    if (trust == NULL || trust->loaded == 0) {
        if (trust != NULL)
            iotls_strlcpy(e->detail, trust->origin, sizeof e->detail);
        return fail(e, IOTLS_ERR_TRUST_EMPTY, IOTLS_STAGE_SETUP, 0);
    }

    mbedtls_x509_crt_init(&crt);
    parse_chain(&crt, chain, len, &pr);
    if (pr.code != IOTLS_OK) {
        mbedtls_x509_crt_free(&crt);
        if (pr.code == IOTLS_ERR_VERIFY) {
            /* a certificate Mbed TLS will not use: a connection would fail
             * on it too */
            e->verify_flags = MBEDTLS_X509_BADCERT_OTHER;
            snprintf(e->detail, sizeof e->detail,
                             "certificate #%d of the chain cannot be used (Mbed TLS -0x%04X)",
                             pr.index, (unsigned)-pr.mbedtls);
            return fail(e, IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, pr.mbedtls);
        }
        if (pr.code == IOTLS_ERR_CHAIN_INPUT) {
            if (pr.index > 0)
                snprintf(e->detail, sizeof e->detail,
                                 "certificate #%d is not a readable certificate", pr.index);
            else
                snprintf(e->detail, sizeof e->detail, "%s",
                                 len == 0 ? "empty input" : "no certificate found");
        }
        return fail(e, (iotls_err)pr.code, IOTLS_STAGE_SETUP, pr.mbedtls);
    }

    /* The policy holds a few hundred bytes: off the stack of small
     * devices. */
    st = (verify_state *)iotls_port_calloc(1, sizeof *st);
    if (st == NULL) {
        mbedtls_x509_crt_free(&crt);
        return fail(e, IOTLS_ERR_ALLOC, IOTLS_STAGE_SETUP, 0);
    }
    *st = zero_state;
    iotls_policy_init(&st->policy, is_ip ? NULL : params->host, is_ip ? &ip : NULL,
                      params->host != NULL);
    st->at = e->wall_time;
    st->trust = trust;
    st->policy.max_intermediates = params->max_intermediates;

    ret = iotls_trust_verify_chain(trust, &crt, &iotls_cert_profile, offline_cb, st, &flags);
    if (ret == 0 && flags == 0) {
        if (anchor != NULL && st->anchored)
            *anchor = st->anchor;
        iotls_port_free(st);
        mbedtls_x509_crt_free(&crt);
        return IOTLS_OK;
    }
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
        iotls_port_free(st);
        mbedtls_x509_crt_free(&crt);
        return fail(e, IOTLS_ERR_ALLOC, IOTLS_STAGE_VERIFY, ret);
    }
    if (ret != 0 && ret != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        /* Mbed TLS gave up building the chain (longer than its limit):
         * flags are all ones then, and mean nothing. */
        flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
        snprintf(e->detail, sizeof e->detail,
                         "no chain could be built (more than %d intermediates?)",
                         MBEDTLS_X509_MAX_INTERMEDIATE_CA);
    } else if (st->policy.detail[0] != '\0') {
        iotls_strlcpy(e->detail, st->policy.detail, sizeof e->detail);
    }
    e->verify_flags = flags;
    iotls_port_free(st);
    mbedtls_x509_crt_free(&crt);
    return fail(e, IOTLS_ERR_VERIFY, IOTLS_STAGE_VERIFY, ret);
}

int iotls_verify_chain(const unsigned char *chain, size_t len, iotls_trust *trust,
                       const char *host, int64_t at_unix, iotls_error *err)
{
    iotls_verify_params p;

    iotls_verify_params_init(&p);
    p.host = host;
    p.at_unix = at_unix;
    return iotls_verify_chain_params(chain, len, trust, &p, err, NULL);
}

int iotls_verify_diagnose(const unsigned char *chain, size_t len, const iotls_error *err,
                          const iotls_trust *trust, iotls_diagnosis *out)
{
    iotls_diag_input in;
    mbedtls_x509_crt crt;
    parse_result pr;
    int rc;

    if (err == NULL || out == NULL)
        return IOTLS_ERR_USAGE;
    memset(out, 0, sizeof *out);
    if (err->code == IOTLS_OK)
        return 0;
    iotls_diag_input_init(&in);
    in.host = err->host;
    in.trust = trust;
    mbedtls_x509_crt_init(&crt);
    if (chain != NULL)
        parse_chain(&crt, chain, len, &pr);
    /* what could be read, even when a later certificate could not */
    rc = iotls_diagnose_offline(err, &in, crt.raw.p != NULL ? &crt : NULL, out);
    mbedtls_x509_crt_free(&crt);
    return rc;
}
