/*
 * POSIX port: trust stores from files, directories and the host's store.
 *
 * Directories: a directory with c_rehash names (<8 hex digits of the
 * subject's hash>.<n>, what `openssl rehash` writes) is not read when it is
 * added: only its names are listed, and the file(s) of one subject hash are
 * read when a chain names that issuer (iotls_trust_add_fetch), as OpenSSL
 * does. Otherwise (no such names, a build that cannot look up by name,
 * iotls_trust_set_parse_all()) every regular file (symlinks followed) is
 * read; a file with no certificate in it at all (a README, a CRL) is
 * skipped quietly, while a certificate that fails to parse is an issue as
 * anywhere else. Identical certificates (hash links next to their targets,
 * a bundle and a directory of the same roots) load once.
 * Only the public API is used: a port is a client of the library.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iotls/iotls.h"
#include "fs_read.h"
#include "iotls_port_posix.h"

/* Largest trust file read: a full system bundle is ~220 kB. */
#define MAX_TRUST_FILE (16u * 1024u * 1024u)

int iotls_posix_read_file(const char *path, unsigned char **out, size_t *len, int *sys_err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, first = 4096, n = 0;
    struct stat st;

    *out = NULL;
    *len = 0;
    if (f == NULL) {
        *sys_err = errno;
        return IOTLS_ERR_TRUST_READ;
    }
    /* Size the buffer to the file (one byte more, so the read that meets
     * EOF needs no growth): a CA file of 1 kB should not cost 64 kB. */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < MAX_TRUST_FILE)
        first = (size_t)st.st_size + 1;
    for (;;) {
        size_t r;
        if (n == cap) {
            unsigned char *nb;
            if (cap >= MAX_TRUST_FILE) {
                *sys_err = EFBIG;
                free(buf);
                fclose(f);
                return IOTLS_ERR_TRUST_READ;
            }
            cap = cap == 0 ? first : cap * 2;
            nb = (unsigned char *)realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                *sys_err = ENOMEM;
                return IOTLS_ERR_ALLOC;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                *sys_err = errno != 0 ? errno : EIO;
                free(buf);
                fclose(f);
                return IOTLS_ERR_TRUST_READ;
            }
            break;
        }
    }
    fclose(f);
    *out = buf;
    *len = n;
    return IOTLS_OK;
}

/* Anything iotls_trust_add_buffer() would read a certificate from: a PEM
 * certificate block or a DER SEQUENCE. */
static int may_hold_cert(const unsigned char *buf, size_t len)
{
    static const char marker[] = "-----BEGIN CERTIFICATE-----";
    size_t i, m = sizeof marker - 1;

    if (len > 0 && buf[0] == 0x30)
        return 1;
    for (i = 0; i + m <= len; i++)
        if (buf[i] == '-' && memcmp(buf + i, marker, m) == 0)
            return 1;
    return 0;
}

/* quiet: a file with no certificate at all is skipped, not an issue (a
 * README or a CRL in a directory). The store's origin names the file or
 * directory the caller gave, never each file of a directory. */
static int add_file(iotls_trust *t, const char *path, int quiet, int *sys_err)
{
    char origin[sizeof t->origin];
    unsigned char *buf;
    size_t len;
    int rc = iotls_posix_read_file(path, &buf, &len, sys_err);

    if (rc != IOTLS_OK)
        return rc;
    if (quiet && !may_hold_cert(buf, len)) {
        free(buf);
        return IOTLS_OK;
    }
    memcpy(origin, t->origin, sizeof origin);
    rc = iotls_trust_add_buffer(t, buf, len, path);
    if (quiet)
        memcpy(t->origin, origin, sizeof origin);
    free(buf);
    return rc;
}

