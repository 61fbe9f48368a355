/*
 * The HTTP options of `iotls get` (curl's spelling): -H, -X, -d,
 * --data-binary, --data-raw, -L, --max-redirs, -f, -w, -s. Parsing and
 * checking only; the body files are read by the command (a file that
 * cannot be read is a setup failure, exit 3, not a usage error).
 */
#ifndef IOTLS_CLI_HTTP_OPTS_H
#define IOTLS_CLI_HTTP_OPTS_H

#include <stddef.h>

#define IOTLS_CLI_MAX_USER_HEADERS 64
#define IOTLS_CLI_MAX_DATA 16
#define IOTLS_CLI_MAX_METHOD 32
#define IOTLS_CLI_DEFAULT_MAX_REDIRS 10
#define IOTLS_CLI_MAX_MAX_REDIRS 100

/* Which option (opts.c passes its id minus its first HTTP id). */
typedef enum iotls_cli_hopt {
    IOTLS_CLI_HOPT_HEADER = 0,   /* -H, --header */
    IOTLS_CLI_HOPT_REQUEST,      /* -X, --request */
    IOTLS_CLI_HOPT_DATA,         /* -d, --data: @FILE has CR and LF removed */
    IOTLS_CLI_HOPT_DATA_BINARY,  /* --data-binary: @FILE as is */
    IOTLS_CLI_HOPT_DATA_RAW,     /* --data-raw: no @FILE */
    IOTLS_CLI_HOPT_LOCATION,     /* -L, --location */
    IOTLS_CLI_HOPT_MAX_REDIRS,   /* --max-redirs N */
    IOTLS_CLI_HOPT_FAIL,         /* -f, --fail */
    IOTLS_CLI_HOPT_WRITE_OUT,    /* -w, --write-out */
    IOTLS_CLI_HOPT_SILENT        /* -s, --silent */
} iotls_cli_hopt;

typedef struct iotls_cli_data_item {
    const char *val;             /* argv storage */
    iotls_cli_hopt kind;         /* DATA, DATA_BINARY or DATA_RAW */
} iotls_cli_data_item;

typedef struct iotls_cli_http_opts {
    const char *headers[IOTLS_CLI_MAX_USER_HEADERS]; /* checked "Name: value", "Name:", "Name;" */
    size_t n_headers;
    const char *method;          /* -X, NULL: GET, or POST with data */
    iotls_cli_data_item data[IOTLS_CLI_MAX_DATA];
    size_t n_data;
    int follow;                  /* -L */
    int max_redirs;              /* --max-redirs, when max_redirs_given */
    int max_redirs_given;
    int fail;                    /* -f */
    const char *write_out;       /* -w FORMAT, checked */
    int silent;                  /* -s: no progress bar */
    int given;                   /* any of these options (get only) */
} iotls_cli_http_opts;

/* Applies one option. Returns 0 or -1 with the reason (naming shown) in err. */
int iotls_cli_http_opt(iotls_cli_http_opts *h, int which, const char *shown, const char *val,
                       char *err, size_t errlen);

/* The redirect limit in force. */
int iotls_cli_http_max_redirs(const iotls_cli_http_opts *h);

/*
 * A -H value: "Name: value" (leading blanks of the value dropped), "Name:"
 * (removes that default header), "Name;" (sends it with an empty value).
 * Returns 0 and the name's length in *name_len, or -1 with the reason.
 */
int iotls_cli_header_check(const char *h, size_t *name_len, char *err, size_t errlen);

/* A -X method: an HTTP token (RFC 9110 5.6.2). 0 or -1 with the reason. */
int iotls_cli_method_check(const char *m, char *err, size_t errlen);

#endif /* IOTLS_CLI_HTTP_OPTS_H */
