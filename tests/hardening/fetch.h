/*
 * One HTTP GET over one iotls connection, through the public API only, for
 * the hardening drivers (alloc_torture.c, soak.c): what happened, in which
 * call, and whether the response was the one expected.
 */
#ifndef IOTLS_HARD_FETCH_H
#define IOTLS_HARD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/iotls.h"

/* The API call that failed. */
typedef enum hard_phase {
    PH_NONE = 0, /* nothing failed */
    PH_TRUST,    /* iotls_trust_add_file */
    PH_SETUP,    /* iotls_conn_setup */
    PH_CONNECT,  /* iotls_conn_connect */
    PH_WRITE,    /* iotls_conn_write */
    PH_READ,     /* iotls_conn_read */
    PH_CLOSE,    /* iotls_conn_close */
    PH_END
} hard_phase;

typedef struct hard_target {
    const char *host;        /* dialed and checked against the certificate */
    uint16_t port;
    const char *path;        /* "/page.txt" */
    const unsigned char *expect; /* the body the server must send */
    size_t expect_len;
} hard_target;

typedef struct hard_result {
    hard_phase phase;        /* PH_NONE: the GET completed */
    int code;                /* iotls_err of the failure, IOTLS_OK if none */
    iotls_stage stage;       /* the error's stage */
    iotls_cause cause;       /* the diagnosis' cause, IOTLS_CAUSE_NONE if none */
    int data_ok;             /* PH_NONE only: status 200 and the body exact */
    int resumed;             /* the handshake resumed a session */
    char text[200];          /* iotls_error_format() of the failure */
} hard_result;

const char *hard_phase_name(hard_phase p);

/* GET t->path with conf (trust, versions set by the caller); fills *r. The
 * connection is freed before it returns. */
void hard_fetch(const iotls_conf *conf, const hard_target *t, hard_result *r);

/* A failure outside a connection (loading the trust store), diagnosed as
 * the tool does: an iotls_error of stage setup. */
void hard_fail_setup(hard_phase phase, int code, hard_result *r);

/* Open file descriptors of this process (/proc/self/fd), -1 if unknown. */
int hard_open_fds(void);

/* Reads a whole file (the expected body) into a static buffer; NULL on error. */
const unsigned char *hard_read_file(const char *path, size_t *len);

#endif
