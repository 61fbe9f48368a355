/* The firmware application: the seed case made right, and the benchmark. */
#ifndef APP_H
#define APP_H

#include <stddef.h>
#include <stdint.h>

#include "iotls/iotls.h"

/* Settings from the host (semihosting command line), see main.c. */
typedef struct app_args {
    const char *mode;        /* "seed" (default) or a test mode, see main.c */
    const char *host;        /* DNS name the server's certificate carries */
    const char *dial;        /* IP literal dialed instead of resolving host */
    uint16_t port;
    const char *ca;          /* host path of the CA file (PEM) */
    const char *sha256;      /* expected body digest, hex */
    const char *seed;        /* test entropy seed, hex */
    uint16_t port2;          /* bench, versions: second server ... */
    const char *ca2;         /* ... and its CA */
    uint16_t port3;          /* versions: RSA chain, TLS 1.3 only ... */
    uint16_t port4;          /* ... and TLS 1.2 only */
    const char *group;       /* bench: offer only this group ("secp256r1") */
    uint16_t refused;        /* checks: a closed port */
    uint16_t silent;         /* checks: a server that accepts and never answers */
    uint16_t dns_port;       /* dns: the responder's UDP port on the host */
    const char *nxhost;      /* dns: a name the responder answers NXDOMAIN */
    uint16_t dns_dead;       /* dns: a UDP port where no DNS server answers */
    const char *bundle;      /* bundle: host path of the root bundle (iotls bundle) */
    const char *inter;       /* bundle: host path of server 1's intermediate (PEM) */
    uint32_t samples;        /* allocfail: failure points sampled, full handshakes */
    uint32_t resumed_samples; /* allocfail: ... and resumed ones */
    uint32_t alloc_seed;     /* allocfail: where in the first stride sampling starts */
    uint32_t alloc_from;     /* allocfail: only points from ... (0: all) */
    uint32_t alloc_to;       /* ... to (0: the end), to repeat a range */
    uint32_t count;          /* soak: connections to make */
    const char *session;     /* resume: host path prefix of the session blobs */
    const char *phase;       /* resume: "save" or "load" */
    const char *psk;         /* psk: the key, hex ... */
    const char *psk_id;      /* ... its identity ... */
    const char *bad_psk;     /* ... and a key the servers do not hold, hex */
} app_args;

/* Loads a CA file from the host into t. Returns 0 or -1 (reported). */
int app_load_trust(iotls_trust *t, const char *path);

/* One connection with iotls's defaults (TLS 1.3 when the server has it) to
 * port, closed and freed: what stays allocated afterwards is the library's
 * one-time state, not a connection's (PSA's key store: the persistent-key
 * cache from the first psa_crypto_init() and the first slice of volatile
 * key slots from the first TLS 1.3 key share; Mbed TLS frees them only in
 * mbedtls_psa_crypto_free()). Returns those bytes, so that per-connection
 * figures and leak checks start after it. */
size_t app_warm_up(const app_args *a, iotls_trust *t, uint16_t port);

/* One "CHECK name: ok|FAIL (detail)" console line, the form the QEMU test
 * drivers read; fmt (printf-style, may be NULL) gives the detail. Returns 1
 * on failure, so results add up. */
int app_check(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One connection to port with iotls's defaults, an HTTP/1.0 GET of / read
 * to its end, close, free: what a device does each time it reports. */
typedef struct app_fetch_opts {
    int no_cache;            /* the in-process session cache off */
    const uint8_t *session;  /* a session blob to offer, or NULL */
    size_t session_len;
    uint8_t *keep;           /* export the session here afterwards, or NULL */
    size_t keep_cap;
    size_t keep_len;         /* out: its length, 0 if none */
} app_fetch_opts;

typedef struct app_fetch_result {
    int rc;                  /* IOTLS_OK or the error that ended it */
    iotls_stage stage;       /* where it ended, for an error */
    int cause;               /* the diagnosis' cause (iotls_cause), -1 if none */
    uint32_t alloc_failures; /* allocations refused during the attempt (error's count) */
    int http_ok;             /* the reply began "HTTP/1.x 200" */
    int resumed;             /* the handshake resumed a session */
    size_t bytes;            /* reply bytes read */
    const char *version;     /* negotiated protocol, "" if the handshake failed */
} app_fetch_result;

/* GET / on the connected c (HTTP/1.0, read to the end, close_notify):
 * the reply's size, its status and the body's SHA-256 in hex. Returns
 * IOTLS_OK or the error. */
typedef struct app_body {
    int http_ok;             /* the reply began "HTTP/1.x 200" */
    size_t total;            /* reply bytes, headers included */
    size_t body;             /* bytes after the headers */
    char sha256[65];         /* of the body */
} app_body;
int app_get_body(iotls_conn *c, const char *host, app_body *b);

/* opts may be NULL (the defaults: cache on). Returns r->rc. */
int app_fetch(const app_args *a, iotls_trust *t, uint16_t port, app_fetch_opts *opts,
              app_fetch_result *r);

/* The diagnosed cause of c's failure (an iotls_cause), -1 if none or if
 * the image carries no diagnosis. */
int app_cause(const iotls_conn *c, const iotls_trust *trust);

/* Prints iotls's explanation of a failed connection. */
void app_explain(const iotls_conn *c, const iotls_trust *trust, int sni_overridden);

int app_seed_case(const app_args *a);
int app_bench(const app_args *a);
int app_checks(const app_args *a);
int app_dns(const app_args *a);
int app_versions(const app_args *a);
int app_bundle(const app_args *a);
int app_alloc_fail(const app_args *a);
int app_soak(const app_args *a);
int app_resume(const app_args *a);
int app_psk(const app_args *a);
int app_records(const app_args *a);

struct netif;
/* Test image: drop (and count) every IPv4 packet not sent to 10.0.2.2. */
void app_guard_egress(struct netif *netif);
unsigned long app_egress_blocked(void);
/* Checks the guard's decision without sending anything: 1 if it passes
 * 10.0.2.2 on and drops 10.0.2.3. */
int app_guard_check(struct netif *netif);
/* The curve arithmetic of firmware/mbedtls_alt: the number of failed checks.
 * Only with the ALT on (IOTLS_FW_ECP_ALT): without it the checks would test
 * Mbed TLS's curve code against itself. */
#ifndef IOTLS_MBEDTLS_NO_ECP_ALT
int app_check_ecp(void);
#endif

#endif /* APP_H */
