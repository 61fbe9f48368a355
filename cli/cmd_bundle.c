/*
 * iotls bundle: a device root bundle (include/iotls/bundle.h) from Debian's
 * ca-certificates, chosen roots, or the roots some servers need.
 *
 *   iotls bundle --system -o roots.bin
 *   iotls bundle --cacert a.pem --capath dir/ -o roots.c --c-array iotls_roots
 *   iotls bundle --for example.com --for mqtt.example.net:8883 -o roots.bin
 *
 * Every input certificate gets one line: added (key, name, bytes) or
 * skipped and why. With --for, each server is dialed with a bundle of all
 * the inputs (the system store by default) and only the roots that
 * anchored a chain are kept; a server that cannot be verified with them
 * fails the command (its own exit code) and nothing is written.
 *
 * Also here: --bundle FILE for connect and get (the session's part).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mbedtls/pem.h"
#include "mbedtls/sha256.h"

#include "iotls/iotls.h"

#include "cmd.h"
#include "exitcode.h"
#include "opts.h"
#include "outfile.h"
#include "session.h"
#include "url.h"

#define MAX_FILE_BYTES (16u << 20) /* one input file */
#define MAX_DIR_FILES 10000u
#define MAX_INPUTS 20000u          /* certificates over all inputs */

/* ---- options ---- */

int iotls_cli_bundle_opt(iotls_cli_opts *o, int which, const char *shown, const char *val,
                         char *err, size_t errlen)
{
    switch (which) {
    case 0: /* --bundle */
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "%s: empty file name", shown);
        o->bundle = val;
        return 0;
    case 1: /* --system */
        o->bundle_system = 1;
        return 0;
    case 2: /* --for */
        if (o->n_bundle_for == IOTLS_CLI_MAX_BUNDLE_FOR)
            return iotls_cli_opt_fail(err, errlen, "too many --for servers (at most %d)",
                                      IOTLS_CLI_MAX_BUNDLE_FOR);
        if (!*val)
            return iotls_cli_opt_fail(err, errlen, "--for: empty HOST[:PORT]");
        o->bundle_for[o->n_bundle_for++] = val;
        return 0;
    case 3: { /* --c-array: a C identifier */
        size_t n = strlen(val);
        if (n == 0 || n > 64 || (val[0] >= '0' && val[0] <= '9'))
            return iotls_cli_opt_fail(err, errlen, "--c-array: \"%s\" is not a C identifier", val);
        for (size_t i = 0; i < n; i++) {
            char ch = val[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_'))
                return iotls_cli_opt_fail(err, errlen, "--c-array: \"%s\" is not a C identifier",
                                          val);
        }
        o->c_array = val;
        return 0;
    }
    case 4: /* --names */
        o->bundle_names = 1;
        return 0;
    case 5: { /* --hash-bytes */
        char *end = NULL;
        long n = strtol(val, &end, 10);
        if (!*val || *end || n < IOTLS_BUNDLE_MIN_HASH || n > IOTLS_BUNDLE_MAX_HASH)
            return iotls_cli_opt_fail(err, errlen, "--hash-bytes: \"%s\" is not a number from "
                                      "4 to 32", val);
        o->hash_bytes = (int)n;
        return 0;
    }
    }
    return iotls_cli_opt_fail(err, errlen, "%s: unknown", shown);
}

int iotls_cli_bundle_check_opts(iotls_cli_opts *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->n_bundle_for; i++) {
        iotls_cli_url u;
        if (iotls_cli_target_parse(o->bundle_for[i], &u, err, errlen) != 0)
            return -1;
    }
    if (o->target)
        return iotls_cli_opt_fail(err, errlen, "bundle takes no arguments (got \"%s\"); "
                                  "inputs are --system, --cacert, --capath", o->target);
    if (!o->output)
        return iotls_cli_opt_fail(err, errlen, "bundle: missing -o FILE");
    if (o->bundle)
        return iotls_cli_opt_fail(err, errlen, "--bundle applies to connect and get");
    if (o->include_headers || o->sni || o->no_sni || o->cert || o->key || o->pass || o->crlfile ||
        o->tls_given || o->verify_host || o->no_host || o->at_given || o->max_intermediates >= 0)
        return iotls_cli_opt_fail(err, errlen, "bundle takes only --system, --cacert, --capath, "
                                  "--for, -o, --c-array, --names, --hash-bytes, "
                                  "--connect-timeout, -m and -v");
    return 0;
}

