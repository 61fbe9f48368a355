/*
 * The Mbed TLS side of a connection (private): what iotls_conn.eng points
 * to. The public headers carry no Mbed TLS type, so every file of src/ that
 * touches the engine includes this one.
 */
#ifndef IOTLS_ENGINE_H
#define IOTLS_ENGINE_H

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "iotls_internal.h"
#include "trust/policy.h"

/* Most suites one conf may name (TLS 1.3 and 1.2 together). */
#define IOTLS_ENGINE_MAX_SUITES IOTLS_MAX_SUITES

struct iotls_engine {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    /* Mbed TLS takes suites as a 0-terminated int list and keeps the
     * pointer: the conversion of iotls_conf.ciphersuites lives here. */
    int suites[IOTLS_ENGINE_MAX_SUITES + 1];
    /* TLS 1.3: the scheme of the server's CertificateVerify, caught while
     * the decrypted message is still in Mbed TLS's input buffer. */
    uint16_t tls13_sig_alg;
    uint32_t tls13_msgs_seen; /* bit per encrypted handshake type caught */
    /* The certificate policy of this connection (policy.c), set with the
     * names before the handshake (conn.c set_names), applied to every
     * certificate by iotls_verify_cb. */
    iotls_policy policy;
};

/* The SSL context, or NULL before setup. */
static inline mbedtls_ssl_context *iotls_ssl(const iotls_conn *c)
{
    return c != NULL && c->eng != NULL ? &c->eng->ssl : (mbedtls_ssl_context *)0;
}

/* The server's chain as Mbed TLS parsed it (leaf first): after the
 * handshake Mbed TLS's copy, after a failed verification iotls's. */
const mbedtls_x509_crt *iotls_conn_peer_crt(const iotls_conn *c);

/* Does the certificate list ip among its iPAddress subjectAltNames (RFC
 * 5280 4.2.1.6)? iotls checks these itself (addr.c). Returns 1 or 0. */
int iotls_x509_match_ip(const mbedtls_x509_crt *crt, const iotls_addr *ip);

/* The trust store's parsed roots, NULL when none (trust.c): all of them
 * in an eager store; in a lazy one those a chain has named so far. */
mbedtls_x509_crt *iotls_trust_crt(const iotls_trust *t);

/* Seconds since 1970 of a certificate time (UTC), and a DN as text
 * ("(unreadable)" when it cannot be printed) (x509_util.c). */
int64_t iotls_x509_epoch(const mbedtls_x509_time *t);
void iotls_x509_dn_text(const mbedtls_x509_name *n, char *buf, size_t len);
/* Two DER fields byte for byte the same (and not empty); a certificate
 * whose issuer is its subject (x509_util.c). */
int iotls_x509_raw_eq(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b);
int iotls_x509_self_issued(const mbedtls_x509_crt *c);

/* The certificate profile of every verification, connection or offline
 * (conn.c). */
extern const mbedtls_x509_crt_profile iotls_cert_profile;

/* ---- trust store lookups (trust.c) ---- */

/* Points an SSL config at the store: verification required. */
void iotls_trust_conf_apply(iotls_trust *t, mbedtls_ssl_config *sc);

/* The store's roots whose subject is name (the DER of a Name), found as
 * verification finds them (by the subject index, asking on-demand sources):
 * freshly parsed copies, or NULL when there are none or memory ran out.
 * The caller frees the list with mbedtls_x509_crt_free() and
 * mbedtls_free(); it must not outlive the store. */
mbedtls_x509_crt *iotls_trust_find_subject(const iotls_trust *t, const unsigned char *name,
                                           size_t len);

/* Verifies chain (leaf first) offline against the store, exactly as a
 * connection would (same lookup, same profile): Mbed TLS's return value,
 * *flags set as for mbedtls_x509_crt_verify_with_profile(); cn NULL. */
int iotls_trust_verify_chain(iotls_trust *t, mbedtls_x509_crt *chain,
                             const mbedtls_x509_crt_profile *profile,
                             int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *),
                             void *p_vrfy, uint32_t *flags);

/* Client credentials onto a config (cred.c): 0, -1 when nothing is
 * loaded, or the Mbed TLS error. */
int iotls_cred_apply(const iotls_cred *cred, mbedtls_ssl_config *sc);
/* The loaded client chain (its certificate first), NULL if none: read by
 * the diagnosis of a rejected client certificate. */
const mbedtls_x509_crt *iotls_cred_chain(const iotls_cred *cred);

/* A 0-terminated IANA list's length, at most max (0 for NULL). */
size_t iotls_u16_len(const uint16_t *l, size_t max);

/* TLS 1.3 NewSessionTickets: the signal is on (a ticket is how the
 * settling wait (tls13.c) learns that the server accepted the handshake), so
 * mbedtls_ssl_read() returns MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
 * for each; never an error to the caller. Nothing is stored yet. Bound on
 * tickets skipped in one call (servers send one or two). */
#define IOTLS_MAX_TICKETS_SKIPPED 64

/* TLS 1.3 with a CertificateRequest: the server judges our certificate
 * after our Finished, when Mbed TLS already reports the handshake done. The
 * wait for its verdict (an alert, a ticket or data) is the handshake's
 * duration (at least a round trip), within these bounds and the handshake
 * timeout. */
#ifndef IOTLS_TLS13_SETTLE_MIN_MS
#define IOTLS_TLS13_SETTLE_MIN_MS 200
#endif
#ifndef IOTLS_TLS13_SETTLE_MAX_MS
#define IOTLS_TLS13_SETTLE_MAX_MS 3000
#endif

/* ---- TLS 1.3 (tls13.c) ---- */

/* After each handshake step: what TLS 1.3 encrypts (EncryptedExtensions'
 * server_name, CertificateRequest, CertificateVerify's scheme) into the
 * wire evidence. */
void iotls_tls13_catch_msg(iotls_conn *c);
/* After the handshake, when the server asked for a certificate: wait for
 * its verdict; IOTLS_OK or the classified failure (stage handshake). */
int iotls_tls13_settle(iotls_conn *c);

/* ---- TLS 1.2 RSA-PSS refusal of Mbed TLS 3.6.6 (pss_retry.c) ---- */

/* 1 when the handshake failed only because a TLS 1.2 server signed with
 * RSA-PSS and a TLS 1.2-only offer may succeed. */
int iotls_pss_refused(const iotls_conn *c);
/* Back to a ready connection offering TLS 1.2 only (socket closed). */
int iotls_pss_reset(iotls_conn *c);
/* Back to a ready connection (socket closed, Mbed TLS session reset,
 * evidence cleared but the names decided before dialing), for one more
 * attempt: the RSA-PSS workaround's and a refused resumption's. */
int iotls_conn_retry_reset(iotls_conn *c);

/* The PSA crypto core, once per process (TLS 1.3 runs on it). Returns 0
 * or the PSA status. */
int iotls_psa_init(void);

#endif /* IOTLS_ENGINE_H */
