/*
 * iotls: the command-line tool. Everything but main() lives in the other
 * cli/ files, so the unit tests can link them.
 */
#include <signal.h>
#include <stdio.h>

#include "cmd.h"
#include "exitcode.h"
#include "opts.h"

int main(int argc, char **argv)
{
    static iotls_cli_opts opts; /* large (URL buffers): not on the stack */
    char err[512];

    /* A closed stdout (iotls get ... | head) is a write error to report,
     * not a signal that kills the process mid-report. */
    signal(SIGPIPE, SIG_IGN);
    if (iotls_cli_opts_parse(argc, argv, &opts, err, sizeof err) != 0) {
        fprintf(stderr, "iotls: %s\n", err);
        return IOTLS_CLI_EXIT_USAGE;
    }
    switch (opts.command) {
    case IOTLS_CLI_CMD_HELP:
        fputs(iotls_cli_usage(), stdout);
        return IOTLS_CLI_EXIT_OK;
    case IOTLS_CLI_CMD_VERSION:
        iotls_cli_print_version();
        return IOTLS_CLI_EXIT_OK;
    case IOTLS_CLI_CMD_CONNECT:
        return iotls_cli_cmd_connect(&opts);
    case IOTLS_CLI_CMD_GET:
        return iotls_cli_cmd_get(&opts);
    case IOTLS_CLI_CMD_DEMO:
        return iotls_cli_cmd_demo(&opts);
    case IOTLS_CLI_CMD_DIAGNOSE:
        return iotls_cli_cmd_diagnose(&opts);
    case IOTLS_CLI_CMD_VERIFY:
        return iotls_cli_cmd_verify(&opts);
    case IOTLS_CLI_CMD_BUNDLE:
        return iotls_cli_cmd_bundle(&opts);
    default:
        fprintf(stderr, "iotls: no command given (see iotls --help)\n");
        return IOTLS_CLI_EXIT_USAGE;
    }
}
