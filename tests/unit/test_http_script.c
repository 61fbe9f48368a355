/*
 * The HTTP options of `iotls get` (docs/http.md): -H / -X checks, the
 * request head (defaults replaced, removed, private headers dropped on
 * another host), the body from -d / --data-binary / --data-raw, redirect
 * resolution (RFC 3986 5.2 examples) and method rules, -w, the progress
 * bar's text, and header lookup in a response head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "http.h"
#include "http_req.h"
#include "opts_args.h"
#include "progress.h"
#include "redirect.h"
#include "writeout.h"

static void test_header_check(void)
{
    char err[256];
    size_t n = 0;

    CHECK_INT(iotls_cli_header_check("X-A: 1", &n, err, sizeof err), 0);
    CHECK_INT(n, 3);
    CHECK_INT(iotls_cli_header_check("Accept:", &n, err, sizeof err), 0);
    CHECK_INT(iotls_cli_header_check("X-Empty;", &n, err, sizeof err), 0);
    CHECK_INT(iotls_cli_header_check("X-A: 1\r\nX-B: 2", &n, err, sizeof err), -1);
    CHECK(strstr(err, "-H: CR or LF in \"X-A: 1\\r\\nX-B: 2\"") != NULL);
    CHECK_INT(iotls_cli_header_check("X-A: 1\n", &n, err, sizeof err), -1);
    CHECK_INT(iotls_cli_header_check("X-A: \x01", &n, err, sizeof err), -1);
    CHECK(strstr(err, "\\x01") != NULL);
    CHECK_INT(iotls_cli_header_check("X-A: tab\tok", &n, err, sizeof err), 0);
    CHECK_INT(iotls_cli_header_check("NoColon", &n, err, sizeof err), -1);
    CHECK_INT(iotls_cli_header_check(": v", &n, err, sizeof err), -1);
    CHECK_INT(iotls_cli_header_check("Bad Name: v", &n, err, sizeof err), -1);
    CHECK_INT(iotls_cli_header_check("X-A; v", &n, err, sizeof err), -1);
    CHECK_INT(iotls_cli_header_check("content-length: 5", &n, err, sizeof err), -1);
    CHECK(strstr(err, "content-length is set by iotls") != NULL);
    CHECK_INT(iotls_cli_header_check("Transfer-Encoding: chunked", &n, err, sizeof err), -1);

    CHECK_INT(iotls_cli_method_check("PATCH", err, sizeof err), 0);
    CHECK_INT(iotls_cli_method_check("M-SEARCH", err, sizeof err), 0);
    CHECK_INT(iotls_cli_method_check("GE T", err, sizeof err), -1);
    CHECK_INT(iotls_cli_method_check("GET\r\n", err, sizeof err), -1);
    CHECK_INT(iotls_cli_method_check("", err, sizeof err), -1);
    CHECK_INT(iotls_cli_method_check("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", err, sizeof err), -1);
}

static void test_options(void)
{
    static iotls_cli_opts o;
    char err[256];

    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-H", "A: 1", "-H", "B: 2",
                         "-XPUT", "-d", "x", "--data-binary", "@f", "--data-raw", "@r", "-sLf",
                         "--max-redirs", "3", "-w", "%{http_code}", NULL), 0);
    CHECK_INT(o.http.n_headers, 2);
    CHECK_STR(o.http.method, "PUT");
    CHECK_INT(o.http.n_data, 3);
    CHECK_INT(o.http.data[1].kind, IOTLS_CLI_HOPT_DATA_BINARY);
    CHECK(o.http.follow && o.http.fail && o.http.silent);
    CHECK_INT(iotls_cli_http_max_redirs(&o.http), 3);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", NULL), 0);
    CHECK_INT(iotls_cli_http_max_redirs(&o.http), 10);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "--max-redirs", "101", NULL),
              -1);
    CHECK(strstr(err, "--max-redirs") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-d", "@", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-w", "@fmt.txt", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-w", "%{nope}", NULL), -1);
    CHECK(strstr(err, "-w: unknown variable %{nope}") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-w", "x", "--json", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "connect", "h", "-H", "A: 1", NULL), -1);
    CHECK(strstr(err, "apply to get only") != NULL);
    CHECK_INT(parse_args(&o, err, sizeof err, "verify", "c.pem", "--no-host", "-f", NULL), -1);
    CHECK_INT(parse_args(&o, err, sizeof err, "demo", "-s", NULL), -1);
}

static void test_head(void)
{
    static iotls_cli_opts o;
    iotls_cli_url u;
    char err[256], *req = NULL;
    size_t len = 0;

    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h.example:8443/p?q", "-H",
                         "user-agent: me/2", "-H", "Accept:", "-H", "X-E;", "-H",
                         "Authorization: Bearer t", "-H", "Host: virt.example", "-H",
                         "X-Gone:", NULL), 0);
    u = o.url;
    CHECK_INT(iotls_cli_req_head(&o.http, "POST", &u, 1, 3, 0, &req, &len), 0);
    CHECK_INT(len, strlen(req));
    CHECK_STR(req, "POST /p?q HTTP/1.1\r\n"
                   "Host: virt.example\r\n"
                   "user-agent: me/2\r\n"
                   "Connection: close\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: 3\r\n"
                   "X-E:\r\n"
                   "Authorization: Bearer t\r\n"
                   "\r\n");
    free(req);
    /* another host: the user's Host and Authorization stay behind */
    CHECK_INT(iotls_cli_req_head(&o.http, "GET", &u, 0, 0, 1, &req, &len), 0);
    CHECK_STR(req, "GET /p?q HTTP/1.1\r\n"
                   "Host: h.example:8443\r\n"
                   "user-agent: me/2\r\n"
                   "Connection: close\r\n"
                   "X-E:\r\n"
                   "\r\n");
    free(req);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_body(void)
{
    static iotls_cli_opts o;
    iotls_cli_req_body b;
    char err[512], path[64], dash_d[80], bin[80];

    snprintf(path, sizeof path, "body-%d.txt", (int)getpid());
    write_file(path, "line one\r\nline two\n");
    snprintf(dash_d, sizeof dash_d, "@%s", path);
    snprintf(bin, sizeof bin, "@%s", path);

    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-d", dash_d, "-d", "k=v",
                         "--data-binary", bin, "--data-raw", "@raw", NULL), 0);
    CHECK_INT(iotls_cli_req_body_load(&o.http, &b, err, sizeof err), 0);
    CHECK_INT(b.len, strlen("line oneline two&k=v&line one\r\nline two\n&@raw"));
    CHECK(b.p && memcmp(b.p, "line oneline two&k=v&line one\r\nline two\n&@raw", b.len) == 0);
    CHECK_STR(iotls_cli_req_method(&o.http, &b), "POST");
    iotls_cli_req_body_free(&b);

    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "-d", "", NULL), 0);
    CHECK_INT(iotls_cli_req_body_load(&o.http, &b, err, sizeof err), 0);
    CHECK(b.present && b.len == 0);
    iotls_cli_req_body_free(&b);

    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", "--data-binary",
                         "@no-such-file.bin", NULL), 0);
    CHECK_INT(iotls_cli_req_body_load(&o.http, &b, err, sizeof err), -1);
    CHECK(strstr(err, "--data-binary @no-such-file.bin: cannot read no-such-file.bin") == err);
    CHECK_INT(parse_args(&o, err, sizeof err, "get", "https://h/", NULL), 0);
    CHECK_INT(iotls_cli_req_body_load(&o.http, &b, err, sizeof err), 0);
    CHECK(!b.present);
    CHECK_STR(iotls_cli_req_method(&o.http, &b), "GET");
    remove(path);
}

