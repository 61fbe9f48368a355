/*
 * The TLS offer options, parsed with the library's name tables
 * (iotls_suite_from_name, iotls_group_from_name) and checked against what
 * this build implements, so that every refusal is a usage error naming the
 * option and the item.
 */
#include "tlsopts.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iotls/iotls.h"
#include "opts.h"


/* TLS 1.3 suites are the 0x13xx block (RFC 8446 B.4). */
static int is_tls13_suite(uint16_t id)
{
    return (id >> 8) == 0x13;
}

static int in_list(const uint16_t *l, uint16_t id)
{
    for (; l && *l; l++)
        if (*l == id)
            return 1;
    return 0;
}

uint16_t iotls_cli_tls_version_parse(const char *s)
{
    if (strcmp(s, "1.2") == 0)
        return IOTLS_TLS_1_2;
    if (strcmp(s, "1.3") == 0)
        return IOTLS_TLS_1_3;
    return 0;
}

/* One name: its id, or -1 with err. */
static int one_item(const char *opt, const char *name, uint16_t *id, char *err, size_t errlen)
{
    int groups = strcmp(opt, "--curves") == 0;
    int tls13 = strcmp(opt, "--tls13-ciphers") == 0;

    if (groups) {
        *id = iotls_group_from_name(name);
        if (*id == 0)
            return iotls_cli_opt_fail(err, errlen, "%s: unknown group \"%s\" (e.g. x25519:P-256)", opt, name);
        if (!in_list(iotls_supported_groups(), *id))
            return iotls_cli_opt_fail(err, errlen, "%s: group \"%s\" is not in this build", opt, name);
        return 0;
    }
    *id = iotls_suite_from_name(name);
    if (*id == 0)
        return iotls_cli_opt_fail(err, errlen, "%s: unknown cipher suite \"%s\"", opt, name);
    if (tls13 && !is_tls13_suite(*id))
        return iotls_cli_opt_fail(err, errlen, "%s: \"%s\" is not a TLS 1.3 suite (use --ciphers)", opt, name);
    if (!tls13 && is_tls13_suite(*id))
        return iotls_cli_opt_fail(err, errlen, "%s: \"%s\" is a TLS 1.3 suite (use --tls13-ciphers)", opt,
                   name);
    if (!in_list(iotls_supported_ciphersuites(), *id))
        return iotls_cli_opt_fail(err, errlen, "%s: cipher suite \"%s\" is not in this build", opt, name);
    return 0;
}

int iotls_cli_tls_list_parse(iotls_cli_tls *t, const char *opt, const char *list, char *err,
                             size_t errlen)
{
    uint16_t *out;
    size_t *n;
    const char *p = list;

    if (strcmp(opt, "--curves") == 0) {
        out = t->groups;
        n = &t->n_groups;
    } else if (strcmp(opt, "--tls13-ciphers") == 0) {
        out = t->suites13;
        n = &t->n_suites13;
    } else {
        out = t->suites12;
        n = &t->n_suites12;
    }
    *n = 0; /* a repeated option replaces the list, as in curl */
    if (*list == '\0')
        return iotls_cli_opt_fail(err, errlen, "%s: empty list", opt);
    for (;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[96];
        uint16_t id;

        if (len == 0)
            return iotls_cli_opt_fail(err, errlen, "%s: empty name in \"%s\"", opt, list);
        if (len >= sizeof name)
            return iotls_cli_opt_fail(err, errlen, "%s: unknown name \"%.*s...\"", opt, 40, p);
        memcpy(name, p, len);
        name[len] = '\0';
        if (one_item(opt, name, &id, err, errlen) != 0)
            return -1;
        out[*n] = 0;
        if (!in_list(out, id)) {
            if (*n == IOTLS_CLI_MAX_LIST)
                return iotls_cli_opt_fail(err, errlen, "%s: more than %d names", opt, IOTLS_CLI_MAX_LIST);
            out[(*n)++] = id;
            out[*n] = 0;
        }
        if (!end)
            return 0;
        p = end + 1;
    }
}

int iotls_cli_tls_finish(iotls_cli_tls *t, char *err, size_t errlen)
{
    const uint16_t *d;
    size_t n = 0;

    if (t->min_version && t->max_version && t->min_version > t->max_version)
        return iotls_cli_opt_fail(err, errlen, "--tlsv1.3 and --tls-max 1.2 leave no TLS version to offer");
    t->n_suites = 0;
    t->suites[0] = 0;
    if (t->n_suites12 == 0 && t->n_suites13 == 0)
        return 0; /* the library's defaults */
    /* the list not given keeps its defaults */
    if (t->n_suites13 > 0) {
        for (size_t i = 0; i < t->n_suites13; i++)
            t->suites[n++] = t->suites13[i];
    } else {
        for (d = iotls_default_ciphersuites(); d && *d; d++)
            if (is_tls13_suite(*d) && n < IOTLS_CLI_MAX_LIST)
                t->suites[n++] = *d;
    }
    if (t->n_suites12 > 0) {
        for (size_t i = 0; i < t->n_suites12; i++)
            t->suites[n++] = t->suites12[i];
    } else {
        for (d = iotls_default_ciphersuites(); d && *d; d++)
            if (!is_tls13_suite(*d) && n < 2 * IOTLS_CLI_MAX_LIST)
                t->suites[n++] = *d;
    }
    t->suites[n] = 0;
    t->n_suites = n;
    return 0;
}

int iotls_cli_tls_apply(const iotls_cli_tls *t, struct iotls_conf *conf)
{
    int rc = IOTLS_OK;

    if (t->min_version || t->max_version)
        rc = iotls_conf_set_versions(conf,
                                     t->min_version ? (iotls_version)t->min_version : IOTLS_TLS_1_2,
                                     t->max_version ? (iotls_version)t->max_version : IOTLS_TLS_1_3);
    if (rc == IOTLS_OK && t->n_suites > 0)
        rc = iotls_conf_set_ciphersuites(conf, t->suites);
    if (rc == IOTLS_OK && t->n_groups > 0)
        rc = iotls_conf_set_groups(conf, t->groups);
    return rc;
}

int iotls_cli_tls_versions_narrowed(const iotls_cli_tls *t)
{
    return t->min_version == IOTLS_TLS_1_3 || t->max_version == IOTLS_TLS_1_2;
}
