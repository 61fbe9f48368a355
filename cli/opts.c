/*
 * Argument parsing. Every refusal names what is wrong in one line; the
 * caller prints it and exits 2.
 */
#include "opts.h"
#include "session_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/addr.h"
#include "iotls/config.h"

enum { O_CACERT, O_CAPATH, O_RESOLVE, O_CTIMEOUT, O_MAXTIME, O_VERBOSE, O_OUTPUT, O_INCLUDE,
       O_SNI, O_NOSNI, O_DEBUG, O_JSON, O_HELP, O_VERSION, O_CERT, O_KEY,
       O_PASS, O_TLS12, O_TLS13, O_TLSMAX, O_CIPHERS, O_TLS13_CIPHERS, O_CURVES,
       O_HOST, O_NOHOST, O_AT, O_MAXINTER,
       O_BUNDLE, O_SYSTEM, O_FOR, O_CARRAY, O_NAMES, O_HASHBYTES,
       O_ALPN, O_PINNEDPUBKEY, O_PSK_IDENTITY, O_PSK, O_MAXFRAG /* devopts.c */,
       O_SESSION /* session_file.c */, O_CRLFILE,
       O_HTTP = 1000 /* + iotls_cli_hopt: http_opts.c */ };

typedef struct optdef {
    const char *name;  /* long form, without "--" */
    char short_name;   /* 0 if none */
    int has_arg;
    int id;
} optdef;

static const optdef optdefs[] = {
    {"cacert", 0, 1, O_CACERT},
    {"capath", 0, 1, O_CAPATH},
    {"crlfile", 0, 1, O_CRLFILE},
    {"resolve", 0, 1, O_RESOLVE},
    {"connect-timeout", 0, 1, O_CTIMEOUT},
    {"max-time", 'm', 1, O_MAXTIME},
    {"verbose", 'v', 0, O_VERBOSE},
    {"output", 'o', 1, O_OUTPUT},
    {"include", 'i', 0, O_INCLUDE},
    {"sni", 0, 1, O_SNI},
    {"no-sni", 0, 0, O_NOSNI},
    {"debug", 0, 1, O_DEBUG},
    {"json", 0, 0, O_JSON},
    {"help", 'h', 0, O_HELP},
    {"version", 0, 0, O_VERSION},
    {"cert", 0, 1, O_CERT},
    {"key", 0, 1, O_KEY},
    {"pass", 0, 1, O_PASS},
    {"tlsv1.2", 0, 0, O_TLS12},
    {"tlsv1.3", 0, 0, O_TLS13},
    {"tls-max", 0, 1, O_TLSMAX},
    {"ciphers", 0, 1, O_CIPHERS},
    {"tls13-ciphers", 0, 1, O_TLS13_CIPHERS},
    {"curves", 0, 1, O_CURVES},
    {"host", 0, 1, O_HOST},
    {"no-host", 0, 0, O_NOHOST},
    {"at", 0, 1, O_AT},
    {"max-intermediates", 0, 1, O_MAXINTER},
    {"bundle", 0, 1, O_BUNDLE},
    {"system", 0, 0, O_SYSTEM},
    {"for", 0, 1, O_FOR},
    {"c-array", 0, 1, O_CARRAY},
    {"names", 0, 0, O_NAMES},
    {"hash-bytes", 0, 1, O_HASHBYTES},
    {"alpn", 0, 1, O_ALPN},
    {"pinnedpubkey", 0, 1, O_PINNEDPUBKEY},
    {"psk-identity", 0, 1, O_PSK_IDENTITY},
    {"psk", 0, 1, O_PSK},
    {"max-fragment", 0, 1, O_MAXFRAG},
    {"session", 0, 1, O_SESSION},
    {"header", 'H', 1, O_HTTP + IOTLS_CLI_HOPT_HEADER},
    {"request", 'X', 1, O_HTTP + IOTLS_CLI_HOPT_REQUEST},
    {"data", 'd', 1, O_HTTP + IOTLS_CLI_HOPT_DATA},
    {"data-binary", 0, 1, O_HTTP + IOTLS_CLI_HOPT_DATA_BINARY},
    {"data-raw", 0, 1, O_HTTP + IOTLS_CLI_HOPT_DATA_RAW},
    {"location", 'L', 0, O_HTTP + IOTLS_CLI_HOPT_LOCATION},
    {"max-redirs", 0, 1, O_HTTP + IOTLS_CLI_HOPT_MAX_REDIRS},
    {"fail", 'f', 0, O_HTTP + IOTLS_CLI_HOPT_FAIL},
    {"write-out", 'w', 1, O_HTTP + IOTLS_CLI_HOPT_WRITE_OUT},
    {"silent", 's', 0, O_HTTP + IOTLS_CLI_HOPT_SILENT},
};
#define N_OPTDEFS (sizeof optdefs / sizeof optdefs[0])

