/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The socket chardev: unix/tcp/fd, server (one client at a time) or client. */
#include "qemu/osdep.h"
#include <poll.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include "chardev/char.h"
#include "monitor/fds.h"
#include "monitor/monitor.h"
#include "migration/cpr.h"
#include "qemu/sockets.h"
#include "char-internal.h"
#include "char-socket.h"

#define SOCK_READ_BUF_LEN 4096
#define SOCK_MAX_FDS 16

/*
 * States: a server listens (listen_watch armed) while no client is
 * connected; it takes one client, stops accepting (later clients wait in
 * the backlog) and re-arms when that client leaves.  A client connects at
 * open, or with reconnect-ms keeps retrying in the background.
 */
typedef struct SocketChardev {
    Chardev parent;
    SocketAddressType type;
    char *host, *port;          /* inet */
    char *path;                 /* unix */
    bool abstract, tight;
    char *fdstr;                /* fd= as given */
    bool ipv4, ipv6, nodelay;
    bool is_listen;
    bool unlink_on_close;       /* we created path */
    int listen_fd;
    guint listen_watch;
    int fd;                     /* connected peer, or -1 */
    bool fd_pass;               /* AF_UNIX: SCM_RIGHTS allowed */
    GSource *watch;
    int64_t reconnect_ms;
    guint reconnect_timer;
    bool connect_err_reported;
    int *read_msgfds;
    size_t read_msgfds_num;
    int *write_msgfds;
    size_t write_msgfds_num;
} SocketChardev;

static void sock_disconnect(Chardev *chr);

/* ---- addresses and filenames ---- */

static int sock_abstract_fd(const char *path, bool tight, bool listening,
                            Error **errp)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    size_t plen = strlen(path);
    socklen_t len;
    int fd;

    if (plen + 1 > sizeof(un.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    memcpy(un.sun_path + 1, path, plen);
    len = tight ? offsetof(struct sockaddr_un, sun_path) + 1 + plen
                : sizeof(un);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    if (listening ? bind(fd, (struct sockaddr *)&un, len) < 0 ||
                    listen(fd, 1) < 0
                  : connect(fd, (struct sockaddr *)&un, len) < 0) {
        error_setg_errno(errp, errno, "Failed to %s to '%s'",
                         listening ? "bind socket" : "connect socket", path);
        close(fd);
        return -1;
    }
    return fd;
}

static char *sock_addr_str(SocketChardev *s, const char *prefix)
{
    const char *server = s->is_listen ? ",server=on" : "";

    switch (s->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return g_strdup_printf("%stcp:%s:%s%s", prefix, s->host, s->port,
                               server);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return g_strdup_printf("%sunix:%s%s%s%s", prefix, s->path,
                               s->abstract ? ",abstract=on" : "",
                               s->abstract && s->tight ? ",tight=on" : "",
                               server);
    default:
        return g_strdup_printf("%sfd:%s%s", prefix, s->fdstr, server);
    }
}

static void sock_set_disconnected_filename(SocketChardev *s)
{
    g_free(s->parent.filename);
    s->parent.filename = sock_addr_str(s, "disconnected:");
}

/* After listening, describe the real local address (port 0, fd=). */
static void sock_adopt_local_address(SocketChardev *s)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &len) < 0) {
        return;
    }
    if (ss.ss_family == AF_UNIX && s->type == SOCKET_ADDRESS_TYPE_FD) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        s->type = SOCKET_ADDRESS_TYPE_UNIX;
        s->path = g_strndup(un->sun_path, sizeof(un->sun_path));
    } else if ((ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
               !getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
                            serv, sizeof(serv),
                            NI_NUMERICHOST | NI_NUMERICSERV)) {
        s->type = SOCKET_ADDRESS_TYPE_INET;
        g_free(s->host);
        g_free(s->port);
        s->host = g_strdup(host);
        s->port = g_strdup(serv);
    }
}

