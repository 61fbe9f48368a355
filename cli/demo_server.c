/*
 * The demo's server. Only the name IOTLS_CLI_DEMO_NAME has a certificate:
 * the certificate callback hands it out for that name and answers anything
 * else, a wrong SNI and a missing one alike, with fatal alert 40
 * (handshake_failure) before any reply, which is what the seed case's
 * server did.
 */
#include "demo_server.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "mbedtls/net_sockets.h"
#include "mbedtls/oid.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#define CA_NAME "CN=iotls demo CA,O=iotls demo"
#define SERVER_DN "CN=" IOTLS_CLI_DEMO_NAME ",O=iotls demo"
#define IDLE_LIMIT_MS 60000    /* the thread ends if nobody comes for this long */
#define IO_TIMEOUT_MS 5000     /* per read, so a stuck client cannot hold it */
#define MAX_CONNS 16

static const uint16_t server_groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};

static const char page[] =
    "Hello from " IOTLS_CLI_DEMO_NAME ".\n"
    "You reached this page because the client sent the name it dialed as SNI.\n";

static int fail(iotls_cli_demo_server *s, const char *what, int ret)
{
    snprintf(s->err, sizeof s->err, "%s failed (-0x%04x)", what, 0u - (unsigned)ret);
    return -1;
}

static void utc_stamp(time_t t, char out[16])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

/* subjectAltName with one dNSName, as DER:
 * SEQUENCE { [2] IMPLICIT IA5String name } */
static size_t san_der(unsigned char *out, size_t outlen, const char *name)
{
    size_t n = strlen(name);
    if (n > 125 || n + 4 > outlen)
        return 0;
    out[0] = 0x30;
    out[1] = (unsigned char)(n + 2);
    out[2] = 0x82;
    out[3] = (unsigned char)n;
    memcpy(out + 4, name, n);
    return n + 4;
}

static int gen_key(iotls_cli_demo_server *s, mbedtls_pk_context *k)
{
    int ret = mbedtls_pk_setup(k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*k),
                                  mbedtls_ctr_drbg_random, &s->drbg);
    return ret;
}

/* Writes one certificate as PEM into pem (NUL-terminated). */
static int make_cert(iotls_cli_demo_server *s, int is_ca, int serial_no, unsigned char *pem,
                     size_t pem_len)
{
    mbedtls_x509write_cert w;
    unsigned char serial[1] = {(unsigned char)serial_no};
    char from[16], to[16];
    unsigned char san[160];
    size_t san_len;
    time_t now = time(NULL);
    int ret;

    mbedtls_x509write_crt_init(&w);
    utc_stamp(now - 3600, from);
    utc_stamp(now + 86400, to);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, is_ca ? &s->ca_key : &s->key);
    mbedtls_x509write_crt_set_issuer_key(&w, &s->ca_key);
    ret = mbedtls_x509write_crt_set_serial_raw(&w, serial, sizeof serial);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_issuer_name(&w, CA_NAME);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_name(&w, is_ca ? CA_NAME : SERVER_DN);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, is_ca ? 0 : -1);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_key_usage(&w, is_ca ? (MBEDTLS_X509_KU_KEY_CERT_SIGN |
                                                               MBEDTLS_X509_KU_CRL_SIGN)
                                                            : MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_subject_key_identifier(&w);
    if (ret == 0)
        ret = mbedtls_x509write_crt_set_authority_key_identifier(&w);
    if (ret == 0 && !is_ca) {
        san_len = san_der(san, sizeof san, IOTLS_CLI_DEMO_NAME);
        ret = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                                  MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                                                  san, san_len);
    }
    if (ret == 0)
        ret = mbedtls_x509write_crt_pem(&w, pem, pem_len, mbedtls_ctr_drbg_random, &s->drbg);
    mbedtls_x509write_crt_free(&w);
    return ret;
}

/* Chooses the certificate once the ClientHello is read, before anything is
 * sent back (TLS 1.3 and 1.2 alike): the name matches, or the answer is
 * fatal alert 40, as the seed case's server gave it. An SNI callback would
 * answer 112 (unrecognized_name), and with no certificate Mbed TLS 3.6's
 * TLS 1.3 server would send alert 40 only after its EncryptedExtensions. */
