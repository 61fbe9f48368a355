/*
 * JSON writer: structure, commas, and string escaping (quotes, backslash,
 * control characters, valid and invalid UTF-8).
 */
#include <string.h>

#include "check.h"
#include "json.h"
#include "report.h"

static const char *esc(const char *s, size_t n)
{
    static char out[256];
    iotls_cli_json_escape(s, n, out, sizeof out);
    return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void test_escape(void)
{
    CHECK_STR(ESC("plain"), "\"plain\"");
    CHECK_STR(ESC(""), "\"\"");
    CHECK_STR(ESC("a\"b"), "\"a\\\"b\"");
    CHECK_STR(ESC("back\\slash"), "\"back\\\\slash\"");
    CHECK_STR(ESC("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
    CHECK_STR(ESC("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
    CHECK_STR(ESC("nul\0in"), "\"nul\\u0000in\"");
    CHECK_STR(ESC("/slash"), "\"/slash\"");
    /* valid UTF-8 is kept as is: 2, 3 and 4 byte sequences */
    CHECK_STR(ESC("M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x92"),
              "\"M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x92\"");
    /* invalid bytes become U+FFFD: Latin-1, lone continuation, truncated
     * sequence, overlong, surrogate, above U+10FFFF */
    CHECK_STR(ESC("M\xfcnchen"), "\"M\\ufffdnchen\"");
    CHECK_STR(ESC("\x80"), "\"\\ufffd\"");
    CHECK_STR(ESC("\xe2\x82"), "\"\\ufffd\\ufffd\"");
    CHECK_STR(ESC("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    CHECK_STR(ESC("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
    CHECK_STR(ESC("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    CHECK_STR(ESC("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    CHECK_STR(ESC("\xff"), "\"\\ufffd\"");
    /* the needed length is returned even when the output is too small */
    {
        char small[4];
        CHECK_INT(iotls_cli_json_escape("abcdef", 6, small, sizeof small), 8);
        CHECK_STR(small, "\"ab");
    }
}

static void test_writer(void)
{
    iotls_cli_json j;
    char longs[2000];

    iotls_cli_json_init(&j);
    iotls_cli_json_obj_begin(&j, NULL);
    iotls_cli_json_bool(&j, "ok", 0);
    iotls_cli_json_str(&j, "command", "get");
    iotls_cli_json_int(&j, "port", 443);
    iotls_cli_json_int(&j, "neg", -30864);
    iotls_cli_json_null(&j, "address");
    iotls_cli_json_str(&j, "message", NULL);
    iotls_cli_json_obj_begin(&j, "alert_received");
    iotls_cli_json_int(&j, "level", 2);
    iotls_cli_json_int(&j, "description", 40);
    iotls_cli_json_str(&j, "name", "handshake_failure");
    iotls_cli_json_obj_end(&j);
    iotls_cli_json_arr_begin(&j, "empty");
    iotls_cli_json_arr_end(&j);
    iotls_cli_json_arr_begin(&j, "names");
    iotls_cli_json_str(&j, NULL, "expired");
    iotls_cli_json_str(&j, NULL, "q\"uote");
    iotls_cli_json_obj_begin(&j, NULL);
    iotls_cli_json_obj_end(&j);
    iotls_cli_json_arr_end(&j);
    iotls_cli_json_str(&j, "k\"ey", "v");
    iotls_cli_json_obj_end(&j);
    CHECK_STR(iotls_cli_json_text(&j),
              "{\"ok\":false,\"command\":\"get\",\"port\":443,\"neg\":-30864,\"address\":null,"
              "\"message\":null,\"alert_received\":{\"level\":2,\"description\":40,"
              "\"name\":\"handshake_failure\"},\"empty\":[],\"names\":[\"expired\",\"q\\\"uote\",{}],"
              "\"k\\\"ey\":\"v\"}");
    iotls_cli_json_free(&j);

    /* long strings grow the buffer; control bytes never leave it raw */
    memset(longs, '\x01', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    iotls_cli_json_init(&j);
    iotls_cli_json_arr_begin(&j, NULL);
    iotls_cli_json_str(&j, NULL, longs);
    iotls_cli_json_arr_end(&j);
    CHECK(iotls_cli_json_text(&j) != NULL);
    CHECK_INT(strlen(iotls_cli_json_text(&j)), 4 + 6 * (sizeof longs - 1));
    CHECK(strchr(iotls_cli_json_text(&j), '\x01') == NULL);
    iotls_cli_json_free(&j);

    /* misuse: unbalanced or too deep gives no text rather than bad JSON */
    iotls_cli_json_init(&j);
    iotls_cli_json_obj_begin(&j, NULL);
    CHECK(iotls_cli_json_text(&j) == NULL);
    iotls_cli_json_free(&j);
    iotls_cli_json_init(&j);
    iotls_cli_json_obj_end(&j);
    CHECK(iotls_cli_json_text(&j) == NULL);
    iotls_cli_json_free(&j);
    iotls_cli_json_init(&j);
    for (int i = 0; i < IOTLS_CLI_JSON_MAX_DEPTH + 2; i++)
        iotls_cli_json_arr_begin(&j, NULL);
    for (int i = 0; i < IOTLS_CLI_JSON_MAX_DEPTH + 2; i++)
        iotls_cli_json_arr_end(&j);
    CHECK(iotls_cli_json_text(&j) == NULL);
    iotls_cli_json_free(&j);
}

/* Every field of docs/json.md is present, even for a failure with no
 * connection (fields unknown are null). */
static void test_report_fields(void)
{
    static const char *const keys[] = {
        "\"ok\":", "\"command\":", "\"host\":", "\"port\":", "\"address\":", "\"stage\":",
        "\"error\":", "\"error_code\":", "\"exit_code\":", "\"message\":", "\"mbedtls_code\":",
        "\"mbedtls_code_hex\":", "\"alert_received\":", "\"alert_sent\":", "\"verify_flags\":",
        "\"verify_flags_names\":", "\"errno\":", "\"sent\":{\"sni\":", "\"verify_name\":",
        "\"suites\":", "\"groups\":", "\"versions\":", "\"negotiated\":", "\"peer_chain\":",
        "\"trust\":", "\"timings_ms\":{\"dns\":null,\"connect\":null,\"handshake\":null,"
        "\"first_byte\":null,\"total\":", "\"http\":null", "\"wire\":null"};
    iotls_cli_result r;
    iotls_error e;
    char text[8192];
    size_t n;
    FILE *f = tmpfile();

    CHECK(f != NULL);
    if (!f)
        return;
    iotls_cli_result_init(&r, "get", "exa\"mple", 443);
    iotls_error_init(&e);
    e.code = IOTLS_ERR_ALERT_RECEIVED;
    e.stage = IOTLS_STAGE_HANDSHAKE;
    e.mbedtls_code = -0x7780;
    e.wire.alert_received = 40;
    e.wire.alert_received_level = 2;
    iotls_cli_result_fail_lib(&r, &e);
    CHECK_INT(r.exit_code, 6);
    CHECK_STR(r.stage, "handshake");
    CHECK_STR(r.error, "alert_received");
    CHECK(iotls_cli_report_json(&r, f) == 0);
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    CHECK(n > 0 && text[n - 1] == '\n');
    CHECK(strchr(text, '\n') == text + n - 1); /* one line */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        CHECK(strstr(text, keys[i]) != NULL);
        if (!strstr(text, keys[i]))
            fprintf(stderr, "  missing %s in %s\n", keys[i], text);
    }
    CHECK(strstr(text, "\"host\":\"exa\\\"mple\"") != NULL);
    CHECK(strstr(text, "\"alert_received\":{\"level\":2,\"description\":40,"
                       "\"name\":\"handshake_failure\"}") != NULL);
    CHECK(strstr(text, "\"mbedtls_code_hex\":\"-0x7780\"") != NULL);
    CHECK(strstr(text, "\"ok\":false") != NULL);
    CHECK(strstr(text, "\"exit_code\":6") != NULL);
    CHECK(strstr(text, "\"error_code\":-31") != NULL);
}

int main(void)
{
    test_escape();
    test_report_fields();
    test_writer();
    return CHECK_DONE();
}
