/*
 * The session blob: iotls's header around Mbed TLS's own serialised
 * session (mbedtls_ssl_session_save), so that a device can keep it
 * across deep sleep and know, before using it, that it is whole, meant for
 * this server and still alive. All integers big-endian:
 *
 *    0  4  magic "iots"
 *    4  1  format version (1)
 *    5  1  kind (IOTLS_SESSION_KIND_*)
 *    6  2  TLS version (0x0303, 0x0304)
 *    8  8  received_at: wall-clock seconds since 1970 (signed)
 *   16  4  lifetime in seconds from received_at
 *   20  2  port
 *   22  1  host length h, then h bytes of host
 *      1  SNI length s, then s bytes of SNI ("" when none was sent)
 *      2  Mbed TLS session length n, then n bytes
 *      4  CRC-32 (IEEE 802.3) of every byte before it
 *
 * The CRC catches damage (a flash bit flip, a cut write), not an attacker:
 * whoever can write the blob can also read its secret.
 */
#include <string.h>

#include "conn/session_int.h"

#define MAGIC "iots"
#define FORMAT_VERSION 1
#define FIXED 23 /* bytes up to the host */
/* TLS 1.3 tickets live at most 7 days (RFC 8446 4.6.1); no blob longer. */
#define MAX_LIFETIME_S (7u * 86400u)

uint32_t iotls_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;

    while (n-- > 0) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) << 16 | get16(p + 2);
}

size_t iotls_sblob_header_len(const iotls_session_info *info)
{
    return FIXED + strlen(info->host) + 1 + strlen(info->sni) + 2;
}

int iotls_sblob_seal(uint8_t *out, size_t cap, const iotls_session_info *info, size_t sess_len,
                     size_t *olen)
{
    size_t hl = strlen(info->host), sl = strlen(info->sni);
    size_t hdr = iotls_sblob_header_len(info), total = hdr + sess_len + IOTLS_SBLOB_TRAILER;
    uint64_t t = (uint64_t)info->received_at;
    uint8_t *p = out;

    *olen = total;
    if (hl > 255 || sl > 255 || sess_len > 0xFFFF)
        return IOTLS_SESSION_USAGE;
    if (total > cap)
        return IOTLS_SESSION_SMALL;
    memcpy(p, MAGIC, 4);
    p[4] = FORMAT_VERSION;
    p[5] = info->kind;
    put16(p + 6, info->tls_version);
    put32(p + 8, (uint32_t)(t >> 32));
    put32(p + 12, (uint32_t)t);
    put32(p + 16, info->lifetime_s > MAX_LIFETIME_S ? MAX_LIFETIME_S : info->lifetime_s);
    put16(p + 20, info->port);
    p[22] = (uint8_t)hl;
    memcpy(p + FIXED, info->host, hl);
    p += FIXED + hl;
    *p++ = (uint8_t)sl;
    memcpy(p, info->sni, sl);
    p += sl;
    put16(p, (uint32_t)sess_len);
    put32(out + hdr + sess_len, iotls_crc32(out, hdr + sess_len));
    return IOTLS_SESSION_OK;
}

int iotls_sblob_alive(const iotls_session_info *info, int64_t now)
{
    if (now < 0 || now < info->received_at)
        return IOTLS_SESSION_NO_CLOCK;
    if ((uint64_t)(now - info->received_at) >= info->lifetime_s)
        return IOTLS_SESSION_EXPIRED;
    return IOTLS_SESSION_OK;
}

