/*
 * curl's TLS offer options: --tlsv1.2, --tlsv1.3, --tls-max, --ciphers,
 * --tls13-ciphers, --curves. Names are read into IANA code points at parse
 * time (so a bad name is a usage error before anything is dialed) and
 * applied to an iotls_conf by the commands and by every diagnose attempt.
 */
#ifndef IOTLS_CLI_TLSOPTS_H
#define IOTLS_CLI_TLSOPTS_H

#include <stddef.h>
#include <stdint.h>

#define IOTLS_CLI_MAX_LIST 64

typedef struct iotls_cli_tls {
    uint16_t min_version;  /* 0x0303 / 0x0304; 0: the library default (TLS 1.2) */
    uint16_t max_version;  /* 0: the library default (TLS 1.3) */
    uint16_t suites12[IOTLS_CLI_MAX_LIST + 1]; /* --ciphers, 0-terminated */
    size_t n_suites12;
    uint16_t suites13[IOTLS_CLI_MAX_LIST + 1]; /* --tls13-ciphers */
    size_t n_suites13;
    uint16_t groups[IOTLS_CLI_MAX_LIST + 1];   /* --curves */
    size_t n_groups;
    /* What goes to iotls_conf_set_ciphersuites(): TLS 1.3 suites first (the
     * user's or the defaults), then TLS 1.2 ones; built by _finish(). */
    uint16_t suites[2 * IOTLS_CLI_MAX_LIST + 1];
    size_t n_suites;
} iotls_cli_tls;

/* "1.2" / "1.3" to 0x0303 / 0x0304; 0 for anything else. */
uint16_t iotls_cli_tls_version_parse(const char *s);

/*
 * A ':'-separated list of names for option opt ("--ciphers",
 * "--tls13-ciphers", "--curves") into t. Returns 0, or -1 with one line in
 * err naming the option and the bad item (unknown, not of that kind, not
 * in this build, empty).
 */
int iotls_cli_tls_list_parse(iotls_cli_tls *t, const char *opt, const char *list, char *err,
                             size_t errlen);

/* Checks the combination and builds t->suites. Returns 0 or -1 with err. */
int iotls_cli_tls_finish(iotls_cli_tls *t, char *err, size_t errlen);

struct iotls_conf;
/* Versions, suites and groups of t into conf (only what was given).
 * Returns IOTLS_OK or the library's refusal. */
int iotls_cli_tls_apply(const iotls_cli_tls *t, struct iotls_conf *conf);

/* Whether the user narrowed the versions (--tlsv1.3, --tls-max 1.2). */
int iotls_cli_tls_versions_narrowed(const iotls_cli_tls *t);

#endif /* IOTLS_CLI_TLSOPTS_H */
