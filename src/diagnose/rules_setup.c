/*
 * Diagnosis: causes on the device's side before or around TLS (memory,
 * entropy, the trust store) and in the network below TLS (DNS, TCP, reads
 * after the handshake).
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"

#include "diagnose/rules.h"

static void buffer_evidence(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    if (e->in_content_len != 0 || e->out_content_len != 0)
        iotls_diag_add_evidence(x,
                                "record buffers: input %u bytes (MBEDTLS_SSL_IN_CONTENT_LEN), "
                                "output %u bytes (MBEDTLS_SSL_OUT_CONTENT_LEN)",
                                (unsigned)e->in_content_len, (unsigned)e->out_content_len);
}

static int out_of_memory(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    if (e->code != IOTLS_ERR_ALLOC && !iotls_diag_mbedtls_alloc(e->mbedtls_code) &&
        e->alloc_failures == 0)
        return 0;
    if (e->code == IOTLS_ERR_ALLOC)
        iotls_diag_add_evidence(x, "error alloc at stage %s", iotls_stage_name(e->stage));
    if (e->mbedtls_code != 0 && iotls_diag_mbedtls_alloc(e->mbedtls_code))
        iotls_diag_add_evidence(x, "Mbed TLS returned -0x%04x, an allocation failure",
                                0u - (unsigned)e->mbedtls_code);
    if (e->alloc_failures != 0)
        iotls_diag_add_evidence(x, "%u allocation(s) refused during the attempt",
                                (unsigned)e->alloc_failures);
    buffer_evidence(x);
    iotls_diag_summary(x,
                       "the device ran out of heap during %s: Mbed TLS needs about %u KB "
                       "for the record buffers alone, plus the certificate chain and the key "
                       "exchange",
                       iotls_stage_name(e->stage),
                       (unsigned)((e->in_content_len + e->out_content_len + 1023) / 1024));
    /* An allocation refused and a different error returned means the code
     * was a consequence: say likely, not certain. */
    iotls_diag_conclude(x, IOTLS_CAUSE_OUT_OF_MEMORY,
                        e->code == IOTLS_ERR_ALLOC || iotls_diag_mbedtls_alloc(e->mbedtls_code)
                            ? IOTLS_DIAG_CERTAIN
                            : IOTLS_DIAG_LIKELY);
    return 1;
}

static int entropy_failure(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    int m = e->mbedtls_code;
    if (e->code != IOTLS_ERR_ENTROPY && m != MBEDTLS_ERR_ENTROPY_SOURCE_FAILED &&
        m != MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED && m != MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE &&
        m != MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED)
        return 0;
    iotls_diag_add_evidence(x, "error %s at stage %s", iotls_err_name(e->code),
                            iotls_stage_name(e->stage));
    if (m != 0)
        iotls_diag_add_evidence(x, "Mbed TLS returned -0x%04x while seeding the random generator",
                                0u - (unsigned)m);
    iotls_diag_summary(x, "the random generator could not be seeded: no strong entropy source "
                          "answered");
    iotls_diag_conclude(x, IOTLS_CAUSE_ENTROPY_FAILURE, IOTLS_DIAG_CERTAIN);
    return 1;
}

