/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unix and TCP sockets, accept, and SCM_RIGHTS fd passing. */
#include "qemu/osdep.h"
#include "qemu/sockets.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>

/* Most fds the kernel passes in one message (SCM_MAX_FD). */
#define FERRY_SCM_MAX_FD 253

static int socket_cloexec(int domain, int type, int protocol)
{
    return socket(domain, type | SOCK_CLOEXEC, protocol);
}

/* ---- Unix ---- */

static bool unix_fill_addr(struct sockaddr_un *un, const char *path,
                           Error **errp)
{
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(un->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        error_append_hint(errp, "Path must be less than %zu bytes\n",
                          sizeof(un->sun_path));
        return false;
    }
    strcpy(un->sun_path, path);
    return true;
}

int unix_listen(const char *path, int backlog, Error **errp)
{
    struct sockaddr_un un;
    int fd;

    if (!unix_fill_addr(&un, path, errp)) {
        return -1;
    }
    fd = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s", path);
        goto fail;
    }
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        goto fail;
    }
    if (listen(fd, backlog > 0 ? backlog : 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        unlink(path);
        goto fail;
    }
    return fd;

fail:
    close(fd);
    return -1;
}

int unix_connect(const char *path, Error **errp)
{
    struct sockaddr_un un;
    int fd, ret;

    if (!unix_fill_addr(&un, path, errp)) {
        return -1;
    }
    fd = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    do {
        ret = connect(fd, (struct sockaddr *)&un, sizeof(un));
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- TCP ---- */

/* Resolve host:port; host "[::1]" loses its brackets. */
static struct addrinfo *inet_resolve(const char *host, const char *port,
                                     bool ipv4, bool ipv6, bool passive,
                                     Error **errp)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    g_autofree char *h = NULL;
    int rc;

    if (host && host[0] == '[' && host[strlen(host) - 1] == ']') {
        h = g_strndup(host + 1, strlen(host) - 2);
    } else if (host && host[0]) {
        h = g_strdup(host);
    }
    if (!port || !port[0]) {
        error_setg(errp, "port not specified");
        return NULL;
    }
    hints.ai_family = (ipv4 && !ipv6) ? AF_INET :
                      (ipv6 && !ipv4) ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    if (!h && !passive) {
        h = g_strdup("localhost");
    }
    rc = getaddrinfo(h, port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   h ? h : "", port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

int inet_listen(const char *host, const char *port, bool ipv4, bool ipv6,
                int backlog, Error **errp)
{
    struct addrinfo *res, *e;
    int saved_errno = 0;
    bool created = false;
    int fd = -1;

    res = inet_resolve(host, port, ipv4, ipv6, true, errp);
    if (!res) {
        return -1;
    }
    for (e = res; e; e = e->ai_next) {
        int one = 1;

        fd = socket_cloexec(e->ai_family, e->ai_socktype, e->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        created = true;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (e->ai_family == AF_INET6) {
            /* An explicit ipv6=on without ipv4 means IPv6 only. */
            int v6only = ipv6 && !ipv4;

            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
                       sizeof(v6only));
        }
        if (bind(fd, e->ai_addr, e->ai_addrlen) == 0 &&
            listen(fd, backlog > 0 ? backlog : 1) == 0) {
            break;
        }
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (created) {
            error_setg_errno(errp, saved_errno,
                             "Failed to find an available port");
        } else {
            error_setg_errno(errp, saved_errno, "Failed to create socket");
        }
    }
    return fd;
}

int inet_connect(const char *host, const char *port, bool ipv4, bool ipv6,
                 Error **errp)
{
    struct addrinfo *res, *e;
    int saved_errno = 0;
    int fd = -1;

    res = inet_resolve(host, port, ipv4, ipv6, false, errp);
    if (!res) {
        return -1;
    }
    for (e = res; e; e = e->ai_next) {
        int ret;

        fd = socket_cloexec(e->ai_family, e->ai_socktype, e->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        do {
            ret = connect(fd, e->ai_addr, e->ai_addrlen);
        } while (ret < 0 && errno == EINTR);
        if (ret == 0) {
            break;
        }
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, saved_errno, "Failed to connect to '%s:%s'",
                         host ? host : "", port);
    }
    return fd;
}

int inet_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -1;
}

int qemu_accept(int listen_fd)
{
    int fd;

    do {
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

/* ---- SCM_RIGHTS ---- */

ssize_t qemu_sendmsg_fds(int sock, const void *buf, size_t len,
                         const int *fds, size_t nfds)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    g_autofree char *control = NULL;
    ssize_t ret;

    if (nfds > FERRY_SCM_MAX_FD || (nfds && (!fds || len == 0))) {
        /* fds need at least one data byte to travel with */
        errno = EINVAL;
        return -1;
    }
    if (nfds) {
        size_t space = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *cmsg;

        control = g_malloc0(space);
        msg.msg_control = control;
        msg.msg_controllen = space;
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
    }
    do {
        ret = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (ret < 0 && errno == EINTR);
    return ret;
}

ssize_t qemu_recvmsg_fds(int sock, void *buf, size_t len,
                         int *fds, size_t *nfds)
{
    size_t space = CMSG_SPACE(FERRY_SCM_MAX_FD * sizeof(int));
    g_autofree char *control = g_malloc0(space);
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = space,
    };
    size_t cap = (fds && nfds) ? *nfds : 0;
    size_t stored = 0;
    struct cmsghdr *cmsg;
    ssize_t ret;

    do {
        ret = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (ret < 0 && errno == EINTR);
    if (nfds) {
        *nfds = 0;
    }
    if (ret < 0) {
        return ret;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        size_t n, i;
        int *in;

        if (cmsg->cmsg_level != SOL_SOCKET ||
            cmsg->cmsg_type != SCM_RIGHTS ||
            cmsg->cmsg_len < CMSG_LEN(0)) {
            continue;
        }
        n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        in = (int *)CMSG_DATA(cmsg);
        for (i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, &in[i], sizeof(int));
            if (fd < 0) {
                continue;
            }
            if ((msg.msg_flags & MSG_CTRUNC) || stored >= cap) {
                /* truncated set, or more than the caller can take */
                close(fd);
                continue;
            }
            fds[stored++] = fd;
        }
    }
    if (nfds) {
        *nfds = stored;
    }
    return ret;
}