/* RFC 3986 5.4.1 normal examples (those an https:// base can have), with
 * the base https://a/b/c/d;p?q. */
static void test_resolve(void)
{
    static const char *const cases[][2] = {
        {"g", "/b/c/g"},           {"./g", "/b/c/g"},         {"g/", "/b/c/g/"},
        {"/g", "/g"},              {"?y", "/b/c/d;p?y"},      {"g?y", "/b/c/g?y"},
        {"#s", "/b/c/d;p?q"},      {"g#s", "/b/c/g"},         {"g?y#s", "/b/c/g?y"},
        {";x", "/b/c/;x"},         {"g;x", "/b/c/g;x"},       {"", "/b/c/d;p?q"},
        {".", "/b/c/"},            {"./", "/b/c/"},           {"..", "/b/"},
        {"../", "/b/"},            {"../g", "/b/g"},          {"../..", "/"},
        {"../../", "/"},           {"../../g", "/g"},         {"../../../g", "/g"},
        {"/./g", "/g"},            {"/../g", "/g"},           {"g.", "/b/c/g."},
        {"g..", "/b/c/g.."},       {"./../g", "/b/g"},        {"./g/.", "/b/c/g/"},
        {"g/./h", "/b/c/g/h"},     {"g/../h", "/b/c/h"},      {"a b", "/b/c/a%20b"},
    };
    iotls_cli_url base, out;
    char err[512], text[512];

    CHECK_INT(iotls_cli_url_parse("https://a/b/c/d;p?q", &base, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = (int)iotls_cli_redirect_resolve(&base, cases[i][0], &out, err, sizeof err);
        CHECK_INT(rc, IOTLS_CLI_REDIRECT_OK);
        if (rc == 0 && strcmp(out.path, cases[i][1]) != 0)
            fprintf(stderr, "resolve \"%s\": got %s, expected %s\n", cases[i][0], out.path,
                    cases[i][1]);
        CHECK(rc == 0 && strcmp(out.path, cases[i][1]) == 0 && strcmp(out.host, "a") == 0);
    }
    CHECK_INT(iotls_cli_redirect_resolve(&base, "//other.example:8443/x", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_OK);
    CHECK_STR(out.host, "other.example");
    CHECK_INT(out.port, 8443);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "HTTPS://B.example/y", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_OK);
    iotls_cli_url_format(&out, text, sizeof text);
    CHECK_STR(text, "https://B.example/y");
    CHECK_INT(iotls_cli_redirect_resolve(&base, "http://a/b", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_DOWNGRADE);
    CHECK(strstr(err, "Location: http://a/b") != NULL);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "HTTP://a/b", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_DOWNGRADE);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "ftp://a/b", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_SCHEME);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "javascript:alert(1)", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_SCHEME);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "https://user@a/", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_MALFORMED);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "/x\ty", &out, err, sizeof err),
              IOTLS_CLI_REDIRECT_MALFORMED);

    CHECK_INT(iotls_cli_url_parse("https://[::1]:8443/a/b", &base, err, sizeof err), 0);
    CHECK_INT(iotls_cli_redirect_resolve(&base, "c", &out, err, sizeof err), 0);
    iotls_cli_url_format(&out, text, sizeof text);
    CHECK_STR(text, "https://[::1]:8443/a/c");
}