int iotls_cli_seconds_parse(const char *s, uint32_t *ms)
{
    unsigned long long whole = 0, frac_ms = 0, total;
    int digits = 0, fdigits = 0, round_up = 0;
    const char *p = s;

    if (!s)
        return -1;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > 10000000ULL)
            return -1;
        whole = whole * 10 + (unsigned)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
            if (fdigits < 3)
                frac_ms = frac_ms * 10 + (unsigned)(*p - '0');
            else if (*p != '0')
                round_up = 1;
        }
        for (int k = fdigits; k < 3; k++)
            frac_ms *= 10;
    }
    if (*p != '\0' || digits + fdigits == 0)
        return -1;
    total = whole * 1000ULL + frac_ms + (unsigned)round_up;
    if (total == 0 || total > 4294967295ULL)
        return -1;
    *ms = (uint32_t)total;
    return 0;
}

/* Days since 1970 of a proleptic Gregorian date (March-based years, so
 * that February's leap day is the last day of its year). */
static int64_t civil_days(int64_t y, int m, int d)
{
    int64_t era, yoe, doy;

    if (m <= 2)
        y -= 1;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* n digits at *p into *v; advances *p. */
static int digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        *v = *v * 10 + (**p - '0');
    }
    return 0;
}

int iotls_cli_time_parse(const char *s, int64_t *out)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0, leap;

    if (s == NULL || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &se))
        return -1;
    if (*p == '.' || *p == ',') { /* fractions of a second: dropped */
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
    } else {
        return -1; /* a time without its zone is ambiguous */
    }
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (*p != '\0' || y < 1950 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60)
        return -1;
    if (se == 60)
        se = 59; /* a leap second: the last second of the minute */
    *out = civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
           (int64_t)sign * (oh * 3600 + om * 60);
    return 0;
}

int iotls_cli_opt_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const optdef *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTDEFS; i++)
        if (strlen(optdefs[i].name) == len && memcmp(optdefs[i].name, name, len) == 0)
            return &optdefs[i];
    return NULL;
}

static const optdef *find_short(char c)
{
    for (size_t i = 0; i < N_OPTDEFS; i++)
        if (optdefs[i].short_name == c)
            return &optdefs[i];
    return NULL;
}

