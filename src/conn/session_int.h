/*
 * Session resumption inside the library (private): the blob format
 * (session_blob.c) and the connection's hooks (session.c).
 */
#ifndef IOTLS_SESSION_INT_H
#define IOTLS_SESSION_INT_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/iotls.h"

/* ---- the blob (session_blob.c): no Mbed TLS in here ---- */

/* Bytes of header before the Mbed TLS session, for these names. */
size_t iotls_sblob_header_len(const iotls_session_info *info);
/* Bytes after it (the CRC-32). */
#define IOTLS_SBLOB_TRAILER 4
/*
 * Writes the header for info at out and the CRC after the sess_len bytes
 * of Mbed TLS session the caller put at out + iotls_sblob_header_len().
 * *olen: the blob's length. IOTLS_SESSION_OK or IOTLS_SESSION_SMALL.
 */
int iotls_sblob_seal(uint8_t *out, size_t cap, const iotls_session_info *info, size_t sess_len,
                     size_t *olen);
/* Checks a blob (format, CRC, lifetime at now unless now < 0); the Mbed
 * TLS session's bytes at *sess, *sess_len (both may be NULL). */
int iotls_sblob_parse(const uint8_t *b, size_t len, int64_t now, iotls_session_info *info,
                      const uint8_t **sess, size_t *sess_len);
/* Lifetime check alone: IOTLS_SESSION_OK, _EXPIRED or _NO_CLOCK. */
int iotls_sblob_alive(const iotls_session_info *info, int64_t now);
uint32_t iotls_crc32(const uint8_t *p, size_t n);

/* ---- the connection's side (session.c) ---- */

/* After the names are decided, before dialing: offers the conf's blob or
 * the cache's (the fresher). */
void iotls_session_offer(iotls_conn *c);
/* After a successful handshake: resumed or not; TLS 1.2's session kept. */
void iotls_session_handshake_done(iotls_conn *c);
/* Mbed TLS signalled a TLS 1.3 NewSessionTicket: keep it. */
void iotls_session_ticket(iotls_conn *c);
/* 1 when a handshake that offered a session failed in a way a full
 * handshake might not (not a timeout, not before the TLS exchange). */
int iotls_session_refused(const iotls_conn *c);
/* Frees the connection's kept session (iotls_conn_free). */
void iotls_session_conn_free(iotls_conn *c);
/* The TLS 1.3 modes offered with a ticket: psk_dhe_ke only, on sc. */
struct mbedtls_ssl_config;
void iotls_session_conf_apply(struct mbedtls_ssl_config *sc);

#endif /* IOTLS_SESSION_INT_H */
