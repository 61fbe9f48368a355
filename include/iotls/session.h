/*
 * Session resumption: a second handshake with the same server in a
 * fraction of the work of the first (no certificate chain, no signature
 * to verify; in TLS 1.2 no key exchange at all).
 *
 * On by default, two ways:
 *
 *  - In one process: after each handshake (TLS 1.2) or NewSessionTicket
 *    (TLS 1.3) the session goes into a small cache keyed by host, port and
 *    SNI (and the conf's trust store, bundle and client certificate); the
 *    next connection to the same key offers it. Static memory:
 *    IOTLS_SESSION_CACHE_ENTRIES blobs of IOTLS_SESSION_MAX bytes
 *    (config.h). The cache is not locked: a program that connects from
 *    several threads at once turns it off (iotls_conf_set_session_cache()
 *    or IOTLS_SESSION_CACHE_ENTRIES 0).
 *  - Across processes and deep sleep: iotls_conn_session_export() writes
 *    the session as a small blob (a few hundred bytes) the program keeps
 *    (a file, retained RAM, flash), iotls_conf_set_session() hands it to a
 *    later connection:
 *
 *      uint8_t blob[IOTLS_SESSION_MAX]; size_t n;
 *      // after a connection (and, in TLS 1.3, a NewSessionTicket):
 *      if (iotls_conn_session_export(&c, blob, sizeof blob, &n) == IOTLS_SESSION_OK)
 *          keep(blob, n);
 *      ...
 *      iotls_conf_set_session(&conf, blob, n);   // refused if expired or corrupt
 *      iotls_conn_connect(&c2, host, port);      // resumes, or a full handshake
 *      iotls_conn_resumed(&c2);                  // 1 if it resumed
 *
 * A session is offered only to the host, port and SNI it was made with. A
 * server that refuses it (new ticket keys, a restart, a session cache
 * that forgot) gets a full handshake in the same connection; one whose
 * handshake fails after a resumption offer is dialed once more without it.
 * Neither is an error.
 *
 * TLS 1.3 resumes with psk_dhe_ke (a fresh (EC)DHE exchange: forward
 * secrecy), never psk_ke. TLS 1.2 resumes a session ticket (RFC 5077) or a
 * session ID.
 *
 * The blob holds the session's secret (TLS 1.2 master secret, TLS 1.3
 * resumption key): whoever reads it can resume as the device, until it
 * expires. Keep it as private as a key. Its header holds the wall-clock
 * time the session was received and its lifetime (the server's ticket
 * lifetime; IOTLS_SESSION_DEFAULT_LIFETIME_S for a TLS 1.2 session ID or a
 * ticket without a hint; never more than 7 days), and a CRC-32: a blob
 * that has expired, is damaged, or was made by another format version or
 * another Mbed TLS configuration is refused at import. A device that does
 * not know the time (iotls_port_wall_time() < 0) cannot check a lifetime:
 * it neither exports nor imports.
 */
#ifndef IOTLS_SESSION_H
#define IOTLS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/config.h"

#ifdef __cplusplus
extern "C" {
#endif

struct iotls_conf;
struct iotls_conn;

/* Results of the session functions (not iotls_err: none of these fails a
 * connection). Stable numbers. */
typedef enum iotls_session_status {
    IOTLS_SESSION_OK = 0,
    IOTLS_SESSION_NONE = 1,      /* export: no resumable session (no handshake,
                                    no ticket from the server, or none in time) */
    IOTLS_SESSION_SMALL = 2,     /* export: buffer too small; *olen says how much */
    IOTLS_SESSION_MALFORMED = 3, /* not a session blob, or cut short */
    IOTLS_SESSION_VERSION = 4,   /* a blob format this build does not read */
    IOTLS_SESSION_CORRUPT = 5,   /* checksum mismatch: damaged */
    IOTLS_SESSION_EXPIRED = 6,   /* its lifetime has passed */
    IOTLS_SESSION_BUILD = 7,     /* made by another Mbed TLS version or configuration */
    IOTLS_SESSION_NO_CLOCK = 8,  /* the wall-clock time is unknown (or before the
                                    blob was made): its lifetime cannot be checked */
    IOTLS_SESSION_USAGE = 9      /* bad argument */
} iotls_session_status;

/* What a blob's header says (iotls_session_inspect). */
typedef struct iotls_session_info {
    uint16_t tls_version;    /* 0x0303 or 0x0304 */
    uint8_t kind;            /* IOTLS_SESSION_KIND_* */
    int64_t received_at;     /* wall-clock seconds since 1970 */
    uint32_t lifetime_s;     /* from received_at */
    uint16_t port;
    char host[IOTLS_MAX_HOSTNAME + 1];
    char sni[IOTLS_MAX_HOSTNAME + 1]; /* "" when none was sent */
} iotls_session_info;

#define IOTLS_SESSION_KIND_TLS13_TICKET 1
#define IOTLS_SESSION_KIND_TLS12_TICKET 2
#define IOTLS_SESSION_KIND_TLS12_ID 3

/*
 * The connection's session as a blob into buf[len]; *olen its length (also
 * when IOTLS_SESSION_SMALL). In TLS 1.3 the server sends tickets after the
 * handshake: when none has come yet this waits for one (as long as the
 * handshake took, 200 ms to 3 s, within the read timeout), keeping any
 * application data that arrives for iotls_conn_read(). Call it on an open
 * connection (before iotls_conn_close()) or after iotls_conn_close(), for
 * the last session seen.
 */
int iotls_conn_session_export(struct iotls_conn *c, uint8_t *buf, size_t len, size_t *olen);

/* 1 when the last handshake resumed a session (abbreviated handshake), 0
 * when it was a full one. */
int iotls_conn_resumed(const struct iotls_conn *c);
/* 1 when the last connect offered a session (resumed or not). */
int iotls_conn_session_offered(const struct iotls_conn *c);

/*
 * Offer this blob (from iotls_conn_session_export(), maybe in an earlier
 * life of the process) to connections to its host, port and SNI. Checked
 * here (format, checksum, Mbed TLS configuration, lifetime against
 * iotls_port_wall_time()) and again at each connect (lifetime). Not
 * copied: blob must outlive the connections. NULL removes it. When the
 * in-process cache holds a newer session for the same key, that one is
 * offered. Returns IOTLS_SESSION_OK or why the blob is refused (nothing
 * is set then).
 */
int iotls_conf_set_session(struct iotls_conf *conf, const uint8_t *blob, size_t len);

/* In-process cache for connections of this conf: on (1, default) or off
 * (0: nothing stored or looked up; iotls_conf_set_session() still works). */
void iotls_conf_set_session_cache(struct iotls_conf *conf, int on);

/*
 * A blob's header, checked as iotls_conf_set_session() does (format,
 * checksum; not the Mbed TLS part), and its lifetime against now (wall
 * seconds; pass a negative value to skip the lifetime check). info may be
 * NULL.
 */
int iotls_session_inspect(const uint8_t *blob, size_t len, int64_t now,
                          iotls_session_info *info);

/* Empties the in-process cache (all confs). */
void iotls_session_cache_clear(void);

/* One line for a status ("expired", "damaged (checksum mismatch)", ...). */
const char *iotls_session_status_text(int status);
/* "TLS 1.3 ticket", "TLS 1.2 ticket", "TLS 1.2 session ID"; "none" */
const char *iotls_session_kind_name(int kind);
/* The kind of the last connect's resumed session (0 if it did not resume). */
int iotls_conn_session_kind(const struct iotls_conn *c);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_SESSION_H */
