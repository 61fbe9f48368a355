/*
 * Unit tests: the connection lifecycle and failure classification, against
 * tiny scripted servers on 127.0.0.1 (threads in this process, free ports)
 * that answer the ClientHello with exact bytes: an alert, plain text, a
 * close, a reset, silence, an oversized record. Each checks the error code,
 * stage and the wire evidence the record tap collected. Then full TLS
 * connections against an Mbed TLS server thread with certificates made
 * here: success, IP SANs, SNI off, untrusted, truncation, an encrypted
 * alert, a read timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "certgen.h"
#include "iotls/iotls.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "psa/crypto.h"

enum { M_ALERT40, M_ALERT40_TLS10, M_ALERT70, M_PLAIN, M_EOF, M_RESET, M_STALL, M_BIGRECORD };

typedef struct srv {
    int lfd;
    uint16_t port;
    int mode;
    int family;
    pthread_t th;
    unsigned char hello[2048]; /* the ClientHello record as received */
    size_t hello_len;
} srv;

/* Reads exactly n bytes within ms; returns bytes read. */
static size_t read_n(int fd, unsigned char *buf, size_t n, int ms)
{
    size_t got = 0;
    struct pollfd p;

    while (got < n) {
        ssize_t r;
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, ms) <= 0)
            break;
        r = recv(fd, buf + got, n - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static void *serve(void *arg)
{
    srv *s = (srv *)arg;
    struct pollfd p;
    unsigned char junk[512];
    int fd;

    p.fd = s->lfd;
    p.events = POLLIN;
    if (poll(&p, 1, 5000) <= 0)
        return NULL;
    fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    /* The ClientHello record: header, then its body. */
    s->hello_len = read_n(fd, s->hello, 5, 3000);
    if (s->hello_len == 5) {
        size_t len = (size_t)s->hello[3] << 8 | s->hello[4];
        if (len > sizeof s->hello - 5)
            len = sizeof s->hello - 5;
        s->hello_len += read_n(fd, s->hello + 5, len, 3000);
    }
    switch (s->mode) {
    case M_ALERT40:
        (void)!send(fd, "\x15\x03\x03\x00\x02\x02\x28", 7, MSG_NOSIGNAL);
        break;
    case M_ALERT40_TLS10:
        (void)!send(fd, "\x15\x03\x01\x00\x02\x02\x28", 7, MSG_NOSIGNAL);
        break;
    case M_ALERT70:
        (void)!send(fd, "\x15\x03\x03\x00\x02\x02\x46", 7, MSG_NOSIGNAL);
        break;
    case M_PLAIN:
        (void)!send(fd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28, MSG_NOSIGNAL);
        break;
    case M_RESET: {
        struct linger lg;
        lg.l_onoff = 1;
        lg.l_linger = 0;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case M_BIGRECORD:
        (void)!send(fd, "\x16\x03\x03\xff\xff\x02\x00\x00\x46", 9, MSG_NOSIGNAL);
        break;
    default:
        break;
    }
    /* Wait (bounded) for the client to go away, except for the closers. */
    if (s->mode != M_EOF && s->mode != M_RESET)
        while (read_n(fd, junk, sizeof junk, 3000) > 0)
            ;
    close(fd);
    return NULL;
}

/* A listening socket on the loopback address of the family, free port. */
static int srv_listen(srv *s, int family)
{
    struct sockaddr_storage ss;
    socklen_t sl;

    s->family = family;
    memset(&ss, 0, sizeof ss);
    if (family == 6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)(void *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
    }
    s->lfd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (s->lfd < 0)
        return -1;
    if (bind(s->lfd, (struct sockaddr *)(void *)&ss, sl) != 0 || listen(s->lfd, 4) != 0 ||
        getsockname(s->lfd, (struct sockaddr *)(void *)&ss, &sl) != 0) {
        close(s->lfd);
        return -1;
    }
    s->port = ntohs(family == 6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    return 0;
}

static int srv_start(srv *s, int mode, int family)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
    if (srv_listen(s, family) != 0)
        return -1;
    if (pthread_create(&s->th, NULL, serve, s) != 0) {
        close(s->lfd);
        return -1;
    }
    return 0;
}

static void srv_stop(srv *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
}


/* ---- full TLS against an Mbed TLS server thread ---- */

enum { T_HELLO, T_TRUNC, T_ALERT, T_STALL, T_SINK };

#define SINK_BYTES 100000

static mbedtls_x509_crt srv_chain;
static mbedtls_pk_context srv_key;
static iotls_trust tls_trust, other_trust;

typedef struct tls_srv {
    srv base;             /* listening socket, port, thread */
    int tmode;
    char sni_seen[64];    /* SNI the server received, "" if none */
    int got_sni;
    char request[64];
} tls_srv;

static int sni_cb(void *p, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len)
{
    tls_srv *t = (tls_srv *)p;

    (void)ssl;
    t->got_sni = 1;
    if (len >= sizeof t->sni_seen)
        len = sizeof t->sni_seen - 1;
    memcpy(t->sni_seen, name, len);
    t->sni_seen[len] = '\0';
    return 0;
}

static void *tls_serve(void *arg)
{
    tls_srv *t = (tls_srv *)arg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_net_context net;
    struct pollfd p;
    unsigned char buf[256];
    int ret, i;

    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_net_init(&net);
    p.fd = t->base.lfd;
    p.events = POLLIN;
    if (poll(&p, 1, 5000) <= 0)
        goto out;
    net.fd = accept(t->base.lfd, NULL, NULL);
    if (net.fd < 0 ||
        mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)"srv", 3) != 0 ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        goto out;
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_sni(&conf, sni_cb, t);
    mbedtls_ssl_conf_read_timeout(&conf, 3000);
    if (mbedtls_ssl_conf_own_cert(&conf, &srv_chain, &srv_key) != 0 ||
        mbedtls_ssl_setup(&ssl, &conf) != 0)
        goto out;
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
    for (i = 0; i < 100; i++) {
        ret = mbedtls_ssl_handshake(&ssl);
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
            break;
    }
    if (ret != 0)
        goto out;
    if (t->tmode == T_SINK) {
        size_t total = 0;
        char msg[32];
        int n;
        while (total < SINK_BYTES && (ret = mbedtls_ssl_read(&ssl, buf, sizeof buf)) > 0)
            total += (size_t)ret;
        n = snprintf(msg, sizeof msg, "got %u", (unsigned)total);
        mbedtls_ssl_write(&ssl, (const unsigned char *)msg, (size_t)n);
        mbedtls_ssl_close_notify(&ssl);
        goto out;
    }
    ret = mbedtls_ssl_read(&ssl, buf, sizeof buf - 1);
    if (ret > 0) {
        size_t n = (size_t)ret < sizeof t->request - 1 ? (size_t)ret : sizeof t->request - 1;
        memcpy(t->request, buf, n);
        t->request[n] = '\0';
    }
    switch (t->tmode) {
    case T_HELLO:
        mbedtls_ssl_write(&ssl, (const unsigned char *)"hello", 5);
        mbedtls_ssl_close_notify(&ssl);
        break;
    case T_TRUNC:
        mbedtls_ssl_write(&ssl, (const unsigned char *)"partial", 7);
        break; /* close without close_notify */
    case T_ALERT:
        mbedtls_ssl_send_alert_message(&ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                       MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
        break;
    default: /* stall until the client gives up (bounded by the read timeout) */
        (void)mbedtls_ssl_read(&ssl, buf, sizeof buf);
        break;
    }
out:
    mbedtls_net_free(&net);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return NULL;
}

static int tls_start(tls_srv *t, int tmode)
{
    memset(t, 0, sizeof *t);
    t->tmode = tmode;
    if (srv_listen(&t->base, 4) != 0)
        return -1;
    if (pthread_create(&t->base.th, NULL, tls_serve, t) != 0) {
        close(t->base.lfd);
        return -1;
    }
    return 0;
}

static iotls_trust trust;

static int contains(const unsigned char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return 1;
    return 0;
}

/* One connection attempt with conf against a scripted server; returns the
 * code and leaves the error in *out. */
static int attempt(iotls_conf *conf, const char *host, uint16_t port, iotls_error *out)
{
    iotls_conn c;
    int rc;

    iotls_conn_init(&c);
    rc = iotls_conn_setup(&c, conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&c, host, port);
    *out = *iotls_conn_error(&c);
    /* Sticky: later calls give the same code. */
    if (rc != IOTLS_OK) {
        unsigned char b[4];
        CHECK_INT(iotls_conn_read(&c, b, sizeof b), rc);
        CHECK_INT(iotls_conn_write(&c, b, sizeof b), rc);
        CHECK_INT(iotls_conn_connect(&c, host, port), rc);
    }
    iotls_conn_free(&c);
    return rc;
}

static void test_lifecycle(void)
{
    iotls_conn c;
    iotls_conf conf;
    iotls_trust empty;
    unsigned char b[8];
    char longname[300];

    /* free after init alone, and twice */
    iotls_conn_init(&c);
    iotls_conn_free(&c);
    iotls_conn_free(&c);
    iotls_conn_free(NULL);
    iotls_conn_init(NULL);

    /* read/write/close before connect */
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_read(&c, b, sizeof b), IOTLS_ERR_NOT_CONNECTED);
    CHECK_INT(iotls_conn_write(&c, b, sizeof b), IOTLS_ERR_NOT_CONNECTED);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_read(&c, b, sizeof b), IOTLS_ERR_NOT_CONNECTED);
    CHECK(iotls_conn_version(&c) == NULL);
    CHECK(iotls_conn_ciphersuite(&c) == NULL);
    CHECK(iotls_conn_peer_cert(&c, 0, NULL) == NULL);
    CHECK_INT(iotls_conn_version_id(&c), 0);
    CHECK_INT(iotls_conn_ciphersuite_id(&c), 0);
    CHECK_INT(iotls_conn_sig_alg(&c), 0);
    CHECK_INT(iotls_conn_error(&c)->code, IOTLS_OK);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_ERR_USAGE); /* twice */
    iotls_conn_free(&c);
    CHECK_INT(iotls_conn_error(NULL)->code, IOTLS_OK);
    CHECK_INT(iotls_conn_read(NULL, b, 1), IOTLS_ERR_USAGE);

    /* An empty trust store fails at setup stage, never "verify nothing". */
    iotls_trust_init(&empty);
    iotls_conf_set_trust(&conf, &empty);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_connect(&c, "localhost", 443), IOTLS_ERR_TRUST_EMPTY);
    CHECK_INT(iotls_conn_error(&c)->stage, IOTLS_STAGE_SETUP);
    CHECK_STR(iotls_conn_error(&c)->host, "localhost");
    CHECK_INT(iotls_conn_connect(&c, "localhost", 443), IOTLS_ERR_TRUST_EMPTY);
    iotls_conn_free(&c);
    iotls_conf_set_trust(&conf, NULL);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_connect(&c, "localhost", 443), IOTLS_ERR_TRUST_EMPTY);
    iotls_conn_free(&c);
    iotls_trust_free(&empty);

    /* Host names that cannot be dialed. */
    iotls_conf_set_trust(&conf, &trust);
    memset(longname, 'a', 254);
    longname[254] = '\0';
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_connect(&c, longname, 443), IOTLS_ERR_HOSTNAME);
    CHECK_INT(iotls_conn_error(&c)->stage, IOTLS_STAGE_SETUP);
    iotls_conn_free(&c);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_connect(&c, "bad host", 443), IOTLS_ERR_HOSTNAME);
    iotls_conn_free(&c);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
    CHECK_INT(iotls_conn_connect(&c, "localhost", 0), IOTLS_ERR_USAGE);
    iotls_conn_free(&c);
    iotls_conn_init(&c);
    CHECK_INT(iotls_conn_connect(&c, "localhost", 443), IOTLS_ERR_USAGE); /* no setup */
    iotls_conn_free(&c);
}