static int ca_load_error(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const iotls_trust *t = x->in->trust;
    unsigned i;
    if (e->code != IOTLS_ERR_TRUST_EMPTY && e->code != IOTLS_ERR_TRUST_READ)
        return 0;
    if (e->code == IOTLS_ERR_TRUST_READ)
        iotls_diag_add_evidence(x, "trust store could not be read%s%s", e->detail[0] ? ": " : "",
                                e->detail);
    if (e->sys_errno != 0)
        iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
    if (t != NULL) {
        iotls_diag_add_evidence(x, "trust store %s: %u loaded, %u skipped, from %u source(s)",
                                t->origin[0] ? t->origin : "(unnamed)", (unsigned)t->loaded,
                                (unsigned)t->skipped, (unsigned)t->sources);
        for (i = 0; i < t->n_issues; i++) {
            const iotls_trust_issue *s = &t->issues[i];
            iotls_diag_add_evidence(
                x, "skipped: certificate #%u of %s (line %u): %s (-0x%04x)%s%s%s",
                (unsigned)s->index, s->source, (unsigned)s->line,
                iotls_trust_reason(s->mbedtls_code), (0u - (unsigned)s->mbedtls_code),
                s->subject[0] ? ", subject \"" : "", s->subject, s->subject[0] ? "\"" : "");
        }
        if (t->skipped > t->n_issues)
            iotls_diag_add_evidence(x, "%u more skipped certificate(s) not kept in detail",
                                    (unsigned)(t->skipped - t->n_issues));
    }
    if (e->code == IOTLS_ERR_TRUST_READ)
        iotls_diag_summary(x, "the trust store could not be read, so no server can be verified");
    else if (t != NULL && t->skipped > 0)
        iotls_diag_summary(x,
                           "no usable CA certificate: all %u certificate(s) in the trust "
                           "store failed to load",
                           (unsigned)t->skipped);
    else
        iotls_diag_summary(x, "the trust store is empty: no CA certificate to verify the server "
                              "against");
    iotls_diag_conclude(x, IOTLS_CAUSE_CA_LOAD_ERROR, IOTLS_DIAG_CERTAIN);
    return 1;
}

/* A CRL file (--crlfile, iotls_trust_add_crl) that could not be used: part
 * of what the verification trusts, refused before any connection. */
static int crl_load_error(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    if (e->code != IOTLS_ERR_CRL)
        return 0;
    iotls_diag_add_evidence(x, "error crl_invalid%s%s", e->detail[0] ? ": " : "", e->detail);
    if (e->sys_errno != 0)
        iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
    iotls_diag_summary(x, "the CRL given could not be read, so revocation cannot be checked "
                          "and nothing was attempted");
    iotls_diag_conclude(x, IOTLS_CAUSE_CA_LOAD_ERROR, IOTLS_DIAG_CERTAIN);
    return 1;
}

int iotls_diag_setup(iotls_diag_ctx *x)
{
    return out_of_memory(x) || entropy_failure(x) || ca_load_error(x) || crl_load_error(x);
}

/* ---- network ---- */

/* Evidence common to the network causes; the caller wrote the summary. */
static int simple(iotls_diag_ctx *x, iotls_cause c)
{
    const iotls_error *e = x->e;
    iotls_diag_add_evidence(x, "error %s at stage %s after %u ms", iotls_err_name(e->code),
                            iotls_stage_name(e->stage), (unsigned)e->elapsed_ms);
    if (e->addr[0] != '\0')
        iotls_diag_add_evidence(x, "address: %s port %u", e->addr, (unsigned)e->port);
    if (e->sys_errno != 0)
        iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
    if (c == IOTLS_CAUSE_HANDSHAKE_TIMEOUT || c == IOTLS_CAUSE_PEER_CLOSED ||
        c == IOTLS_CAUSE_CONNECTION_RESET)
        iotls_diag_add_evidence(x, "bytes: %u sent, %u received in %u record(s)%s",
                                (unsigned)e->wire.bytes_sent, (unsigned)e->wire.bytes_received,
                                (unsigned)e->wire.records_received,
                                e->wire.bytes_received == 0 && c == IOTLS_CAUSE_HANDSHAKE_TIMEOUT
                                    ? ": the server never answered the ClientHello"
                                    : "");
    iotls_diag_conclude(x, c, IOTLS_DIAG_CERTAIN);
    return 1;
}

