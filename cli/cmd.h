/*
 * The tool's commands. Each returns the process exit code and prints its own
 * outcome (human text or the --json object).
 */
#ifndef IOTLS_CLI_CMD_H
#define IOTLS_CLI_CMD_H

#include "opts.h"

int iotls_cli_cmd_connect(const iotls_cli_opts *o);
int iotls_cli_cmd_get(const iotls_cli_opts *o);
int iotls_cli_cmd_demo(const iotls_cli_opts *o);
int iotls_cli_cmd_diagnose(const iotls_cli_opts *o);
int iotls_cli_cmd_verify(const iotls_cli_opts *o);
int iotls_cli_cmd_bundle(const iotls_cli_opts *o);

/* --version text. */
void iotls_cli_print_version(void);

#endif /* IOTLS_CLI_CMD_H */
