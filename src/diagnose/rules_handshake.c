/*
 * Diagnosis: what the server answered during the handshake.
 *
 * The key fact is where the answer came: an alert (or a close) as the very
 * first thing after our ClientHello means the server refused the hello
 * itself, so only what the hello carried can be the cause: its SNI, its
 * versions, suites, groups and signature algorithms. Alert 40 says no more
 * than "refused", so every part of the hello that looks wrong becomes a
 * candidate, in the order servers check them: the name first (the server
 * picks its virtual host by SNI before it looks at suites), then the
 * version, then suites, groups and signature algorithms. Only alert 112
 * (unrecognized_name) and 70 (protocol_version) name their reason.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/ssl.h"

#include "diagnose/rules.h"
#include "iotls/addr.h"
#include "iotls/conn.h"

static int before_server_hello(const iotls_error *e)
{
    return !e->wire.server_hello_seen && e->wire.n_hs_msgs == 0;
}

/* "ServerHello, Certificate, CertificateRequest" */
static void hs_list(const iotls_error *e, char *buf, size_t len)
{
    size_t used = 0;
    unsigned i;
    buf[0] = '\0';
    for (i = 0; i < e->wire.n_hs_msgs && used < len; i++) {
        int r = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                         iotls_diag_hs_label(e->wire.hs_msgs[i]));
        if (r < 0)
            break;
        used += (size_t)r;
    }
}

/* Nothing was written: the tap saw no byte go out, so no ClientHello
 * either. The words of the timing then say "at connect", never "after the
 * ClientHello" (issue 12, rule 5). */
static int nothing_sent(const iotls_error *e)
{
    return e->wire.bytes_sent == 0 && !e->wire.client_hello_seen;
}

static void ev_where(iotls_diag_ctx *x, const char *what)
{
    const iotls_error *e = x->e;
    char list[160];
    if (before_server_hello(e) && e->wire.records_received == 0 && nothing_sent(e)) {
        iotls_diag_add_evidence(x,
                                "server %s at connect, before the client sent any byte (0 bytes "
                                "written: no ClientHello went out)",
                                what);
    } else if (before_server_hello(e) && e->wire.records_received == 0) {
        iotls_diag_add_evidence(x,
                                "server %s right after the ClientHello, before sending any "
                                "record",
                                what);
    } else if (before_server_hello(e)) {
        iotls_diag_add_evidence(x, "server %s as its first record, right after the ClientHello",
                                what);
    } else {
        hs_list(e, list, sizeof(list));
        iotls_diag_add_evidence(x, "server %s after sending: %s", what, list);
    }
}

static void ev_alert(iotls_diag_ctx *x)
{
    char what[96];
    snprintf(what, sizeof(what), "sent alert %d (%s)%s", x->e->wire.alert_received,
             iotls_alert_name(x->e->wire.alert_received),
             x->e->wire.alert_received_level == 1 ? " at level warning" : "");
    ev_where(x, what);
}

static void ev_sni(iotls_diag_ctx *x)
{
    if (x->sni == NULL)
        iotls_diag_add_evidence(x, "ClientHello carried no SNI (%s); dialed host: \"%s\"",
                                x->in->sni_disabled ? "disabled by the user"
                                : x->host_is_ip     ? "the host is an IP literal"
                                                    : "none set",
                                x->host);
    else if (iotls_diag_sni_differs(x))
        iotls_diag_add_evidence(x, "ClientHello SNI: \"%s\" but dialed host: \"%s\"%s", x->sni,
                                x->host, x->in->sni_overridden ? " (SNI set by the user)" : "");
    else
        iotls_diag_add_evidence(x, "ClientHello SNI: \"%s\", the dialed host", x->sni);
}

static void ev_offer(iotls_diag_ctx *x)
{
    const iotls_hello *h = &x->e->wire.client_hello;
    char list[IOTLS_DIAG_SCRATCH - 40];
    if (!x->e->wire.client_hello_seen)
        return;
    iotls_diag_list_text(h->suites, h->n_suites, h->total_suites, iotls_diag_suite_text, list,
                         sizeof(list));
    iotls_diag_add_evidence(x, "ClientHello suites: %s", list);
    iotls_diag_list_text(h->groups, h->n_groups, h->n_groups, iotls_diag_group_text, list,
                         sizeof(list));
    iotls_diag_add_evidence(x, "ClientHello groups: %s", list);
}

static void ev_mbedtls(iotls_diag_ctx *x)
{
    if (x->e->mbedtls_code != 0)
        iotls_diag_add_evidence(x, "Mbed TLS returned -0x%04x", 0u - (unsigned)x->e->mbedtls_code);
}

static const char *version_text(uint16_t v)
{
    switch (v) {
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1.0";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return "an unknown version";
    }
}

/*
 * The server refused the ClientHello without saying which part: every part
 * that looks wrong is a candidate, in the order servers check them.
 * Returns the number of candidates added.
 */