int iotls_diag_network(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    switch (e->code) {
    case IOTLS_ERR_DNS:
    case IOTLS_ERR_DNS_TIMEOUT:
        iotls_diag_add_evidence(x, "resolver: %s for \"%s\"",
                                e->code == IOTLS_ERR_DNS ? "no address" : "no answer in time",
                                x->host);
        if (e->resolver_code != 0)
            iotls_diag_add_evidence(x, "resolver code %d%s", e->resolver_code,
                                    e->code == IOTLS_ERR_DNS_TIMEOUT
                                        ? " (temporary failure: try again)"
                                        : "");
        else if (e->sys_errno < 0)
            iotls_diag_add_evidence(x, "resolver code %d", e->sys_errno);
        if (e->sys_errno > 0)
            iotls_diag_add_evidence(x, "system error %d while resolving", e->sys_errno);
        iotls_diag_summary(x,
                           e->code == IOTLS_ERR_DNS
                               ? "the name \"%s\" did not resolve to an address"
                               : "the DNS server did not answer for \"%s\" in time",
                           x->host);
        iotls_diag_conclude(x, IOTLS_CAUSE_DNS_FAILURE, IOTLS_DIAG_CERTAIN);
        return 1;
    case IOTLS_ERR_CONNECT_REFUSED:
        iotls_diag_summary(x, "%s refused the TCP connection on port %u: nothing listens there",
                           x->host, (unsigned)e->port);
        return simple(x, IOTLS_CAUSE_CONNECTION_REFUSED);
    case IOTLS_ERR_CONNECT_TIMEOUT:
        iotls_diag_summary(x,
                           "%s did not answer the TCP connection on port %u (gave up after %u ms): "
                           "host down, firewalled, or the wrong address",
                           x->host, (unsigned)e->port, (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_CONNECT_TIMEOUT);
    case IOTLS_ERR_READ_TIMEOUT:
        iotls_diag_summary(x,
                           "%s:%u sent no data for %u ms after the request: the server is slow or "
                           "waits for more from the client",
                           x->host, (unsigned)e->port, (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_READ_TIMEOUT);
    case IOTLS_ERR_TRUNCATED:
        iotls_diag_add_evidence(x,
                                "the peer closed the TCP connection without a close_notify alert "
                                "after %u bytes",
                                (unsigned)e->wire.bytes_received);
        iotls_diag_summary(x,
                           "%s closed the connection without close_notify: the data may be "
                           "cut short",
                           x->host);
        iotls_diag_conclude(x, IOTLS_CAUSE_TRUNCATED, IOTLS_DIAG_CERTAIN);
        return 1;
    case IOTLS_ERR_RESET:
        /* The handshake family (run before) took the resets it can
         * explain (after the hello, a refused client certificate); a reset
         * in the middle of the server's flight is the reset itself. */
        if (e->stage == IOTLS_STAGE_HANDSHAKE)
            iotls_diag_summary(x, "%s:%u reset the connection (TCP RST) during the handshake, "
                                  "after %u ms and %u bytes from the server", x->host,
                               (unsigned)e->port, (unsigned)e->elapsed_ms,
                               (unsigned)e->wire.bytes_received);
        else
            iotls_diag_summary(x, "%s:%u reset the connection (TCP RST) after %u ms", x->host,
                               (unsigned)e->port, (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_CONNECTION_RESET);
    case IOTLS_ERR_PEER_CLOSED:
        iotls_diag_summary(x, "%s:%u closed the connection during the handshake (after %u ms)",
                           x->host, (unsigned)e->port, (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_PEER_CLOSED);
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
        iotls_diag_summary(x, "%s:%u did not finish the handshake in time (gave up after %u ms)",
                           x->host, (unsigned)e->port, (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_HANDSHAKE_TIMEOUT);
    default: break;
    }
    if ((e->code == IOTLS_ERR_READ || e->code == IOTLS_ERR_WRITE) &&
        e->mbedtls_code == MBEDTLS_ERR_NET_CONN_RESET) {
        iotls_diag_summary(x, "%s:%u reset the connection after %u ms", x->host, (unsigned)e->port,
                           (unsigned)e->elapsed_ms);
        return simple(x, IOTLS_CAUSE_CONNECTION_RESET);
    }
    return 0;
}
