/*
 * The options of tlsopt.h inside a connection (private): the hooks conn.c
 * calls, and the pin check of pin.c.
 */
#ifndef IOTLS_TLSOPT_INT_H
#define IOTLS_TLSOPT_INT_H

#include "conn/engine.h"

/* Onto the Mbed TLS config, before mbedtls_ssl_setup(): max_fragment_length,
 * the PSK and its key exchange modes and suites. IOTLS_OK or the failure
 * (set on c, stage setup). */
int iotls_tlsopt_conf_apply(iotls_conn *c, mbedtls_ssl_config *sc);
/* Onto the SSL context, after mbedtls_ssl_setup(): the key log. */
void iotls_tlsopt_ssl_apply(iotls_conn *c);
/* After the handshake (stage handshake: the pins too) and after each read
 * (stage read): IOTLS_OK, or the failure set on c. */
int iotls_tlsopt_check(iotls_conn *c, iotls_stage stage);
/* 1 when the conf authenticates with a PSK: no trust store needed. */
int iotls_tlsopt_psk_only(const iotls_conf *conf);

/* pin.c: the server's leaf key against conf->opt.pins (none: IOTLS_OK);
 * a mismatch fails c with IOTLS_ERR_PIN_MISMATCH, both pins in the detail. */
int iotls_pin_check(iotls_conn *c);

#endif /* IOTLS_TLSOPT_INT_H */
