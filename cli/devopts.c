/*
 * --alpn, --pinnedpubkey, --psk-identity, --psk, --max-fragment and
 * SSLKEYLOGFILE: checked when parsed (usage errors name the option),
 * applied through the library's setters (tlsopt.h).
 */
#include "devopts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbedtls/pk.h"

#include "iotls/iotls.h"
#include "opts.h"

static int parse_alpn(iotls_cli_dev *d, const char *val, char *err, size_t errlen)
{
    size_t len = strlen(val), wire = 0;
    char *p;

    d->n_alpn = 0;
    if (len == 0)
        return iotls_cli_opt_fail(err, errlen, "--alpn: empty list (e.g. --alpn h2,http/1.1)");
    if (len > IOTLS_ALPN_LIST_MAX)
        return iotls_cli_opt_fail(err, errlen, "--alpn: list too long (at most %d bytes on the "
                                  "wire, %d protocols)", IOTLS_ALPN_LIST_MAX,
                                  IOTLS_ALPN_MAX_NAMES);
    memcpy(d->alpn_buf, val, len + 1);
    for (p = d->alpn_buf;;) {
        char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == 0)
            return iotls_cli_opt_fail(err, errlen, "--alpn: empty protocol name in \"%s\"", val);
        if (n > IOTLS_ALPN_NAME_MAX)
            return iotls_cli_opt_fail(err, errlen, "--alpn: protocol name \"%.20s...\" is %zu "
                                      "bytes; at most %d (RFC 7301)", p, n,
                                      IOTLS_ALPN_NAME_MAX);
        wire += 1 + n;
        if (d->n_alpn == IOTLS_ALPN_MAX_NAMES || wire > IOTLS_ALPN_LIST_MAX)
            return iotls_cli_opt_fail(err, errlen, "--alpn: list too long (at most %d protocols "
                                      "and %d bytes on the wire)", IOTLS_ALPN_MAX_NAMES,
                                      IOTLS_ALPN_LIST_MAX);
        d->alpn[d->n_alpn++] = p;
        if (end == NULL)
            break;
        *end = '\0';
        p = end + 1;
    }
    d->alpn[d->n_alpn] = NULL;
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int parse_psk(iotls_cli_dev *d, const char *val, char *err, size_t errlen)
{
    size_t len = strlen(val), i;

    if (len == 0)
        return iotls_cli_opt_fail(err, errlen, "--psk: empty key (give it in hex, e.g. "
                                  "--psk 1a2b3c...)");
    for (i = 0; i < len; i++)
        if (hexval(val[i]) < 0)
            return iotls_cli_opt_fail(err, errlen, "--psk: not hex: character %zu is '%c' "
                                      "(the key in hex, as openssl s_server -psk takes it)",
                                      i + 1, val[i] >= 0x20 && val[i] < 0x7f ? val[i] : '?');
    if (len % 2 != 0)
        return iotls_cli_opt_fail(err, errlen, "--psk: odd number of hex digits (%zu): two per "
                                  "byte", len);
    if (len / 2 > IOTLS_MAX_PSK_LEN)
        return iotls_cli_opt_fail(err, errlen, "--psk: key of %zu bytes; at most %d "
                                  "(MBEDTLS_PSK_MAX_LEN)", len / 2, IOTLS_MAX_PSK_LEN);
    for (i = 0; i < len / 2; i++)
        d->psk[i] = (uint8_t)(hexval(val[2 * i]) << 4 | hexval(val[2 * i + 1]));
    d->psk_len = len / 2;
    return 0;
}

