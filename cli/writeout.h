/*
 * -w FORMAT: curl's write-out variables (%{http_code}, %{time_total}, ...)
 * and escapes (\n, \t, \r, \\, %%), written once after the transfer or its
 * failure (docs/http.md lists every variable).
 */
#ifndef IOTLS_CLI_WRITEOUT_H
#define IOTLS_CLI_WRITEOUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct iotls_cli_wvals {
    int http_code;                    /* 0: no response */
    int http_version_minor;           /* -1: no response */
    /* seconds since the command started; 0 when not reached */
    double t_namelookup, t_connect, t_appconnect, t_starttransfer, t_redirect, t_total;
    unsigned long long size_download; /* body bytes of the final response */
    unsigned long long size_header;   /* header bytes of every response */
    unsigned long long size_request;  /* request bytes sent, every hop */
    unsigned long long size_upload;   /* body bytes sent, every hop */
    const char *url;                  /* as given */
    const char *url_effective;        /* the last one requested */
    const char *method;               /* of the last request */
    const char *remote_ip;            /* "" none */
    int remote_port;
    const char *redirect_url;         /* a Location not followed, "" none */
    const char *errormsg;             /* "" on success */
    int exitcode;
    int num_redirects;
    int num_connects;
    long long ssl_verify_result;      /* verify flags, 0 = verified */
    const unsigned char *head;        /* the final response's header block */
    size_t head_len;
} iotls_cli_wvals;

/* Checks a format: every %{variable} known, every %header{NAME} named.
 * 0 or -1 with the reason (naming opt) in err. */
int iotls_cli_writeout_check(const char *fmt, const char *opt, char *err, size_t errlen);

/* Writes fmt with v to out (%{stderr} / %{stdout} switch to err / out). */
void iotls_cli_writeout_print(const char *fmt, const iotls_cli_wvals *v, FILE *out, FILE *err);

#endif /* IOTLS_CLI_WRITEOUT_H */
