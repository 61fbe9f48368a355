/*
 * The client certificate: from --cert/--key[/--pass] files, or a throwaway
 * one made in memory for `iotls diagnose` (to see whether a server that
 * asks for a certificate goes on to check one). Both end up as an
 * iotls_cred, the library's type.
 */
#ifndef IOTLS_CLI_CLIENTCERT_H
#define IOTLS_CLI_CLIENTCERT_H

#include <stddef.h>

#include "iotls/iotls.h"

typedef struct iotls_cli_client_cert {
    iotls_cred cred;
    int loaded;
} iotls_cli_client_cert;

void iotls_cli_client_cert_init(iotls_cli_client_cert *cc);
void iotls_cli_client_cert_free(iotls_cli_client_cert *cc);

/*
 * Loads a certificate (PEM or DER; the first one is the client's, the rest
 * its chain) and its private key (PEM or DER, encrypted when password is
 * not NULL) with iotls_cred_load_files(), which checks that they belong
 * together. Returns 0, or -1 with a one-line reason in why that names the
 * file(s) at fault.
 */
int iotls_cli_client_cert_load(iotls_cli_client_cert *cc, const char *cert_file,
                               const char *key_file, const char *password, char *why,
                               size_t whylen);

/*
 * Makes a self-signed EC P-256 certificate, CN "iotls diagnose throwaway",
 * valid for a day around now. No server trusts it: it only shows whether a
 * server that asks for a certificate checks the one it gets. Returns 0 or -1.
 */
int iotls_cli_client_cert_throwaway(iotls_cli_client_cert *cc);

#endif /* IOTLS_CLI_CLIENTCERT_H */
