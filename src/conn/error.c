/*
 * Errors as text: the only place in the library where an iotls_error
 * becomes words. Factual: what happened and the codes; the cause-and-fix
 * diagnosis is made elsewhere from the same data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/x509.h"

#include "iotls_internal.h"
#include "trust/policy.h"

void iotls_error_init(iotls_error *e)
{
    if (e == NULL)
        return;
    memset(e, 0, sizeof *e);
    e->wall_time = -1;
    e->wire.alert_received_level = -1;
    e->wire.alert_received = IOTLS_ALERT_NONE;
    e->wire.alert_sent_level = -1;
    e->wire.alert_sent = IOTLS_ALERT_NONE;
}

static const struct {
    uint32_t bit;
    const char *name;
} flag_names[] = {
    {MBEDTLS_X509_BADCERT_EXPIRED, "expired"},
    {MBEDTLS_X509_BADCERT_REVOKED, "revoked"},
    {MBEDTLS_X509_BADCERT_CN_MISMATCH, "cn_mismatch"},
    {MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not_trusted"},
    {MBEDTLS_X509_BADCRL_NOT_TRUSTED, "crl_not_trusted"},
    {MBEDTLS_X509_BADCRL_EXPIRED, "crl_expired"},
    {MBEDTLS_X509_BADCERT_MISSING, "missing"},
    {MBEDTLS_X509_BADCERT_SKIP_VERIFY, "skip_verify"},
    {MBEDTLS_X509_BADCERT_OTHER, "other"},
    {MBEDTLS_X509_BADCERT_FUTURE, "future"},
    {MBEDTLS_X509_BADCRL_FUTURE, "crl_future"},
    {MBEDTLS_X509_BADCERT_KEY_USAGE, "key_usage"},
    {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "ext_key_usage"},
    {MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "ns_cert_type"},
    {MBEDTLS_X509_BADCERT_BAD_MD, "bad_md"},
    {MBEDTLS_X509_BADCERT_BAD_PK, "bad_pk"},
    {MBEDTLS_X509_BADCERT_BAD_KEY, "bad_key"},
    {MBEDTLS_X509_BADCRL_BAD_MD, "crl_bad_md"},
    {MBEDTLS_X509_BADCRL_BAD_PK, "crl_bad_pk"},
    {MBEDTLS_X509_BADCRL_BAD_KEY, "crl_bad_key"},
    {IOTLS_BADCERT_IP_MISMATCH, "ip_mismatch"},
    {IOTLS_BADCERT_LEAF_IS_CA, "leaf_is_ca"},
    {IOTLS_BADCERT_NAME_CONSTRAINTS, "name_constraints"},
};

/* Appends to a buffer like snprintf, tracking the full length. */
typedef struct out {
    char *buf;
    size_t len;
    size_t n; /* length the full text would have */
} out;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    size_t used = o->n < o->len ? o->n : (o->len > 0 ? o->len - 1 : 0);
    int r;

    va_start(ap, fmt);
    r = vsnprintf(o->buf != NULL ? o->buf + used : NULL, o->len > used ? o->len - used : 0, fmt,
                  ap);
    va_end(ap);
    if (r > 0)
        o->n += (size_t)r;
}

static int done(const out *o)
{
    return o->n > 0x7fffffff ? 0x7fffffff : (int)o->n;
}

int iotls_verify_flags_names(uint32_t flags, char *buf, size_t len)
{
    out o;
    size_t i;
    uint32_t known = 0;

    o.buf = buf;
    o.len = len;
    o.n = 0;
    if (buf != NULL && len > 0)
        buf[0] = '\0';
    for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        known |= flag_names[i].bit;
        if (flags & flag_names[i].bit)
            put(&o, "%s%s", o.n > 0 ? "," : "", flag_names[i].name);
    }
    if (flags & ~known)
        put(&o, "%s0x%x", o.n > 0 ? "," : "", (unsigned)(flags & ~known));
    return done(&o);
}