static int apply(iotls_cli_opts *o, const optdef *d, const char *shown, const char *val, char *err,
                 size_t errlen)
{
    if (d->id >= O_HTTP)
        return iotls_cli_http_opt(&o->http, d->id - O_HTTP, shown, val, err, errlen);
    switch (d->id) {
    case O_CACERT:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->cacert = val;
        break;
    case O_CAPATH:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty directory name", shown);
        o->capath = val;
        break;
    case O_CRLFILE:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->crlfile = val;
        break;
    case O_RESOLVE:
        if (o->n_resolve == IOTLS_CLI_MAX_RESOLVE)
            return iotls_cli_opt_fail(err, errlen, "too many --resolve entries (at most 8)");
        if (iotls_cli_resolve_parse(val, &o->resolve[o->n_resolve], err, errlen) != 0)
            return -1;
        o->n_resolve++;
        break;
    case O_CTIMEOUT:
        if (iotls_cli_seconds_parse(val, &o->connect_timeout_ms) != 0)
            return iotls_cli_opt_fail(err, errlen, "%s: \"%s\" is not a positive number of seconds (e.g. 5 or 0.5)",
                       shown, val);
        break;
    case O_MAXTIME:
        if (iotls_cli_seconds_parse(val, &o->max_time_ms) != 0)
            return iotls_cli_opt_fail(err, errlen, "%s: \"%s\" is not a positive number of seconds (e.g. 5 or 0.5)",
                       shown, val);
        break;
    case O_VERBOSE:
        o->verbose = 1;
        break;
    case O_OUTPUT:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->output = val;
        break;
    case O_INCLUDE:
        o->include_headers = 1;
        break;
    case O_SNI: {
        size_t n = strlen(val);
        if (n == 0)
            return iotls_cli_opt_fail(err, errlen, "--sni: empty name (use --no-sni to send none)");
        if (n > IOTLS_MAX_HOSTNAME)
            return iotls_cli_opt_fail(err, errlen, "--sni: name too long for SNI (at most 253 characters, RFC 6066)");
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)val[i] < 0x20 || (unsigned char)val[i] > 0x7e)
                return iotls_cli_opt_fail(err, errlen, "--sni: name must be printable ASCII");
        o->sni = val;
        break;
    }
    case O_NOSNI:
        o->no_sni = 1;
        break;
    case O_DEBUG:
        if (val[0] < '0' || val[0] > '4' || val[1] != '\0')
            return iotls_cli_opt_fail(err, errlen, "--debug: \"%s\" is not a level from 0 to 4", val);
        o->debug = val[0] - '0';
        break;
    case O_JSON:
        o->json = 1;
        break;
    case O_CERT:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->cert = val;
        break;
    case O_KEY:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->key = val;
        break;
    case O_PASS:
        o->pass = val; /* may be empty: a key encrypted with "" */
        break;
    case O_TLS12:
    case O_TLS13:
        /* as in curl: the minimum version */
        o->tls.min_version = d->id == O_TLS12 ? 0x0303 : 0x0304;
        o->tls_given = 1;
        break;
    case O_TLSMAX:
        o->tls.max_version = iotls_cli_tls_version_parse(val);
        if (o->tls.max_version == 0)
            return iotls_cli_opt_fail(err, errlen, "--tls-max: \"%s\" is not a TLS version this tool offers "
                       "(1.2 or 1.3)", val);
        o->tls_given = 1;
        break;
    case O_CIPHERS:
    case O_TLS13_CIPHERS:
    case O_CURVES:
        o->tls_given = 1;
        return iotls_cli_tls_list_parse(&o->tls, d->id == O_CIPHERS ? "--ciphers"
                                                 : d->id == O_CURVES ? "--curves"
                                                                     : "--tls13-ciphers",
                                        val, err, errlen);
    case O_HOST:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "--host: empty name (use --no-host to check none)");
        o->verify_host = val;
        break;
    case O_NOHOST:
        o->no_host = 1;
        break;
    case O_AT:
        if (iotls_cli_time_parse(val, &o->at) != 0)
            return iotls_cli_opt_fail(err, errlen, "--at: \"%s\" is not a UTC time like "
                                      "2023-11-27T20:48:32Z", val);
        o->at_given = 1;
        break;
    case O_MAXINTER: {
        char *end = NULL;
        long n = strtol(val, &end, 10);
        if (!*val || *end || n < 0 || n > 255)
            return iotls_cli_opt_fail(err, errlen, "--max-intermediates: \"%s\" is not a number "
                                      "from 0 to 255", val);
        o->max_intermediates = (int)n;
        break;
    }
    case O_BUNDLE:
    case O_SYSTEM:
    case O_FOR:
    case O_CARRAY:
    case O_NAMES:
    case O_HASHBYTES:
        return iotls_cli_bundle_opt(o, d->id - O_BUNDLE, shown, val, err, errlen);
    case O_ALPN:
    case O_PINNEDPUBKEY:
    case O_PSK_IDENTITY:
    case O_PSK:
    case O_MAXFRAG:
        return iotls_cli_dev_opt(&o->dev, d->id - O_ALPN, val, err, errlen);
    case O_SESSION:
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->session_file = val;
        break;
    case O_HELP:
        o->command = IOTLS_CLI_CMD_HELP;
        break;
    case O_VERSION:
        if (o->command != IOTLS_CLI_CMD_HELP)
            o->command = IOTLS_CLI_CMD_VERSION;
        break;
    }
    return 0;
}

