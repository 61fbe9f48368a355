/*
 * --session FILE for connect and get: offer the session saved in FILE
 * (when there is one), save the connection's session to it afterwards;
 * and the "resumed" line of the connection report.
 */
#ifndef IOTLS_CLI_SESSION_FILE_H
#define IOTLS_CLI_SESSION_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "iotls/iotls.h"

#include "opts.h"

struct iotls_cli_session;

/* --session applies to connect and get only: 0, or -1 with err. */
int iotls_cli_session_file_check(const iotls_cli_opts *o, char *err, size_t errlen);

/*
 * Reads --session FILE into the conf of s. A missing file is the first
 * run: nothing to offer. A file that cannot be read or holds no usable
 * session (damaged, another format or build) gets a warning on stderr and
 * a full handshake; an expired one a full handshake (-v says so: it is the
 * normal end of a session). Never a failure.
 */
void iotls_cli_session_file_load(struct iotls_cli_session *s);

/*
 * After a successful exchange, before the close: the connection's session
 * into --session FILE, atomically (a temporary file in the same directory,
 * then rename), mode 0600. No session (the server sent none): the file is
 * left as it was. A file that cannot be written: a warning; the command
 * still succeeds.
 */
void iotls_cli_session_file_save(struct iotls_cli_session *s);

/* "  resumed      yes (TLS 1.3 ticket) ..." / "no ..." for the connect report. */
void iotls_cli_report_resumed(const iotls_conn *c, FILE *out);

#endif /* IOTLS_CLI_SESSION_FILE_H */