/* A name from the blob: printable ASCII, no NUL (it was a host or SNI). */
static int take_name(char *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (src[i] < 0x21 || src[i] > 0x7e)
            return -1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

int iotls_sblob_parse(const uint8_t *b, size_t len, int64_t now, iotls_session_info *info,
                      const uint8_t **sess, size_t *sess_len)
{
    iotls_session_info tmp;
    size_t at, hl, sl, n;

    if (info == NULL)
        info = &tmp;
    memset(info, 0, sizeof *info);
    if (b == NULL)
        return IOTLS_SESSION_USAGE;
    if (len < 5 || memcmp(b, MAGIC, 4) != 0)
        return IOTLS_SESSION_MALFORMED;
    if (b[4] != FORMAT_VERSION)
        return IOTLS_SESSION_VERSION;
    /* The CRC first: every field below is then what was written. */
    if (len < FIXED + 1 + 2 + IOTLS_SBLOB_TRAILER)
        return IOTLS_SESSION_MALFORMED;
    if (iotls_crc32(b, len - IOTLS_SBLOB_TRAILER) != get32(b + len - IOTLS_SBLOB_TRAILER))
        return IOTLS_SESSION_CORRUPT;
    hl = b[22];
    at = FIXED + hl;
    if (hl == 0 || hl > IOTLS_MAX_HOSTNAME || at + 1 > len - IOTLS_SBLOB_TRAILER)
        return IOTLS_SESSION_MALFORMED;
    sl = b[at];
    if (sl > IOTLS_MAX_HOSTNAME || at + 1 + sl + 2 > len - IOTLS_SBLOB_TRAILER)
        return IOTLS_SESSION_MALFORMED;
    if (take_name(info->host, b + FIXED, hl) != 0 || take_name(info->sni, b + at + 1, sl) != 0)
        return IOTLS_SESSION_MALFORMED;
    at += 1 + sl;
    n = get16(b + at);
    at += 2;
    if (n == 0 || at + n + IOTLS_SBLOB_TRAILER != len)
        return IOTLS_SESSION_MALFORMED;
    info->kind = b[5];
    info->tls_version = (uint16_t)get16(b + 6);
    info->received_at = (int64_t)((uint64_t)get32(b + 8) << 32 | get32(b + 12));
    info->lifetime_s = get32(b + 16);
    info->port = (uint16_t)get16(b + 20);
    if (info->kind < IOTLS_SESSION_KIND_TLS13_TICKET || info->kind > IOTLS_SESSION_KIND_TLS12_ID ||
        (info->tls_version != 0x0303 && info->tls_version != 0x0304) ||
        (info->tls_version == 0x0304) != (info->kind == IOTLS_SESSION_KIND_TLS13_TICKET) ||
        info->port == 0 || info->lifetime_s > MAX_LIFETIME_S)
        return IOTLS_SESSION_MALFORMED;
    if (sess != NULL)
        *sess = b + at;
    if (sess_len != NULL)
        *sess_len = n;
    return now < 0 ? IOTLS_SESSION_OK : iotls_sblob_alive(info, now);
}

int iotls_session_inspect(const uint8_t *blob, size_t len, int64_t now, iotls_session_info *info)
{
    return iotls_sblob_parse(blob, len, now, info, NULL, NULL);
}

const char *iotls_session_status_text(int status)
{
    switch (status) {
    case IOTLS_SESSION_OK: return "ok";
    case IOTLS_SESSION_NONE: return "no resumable session (the server sent no ticket or session ID)";
    case IOTLS_SESSION_SMALL: return "buffer too small";
    case IOTLS_SESSION_MALFORMED: return "not an iotls session blob, or cut short";
    case IOTLS_SESSION_VERSION: return "a session blob format this build does not read";
    case IOTLS_SESSION_CORRUPT: return "damaged (checksum mismatch)";
    case IOTLS_SESSION_EXPIRED: return "expired (its lifetime has passed)";
    case IOTLS_SESSION_BUILD: return "made by another Mbed TLS version or configuration";
    case IOTLS_SESSION_NO_CLOCK: return "the time is unknown or earlier than the session: "
                                        "its lifetime cannot be checked";
    case IOTLS_SESSION_USAGE: return "bad argument";
    default: return "unknown";
    }
}

const char *iotls_session_kind_name(int kind)
{
    switch (kind) {
    case IOTLS_SESSION_KIND_TLS13_TICKET: return "TLS 1.3 ticket";
    case IOTLS_SESSION_KIND_TLS12_TICKET: return "TLS 1.2 ticket";
    case IOTLS_SESSION_KIND_TLS12_ID: return "TLS 1.2 session ID";
    default: return "none";
    }
}