static int hello_candidates(iotls_diag_ctx *x, const char *answer)
{
    const iotls_hello *h = &x->e->wire.client_hello;
    iotls_diag_offer o;
    char list[120];
    int before = x->d->n_candidates;

    iotls_diag_offer_judge(x->e, &o);
    if (iotls_diag_sni_differs(x))
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_SNI_REJECTED,
            "the server %s to a ClientHello whose SNI \"%s\" is not the dialed "
            "host \"%s\"; a server that does not serve a name refuses it before "
            "it looks at suites, so this comes first",
            answer, x->sni, x->host);
    if (o.old_version)
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_PROTOCOL_VERSION,
            "the ClientHello offered at most %s; servers today require TLS 1.2",
            version_text(h->version));
    if (o.narrow_suites) {
        iotls_diag_list_text(h->suites, h->n_suites, h->total_suites, iotls_diag_suite_text, list,
                             sizeof(list));
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_NO_SHARED_CIPHER,
            "narrow suite list: %d ECDHE-AEAD suite(s) for ECDSA and %d for RSA "
            "certificates, %d static-ECDH/PSK; %s",
            o.modern_ecdsa, o.modern_rsa, o.legacy,
            o.modern_rsa == 0 && o.modern_ecdsa > 0
                ? "a server with an RSA certificate has no suite in common"
            : o.modern_ecdsa == 0 && o.modern_rsa > 0
                ? "a server with an ECDSA certificate has no suite in common"
                : "no suite that servers commonly accept");
    }
    if (!o.has_common_group) {
        iotls_diag_list_text(h->groups, h->n_groups, h->n_groups, iotls_diag_group_text, list,
                             sizeof(list));
        iotls_diag_add_candidate(x, IOTLS_CAUSE_NO_SHARED_GROUP,
                                 "groups offered: %s; none of x25519, secp256r1, secp384r1 that "
                                 "servers support",
                                 list);
    }
    if (o.known && (!o.sig_rsa || !o.sig_ecdsa))
        iotls_diag_add_candidate(
            x, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM,
            "the signature algorithms offered cover only %s keys; a server with "
            "an %s certificate cannot sign for this client",
            o.sig_rsa ? "RSA" : "ECDSA", o.sig_rsa ? "ECDSA" : "RSA");
    if (x->sni == NULL)
        iotls_diag_add_candidate(x, IOTLS_CAUSE_SNI_MISSING,
                                 "no SNI was sent (%s); a server with several names may refuse a "
                                 "hello without one; servers usually accept it, hence after the "
                                 "offer's own defects",
                                 x->in->sni_disabled ? "--no-sni" : "the host is an IP literal");
    return x->d->n_candidates - before;
}

/* One line for a refused hello: the first candidate in short, and how
 * many others there are. */
static void refused_summary(iotls_diag_ctx *x, const char *answer)
{
    const iotls_diagnosis *d = x->d;
    char why[160];
    if (d->n_candidates == 0)
        return;
    switch (d->candidates[0].cause) {
    case IOTLS_CAUSE_SNI_REJECTED:
        snprintf(why, sizeof(why), "its SNI \"%s\" is not the dialed host \"%s\"", x->sni, x->host);
        break;
    case IOTLS_CAUSE_PROTOCOL_VERSION:
        snprintf(why, sizeof(why), "it offered no TLS version the server accepts");
        break;
    case IOTLS_CAUSE_NO_SHARED_CIPHER:
        snprintf(why, sizeof(why), "its cipher suite list is narrow");
        break;
    case IOTLS_CAUSE_NO_SHARED_GROUP:
        snprintf(why, sizeof(why), "it offered no group servers commonly accept");
        break;
    case IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM:
        snprintf(why, sizeof(why), "its signature algorithms cover one key type only");
        break;
    case IOTLS_CAUSE_SNI_MISSING: snprintf(why, sizeof(why), "it carried no SNI"); break;
    default: snprintf(why, sizeof(why), "%s", iotls_cause_name(d->candidates[0].cause)); break;
    }
    if (d->n_candidates > 1)
        iotls_diag_summary(x,
                           "the server %s right after the ClientHello, most likely because %s "
                           "(%u other candidate(s))",
                           answer, why, (unsigned)(d->n_candidates - 1));
    else
        iotls_diag_summary(x, "the server %s right after the ClientHello, most likely because %s",
                           answer, why);
}