static char *sock_connected_filename(SocketChardev *s)
{
    struct sockaddr_storage ls, ps;
    socklen_t llen = sizeof(ls), plen = sizeof(ps);
    char lh[NI_MAXHOST], lp[NI_MAXSERV], ph[NI_MAXHOST], pp[NI_MAXSERV];
    const char *left = "", *right = "";

    memset(&ls, 0, sizeof(ls));
    memset(&ps, 0, sizeof(ps));
    if (getsockname(s->fd, (struct sockaddr *)&ls, &llen) < 0 ||
        getpeername(s->fd, (struct sockaddr *)&ps, &plen) < 0) {
        return g_strdup("unknown");
    }
    switch (ls.ss_family) {
    case AF_UNIX:
        if (s->is_listen) {
            return g_strdup_printf("unix:%s,server=on",
                                   ((struct sockaddr_un *)&ls)->sun_path);
        }
        return g_strdup_printf("unix:%s",
                               ((struct sockaddr_un *)&ps)->sun_path);
    case AF_INET6:
        left = "[";
        right = "]";
        /* fall through */
    case AF_INET:
        if (getnameinfo((struct sockaddr *)&ls, llen, lh, sizeof(lh), lp,
                        sizeof(lp), NI_NUMERICHOST | NI_NUMERICSERV) ||
            getnameinfo((struct sockaddr *)&ps, plen, ph, sizeof(ph), pp,
                        sizeof(pp), NI_NUMERICHOST | NI_NUMERICSERV)) {
            return g_strdup("unknown");
        }
        return g_strdup_printf("tcp:%s%s%s:%s%s <-> %s%s%s:%s", left, lh,
                               right, lp, s->is_listen ? ",server=on" : "",
                               left, ph, right, pp);
    default:
        return g_strdup("unknown");
    }
}

/* ---- connection ---- */

static void sock_close_read_fds(SocketChardev *s)
{
    for (size_t i = 0; i < s->read_msgfds_num; i++) {
        close(s->read_msgfds[i]);
    }
    g_free(s->read_msgfds);
    s->read_msgfds = NULL;
    s->read_msgfds_num = 0;
}

static void sock_clear_write_fds(SocketChardev *s)
{
    g_free(s->write_msgfds);
    s->write_msgfds = NULL;
    s->write_msgfds_num = 0;
}

