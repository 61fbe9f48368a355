/*
 * Command-line parsing for the iotls tool: options in curl's spelling where
 * curl has one. Parsing only; nothing is opened or dialed here.
 */
#ifndef IOTLS_CLI_OPTS_H
#define IOTLS_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "devopts.h"
#include "http_opts.h"
#include "tlsopts.h"
#include "url.h"

#define IOTLS_CLI_MAX_RESOLVE 8
#define IOTLS_CLI_MAX_BUNDLE_FOR 16

typedef enum iotls_cli_command {
    IOTLS_CLI_CMD_NONE = 0,
    IOTLS_CLI_CMD_CONNECT,
    IOTLS_CLI_CMD_GET,
    IOTLS_CLI_CMD_DEMO,
    IOTLS_CLI_CMD_HELP,
    IOTLS_CLI_CMD_VERSION,
    IOTLS_CLI_CMD_DIAGNOSE,
    IOTLS_CLI_CMD_VERIFY,
    IOTLS_CLI_CMD_BUNDLE
} iotls_cli_command;

typedef struct iotls_cli_opts {
    iotls_cli_command command;
    const char *target;            /* URL (get) or HOST[:PORT] (connect, diagnose); argv storage */
    iotls_cli_url url;             /* target, parsed */
    const char *cacert;            /* --cacert FILE */
    const char *capath;            /* --capath DIR */
    const char *crlfile;           /* --crlfile FILE: CRLs (PEM or DER) */
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
    /* verify: target is the CHAIN file */
    const char *verify_host;       /* --host NAME (DNS name or IP literal) */
    int no_host;                   /* --no-host: check no name */
    int at_given;                  /* --at TIME was given */
    int64_t at;                    /* --at, s since 1970 UTC */
    int max_intermediates;         /* --max-intermediates N, -1 when not given */
    /* bundle (cmd_bundle.c); --bundle also for connect and get */
    const char *bundle;            /* --bundle FILE: verify with this root bundle */
    int bundle_system;             /* --system: Debian's ca-certificates */
    const char *bundle_for[IOTLS_CLI_MAX_BUNDLE_FOR]; /* --for HOST[:PORT] */
    size_t n_bundle_for;
    const char *c_array;           /* --c-array NAME: -o gets C source */
    int bundle_names;              /* --names: keep a short name per root */
    int hash_bytes;                /* --hash-bytes N, 0: the default */
    const char *session_file;      /* --session FILE: resume from it, save to it
                                      (connect, get; session_file.c) */
    iotls_cli_http_opts http;      /* get: -H -X -d --data-binary --data-raw -L
                                      --max-redirs -f -w -s (http_opts.c) */
    iotls_cli_dev dev;             /* --alpn --pinnedpubkey --psk-identity --psk
                                      --max-fragment (devopts.c) */
} iotls_cli_opts;

/* devopts.c: those options apply to connect and get only, --psk with
 * --psk-identity. 0 or -1 with the reason in err. */
int iotls_cli_dev_check(const iotls_cli_opts *o, char *err, size_t errlen);

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

/*
 * An RFC 3339 / ISO 8601 UTC time ("2023-11-27T20:48:32Z", "...+00:00", a
 * numeric offset, fractional seconds ignored) to seconds since 1970.
 * Returns 0 or -1.
 */
int iotls_cli_time_parse(const char *s, int64_t *out);

/* cmd_bundle.c: the bundle options (which: 0 --bundle, 1 --system, 2 --for,
 * 3 --c-array, 4 --names, 5 --hash-bytes) and the bundle command's checks.
 * 0 or -1 with the reason in err. */
int iotls_cli_bundle_opt(iotls_cli_opts *o, int which, const char *shown, const char *val,
                         char *err, size_t errlen);
int iotls_cli_bundle_check_opts(iotls_cli_opts *o, char *err, size_t errlen);
/* For every other command: -1 (reason in err) when a bundle option is
 * given where it does not apply. */
int iotls_cli_bundle_misuse(const iotls_cli_opts *o, char *err, size_t errlen);

/* http_opts.c: -1 (reason in err) when an HTTP option is given to a
 * command other than get, or -w with --json. */
int iotls_cli_http_check_opts(const iotls_cli_opts *o, char *err, size_t errlen);

/* The --help text. */
const char *iotls_cli_usage(void);

/* For the option parsers (opts.c, tlsopts.c): writes the one-line reason
 * into err and returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int iotls_cli_opt_fail(char *err, size_t errlen, const char *fmt, ...);

#endif /* IOTLS_CLI_OPTS_H */
