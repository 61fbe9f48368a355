/*
 * URL, HOST[:PORT] and --resolve parsing, with the refusals.
 */
#include <string.h>

#include "check.h"
#include "url.h"

static char err[256];

static int url_ok(const char *s, iotls_cli_url *u)
{
    err[0] = '\0';
    return iotls_cli_url_parse(s, u, err, sizeof err) == 0;
}

static int url_bad(const char *s, const char *want_in_err)
{
    iotls_cli_url u;
    err[0] = '\0';
    if (iotls_cli_url_parse(s, &u, err, sizeof err) != -1)
        return 0;
    if (strchr(err, '\n') || err[0] == '\0')
        return 0;
    return want_in_err == NULL || strstr(err, want_in_err) != NULL;
}

static void test_url_good(void)
{
    iotls_cli_url u;
    char hh[300];

    CHECK(url_ok("https://example.com", &u));
    CHECK_STR(u.host, "example.com");
    CHECK_INT(u.port, 443);
    CHECK_STR(u.path, "/");
    CHECK_INT(u.is_ipv6, 0);
    iotls_cli_url_host_header(&u, hh, sizeof hh);
    CHECK_STR(hh, "example.com");

    CHECK(url_ok("HTTPS://Example.com:8443/a/b?x=1&y=2#frag", &u));
    CHECK_STR(u.host, "Example.com");
    CHECK_INT(u.port, 8443);
    CHECK_STR(u.path, "/a/b?x=1&y=2");
    iotls_cli_url_host_header(&u, hh, sizeof hh);
    CHECK_STR(hh, "Example.com:8443");

    CHECK(url_ok("https://example.com?q=1", &u));
    CHECK_STR(u.path, "/?q=1");
    CHECK(url_ok("https://example.com#top", &u));
    CHECK_STR(u.path, "/");

    CHECK(url_ok("https://[::1]:4433/x", &u));
    CHECK_STR(u.host, "::1");
    CHECK_INT(u.is_ipv6, 1);
    CHECK_INT(u.port, 4433);
    iotls_cli_url_host_header(&u, hh, sizeof hh);
    CHECK_STR(hh, "[::1]:4433");
    CHECK(url_ok("https://[2001:db8::1]/", &u));
    CHECK_STR(u.host, "2001:db8::1");
    CHECK_INT(u.port, 443);
    iotls_cli_url_host_header(&u, hh, sizeof hh);
    CHECK_STR(hh, "[2001:db8::1]");

    CHECK(url_ok("https://127.0.0.1:65535/", &u));
    CHECK_STR(u.host, "127.0.0.1");
    CHECK_INT(u.port, 65535);
    CHECK(url_ok("https://h:1/", &u));
    CHECK_INT(u.port, 1);

    /* Non-ASCII bytes in the path are sent percent-encoded. */
    CHECK(url_ok("https://h/caf\xc3\xa9", &u));
    CHECK_STR(u.path, "/caf%C3%A9");
}

static void test_url_bad(void)
{
    char longhost[400];

    CHECK(url_bad("http://example.com/", "TLS only"));
    CHECK(url_bad("HTTP://example.com/", "TLS only"));
    CHECK(url_bad("ftp://example.com/", "scheme"));
    CHECK(url_bad("example.com/", "https://"));
    CHECK(url_bad("", NULL));
    CHECK(url_bad("https://", "empty host"));
    CHECK(url_bad("https:///path", "empty host"));
    CHECK(url_bad("https://:443/", "empty host"));
    CHECK(url_bad("https://h:0/", "port"));
    CHECK(url_bad("https://h:65536/", "port"));
    CHECK(url_bad("https://h:99999999999/", "port"));
    CHECK(url_bad("https://h:8x/", "port"));
    CHECK(url_bad("https://h:-1/", "port"));
    CHECK(url_bad("https://h:/", "port"));
    CHECK(url_bad("https://user:pw@h/", "user"));
    CHECK(url_bad("https://user@h/", "user"));
    CHECK(url_bad("https://[::1/", "]"));
    CHECK(url_bad("https://[::1]x/", "after"));
    CHECK(url_bad("https://[not-v6]/", "IPv6"));
    CHECK(url_bad("https://[127.0.0.1]/", "IPv6"));
    CHECK(url_bad("https://::1/", "brackets"));
    CHECK(url_bad("https://exa mple.com/", "space"));
    CHECK(url_bad("https://h/a b", "space"));
    CHECK(url_bad("https://h/a\r\nX: y", "control"));
    CHECK(url_bad("https://bad_host!/", "malformed host"));
    CHECK(url_bad("https://a..b/", "malformed host"));

    memset(longhost, 'a', sizeof longhost);
    memcpy(longhost, "https://", 8);
    /* 254 characters of host: one over the RFC 6066 / RFC 1035 limit */
    for (int i = 0; i < 254; i++)
        longhost[8 + i] = (i % 50 == 49) ? '.' : 'a';
    longhost[8 + 254] = '/';
    longhost[8 + 255] = '\0';
    CHECK(url_bad(longhost, "too long"));
    /* 64-character label */
    CHECK(url_bad("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/",
                  "malformed host"));
}

