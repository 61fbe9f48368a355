/*
 * JSON writer (RFC 8259). Commas and nesting are tracked here so callers
 * only say what to write.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void iotls_cli_json_init(iotls_cli_json *j)
{
    memset(j, 0, sizeof *j);
    j->first[0] = 1;
}

void iotls_cli_json_free(iotls_cli_json *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

static void put(iotls_cli_json *j, const char *s, size_t n)
{
    if (j->failed)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 1024;
        char *nb;
        while (cap < j->len + n + 1)
            cap *= 2;
        nb = realloc(j->buf, cap);
        if (!nb) {
            j->failed = 1;
            return;
        }
        j->buf = nb;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void puts_(iotls_cli_json *j, const char *s)
{
    put(j, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), or 0 if there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len, i;
    unsigned long cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

size_t iotls_cli_json_escape(const char *s, size_t n, char *out, size_t outlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    char tmp[8];

#define EMIT(str, k)                                                           \
    do {                                                                       \
        for (size_t e_ = 0; e_ < (k); e_++, o++)                               \
            if (o + 1 < outlen)                                                \
                out[o] = (str)[e_];                                            \
    } while (0)

    EMIT("\"", 1);
    while (i < n) {
        unsigned char c = p[i];
        size_t ul;
        if (c == '"') {
            EMIT("\\\"", 2);
        } else if (c == '\\') {
            EMIT("\\\\", 2);
        } else if (c == '\n') {
            EMIT("\\n", 2);
        } else if (c == '\r') {
            EMIT("\\r", 2);
        } else if (c == '\t') {
            EMIT("\\t", 2);
        } else if (c == '\b') {
            EMIT("\\b", 2);
        } else if (c == '\f') {
            EMIT("\\f", 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            EMIT(tmp, 6);
        } else if (c < 0x80) {
            EMIT((const char *)p + i, 1);
        } else if ((ul = utf8_len(p + i, n - i)) != 0) {
            EMIT((const char *)p + i, ul);
            i += ul;
            continue;
        } else {
            EMIT("\\ufffd", 6);
        }
        i++;
    }
    EMIT("\"", 1);
#undef EMIT
    if (outlen)
        out[o < outlen ? o : outlen - 1] = '\0';
    return o;
}

static void put_escaped(iotls_cli_json *j, const char *s, size_t n)
{
    /* Worst case: 6 output bytes per input byte, plus quotes. */
    char small[512];
    size_t need = iotls_cli_json_escape(s, n, small, sizeof small);
    if (need < sizeof small) {
        put(j, small, need);
        return;
    }
    char *big = malloc(need + 1);
    if (!big) {
        j->failed = 1;
        return;
    }
    iotls_cli_json_escape(s, n, big, need + 1);
    put(j, big, need);
    free(big);
}

/* Comma and key before a value. */
static void member(iotls_cli_json *j, const char *key)
{
    if (j->failed)
        return;
    if (!j->first[j->depth])
        put(j, ",", 1);
    j->first[j->depth] = 0;
    if (key) {
        put_escaped(j, key, strlen(key));
        put(j, ":", 1);
    }
}

static void open_(iotls_cli_json *j, const char *key, const char *brace)
{
    member(j, key);
    if (j->depth + 1 >= IOTLS_CLI_JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    puts_(j, brace);
    j->first[++j->depth] = 1;
}

static void close_(iotls_cli_json *j, const char *brace)
{
    if (j->depth == 0) {
        j->failed = 1;
        return;
    }
    j->depth--;
    puts_(j, brace);
}

void iotls_cli_json_obj_begin(iotls_cli_json *j, const char *key) { open_(j, key, "{"); }
void iotls_cli_json_obj_end(iotls_cli_json *j) { close_(j, "}"); }
void iotls_cli_json_arr_begin(iotls_cli_json *j, const char *key) { open_(j, key, "["); }
void iotls_cli_json_arr_end(iotls_cli_json *j) { close_(j, "]"); }

void iotls_cli_json_strn(iotls_cli_json *j, const char *key, const char *s, size_t n)
{
    member(j, key);
    if (!s)
        puts_(j, "null");
    else
        put_escaped(j, s, n);
}

void iotls_cli_json_str(iotls_cli_json *j, const char *key, const char *s)
{
    iotls_cli_json_strn(j, key, s, s ? strlen(s) : 0);
}

void iotls_cli_json_int(iotls_cli_json *j, const char *key, long long v)
{
    char tmp[32];
    member(j, key);
    snprintf(tmp, sizeof tmp, "%lld", v);
    puts_(j, tmp);
}

void iotls_cli_json_bool(iotls_cli_json *j, const char *key, int v)
{
    member(j, key);
    puts_(j, v ? "true" : "false");
}

void iotls_cli_json_null(iotls_cli_json *j, const char *key)
{
    member(j, key);
    puts_(j, "null");
}

const char *iotls_cli_json_text(const iotls_cli_json *j)
{
    if (j->failed || j->depth != 0 || !j->buf)
        return NULL;
    return j->buf;
}