static int cert_cb(mbedtls_ssl_context *ssl)
{
    iotls_cli_demo_server *s = mbedtls_ssl_get_user_data_p(ssl);
    size_t len = 0;
    const unsigned char *name = mbedtls_ssl_get_hs_sni(ssl, &len);
    int match = name != NULL && len == strlen(IOTLS_CLI_DEMO_NAME) &&
                memcmp(name, IOTLS_CLI_DEMO_NAME, len) == 0;

    pthread_mutex_lock(&s->lock);
    if (s->n_seen > 0 && name != NULL) {
        iotls_cli_demo_seen *seen = &s->seen[s->n_seen - 1];
        size_t n = len < sizeof seen->sni - 1 ? len : sizeof seen->sni - 1;
        seen->has_sni = 1;
        memcpy(seen->sni, name, n);
        seen->sni[n] = '\0';
        seen->served = match;
    }
    pthread_mutex_unlock(&s->lock);
    if (match)
        return mbedtls_ssl_set_hs_own_cert(ssl, &s->chain, &s->key);
    (void)mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                         MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
    return MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE;
}

static void serve_one(iotls_cli_demo_server *s, int fd)
{
    mbedtls_ssl_context ssl;
    mbedtls_net_context net;
    unsigned char req[4096], resp[512];
    size_t got = 0;
    int ret, n, slot = -1;

    pthread_mutex_lock(&s->lock);
    if (s->n_seen < IOTLS_CLI_DEMO_MAX_SEEN) {
        slot = s->n_seen++;
        memset(&s->seen[slot], 0, sizeof s->seen[slot]);
    }
    pthread_mutex_unlock(&s->lock);

    net.fd = fd;
    mbedtls_ssl_init(&ssl);
    ret = mbedtls_ssl_setup(&ssl, &s->conf);
    if (ret == 0) {
        mbedtls_ssl_set_user_data_p(&ssl, s);
        mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
        do {
            ret = mbedtls_ssl_handshake(&ssl);
        } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    if (slot >= 0) {
        pthread_mutex_lock(&s->lock);
        s->seen[slot].handshake_rc = ret;
        pthread_mutex_unlock(&s->lock);
    }
    if (ret == 0) {
        /* Read the request head (bounded), answer, close properly. */
        while (got < sizeof req - 1) {
            n = mbedtls_ssl_read(&ssl, req + got, sizeof req - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            req[got] = '\0';
            if (strstr((const char *)req, "\r\n\r\n"))
                break;
        }
        n = snprintf((char *)resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n"
                     "Connection: close\r\n\r\n%s",
                     (unsigned)(sizeof page - 1), page);
        if (n > 0 && (size_t)n < sizeof resp) {
            size_t off = 0;
            while (off < (size_t)n) {
                ret = mbedtls_ssl_write(&ssl, resp + off, (size_t)n - off);
                if (ret <= 0)
                    break;
                off += (size_t)ret;
            }
        }
        mbedtls_ssl_close_notify(&ssl);
    }
    mbedtls_ssl_free(&ssl);
    close(fd);
}

static void *run(void *arg)
{
    iotls_cli_demo_server *s = arg;
    struct pollfd p[2];

    for (int conns = 0; conns < MAX_CONNS; conns++) {
        p[0].fd = s->listen_fd;
        p[0].events = POLLIN;
        p[1].fd = s->stop_pipe[0];
        p[1].events = POLLIN;
        p[0].revents = p[1].revents = 0;
        if (poll(p, 2, IDLE_LIMIT_MS) <= 0 || (p[1].revents & (POLLIN | POLLHUP)))
            break;
        if (p[0].revents & POLLIN) {
            int fd = accept(s->listen_fd, NULL, NULL);
            if (fd >= 0)
                serve_one(s, fd);
        }
    }
    return NULL;
}

static int listen_loopback(iotls_cli_demo_server *s)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int one = 1;

    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0) {
        snprintf(s->err, sizeof s->err, "socket: %s", strerror(errno));
        return -1;
    }
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0; /* the kernel picks a free port */
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 4) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0) {
        snprintf(s->err, sizeof s->err, "cannot listen on 127.0.0.1: %s", strerror(errno));
        return -1;
    }
    s->port = ntohs(a.sin_port);
    return 0;
}