static void test_target(void)
{
    iotls_cli_url u;

    CHECK(iotls_cli_target_parse("example.com", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "example.com");
    CHECK_INT(u.port, 443);
    CHECK(iotls_cli_target_parse("example.com:8443", &u, err, sizeof err) == 0);
    CHECK_INT(u.port, 8443);
    CHECK(iotls_cli_target_parse("[::1]:4433", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "::1");
    CHECK_INT(u.port, 4433);
    CHECK(iotls_cli_target_parse("::1", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "::1");
    CHECK_INT(u.port, 443);
    CHECK_INT(u.is_ipv6, 1);
    CHECK(iotls_cli_target_parse("fe80::1:2:3", &u, err, sizeof err) == 0);
    CHECK_INT(u.port, 443);
    CHECK(iotls_cli_target_parse("127.0.0.1:1", &u, err, sizeof err) == 0);
    CHECK_INT(u.port, 1);

    CHECK(iotls_cli_target_parse("", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse(":443", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("h:0", &u, err, sizeof err) == -1);
    CHECK(strstr(err, "port") != NULL);
    CHECK(iotls_cli_target_parse("h:65536", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("h:abc", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("https://h/", &u, err, sizeof err) == -1);
    CHECK(strstr(err, "not a URL") != NULL);
    CHECK(iotls_cli_target_parse("h/x", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("u@h", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("::zz", &u, err, sizeof err) == -1);
    CHECK(iotls_cli_target_parse("[::1]:", &u, err, sizeof err) == -1);
}

static void test_resolve(void)
{
    iotls_cli_resolve r;

    CHECK(iotls_cli_resolve_parse("example.com:443:127.0.0.1", &r, err, sizeof err) == 0);
    CHECK_STR(r.host, "example.com");
    CHECK_INT(r.port, 443);
    CHECK_STR(r.addr, "127.0.0.1");
    CHECK(iotls_cli_resolve_parse("example.com:8443:[::1]", &r, err, sizeof err) == 0);
    CHECK_STR(r.addr, "::1");
    CHECK_INT(r.port, 8443);
    CHECK(iotls_cli_resolve_parse("example.com:8443:2001:db8::2", &r, err, sizeof err) == 0);
    CHECK_STR(r.addr, "2001:db8::2");

    CHECK(iotls_cli_resolve_parse("example.com:443", &r, err, sizeof err) == -1);
    CHECK(strstr(err, "HOST:PORT:ADDR") != NULL);
    CHECK(iotls_cli_resolve_parse("example.com", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse(":443:127.0.0.1", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:0:127.0.0.1", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:65536:127.0.0.1", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:x:127.0.0.1", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:443:", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:443:localhost", &r, err, sizeof err) == -1);
    CHECK(strstr(err, "IP address") != NULL);
    CHECK(iotls_cli_resolve_parse("h:443:[::1", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:443:[]", &r, err, sizeof err) == -1);
    CHECK(iotls_cli_resolve_parse("h:443:1.2.3.4.5", &r, err, sizeof err) == -1);
}

static void test_port(void)
{
    uint16_t p = 7;
    CHECK(iotls_cli_port_parse("443", 3, &p) == 0 && p == 443);
    CHECK(iotls_cli_port_parse("0", 1, &p) == -1);
    CHECK(iotls_cli_port_parse("65536", 5, &p) == -1);
    CHECK(iotls_cli_port_parse("065535", 6, &p) == -1);
    CHECK(iotls_cli_port_parse("", 0, &p) == -1);
    CHECK(iotls_cli_port_parse("4a", 2, &p) == -1);
    CHECK(iotls_cli_port_parse("+1", 2, &p) == -1);
}

int main(void)
{
    test_url_good();
    test_url_bad();
    test_target();
    test_resolve();
    test_port();
    return CHECK_DONE();
}
