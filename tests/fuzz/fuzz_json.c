/*
 * Fuzz target: the tool's JSON string escaping (cli/json.c), which carries
 * certificate subjects, server bytes and error text into --json output.
 *
 * Oracles: the output is a valid JSON string (quotes, escapes, no raw
 * control bytes, valid UTF-8: docs/json.md promises it whatever the input);
 * the returned length is the length needed, the same for every output size,
 * and a short buffer is cut and terminated. The writer then builds an
 * object with the input as key and value, nested as deep as it allows.
 */
#include "fuzz_util.h"
#include "json.h"

/* Length of a valid UTF-8 sequence at p (RFC 3629), 0 if invalid. */
static size_t utf8_ok(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len, i;
    unsigned cp;
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
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0;
    return len;
}

static int hexd(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Is s[0..n) one JSON string literal (RFC 8259 section 7)? */
static int json_string_ok(const unsigned char *s, size_t n)
{
    size_t i = 1, l;
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return 0;
    while (i < n - 1) {
        if (s[i] == '\\') {
            if (i + 1 >= n - 1)
                return 0;
            switch (s[i + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                i += 2;
                continue;
            case 'u':
                if (i + 6 > n - 1 || !hexd(s[i + 2]) || !hexd(s[i + 3]) || !hexd(s[i + 4]) ||
                    !hexd(s[i + 5]))
                    return 0;
                i += 6;
                continue;
            default:
                return 0;
            }
        }
        if (s[i] == '"' || s[i] < 0x20)
            return 0;
        l = utf8_ok(s + i, n - 1 - i);
        if (l == 0)
            return 0;
        i += l;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = 6 * size + 3, need, small, got;
    char *out, *cut, *key;
    iotls_cli_json j;
    const char *text;
    int k, depth;

    out = (char *)malloc(cap);
    FUZZ_ASSERT(out != NULL);
    need = iotls_cli_json_escape((const char *)data, size, out, cap);
    FUZZ_ASSERT(need < cap);
    FUZZ_ASSERT(strlen(out) == need);
    FUZZ_ASSERT(json_string_ok((const unsigned char *)out, need));

    small = size ? data[0] % 32 : 0;
    cut = (char *)malloc(small ? small : 1);
    FUZZ_ASSERT(cut != NULL);
    got = iotls_cli_json_escape((const char *)data, size, small ? cut : NULL, small);
    FUZZ_ASSERT(got == need);
    if (small > 0) {
        FUZZ_ASSERT(memchr(cut, '\0', small) != NULL);
        FUZZ_ASSERT(strncmp(cut, out, strlen(cut)) == 0);
    }
    free(cut);

    /* The writer: the input as a key and as a value, NUL-cut and not. */
    key = (char *)malloc(size + 1);
    FUZZ_ASSERT(key != NULL);
    memcpy(key, data, size);
    key[size] = '\0';
    depth = size ? data[size - 1] % (IOTLS_CLI_JSON_MAX_DEPTH + 4) : 0;
    iotls_cli_json_init(&j);
    iotls_cli_json_obj_begin(&j, NULL);
    iotls_cli_json_str(&j, key, key);
    iotls_cli_json_strn(&j, "raw", (const char *)data, size);
    for (k = 0; k < depth; k++) {
        if (k & 1)
            iotls_cli_json_arr_begin(&j, key);
        else
            iotls_cli_json_obj_begin(&j, (k & 2) ? key : "o");
        iotls_cli_json_int(&j, "n", (long long)size * (k & 1 ? -1 : 1));
    }
    for (k = depth - 1; k >= 0; k--) {
        if (k & 1)
            iotls_cli_json_arr_end(&j);
        else
            iotls_cli_json_obj_end(&j);
    }
    iotls_cli_json_obj_end(&j);
    text = iotls_cli_json_text(&j);
    if (text != NULL)
        FUZZ_ASSERT(strlen(text) == j.len);
    iotls_cli_json_free(&j);
    free(key);
    free(out);
    return 0;
}
