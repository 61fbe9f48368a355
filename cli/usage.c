/*
 * The --help text: commands, options and exit codes (docs/exit-codes.md).
 */
#include <stdio.h>

#include "mbedtls/version.h"

#include "iotls/iotls.h"

#include "cmd.h"
#include "opts.h"

const char *iotls_cli_usage(void)
{
    return
"Usage: iotls get URL [options]             HTTPS GET; the body goes to stdout\n"
"       iotls connect HOST[:PORT] [options]  handshake, show what was negotiated\n"
"       iotls diagnose HOST[:PORT] [options] find the cause of a failing handshake:\n"
"                                            reproduce it, then retry with one change\n"
"                                            at a time (at most 12 connections)\n"
"       iotls demo                           the seed case, here, without network\n"
"       iotls --help | --version\n"
"\n"
"URL is https://HOST[:PORT]/PATH (iotls speaks TLS only); HOST may be a DNS name,\n"
"an IPv4 address or an IPv6 address in brackets. connect takes HOST, HOST:PORT,\n"
"[IPv6]:PORT or a bare IPv6 address; the default port is 443.\n"
"\n"
"Options:\n"
"  --cacert FILE        trust the CA certificates in FILE (PEM or DER)\n"
"  --capath DIR         trust the CA certificates in the files of DIR\n"
"                       (default for both: the system store, honouring\n"
"                       SSL_CERT_FILE / SSL_CERT_DIR; --cacert and --capath add up)\n"
"  --resolve HOST:PORT:ADDR  dial ADDR (IPv6 may be in brackets) for HOST:PORT;\n"
"                       SNI and the certificate check still use HOST\n"
"  --connect-timeout S  TCP connect timeout in seconds (default 10; \"0.5\" works)\n"
"  -m, --max-time S     bound on the whole command, in seconds (default: none beyond\n"
"                       the handshake 15 s and read 30 s timeouts)\n"
"  --sni NAME           send NAME as SNI and check the certificate against NAME\n"
"                       (what the vendor example effectively did)\n"
"  --no-sni             send no SNI; the certificate is still checked against HOST\n"
"  --tlsv1.2            offer TLS 1.2 or later (the default: TLS 1.3 and 1.2, 1.3\n"
"                       preferred)\n"
"  --tlsv1.3            offer TLS 1.3 only (minimum version 1.3)\n"
"  --tls-max VERSION    highest version to offer: 1.2 or 1.3 (default 1.3)\n"
"  --ciphers LIST       TLS 1.2 cipher suites, ':'-separated, OpenSSL or IANA names\n"
"                       (ECDHE-ECDSA-AES128-GCM-SHA256 or\n"
"                       TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), in order of preference\n"
"  --tls13-ciphers LIST TLS 1.3 cipher suites, ':'-separated (TLS_AES_128_GCM_SHA256)\n"
"  --curves LIST        key exchange groups, ':'-separated (x25519:P-256:secp384r1)\n"
"  --cert FILE          client certificate (PEM or DER; the chain may follow it)\n"
"  --key FILE           its private key (PEM or DER); with --cert\n"
"  --pass PHRASE        the password of an encrypted --key\n"
"  -o, --output FILE    get: write the body to FILE (complete or not at all)\n"
"  -i, --include        get: show the response headers before the body\n"
"  --json               print one JSON object describing the outcome on stdout\n"
"                       (docs/json.md), on success and on failure; with get, the\n"
"                       body goes only to -o FILE and is discarded without -o\n"
"  -v, --verbose        say what happens, step by step, on stderr\n"
"  --debug N            Mbed TLS debug output, level 0-4, on stderr\n"
"  -h, --help           this text\n"
"  --version            versions of iotls and Mbed TLS\n"
"\n"
"Exit codes:\n"
"   0  success (an HTTP status like 404 is still a successful transfer)\n"
"   1  internal error: out of memory, no entropy\n"
"   2  usage: unknown option, malformed URL, --resolve or port, host name too long,\n"
"      unknown or empty --ciphers, --tls13-ciphers or --curves item, a --tls-max\n"
"      other than 1.2 or 1.3\n"
"   3  local setup: CA file or directory missing, unreadable or without any\n"
"      usable certificate; client certificate or key unreadable, encrypted\n"
"      without --pass, or not a pair; output file cannot be written\n"
"   4  DNS: the name does not resolve\n"
"   5  connect: TCP refused, timed out or unreachable\n"
"   6  handshake: alert received, protocol version, peer closed, not TLS, timeout\n"
"   7  verify: the server's certificate was rejected (chain, validity, name)\n"
"   8  read: read timeout, truncation (closed without close_notify), reset\n"
"   9  write: the request could not be sent\n"
"  10  close: close_notify could not be sent\n"
"  11  HTTP: not an HTTP response, malformed response, or a body cut short\n"
"  12  diagnose: the failure was reproduced but no single change made it work\n"
"      (cause not confirmed); diagnose exits 0 when your settings work, and the\n"
"      failure's own code (1, 3-11) when the cause is confirmed or needs no retry\n";
}

void iotls_cli_print_version(void)
{
    char mbed[32];
    /* the engine linked, not the header compiled against */
    mbedtls_version_get_string(mbed);
    printf("iotls %s (Mbed TLS %s; TLS 1.3 and 1.2)\n", IOTLS_VERSION_STRING, mbed);
}