static int not_tls(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const uint8_t *b = e->wire.first_bytes;
    size_t n = e->wire.n_first_bytes, i, used = 0;
    char text[IOTLS_EV_FIRST_BYTES * 4 + 1];
    const char *what;
    if (e->code != IOTLS_ERR_NOT_TLS && !e->wire.not_tls)
        return 0;
    for (i = 0; i < n && used + 5 < sizeof(text); i++) {
        uint8_t c = b[i];
        if (c == '\r' || c == '\n') {
            text[used++] = '\\';
            text[used++] = c == '\r' ? 'r' : 'n';
        } else if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            text[used++] = (char)c;
        } else {
            used += (size_t)snprintf(text + used, sizeof(text) - used, "\\x%02x", c);
        }
    }
    text[used] = '\0';
    if (n >= 5 && memcmp(b, "HTTP/", 5) == 0)
        what = "an HTTP response: a plain-HTTP server listens on this port";
    else if (n >= 4 && memcmp(b, "SSH-", 4) == 0)
        what = "an SSH banner: an SSH server listens on this port";
    else if (n >= 4 && memcmp(b, "220", 3) == 0 && (b[3] == ' ' || b[3] == '-')) {
        const char *kind = "an SMTP or FTP banner";
        for (i = 0; i + 4 <= n; i++) {
            if (memcmp(b + i, "SMTP", 4) == 0)
                kind = "an SMTP banner (STARTTLS service)";
            else if (memcmp(b + i, "FTP", 3) == 0)
                kind = "an FTP banner";
        }
        what = kind;
    } else if (n >= 3 && memcmp(b, "+OK", 3) == 0)
        what = "a POP3 banner (STARTTLS service)";
    else if (n >= 4 && memcmp(b, "* OK", 4) == 0)
        what = "an IMAP banner (STARTTLS service)";
    else if (n >= 1 && b[0] == '<')
        what = "HTML or XML text";
    else {
        int printable = n > 0;
        for (i = 0; i < n; i++)
            if (!((b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
                printable = 0;
        what = n == 0      ? "nothing TLS could read"
               : printable ? "plain text"
                           : "binary data that is not a TLS record";
    }
    iotls_diag_add_evidence(x, "first %u byte(s) from the peer: \"%s\"", (unsigned)n, text);
    iotls_diag_add_evidence(x, "a TLS server answers with a record starting 0x15 or 0x16, 0x03");
    iotls_diag_summary(x, "%s:%u does not speak TLS: it sent %s", x->host, (unsigned)e->port, what);
    iotls_diag_conclude(x, IOTLS_CAUSE_NOT_TLS, IOTLS_DIAG_CERTAIN);
    return 1;
}

static int record_too_large(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    /* A record may exceed the plaintext buffer by the cipher's expansion. */
    int over = e->in_content_len > 0 && e->wire.max_record_len > e->in_content_len + 256;
    if (e->code != IOTLS_ERR_RECORD_TOO_LARGE &&
        !(over && (e->code == IOTLS_ERR_HANDSHAKE || e->code == IOTLS_ERR_READ)))
        return 0;
    iotls_diag_add_evidence(x, "largest record length from the server: %u bytes",
                            (unsigned)e->wire.max_record_len);
    iotls_diag_add_evidence(x, "input buffer: %u bytes (MBEDTLS_SSL_IN_CONTENT_LEN)",
                            (unsigned)e->in_content_len);
    ev_mbedtls(x);
    iotls_diag_summary(x,
                       "the server sent a %u-byte record, larger than the %u-byte input "
                       "buffer; TLS allows records up to 16384 bytes",
                       (unsigned)e->wire.max_record_len, (unsigned)e->in_content_len);
    iotls_diag_conclude(x, IOTLS_CAUSE_RECORD_TOO_LARGE,
                        e->code == IOTLS_ERR_RECORD_TOO_LARGE ? IOTLS_DIAG_CERTAIN
                                                              : IOTLS_DIAG_LIKELY);
    return 1;
}

/* The best version a ClientHello offered: supported_versions, else
 * legacy_version. */
static uint16_t offered_max(const iotls_hello *ch)
{
    uint16_t best = ch->n_versions > 0 ? 0 : ch->version;
    uint8_t i;

    for (i = 0; i < ch->n_versions && i < 4; i++)
        if ((ch->versions[i] & 0xff00) == 0x0300 && ch->versions[i] > best)
            best = ch->versions[i];
    return best;
}

static int offers(const iotls_hello *ch, uint16_t v)
{
    uint8_t i;

    if (ch->n_versions == 0)
        return ch->version >= v;
    for (i = 0; i < ch->n_versions && i < 4; i++)
        if (ch->versions[i] == v)
            return 1;
    return 0;
}

static int protocol_version(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const iotls_hello *ch = &e->wire.client_hello, *sh = &e->wire.server_hello;
    const uint8_t *fb = e->wire.first_bytes;
    int old_server = e->wire.server_hello_seen && sh->version != 0 && sh->version < 0x0303;
    /* A refusal before any ServerHello comes in a record of the version the
     * server settled on: a TLS 1.0 server answers in a 0x0301 record. */
    uint16_t alert_rec = 0;
    int old_record;
    if (before_server_hello(e) && e->wire.alert_received_version != 0)
        alert_rec = e->wire.alert_received_version; /* the tap kept it */
    else if (before_server_hello(e) && e->wire.n_first_bytes >= 5 && fb[0] == 21 && fb[1] == 3)
        alert_rec = (uint16_t)(fb[1] << 8 | fb[2]);
    old_record = alert_rec != 0 && alert_rec < 0x0303 &&
                 (e->wire.alert_received == 40 || e->wire.alert_received == 70 ||
                  e->wire.alert_received == 71);
    if (e->code != IOTLS_ERR_PROTOCOL_VERSION &&
        e->mbedtls_code != MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION &&
        e->wire.alert_received != 70 && !old_server && !old_record)
        return 0;
    if (e->wire.alert_received >= 0)
        ev_alert(x);
    if (alert_rec != 0)
        iotls_diag_add_evidence(x, "the alert came in a %s record (0x%04x)",
                                version_text(alert_rec), alert_rec);
    if (old_server)
        iotls_diag_add_evidence(x, "ServerHello chose %s (0x%04x)", version_text(sh->version),
                                sh->version);
    if (e->wire.client_hello_seen)
        iotls_diag_add_evidence(x, "ClientHello version: %s (0x%04x)%s", version_text(ch->version),
                                ch->version, ch->n_versions ? ", with supported_versions" : "");
    ev_mbedtls(x);
    if (old_server || old_record) {
        uint16_t v = old_server ? sh->version : alert_rec;
        if (old_server)
            iotls_diag_summary(x, "the server only speaks %s; iotls requires TLS 1.2 or later",
                               version_text(v));
        else
            iotls_diag_summary(x,
                               "the server answered in a %s record: it most likely speaks "
                               "only %s, and iotls requires TLS 1.2 or later",
                               version_text(v), version_text(v));
        IOTLS_DIAG_FIX(x, fix_tool,
                 "none on purpose: TLS 1.0/1.1 are broken; the server must enable TLS 1.2");
        IOTLS_DIAG_FIX(x, fix_device,
                 "upgrade the server; Mbed TLS 3.6 has no TLS 1.0/1.1 to fall back to "
                 "(mbedtls_ssl_conf_min_tls_version() takes MBEDTLS_SSL_VERSION_TLS1_2 at "
                 "least)");
        (void)v;
        IOTLS_DIAG_FIX(x, fix_server,
                 "enable TLS 1.2 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        iotls_diag_conclude(x, IOTLS_CAUSE_PROTOCOL_VERSION,
                            old_server ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
        return 1;
    } else if (e->wire.client_hello_seen && offered_max(ch) >= 0x0304 && offers(ch, 0x0303)) {
        /* A TLS 1.2 server must pick TLS 1.2 from this offer, a TLS 1.3
         * server TLS 1.3: refusing both is intolerance of the TLS 1.3
         * ClientHello (RFC 8446 appendix D). */
        iotls_diag_summary(x,
                           "the server refused a ClientHello offering TLS 1.3 and TLS 1.2: it is "
                           "most likely intolerant of TLS 1.3 ClientHellos");
        IOTLS_DIAG_FIX(x, fix_tool,
                 "--tls-max 1.2; confirm with `iotls diagnose %s`", x->host);
        IOTLS_DIAG_FIX(x, fix_device,
                 "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);");
        IOTLS_DIAG_FIX(x, fix_server,
                 "upgrade the server: a TLS 1.2 server must ignore TLS 1.3's supported_versions "
                 "and key_share (RFC 8446 appendix D)");
        iotls_diag_conclude(x, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_LIKELY);
        return 1;
    } else if (e->wire.client_hello_seen && offered_max(ch) >= 0x0304 && !offers(ch, 0x0303)) {
        iotls_diag_summary(x, "the client offered only TLS 1.3 and the server does not speak it: "
                              "it most likely speaks only TLS 1.2");
        IOTLS_DIAG_FIX(x, fix_tool,
                 "drop --tlsv1.3 (iotls offers TLS 1.3 and TLS 1.2 by default)");
        IOTLS_DIAG_FIX(x, fix_device,
                 "mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);");
        IOTLS_DIAG_FIX(x, fix_server,
                 "enable TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
    } else if (e->wire.client_hello_seen && offered_max(ch) == 0x0303) {
        iotls_diag_summary(x,
                           "the server accepts no version the client offered (up to %s): it "
                           "most likely requires TLS 1.3",
                           version_text(offered_max(ch)));
        IOTLS_DIAG_FIX(x, fix_tool,
                 "offer TLS 1.3 (drop --tls-max 1.2); confirm with `iotls diagnose %s`", x->host);
        IOTLS_DIAG_FIX(x, fix_device,
                 "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3); with "
                 "MBEDTLS_SSL_PROTO_TLS1_3 and psa_crypto_init() before the handshake");
        IOTLS_DIAG_FIX(x, fix_server,
                 "enable TLS 1.2 alongside TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
    } else {
        iotls_diag_summary(x, "client and server have no TLS version in common");
    }
    iotls_diag_conclude(x, IOTLS_CAUSE_PROTOCOL_VERSION, IOTLS_DIAG_CERTAIN);
    return 1;
}

static int is_one_of(int v, const int *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

/* After our Certificate (or lack of one): the client certificate causes. */
static int client_cert(iotls_diag_ctx *x)
{
    static const int refusals[] = {40, 42, 49, 50, 116};
    static const int cert_alerts[] = {42, 43, 44, 45, 46, 48};
    static const int other_refusals[] = {40, 49, 51};
    const iotls_error *e = x->e;
    int a = e->wire.alert_received;
    int cr = e->wire.cert_request_seen;
    int closed = e->code == IOTLS_ERR_PEER_CLOSED || e->code == IOTLS_ERR_RESET;
    const iotls_wire *w = &e->wire;
    int own;
    /* The wire says what we sent; the configuration only what we meant to. */
    int sent_none = w->client_cert_msg_sent ? w->client_certs_sent == 0
                                            : !x->in->client_cert_configured;
    int sent_cert = w->client_cert_msg_sent ? w->client_certs_sent > 0
                                            : x->in->client_cert_configured;

    if (before_server_hello(e) && a != 116)
        return 0;
    if (sent_none && (a == 116 || (cr && (closed || is_one_of(a, refusals, 5))))) {
        if (cr)
            iotls_diag_add_evidence(x, "server sent CertificateRequest: it asks for a client "
                                       "certificate");
        if (a >= 0)
            ev_alert(x);
        else
            ev_where(x,
                     e->code == IOTLS_ERR_RESET ? "reset the connection" : "closed the connection");
        if (w->client_cert_msg_sent)
            iotls_diag_add_evidence(x, "the client sent an empty Certificate message (%s)%s",
                                    w->sh_version == 0x0304 ? "TLS 1.3: encrypted, so not seen "
                                                              "on the wire but certain"
                                                            : "seen on the wire",
                                    x->in->client_cert_configured
                                        ? " although a certificate was configured: Mbed TLS found "
                                          "none that fits the request"
                                        : ": no client certificate was configured");
        else
            iotls_diag_add_evidence(x, "no client certificate was configured, so an empty "
                                       "Certificate was sent");
        if (x->in->client_cert_configured)
            iotls_diag_summary(x, "the server requires a client certificate and the configured "
                                  "one does not fit its request (key type or signature "
                                  "algorithms), so none was sent");
        else
            iotls_diag_summary(x, "the server requires a client certificate and none was "
                                  "configured");
        iotls_diag_conclude(x, IOTLS_CAUSE_CLIENT_CERT_REQUIRED,
                            a == 116 ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
        return 1;
    }
    if (sent_cert && cr &&
        (is_one_of(a, cert_alerts, 6) || is_one_of(a, other_refusals, 3) || closed)) {
        if (w->client_cert_msg_sent)
            iotls_diag_add_evidence(x, "server sent CertificateRequest; the client sent a "
                                       "Certificate with %u certificate(s)%s (%s)",
                                    (unsigned)w->client_certs_sent,
                                    w->cert_verify_sent ? " and a CertificateVerify" : "",
                                    w->sh_version == 0x0304 ? "TLS 1.3: encrypted, known from "
                                                              "the configuration"
                                                            : "seen on the wire");
        else
            iotls_diag_add_evidence(x, "server sent CertificateRequest and the client sent its "
                                       "certificate");
        if (a >= 0)
            ev_alert(x);
        else
            ev_where(x, "closed the connection");
        /* what the certificate iotls holds says (issue 12 rule 4) */
        own = iotls_diag_client_own(x, is_one_of(a, cert_alerts, 6) ? IOTLS_DIAG_CERTAIN
                                                                     : IOTLS_DIAG_LIKELY);
        if (own == 1)
            return 1;
        if (a == 48)
            iotls_diag_summary(x, "the server does not trust the CA that issued the client "
                                  "certificate (alert 48 unknown_ca)");
        else if (a == 45)
            iotls_diag_summary(x, "the server finds the client certificate expired (alert 45)");
        else if (a == 51)
            iotls_diag_summary(x, "the server could not verify the client's signature (alert 51 "
                                  "decrypt_error): the key does not match the certificate");
        else
            iotls_diag_summary(x, "the server rejected the client certificate");
        iotls_diag_conclude(x, IOTLS_CAUSE_CLIENT_CERT_REJECTED,
                            is_one_of(a, cert_alerts, 6) ? IOTLS_DIAG_CERTAIN : IOTLS_DIAG_LIKELY);
        if (own == 2)
            /* the server named the issuer: trusting it is not the fix */
            IOTLS_DIAG_FIX(x, fix_server, "the server names the client certificate's CA: "
                                          "check its log for why it refused the certificate "
                                          "(revocation, a missing intermediate, its key)");
        return 1;
    }
    return 0;
}

static int refused_hello(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    int a = e->wire.alert_received;
    if (!before_server_hello(e))
        return 0;
    if (a == 112) {
        ev_alert(x);
        ev_sni(x);
        ev_mbedtls(x);
        if (x->sni == NULL) {
            iotls_diag_summary(x, "the server requires SNI and the ClientHello carried none");
            iotls_diag_conclude(x, IOTLS_CAUSE_SNI_MISSING, IOTLS_DIAG_CERTAIN);
        } else {
            iotls_diag_summary(x,
                               "the server does not serve the name \"%s\" sent as SNI "
                               "(alert 112 unrecognized_name)%s",
                               x->sni,
                               iotls_diag_sni_differs(x) ? "; the dialed host was not sent" : "");
            iotls_diag_conclude(x, IOTLS_CAUSE_SNI_REJECTED, IOTLS_DIAG_CERTAIN);
        }
        return 1;
    }
    /* An SNI that is not a DNS host name is malformed, not just unknown:
     * GnuTLS answers it with 47 (illegal_parameter), others with 50. */
    if ((a == 47 || a == 50) && x->sni != NULL && iotls_hostname_check(x->sni) != IOTLS_OK) {
        ev_alert(x);
        ev_sni(x);
        iotls_diag_add_evidence(x, "the SNI is not a valid DNS host name (RFC 6066 3: HostName "
                                   "is a DNS name; spaces are not allowed)");
        ev_mbedtls(x);
        iotls_diag_summary(x,
                           "the server rejected the SNI \"%s\" (alert %d %s): it is not a "
                           "valid host name%s",
                           x->sni, a, iotls_alert_name(a),
                           iotls_diag_sni_differs(x) ? "; the dialed host was not sent" : "");
        iotls_diag_conclude(x, IOTLS_CAUSE_SNI_REJECTED, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (a == 40 || a == 71) {
        ev_alert(x);
        ev_sni(x);
        ev_offer(x);
        ev_mbedtls(x);
        if (hello_candidates(x, a == 40 ? "answered alert 40" : "answered alert 71") > 0) {
            refused_summary(x, a == 40 ? "refused with alert 40 (handshake_failure)"
                                       : "refused with alert 71 (insufficient_security)");
        } else {
            /* Nothing in the hello looks wrong: the server wants something
             * outside an ordinary offer. Only a probe can tell which. */
            iotls_diag_add_candidate(x, IOTLS_CAUSE_NO_SHARED_CIPHER,
                                     "the server refused an ordinary offer; a server restricted to "
                                     "suites outside it is the most common reason");
            iotls_diag_add_candidate(x, IOTLS_CAUSE_NO_SHARED_GROUP,
                                     "the server may accept only groups not offered (x448, ffdhe)");
            if (offered_max(&x->e->wire.client_hello) >= 0x0304)
                iotls_diag_add_candidate(x, IOTLS_CAUSE_PROTOCOL_VERSION,
                                         "the server may be intolerant of a TLS 1.3 "
                                         "ClientHello (try --tls-max 1.2)");
            else
                iotls_diag_add_candidate(x, IOTLS_CAUSE_PROTOCOL_VERSION,
                                         "the server may require TLS 1.3 (not offered) but "
                                         "answer 40, not 70");
            iotls_diag_add_candidate(x, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM,
                                     "the server may require a signature scheme not offered "
                                     "(EdDSA: not in Mbed TLS 3.6; SHA-1: refused by iotls)");
            iotls_diag_summary(x,
                               "the server refused the ClientHello (alert %d) and nothing in "
                               "it looks wrong: run `iotls diagnose %s` to find what it wants",
                               a, x->host);
        }
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN, IOTLS_DIAG_LIKELY);
        return 1;
    }
    if ((e->code == IOTLS_ERR_PEER_CLOSED || e->code == IOTLS_ERR_RESET) && a < 0 &&
        e->wire.bytes_received == 0) {
        int n;
        const char *how =
            e->code == IOTLS_ERR_RESET ? "reset the connection" : "closed the connection";
        ev_where(x, how);
        if (nothing_sent(e)) {
            /* The hello never left: nothing in it can be why. */
            if (e->sys_errno != 0)
                iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
            ev_mbedtls(x);
            iotls_diag_add_note(x, "a server that drops connections it will not serve (a full "
                                   "accept queue, a connection limit, an address filter) does "
                                   "this; so does a firewall in between");
            iotls_diag_summary(x,
                               "%s:%u %s at connect, before the ClientHello was sent "
                               "(the client had written no byte)",
                               x->host, (unsigned)e->port,
                               e->code == IOTLS_ERR_RESET ? "reset the connection (TCP RST)"
                                                          : "closed the connection");
            iotls_diag_conclude(x, e->code == IOTLS_ERR_RESET ? IOTLS_CAUSE_CONNECTION_RESET
                                                               : IOTLS_CAUSE_PEER_CLOSED,
                                IOTLS_DIAG_CERTAIN);
            return 1;
        }
        ev_sni(x);
        ev_offer(x);
        n = hello_candidates(x, e->code == IOTLS_ERR_RESET ? "reset the connection"
                                                           : "closed the connection");
        if (n == 0) {
            /* An ordinary hello: the reset itself is all there is to say.
             * A server or a firewall filtering by SNI also resets, but then
             * the name is the dialed host's, so that is a property of the
             * network path, not of this client's hello. */
            if (e->code != IOTLS_ERR_RESET && iotls_diag_maybe_tls13_intolerant(e)) {
                /* A close is what a server closing on anything does, but
                 * also what one intolerant of TLS 1.3 ClientHellos does:
                 * both are candidates, and a retry with --tls-max 1.2
                 * (iotls diagnose) tells them apart. */
                iotls_diag_add_evidence(x, "the ClientHello offered TLS 1.3 and TLS 1.2");
                iotls_diag_add_candidate(x, IOTLS_CAUSE_PEER_CLOSED,
                                         "the server closed without an alert, which says "
                                         "nothing about why");
                iotls_diag_add_candidate(x, IOTLS_CAUSE_PROTOCOL_VERSION,
                                         "a TLS 1.2 server intolerant of TLS 1.3 ClientHellos "
                                         "closes like this: try --tls-max 1.2");
                iotls_diag_summary(x,
                                   "%s:%u closed the connection right after the ClientHello, "
                                   "without an alert (a server intolerant of TLS 1.3 "
                                   "ClientHellos does this)",
                                   x->host, (unsigned)e->port);
                iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN, IOTLS_DIAG_LIKELY);
                return 1;
            }
            if (e->code != IOTLS_ERR_RESET)
                return 0; /* a plain close: the network family says it */
            iotls_diag_add_evidence(x, "nothing in the ClientHello looks wrong (SNI is the "
                                       "dialed host, the usual suites and groups)");
            if (e->sys_errno != 0)
                iotls_diag_add_evidence(x, "system error %d", e->sys_errno);
            ev_mbedtls(x);
            iotls_diag_add_note(x, "a firewall or proxy that filters TLS by SNI resets like this "
                                   "too; so does a server that resets names it does not serve");
            iotls_diag_summary(x,
                               "%s:%u reset the connection (TCP RST) right after the "
                               "ClientHello, without a TLS alert",
                               x->host, (unsigned)e->port);
            iotls_diag_conclude(x, IOTLS_CAUSE_CONNECTION_RESET, IOTLS_DIAG_LIKELY);
            return 1;
        }
        refused_summary(x, how);
        iotls_diag_add_candidate(
            x, e->code == IOTLS_ERR_RESET ? IOTLS_CAUSE_CONNECTION_RESET : IOTLS_CAUSE_PEER_CLOSED,
            "the server %s without an alert, which says nothing about why; "
            "last because the hello had the defects above",
            how);
        iotls_diag_conclude(x, IOTLS_CAUSE_UNKNOWN, IOTLS_DIAG_LIKELY);
        return 1;
    }
    return 0;
}

/* TLS 1.3: a HelloRetryRequest for a group the ClientHello did not list
 * (one it did list Mbed TLS answers, and the handshake goes on). */
static int retry_group(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const iotls_hello *ch = &e->wire.client_hello;
    char g[40], list[120];
    unsigned i;

    if (!e->wire.hrr_seen || e->wire.hrr_group == 0 || ch->n_groups == 0)
        return 0;
    for (i = 0; i < ch->n_groups; i++)
        if (ch->groups[i] == e->wire.hrr_group)
            return 0;
    iotls_diag_add_evidence(x, "HelloRetryRequest asks for %s, which the ClientHello did not offer",
                            iotls_diag_group_text(e->wire.hrr_group, g, sizeof(g)));
    iotls_diag_list_text(ch->groups, ch->n_groups, ch->n_groups, iotls_diag_group_text, list,
                         sizeof(list));
    iotls_diag_add_evidence(x, "ClientHello groups: %s", list);
    ev_mbedtls(x);
    iotls_diag_summary(x, "the server has no group in common with the client: its "
                          "HelloRetryRequest asks for %s",
                       g);
    iotls_diag_conclude(x, IOTLS_CAUSE_NO_SHARED_GROUP, IOTLS_DIAG_CERTAIN);
    return 1;
}

/*
 * TLS 1.2 with an RSA key, and the server signed its key exchange with
 * RSA-PSS: Mbed TLS 3.6.6 offers rsa_pss_rsae_* (for TLS 1.3) in a hello
 * that also offers TLS 1.2, yet refuses them once TLS 1.2 is chosen (alert
 * 47; upstream issue 10668). iotls lists PKCS#1 first, so only a server
 * that imposes its own order gets here.
 */
static int tls12_pss(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    uint16_t sa = e->wire.ske_sig_alg;

    if (e->wire.sh_version != 0x0303 || sa < 0x0804 || sa > 0x0806)
        return 0;
    iotls_diag_add_evidence(x, "the server chose TLS 1.2 and signed its ServerKeyExchange with "
                               "%s (0x%04x)",
                            iotls_sig_alg_name(sa), sa);
    if (e->wire.alert_sent >= 0)
        iotls_diag_add_evidence(x, "iotls answered alert %d (%s)", e->wire.alert_sent,
                                iotls_alert_name(e->wire.alert_sent));
    ev_mbedtls(x);
    iotls_diag_summary(x, "the TLS 1.2 server signed with %s, which Mbed TLS 3.6 offers for "
                          "TLS 1.3 but refuses in TLS 1.2",
                       iotls_sig_alg_name(sa));
    IOTLS_DIAG_FIX(x, fix_tool,
             "--tls-max 1.2 (then RSA-PSS is not offered and the server signs with PKCS#1)");
    IOTLS_DIAG_FIX(x, fix_device,
             "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2); for this "
             "server, or mbedtls_ssl_conf_sig_algs() without MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_*");
    IOTLS_DIAG_FIX(x, fix_server,
             "enable TLS 1.3, or let the client's signature algorithm order decide "
             "(OpenSSL: no ServerPreference)");
    iotls_diag_conclude(x, IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM, IOTLS_DIAG_LIKELY);
    return 1;
}

static int other_handshake(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    const iotls_hello *ch = &e->wire.client_hello;
    unsigned i;
    int offered = 0;
    if (e->code != IOTLS_ERR_HANDSHAKE)
        return 0;
    if (e->mbedtls_code == MBEDTLS_ERR_SSL_TIMEOUT) {
        iotls_diag_add_evidence(x, "Mbed TLS returned -0x%04x (timeout) after %u ms",
                                (0u - (unsigned)e->mbedtls_code), (unsigned)e->elapsed_ms);
        iotls_diag_summary(x, "%s:%u did not finish the handshake in time", x->host,
                           (unsigned)e->port);
        iotls_diag_conclude(x, IOTLS_CAUSE_HANDSHAKE_TIMEOUT, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    if (e->mbedtls_code == MBEDTLS_ERR_SSL_CONN_EOF) {
        ev_where(x, "closed the connection");
        iotls_diag_summary(x, "%s:%u closed the connection during the handshake", x->host,
                           (unsigned)e->port);
        iotls_diag_conclude(x, IOTLS_CAUSE_PEER_CLOSED, IOTLS_DIAG_CERTAIN);
        return 1;
    }
    /* A key exchange on a group we never offered: the server had none of
     * ours and used its own. */
    if (e->wire.ske_group != 0 && ch->n_groups > 0) {
        for (i = 0; i < ch->n_groups; i++)
            if (ch->groups[i] == e->wire.ske_group)
                offered = 1;
        if (!offered) {
            char g[40], list[120];
            iotls_diag_add_evidence(
                x, "ServerKeyExchange uses %s, which the ClientHello did not offer",
                iotls_diag_group_text(e->wire.ske_group, g, sizeof(g)));
            iotls_diag_list_text(ch->groups, ch->n_groups, ch->n_groups, iotls_diag_group_text,
                                 list, sizeof(list));
            iotls_diag_add_evidence(x, "ClientHello groups: %s", list);
            ev_mbedtls(x);
            iotls_diag_summary(x,
                               "the server has no group in common with the client and chose "
                               "%s anyway",
                               g);
            iotls_diag_conclude(x, IOTLS_CAUSE_NO_SHARED_GROUP, IOTLS_DIAG_CERTAIN);
            return 1;
        }
    }
    return 0;
}

int iotls_diag_handshake(iotls_diag_ctx *x)
{
    const iotls_error *e = x->e;
    if (not_tls(x) || record_too_large(x))
        return 1;
    if (e->stage != IOTLS_STAGE_HANDSHAKE && e->stage != IOTLS_STAGE_READ)
        return 0;
    if (protocol_version(x) || client_cert(x))
        return 1;
    if (e->stage == IOTLS_STAGE_HANDSHAKE &&
        (refused_hello(x) || retry_group(x) || tls12_pss(x) || other_handshake(x)))
        return 1;
    if (e->wire.alert_received >= 0 && e->code == IOTLS_ERR_ALERT_RECEIVED) {
        /* An alert no rule explains: keep where it came for the raw facts. */
        ev_alert(x);
        ev_sni(x);
    }
    return 0;
}
