/*
 * iotls compile-time configuration.
 *
 * Every option has a default here behind #ifndef; a build that wants other
 * values defines IOTLS_USER_CONFIG_FILE ("my_iotls_config.h") and sets them
 * there. The file is read first, as LwIP reads lwipopts.h before opt.h.
 */
#ifndef IOTLS_CONFIG_H
#define IOTLS_CONFIG_H

#if defined(IOTLS_USER_CONFIG_FILE)
#include IOTLS_USER_CONFIG_FILE
#endif

/* Timeouts applied by iotls_conf_init(), in milliseconds. The handshake
 * timeout bounds the whole handshake, not each read: a server that trickles
 * one byte a second cannot keep a device waiting forever. */
#ifndef IOTLS_DEFAULT_CONNECT_TIMEOUT_MS
#define IOTLS_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#endif
#ifndef IOTLS_DEFAULT_HANDSHAKE_TIMEOUT_MS
#define IOTLS_DEFAULT_HANDSHAKE_TIMEOUT_MS 15000u
#endif
/* Longest wait for the next byte of application data. */
#ifndef IOTLS_DEFAULT_READ_TIMEOUT_MS
#define IOTLS_DEFAULT_READ_TIMEOUT_MS 30000u
#endif
/* Longest wait for the peer to accept one write (all bytes of it). */
#ifndef IOTLS_DEFAULT_WRITE_TIMEOUT_MS
#define IOTLS_DEFAULT_WRITE_TIMEOUT_MS 30000u
#endif

/* Addresses tried per host name, in the order the resolver gave them. */
#ifndef IOTLS_MAX_ADDRS
#define IOTLS_MAX_ADDRS 8
#endif

/* Longest host name iotls accepts: a DNS name is at most 253 characters in
 * text form (RFC 1035), and RFC 6066 requires SNI to be a DNS host name. */
#ifndef IOTLS_MAX_HOSTNAME
#define IOTLS_MAX_HOSTNAME 253
#endif

/* Longest cipher suite list a conf may carry (iotls_conf_set_ciphersuites;
 * the defaults are 9). Each connection keeps it as Mbed TLS's int list:
 * 4 bytes of heap per entry. */
#ifndef IOTLS_MAX_SUITES
#define IOTLS_MAX_SUITES 64
#endif

/* Session resumption (session.h): the largest session blob iotls makes
 * or takes (a TLS 1.3 ticket session is ~100 bytes plus the server's
 * ticket and twice the host name), the sessions the in-process cache
 * keeps (static memory: entries x IOTLS_SESSION_MAX bytes; 0 turns the
 * cache off), and the lifetime assumed for a TLS 1.2 session ID or a
 * ticket without a lifetime hint (RFC 5246 suggests at most 24 hours). */
#ifndef IOTLS_SESSION_MAX
#define IOTLS_SESSION_MAX 1024
#endif
#ifndef IOTLS_SESSION_CACHE_ENTRIES
#define IOTLS_SESSION_CACHE_ENTRIES 4
#endif
#ifndef IOTLS_SESSION_DEFAULT_LIFETIME_S
#define IOTLS_SESSION_DEFAULT_LIFETIME_S 86400u
#endif
/* Rejected certificates remembered, in detail, per trust store (all of them
 * are counted). */
#ifndef IOTLS_TRUST_MAX_ISSUES
#define IOTLS_TRUST_MAX_ISSUES 16
#endif

/* Evidence kept from the hellos on the wire (see iotls_wire in error.h).
 * Lists longer than this are counted in full and kept truncated. */
/* Room for the subject DN (text) of the root that anchored a verified
 * chain, kept per connection (iotls_conn_anchor) and returned by
 * iotls_verify_chain_params(). */
#ifndef IOTLS_ANCHOR_SUBJECT_MAX
#define IOTLS_ANCHOR_SUBJECT_MAX 128
#endif

#ifndef IOTLS_EV_MAX_SUITES
#define IOTLS_EV_MAX_SUITES 32
#endif
#ifndef IOTLS_EV_MAX_GROUPS
#define IOTLS_EV_MAX_GROUPS 12
#endif
#ifndef IOTLS_EV_MAX_SIGALGS
#define IOTLS_EV_MAX_SIGALGS 16
#endif
#ifndef IOTLS_EV_MAX_EXTS
#define IOTLS_EV_MAX_EXTS 20
#endif
#ifndef IOTLS_EV_MAX_HS_MSGS
#define IOTLS_EV_MAX_HS_MSGS 12
#endif
#ifndef IOTLS_EV_FIRST_BYTES
#define IOTLS_EV_FIRST_BYTES 48
#endif
#ifndef IOTLS_EV_MAX_CR_CAS
#define IOTLS_EV_MAX_CR_CAS 8 /* CA names of a CertificateRequest kept (hashed) */
#endif

/* 1: a diagnosis carries its words (summary, evidence, fixes, notes), as
 * on the host. 0: it carries the cause id, the certainty and the
 * candidates' ids only, and every text of src/diagnose/ is compiled out:
 * the lean device build, whose words live on the host (the cause id names
 * docs/causes/<id>.md; `iotls diagnose` explains it). */
#ifndef IOTLS_DIAG_TEXT
#define IOTLS_DIAG_TEXT 1
#endif

/* Compile-time checks of impossible combinations. */
#if IOTLS_MAX_ADDRS < 1
#error "IOTLS_MAX_ADDRS must be at least 1"
#endif
#if IOTLS_MAX_SUITES < 9
#error "IOTLS_MAX_SUITES must hold at least the 9 default suites"
#endif
#if IOTLS_MAX_HOSTNAME > 255
#error "IOTLS_MAX_HOSTNAME cannot exceed 255 (Mbed TLS MBEDTLS_SSL_MAX_HOST_NAME_LEN)"
#endif
#if IOTLS_SESSION_MAX < 128 || IOTLS_SESSION_MAX > 65535
#error "IOTLS_SESSION_MAX must be 128 to 65535 bytes"
#endif
#if IOTLS_EV_FIRST_BYTES < 8
#error "IOTLS_EV_FIRST_BYTES must be at least 8 to tell TLS from other protocols"
#endif

#endif /* IOTLS_CONFIG_H */
