/*
 * Diagnosis of the options of tlsopt.h: a pin the server's key does not
 * match, an ALPN list the server supports none of (alert 120), a PSK or
 * identity the server does not hold, and a server that ignored
 * max_fragment_length. Each needs the option to have been used, which the
 * ClientHello on the wire (or the error's own code) shows.
 */
#include <string.h>

#include "diagnose/rules.h"

#define FIX(field, ...) IOTLS_DIAG_FIX(x, field, __VA_ARGS__)

#define EXT_ALPN 16
#define EXT_PRE_SHARED_KEY 41

#define ALERT_BAD_RECORD_MAC 20
#define ALERT_HANDSHAKE_FAILURE 40
#define ALERT_ILLEGAL_PARAMETER 47
#define ALERT_DECRYPT_ERROR 51
#define ALERT_UNKNOWN_PSK_IDENTITY 115
#define ALERT_NO_APPLICATION_PROTOCOL 120

static int offered_ext(const iotls_error *e, uint16_t ext)
{
    const iotls_hello *h = &e->wire.client_hello;
    unsigned i;

    if (!e->wire.client_hello_seen)
        return 0;
    for (i = 0; i < h->n_exts; i++)
        if (h->exts[i] == ext)
            return 1;
    return 0;
}

/* TLS 1.2 suites keyed by a PSK (RFC 4279, 4785, 5487, 5489, 7905). */
static int psk_suite(uint16_t s)
{
    return (s >= 0x008c && s <= 0x0095) || (s >= 0x00a8 && s <= 0x00b9) ||
           (s >= 0xc033 && s <= 0xc03b) || (s >= 0xccab && s <= 0xccae) ||
           (s >= 0xd001 && s <= 0xd005);
}

/* The ClientHello authenticated with a PSK only, as iotls offers one: no
 * TLS 1.2 suite that needs a certificate, and a PSK suite or TLS 1.3's
 * pre_shared_key. A hello that merely lists PSK suites among the usual
 * ones (Mbed TLS's own default list) or resumes a session does not count. */
static int offered_psk(const iotls_error *e)
{
    const iotls_hello *h = &e->wire.client_hello;
    unsigned i;
    int psk = 0;

    if (!e->wire.client_hello_seen)
        return 0;
    for (i = 0; i < h->n_suites; i++) {
        uint16_t s = h->suites[i];
        if (psk_suite(s))
            psk = 1;
        else if ((s >> 8) != 0x13 && s != 0x00ff && s != 0x5600)
            return 0; /* a certificate suite: not a PSK-only offer */
    }
    return psk || offered_ext(e, EXT_PRE_SHARED_KEY);
}

static int pin_mismatch(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;

    if (e->code != IOTLS_ERR_PIN_MISMATCH)
        return 0;
    iotls_diag_add_evidence(x, "the chain and the name verified; then the pin check: %s",
                            e->detail[0] != '\0' ? e->detail : "(no detail)");
    iotls_diag_summary(x,
                       "the server's public key is not one of the pinned keys (%s): a new key, "
                       "a different server, or an interception proxy",
                       e->detail);
    FIX(fix_tool, "if the server's key changed on purpose, pin the new one (--pinnedpubkey "
                  "sha256//...; the server's pin is in the evidence, -v); otherwise do not "
                  "connect");
    FIX(fix_device, "ship the new key's pin (iotls_conf_set_pinned_pubkeys) before the server "
                    "rotates; keep the next key's pin alongside the current one");
    FIX(fix_server, "serve the pinned key, or announce key rotations to pinned clients first");
    iotls_diag_conclude(x, IOTLS_CAUSE_PIN_MISMATCH, IOTLS_DIAG_CERTAIN);
    return 1;
}

