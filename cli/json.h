/*
 * A small JSON writer: builds one object in memory (so it can be printed as
 * one line, at once), with correct string escaping. Strings are taken as
 * bytes: valid UTF-8 is kept, every invalid byte becomes U+FFFD, so the
 * output is always valid JSON whatever a certificate or a server sent.
 */
#ifndef IOTLS_CLI_JSON_H
#define IOTLS_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>

#define IOTLS_CLI_JSON_MAX_DEPTH 16

typedef struct iotls_cli_json {
    char *buf;
    size_t len, cap;
    int depth;
    unsigned char first[IOTLS_CLI_JSON_MAX_DEPTH]; /* no member written yet at this depth */
    int failed;            /* out of memory or misuse: the text is not usable */
} iotls_cli_json;

void iotls_cli_json_init(iotls_cli_json *j);
void iotls_cli_json_free(iotls_cli_json *j);

/* In every call, key is the member name inside an object, NULL inside an
 * array (or for the top-level value). */
void iotls_cli_json_obj_begin(iotls_cli_json *j, const char *key);
void iotls_cli_json_obj_end(iotls_cli_json *j);
void iotls_cli_json_arr_begin(iotls_cli_json *j, const char *key);
void iotls_cli_json_arr_end(iotls_cli_json *j);
void iotls_cli_json_str(iotls_cli_json *j, const char *key, const char *s); /* NULL -> null */
void iotls_cli_json_strn(iotls_cli_json *j, const char *key, const char *s, size_t n);
void iotls_cli_json_int(iotls_cli_json *j, const char *key, long long v);
void iotls_cli_json_bool(iotls_cli_json *j, const char *key, int v);
void iotls_cli_json_null(iotls_cli_json *j, const char *key);

/* The text so far, NUL-terminated ("" after a failure is not returned:
 * NULL). */
const char *iotls_cli_json_text(const iotls_cli_json *j);

/* Escape n bytes of s as a JSON string (with quotes) into out; returns the
 * length it needs (as snprintf). For tests and one-off uses. */
size_t iotls_cli_json_escape(const char *s, size_t n, char *out, size_t outlen);

#endif /* IOTLS_CLI_JSON_H */