/* What Mbed TLS refused, for IOTLS_ERR_HANDSHAKE: the codes that damaged or
 * hostile bytes from the server produce (tests/faults/faults.py flips every
 * byte of a server's flight), by code, then by module. */
static const char *refusal(int mbedtls_code)
{
    static const struct {
        int code;
        const char *text;
    } codes[] = {
        {-0x7180, "a record from the server failed its integrity check (bad MAC): altered on "
                  "the way, or keys that differ"},
        {-0x7200, "the server sent a malformed record (header type, version or length)"},
        {-0x7300, "a message from the server does not decode"},
        {-0x7700, "the server sent a message out of order or of an unexpected type"},
        {-0x6600, "a message from the server has a value not allowed there"},
        {-0x7A00, "the server's Certificate message is malformed"},
        {-0x6E00, "Mbed TLS refused the handshake (handshake_failure: nothing in common, or "
                  "a Finished that does not match the messages exchanged)"},
        {-0x4E00, "the server's signature did not verify"},
        {-0x4380, "the server's signature did not verify"},
    };
    int hi;
    size_t i;

    if (mbedtls_code >= 0 || mbedtls_code < -0xFFFF) /* not a code (any int may come) */
        return "Mbed TLS refused the handshake";
    hi = -(-mbedtls_code & ~0x7f); /* without a low-level (ASN.1) part */
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == mbedtls_code || codes[i].code == hi)
            return codes[i].text;
    if (mbedtls_code <= -0x2000 && mbedtls_code >= -0x2FFF)
        return "the server's certificate does not parse";
    if (mbedtls_code <= -0x3880 && mbedtls_code >= -0x3FFF)
        return "the server's key or signature is malformed";
    if (mbedtls_code <= -0x4080 && mbedtls_code >= -0x4FFF)
        return "the server's key or signature is invalid";
    return "Mbed TLS refused the handshake";
}

/* "after its Certificate": the last handshake message the server sent. */
static const char *hs_msg_name(int type)
{
    const char *n = iotls_hs_msg_name((uint8_t)type);
    return n != NULL ? n : "handshake message";
}

static const char *stage_verb(iotls_stage s)
{
    switch (s) {
    case IOTLS_STAGE_SETUP: return "setup failed";
    case IOTLS_STAGE_DNS: return "DNS lookup failed";
    case IOTLS_STAGE_CONNECT: return "connect failed";
    case IOTLS_STAGE_HANDSHAKE: return "handshake failed";
    case IOTLS_STAGE_VERIFY: return "certificate rejected";
    case IOTLS_STAGE_READ: return "read failed";
    case IOTLS_STAGE_WRITE: return "write failed";
    case IOTLS_STAGE_CLOSE: return "close failed";
    default: return "failed";
    }
}

/* "(SNI "x")" or "(no SNI)": what the server was told. */
static void put_sni(out *o, const iotls_error *e)
{
    if (e->sni_sent)
        put(o, "(SNI \"%s\")", e->sni);
    else
        put(o, "(no SNI)");
}

static void put_alert(out *o, const iotls_error *e)
{
    const iotls_wire *w = &e->wire;

    put(o, "the server sent %s alert %d (%s) ", w->alert_received_level == 1 ? "warning" : "fatal",
        w->alert_received, iotls_alert_name(w->alert_received));
    if (w->n_hs_msgs == 0)
        put(o, "in answer to our ClientHello ");
    else
        put(o, "after its %s ", hs_msg_name(iotls_wire_last_hs_msg(w)));
    put_sni(o, e);
}