/* verify CHAIN: a name to check or --no-host, and none of the options
 * that only make sense with a connection. */
static int check_verify(iotls_cli_opts *o, char *err, size_t errlen)
{
    iotls_addr ip;

    if (!o->target)
        return iotls_cli_opt_fail(err, errlen, "verify: missing CHAIN file (the server's "
                                  "certificate first, then its intermediates)");
    if (o->output || o->include_headers || o->n_resolve || o->sni || o->no_sni || o->cert ||
        o->key || o->pass || o->tls_given || o->connect_timeout_ms || o->max_time_ms ||
        o->bundle || o->bundle_system || o->n_bundle_for)
        return iotls_cli_opt_fail(err, errlen, "verify takes only --cacert, --capath, --crlfile, --host, "
                                  "--no-host, --at, --max-intermediates, --json and -v");
    if (o->verify_host && o->no_host)
        return iotls_cli_opt_fail(err, errlen, "--host and --no-host cannot be used together");
    if (!o->verify_host && !o->no_host)
        return iotls_cli_opt_fail(err, errlen, "verify: missing --host NAME (or --no-host to "
                                  "check the chain without a name)");
    if (o->verify_host && !iotls_addr_parse(o->verify_host, &ip) &&
        iotls_hostname_check(o->verify_host) != 0)
        return iotls_cli_opt_fail(err, errlen, "--host: \"%s\" is neither a DNS name nor an "
                                  "IP address", o->verify_host);
    return 0;
}

static int check_command(iotls_cli_opts *o, const char *cmdword, char *err, size_t errlen)
{
    if (o->command == IOTLS_CLI_CMD_HELP || o->command == IOTLS_CLI_CMD_VERSION)
        return 0;
    if (!cmdword)
        return iotls_cli_opt_fail(err, errlen,
                   "no command given: use get, connect, diagnose, verify or demo (see iotls --help)");
    if (strcmp(cmdword, "get") == 0) {
        o->command = IOTLS_CLI_CMD_GET;
    } else if (strcmp(cmdword, "connect") == 0) {
        o->command = IOTLS_CLI_CMD_CONNECT;
    } else if (strcmp(cmdword, "diagnose") == 0) {
        o->command = IOTLS_CLI_CMD_DIAGNOSE;
    } else if (strcmp(cmdword, "demo") == 0) {
        o->command = IOTLS_CLI_CMD_DEMO;
    } else if (strcmp(cmdword, "verify") == 0) {
        o->command = IOTLS_CLI_CMD_VERIFY;
        if (iotls_cli_bundle_misuse(o, err, errlen) != 0)
            return -1;
        return check_verify(o, err, errlen);
    } else if (strcmp(cmdword, "bundle") == 0) {
        o->command = IOTLS_CLI_CMD_BUNDLE;
        return iotls_cli_bundle_check_opts(o, err, errlen);
    } else if (strcmp(cmdword, "help") == 0) {
        o->command = IOTLS_CLI_CMD_HELP;
        return 0;
    } else if (strcmp(cmdword, "version") == 0) {
        o->command = IOTLS_CLI_CMD_VERSION;
        return 0;
    } else {
        return iotls_cli_opt_fail(err, errlen, "unknown command \"%s\" (use get, connect, diagnose, verify or demo)",
                   cmdword);
    }

    if (o->verify_host || o->no_host || o->at_given || o->max_intermediates >= 0)
        return iotls_cli_opt_fail(err, errlen, "--host, --no-host, --at and --max-intermediates "
                                  "apply to verify only");
    if (iotls_cli_bundle_misuse(o, err, errlen) != 0)
        return -1;
    if (o->command == IOTLS_CLI_CMD_DEMO) {
        if (o->target)
            return iotls_cli_opt_fail(err, errlen, "demo takes no arguments (got \"%s\")", o->target);
        if (o->json || o->output || o->include_headers || o->cacert || o->capath || o->sni ||
            o->no_sni || o->n_resolve || o->cert || o->key || o->pass || o->tls_given ||
            o->crlfile)
            return iotls_cli_opt_fail(err, errlen, "demo takes no options other than -v and --debug");
        return 0;
    }
    if (!o->target)
        return iotls_cli_opt_fail(err, errlen, "%s",
                   o->command == IOTLS_CLI_CMD_GET        ? "get: missing URL"
                   : o->command == IOTLS_CLI_CMD_DIAGNOSE ? "diagnose: missing HOST[:PORT]"
                                                          : "connect: missing HOST[:PORT]");
    if (o->command == IOTLS_CLI_CMD_GET) {
        if (iotls_cli_url_parse(o->target, &o->url, err, errlen) != 0)
            return -1;
    } else {
        if (iotls_cli_target_parse(o->target, &o->url, err, errlen) != 0)
            return -1;
        if (o->output || o->include_headers)
            return iotls_cli_opt_fail(err, errlen, "-o and -i apply to get only");
    }
    if (o->sni && o->no_sni)
        return iotls_cli_opt_fail(err, errlen, "--sni and --no-sni cannot be used together");
    if ((o->cert != NULL) != (o->key != NULL))
        return iotls_cli_opt_fail(err, errlen, "--cert and --key go together (the certificate and its key)");
    if (o->pass && !o->key)
        return iotls_cli_opt_fail(err, errlen, "--pass goes with --key (the password of the key file)");
    return iotls_cli_tls_finish(&o->tls, err, errlen);
}

