/*
 * The tool's options for deployed devices' TLS (tlsopt.h): --alpn,
 * --pinnedpubkey, --psk-identity/--psk, --max-fragment, and the key log of
 * SSLKEYLOGFILE. Parsed with the other options (a malformed value is a
 * usage error naming the option), applied to the conf by connect and get.
 */
#ifndef IOTLS_CLI_DEVOPTS_H
#define IOTLS_CLI_DEVOPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iotls/tlsopt.h"

typedef struct iotls_cli_dev {
    int given;                        /* any of these options */
    char alpn_buf[IOTLS_ALPN_LIST_MAX + 1];
    const char *alpn[IOTLS_ALPN_MAX_NAMES + 1]; /* into alpn_buf, NULL-terminated */
    size_t n_alpn;
    const char *pins;                 /* --pinnedpubkey: "sha256//..;.." or a key file */
    const char *psk_identity;         /* --psk-identity */
    uint8_t psk[IOTLS_MAX_PSK_LEN];   /* --psk HEX */
    size_t psk_len;
    unsigned max_fragment;            /* --max-fragment */
} iotls_cli_dev;

/* Option ids for iotls_cli_dev_opt(). */
enum { IOTLS_CLI_DEV_ALPN, IOTLS_CLI_DEV_PIN, IOTLS_CLI_DEV_PSK_ID, IOTLS_CLI_DEV_PSK,
       IOTLS_CLI_DEV_MAXFRAG };

/* One option's value into d. 0, or -1 with a line naming the option in err. */
int iotls_cli_dev_opt(iotls_cli_dev *d, int which, const char *val, char *err, size_t errlen);
/* After all options: the pairs (--psk with --psk-identity). 0 or -1 with err. */
int iotls_cli_dev_finish(const iotls_cli_dev *d, char *err, size_t errlen);

struct iotls_conf;
/* Onto conf, with -v lines when verbose; opens SSLKEYLOGFILE (append,
 * created 0600) into *keylog when set. 0, or an exit code (3: the
 * --pinnedpubkey file cannot be read or holds no public key) with the reason
 * in why. */
int iotls_cli_dev_apply(const iotls_cli_dev *d, struct iotls_conf *conf, int verbose,
                        FILE **keylog, char *why, size_t whylen);

struct iotls_conn;
/* Lines for `connect`'s report: the PSK, the pin, max_fragment_length. */
void iotls_cli_dev_report(const struct iotls_conn *c, FILE *out);

#endif /* IOTLS_CLI_DEVOPTS_H */