static void test_refused(void)
{
    iotls_conf conf;
    iotls_error e;
    struct sockaddr_in a;
    socklen_t sl = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    /* A bound but not listening port: refused, and nobody can take it. */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &sl) == 0);
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    CHECK_INT(attempt(&conf, "127.0.0.1", ntohs(a.sin_port), &e), IOTLS_ERR_CONNECT_REFUSED);
    CHECK_INT(e.stage, IOTLS_STAGE_CONNECT);
    CHECK_INT(e.sys_errno, ECONNREFUSED);
    CHECK_STR(e.addr, "127.0.0.1");
    CHECK_INT(e.port, ntohs(a.sin_port));
    close(fd);
}

static void test_alerts(void)
{
    iotls_conf conf;
    iotls_error e;
    srv s;

    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);

    /* The seed case: SNI "mbed TLS Server 1", answered with alert 40. */
    CHECK_INT(iotls_conf_set_server_name(&conf, "mbed TLS Server 1"), IOTLS_OK);
    CHECK_INT(srv_start(&s, M_ALERT40, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
    srv_stop(&s);
    CHECK_INT(e.stage, IOTLS_STAGE_HANDSHAKE);
    CHECK_INT(e.mbedtls_code, -0x7780);
    CHECK_INT(e.wire.alert_received, 40);
    CHECK_INT(e.wire.alert_received_level, 2);
    CHECK_INT(e.sni_sent, 1);
    CHECK_STR(e.sni, "mbed TLS Server 1");
    CHECK_STR(e.verify_name, "mbed TLS Server 1");
    CHECK_STR(e.host, "localhost");
    CHECK_INT(e.wire.client_hello_seen, 1);
    CHECK_INT(e.wire.client_hello.has_sni, 1);
    CHECK_STR(e.wire.client_hello.sni, "mbed TLS Server 1");
    CHECK_INT(e.wire.client_hello.version, 0x0303);
    CHECK_INT(e.wire.client_hello.n_groups, 3);
    CHECK_INT(e.wire.client_hello.groups[0], 29);
    CHECK_INT(e.wire.client_hello.groups[1], 23);
    CHECK_INT(e.wire.client_hello.groups[2], 24);
    /* TLS 1.3 offered and preferred: its suites first, supported_versions */
    CHECK_INT(e.wire.client_hello.suites[0], 0x1301);
    CHECK(e.wire.client_hello.total_suites >= 9);
    CHECK_INT(e.wire.client_hello.n_versions, 2);
    CHECK_INT(e.wire.client_hello.versions[0], 0x0304);
    CHECK_INT(e.wire.client_hello.versions[1], 0x0303);
    CHECK(e.wire.client_hello.n_sig_algs > 0);
    CHECK_INT(e.wire.client_hello.exts[0], 0); /* server_name first */
    CHECK_INT(e.wire.records_received, 1);
    CHECK_INT(e.wire.max_record_len, 2);
    CHECK_INT(e.wire.n_first_bytes, 7);
    CHECK_INT(e.wire.n_hs_msgs, 0);
    CHECK_INT(e.wire.not_tls, 0);
    CHECK_INT(e.wire.bytes_received, 7);
    CHECK_INT(e.wire.bytes_sent, s.hello_len);
    CHECK_INT(e.wire.alert_received_version, 0x0303);
    CHECK_INT(e.wire.sni_acked, 0);
    CHECK_INT(e.wire.client_cert_msg_sent, 0);
    CHECK_INT(e.is_ip, 0);
    CHECK(e.wall_time > 1600000000);
    CHECK_INT(e.in_content_len, MBEDTLS_SSL_IN_CONTENT_LEN);

    /* An IP literal: no SNI on the wire. */
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    CHECK_INT(srv_start(&s, M_ALERT40, 4), 0);
    CHECK_INT(attempt(&conf, "127.0.0.1", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
    srv_stop(&s);
    CHECK_INT(e.sni_sent, 0);
    CHECK_INT(e.wire.client_hello.has_sni, 0);
    CHECK_STR(e.verify_name, "127.0.0.1");
    CHECK_INT(e.is_ip, 1);
    CHECK(s.hello_len > 5 && !contains(s.hello, s.hello_len, "127.0.0.1"));

    /* IPv6 literal, when the machine has ::1. */
    if (srv_start(&s, M_ALERT40, 6) == 0) {
        CHECK_INT(attempt(&conf, "::1", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
        srv_stop(&s);
        CHECK_INT(e.wire.client_hello.has_sni, 0);
        CHECK_STR(e.addr, "::1");
        CHECK_INT(srv_start(&s, M_ALERT40, 6), 0);
        CHECK_INT(attempt(&conf, "[::1]", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
        srv_stop(&s);
    }

    /* --resolve: dial the address, SNI and name from the host. */
    CHECK_INT(iotls_conf_set_connect_address(&conf, "127.0.0.1"), IOTLS_OK);
    CHECK_INT(srv_start(&s, M_ALERT40, 4), 0);
    CHECK_INT(attempt(&conf, "device.example", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
    srv_stop(&s);
    CHECK_STR(e.wire.client_hello.sni, "device.example");
    CHECK_STR(e.addr, "127.0.0.1");
    CHECK_STR(e.verify_name, "device.example");

    /* SNI off: nothing sent, the name still checked. */
    iotls_conf_disable_sni(&conf);
    CHECK_INT(srv_start(&s, M_ALERT40, 4), 0);
    CHECK_INT(attempt(&conf, "device.example", s.port, &e), IOTLS_ERR_ALERT_RECEIVED);
    srv_stop(&s);
    CHECK_INT(e.wire.client_hello.has_sni, 0);
    CHECK_INT(e.sni_sent, 0);
    CHECK_STR(e.verify_name, "device.example");

    /* No common version: alert 70, or an alert in an older record. */
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    CHECK_INT(srv_start(&s, M_ALERT70, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_PROTOCOL_VERSION);
    srv_stop(&s);
    CHECK_INT(e.wire.alert_received, 70);
    CHECK_INT(e.stage, IOTLS_STAGE_HANDSHAKE);
    CHECK_INT(srv_start(&s, M_ALERT40_TLS10, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_PROTOCOL_VERSION);
    srv_stop(&s);
    CHECK_INT(e.wire.alert_received, 40);
    CHECK_INT(e.wire.alert_received_version, 0x0301);
}

static void test_broken_peers(void)
{
    iotls_conf conf;
    iotls_error e;
    srv s;

    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &trust);
    iotls_conf_set_timeouts(&conf, 2000, 400, 0, 0);

    CHECK_INT(srv_start(&s, M_PLAIN, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_NOT_TLS);
    srv_stop(&s);
    CHECK_INT(e.stage, IOTLS_STAGE_HANDSHAKE);
    CHECK_INT(e.wire.not_tls, 1);
    CHECK(e.wire.n_first_bytes >= 5 && memcmp(e.wire.first_bytes, "HTTP/", 5) == 0);
    /* not just the 5 bytes Mbed TLS read as a record header: the library
     * read on, so the status line is whole */
    CHECK_INT(e.wire.n_first_bytes, 28);
    CHECK(memcmp(e.wire.first_bytes, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
    CHECK(e.elapsed_ms < 1000); /* the extra wait is bounded */
    CHECK_INT(e.is_ip, 0);

    CHECK_INT(srv_start(&s, M_EOF, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_PEER_CLOSED);
    srv_stop(&s);
    CHECK_INT(e.stage, IOTLS_STAGE_HANDSHAKE);
    CHECK_INT(e.wire.bytes_received, 0);

    CHECK_INT(srv_start(&s, M_RESET, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_RESET);
    srv_stop(&s);
    CHECK_INT(e.sys_errno, ECONNRESET);

    CHECK_INT(srv_start(&s, M_STALL, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_HANDSHAKE_TIMEOUT);
    srv_stop(&s);
    CHECK_INT(e.stage, IOTLS_STAGE_HANDSHAKE);
    CHECK(e.elapsed_ms >= 400 && e.elapsed_ms < 1500);
    CHECK_INT(e.wire.bytes_received, 0);

    /* The overall bound cuts the handshake's own (longer) timeout. */
    iotls_conf_set_timeouts(&conf, 2000, 5000, 0, 0);
    iotls_conf_set_connect_total(&conf, 300);
    CHECK_INT(srv_start(&s, M_STALL, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_HANDSHAKE_TIMEOUT);
    srv_stop(&s);
    CHECK(e.elapsed_ms >= 300 && e.elapsed_ms < 1500);
    iotls_conf_set_connect_total(&conf, 0);
    iotls_conf_set_timeouts(&conf, 2000, 400, 0, 0);

    CHECK_INT(srv_start(&s, M_BIGRECORD, 4), 0);
    CHECK_INT(attempt(&conf, "localhost", s.port, &e), IOTLS_ERR_RECORD_TOO_LARGE);
    srv_stop(&s);
    CHECK_INT(e.wire.max_record_len, 0xffff);
}

/* Connects with conf to host:port; on success writes "GET", reads all. */
static int session(iotls_conf *conf, const char *host, uint16_t port, iotls_error *out,
                   char *body, size_t body_cap, int *read_rc)
{
    iotls_conn c;
    size_t got = 0;
    int rc, k;

    iotls_conn_init(&c);
    rc = iotls_conn_setup(&c, conf);
    if (rc == IOTLS_OK)
        rc = iotls_conn_connect(&c, host, port);
    *read_rc = 1;
    if (rc == IOTLS_OK) {
        size_t der_len = 0;
        if (conf->max_version == IOTLS_TLS_1_2) {
            CHECK_STR(iotls_conn_version(&c), "TLSv1.2");
            CHECK_INT(iotls_conn_version_id(&c), IOTLS_TLS_1_2);
            /* The Mbed TLS server picks by its own preference among ours. */
            CHECK(iotls_conn_ciphersuite(&c) != NULL &&
                  strncmp(iotls_conn_ciphersuite(&c), "TLS_ECDHE_ECDSA_WITH_", 21) == 0);
        } else {
            CHECK_STR(iotls_conn_version(&c), "TLSv1.3");
            CHECK_INT(iotls_conn_version_id(&c), IOTLS_TLS_1_3);
            CHECK_INT(iotls_conn_ciphersuite_id(&c) >> 8, 0x13);
            CHECK(iotls_conn_ciphersuite(&c) != NULL &&
                  strncmp(iotls_conn_ciphersuite(&c), "TLS_", 4) == 0);
        }
        CHECK(iotls_conn_group(&c) == 29 || iotls_conn_group(&c) == 23 ||
              iotls_conn_group(&c) == 24);
        CHECK_INT(iotls_conn_sig_alg(&c), 0x0403); /* the P-256 leaf signed */
        CHECK(iotls_conn_peer_cert(&c, 0, &der_len) != NULL && der_len > 100);
        CHECK(iotls_conn_peer_cert(&c, 1, &der_len) == NULL && der_len == 0);
        CHECK_INT(iotls_conn_verify_result(&c), 0);
        CHECK(iotls_conn_timings(&c)->handshake_ms >= iotls_conn_timings(&c)->connect_ms);
        CHECK_INT(iotls_conn_write(&c, (const unsigned char *)"GET", 3), 3);
        for (k = 0; k < 100; k++) {
            int n = iotls_conn_read(&c, (unsigned char *)body + got, body_cap - 1 - got);
            if (n <= 0) {
                *read_rc = n;
                break;
            }
            got += (size_t)n;
        }
        body[got] = '\0';
        if (*read_rc == 0) {
            CHECK_INT(iotls_conn_read(&c, (unsigned char *)body, 1), 0); /* stays at end */
            CHECK_INT(iotls_conn_close(&c), IOTLS_OK);
            CHECK_INT(iotls_conn_read(&c, (unsigned char *)body, 1), IOTLS_ERR_NOT_CONNECTED);
        }
    }
    if (rc == IOTLS_ERR_VERIFY) {
        /* The rejected chain stays available for reports. */
        size_t der_len = 0;
        const unsigned char *der = iotls_conn_peer_cert(&c, 0, &der_len);
        mbedtls_x509_crt pc;
        char dn[128] = "";
        mbedtls_x509_crt_init(&pc);
        CHECK(der != NULL);
        if (der != NULL && mbedtls_x509_crt_parse_der(&pc, der, der_len) == 0)
            mbedtls_x509_dn_gets(dn, sizeof dn, &pc.subject);
        mbedtls_x509_crt_free(&pc);
        CHECK_STR(dn, "CN=localhost");
        CHECK(iotls_conn_peer_cert(&c, 1, NULL) == NULL); /* the server sent one */
        CHECK(iotls_conn_verify_result(&c) != 0);
    }
    *out = *iotls_conn_error(&c);
    iotls_conn_free(&c);
    return rc;
}

/* The same battery over TLS 1.3 (the default) and TLS 1.2 (pinned). */
static void test_tls(iotls_version max)
{
    iotls_conf conf;
    iotls_error e;
    tls_srv t;
    char body[256];
    int rrc;

    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &tls_trust);
    CHECK_INT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, max), IOTLS_OK);

    /* Success by name: SNI = host, clean end of data. */
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_INT(rrc, 0);
    CHECK_STR(body, "hello");
    CHECK_STR(t.request, "GET");
    CHECK_STR(t.sni_seen, "localhost");
    CHECK_INT(e.code, IOTLS_OK);
    CHECK_INT(e.wire.server_hello_seen, 1);
    if (max == IOTLS_TLS_1_2)
        CHECK(e.wire.ske_group != 0); /* TLS 1.3 has no ServerKeyExchange */
    CHECK_INT(e.wire.cert_request_seen, 0);

    /* Success by IP: no SNI on the wire, the iPAddress SAN matched. */
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "127.0.0.1", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_STR(body, "hello");
    CHECK_INT(t.got_sni, 0);

    /* A wrong IP (dialed through the override): rejected, ip_mismatch. */
    CHECK_INT(iotls_conf_set_connect_address(&conf, "127.0.0.1"), IOTLS_OK);
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "127.0.0.2", t.base.port, &e, body, sizeof body, &rrc),
              IOTLS_ERR_VERIFY);
    srv_stop(&t.base);
    CHECK_INT(e.stage, IOTLS_STAGE_VERIFY);
    CHECK(e.verify_flags & IOTLS_BADCERT_IP_MISMATCH);
    CHECK_INT(e.mbedtls_code, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    CHECK_INT(e.wire.alert_sent, 42);
    CHECK_INT(t.got_sni, 0);

    /* A wrong name, with the server reached through the override. */
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "wrong.example", t.base.port, &e, body, sizeof body, &rrc),
              IOTLS_ERR_VERIFY);
    srv_stop(&t.base);
    CHECK_INT(e.verify_flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK_STR(t.sni_seen, "wrong.example");

    /* SNI off: nothing sent, the name still checked (by iotls). */
    iotls_conf_disable_sni(&conf);
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "wrong.example", t.base.port, &e, body, sizeof body, &rrc),
              IOTLS_ERR_VERIFY);
    srv_stop(&t.base);
    CHECK_INT(e.verify_flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    CHECK_INT(t.got_sni, 0);
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_INT(t.got_sni, 0);
    CHECK_STR(body, "hello");

    /* Another CA: not trusted. */
    iotls_conf_init(&conf);
    iotls_conf_set_trust(&conf, &other_trust);
    CHECK_INT(iotls_conf_set_versions(&conf, IOTLS_TLS_1_2, max), IOTLS_OK);
    CHECK_INT(tls_start(&t, T_HELLO), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc),
              IOTLS_ERR_VERIFY);
    srv_stop(&t.base);
    CHECK_INT(e.verify_flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    CHECK_INT(e.wire.alert_sent, 48);

    /* Closed without close_notify: truncation, not a clean end. */
    iotls_conf_set_trust(&conf, &tls_trust);
    CHECK_INT(tls_start(&t, T_TRUNC), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_STR(body, "partial");
    CHECK_INT(rrc, IOTLS_ERR_TRUNCATED);
    CHECK_INT(e.code, IOTLS_ERR_TRUNCATED);
    CHECK_INT(e.stage, IOTLS_STAGE_READ);

    /* An encrypted fatal alert: read from Mbed TLS, not the tap. */
    CHECK_INT(tls_start(&t, T_ALERT), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_INT(rrc, IOTLS_ERR_ALERT_RECEIVED);
    CHECK_INT(e.stage, IOTLS_STAGE_READ);
    CHECK_INT(e.wire.alert_received, 40);
    CHECK_INT(e.wire.alert_received_level, 2);
    CHECK_INT(e.mbedtls_code, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);

    /* A large write goes out whole (Mbed TLS takes 16 kB per call). */
    {
        static unsigned char big[SINK_BYTES];
        iotls_conn c;
        int n;
        memset(big, 'x', sizeof big);
        CHECK_INT(tls_start(&t, T_SINK), 0);
        iotls_conn_init(&c);
        CHECK_INT(iotls_conn_setup(&c, &conf), IOTLS_OK);
        CHECK_INT(iotls_conn_connect(&c, "localhost", t.base.port), IOTLS_OK);
        CHECK_INT(iotls_conn_write(&c, big, sizeof big), SINK_BYTES);
        n = iotls_conn_read(&c, (unsigned char *)body, sizeof body - 1);
        CHECK(n > 0);
        body[n > 0 ? n : 0] = '\0';
        CHECK_STR(body, "got 100000");
        CHECK_INT(iotls_conn_close(&c), IOTLS_OK);
        iotls_conn_free(&c);
        srv_stop(&t.base);
    }

    /* A server that goes quiet: the read timeout fires within its bound. */
    iotls_conf_set_timeouts(&conf, 0, 0, 300, 0);
    CHECK_INT(tls_start(&t, T_STALL), 0);
    CHECK_INT(session(&conf, "localhost", t.base.port, &e, body, sizeof body, &rrc), IOTLS_OK);
    srv_stop(&t.base);
    CHECK_INT(rrc, IOTLS_ERR_READ_TIMEOUT);
    CHECK_INT(e.stage, IOTLS_STAGE_READ);
}

static int make_pki(void)
{
    static const unsigned char san[] = {
        0x82, 9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't',
        0x87, 4, 127, 0, 0, 1,
    };
    certgen g;
    mbedtls_pk_context other;
    unsigned char ca[2048], leaf[2048], oth[2048];
    int ca_len, leaf_len, oth_len;
    char pem[4096];
    size_t olen = 0;

    if (certgen_init(&g) != 0 || certgen_key(&g, &srv_key) != 0 || certgen_key(&g, &other) != 0)
        return -1;
    ca_len = certgen_make(&g, "CN=Local Test CA", NULL, 0, ca, sizeof ca);
    leaf_len = certgen_issue(&g, &g.key, "CN=Local Test CA", &srv_key, "CN=localhost", 0, san,
                             sizeof san, leaf, sizeof leaf);
    oth_len = certgen_issue(&g, &other, "CN=Other CA", &other, "CN=Other CA", 1, NULL, 0, oth,
                            sizeof oth);
    mbedtls_pk_free(&other);
    certgen_free(&g);
    if (ca_len <= 0 || leaf_len <= 0 || oth_len <= 0)
        return -1;
    mbedtls_x509_crt_init(&srv_chain);
    if (mbedtls_x509_crt_parse_der(&srv_chain, leaf, (size_t)leaf_len) != 0)
        return -1;
    iotls_trust_init(&tls_trust);
    iotls_trust_init(&other_trust);
    /* The CA as PEM, given without its NUL. */
    if (mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n",
                                 ca, (size_t)ca_len, (unsigned char *)pem, sizeof pem, &olen) != 0)
        return -1;
    if (iotls_trust_add_buffer(&tls_trust, (const unsigned char *)pem, strlen(pem), "ca.pem") != 0 ||
        iotls_trust_add_buffer(&other_trust, oth, (size_t)oth_len, "other.der") != 0)
        return -1;
    return tls_trust.loaded == 1 && other_trust.loaded == 1 ? 0 : -1;
}

int main(void)
{
    certgen g;

    /* The Mbed TLS test server writes with plain send(): a client that
     * hung up must not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    unsigned char der[2048];
    int len;

    /* the test's own Mbed TLS server speaks TLS 1.3: PSA first */
    CHECK_INT((int)psa_crypto_init(), 0);

    CHECK_INT(certgen_init(&g), 0);
    len = certgen_make(&g, "CN=Local Test Root", NULL, 0, der, sizeof der);
    certgen_free(&g);
    iotls_trust_init(&trust);
    CHECK(len > 0);
    CHECK_INT(iotls_trust_add_buffer(&trust, der, (size_t)len, "generated"), IOTLS_OK);
    CHECK_INT(trust.loaded, 1);

    test_lifecycle();
    test_refused();
    test_alerts();
    test_broken_peers();
    iotls_trust_free(&trust);

    CHECK_INT(make_pki(), 0);
    test_tls(IOTLS_TLS_1_3);
    test_tls(IOTLS_TLS_1_2);
    mbedtls_x509_crt_free(&srv_chain);
    mbedtls_pk_free(&srv_key);
    iotls_trust_free(&tls_trust);
    iotls_trust_free(&other_trust);
    return CHECK_DONE();
}
