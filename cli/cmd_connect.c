/*
 * `iotls connect HOST[:PORT]`: handshake, show what was negotiated and the
 * peer chain, close with close_notify.
 */
#include <stdio.h>

#include "cmd.h"
#include "exitcode.h"
#include "report.h"
#include "session.h"
#include "session_file.h"

int iotls_cli_cmd_connect(const iotls_cli_opts *o)
{
    iotls_cli_session s;
    iotls_cli_result r;
    int rc;

    iotls_cli_result_init(&r, "connect", o->url.host, o->url.port);
    iotls_cli_session_init(&s, o, &r);
    rc = iotls_cli_session_open(&s);
    if (rc == 0) {
        r.ok = 1;
        if (!o->json)
            iotls_cli_report_connection(&r, stdout);
        iotls_cli_session_file_save(&s); /* --session FILE */
        iotls_cli_verbose(o, "sending close_notify");
        if (iotls_conn_close(&s.conn) != IOTLS_OK)
            rc = iotls_cli_session_fail(&s);
        else
            iotls_cli_session_evidence(&s);
    }
    iotls_cli_session_report(&s, rc);
    iotls_cli_session_free(&s);
    return rc;
}
