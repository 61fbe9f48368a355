/*
 * Device root bundle: trust anchors as a compact blob for flash.
 *
 * A trust store of parsed certificates costs about 1 KB of RAM per root and
 * the whole certificate in flash. A bundle keeps, per root, only what
 * verification needs: a short hash of its subject (the lookup key) and its
 * public key in the most compact form (RSA: the modulus, exponent 65537
 * implied; EC: the SEC1 point), plus the root's notAfter day and path
 * length constraint. At handshake time, when the top of the server's chain
 * is not trusted, iotls hashes that certificate's issuer, finds the roots
 * with that subject hash in the bundle, builds each one's key and checks the
 * certificate's signature with it: a good signature anchors the chain. The
 * signature check is the gate; a hash collision only yields a candidate
 * whose check fails. What is lost compared to a full root certificate is in
 * docs/bundle.md ("Trade-offs").
 *
 *   iotls_conf_init(&conf);
 *   if (iotls_conf_set_bundle(&conf, bundle, bundle_len) != IOTLS_OK)  // checked here
 *       ...;                                   // corrupt: never used
 *   // no trust store needed; both may be set (the store is tried first)
 *
 * The blob is read in place (flash): it must outlive every connection set up
 * with the conf. It is made by `iotls bundle` (docs/bundle.md) or by the
 * builder below.
 *
 * Format, version 1 (all integers big-endian):
 *   header (48 bytes): "IOTB", version (1), hash length (4..32), flags
 *     (bit 0: names), 0, root count (u16, 1..IOTLS_BUNDLE_MAX_ROOTS), 0 (u16),
 *     total length (u32), SHA-256 of bytes 0..15 and 48..end;
 *   index: count x (subject hash, record offset u32), sorted by hash;
 *   records, in index order and contiguous: key type (u8), path length + 1
 *     (u8, 0: none), notAfter (u16 days since 1970, 0xFFFF: later), then
 *     RSA: modulus length (u16), modulus [, exponent length (u8), exponent];
 *     EC: the uncompressed point (0x04 || X || Y); then, with names, the
 *     name's length (u8) and the name (printable ASCII).
 */
#ifndef IOTLS_BUNDLE_H
#define IOTLS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/conn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IOTLS_BUNDLE_VERSION 1
#define IOTLS_BUNDLE_HEADER_LEN 48
#define IOTLS_BUNDLE_MIN_HASH 4
#define IOTLS_BUNDLE_MAX_HASH 32
#define IOTLS_BUNDLE_DEFAULT_HASH 4
#define IOTLS_BUNDLE_MAX_ROOTS 4096
#define IOTLS_BUNDLE_MAX_NAME 64
#define IOTLS_BUNDLE_FLAG_NAMES 0x01u

/* Key types of a record. Stable numbers (they are in the format). */
typedef enum iotls_bundle_key {
    IOTLS_BUNDLE_KEY_RSA = 1,   /* modulus; exponent 65537 */
    IOTLS_BUNDLE_KEY_RSA_E = 2, /* modulus and an explicit exponent */
    IOTLS_BUNDLE_KEY_P256 = 3,
    IOTLS_BUNDLE_KEY_P384 = 4,
    IOTLS_BUNDLE_KEY_P521 = 5
} iotls_bundle_key;

/* Why a blob was refused. Stable numbers. */
typedef enum iotls_bundle_status {
    IOTLS_BUNDLE_OK = 0,
    IOTLS_BUNDLE_E_NULL = 1,      /* no blob given */
    IOTLS_BUNDLE_E_TRUNCATED = 2, /* shorter than its header says */
    IOTLS_BUNDLE_E_MAGIC = 3,     /* not a bundle */
    IOTLS_BUNDLE_E_VERSION = 4,   /* a format version this build does not read */
    IOTLS_BUNDLE_E_HEADER = 5,    /* hash length, flags, reserved bytes or count */
    IOTLS_BUNDLE_E_LENGTH = 6,    /* longer than its header says */
    IOTLS_BUNDLE_E_DIGEST = 7,    /* contents do not match the SHA-256 (corrupt) */
    IOTLS_BUNDLE_E_INDEX = 8,     /* index does not fit */
    IOTLS_BUNDLE_E_ORDER = 9,     /* index not sorted by hash */
    IOTLS_BUNDLE_E_OFFSET = 10,   /* records not contiguous in index order */
    IOTLS_BUNDLE_E_RECORD = 11    /* a record's type, lengths or values */
} iotls_bundle_status;

/* The result of a check: status, and where (byte offset, root index). */
typedef struct iotls_bundle_info {
    iotls_bundle_status status;
    size_t offset;   /* where the problem was found; the blob length when OK */
    uint32_t root;   /* index of the record at fault (E_ORDER .. E_RECORD) */
    uint32_t count;  /* roots (OK) */
    uint8_t hash_len;
    uint8_t flags;
} iotls_bundle_info;

/* One root, as the bundle holds it. */
typedef struct iotls_bundle_root {
    uint32_t index;
    iotls_bundle_key key_type;
    uint32_t key_bits;
    uint8_t subject_hash[IOTLS_BUNDLE_MAX_HASH]; /* first hash_len bytes of
                                                    SHA-256(subject DER) */
    uint8_t hash_len;
    int8_t path_len;          /* -1: no constraint */
    uint16_t not_after_days;  /* days since 1970-01-01; 0xFFFF: 2149 or later */
    uint32_t record_bytes;    /* record + index entry: its cost in flash */
    char name[IOTLS_BUNDLE_MAX_NAME + 1]; /* "" when the bundle has no names */
} iotls_bundle_root;

