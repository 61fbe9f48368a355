/*
 * Diagnosis, top layer: one entry point per family of causes (rules_*.c)
 * and the side notes (notes.c), called in order by diagnose.c. Each family
 * returns 1 when it concluded, 0 to let the next try.
 */
#ifndef IOTLS_DIAG_RULES_H
#define IOTLS_DIAG_RULES_H

#include "diagnose/fix.h"

/* Families. */
int iotls_diag_setup(iotls_diag_ctx *x);     /* memory, entropy, trust store */
int iotls_diag_network(iotls_diag_ctx *x);   /* dns, connect, read, write */
int iotls_diag_handshake(iotls_diag_ctx *x); /* what the server answered */
int iotls_diag_cert(iotls_diag_ctx *x);      /* verify flags and the chain */

/* Notes that hold whatever the cause: trust store issues, a narrow offer,
 * an SNI other than the host, a clock before the build date. */
void iotls_diag_side_notes(iotls_diag_ctx *x);

#endif /* IOTLS_DIAG_RULES_H */