int iotls_cli_bundle_misuse(const iotls_cli_opts *o, char *err, size_t errlen)
{
    if (o->bundle_system || o->n_bundle_for || o->c_array || o->bundle_names || o->hash_bytes)
        return iotls_cli_opt_fail(err, errlen, "--system, --for, --c-array, --names and "
                                  "--hash-bytes apply to bundle only");
    if (o->bundle && o->command != IOTLS_CLI_CMD_CONNECT && o->command != IOTLS_CLI_CMD_GET)
        return iotls_cli_opt_fail(err, errlen, "--bundle applies to connect and get");
    return 0;
}

/* ---- inputs ---- */

typedef struct input {
    uint8_t *der;
    size_t len;
    char label[160];   /* FILE#n */
    uint8_t subject_hash[32];
    int keep;          /* --for: anchored a server */
} input;

typedef struct inputs {
    input *v;
    size_t n, cap;
    unsigned unreadable; /* files that could not be read */
    unsigned empty;      /* files with no certificate */
} inputs;

static void inputs_free(inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->v[i].der);
    free(in->v);
    memset(in, 0, sizeof *in);
}

static int add_input(inputs *in, const uint8_t *der, size_t len, const char *file, unsigned n)
{
    input *x;

    if (in->n >= MAX_INPUTS)
        return -1;
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        input *v = (input *)realloc(in->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        in->v = v;
        in->cap = cap;
    }
    x = &in->v[in->n];
    memset(x, 0, sizeof *x);
    x->der = (uint8_t *)malloc(len);
    if (x->der == NULL)
        return -1;
    memcpy(x->der, der, len);
    x->len = len;
    snprintf(x->label, sizeof x->label, "%s#%u", file, n);
    in->n++;
    return 0;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b = NULL;
    size_t n = 0, cap = 0;

    *buf = NULL;
    *len = 0;
    if (f == NULL)
        return -1;
    for (;;) {
        size_t r;
        if (n == cap) {
            uint8_t *nb;
            if (cap >= MAX_FILE_BYTES) {
                free(b);
                fclose(f);
                errno = EFBIG;
                return -1;
            }
            cap = cap ? cap * 2 : 65536;
            nb = (uint8_t *)realloc(b, cap + 1);
            if (nb == NULL) {
                free(b);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            b = nb;
        }
        r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(b);
        fclose(f);
        errno = e ? e : EIO;
        return -1;
    }
    fclose(f);
    if (b == NULL)
        b = (uint8_t *)malloc(1);
    if (b == NULL)
        return -1;
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

/* The first occurrence of the text s in p[0..n), NUL bytes included. */
static const uint8_t *find(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);

    for (size_t i = 0; n >= k && i <= n - k; i++)
        if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, k) == 0)
            return p + i;
    return NULL;
}

/* The certificates of one file (PEM blocks, or one DER certificate). A
 * PEM block that does not decode is an input too (it will not parse), so
 * that it is reported with its place. Returns 0, -1 out of memory. */
