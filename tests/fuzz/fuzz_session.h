/*
 * The client session of fuzz_handshake, run call for call by the seed maker
 * (seedgen_handshake) against real servers: connect to fuzz.example with
 * the default configuration, send an HTTP request, read the answer, close.
 * Both must make the same calls in the same order, or the deterministic RNG
 * of fuzz_mem_port.c hands them different keys and a recorded flight no
 * longer decrypts.
 */
#ifndef IOTLS_FUZZ_SESSION_H
#define IOTLS_FUZZ_SESSION_H

#include "iotls/iotls.h"

#define FUZZ_SESSION_HOST "fuzz.example"

typedef struct fuzz_session_rc {
    int setup, connect, write, close;
    int read;  /* the last iotls_conn_read() result */
    int reads; /* its calls */
} fuzz_session_rc;

/* The trust store: dir/root.pem (the seeds' CA). 0 on success. */
int fuzz_session_trust(iotls_trust *t, const char *dir);

/* Runs the session on c (iotls_conn_init()ed, freed by the caller after
 * looking at it). conf must outlive c. */
void fuzz_session_run(iotls_conn *c, iotls_conf *conf, iotls_trust *trust, fuzz_session_rc *rc);

#endif /* IOTLS_FUZZ_SESSION_H */
