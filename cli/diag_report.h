/*
 * The diagnosis of a failed command, for people and for --json.
 */
#ifndef IOTLS_CLI_DIAG_REPORT_H
#define IOTLS_CLI_DIAG_REPORT_H

#include <stdio.h>

#include "iotls/iotls.h"

#include "report.h"

/* Diagnoses r's failure into *d (cause none on success and for failures
 * of the tool's own, which carry no library error). */
void iotls_cli_diag_make(const iotls_cli_result *r, iotls_diagnosis *d);

/* r's diagnosis: r->diag when done, else made into *tmp. */
const iotls_diagnosis *iotls_cli_result_diag(const iotls_cli_result *r, iotls_diagnosis *tmp);

/* The diagnosis for people, after the one-line error: cause, why, the
 * fixes, the page; verbose adds the evidence and the candidates. Nothing
 * when d has no cause. Each line starts with indent (NULL: none). */
void iotls_cli_report_diagnosis(const iotls_diagnosis *d, int verbose, const char *indent,
                                FILE *out);

#endif /* IOTLS_CLI_DIAG_REPORT_H */
