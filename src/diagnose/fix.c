/*
 * Diagnosis: the fix of each cause, three ways: the iotls tool's option,
 * the Mbed TLS call or config line for device code, and the server side.
 * Rules that know better (protocol_version with an old server) write their
 * own before concluding; these are the defaults.
 */
#include <stdio.h>

#include "diagnose/fix.h"

#define FIX(field, ...) IOTLS_DIAG_FIX(x, field, __VA_ARGS__)

void iotls_diag_fill_fix(iotls_diag_ctx *x, iotls_cause c)
{
    iotls_diagnosis *d = x->d;
    const char *h = x->host;
    (void)h; /* unused when IOTLS_DIAG_TEXT is 0 */
    switch (c) {
    case IOTLS_CAUSE_SNI_REJECTED:
        if (iotls_diag_sni_differs(x)) {
            FIX(fix_tool, x->in->sni_overridden
                              ? "drop --sni; iotls uses the dialed host by default"
                              : "none needed: iotls sends the dialed host as SNI by default");
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"%s\");", h);
        } else {
            FIX(fix_tool, "dial a name the server serves, or --sni NAME with that name");
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"<a name the server serves>\");");
        }
        if (iotls_diag_sni_differs(x))
            FIX(fix_server, "nothing: the client sent a name that is not this server's");
        else
            FIX(fix_server, "serve \"%s\" (a server block and a certificate for that name)",
                x->sni != NULL ? x->sni : h);
        break;
    case IOTLS_CAUSE_SNI_MISSING:
        FIX(fix_tool,
            x->host_is_ip ? "dial the host name (--resolve NAME:PORT:%s to keep the "
                            "address)"
                          : "drop --no-sni%s",
            x->host_is_ip ? h : "");
        /* The dialed host is known: name it, unless it is an IP literal
         * (RFC 6066 forbids an address as SNI). */
        if (x->host_is_ip || h == NULL || h[0] == '\0')
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"<server host name>\"); before "
                            "mbedtls_ssl_handshake()");
        else
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"%s\"); before "
                            "mbedtls_ssl_handshake()", h);
        FIX(fix_server, "give the default server a certificate and accept hellos without SNI");
        break;
    case IOTLS_CAUSE_NO_SHARED_CIPHER:
        FIX(fix_tool,
            "none needed: iotls offers the TLS 1.3 suites and, for TLS 1.2, ECDHE-ECDSA and "
            "ECDHE-RSA with AES-GCM and ChaCha20-Poly1305; confirm with `iotls diagnose %s`",
            h);
        FIX(fix_device, "mbedtls_ssl_conf_ciphersuites(&conf, suites) with "
                        "MBEDTLS_TLS1_3_AES_128_GCM_SHA256, "
                        "MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and "
                        "MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (and their 256 forms)");
        FIX(fix_server, "enable ECDHE with AES-GCM for its certificate type");
        break;
    case IOTLS_CAUSE_NO_SHARED_GROUP:
        FIX(fix_tool,
            "none needed: iotls offers x25519, secp256r1, secp384r1; confirm with "
            "`iotls diagnose %s`",
            h);
        FIX(fix_device,
            "mbedtls_ssl_conf_groups(&conf, groups) with MBEDTLS_SSL_IANA_TLS_GROUP_X25519, "
            "MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1 "
            "(MBEDTLS_ECP_DP_*_ENABLED)");
        FIX(fix_server, "accept x25519 or secp256r1 (OpenSSL: -groups X25519:P-256)");
        break;
    case IOTLS_CAUSE_NO_SHARED_SIGNATURE_ALGORITHM:
        FIX(fix_tool, "none needed: iotls offers ECDSA, RSA-PSS and RSA PKCS#1 v1.5 with "
                      "SHA-256 and up; confirm with `iotls diagnose %s`",
            h);
        FIX(fix_device, "mbedtls_ssl_conf_sig_algs(&conf, sig_algs) with "
                        "MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, "
                        "MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256 and "
                        "MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256 (MBEDTLS_PKCS1_V21, "
                        "MBEDTLS_X509_RSASSA_PSS_SUPPORT)");
        FIX(fix_server, "use a certificate key the client can verify (RSA-2048 or ECDSA P-256)");
        break;
    case IOTLS_CAUSE_PROTOCOL_VERSION:
        FIX(fix_tool,
            "none needed: iotls offers TLS 1.3 and TLS 1.2 (unless --tls-max/--tls-min "
            "narrowed it); confirm with `iotls diagnose %s`",
            h);
        FIX(fix_device, "mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2); "
                        "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3); "
                        "(MBEDTLS_SSL_PROTO_TLS1_3, psa_crypto_init())");
        FIX(fix_server, "enable TLS 1.2 and TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        break;
    case IOTLS_CAUSE_CLIENT_CERT_REQUIRED:
        FIX(fix_tool, "--cert FILE --key FILE: a client certificate from a CA the server "
                      "trusts, and its key");
        FIX(fix_device, "mbedtls_ssl_conf_own_cert(&conf, &client_crt, &client_key);");
        FIX(fix_server, "or make client certificates optional (nginx: ssl_verify_client "
                        "optional)");
        break;
    case IOTLS_CAUSE_CLIENT_CERT_REJECTED:
        FIX(fix_tool, "--cert FILE --key FILE with a certificate issued by a CA the server "
                      "trusts, valid now, and its own key");
        FIX(fix_device, "mbedtls_ssl_conf_own_cert(&conf, &client_crt, &client_key); with a "
                        "certificate from the server's client CA, valid now, matching the key");
        FIX(fix_server, "trust the client certificate's CA (nginx: ssl_client_certificate)");
        break;
    case IOTLS_CAUSE_CERT_EXPIRED:
        FIX(fix_tool, "none: an expired certificate must be renewed; check the local clock");
        FIX(fix_device, "none on the device (never skip the date check); make sure the clock "
                        "is right");
        FIX(fix_server, "renew the certificate (and the intermediates) and reload the server");
        break;
    case IOTLS_CAUSE_CERT_NOT_YET_VALID:
        FIX(fix_tool, "none: check the local clock and the certificate's notBefore");
        FIX(fix_device,
            "make sure the device clock is right (SNTP) before mbedtls_ssl_handshake()");
        FIX(fix_server, "reissue the certificate with a notBefore in the past");
        break;
    case IOTLS_CAUSE_CLOCK_NOT_SET:
        FIX(fix_tool, "set the system clock (timedatectl set-ntp true)");
        FIX(fix_device, "set the time (SNTP: sntp_setservername(0, \"pool.ntp.org\"); "
                        "sntp_init();) before mbedtls_ssl_handshake(); mbedtls_time() must "
                        "return it");
        FIX(fix_server, "nothing: the server is fine");
        break;
    case IOTLS_CAUSE_HOSTNAME_MISMATCH:
        if (x->offline) {
            /* iotls verify: nothing was dialed */
            FIX(fix_tool, "check a name the certificate lists (iotls verify -v shows them)");
            FIX(fix_device, "dial a name the certificate lists (mbedtls_ssl_set_hostname(&ssl, "
                            "\"<that name>\");)");
        } else if (iotls_diag_sni_differs(x)) {
            FIX(fix_tool, "drop --sni; iotls checks the certificate against the dialed host");
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"%s\");", h);
        } else {
            FIX(fix_tool, "dial a name the certificate lists (iotls connect -v shows them)");
            FIX(fix_device, "mbedtls_ssl_set_hostname(&ssl, \"<a name the certificate lists>\"); "
                            "and dial that name");
        }
        FIX(fix_server, "serve a certificate whose subjectAltName lists %s:%s",
            x->host_is_ip ? "IP" : "DNS", h);
        break;
    case IOTLS_CAUSE_UNKNOWN_CA:
        FIX(fix_tool, "--cacert FILE with the root CA that issued the server's chain");
        FIX(fix_device, "mbedtls_x509_crt_parse(&cacert, root_pem, sizeof root_pem); "
                        "mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL); with that root");
        FIX(fix_server, "use a certificate from a CA the clients trust");
        break;
    case IOTLS_CAUSE_INCOMPLETE_CHAIN:
        FIX(fix_tool, "--cacert FILE holding the missing intermediate with the root");
        FIX(fix_device, "add the intermediate: mbedtls_x509_crt_parse(&cacert, "
                        "intermediate_pem, sizeof intermediate_pem);");
        FIX(fix_server, "send the full chain (nginx: ssl_certificate fullchain.pem)");
        break;
    case IOTLS_CAUSE_SELF_SIGNED:
        FIX(fix_tool, "--cacert FILE with that very certificate, if you trust it");
        FIX(fix_device, "pin it: mbedtls_x509_crt_parse(&cacert, server_cert_pem, sizeof "
                        "server_cert_pem); mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);");
        FIX(fix_server, "use a certificate from a CA (a private CA for devices is fine)");
        break;
    case IOTLS_CAUSE_WEAK_SIGNATURE:
        FIX(fix_tool, "none: the server must reissue its chain with SHA-256 or better");
        FIX(fix_device, "none safe; mbedtls_ssl_conf_cert_profile() allowing SHA-1 would "
                        "accept forgeable certificates");
        FIX(fix_server, "reissue the certificate (and chain) signed with SHA-256 or better");
        break;
    case IOTLS_CAUSE_WEAK_KEY:
        FIX(fix_tool, "none: the server must use a stronger key");
        FIX(fix_device, "none safe; a custom mbedtls_x509_crt_profile with rsa_min_bitlen 1024 "
                        "via mbedtls_ssl_conf_cert_profile() would accept breakable keys");
        FIX(fix_server, "reissue with RSA-2048 or more, or ECDSA P-256");
        break;
    case IOTLS_CAUSE_WRONG_KEY_USAGE:
        FIX(fix_tool, "none: the server must use a certificate issued for TLS servers");
        FIX(fix_device, "none: the certificate is not meant for this");
        FIX(fix_server, "reissue with extendedKeyUsage serverAuth and keyUsage "
                        "digitalSignature (RSA: also keyEncipherment)");
        break;
    case IOTLS_CAUSE_NOT_TLS:
        FIX(fix_tool, "dial the TLS port of the service (HTTPS is 443); STARTTLS services are "
                      "not supported");
        FIX(fix_device, "connect to the service's TLS port (mbedtls_net_connect(&fd, host, "
                        "\"443\", MBEDTLS_NET_PROTO_TCP))");
        FIX(fix_server, "enable TLS on this port");
        break;
    case IOTLS_CAUSE_DNS_FAILURE:
        FIX(fix_tool, "check the spelling of \"%s\", or --resolve %s:PORT:ADDR", h, h);
        FIX(fix_device, "check the DNS server (DHCP, or LwIP dns_setserver(0, &addr)) and that "
                        "the network is up before resolving");
        FIX(fix_server, "publish an A/AAAA record for the name");
        break;
    case IOTLS_CAUSE_CONNECTION_REFUSED:
        FIX(fix_tool, "check the port (HOST:PORT) and that the server runs");
        FIX(fix_device, "check the port passed to the connect call");
        FIX(fix_server, "start the server or open the port");
        break;
    case IOTLS_CAUSE_CONNECTION_RESET:
        if (x->e->wire.bytes_sent == 0 && !x->e->wire.client_hello_seen) {
            /* reset at connect: no ClientHello went out, so nothing in
             * the TLS configuration is the reason */
            FIX(fix_tool, "check that %s is the TLS port and what sits between (firewall, "
                          "proxy, connection limits); the TLS options cannot change this", h);
            FIX(fix_device, "nothing in the TLS configuration: the reset came before the "
                            "ClientHello; check the network path and retry with a back-off");
            FIX(fix_server, "check the server's connection limits (listen backlog, "
                            "per-address limits) and its log");
            break;
        }
        FIX(fix_tool,
            "check what sits between (firewall, proxy); `iotls diagnose %s` retries "
            "with other offers",
            h);
        FIX(fix_device, "check the network path (a firewall may reset TLS to names it "
                        "blocks: compare the SNI, mbedtls_ssl_set_hostname(), with what "
                        "works from another network)");
        FIX(fix_server, "check the server's log for why it reset the connection");
        break;
    case IOTLS_CAUSE_CONNECT_TIMEOUT:
        FIX(fix_tool, "check the address and firewall; --connect-timeout S to wait longer");
        FIX(fix_device, "check the route and firewall; raise the connect timeout on slow links");
        FIX(fix_server, "allow the client's address through the firewall");
        break;
    case IOTLS_CAUSE_HANDSHAKE_TIMEOUT:
        FIX(fix_tool, "-m/--max-time S to wait longer; check that the port serves TLS");
        FIX(fix_device, "mbedtls_ssl_conf_read_timeout(&conf, ms) with a bound that fits the "
                        "link, and mbedtls_ssl_set_bio(..., f_recv_timeout)");
        FIX(fix_server, "check the server's load and that this port serves TLS");
        break;
    case IOTLS_CAUSE_READ_TIMEOUT:
        FIX(fix_tool, "-m/--max-time S to wait longer");
        FIX(fix_device, "mbedtls_ssl_conf_read_timeout(&conf, ms) longer; check the request is "
                        "complete (HTTP: blank line after the headers)");
        FIX(fix_server, "check why the server does not answer the request");
        break;
    case IOTLS_CAUSE_PEER_CLOSED:
        if (iotls_diag_maybe_tls13_intolerant(x->e)) {
            /* Closing on the hello is also what a server intolerant of
             * TLS 1.3 ClientHellos does; the retry confirms it. */
            FIX(fix_tool, "if the server is intolerant of TLS 1.3 ClientHellos: --tls-max 1.2; "
                          "`iotls diagnose %s` retries with one change at a time to tell", h);
            FIX(fix_device, "if the server is intolerant of TLS 1.3 ClientHellos: "
                            "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);"
                            " else compare the offer (mbedtls_ssl_conf_ciphersuites, "
                            "mbedtls_ssl_set_hostname)");
            FIX(fix_server, "check the server's log for why it closed the connection; a TLS 1.2 "
                            "server must ignore TLS 1.3's extensions (RFC 8446 appendix D)");
            break;
        }
        FIX(fix_tool, "`iotls diagnose %s` retries with one change at a time to find why", h);
        FIX(fix_device, "compare the device's offer with what the server accepts "
                        "(mbedtls_ssl_conf_ciphersuites, mbedtls_ssl_set_hostname)");
        FIX(fix_server, "check the server's log for why it closed the connection");
        break;
    case IOTLS_CAUSE_TRUNCATED:
        FIX(fix_tool, "none: the data may be incomplete; retry");
        FIX(fix_device, "treat mbedtls_ssl_read() returning 0 without "
                        "MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY as an error");
        FIX(fix_server, "close connections with close_notify (SSL_shutdown)");
        break;
    case IOTLS_CAUSE_RECORD_TOO_LARGE:
        FIX(fix_tool, "none: the tool uses 16384-byte buffers");
        FIX(fix_device,
            "#define MBEDTLS_SSL_IN_CONTENT_LEN 16384 (or negotiate smaller "
            "records: mbedtls_ssl_conf_max_frag_len(&conf, MBEDTLS_SSL_MAX_FRAG_LEN_4096) "
            "if the server supports RFC 6066)");
        FIX(fix_server, "send smaller records (OpenSSL: -max_send_frag 4096) or support "
                        "max_fragment_length");
        break;
    case IOTLS_CAUSE_OUT_OF_MEMORY:
        FIX(fix_tool, "none: free memory on the host");
        FIX(fix_device, "give Mbed TLS more heap (mbedtls_memory_buffer_alloc_init(buf, sizeof "
                        "buf)), or #define MBEDTLS_SSL_OUT_CONTENT_LEN 4096 to shrink the "
                        "output buffer");
        FIX(fix_server, "a shorter certificate chain and ECDSA keys need less client memory");
        break;
    case IOTLS_CAUSE_ENTROPY_FAILURE:
        FIX(fix_tool, "none: the host's random source failed (check /dev/urandom)");
        FIX(fix_device, "mbedtls_entropy_add_source(&entropy, trng_poll, NULL, 32, "
                        "MBEDTLS_ENTROPY_SOURCE_STRONG); with the chip's TRNG (or "
                        "MBEDTLS_ENTROPY_HARDWARE_ALT with mbedtls_hardware_poll())");
        FIX(fix_server, "nothing: the server is fine");
        break;
    case IOTLS_CAUSE_CA_LOAD_ERROR:
        if (x->e->code == IOTLS_ERR_CRL) {
            FIX(fix_tool, "--crlfile FILE with a CRL in PEM (BEGIN X509 CRL) or DER");
            FIX(fix_device, "mbedtls_x509_crl_parse(&crl, pem, strlen(pem) + 1); (a PEM buffer "
                            "must include its NUL) and check its return value");
            FIX(fix_server, "nothing: the server is fine");
            break;
        }
        FIX(fix_tool, "--cacert FILE with PEM or DER CA certificates that parse");
        FIX(fix_device, "mbedtls_x509_crt_parse(&cacert, pem, strlen(pem) + 1); (a PEM buffer "
                        "must include its NUL) and check its return value: > 0 counts skipped "
                        "certificates");
        FIX(fix_server, "nothing: the server is fine");
        break;
    case IOTLS_CAUSE_NAME_CONSTRAINTS:
        FIX(fix_tool, "none: the CA may not issue for that name; `iotls verify CHAIN --host "
                      "%s -v` shows the chain", h);
        FIX(fix_device, "none safe: a CA's name constraints are part of trusting it (Mbed TLS "
                        "3.6 alone ignores non-critical ones; iotls enforces them)");
        FIX(fix_server, "a certificate from a CA whose nameConstraints permit the name, or "
                        "reissue the CA with it permitted (openssl: nameConstraints=permitted;"
                        "DNS:.example.com, non-critical: Mbed TLS cannot parse a critical one "
                        "in a handshake)");
        break;
    case IOTLS_CAUSE_CERT_REVOKED:
        FIX(fix_tool, "none for a revoked certificate; for a CRL out of date, --crlfile with "
                      "the issuer's current CRL");
        FIX(fix_device, "none safe: a revoked key may be in other hands; refresh the CRL "
                        "(mbedtls_x509_crl_parse) before its nextUpdate");
        FIX(fix_server, "serve a newly issued certificate with a new key (the CA revoked the "
                        "old one)");
        break;
    case IOTLS_CAUSE_CERT_PROFILE:
        FIX(fix_tool, "none: the certificate must be reissued; `iotls verify CHAIN --host %s -v` "
                      "checks a new one before it is deployed", h);
        FIX(fix_device, "none safe: the rule is part of iotls's certificate policy "
                        "(docs/policy.md); Mbed TLS alone does not check it");
        FIX(fix_server, "reissue the certificate named above following RFC 5280 (a private PKI: "
                        "subjectKeyIdentifier=hash, authorityKeyIdentifier=keyid:always)");
        break;
    case IOTLS_CAUSE_UNKNOWN:
    case IOTLS_CAUSE_NONE:
    default:
        FIX(fix_tool,
            "`iotls diagnose %s` retries with one change at a time; -v --debug 3 "
            "shows the handshake",
            h);
        FIX(fix_device, "MBEDTLS_DEBUG_C with mbedtls_debug_set_threshold(3) shows the "
                        "handshake");
        d->fix_server[0] = '\0';
        break;
    }
}

void iotls_diag_conclude(iotls_diag_ctx *x, iotls_cause cause, iotls_certainty certainty)
{
    iotls_diagnosis *d = x->d;
    if (d->n_candidates > 0)
        cause = d->candidates[0].cause;
    d->cause = cause;
    if (cause == IOTLS_CAUSE_UNKNOWN)
        d->certainty = IOTLS_DIAG_UNEXPLAINED;
    else
        d->certainty = d->n_candidates > 1 ? IOTLS_DIAG_AMBIGUOUS : certainty;
    if (d->summary[0] == '\0' && d->n_candidates > 0)
        iotls_diag_summary(x, "%s", d->candidates[0].why);
    if (d->fix_tool[0] == '\0' && d->fix_device[0] == '\0')
        iotls_diag_fill_fix(x, cause);
    snprintf(d->doc, sizeof(d->doc), "docs/causes/%s.md", iotls_cause_name(cause));
}