static int add_file(inputs *in, const char *path, int verbose)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    uint8_t *buf;
    size_t len, pos = 0;
    unsigned n = 0;

    if (read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "skip   %s: cannot be read: %s\n", path, strerror(errno));
        in->unreadable++;
        return 0;
    }
    /* DER: no PEM block at all and a SEQUENCE first (buf is NUL-terminated) */
    if (len > 0 && buf[0] == 0x30 && find(buf, len, begin) == NULL) {
        int rc = add_input(in, buf, len, path, 1);
        free(buf);
        return rc;
    }
    for (;;) {
        const char *b = (const char *)find(buf + pos, len - pos, begin);
        mbedtls_pem_context pem;
        size_t used = 0;
        int ret;

        if (b == NULL || (size_t)((const uint8_t *)b - buf) >= len)
            break;
        n++;
        mbedtls_pem_init(&pem);
        ret = mbedtls_pem_read_buffer(&pem, begin, "-----END CERTIFICATE-----",
                                      (const unsigned char *)b, NULL, 0, &used);
        if (ret == 0) {
            size_t dlen = 0;
            const unsigned char *d = mbedtls_pem_get_buffer(&pem, &dlen);
            if (add_input(in, d, dlen, path, n) != 0) {
                mbedtls_pem_free(&pem);
                free(buf);
                return -1;
            }
        } else {
            fprintf(stderr, "skip   %s#%u: PEM block does not decode (mbedtls -0x%04X)\n", path,
                    n, (unsigned)-ret);
            used = sizeof begin - 1;
        }
        mbedtls_pem_free(&pem);
        pos = (size_t)((const uint8_t *)b - buf) + (used ? used : sizeof begin - 1);
        if (pos >= len)
            break;
    }
    if (n == 0) {
        if (verbose)
            fprintf(stderr, "skip   %s: no certificate in it\n", path);
        in->empty++;
    }
    free(buf);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The regular files of dir, in name order. Returns 0, -1 out of memory, 1
 * when the directory cannot be read. */