static gboolean sock_readable(Chardev *chr, GIOCondition cond)
{
    SocketChardev *s = (SocketChardev *)chr;
    uint8_t buf[SOCK_READ_BUF_LEN];
    int fds[SOCK_MAX_FDS];
    size_t nfds = SOCK_MAX_FDS;
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t ret;

    if (len <= 0) {
        if (cond & (G_IO_HUP | G_IO_ERR)) {
            sock_disconnect(chr);
            return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
    }
    if (s->fd_pass) {
        ret = qemu_recvmsg_fds(s->fd, buf, len, fds, &nfds);
    } else {
        nfds = 0;
        ret = recv(s->fd, buf, len, 0);
    }
    if (ret > 0 && nfds > 0) {
        /* New fds replace any the frontend did not claim. */
        sock_close_read_fds(s);
        s->read_msgfds = g_memdup2(fds, nfds * sizeof(int));
        s->read_msgfds_num = nfds;
        for (size_t i = 0; i < nfds; i++) {
            qemu_set_block(fds[i]);
        }
    } else if (nfds > 0) {
        for (size_t i = 0; i < nfds; i++) {
            close(fds[i]);
        }
    }
    if (ret < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (ret <= 0) {
        sock_disconnect(chr);
        return G_SOURCE_REMOVE;
    }
    qemu_chr_be_write(chr, buf, ret);
    return G_SOURCE_CONTINUE;
}

/* event: OPENED, or RESUMED for a client kept across cpr-exec */
static void sock_new_client_event(SocketChardev *s, int fd,
                                  QEMUChrEvent event)
{
    Chardev *chr = &s->parent;

    s->fd = fd;
    qemu_set_nonblock(fd);
    s->fd_pass = socket_is_unix(fd);
    if (s->nodelay && !s->fd_pass) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (s->listen_watch) {
        g_source_remove(s->listen_watch);   /* one client at a time */
        s->listen_watch = 0;
    }
    g_free(chr->filename);
    chr->filename = sock_connected_filename(s);
    s->watch = chr_io_watch_add(chr, fd, sock_readable);
    qemu_chr_be_event(chr, event);
}

static void sock_new_client(SocketChardev *s, int fd)
{
    sock_new_client_event(s, fd, CHR_EVENT_OPENED);
}

static gboolean sock_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    SocketChardev *s = opaque;
    int cfd;

    if (s->fd >= 0) {
        s->listen_watch = 0;
        return G_SOURCE_REMOVE;
    }
    cfd = qemu_accept(s->listen_fd);
    if (cfd < 0) {
        return G_SOURCE_CONTINUE;
    }
    s->listen_watch = 0;            /* sock_new_client must not remove it */
    sock_new_client(s, cfd);
    return G_SOURCE_REMOVE;
}

static void sock_arm_listener(SocketChardev *s)
{
    if (s->listen_fd >= 0 && !s->listen_watch && s->fd < 0) {
        s->listen_watch = g_unix_fd_add(s->listen_fd, G_IO_IN, sock_accept,
                                        s);
    }
}

static int sock_connect_fd(SocketChardev *s, Error **errp)
{
    switch (s->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return inet_connect(s->host, s->port, s->ipv4, s->ipv6, errp);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return s->abstract ? sock_abstract_fd(s->path, s->tight, false, errp)
                           : unix_connect(s->path, errp);
    default:
        error_setg(errp, "Cannot reconnect a chardev given by fd");
        return -1;
    }
}

static gboolean sock_reconnect(gpointer opaque);

static void sock_schedule_reconnect(SocketChardev *s)
{
    if (s->reconnect_ms > 0 && !s->reconnect_timer) {
        s->reconnect_timer = g_timeout_add(s->reconnect_ms, sock_reconnect,
                                           s);
    }
}

/* Try once; on failure report (first time only) and retry later. */
static void sock_try_connect(SocketChardev *s)
{
    Error *err = NULL;
    int fd = sock_connect_fd(s, &err);

    if (fd < 0) {
        if (!s->connect_err_reported) {
            error_report("Unable to connect character device %s: %s",
                         s->parent.label, error_get_pretty(err));
            s->connect_err_reported = true;
        }
        error_free(err);
        sock_schedule_reconnect(s);
        return;
    }
    s->connect_err_reported = false;
    sock_new_client(s, fd);
}

static gboolean sock_reconnect(gpointer opaque)
{
    SocketChardev *s = opaque;

    s->reconnect_timer = 0;
    if (s->fd < 0) {
        sock_try_connect(s);
    }
    return G_SOURCE_REMOVE;
}

static void sock_disconnect(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    bool was_connected = s->fd >= 0;

    chr_io_watch_remove(&s->watch);
    sock_close_read_fds(s);
    sock_clear_write_fds(s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    sock_set_disconnected_filename(s);
    sock_arm_listener(s);
    sock_schedule_reconnect(s);
    /* Last: the frontend may remove the chardev from its CLOSED handler. */
    if (was_connected) {
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    }
}

/* ---- ChardevClass hooks ---- */

static int sock_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    ssize_t ret;

    if (s->fd < 0) {
        errno = EIO;
        return -1;
    }
    if (s->write_msgfds_num) {
        ret = qemu_sendmsg_fds(s->fd, buf, len, s->write_msgfds,
                               s->write_msgfds_num);
        if (!(ret < 0 && errno == EAGAIN)) {
            sock_clear_write_fds(s);
        }
    } else {
        ret = send(s->fd, buf, len, MSG_NOSIGNAL);
    }
    if (ret < 0 && errno != EAGAIN && errno != EINTR) {
        int saved = errno;
        if (qemu_chr_be_can_write(chr) <= 0) {
            sock_disconnect(chr);   /* else the read side will notice */
        }
        errno = saved;
    }
    return ret;
}

static int sock_get_msgfds(Chardev *chr, int *fds, int num)
{
    SocketChardev *s = (SocketChardev *)chr;
    int n = MIN((size_t)num, s->read_msgfds_num);

    if (n <= 0) {
        return 0;
    }
    memcpy(fds, s->read_msgfds, n * sizeof(int));
    for (size_t i = n; i < s->read_msgfds_num; i++) {
        close(s->read_msgfds[i]);
    }
    g_free(s->read_msgfds);
    s->read_msgfds = NULL;
    s->read_msgfds_num = 0;
    return n;
}

static int sock_set_msgfds(Chardev *chr, int *fds, int num)
{
    SocketChardev *s = (SocketChardev *)chr;

    sock_clear_write_fds(s);
    if (s->fd < 0 || !s->fd_pass) {
        return -1;
    }
    if (num > 0) {
        s->write_msgfds = g_memdup2(fds, num * sizeof(int));
        s->write_msgfds_num = num;
    }
    return 0;
}

static void sock_update_read_handler(Chardev *chr)
{
    /* The read watch re-checks can_read on every loop iteration. */
}

/* CPR state ids under chr_cpr_name(): the listening socket
 * (socket_listen) and the connected peer across cpr-exec. */
#define SOCKET_CPR_LISTEN 0
#define SOCKET_CPR_PEER 1

/* cpr-exec keeps connected peers: the new image goes on talking to them. */
static void socket_cpr_save(Chardev *chr, MigMode mode)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (mode == MIG_MODE_CPR_EXEC && s->fd >= 0) {
        g_autofree char *name = chr_cpr_name(chr);

        cpr_save_fd(name, SOCKET_CPR_PEER, s->fd);
    }
}

