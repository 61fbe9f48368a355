/*
 * The diagnosis of a failed command: made from the result's evidence, shown
 * to people after the one-line error, and written into the --json object.
 * The words of a diagnosis come from the library (iotls_diagnose); this file
 * only lays them out.
 */
#include <stdio.h>
#include <string.h>

#include "diag_report.h"
#include "json.h"

void iotls_cli_diag_make(const iotls_cli_result *r, iotls_diagnosis *d)
{
    iotls_diag_input in;

    memset(d, 0, sizeof *d);
    if (r->ok || r->err.code == IOTLS_OK)
        return; /* a success, or a failure of the tool's own (HTTP, output) */
    iotls_diag_input_init(&in);
    iotls_diag_input_from_conn(&in, r->conn, r->conf);
    if (in.host == NULL)
        in.host = r->host;
    if (in.trust == NULL)
        in.trust = r->trust; /* a trust store that failed to load is not in the conf yet */
    in.build_time = iotls_build_time(__DATE__);
    if (iotls_diagnose(&r->err, &in, d) != 1)
        memset(d, 0, sizeof *d);
}

void iotls_cli_result_diagnose(iotls_cli_result *r)
{
    if (r->diag_done)
        return;
    iotls_cli_diag_make(r, &r->diag);
    r->diag_done = 1;
}

const iotls_diagnosis *iotls_cli_result_diag(const iotls_cli_result *r, iotls_diagnosis *tmp)
{
    if (r->diag_done)
        return &r->diag;
    iotls_cli_diag_make(r, tmp);
    return tmp;
}

void iotls_cli_report_json_diag(iotls_cli_json *j, const iotls_diagnosis *d)
{
    int has = d != NULL && d->cause != IOTLS_CAUSE_NONE;

    iotls_cli_json_str(j, "cause", has ? iotls_cause_name(d->cause) : NULL);
    iotls_cli_json_str(j, "certainty", has ? iotls_certainty_name(d->certainty) : NULL);
    iotls_cli_json_str(j, "summary", has ? d->summary : NULL);
    iotls_cli_json_arr_begin(j, "evidence");
    for (int i = 0; has && i < d->n_evidence && i < IOTLS_DIAG_MAX_EVIDENCE; i++)
        iotls_cli_json_str(j, NULL, d->evidence[i]);
    iotls_cli_json_arr_end(j);
    if (has) {
        iotls_cli_json_obj_begin(j, "fix");
        iotls_cli_json_str(j, "tool", d->fix_tool[0] ? d->fix_tool : NULL);
        iotls_cli_json_str(j, "device", d->fix_device[0] ? d->fix_device : NULL);
        iotls_cli_json_str(j, "server", d->fix_server[0] ? d->fix_server : NULL);
        iotls_cli_json_obj_end(j);
    } else {
        iotls_cli_json_null(j, "fix");
    }
    iotls_cli_json_arr_begin(j, "candidates");
    for (int i = 0; has && i < d->n_candidates && i < IOTLS_DIAG_MAX_CANDIDATES; i++) {
        iotls_cli_json_obj_begin(j, NULL);
        iotls_cli_json_str(j, "cause", iotls_cause_name(d->candidates[i].cause));
        iotls_cli_json_str(j, "why", d->candidates[i].why);
        iotls_cli_json_obj_end(j);
    }
    iotls_cli_json_arr_end(j);
    iotls_cli_json_str(j, "doc", has && d->doc[0] ? d->doc : NULL);
    iotls_cli_json_arr_begin(j, "notes");
    for (int i = 0; has && i < d->n_notes && i < IOTLS_DIAG_MAX_NOTES; i++)
        iotls_cli_json_str(j, NULL, d->notes[i]);
    iotls_cli_json_arr_end(j);
}

void iotls_cli_report_diagnosis(const iotls_diagnosis *d, int verbose, const char *indent,
                                FILE *out)
{
    if (d == NULL || d->cause == IOTLS_CAUSE_NONE)
        return;
    if (indent == NULL)
        indent = "";
    fprintf(out, "%scause: %s (%s)\n", indent, iotls_cause_name(d->cause),
            iotls_certainty_name(d->certainty));
    if (d->summary[0])
        fprintf(out, "%s  why:           %s\n", indent, d->summary);
    if (d->fix_tool[0])
        fprintf(out, "%s  fix (iotls):   %s\n", indent, d->fix_tool);
    if (d->fix_device[0])
        fprintf(out, "%s  fix (device):  %s\n", indent, d->fix_device);
    if (d->fix_server[0])
        fprintf(out, "%s  fix (server):  %s\n", indent, d->fix_server);
    if (d->doc[0])
        fprintf(out, "%s  see:           %s\n", indent, d->doc);
    if (verbose) {
        for (int i = 0; i < d->n_evidence && i < IOTLS_DIAG_MAX_EVIDENCE; i++)
            fprintf(out, "%s  evidence:      %s\n", indent, d->evidence[i]);
        if (d->n_candidates > 1)
            for (int i = 0; i < d->n_candidates && i < IOTLS_DIAG_MAX_CANDIDATES; i++)
                fprintf(out, "%s  candidate %d:   %s: %s\n", indent, i + 1,
                        iotls_cause_name(d->candidates[i].cause), d->candidates[i].why);
    } else if (d->n_candidates > 1) {
        fprintf(out, "%s  other candidates:", indent);
        for (int i = 1; i < d->n_candidates && i < IOTLS_DIAG_MAX_CANDIDATES; i++)
            fprintf(out, " %s", iotls_cause_name(d->candidates[i].cause));
        fprintf(out, " (-v for why)\n");
    }
    for (int i = 0; i < d->n_notes && i < IOTLS_DIAG_MAX_NOTES; i++)
        fprintf(out, "%s  also:          %s\n", indent, d->notes[i]);
}