static void put_verify(out *o, const iotls_error *e)
{
    uint32_t f = e->verify_flags;
    char names[160];

    iotls_verify_flags_names(f, names, sizeof names);
    if (f & IOTLS_BADCERT_IP_MISMATCH)
        put(o, "the address %s is not among the certificate's IP addresses", e->verify_name);
    else if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH)
        put(o, "the name \"%s\" is not in the certificate", e->verify_name);
    else if (f & MBEDTLS_X509_BADCERT_EXPIRED)
        put(o, "a certificate in the chain has expired");
    else if (f & MBEDTLS_X509_BADCERT_FUTURE)
        put(o, "a certificate in the chain is not yet valid");
    else if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        put(o, "the chain does not lead to a trusted root");
    else if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_KEY |
                  MBEDTLS_X509_BADCERT_BAD_PK))
        put(o, "a certificate uses a weak hash or key (SHA-1, RSA < 2048 or unlisted curve)");
    else if (f & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE))
        put(o, "the certificate is not meant for a TLS server");
    else
        put(o, "the chain did not verify");
    put(o, " (%s)", names[0] != '\0' ? names : "no flags");
}

/* The peer's first line when it is text (a status line, a banner), up to
 * 40 bytes; 16 bytes of anything else. */
static void put_first_bytes(out *o, const iotls_wire *w)
{
    size_t i, n = w->n_first_bytes < 40 ? w->n_first_bytes : 40, text = 0;

    while (text < n && w->first_bytes[text] >= 0x20 && w->first_bytes[text] < 0x7f)
        text++;
    if (text < 16 || (text < n && w->first_bytes[text] != '\r' && w->first_bytes[text] != '\n'))
        n = n < 16 ? n : 16;
    else
        n = text;
    put(o, "first bytes \"");
    for (i = 0; i < n; i++) {
        unsigned ch = w->first_bytes[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
            put(o, "%c", (char)ch);
        else
            put(o, "\\x%02x", ch);
    }
    put(o, "\"");
}

int iotls_error_format(const iotls_error *e, char *buf, size_t len)
{
    out o;
    const iotls_wire *w;

    o.buf = buf;
    o.len = len;
    o.n = 0;
    if (buf != NULL && len > 0)
        buf[0] = '\0';
    if (e == NULL || e->code == IOTLS_OK) {
        put(&o, "no error");
        return done(&o);
    }
    w = &e->wire;
    put(&o, "%s: ", stage_verb(e->stage));
    switch (e->code) {
    case IOTLS_ERR_ALERT_RECEIVED:
        put_alert(&o, e);
        break;
    case IOTLS_ERR_PROTOCOL_VERSION:
        put(&o, "no TLS version in common");
        if (w->alert_received != IOTLS_ALERT_NONE) {
            put(&o, ": the server sent alert %d (%s)", w->alert_received,
                iotls_alert_name(w->alert_received));
            if (w->n_first_bytes >= 3 && w->first_bytes[0] == 21 &&
                iotls_version_name((uint16_t)(w->first_bytes[1] << 8 | w->first_bytes[2])) != NULL)
                put(&o, " in a %s record",
                    iotls_version_name((uint16_t)(w->first_bytes[1] << 8 | w->first_bytes[2])));
        }
        else if (w->server_hello_seen && iotls_version_name(w->server_hello.version) != NULL)
            put(&o, ": the server chose %s", iotls_version_name(w->server_hello.version));
        break;
    case IOTLS_ERR_VERIFY:
        put_verify(&o, e);
        break;
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
        put(&o, "the handshake did not finish in time (%u ms since connect began)",
            (unsigned)e->elapsed_ms);
        if (w->records_received == 0)
            put(&o, "; the server sent nothing");
        break;
    case IOTLS_ERR_PEER_CLOSED:
        put(&o, "the server closed the connection during the handshake");
        if (w->n_hs_msgs == 0)
            put(&o, " in answer to our ClientHello ");
        else
            put(&o, " after its %s ", hs_msg_name(iotls_wire_last_hs_msg(w)));
        put_sni(&o, e);
        break;
    case IOTLS_ERR_RESET:
        put(&o, "the connection was reset by the server");
        break;
    case IOTLS_ERR_NOT_TLS:
        put(&o, "the server does not speak TLS (");
        put_first_bytes(&o, w);
        put(&o, ")");
        break;
    case IOTLS_ERR_RECORD_TOO_LARGE:
        put(&o, "the server sent a record of %u bytes, more than the input buffer (%u bytes)",
            (unsigned)w->max_record_len, (unsigned)e->in_content_len);
        break;
    case IOTLS_ERR_TRUNCATED:
        put(&o, "the server closed the connection without close_notify: the data may be "
                "truncated");
        break;
    case IOTLS_ERR_READ_TIMEOUT:
        put(&o, "no data from the server in time");
        break;
    case IOTLS_ERR_WRITE_TIMEOUT:
        put(&o, "the server did not accept our data in time");
        break;
    case IOTLS_ERR_CONNECT_REFUSED:
        put(&o, "%s port %u refused the connection", e->addr, (unsigned)e->port);
        break;
    case IOTLS_ERR_CONNECT_TIMEOUT:
        put(&o, "no TCP answer from %s port %u in time", e->addr, (unsigned)e->port);
        break;
    case IOTLS_ERR_CONNECT:
        put(&o, "cannot reach %s port %u", e->addr, (unsigned)e->port);
        break;
    case IOTLS_ERR_DNS:
        put(&o, "the name \"%s\" does not resolve", e->host);
        break;
    case IOTLS_ERR_DNS_TIMEOUT:
        put(&o, "no answer from DNS for \"%s\"", e->host);
        break;
    case IOTLS_ERR_CHAIN_INPUT:
        put(&o, "no certificate could be read from the chain to verify");
        break;
    case IOTLS_ERR_PIN_MISMATCH:
        put(&o, "the server's public key matches none of the pinned keys");
        break;
    case IOTLS_ERR_TRUST_EMPTY:
        put(&o, "the trust store holds no usable CA certificate");
        break;
    case IOTLS_ERR_TRUST_READ:
        put(&o, "the trust store could not be read");
        break;
    case IOTLS_ERR_BUNDLE:
        put(&o, "the root bundle is malformed or corrupt");
        break;
    case IOTLS_ERR_CRL:
        put(&o, "the certificate revocation list could not be read");
        break;
    case IOTLS_ERR_HOSTNAME:
        put(&o, "\"%s\" is not a usable host name", e->host);
        break;
    case IOTLS_ERR_ENTROPY:
        put(&o, "the random number generator could not be seeded");
        break;
    case IOTLS_ERR_CRED_CERT:
        put(&o, "the client certificate does not parse");
        break;
    case IOTLS_ERR_CRED_KEY:
        put(&o, "the client key does not parse");
        break;
    case IOTLS_ERR_CRED_PASSWORD:
        put(&o, "the client key needs a password, and the one given (if any) is wrong");
        break;
    case IOTLS_ERR_CRED_MISMATCH:
        put(&o, "the client key does not belong to the client certificate");
        break;
    case IOTLS_ERR_HANDSHAKE:
        put(&o, "%s", refusal(e->mbedtls_code));
        break;
    case IOTLS_ERR_ALLOC:
        put(&o, "out of memory");
        break;
    default:
        put(&o, "%s", iotls_err_name(e->code));
        break;
    }
    if (e->detail[0] != '\0')
        put(&o, " (%s)", e->detail);
    if (e->mbedtls_code != 0)
        put(&o, " [mbedtls -0x%04X]", (unsigned)(-(long)e->mbedtls_code));
    if (e->resolver_code != 0)
        put(&o, " [resolver code %d]", e->resolver_code);
    /* A negative sys_errno at stage dns is a resolver code too (how errors
     * made before resolver_code existed carry it). */
    if (e->sys_errno < 0 && e->stage == IOTLS_STAGE_DNS && e->resolver_code == 0)
        put(&o, " [resolver code %d]", e->sys_errno);
    else if (e->sys_errno != 0)
        put(&o, " [errno %d]", e->sys_errno);
    return done(&o);
}
