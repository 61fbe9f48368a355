/*
 * The tool's exit codes (docs/exit-codes.md): one per stage of failure.
 */
#ifndef IOTLS_CLI_EXITCODE_H
#define IOTLS_CLI_EXITCODE_H

#include "iotls/error.h"

#define IOTLS_CLI_EXIT_OK 0
#define IOTLS_CLI_EXIT_INTERNAL 1
#define IOTLS_CLI_EXIT_USAGE 2
#define IOTLS_CLI_EXIT_SETUP 3
#define IOTLS_CLI_EXIT_DNS 4
#define IOTLS_CLI_EXIT_CONNECT 5
#define IOTLS_CLI_EXIT_HANDSHAKE 6
#define IOTLS_CLI_EXIT_VERIFY 7
#define IOTLS_CLI_EXIT_READ 8
#define IOTLS_CLI_EXIT_WRITE 9
#define IOTLS_CLI_EXIT_CLOSE 10
#define IOTLS_CLI_EXIT_HTTP 11
/* iotls diagnose: the failure was reproduced, retries were made, and no
 * single change made it work (the cause is not confirmed) */
#define IOTLS_CLI_EXIT_UNCONFIRMED 12
/* iotls get --fail: the server answered with an HTTP status >= 400 (22 as
 * in curl, so scripts written for curl -f keep working) */
#define IOTLS_CLI_EXIT_HTTP_STATUS 22

/* Exit code for a library error: by the stage it happened in, and by the
 * code when the stage does not decide (setup, none). */
int iotls_cli_exit_code(int err, iotls_stage stage);

#endif /* IOTLS_CLI_EXITCODE_H */
