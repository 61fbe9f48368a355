/*
 * Command-line parsing for the iotls tool: options in curl's spelling where
 * curl has one. Parsing only; nothing is opened or dialed here.
 */
#ifndef IOTLS_CLI_OPTS_H
#define IOTLS_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "tlsopts.h"
#include "url.h"

#define IOTLS_CLI_MAX_RESOLVE 8

typedef enum iotls_cli_command {
    IOTLS_CLI_CMD_NONE = 0,
    IOTLS_CLI_CMD_CONNECT,
    IOTLS_CLI_CMD_GET,
    IOTLS_CLI_CMD_DEMO,
    IOTLS_CLI_CMD_HELP,
    IOTLS_CLI_CMD_VERSION,
    IOTLS_CLI_CMD_DIAGNOSE
} iotls_cli_command;

typedef struct iotls_cli_opts {
    iotls_cli_command command;
    const char *target;            /* URL (get) or HOST[:PORT] (connect, diagnose); argv storage */
    iotls_cli_url url;             /* target, parsed */
    const char *cacert;            /* --cacert FILE */
    const char *capath;            /* --capath DIR */
    iotls_cli_resolve resolve[IOTLS_CLI_MAX_RESOLVE];
    size_t n_resolve;
    uint32_t connect_timeout_ms;   /* --connect-timeout, 0 = library default */
    uint32_t max_time_ms;          /* -m/--max-time, 0 = none */
    int verbose;                   /* -v */
    const char *output;            /* -o FILE */
    int include_headers;           /* -i */
    const char *sni;               /* --sni NAME */
    int no_sni;                    /* --no-sni */
    int debug;                     /* --debug N, 0..4 */
    int json;                      /* --json */
    const char *cert;              /* --cert FILE: client certificate (PEM/DER) */
    const char *key;               /* --key FILE: its private key */
    const char *pass;              /* --pass PHRASE: the key's password */
    iotls_cli_tls tls;             /* --tlsv1.2 --tlsv1.3 --tls-max --ciphers
                                      --tls13-ciphers --curves */
    int tls_given;                 /* any of those was given */
} iotls_cli_opts;

/*
 * Parse argv (argv[0] is the program). Returns 0, or -1 with a one-line
 * reason in err (a usage error: exit 2). Options may come before or after
 * the command; "--" ends them.
 */
int iotls_cli_opts_parse(int argc, char **argv, iotls_cli_opts *o, char *err, size_t errlen);

/*
 * Seconds as given on the command line ("10", "0.5", ".25") to
 * milliseconds, rounded up; 0 < value <= 4294967 s. Returns 0 or -1.
 */
int iotls_cli_seconds_parse(const char *s, uint32_t *ms);

/* The --help text. */
const char *iotls_cli_usage(void);

/* For the option parsers (opts.c, tlsopts.c): writes the one-line reason
 * into err and returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int iotls_cli_opt_fail(char *err, size_t errlen, const char *fmt, ...);

#endif /* IOTLS_CLI_OPTS_H */