static void test_methods(void)
{
    int keep = -1;
    CHECK_STR(iotls_cli_redirect_method(301, "POST", &keep), "GET");
    CHECK_INT(keep, 0);
    CHECK_STR(iotls_cli_redirect_method(302, "PUT", &keep), "GET");
    CHECK_STR(iotls_cli_redirect_method(303, "POST", &keep), "GET");
    CHECK_STR(iotls_cli_redirect_method(303, "HEAD", &keep), "HEAD");
    CHECK_STR(iotls_cli_redirect_method(307, "POST", &keep), "POST");
    CHECK_INT(keep, 1);
    CHECK_STR(iotls_cli_redirect_method(308, "PUT", &keep), "PUT");
    CHECK_INT(keep, 1);
    CHECK(iotls_cli_redirect_status(301) && iotls_cli_redirect_status(308));
    CHECK(!iotls_cli_redirect_status(300) && !iotls_cli_redirect_status(304) &&
          !iotls_cli_redirect_status(200));
}

static void test_writeout(void)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "X-Two:  a b  \r\n\r\nX-Body: no\r\n";
    iotls_cli_wvals v;
    char err[256], *text = NULL;
    size_t len = 0;
    FILE *f;

    CHECK_INT(iotls_cli_writeout_check("%{http_code} %% %header{x} \\n 100%", "-w", err,
                                       sizeof err), 0);
    CHECK_INT(iotls_cli_writeout_check("%{time_total", "-w", err, sizeof err), -1);
    CHECK_INT(iotls_cli_writeout_check("%header{}", "-w", err, sizeof err), -1);
    CHECK_INT(iotls_cli_writeout_check("%{size_downloads}", "-w", err, sizeof err), -1);
    CHECK(strstr(err, "%{size_downloads}") != NULL);

    memset(&v, 0, sizeof v);
    v.http_code = 200;
    v.http_version_minor = 1;
    v.t_connect = 0.012;
    v.t_total = 2.0;
    v.size_download = 4096;
    v.url_effective = "https://h/x";
    v.ssl_verify_result = 0;
    v.num_redirects = 2;
    v.head = (const unsigned char *)head;
    v.head_len = sizeof head - 1;
    f = open_memstream(&text, &len);
    CHECK(f != NULL);
    if (!f)
        return;
    iotls_cli_writeout_print("%{http_code}|%{http_version}|%{time_connect}|%{size_download}|"
                             "%{speed_download}|%{url_effective}|%{num_redirects}|"
                             "%{ssl_verify_result}|%{content_type}|%header{x-two}|"
                             "%header{x-body}|%{stderr}|%%|\\t\\x|%z\\n",
                             &v, f, f);
    fclose(f);
    CHECK_STR(text, "200|1.1|0.012000|4096|2048|https://h/x|2|0|text/plain|a b|||%|\t\\x|%z\n");
    free(text);

    memset(&v, 0, sizeof v);
    v.http_version_minor = -1;
    text = NULL;
    f = open_memstream(&text, &len);
    if (!f)
        return;
    iotls_cli_writeout_print("%{http_code} %{http_version} %{content_type}.", &v, f, f);
    fclose(f);
    CHECK_STR(text, "000 0 .");
    free(text);
}