/*
 * Checks the whole blob: header, digest, index bounds and order, every
 * record's type, lengths and values. Never reads outside blob[0..len).
 * Returns IOTLS_OK, or IOTLS_ERR_BUNDLE with info->status saying why (info
 * may be NULL).
 */
int iotls_bundle_check(const uint8_t *blob, size_t len, iotls_bundle_info *info);

/* Short text for a status ("digest mismatch (corrupt)"). Static string. */
const char *iotls_bundle_status_str(iotls_bundle_status s);

/*
 * Verify servers against the bundle's roots. The blob is checked first
 * (iotls_bundle_check); a bad one is refused with IOTLS_ERR_BUNDLE and the
 * conf keeps no bundle. blob NULL removes the bundle. The blob is not
 * copied.
 */
int iotls_conf_set_bundle(iotls_conf *conf, const uint8_t *blob, size_t len);

/* Root number index of a checked blob: IOTLS_OK, or IOTLS_ERR_USAGE when
 * index is out of range or the blob does not check. */
int iotls_bundle_root_at(const uint8_t *blob, size_t len, uint32_t index,
                         iotls_bundle_root *out);

/*
 * After a successful connect: 1 and *out filled when a bundled root
 * anchored the server's chain (iotls checked the top certificate's
 * signature with that root's key), 0 when the chain was anchored otherwise
 * (trust store) or the connection is not open.
 */
int iotls_conn_bundle_anchor(const iotls_conn *c, iotls_bundle_root *out);

/* ---- building a bundle (host side; `iotls bundle` uses this) ---- */

typedef struct iotls_bundle_builder iotls_bundle_builder;

/* What became of one certificate given to the builder. Stable numbers. */
typedef enum iotls_bundle_verdict {
    IOTLS_BUNDLE_ADDED = 0,
    IOTLS_BUNDLE_SKIP_PARSE = 1,     /* not a certificate Mbed TLS parses */
    IOTLS_BUNDLE_SKIP_KEY_TYPE = 2,  /* key type or curve a bundle cannot hold */
    IOTLS_BUNDLE_SKIP_KEY_SIZE = 3,  /* RSA below 2048 or above 8192 bits */
    IOTLS_BUNDLE_SKIP_DUPLICATE = 4, /* same subject and key as one added */
    IOTLS_BUNDLE_SKIP_NOT_CA = 5,    /* v3 without CA:TRUE or keyCertSign */
    IOTLS_BUNDLE_SKIP_EXPIRED = 6,   /* notAfter before the builder's time */
    IOTLS_BUNDLE_SKIP_FULL = 7,      /* IOTLS_BUNDLE_MAX_ROOTS reached */
    IOTLS_BUNDLE_SKIP_CONSTRAINED = 8 /* has nameConstraints, which a bundle
                                         cannot carry (it would trust the
                                         root beyond them) */
} iotls_bundle_verdict;

typedef struct iotls_bundle_added {
    iotls_bundle_verdict verdict;
    int mbedtls_code;          /* SKIP_PARSE: Mbed TLS's reason */
    char subject[160];         /* subject DN when it parsed */
    char name[IOTLS_BUNDLE_MAX_NAME + 1]; /* the short name kept (CN, else O, else DN) */
    iotls_bundle_key key_type; /* ADDED */
    uint32_t key_bits;         /* ADDED, SKIP_KEY_SIZE */
    uint32_t record_bytes;     /* ADDED: its cost in the blob */
} iotls_bundle_added;

/* hash_len: 4..32 (IOTLS_BUNDLE_DEFAULT_HASH); flags: IOTLS_BUNDLE_FLAG_NAMES;
 * now: seconds since 1970, roots expired at that time are skipped (0: keep
 * them). IOTLS_OK, IOTLS_ERR_USAGE, IOTLS_ERR_ALLOC. */
int iotls_bundle_builder_new(iotls_bundle_builder **b, unsigned hash_len, unsigned flags,
                             int64_t now);
/* One DER certificate. IOTLS_OK (added or skipped: see *res), IOTLS_ERR_ALLOC
 * or IOTLS_ERR_USAGE. */
int iotls_bundle_builder_add_der(iotls_bundle_builder *b, const uint8_t *der, size_t len,
                                 iotls_bundle_added *res);
uint32_t iotls_bundle_builder_count(const iotls_bundle_builder *b);
/* The blob, allocated with iotls_port_calloc (free with iotls_port_free).
 * IOTLS_ERR_USAGE when no root was added. */
int iotls_bundle_builder_finish(iotls_bundle_builder *b, uint8_t **blob, size_t *len);
void iotls_bundle_builder_free(iotls_bundle_builder *b);

/* Text for a verdict ("duplicate"). Static string. */
const char *iotls_bundle_verdict_str(iotls_bundle_verdict v);
/* "RSA", "P-256", ... Static string. */
const char *iotls_bundle_key_str(iotls_bundle_key k);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_BUNDLE_H */
