/*
 * Stable names of codes: errors, stages, alerts, groups, suites, signature
 * schemes, versions. These strings appear in the tool's JSON; never change
 * an existing one. Suites and schemes carry their IANA names (RFC 8446,
 * the TLS registry), so reports read the same whatever the TLS library.
 */
#include <string.h>

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
    case IOTLS_ERR_CRED_CERT: return "cred_cert";
    case IOTLS_ERR_CRED_KEY: return "cred_key";
    case IOTLS_ERR_CRED_MISMATCH: return "cred_mismatch";
    case IOTLS_ERR_CRED_PASSWORD: return "cred_password";
    case IOTLS_ERR_BUNDLE: return "bundle_invalid";
    case IOTLS_ERR_CRL: return "crl_invalid";
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
    case IOTLS_ERR_CHAIN_INPUT: return "chain_input";
    case IOTLS_ERR_PIN_MISMATCH: return "pin_mismatch";
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

/* IANA name and OpenSSL's spelling ("" when OpenSSL has none). The suites
 * iotls offers or may meet and name in a diagnosis; others get no name. */
typedef struct suite_name {
    uint16_t id;
    const char *iana;
    const char *openssl;
} suite_name;

static const suite_name suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM"},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM"},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8"},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM"},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5"},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
    /* Broken or empty ciphers, named when a legacy server chooses one. */
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA"},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA"},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
    {0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5"},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA"},
    {0x003b, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256"},
    {0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA"},
    {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA"},
    {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"},
    {0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384"},
    {0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256"},
    {0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"},
    {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305"},
    {0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8"},
    {0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8"},
    {0xc0a4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM"},
    {0xc0a5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM"},
    {0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA"},
    {0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA"},
    {0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384"},
    {0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305"},
    {0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA"},
    {0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA"},
    {0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384"},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM"},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM"},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8"},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8"},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8"},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8"},
    /* Signalling values, named in evidence. */
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", ""},
    {0x5600, "TLS_FALLBACK_SCSV", ""},
};

#define N_SUITES (sizeof suites / sizeof suites[0])

const char *iotls_suite_name(uint16_t iana_id)
{
    size_t i;

    for (i = 0; i < N_SUITES; i++)
        if (suites[i].id == iana_id)
            return suites[i].iana;
    return NULL;
}

static int eq_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

uint16_t iotls_suite_from_name(const char *name)
{
    size_t i;

    if (name == NULL || name[0] == '\0')
        return 0;
    for (i = 0; i < N_SUITES; i++)
        if (eq_nocase(name, suites[i].iana) ||
            (suites[i].openssl[0] != '\0' && eq_nocase(name, suites[i].openssl)))
            return suites[i].id;
    return 0;
}

uint16_t iotls_group_from_name(const char *name)
{
    static const struct {
        const char *name;
        uint16_t id;
    } aliases[] = {
        {"x25519", 29}, {"X25519", 29},
        {"secp256r1", 23}, {"P-256", 23}, {"prime256v1", 23},
        {"secp384r1", 24}, {"P-384", 24},
        {"secp521r1", 25}, {"P-521", 25},
        {"x448", 30}, {"X448", 30},
        {"brainpoolP256r1", 26}, {"brainpoolP384r1", 27}, {"brainpoolP512r1", 28},
    };
    size_t i;

    if (name == NULL)
        return 0;
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (eq_nocase(name, aliases[i].name))
            return aliases[i].id;
    return 0;
}

const char *iotls_sig_alg_name(uint16_t iana_id)
{
    switch (iana_id) {
    case 0x0201: return "rsa_pkcs1_sha1";
    case 0x0203: return "ecdsa_sha1";
    case 0x0401: return "rsa_pkcs1_sha256";
    case 0x0403: return "ecdsa_secp256r1_sha256";
    case 0x0501: return "rsa_pkcs1_sha384";
    case 0x0503: return "ecdsa_secp384r1_sha384";
    case 0x0601: return "rsa_pkcs1_sha512";
    case 0x0603: return "ecdsa_secp521r1_sha512";
    case 0x0804: return "rsa_pss_rsae_sha256";
    case 0x0805: return "rsa_pss_rsae_sha384";
    case 0x0806: return "rsa_pss_rsae_sha512";
    case 0x0807: return "ed25519";
    case 0x0808: return "ed448";
    case 0x0809: return "rsa_pss_pss_sha256";
    case 0x080a: return "rsa_pss_pss_sha384";
    case 0x080b: return "rsa_pss_pss_sha512";
    case 0x081a: return "ecdsa_brainpoolP256r1tls13_sha256";
    case 0x081b: return "ecdsa_brainpoolP384r1tls13_sha384";
    case 0x081c: return "ecdsa_brainpoolP512r1tls13_sha512";
    case 0x0101: return "rsa_pkcs1_md5";
    case 0x0202: return "dsa_sha1";
    case 0x0301: return "rsa_pkcs1_sha224";
    case 0x0303: return "ecdsa_sha224";
    default: return NULL;
    }
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

const char *iotls_hs_msg_name(uint8_t type)
{
    switch (type) {
    case 0: return "HelloRequest";
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 8: return "EncryptedExtensions";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 14: return "ServerHelloDone";
    case 15: return "CertificateVerify";
    case 16: return "ClientKeyExchange";
    case 20: return "Finished";
    case 22: return "CertificateStatus";
    default: return NULL;
    }
}