int iotls_cli_dev_opt(iotls_cli_dev *d, int which, const char *val, char *err, size_t errlen)
{
    d->given = 1;
    switch (which) {
    case IOTLS_CLI_DEV_ALPN:
        return parse_alpn(d, val, err, errlen);
    case IOTLS_CLI_DEV_PIN:
        if (*val == '\0')
            return iotls_cli_opt_fail(err, errlen, "--pinnedpubkey: empty (sha256//BASE64 or a "
                                      "public key file)");
        if (strncmp(val, "sha256//", 8) == 0) {
            iotls_conf probe;
            iotls_conf_init(&probe);
            if (iotls_conf_set_pinned_pubkeys(&probe, val) != IOTLS_OK)
                return iotls_cli_opt_fail(err, errlen, "--pinnedpubkey: malformed \"%s\": "
                                          "expected sha256//BASE64 (44 base64 characters, the "
                                          "SHA-256 of the key), ';'-separated, at most %d",
                                          val, IOTLS_MAX_PINS);
        }
        d->pins = val;
        return 0;
    case IOTLS_CLI_DEV_PSK_ID: {
        size_t n = strlen(val);
        if (n == 0)
            return iotls_cli_opt_fail(err, errlen, "--psk-identity: empty identity");
        if (n > IOTLS_MAX_PSK_IDENTITY)
            return iotls_cli_opt_fail(err, errlen, "--psk-identity: %zu bytes; at most %d", n,
                                      IOTLS_MAX_PSK_IDENTITY);
        d->psk_identity = val;
        return 0;
    }
    case IOTLS_CLI_DEV_PSK:
        return parse_psk(d, val, err, errlen);
    case IOTLS_CLI_DEV_MAXFRAG: {
        char *end = NULL;
        long n = strtol(val, &end, 10);
        if (*val == '\0' || *end != '\0' || (n != 512 && n != 1024 && n != 2048 && n != 4096))
            return iotls_cli_opt_fail(err, errlen, "--max-fragment: \"%s\" is not 512, 1024, "
                                      "2048 or 4096 (RFC 6066)", val);
        d->max_fragment = (unsigned)n;
        return 0;
    }
    }
    return iotls_cli_opt_fail(err, errlen, "internal: unknown option");
}

int iotls_cli_dev_finish(const iotls_cli_dev *d, char *err, size_t errlen)
{
    if ((d->psk_len > 0) != (d->psk_identity != NULL))
        return iotls_cli_opt_fail(err, errlen, "--psk and --psk-identity go together (the key "
                                  "and its identity)");
    return 0;
}

/* --max-fragment offers TLS 1.2 only (tlsopt.h): --tlsv1.3 leaves nothing. */
static int maxfrag_versions(const iotls_cli_opts *o, char *err, size_t errlen)
{
    if (o->dev.max_fragment > 0 && o->tls.min_version == IOTLS_TLS_1_3)
        return iotls_cli_opt_fail(err, errlen, "--max-fragment works in TLS 1.2 only (Mbed TLS "
                                  "3.6 rejects a TLS 1.3 server's max_fragment_length answer): "
                                  "drop --tlsv1.3");
    return 0;
}