int iotls_trust_add_file(iotls_trust *t, const char *path, int *sys_err)
{
    int dummy = 0;
    struct stat st;

    if (sys_err == NULL)
        sys_err = &dummy;
    *sys_err = 0;
    if (t == NULL || path == NULL)
        return IOTLS_ERR_USAGE;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        *sys_err = EISDIR;
        return IOTLS_ERR_TRUST_READ;
    }
    return add_file(t, path, 0, sys_err); /* the buffer's label joins the origin */
}

/* Appends to t->origin ("; "-separated), as the library does for a buffer. */
static void origin_add(iotls_trust *t, const char *what)
{
    size_t n = strnlen(t->origin, sizeof t->origin - 1);

    snprintf(t->origin + n, sizeof t->origin - n, "%s%s", n > 0 ? "; " : "", what);
}

/* A c_rehash certificate name: 8 lower-case hex digits, '.', a number
 * (CRLs are "<hash>.r<n>"). */
static int hashed_name(const char *n)
{
    int i;

    for (i = 0; i < 8; i++)
        if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return 0;
    if (n[8] != '.' || n[9] < '0' || n[9] > '9')
        return 0;
    for (i = 10; n[i] != '\0'; i++)
        if (n[i] < '0' || n[i] > '9' || i > 16)
            return 0;
    return 1;
}

/* Most files of one hash read (collisions and re-issued roots give .1, .2). */
#define MAX_HASH_SUFFIX 64

/* iotls_trust_fetch_fn of a hashed directory: <dir>/<hash>.0, .1, ... up to
 * the first missing one. */
static int fetch_hashed(iotls_trust *t, void *ctx, uint32_t hash)
{
    const char *dir = (const char *)ctx;
    char origin[sizeof t->origin];
    int n, read = 0;

    for (n = 0; n < MAX_HASH_SUFFIX; n++) {
        char full[4096];
        struct stat st;
        int e = 0, r;
        if (snprintf(full, sizeof full, "%s/%08lx.%d", dir, (unsigned long)hash, n) >=
                (int)sizeof full ||
            stat(full, &st) != 0)
            break;
        if (!S_ISREG(st.st_mode))
            continue;
        /* Not quiet: a file named as a certificate that holds none is an
         * issue; the origin stays the directory. */
        memcpy(origin, t->origin, sizeof origin);
        r = add_file(t, full, 0, &e);
        memcpy(t->origin, origin, sizeof origin);
        if (r == IOTLS_ERR_ALLOC)
            return r;
        read++; /* unreadable: skipped, as in a directory read whole */
    }
    return read;
}

