/*
 * Diagnosis, middle layer (fix.c): settling a conclusion and the default
 * fixes of each cause. Reads evidence.h; the rules sit above it.
 */
#ifndef IOTLS_DIAG_FIX_H
#define IOTLS_DIAG_FIX_H

#include <stdio.h>

#include "diagnose/evidence.h"

/* Write one of the diagnosis' fix lines (fix_tool, fix_device, fix_server);
 * nothing without IOTLS_DIAG_TEXT. */
#if IOTLS_DIAG_TEXT
#define IOTLS_DIAG_FIX(x, field, ...) snprintf((x)->d->field, sizeof((x)->d->field), __VA_ARGS__)
#else
#define IOTLS_DIAG_FIX(x, field, ...) iotls_diag_drop((x), __VA_ARGS__)
#endif

/*
 * Settle the diagnosis: with candidates, the first one is the cause
 * (AMBIGUOUS if there are several, else `certainty`); without, `cause`.
 * Fills the fixes of the cause unless a rule already did.
 */
void iotls_diag_conclude(iotls_diag_ctx *x, iotls_cause cause, iotls_certainty certainty);

/* The default fixes of a cause (src/diagnose/fix.c), for this context. */
void iotls_diag_fill_fix(iotls_diag_ctx *x, iotls_cause c);

#endif /* IOTLS_DIAG_FIX_H */
