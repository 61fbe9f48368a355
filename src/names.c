/*
 * Stable names of codes: errors, stages, alerts, groups, suites, versions.
 * These strings appear in the tool's JSON; never change an existing one.
 */
#include <string.h>

#include "mbedtls/ssl.h"

#include "iotls_internal.h"

size_t iotls_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = src != NULL ? strlen(src) : 0;

    if (size > 0) {
        size_t k = n < size - 1 ? n : size - 1;
        if (k > 0)
            memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

const char *iotls_err_name(int code)
{
    switch (code) {
    case IOTLS_OK: return "ok";
    case IOTLS_ERR_USAGE: return "usage";
    case IOTLS_ERR_ALLOC: return "alloc";
    case IOTLS_ERR_ENTROPY: return "entropy";
    case IOTLS_ERR_HOSTNAME: return "hostname";
    case IOTLS_ERR_TRUST_EMPTY: return "trust_empty";
    case IOTLS_ERR_TRUST_READ: return "trust_read";
    case IOTLS_ERR_CONFIG: return "config";
    case IOTLS_ERR_DNS: return "dns";
    case IOTLS_ERR_DNS_TIMEOUT: return "dns_timeout";
    case IOTLS_ERR_CONNECT_REFUSED: return "connect_refused";
    case IOTLS_ERR_CONNECT_TIMEOUT: return "connect_timeout";
    case IOTLS_ERR_CONNECT: return "connect";
    case IOTLS_ERR_HANDSHAKE_TIMEOUT: return "handshake_timeout";
    case IOTLS_ERR_ALERT_RECEIVED: return "alert_received";
    case IOTLS_ERR_PEER_CLOSED: return "peer_closed";
    case IOTLS_ERR_RESET: return "reset";
    case IOTLS_ERR_NOT_TLS: return "not_tls";
    case IOTLS_ERR_PROTOCOL_VERSION: return "protocol_version";
    case IOTLS_ERR_HANDSHAKE: return "handshake";
    case IOTLS_ERR_RECORD_TOO_LARGE: return "record_too_large";
    case IOTLS_ERR_VERIFY: return "verify";
    case IOTLS_ERR_READ_TIMEOUT: return "read_timeout";
    case IOTLS_ERR_TRUNCATED: return "truncated";
    case IOTLS_ERR_READ: return "read";
    case IOTLS_ERR_WRITE_TIMEOUT: return "write_timeout";
    case IOTLS_ERR_WRITE: return "write";
    case IOTLS_ERR_CLOSE: return "close";
    case IOTLS_ERR_NOT_CONNECTED: return "not_connected";
    default: return "unknown";
    }
}

const char *iotls_stage_name(iotls_stage stage)
{
    switch (stage) {
    case IOTLS_STAGE_NONE: return "none";
    case IOTLS_STAGE_SETUP: return "setup";
    case IOTLS_STAGE_DNS: return "dns";
    case IOTLS_STAGE_CONNECT: return "connect";
    case IOTLS_STAGE_HANDSHAKE: return "handshake";
    case IOTLS_STAGE_VERIFY: return "verify";
    case IOTLS_STAGE_READ: return "read";
    case IOTLS_STAGE_WRITE: return "write";
    case IOTLS_STAGE_CLOSE: return "close";
    default: return "unknown";
    }
}

const char *iotls_alert_name(int description)
{
    switch (description) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 114: return "bad_certificate_hash_value";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "unknown_alert";
    }
}

const char *iotls_group_name(uint16_t iana_id)
{
    switch (iana_id) {
    case 18: return "secp192k1";
    case 19: return "secp192r1";
    case 20: return "secp224k1";
    case 21: return "secp224r1";
    case 22: return "secp256k1";
    case 23: return "secp256r1";
    case 24: return "secp384r1";
    case 25: return "secp521r1";
    case 26: return "brainpoolP256r1";
    case 27: return "brainpoolP384r1";
    case 28: return "brainpoolP512r1";
    case 29: return "x25519";
    case 30: return "x448";
    case 256: return "ffdhe2048";
    case 257: return "ffdhe3072";
    case 258: return "ffdhe4096";
    case 259: return "ffdhe6144";
    case 260: return "ffdhe8192";
    default: return NULL;
    }
}

const char *iotls_suite_name(uint16_t iana_id)
{
    const char *name;

    /* Signalling values Mbed TLS has no name for. */
    if (iana_id == 0x00ff)
        return "TLS-EMPTY-RENEGOTIATION-INFO-SCSV";
    if (iana_id == 0x5600)
        return "TLS-FALLBACK-SCSV";
    name = mbedtls_ssl_get_ciphersuite_name((int)iana_id);
    if (name == NULL || strcmp(name, "unknown") == 0)
        return NULL;
    return name;
}

const char *iotls_version_name(uint16_t wire_version)
{
    switch (wire_version) {
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1.0";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return NULL;
    }
}