int iotls_cli_opts_parse(int argc, char **argv, iotls_cli_opts *o, char *err, size_t errlen)
{
    const char *cmdword = NULL;
    int only_args = 0;

    memset(o, 0, sizeof *o);
    o->max_intermediates = -1;
    if (errlen)
        err[0] = '\0';
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_args && strcmp(a, "--") == 0) {
            only_args = 1;
        } else if (!only_args && a[0] == '-' && a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            const optdef *d = find_long(name, nlen);
            const char *val = NULL;
            if (!d)
                return iotls_cli_opt_fail(err, errlen, "unknown option \"%s\" (see iotls --help)", a);
            if (d->has_arg) {
                if (eq) {
                    val = eq + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                } else {
                    return iotls_cli_opt_fail(err, errlen, "option --%s needs a value", d->name);
                }
            } else if (eq) {
                return iotls_cli_opt_fail(err, errlen, "option --%s takes no value", d->name);
            }
            if (apply(o, d, a, val, err, errlen) != 0)
                return -1;
        } else if (!only_args && a[0] == '-' && a[1] != '\0') {
            /* A cluster of short options: "-vi", "-o FILE", "-oFILE". */
            for (const char *p = a + 1; *p; p++) {
                const optdef *d = find_short(*p);
                char shown[3] = {'-', *p, '\0'};
                const char *val = NULL;
                if (!d)
                    return iotls_cli_opt_fail(err, errlen, "unknown option \"-%s\" (see iotls --help)", shown + 1);
                if (d->has_arg) {
                    if (p[1]) {
                        val = p + 1;
                    } else if (i + 1 < argc) {
                        val = argv[++i];
                    } else {
                        return iotls_cli_opt_fail(err, errlen, "option %s needs a value", shown);
                    }
                }
                if (apply(o, d, shown, val, err, errlen) != 0)
                    return -1;
                if (val)
                    break;
            }
        } else if (!cmdword) {
            cmdword = a;
        } else if (!o->target) {
            o->target = a;
        } else {
            return iotls_cli_opt_fail(err, errlen, "unexpected argument \"%s\"", a);
        }
    }
    if (check_command(o, cmdword, err, errlen) != 0)
        return -1;
    if (iotls_cli_http_check_opts(o, err, errlen) != 0)
        return -1;
    if (iotls_cli_session_file_check(o, err, errlen) != 0)
        return -1;
    return iotls_cli_dev_check(o, err, errlen);
}