static void test_progress(void)
{
    iotls_cli_progress p;
    char line[256];

    memset(&p, 0, sizeof p);
    p.cols = 60;
    p.total = 2048;
    p.done = 1024;
    p.t0_ms = 1000;
    iotls_cli_progress_format(&p, 2000, line, sizeof line);
    CHECK(line[0] == '[' && strchr(line, ']') != NULL);
    CHECK(strstr(line, "  50.0%  1.0 KiB of 2.0 KiB  1.0 KiB/s") != NULL);
    CHECK_INT(strlen(line), 59); /* one column short of the width: no wrap */
    p.total = -1;
    iotls_cli_progress_format(&p, 2000, line, sizeof line);
    CHECK_STR(line, "1.0 KiB received  1.0 KiB/s");
    /* not a terminal: disabled, and every call a no-op */
    iotls_cli_progress_init(&p, stdin, 1);
    if (!isatty(0)) {
        CHECK(p.out == NULL);
        iotls_cli_progress_start(&p, 10, 0);
        iotls_cli_progress_add(&p, 5, 10);
        iotls_cli_progress_end(&p, 20);
        CHECK_INT(p.done, 0);
    }
}

static void test_find_header(void)
{
    static const char head[] = "HTTP/1.1 302 Found\r\nlocation:/next \r\nLOCATION: /second\r\n"
                               "X-Long: 0123456789\r\n\r\nLocation: /body\r\n";
    const unsigned char *p = (const unsigned char *)head;
    char v[8];

    CHECK_INT(iotls_cli_http_find_header(p, sizeof head - 1, "Location", v, sizeof v), 5);
    CHECK_STR(v, "/next");
    CHECK_INT(iotls_cli_http_find_header(p, sizeof head - 1, "x-long", v, sizeof v), 10);
    CHECK_STR(v, "0123456");
    CHECK_INT(iotls_cli_http_find_header(p, sizeof head - 1, "HTTP/1.1 302 Found", v, sizeof v),
              -1);
    CHECK_INT(iotls_cli_http_find_header(p, sizeof head - 1, "X-Missing", v, sizeof v), -1);
}

int main(void)
{
    test_header_check();
    test_options();
    test_head();
    test_body();
    test_resolve();
    test_methods();
    test_writeout();
    test_progress();
    test_find_header();
    return CHECK_DONE();
}