/* A public key file (PEM or DER, as curl takes) into its pin. 0 or -1. */
static int pin_from_file(const char *path, char *pin, size_t pinlen, char *why, size_t whylen)
{
    mbedtls_pk_context pk;
    unsigned char der[2048];
    int n, rc = -1;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(why, whylen, "--pinnedpubkey %s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    mbedtls_pk_init(&pk);
    if (mbedtls_pk_parse_public_keyfile(&pk, path) != 0) {
        snprintf(why, whylen, "--pinnedpubkey %s: no public key in the file (PEM \"PUBLIC KEY\" "
                 "or DER SubjectPublicKeyInfo)", path);
    } else if ((n = mbedtls_pk_write_pubkey_der(&pk, der, sizeof der)) <= 0 ||
               iotls_pin_from_spki(der + sizeof der - (size_t)n, (size_t)n, pin, pinlen) !=
                   IOTLS_OK) {
        snprintf(why, whylen, "--pinnedpubkey %s: the key cannot be encoded", path);
    } else {
        rc = 0;
    }
    mbedtls_pk_free(&pk);
    return rc;
}

static void keylog_line(void *ctx, const char *line)
{
    FILE *f = (FILE *)ctx;
    fprintf(f, "%s\n", line);
    fflush(f); /* a debugger may read it while the connection runs */
}

/* SSLKEYLOGFILE, as curl and browsers: appended, created private. */
static FILE *open_keylog(const char *path, int verbose)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;

    if (f == NULL) {
        fprintf(stderr, "iotls: warning: SSLKEYLOGFILE %s: %s; no keys logged\n", path,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (verbose)
        fprintf(stderr, "* WARNING: SSLKEYLOGFILE is set: the TLS secrets of this connection "
                        "are appended to %s (anyone who reads it can decrypt the traffic)\n",
                path);
    return f;
}

int iotls_cli_dev_apply(const iotls_cli_dev *d, iotls_conf *conf, int verbose, FILE **keylog,
                        char *why, size_t whylen)
{
    const char *path = getenv("SSLKEYLOGFILE");

    if (path != NULL && *path != '\0' && keylog != NULL) {
        *keylog = open_keylog(path, verbose);
        if (*keylog != NULL)
            iotls_conf_set_keylog(conf, keylog_line, *keylog);
    }
    if (d->n_alpn > 0) {
        iotls_conf_set_alpn(conf, (const char **)d->alpn);
        if (verbose) {
            fprintf(stderr, "* ALPN offered:");
            for (size_t i = 0; i < d->n_alpn; i++)
                fprintf(stderr, " %s", d->alpn[i]);
            fputc('\n', stderr);
        }
    }
    if (d->pins != NULL) {
        char pin[64];
        const char *pins = d->pins;
        if (strncmp(pins, "sha256//", 8) != 0) {
            if (pin_from_file(pins, pin, sizeof pin, why, whylen) != 0)
                return 3;
            if (verbose)
                fprintf(stderr, "* pinned public key from %s: %s\n", d->pins, pin);
            pins = pin;
        } else if (verbose) {
            fprintf(stderr, "* pinned public keys: %s\n", pins);
        }
        if (iotls_conf_set_pinned_pubkeys(conf, pins) != IOTLS_OK) {
            snprintf(why, whylen, "--pinnedpubkey: not accepted by the library");
            return 2;
        }
    }
    if (d->psk_len > 0) {
        if (iotls_conf_set_psk(conf, d->psk, d->psk_len, d->psk_identity) != IOTLS_OK) {
            snprintf(why, whylen, "--psk: this build has no PSK support");
            return 2;
        }
        if (verbose)
            fprintf(stderr, "* PSK: identity \"%s\", %zu-byte key; the server is authenticated "
                            "by the key (no certificate is verified)\n",
                    d->psk_identity, d->psk_len);
    }
    if (d->max_fragment > 0) {
        if (iotls_conf_set_max_fragment(conf, d->max_fragment) != IOTLS_OK) {
            snprintf(why, whylen, "--max-fragment: this build lacks "
                                  "MBEDTLS_SSL_MAX_FRAGMENT_LENGTH");
            return 2;
        }
        if (verbose)
            fprintf(stderr, "* max_fragment_length %u asked for, TLS 1.2 only (Mbed TLS 3.6 "
                            "does not take it in TLS 1.3); a larger record from the server "
                            "fails as record_too_large\n", d->max_fragment);
    }
    return 0;
}

void iotls_cli_dev_report(const iotls_conn *c, FILE *out)
{
    const iotls_tlsopt *o;

    if (c == NULL || c->conf == NULL)
        return;
    o = &c->conf->opt;
    if (o->psk_len > 0)
        fprintf(out, "  PSK          identity \"%s\" (the key authenticated the server; no "
                     "certificate)\n", o->psk_identity);
    if (o->n_pins > 0)
        fprintf(out, "  pinned key   the server's key matches a pin (%u given)\n",
                (unsigned)o->n_pins);
    if (o->max_fragment > 0)
        fprintf(out, "  max fragment %u bytes asked for; largest record received %u bytes\n",
                (unsigned)o->max_fragment, (unsigned)iotls_conn_error(c)->wire.max_record_len);
}

int iotls_cli_dev_check(const iotls_cli_opts *o, char *err, size_t errlen)
{
    if (!o->dev.given || o->command == IOTLS_CLI_CMD_HELP || o->command == IOTLS_CLI_CMD_VERSION)
        return 0;
    if (o->command != IOTLS_CLI_CMD_CONNECT && o->command != IOTLS_CLI_CMD_GET)
        return iotls_cli_opt_fail(err, errlen, "--alpn, --pinnedpubkey, --psk, --psk-identity "
                                  "and --max-fragment apply to connect and get only");
    if (maxfrag_versions(o, err, errlen) != 0)
        return -1;
    return iotls_cli_dev_finish(&o->dev, err, errlen);
}