static int add_dir(inputs *in, const char *dir, int verbose)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, i;
    int rc = 0;

    if (d == NULL)
        return 1;
    names = (char **)calloc(MAX_DIR_FILES, sizeof *names);
    if (names == NULL) {
        closedir(d);
        return -1;
    }
    while ((de = readdir(d)) != NULL && n < MAX_DIR_FILES) {
        char path[4096];
        struct stat st;
        if (de->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        names[n] = strdup(path);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0) {
        qsort(names, n, sizeof *names, name_cmp);
        for (i = 0; i < n && rc == 0; i++)
            rc = add_file(in, names[i], verbose);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static const char *system_store(void)
{
    static const char *const paths[] = {
        "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu */
        "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
        "/etc/ssl/cert.pem",                  /* Alpine, macOS */
    };
    const char *env = getenv("SSL_CERT_FILE");
    struct stat st;

    if (env != NULL && *env)
        return env;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (stat(paths[i], &st) == 0)
            return paths[i];
    return paths[0];
}

/* ---- building ---- */

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Builds a blob from the inputs (all, or those with keep set when
 * only_kept), printing a line per input when loud. Returns an iotls code. */
static int build(inputs *in, int only_kept, unsigned hash_len, unsigned flags, int loud,
                 uint8_t **blob, size_t *len, unsigned *added, unsigned *skipped)
{
    iotls_bundle_builder *b = NULL;
    int rc = iotls_bundle_builder_new(&b, hash_len, flags, (int64_t)time(NULL));

    *added = *skipped = 0;
    for (size_t i = 0; rc == IOTLS_OK && i < in->n; i++) {
        iotls_bundle_added res;
        if (only_kept && !in->v[i].keep)
            continue;
        rc = iotls_bundle_builder_add_der(b, in->v[i].der, in->v[i].len, &res);
        if (rc != IOTLS_OK)
            break;
        if (res.verdict == IOTLS_BUNDLE_ADDED) {
            (*added)++;
            if (loud)
                printf("added  %-5s %4u  %4u B  %s\n", iotls_bundle_key_str(res.key_type),
                       (unsigned)res.key_bits, (unsigned)res.record_bytes, res.name);
        } else {
            (*skipped)++;
            if (loud) {
                fprintf(stderr, "skip   %s: %s", in->v[i].label,
                        iotls_bundle_verdict_str(res.verdict));
                if (res.verdict == IOTLS_BUNDLE_SKIP_KEY_SIZE)
                    fprintf(stderr, " (%u bits)", (unsigned)res.key_bits);
                if (res.mbedtls_code != 0)
                    fprintf(stderr, " (mbedtls -0x%04X)", (unsigned)-res.mbedtls_code);
                fprintf(stderr, "%s%s\n", res.subject[0] ? ": " : "", res.subject);
            }
        }
    }
    if (rc == IOTLS_OK)
        rc = iotls_bundle_builder_finish(b, blob, len);
    iotls_bundle_builder_free(b);
    return rc;
}

/* --for: dials each server with a bundle of every input and marks the
 * inputs whose root anchored it. 0, or the exit code of a failure. */
static int find_roots(const iotls_cli_opts *o, inputs *in)
{
    uint8_t *probe = NULL;
    size_t plen = 0;
    unsigned added, skipped;
    int rc = build(in, 0, 32, 0, 0, &probe, &plen, &added, &skipped);

    if (rc != IOTLS_OK) {
        fprintf(stderr, "iotls: bundle: no usable root among the inputs to dial with\n");
        return rc == IOTLS_ERR_ALLOC ? IOTLS_CLI_EXIT_INTERNAL : IOTLS_CLI_EXIT_SETUP;
    }
    /* subject hashes of the inputs, to map the anchor back */
    for (size_t i = 0; i < in->n; i++) {
        iotls_bundle_builder *one = NULL;
        iotls_bundle_added res;
        uint8_t *blob = NULL;
        size_t blen = 0;
        iotls_bundle_root root;
        if (iotls_bundle_builder_new(&one, 32, 0, 0) != IOTLS_OK)
            break;
        if (iotls_bundle_builder_add_der(one, in->v[i].der, in->v[i].len, &res) == IOTLS_OK &&
            res.verdict == IOTLS_BUNDLE_ADDED &&
            iotls_bundle_builder_finish(one, &blob, &blen) == IOTLS_OK &&
            iotls_bundle_root_at(blob, blen, 0, &root) == IOTLS_OK)
            memcpy(in->v[i].subject_hash, root.subject_hash, 32);
        iotls_port_free(blob);
        iotls_bundle_builder_free(one);
    }
    for (size_t h = 0; h < o->n_bundle_for && rc == 0; h++) {
        iotls_cli_url u;
        char err[256], text[1024];
        iotls_conf conf;
        iotls_conn c;
        iotls_bundle_root root;

        if (iotls_cli_target_parse(o->bundle_for[h], &u, err, sizeof err) != 0) {
            rc = IOTLS_CLI_EXIT_USAGE;
            break;
        }
        iotls_conf_init(&conf);
        iotls_conf_set_session_cache(&conf, 0); /* the chain is wanted: no resumption */
        if (o->connect_timeout_ms)
            iotls_conf_set_timeouts(&conf, o->connect_timeout_ms, 0, 0, 0);
        if (o->max_time_ms)
            iotls_conf_set_connect_total(&conf, o->max_time_ms);
        for (size_t r = 0; r < o->n_resolve; r++)
            if (strcmp(o->resolve[r].host, u.host) == 0 && o->resolve[r].port == u.port)
                iotls_conf_set_connect_address(&conf, o->resolve[r].addr);
        (void)iotls_conf_set_bundle(&conf, probe, plen);
        iotls_conn_init(&c);
        if (iotls_conn_setup(&c, &conf) != IOTLS_OK ||
            iotls_conn_connect(&c, u.host, u.port) != IOTLS_OK) {
            const iotls_error *e = iotls_conn_error(&c);
            iotls_error_format(e, text, sizeof text);
            fprintf(stderr, "iotls: bundle: %s:%u: %s\n", u.host, (unsigned)u.port, text);
            rc = iotls_cli_exit_code(e->code, e->stage);
        } else if (!iotls_conn_bundle_anchor(&c, &root)) {
            fprintf(stderr, "iotls: bundle: %s:%u: verified, but no root of the inputs "
                    "anchored it\n", u.host, (unsigned)u.port);
            rc = IOTLS_CLI_EXIT_VERIFY;
        } else {
            unsigned marked = 0;
            char hx[65];
            for (size_t i = 0; i < in->n; i++) {
                if (memcmp(in->v[i].subject_hash, root.subject_hash, 32) == 0) {
                    in->v[i].keep = 1;
                    marked++;
                }
            }
            hex(root.subject_hash, 4, hx);
            printf("for    %s:%u: anchored by a %s/%u root (subject hash %s), %u input%s\n",
                   u.host, (unsigned)u.port, iotls_bundle_key_str(root.key_type),
                   (unsigned)root.key_bits, hx, marked, marked == 1 ? "" : "s");
            iotls_conn_close(&c);
        }
        iotls_conn_free(&c);
    }
    iotls_port_free(probe);
    return rc;
}

static int write_out(const iotls_cli_opts *o, const uint8_t *blob, size_t len, unsigned roots)
{
    iotls_cli_outfile f;
    char line[160];
    int n;

    if (iotls_cli_outfile_open(&f, o->output, 0) != 0) {
        fprintf(stderr, "iotls: bundle: %s: %s\n", o->output, strerror(f.err));
        return IOTLS_CLI_EXIT_SETUP;
    }
    if (o->c_array == NULL) {
        iotls_cli_outfile_write(&f, blob, len);
    } else {
        n = snprintf(line, sizeof line,
                     "/* Made by `iotls bundle`: %u roots, %zu bytes (docs/bundle.md). */\n"
                     "#include <stddef.h>\n#include <stdint.h>\n\n"
                     "const uint8_t %s[%zu] = {", roots, len, o->c_array, len);
        iotls_cli_outfile_write(&f, (const unsigned char *)line, (size_t)n);
        for (size_t i = 0; i < len; i++) {
            n = snprintf(line, sizeof line, "%s0x%02x,", i % 12 == 0 ? "\n   " : " ", blob[i]);
            iotls_cli_outfile_write(&f, (const unsigned char *)line, (size_t)n);
        }
        n = snprintf(line, sizeof line, "\n};\nconst size_t %s_len = %zu;\n", o->c_array, len);
        iotls_cli_outfile_write(&f, (const unsigned char *)line, (size_t)n);
    }
    if (iotls_cli_outfile_commit(&f) != 0) {
        fprintf(stderr, "iotls: bundle: %s: %s\n", o->output, strerror(f.err));
        iotls_cli_outfile_abort(&f);
        return IOTLS_CLI_EXIT_SETUP;
    }
    return 0;
}

int iotls_cli_cmd_bundle(const iotls_cli_opts *o)
{
    inputs in;
    uint8_t *blob = NULL;
    size_t len = 0;
    unsigned added = 0, skipped = 0, hash_len;
    int rc = 0;

    memset(&in, 0, sizeof in);
    hash_len = o->hash_bytes ? (unsigned)o->hash_bytes : IOTLS_BUNDLE_DEFAULT_HASH;
    if (o->bundle_system || (!o->cacert && !o->capath)) {
        const char *sys = system_store();
        if (o->verbose)
            fprintf(stderr, "* system store %s\n", sys);
        if (add_file(&in, sys, o->verbose) != 0)
            rc = IOTLS_CLI_EXIT_INTERNAL;
    }
    if (rc == 0 && o->cacert && add_file(&in, o->cacert, o->verbose) != 0)
        rc = IOTLS_CLI_EXIT_INTERNAL;
    if (rc == 0 && o->capath) {
        int d = add_dir(&in, o->capath, o->verbose);
        if (d < 0)
            rc = IOTLS_CLI_EXIT_INTERNAL;
        else if (d > 0) {
            fprintf(stderr, "iotls: bundle: CA directory %s: %s\n", o->capath, strerror(errno));
            rc = IOTLS_CLI_EXIT_SETUP;
        }
    }
    if (rc == 0 && in.unreadable > 0 && in.n == 0)
        rc = IOTLS_CLI_EXIT_SETUP;
    if (rc == 0 && in.n == 0) {
        fprintf(stderr, "iotls: bundle: no certificate in the inputs\n");
        rc = IOTLS_CLI_EXIT_SETUP;
    }
    if (rc == 0 && o->n_bundle_for > 0)
        rc = find_roots(o, &in);
    if (rc == 0) {
        int b = build(&in, o->n_bundle_for > 0, hash_len,
                      o->bundle_names ? IOTLS_BUNDLE_FLAG_NAMES : 0, 1, &blob, &len, &added,
                      &skipped);
        if (b == IOTLS_ERR_ALLOC)
            rc = IOTLS_CLI_EXIT_INTERNAL;
        else if (b != IOTLS_OK) {
            fprintf(stderr, "iotls: bundle: no usable root among %zu certificates\n", in.n);
            rc = IOTLS_CLI_EXIT_SETUP;
        }
    }
    if (rc == 0)
        rc = write_out(o, blob, len, added);
    if (rc == 0)
        printf("bundle: %u roots, %zu bytes (%.1f KB) in %s; %u skipped, %u files without "
               "certificates, %u unreadable\n",
               added, len, (double)len / 1024.0, o->output, skipped, in.empty, in.unreadable);
    iotls_port_free(blob);
    inputs_free(&in);
    return rc;
}

/* ---- connect/get --bundle FILE ---- */

int iotls_cli_session_bundle(iotls_cli_session *s)
{
    const iotls_cli_opts *o = s->opts;
    iotls_bundle_info info;
    iotls_error e;

    if (read_file(o->bundle, &s->bundle, &s->bundle_len) != 0) {
        int sys = errno;
        iotls_error_init(&e);
        e.code = IOTLS_ERR_TRUST_READ;
        e.stage = IOTLS_STAGE_SETUP;
        e.sys_errno = sys;
        snprintf(e.detail, sizeof e.detail, "bundle %s: %s", o->bundle, strerror(sys));
        iotls_cli_result_fail_lib(s->r, &e);
        return s->r->exit_code;
    }
    if (iotls_bundle_check(s->bundle, s->bundle_len, &info) != IOTLS_OK ||
        iotls_conf_set_bundle(&s->conf, s->bundle, s->bundle_len) != IOTLS_OK) {
        iotls_error_init(&e);
        e.code = IOTLS_ERR_BUNDLE;
        e.stage = IOTLS_STAGE_SETUP;
        snprintf(e.detail, sizeof e.detail, "bundle %s: %s at byte %zu", o->bundle,
                 iotls_bundle_status_str(info.status), info.offset);
        iotls_cli_result_fail_lib(s->r, &e);
        return s->r->exit_code;
    }
    iotls_cli_verbose(o, "root bundle %s: %u roots, %zu bytes", o->bundle, (unsigned)info.count,
                      s->bundle_len);
    return 0;
}

void iotls_cli_session_bundle_anchor(iotls_cli_session *s)
{
    iotls_bundle_root root;
    char hx[65];

    if (s->opts->bundle == NULL || !iotls_conn_bundle_anchor(&s->conn, &root))
        return;
    hex(root.subject_hash, root.hash_len, hx);
    iotls_cli_verbose(s->opts, "chain anchored by bundled root #%u%s%s%s (%s/%u, subject hash %s, "
                      "%u bytes in the bundle)", (unsigned)root.index, root.name[0] ? " \"" : "",
                      root.name, root.name[0] ? "\"" : "", iotls_bundle_key_str(root.key_type),
                      (unsigned)root.key_bits, hx, (unsigned)root.record_bytes);
}
