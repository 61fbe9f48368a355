/*
 * From the attempts of `iotls diagnose` to a confirmed cause: which one
 * change made the connection work (or, for what Mbed TLS cannot
 * offer, what the server chose from a hand-built ClientHello), and the fix
 * that follows from it.
 */
#ifndef IOTLS_CLI_CONFIRM_H
#define IOTLS_CLI_CONFIRM_H

#include <stddef.h>

#include "iotls/iotls.h"

#include "attempt.h"
#include "opts.h"

/*
 * Reads the attempts (att[0] is the reproduction with the user's
 * settings) and, when one confirms a cause, rewrites *d (which holds the
 * passive diagnosis of the reproduction) as that cause with certainty
 * IOTLS_DIAG_CONFIRMED, its summary, evidence and fixes. Returns the index
 * of the deciding attempt, or 0 when nothing is confirmed (then *d is
 * left as it was, plus a note).
 */
size_t iotls_cli_confirm(const iotls_cli_opts *o, const iotls_cli_attempt *att, size_t n,
                         iotls_diagnosis *d);

/* 1 if attempt a, compared with the reproduction orig, confirms the cause
 * of its change: it worked, or (client certificates) the server's refusal
 * changed from "none given" to "this one is not trusted" or back. */
int iotls_cli_attempt_confirms(const iotls_cli_attempt *orig, const iotls_cli_attempt *a);

/* The cause a successful change confirms (IOTLS_CAUSE_NONE for a probe or
 * the reproduction). */
iotls_cause iotls_cli_change_cause(const iotls_cli_opts *o, iotls_cli_change c);

#endif /* IOTLS_CLI_CONFIRM_H */