static int alpn_mismatch(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;

    if (e->wire.alert_received != ALERT_NO_APPLICATION_PROTOCOL ||
        (e->stage != IOTLS_STAGE_HANDSHAKE && e->stage != IOTLS_STAGE_READ))
        return 0;
    iotls_diag_add_evidence(x, "server sent alert 120 (no_application_protocol)");
    iotls_diag_add_evidence(x, "ClientHello %s", offered_ext(e, EXT_ALPN)
                                                     ? "offered ALPN protocols"
                                                     : "had no ALPN extension");
    iotls_diag_summary(x, "the server supports none of the application protocols offered "
                          "with ALPN (RFC 7301: alert 120)");
    FIX(fix_tool, "offer a protocol the server speaks (--alpn http/1.1, --alpn h2), or drop "
                  "--alpn");
    FIX(fix_device, "mbedtls_ssl_conf_alpn_protocols(&conf, protos) with a protocol the "
                    "server supports, or do not call it");
    FIX(fix_server, "enable the protocol the clients ask for (e.g. http/1.1 next to h2)");
    iotls_diag_conclude(x, IOTLS_CAUSE_ALPN_MISMATCH,
                        offered_ext(e, EXT_ALPN) ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
    return 1;
}

/* The ClientHello offered TLS 1.3 (supported_versions). */
static int offered_tls13(const iotls_error *e)
{
    const iotls_hello *h = &e->wire.client_hello;
    unsigned i;

    for (i = 0; e->wire.client_hello_seen && i < h->n_versions; i++)
        if (h->versions[i] == 0x0304)
            return 1;
    return 0;
}

static int psk_mismatch(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    int a = e->wire.alert_received, sent = e->wire.alert_sent;
    /* pre_shared_key is the hello's last extension: a small record tap
     * (the device's IOTLS_TAP_KEEP) cuts it off. A TLS 1.3 offer answered
     * before any ServerHello is a TLS 1.3 PSK refusal all the same. */
    int tls12 = e->wire.sh_version == 0x0303 ||
                !(offered_ext(e, EXT_PRE_SHARED_KEY) ||
                  (!e->wire.server_hello_seen && offered_tls13(e)));
    int identity = a == ALERT_UNKNOWN_PSK_IDENTITY;
    /* TLS 1.2: the Finished MACs differ (20, 51). TLS 1.3: the binder did
     * not verify (OpenSSL answers 47, RFC 8446 4.2.11 says 51). */
    int key = a == ALERT_DECRYPT_ERROR || a == ALERT_BAD_RECORD_MAC ||
              sent == ALERT_DECRYPT_ERROR || sent == ALERT_BAD_RECORD_MAC ||
              (!tls12 && a == ALERT_ILLEGAL_PARAMETER);
    /* TLS 1.3: an unknown identity is ignored, and without a PSK the
     * server has nothing to agree on (OpenSSL -nocert: 40). */
    int refused = a == ALERT_HANDSHAKE_FAILURE;

    if (e->stage != IOTLS_STAGE_HANDSHAKE || !offered_psk(e) || !(identity || key || refused))
        return 0;
    if (a >= 0)
        iotls_diag_add_evidence(x, "server sent alert %d (%s)", a, iotls_alert_name(a));
    if (sent >= 0)
        iotls_diag_add_evidence(x, "iotls sent alert %d (%s)", sent, iotls_alert_name(sent));
    iotls_diag_add_evidence(x, "ClientHello offered a pre-shared key (%s)",
                            tls12 ? "TLS 1.2 PSK suites, the server chose TLS 1.2"
                                  : "TLS 1.3 pre_shared_key");
    if (identity)
        iotls_diag_summary(x, "the server does not know the PSK identity offered (alert 115)");
    else if (key && tls12)
        iotls_diag_summary(x, "the server holds another key for this identity: the "
                              "Finished check failed (alert %d)",
                           a >= 0 ? a : sent);
    else if (key)
        iotls_diag_summary(x, "the server holds another key for this identity: the PSK "
                              "binder did not verify (alert %d)",
                           a);
    else
        iotls_diag_summary(x, "the server refused the PSK handshake (alert %d): it holds no "
                              "key for this identity, or takes no PSK at all",
                           a);
    FIX(fix_tool, "--psk-identity and --psk exactly as the server has them (the key in hex, "
                  "as in openssl s_server -psk)");
    FIX(fix_device, "mbedtls_ssl_conf_psk(&conf, key, key_len, identity, identity_len) with "
                    "the server's key and identity");
    FIX(fix_server, "provision this device's identity and key (or check which the server "
                    "expects)");
    iotls_diag_conclude(x, IOTLS_CAUSE_PSK_MISMATCH,
                        identity || (key && tls12) ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
    return 1;
}

/* record_too_large because the server ignored the max_fragment_length the
 * client asked for (tlsopt.c sets that detail). */
static int mfl_ignored(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;

    if (e->code != IOTLS_ERR_RECORD_TOO_LARGE ||
        strncmp(e->detail, "max_fragment_length", 19) != 0)
        return 0;
    iotls_diag_add_evidence(x, "max_fragment_length asked for: %u bytes",
                            (unsigned)e->in_content_len);
    iotls_diag_add_evidence(x, "largest record length from the server: %u bytes",
                            (unsigned)e->wire.max_record_len);
    iotls_diag_summary(x,
                       "the server ignored max_fragment_length %u and sent a %u-byte record: "
                       "a device with a %u-byte input buffer fails here",
                       (unsigned)e->in_content_len, (unsigned)e->wire.max_record_len,
                       (unsigned)e->in_content_len);
    FIX(fix_tool, "none: the server does not honour RFC 6066; without --max-fragment the "
                  "tool's 16384-byte buffer takes any record");
    FIX(fix_device, "#define MBEDTLS_SSL_IN_CONTENT_LEN 16384: this server sends full-size "
                    "records whatever the client asks");
    FIX(fix_server, "support max_fragment_length (OpenSSL does) or send smaller records "
                    "(OpenSSL: -max_send_frag %u)",
        (unsigned)e->in_content_len);
    iotls_diag_conclude(x, IOTLS_CAUSE_RECORD_TOO_LARGE, IOTLS_DIAG_CERTAIN);
    return 1;
}

int iotls_diag_tlsopt(iotls_diag_ctx *x)
{
    return pin_mismatch(x) || mfl_ignored(x) || alpn_mismatch(x) || psk_mismatch(x);
}