/* After cpr-exec: the peer the old image had, still connected. */
static bool socket_resume_peer(SocketChardev *s)
{
    g_autofree char *name = chr_cpr_name(&s->parent);
    int fd = cpr_get_incoming_mode() == MIG_MODE_CPR_EXEC ?
             cpr_find_fd(name, SOCKET_CPR_PEER) : -1;

    if (fd < 0) {
        return false;
    }
    cpr_delete_fd(name, SOCKET_CPR_PEER);
    sock_new_client_event(s, fd, CHR_EVENT_RESUMED);
    return true;
}

static void sock_finalize(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->reconnect_timer) {
        g_source_remove(s->reconnect_timer);
        s->reconnect_timer = 0;
    }
    chr_io_watch_remove(&s->watch);
    sock_close_read_fds(s);
    sock_clear_write_fds(s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_watch) {
        g_source_remove(s->listen_watch);
        s->listen_watch = 0;
    }
    if (s->listen_fd >= 0) {
        g_autofree char *name = chr_cpr_name(&s->parent);
        bool ours = cpr_find_fd(name, SOCKET_CPR_LISTEN) == s->listen_fd;

        if (ours) {
            cpr_delete_fd(name, SOCKET_CPR_LISTEN);
        }
        close(s->listen_fd);
        /* a socket handed to a new process keeps its path for it */
        if (s->unlink_on_close && !(ours && cpr_handed_over())) {
            unlink(s->path);
        }
    }
    g_free(s->host);
    g_free(s->port);
    g_free(s->path);
    g_free(s->fdstr);
}

/* ---- -chardev socket,... and opening ---- */

/* fd=: a getfd name under a monitor, a number on the command line. */
static int socket_get_fd(const char *str, bool *listening, Error **errp)
{
    int fd = monitor_fd_param(monitor_cur(), str, errp);

    if (fd < 0) {
        return -1;
    }
    if (!fd_is_socket(fd, listening)) {
        error_setg(errp, "File descriptor '%s' is not a socket", str);
        close(fd);
        return -1;
    }
    qemu_set_cloexec(fd, true);
    return fd;
}

/*
 * Every listening socket is kept in CPR state as "chardev/ID": after
 * cpr-transfer or cpr-exec the new process listens on the very same socket
 * (a fd=N number on its command line was the old process's), so clients
 * reach it at the same address.
 */
static bool socket_listen(SocketChardev *s, Error **errp)
{
    g_autofree char *name = chr_cpr_name(&s->parent);
    int cpr_fd = cpr_is_incoming() ? cpr_find_fd(name, SOCKET_CPR_LISTEN)
                                    : -1;
    bool listening = false;

    if (cpr_fd >= 0) {
        /* after cpr-transfer: the old process's socket, bound already */
        s->listen_fd = cpr_fd;
        s->unlink_on_close = s->type == SOCKET_ADDRESS_TYPE_UNIX &&
                             !s->abstract;
        qemu_set_nonblock(s->listen_fd);
        sock_adopt_local_address(s);
        return true;
    }
    switch (s->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        s->listen_fd = inet_listen(s->host, s->port, s->ipv4, s->ipv6, 1,
                                   errp);
        break;
    case SOCKET_ADDRESS_TYPE_UNIX:
        if (s->abstract) {
            s->listen_fd = sock_abstract_fd(s->path, s->tight, true, errp);
        } else {
            s->listen_fd = unix_listen(s->path, 1, errp);
            s->unlink_on_close = s->listen_fd >= 0;
        }
        break;
    default:
        s->listen_fd = socket_get_fd(s->fdstr, &listening, errp);
        if (s->listen_fd >= 0 && listen(s->listen_fd, 1) < 0) {
            error_setg_errno(errp, errno, "Failed to listen on fd socket");
            close(s->listen_fd);
            s->listen_fd = -1;
        }
        break;
    }
    if (s->listen_fd < 0) {
        return false;
    }
    cpr_resave_fd(name, SOCKET_CPR_LISTEN, s->listen_fd);
    qemu_set_nonblock(s->listen_fd);
    sock_adopt_local_address(s);
    return true;
}