static void free_ctx(void *ctx)
{
    free(ctx);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int iotls_trust_add_dir(iotls_trust *t, const char *path, int *sys_err)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i, hashed = 0, n_seen = 0;
    struct file_id {
        dev_t dev;
        ino_t ino;
    } *seen = NULL;
    int dummy = 0, rc = IOTLS_OK;

    if (sys_err == NULL)
        sys_err = &dummy;
    *sys_err = 0;
    if (t == NULL || path == NULL)
        return IOTLS_ERR_USAGE;
    d = opendir(path);
    if (d == NULL) {
        *sys_err = errno;
        return IOTLS_ERR_TRUST_READ;
    }
    /* Sorted, so reports and the loaded order do not depend on the file
     * system. */
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn;
            cap = cap == 0 ? 64 : cap * 2;
            nn = (char **)realloc(names, cap * sizeof *names);
            if (nn == NULL) {
                rc = IOTLS_ERR_ALLOC;
                break;
            }
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (names[n] == NULL) {
            rc = IOTLS_ERR_ALLOC;
            break;
        }
        hashed += hashed_name(names[n]);
        n++;
    }
    closedir(d);
    if (rc == IOTLS_OK && hashed > 0) {
        /* Named by subject hash: read on demand, nothing now. */
        char *ctx = strdup(path);
        int r = ctx != NULL ? iotls_trust_add_fetch(t, fetch_hashed, ctx, free_ctx,
                                                    (uint32_t)hashed)
                            : IOTLS_ERR_ALLOC;
        if (r != IOTLS_OK)
            free(ctx);
        if (r == IOTLS_OK || r < 0) {
            for (i = 0; i < n; i++)
                free(names[i]);
            free(names);
            if (r == IOTLS_OK)
                origin_add(t, path);
            return r;
        }
        /* 1: no lookups by name here; read it all */
    }
    if (rc == IOTLS_OK && n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    /* One file under several names (c_rehash's links beside the files they
     * name) is read once: its refused certificates are reported once. */
    if (rc == IOTLS_OK && n > 0 && (seen = calloc(n, sizeof *seen)) == NULL)
        rc = IOTLS_ERR_ALLOC;
    for (i = 0; i < n; i++) {
        char full[4096];
        struct stat st;
        size_t k;
        int e = 0;

        if (rc == IOTLS_OK && snprintf(full, sizeof full, "%s/%s", path, names[i]) <
                                  (int)sizeof full &&
            stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            int r;
            for (k = 0; k < n_seen; k++)
                if (seen[k].dev == st.st_dev && seen[k].ino == st.st_ino)
                    break;
            if (k < n_seen) {
                free(names[i]);
                continue;
            }
            seen[n_seen].dev = st.st_dev;
            seen[n_seen++].ino = st.st_ino;
            r = add_file(t, full, 1, &e);
            if (r == IOTLS_ERR_ALLOC)
                rc = r;
            /* An unreadable file among many is skipped, not fatal. */
        }
        free(names[i]);
    }
    free(names);
    free(seen);
    if (rc == IOTLS_OK)
        origin_add(t, path);
    return rc;
}

int iotls_trust_add_system(iotls_trust *t, int *sys_err)
{
    static const char *const bundles[] = {
        "/etc/ssl/certs/ca-certificates.crt",               /* Debian, Ubuntu, Alpine */
        "/etc/pki/tls/certs/ca-bundle.crt",                 /* Fedora, RHEL */
        "/etc/ssl/ca-bundle.pem",                           /* openSUSE */
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",/* RHEL 7+ */
        "/etc/ssl/cert.pem",                                /* BSD, macOS, Alpine */
    };
    const char *file = getenv("SSL_CERT_FILE");
    const char *dir = getenv("SSL_CERT_DIR");
    int dummy = 0, rc;
    size_t i;

    if (sys_err == NULL)
        sys_err = &dummy;
    *sys_err = 0;
    if (t == NULL)
        return IOTLS_ERR_USAGE;
    /* As OpenSSL does: the variables replace the built-in locations. */
    if ((file != NULL && file[0] != '\0') || (dir != NULL && dir[0] != '\0')) {
        if (file != NULL && file[0] != '\0') {
            rc = iotls_trust_add_file(t, file, sys_err);
            if (rc != IOTLS_OK)
                return rc;
        }
        if (dir != NULL && dir[0] != '\0') {
            /* OpenSSL allows a ':'-separated list; the first entry is used. */
            char first[4096];
            const char *colon = strchr(dir, ':');
            size_t l = colon != NULL ? (size_t)(colon - dir) : strlen(dir);
            if (l >= sizeof first)
                l = sizeof first - 1;
            memcpy(first, dir, l);
            first[l] = '\0';
            rc = iotls_trust_add_dir(t, first, sys_err);
            if (rc != IOTLS_OK)
                return rc;
        }
        return IOTLS_OK;
    }
    for (i = 0; i < sizeof bundles / sizeof bundles[0]; i++) {
        if (access(bundles[i], R_OK) == 0)
            return iotls_trust_add_file(t, bundles[i], sys_err);
    }
    if (access("/etc/ssl/certs", R_OK) == 0)
        return iotls_trust_add_dir(t, "/etc/ssl/certs", sys_err);
    *sys_err = ENOENT;
    return IOTLS_ERR_TRUST_READ;
}