int iotls_cli_demo_server_start(iotls_cli_demo_server *s)
{
    static const unsigned char pers[] = "iotls demo server";
    unsigned char pem[2048];
    int ret;

    memset(s, 0, sizeof *s);
    s->listen_fd = -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    pthread_mutex_init(&s->lock, NULL);
    mbedtls_entropy_init(&s->entropy);
    mbedtls_ctr_drbg_init(&s->drbg);
    mbedtls_pk_init(&s->ca_key);
    mbedtls_pk_init(&s->key);
    mbedtls_x509_crt_init(&s->chain);
    mbedtls_ssl_config_init(&s->conf);

    /* TLS 1.3 in Mbed TLS 3.6 runs its key schedule through PSA. */
    if ((ret = (int)psa_crypto_init()) != 0)
        return fail(s, "psa_crypto_init", ret);
    ret = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy, pers, sizeof pers - 1);
    if (ret != 0)
        return fail(s, "seeding the RNG", ret);
    if ((ret = gen_key(s, &s->ca_key)) != 0 || (ret = gen_key(s, &s->key)) != 0)
        return fail(s, "generating a P-256 key", ret);
    if ((ret = make_cert(s, 1, 1, s->ca_pem, sizeof s->ca_pem)) != 0)
        return fail(s, "writing the CA certificate", ret);
    s->ca_pem_len = strlen((const char *)s->ca_pem);
    if ((ret = make_cert(s, 0, 2, pem, sizeof pem)) != 0)
        return fail(s, "writing the server certificate", ret);
    if ((ret = mbedtls_x509_crt_parse(&s->chain, pem, strlen((const char *)pem) + 1)) != 0 ||
        (ret = mbedtls_x509_crt_parse(&s->chain, s->ca_pem, s->ca_pem_len + 1)) != 0)
        return fail(s, "parsing the generated certificates", ret);

    ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        return fail(s, "mbedtls_ssl_config_defaults", ret);
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
    mbedtls_ssl_conf_read_timeout(&s->conf, IO_TIMEOUT_MS);
    mbedtls_ssl_conf_cert_cb(&s->conf, cert_cb);
    /* Prefer the cheap groups, as iotls does. TLS 1.3 and 1.2, as the
     * seed case's server. */
    mbedtls_ssl_conf_groups(&s->conf, server_groups);
    mbedtls_ssl_conf_min_tls_version(&s->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&s->conf, MBEDTLS_SSL_VERSION_TLS1_3);
    /* No mbedtls_ssl_conf_own_cert(): only the certificate callback gives one. */

    if (listen_loopback(s) != 0)
        return -1;
    if (pipe(s->stop_pipe) != 0) {
        snprintf(s->err, sizeof s->err, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        snprintf(s->err, sizeof s->err, "cannot start the server thread");
        return -1;
    }
    s->thread_started = 1;
    return 0;
}

int iotls_cli_demo_server_seen(iotls_cli_demo_server *s, int i, iotls_cli_demo_seen *out)
{
    int rc = -1;
    pthread_mutex_lock(&s->lock);
    if (i >= 0 && i < s->n_seen) {
        *out = s->seen[i];
        rc = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void iotls_cli_demo_server_stop(iotls_cli_demo_server *s)
{
    if (s->thread_started) {
        ssize_t w = write(s->stop_pipe[1], "x", 1);
        (void)w;
        pthread_join(s->thread, NULL);
        s->thread_started = 0;
    }
    if (s->stop_pipe[0] >= 0)
        close(s->stop_pipe[0]);
    if (s->stop_pipe[1] >= 0)
        close(s->stop_pipe[1]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    s->stop_pipe[0] = s->stop_pipe[1] = s->listen_fd = -1;
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->chain);
    mbedtls_pk_free(&s->key);
    mbedtls_pk_free(&s->ca_key);
    mbedtls_ctr_drbg_free(&s->drbg);
    mbedtls_entropy_free(&s->entropy);
    pthread_mutex_destroy(&s->lock);
}