/* wait=on: block start-up until the first client connects. */
static void socket_wait_client(SocketChardev *s)
{
    struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };
    int fd;

    info_report("QEMU waiting for connection on: %s", s->parent.filename);
    for (;;) {
        fd = qemu_accept(s->listen_fd);
        if (fd >= 0) {
            sock_new_client(s, fd);
            return;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
            errno != ECONNABORTED) {
            /* Give up waiting; keep listening from the main loop. */
            sock_arm_listener(s);
            return;
        }
        poll(&pfd, 1, -1);
    }
}

static bool socket_open_inner(Chardev *chr, ChardevBackend *backend,
                              bool *be_opened, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    ChardevSocket *sock = backend->u.socket.data;
    SocketAddressLegacy *addr = sock->addr;
    bool is_listen = sock->has_server ? sock->server : true;
    bool wait = sock->has_wait ? sock->wait : false;
    int fd;

    s->fd = -1;
    s->listen_fd = -1;
    if (!socket_validate(sock, is_listen, errp)) {
        return false;
    }
    s->is_listen = is_listen;
    s->nodelay = sock->has_nodelay && sock->nodelay;
    s->type = addr->type;
    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET: {
        InetSocketAddress *in = addr->u.inet.data;
        s->host = g_strdup(*in->host ? in->host
                           : is_listen ? "0.0.0.0" : "localhost");
        s->port = g_strdup(in->port);
        s->ipv4 = in->has_ipv4 && in->ipv4;
        s->ipv6 = in->has_ipv6 && in->ipv6;
        break;
    }
    case SOCKET_ADDRESS_TYPE_UNIX: {
        UnixSocketAddress *un = addr->u.q_unix.data;
        s->path = g_strdup(un->path);
        s->abstract = un->has_abstract && un->abstract;
        s->tight = un->has_tight ? un->tight : true;
        break;
    }
    default:
        s->fdstr = g_strdup(addr->u.fd.data->str);
        break;
    }
    *be_opened = false;
    sock_set_disconnected_filename(s);

    if (is_listen) {
        if (!socket_listen(s, errp)) {
            return false;
        }
        sock_set_disconnected_filename(s);
        if (socket_resume_peer(s)) {
            return true;
        }
        if (wait) {
            socket_wait_client(s);
        } else {
            sock_arm_listener(s);
        }
        return true;
    }

    s->reconnect_ms = sock->has_reconnect_ms ? sock->reconnect_ms : 0;
    if (socket_resume_peer(s)) {
        return true;
    }
    if (s->type == SOCKET_ADDRESS_TYPE_FD) {
        bool listening;
        fd = socket_get_fd(s->fdstr, &listening, errp);
        if (fd < 0) {
            return false;
        }
    } else if (s->reconnect_ms > 0) {
        sock_try_connect(s);
        return true;
    } else {
        fd = sock_connect_fd(s, errp);
        if (fd < 0) {
            return false;
        }
    }
    sock_new_client(s, fd);
    return true;
}

static bool socket_open(Chardev *chr, ChardevBackend *backend,
                        bool *be_opened, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;

    s->fd = -1;
    s->listen_fd = -1;
    if (!socket_open_inner(chr, backend, be_opened, errp)) {
        sock_finalize(chr);
        return false;
    }
    return true;
}

static const char *const socket_opt_keys[] = {
    "path", "host", "port", "fd", "to", "ipv4", "ipv6", "wait", "server",
    "delay", "nodelay", "reconnect-ms", "telnet", "tn3270",
    "websocket", "tls-creds", "tls-authz", "tight", "abstract", NULL
};

static const ChardevClass socket_class = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .opt_keys = socket_opt_keys,
    .parse = socket_parse,
    .open = socket_open,
    .chr_write = sock_write,
    .get_msgfds = sock_get_msgfds,
    .set_msgfds = sock_set_msgfds,
    .update_read_handler = sock_update_read_handler,
    .disconnect = sock_disconnect,
    .cpr_save = socket_cpr_save,
    .finalize = sock_finalize,
};

void chr_register_socket(void);
void chr_register_socket(void)
{
    qemu_chr_register_class(&socket_class);
}
