/*
 * POSIX port: name resolution and TCP sockets.
 *
 * Sockets are non-blocking; every wait is a poll() bounded by the caller's
 * timeout, so no call can hang past it (getaddrinfo() excepted: it has no
 * timeout, the resolver's own configuration bounds it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "iotls/port.h"

struct iotls_port_sock {
    int fd;
};

int iotls_port_resolve(const char *host, iotls_addr *addrs, size_t max, size_t *n,
                       uint32_t timeout_ms, int *sys_err)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc;

    (void)timeout_ms;
    *n = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        /* errno for a system failure (positive), else the EAI_* code as a
         * negative number (port.h): glibc's codes already are. */
        if (rc == EAI_SYSTEM)
            *sys_err = errno > 0 ? errno : 0;
        else
            *sys_err = rc < 0 ? rc : -rc;
        return rc == EAI_AGAIN ? IOTLS_ERR_DNS_TIMEOUT : IOTLS_ERR_DNS;
    }
    for (ai = res; ai != NULL && *n < max; ai = ai->ai_next) {
        iotls_addr *a = &addrs[*n];
        size_t i;
        int dup = 0;

        memset(a, 0, sizeof *a);
        if (ai->ai_family == AF_INET) {
            const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)ai->ai_addr;
            a->family = 4;
            memcpy(a->bytes, &sin->sin_addr, 4);
        } else if (ai->ai_family == AF_INET6) {
            const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;
            a->family = 6;
            memcpy(a->bytes, &sin6->sin6_addr, 16);
        } else {
            continue;
        }
        for (i = 0; i < *n; i++)
            if (memcmp(&addrs[i], a, sizeof *a) == 0)
                dup = 1;
        if (!dup)
            (*n)++;
    }
    freeaddrinfo(res);
    if (*n == 0) {
        *sys_err = 0;
        return IOTLS_ERR_DNS;
    }
    return IOTLS_OK;
}

static int poll_timeout(uint32_t ms)
{
    return ms > (uint32_t)INT_MAX ? INT_MAX : (int)ms;
}

/* Waits for events on fd for at most timeout_ms, retrying after signals.
 * Returns >0 ready, 0 timeout, <0 error (errno set). */
static int wait_fd(int fd, short events, uint32_t timeout_ms)
{
    uint64_t end = iotls_port_now_ms() + timeout_ms;
    struct pollfd pfd;

    for (;;) {
        uint64_t now = iotls_port_now_ms();
        int r;

        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        r = poll(&pfd, 1, poll_timeout(now >= end ? 0 : (uint32_t)(end - now)));
        if (r >= 0)
            return r;
        if (errno != EINTR)
            return -1;
    }
}

int iotls_port_connect(iotls_port_sock **sock, const iotls_addr *addr, uint16_t port,
                       uint32_t timeout_ms, int *sys_err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int fd, one = 1, soerr = 0, r;
    socklen_t el = sizeof soerr;
    iotls_port_sock *s;

    *sock = NULL;
    memset(&ss, 0, sizeof ss);
    if (addr->family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, addr->bytes, 4);
        sl = sizeof *sin;
    } else if (addr->family == 6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        memcpy(&sin6->sin6_addr, addr->bytes, 16);
        sl = sizeof *sin6;
    } else {
        *sys_err = EAFNOSUPPORT;
        return IOTLS_ERR_CONNECT;
    }

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *sys_err = errno;
        return IOTLS_ERR_CONNECT;
    }
    /* Nagle would hold back the small handshake flights (~40 ms each). */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) != 0) {
        *sys_err = errno;
        close(fd);
        return IOTLS_ERR_CONNECT;
    }
    r = connect(fd, (struct sockaddr *)(void *)&ss, sl);
    if (r != 0 && errno != EINPROGRESS && errno != EINTR) {
        soerr = errno;
    } else if (r != 0) {
        r = wait_fd(fd, POLLOUT, timeout_ms);
        if (r == 0) {
            *sys_err = ETIMEDOUT;
            close(fd);
            return IOTLS_ERR_CONNECT_TIMEOUT;
        }
        if (r < 0)
            soerr = errno;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &el) != 0)
            soerr = errno;
    }
    if (soerr != 0) {
        *sys_err = soerr;
        close(fd);
        if (soerr == ECONNREFUSED)
            return IOTLS_ERR_CONNECT_REFUSED;
        if (soerr == ETIMEDOUT)
            return IOTLS_ERR_CONNECT_TIMEOUT;
        return IOTLS_ERR_CONNECT;
    }
    s = (iotls_port_sock *)iotls_port_calloc(1, sizeof *s);
    if (s == NULL) {
        close(fd);
        *sys_err = ENOMEM;
        return IOTLS_ERR_ALLOC;
    }
    s->fd = fd;
    *sock = s;
    return IOTLS_OK;
}

static int io_error(int e, int *sys_err)
{
    *sys_err = e;
    if (e == ECONNRESET || e == EPIPE || e == ECONNABORTED)
        return IOTLS_PORT_RESET;
    return IOTLS_PORT_ERROR;
}

int iotls_port_send(iotls_port_sock *sock, const unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    uint64_t end = iotls_port_now_ms() + timeout_ms;

    if (sock == NULL)
        return io_error(EBADF, sys_err);
    for (;;) {
        uint64_t now = iotls_port_now_ms();
        /* MSG_NOSIGNAL: a closed peer is an error to report, not SIGPIPE. */
        ssize_t r = send(sock->fd, buf, len, MSG_NOSIGNAL);
        int w;

        if (r > 0)
            return r > INT_MAX ? INT_MAX : (int)r;
        if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return io_error(errno, sys_err);
        w = wait_fd(sock->fd, POLLOUT, now >= end ? 0 : (uint32_t)(end - now));
        if (w == 0) {
            *sys_err = ETIMEDOUT;
            return IOTLS_PORT_TIMEOUT;
        }
        if (w < 0)
            return io_error(errno, sys_err);
    }
}

int iotls_port_recv(iotls_port_sock *sock, unsigned char *buf, size_t len,
                    uint32_t timeout_ms, int *sys_err)
{
    uint64_t end = iotls_port_now_ms() + timeout_ms;

    if (sock == NULL)
        return io_error(EBADF, sys_err);
    if (len > INT_MAX)
        len = INT_MAX;
    /* recv() first and poll() only when nothing is waiting: a bulk
     * transfer finds data there almost every time, and the poll before
     * each recv was half of its system calls (docs/bench.md). */
    for (;;) {
        uint64_t now;
        ssize_t r = recv(sock->fd, buf, len, 0);
        int w;

        if (r > 0)
            return (int)r;
        if (r == 0)
            return IOTLS_PORT_EOF;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return io_error(errno, sys_err);
        now = iotls_port_now_ms();
        if (now >= end) {
            *sys_err = ETIMEDOUT;
            return IOTLS_PORT_TIMEOUT;
        }
        w = wait_fd(sock->fd, POLLIN, (uint32_t)(end - now));
        if (w == 0) {
            *sys_err = ETIMEDOUT;
            return IOTLS_PORT_TIMEOUT;
        }
        if (w < 0)
            return io_error(errno, sys_err);
    }
}

void iotls_port_close(iotls_port_sock *sock)
{
    if (sock == NULL)
        return;
    close(sock->fd);
    iotls_port_free(sock);
}
