/*
 * A certificate described for people and for --json: subject, issuer,
 * validity, SANs (DNS and IP), key and signature algorithm.
 */
#ifndef IOTLS_CLI_CERTINFO_H
#define IOTLS_CLI_CERTINFO_H

#include <stddef.h>

#include "mbedtls/x509_crt.h"

#include "iotls/config.h"

#define IOTLS_CLI_MAX_SANS 32

typedef struct iotls_cli_certinfo {
    char subject[256];
    char issuer[256];
    char not_before[24];   /* YYYY-MM-DDTHH:MM:SSZ */
    char not_after[24];
    char san[IOTLS_CLI_MAX_SANS][IOTLS_MAX_HOSTNAME + 8]; /* "DNS:name", "IP:addr", ... */
    size_t n_san;          /* kept */
    size_t total_san;      /* in the certificate */
    char key[48];          /* "EC secp256r1", "RSA 2048" */
    char sig_alg[48];      /* "ECDSA with SHA256" */
    int self_issued;       /* subject == issuer */
} iotls_cli_certinfo;

/* Fills info from crt. Cannot fail: what cannot be read is left "" or "?". */
void iotls_cli_certinfo_get(const mbedtls_x509_crt *crt, iotls_cli_certinfo *info);

/* The same from one DER certificate (iotls_conn_peer_cert()). Returns 0, or
 * -1 when it does not parse (info then says "?" with the reason as
 * subject). */
int iotls_cli_certinfo_der(const unsigned char *der, size_t len, iotls_cli_certinfo *info);

/* Formats an mbedtls_x509_time as YYYY-MM-DDTHH:MM:SSZ. */
void iotls_cli_certinfo_time(const mbedtls_x509_time *t, char *buf, size_t len);

#endif /* IOTLS_CLI_CERTINFO_H */
