/*
 * The demo's TLS server: a stand-in for the server in the seed case, on
 * 127.0.0.1, in a thread. Built directly on Mbed TLS's server API (it is a
 * test peer, not part of the library): a throwaway CA and server
 * certificate made at run time in memory; it serves exactly one name and
 * answers any other SNI, or none, with fatal alert 40 (handshake_failure),
 * as Google's front end did to the vendor example.
 */
#ifndef IOTLS_CLI_DEMO_SERVER_H
#define IOTLS_CLI_DEMO_SERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#define IOTLS_CLI_DEMO_NAME "device-api.example.test"
#define IOTLS_CLI_DEMO_MAX_SEEN 8

/* What the server saw of one connection, for the demo's explanation. */
typedef struct iotls_cli_demo_seen {
    int has_sni;
    char sni[256];
    int served;           /* the name matched: the certificate was served */
    int handshake_rc;     /* mbedtls_ssl_handshake's result */
} iotls_cli_demo_seen;

typedef struct iotls_cli_demo_server {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context ca_key, key;
    mbedtls_x509_crt chain;               /* server certificate, then the CA */
    mbedtls_ssl_config conf;
    unsigned char ca_pem[2048];           /* the CA, for the client to trust */
    size_t ca_pem_len;                    /* without the terminating NUL */
    int listen_fd;
    int stop_pipe[2];
    uint16_t port;
    pthread_t thread;
    int thread_started;
    pthread_mutex_t lock;                 /* guards seen/n_seen */
    iotls_cli_demo_seen seen[IOTLS_CLI_DEMO_MAX_SEEN];
    int n_seen;
    char err[160];                        /* why start failed */
} iotls_cli_demo_server;

/* Makes the keys and certificates, listens on 127.0.0.1 (a free port) and
 * starts the thread. Returns 0, or -1 with s->err. Call stop() either way. */
int iotls_cli_demo_server_start(iotls_cli_demo_server *s);

/* Copies what the server saw of connection i (0-based); 0, or -1 if none. */
int iotls_cli_demo_server_seen(iotls_cli_demo_server *s, int i, iotls_cli_demo_seen *out);

/* Stops the thread, closes the socket, frees everything. */
void iotls_cli_demo_server_stop(iotls_cli_demo_server *s);

#endif /* IOTLS_CLI_DEMO_SERVER_H */
