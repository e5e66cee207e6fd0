/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration channels: URI parsing, outgoing connect, incoming listen. */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "migration/migration.h"
#include "migration/multifd.h"
#include "migration/options.h"
#include "monitor/monitor.h"
#include "monitor/fds.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "qapi/qapi-visit-migration.h"

/* ---- parsing ---- */

static bool parse_inet(const char *str, InetSocketAddress *inet, Error **errp)
{
    g_auto(GStrv) opts = g_strsplit(str, ",", -1);
    const char *hp = opts[0];
    const char *colon;

    if (hp[0] == '[') {
        const char *end = strchr(hp, ']');

        if (!end || end[1] != ':') {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return false;
        }
        inet->host = g_strndup(hp + 1, end - hp - 1);
        colon = end + 1;
    } else {
        colon = strrchr(hp, ':');
        if (!colon) {
            error_setg(errp, "error parsing address '%s'", str);
            return false;
        }
        inet->host = g_strndup(hp, colon - hp);
    }
    inet->port = g_strdup(colon + 1);
    if (!inet->port[0]) {
        error_setg(errp, "error parsing address '%s'", str);
        return false;
    }
    for (int i = 1; opts[i]; i++) {
        if (g_str_has_prefix(opts[i], "to=")) {
            uint64_t to;

            if (qemu_strtou64(opts[i] + 3, NULL, 10, &to) || to > 65535) {
                error_setg(errp, "error parsing to= argument");
                return false;
            }
            inet->has_to = true;
            inet->to = to;
        } else if (!strcmp(opts[i], "ipv4") || !strcmp(opts[i], "ipv4=on")) {
            inet->has_ipv4 = inet->ipv4 = true;
        } else if (!strcmp(opts[i], "ipv6") || !strcmp(opts[i], "ipv6=on")) {
            inet->has_ipv6 = inet->ipv6 = true;
        } else {
            error_setg(errp, "error parsing address '%s'", str);
            return false;
        }
    }
    return true;
}

static bool parse_socket(const char *uri, SocketAddress *sa, Error **errp)
{
    if (g_str_has_prefix(uri, "tcp:")) {
        sa->type = SOCKET_ADDRESS_TYPE_INET;
        return parse_inet(uri + 4, &sa->u.inet, errp);
    }
    if (g_str_has_prefix(uri, "unix:")) {
        sa->type = SOCKET_ADDRESS_TYPE_UNIX;
        sa->u.q_unix.path = g_strdup(uri + 5);
        return true;
    }
    if (g_str_has_prefix(uri, "vsock:")) {
        const char *colon = strchr(uri + 6, ':');

        if (!colon) {
            error_setg(errp, "error parsing address '%s'", uri + 6);
            return false;
        }
        sa->type = SOCKET_ADDRESS_TYPE_VSOCK;
        sa->u.vsock.cid = g_strndup(uri + 6, colon - uri - 6);
        sa->u.vsock.port = g_strdup(colon + 1);
        return true;
    }
    sa->type = SOCKET_ADDRESS_TYPE_FD;
    sa->u.fd.str = g_strdup(uri + 3);
    return true;
}

bool migrate_uri_parse(const char *uri, MigrationChannel **channel,
                       Error **errp)
{
    g_autoptr(MigrationChannel) val = g_new0(MigrationChannel, 1);
    MigrationAddress *addr = g_new0(MigrationAddress, 1);

    val->channel_type = MIGRATION_CHANNEL_TYPE_MAIN;
    val->addr = addr;
    if (g_str_has_prefix(uri, "exec:")) {
        strList **tail = &addr->u.exec.args;
        const char *argv[] = { "/bin/sh", "-c", uri + 5 };

        addr->transport = MIGRATION_ADDRESS_TYPE_EXEC;
        for (int i = 0; i < 3; i++) {
            *tail = g_new0(strList, 1);
            (*tail)->value = g_strdup(argv[i]);
            tail = &(*tail)->next;
        }
    } else if (g_str_has_prefix(uri, "rdma:")) {
        addr->transport = MIGRATION_ADDRESS_TYPE_RDMA;
        if (!parse_inet(uri + 5, &addr->u.rdma, errp)) {
            return false;
        }
    } else if (g_str_has_prefix(uri, "tcp:") || g_str_has_prefix(uri, "unix:") ||
               g_str_has_prefix(uri, "vsock:") || g_str_has_prefix(uri, "fd:")) {
        addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
        if (!parse_socket(uri, &addr->u.socket, errp)) {
            return false;
        }
    } else if (g_str_has_prefix(uri, "file:")) {
        char *name = g_strdup(uri + 5);
        char *opt = strstr(name, ",offset=");

        addr->transport = MIGRATION_ADDRESS_TYPE_FILE;
        addr->u.file.filename = name;
        if (opt) {
            int ret;

            *opt = '\0';
            opt += strlen(",offset=");
            ret = qemu_strtosz(opt, NULL, &addr->u.file.offset);
            if (ret) {
                error_setg_errno(errp, -ret, "file URI has bad offset %s", opt);
                return false;
            }
        }
    } else {
        error_setg(errp, "unknown migration protocol: %s", uri);
        return false;
    }
    *channel = g_steal_pointer(&val);
    return true;
}

MigrationAddress *migration_address_clone(const MigrationAddress *a)
{
    MigrationAddress *res = g_new0(MigrationAddress, 1);

    res->transport = a->transport;
    switch (a->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        res->u.socket.type = a->u.socket.type;
        switch (a->u.socket.type) {
        case SOCKET_ADDRESS_TYPE_INET:
            res->u.socket.u.inet = a->u.socket.u.inet;
            res->u.socket.u.inet.host = g_strdup(a->u.socket.u.inet.host);
            res->u.socket.u.inet.port = g_strdup(a->u.socket.u.inet.port);
            break;
        case SOCKET_ADDRESS_TYPE_UNIX:
            res->u.socket.u.q_unix = a->u.socket.u.q_unix;
            res->u.socket.u.q_unix.path = g_strdup(a->u.socket.u.q_unix.path);
            break;
        case SOCKET_ADDRESS_TYPE_VSOCK:
            res->u.socket.u.vsock.cid = g_strdup(a->u.socket.u.vsock.cid);
            res->u.socket.u.vsock.port = g_strdup(a->u.socket.u.vsock.port);
            break;
        default:
            res->u.socket.u.fd.str = g_strdup(a->u.socket.u.fd.str);
            break;
        }
        break;
    case MIGRATION_ADDRESS_TYPE_FILE:
        res->u.file.filename = g_strdup(a->u.file.filename);
        res->u.file.offset = a->u.file.offset;
        break;
    case MIGRATION_ADDRESS_TYPE_EXEC: {
        strList **tail = &res->u.exec.args;

        for (strList *s = a->u.exec.args; s; s = s->next) {
            *tail = g_new0(strList, 1);
            (*tail)->value = g_strdup(s->value);
            tail = &(*tail)->next;
        }
        break;
    }
    default:
        res->u.rdma = a->u.rdma;
        res->u.rdma.host = g_strdup(a->u.rdma.host);
        res->u.rdma.port = g_strdup(a->u.rdma.port);
        break;
    }
    return res;
}

/* ---- helpers ---- */

static void exec_child_reaped(GPid pid, gint status, gpointer opaque)
{
    g_spawn_close_pid(pid);
}

/* Spawn args with a pipe to its stdin (outgoing) or from its stdout. */
static int exec_spawn(strList *args, bool outgoing, Error **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    GError *gerr = NULL;
    GPid pid;
    int fd = -1;

    for (strList *a = args; a; a = a->next) {
        g_ptr_array_add(argv, a->value);
    }
    g_ptr_array_add(argv, NULL);
    if (argv->len < 2) {
        error_setg(errp, "exec: the command is empty");
        return -1;
    }
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_SEARCH_PATH,
                                  NULL, NULL, &pid,
                                  outgoing ? &fd : NULL,
                                  outgoing ? NULL : &fd, NULL, &gerr)) {
        error_from_gerror(errp, gerr, "exec: ");
        return -1;
    }
    g_child_watch_add(pid, exec_child_reaped, NULL);
    return fd;
}

/* fd: must be a socket or a pipe (QEMU's rule). */
static bool fd_check_type(int fd, Error **errp)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "fd: cannot stat the file descriptor");
        return false;
    }
    if (!S_ISSOCK(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        error_setg(errp, "fd: migration to a file is not supported."
                   " Use file: instead.");
        return false;
    }
    return true;
}

static int file_open(FileMigrationArgs *file, bool outgoing, Error **errp)
{
    int fd;

    if (outgoing) {
        fd = qemu_create(file->filename, O_WRONLY | O_TRUNC, 0600, errp);
        if (fd < 0) {
            return -1;
        }
        if (ftruncate(fd, file->offset) < 0) {
            error_setg_errno(errp, errno, "failed to truncate migration file "
                             "to offset %" PRIx64, file->offset);
            qemu_close(fd);
            return -1;
        }
    } else {
        fd = qemu_open(file->filename, O_RDONLY, errp);
        if (fd < 0) {
            return -1;
        }
    }
    if (file->offset && lseek(fd, file->offset, SEEK_SET) < 0) {
        error_setg_errno(errp, errno, "Unable to seek to offset %" PRIu64
                         " in %s", file->offset, file->filename);
        qemu_close(fd);
        return -1;
    }
    /* a /dev/fdset dup is tracked by its set: hand over a plain dup */
    if (g_str_has_prefix(file->filename, "/dev/fdset/")) {
        int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);

        qemu_close(fd);
        if (copy < 0) {
            error_setg_errno(errp, errno, "Unable to duplicate %s",
                             file->filename);
        }
        return copy;
    }
    return fd;
}

/* ---- outgoing ---- */

static int socket_connect(SocketAddress *sa, Error **errp)
{
    switch (sa->type) {
    case SOCKET_ADDRESS_TYPE_UNIX:
        return unix_connect(sa->u.q_unix.path, errp);
    case SOCKET_ADDRESS_TYPE_INET: {
        InetSocketAddress *in = &sa->u.inet;

        return inet_connect(in->host, in->port, in->has_ipv4 && in->ipv4,
                            in->has_ipv6 && in->ipv6, errp);
    }
    case SOCKET_ADDRESS_TYPE_FD: {
        int fd = monitor_get_fd(monitor_cur(), sa->u.fd.str, errp);

        if (fd < 0) {
            return -1;
        }
        if (!fd_check_type(fd, errp)) {
            close(fd);
            return -1;
        }
        qemu_set_block(fd);
        return fd;
    }
    default:
        error_setg(errp, "vsock migration is not supported by Ferry yet");
        return -1;
    }
}

int migration_channel_connect(MigrationAddress *addr, Error **errp)
{
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        return socket_connect(&addr->u.socket, errp);
    case MIGRATION_ADDRESS_TYPE_EXEC:
        return exec_spawn(addr->u.exec.args, true, errp);
    case MIGRATION_ADDRESS_TYPE_FILE:
        return file_open(&addr->u.file, true, errp);
    default:
        error_setg(errp, "RDMA migration is not supported by Ferry");
        return -1;
    }
}

/* ---- incoming ---- */

typedef struct ListenState {
    MigrationIncomingState *mis;
    MigrationIncomingFdCb *cb;
    void *opaque;
} ListenState;

/*
 * multifd: the listener stays open until the main channel and every
 * multifd channel have connected.  Each connection is told apart by its
 * first four bytes (QEMU's rule): "QEVM" for the main stream,
 * MULTIFD_MAGIC for a channel, which goes to its receiver thread at once.
 * The load starts (cb) when all are there.  Main thread only.
 */
typedef struct PeekConn {
    int fd;
    guint watch;
} PeekConn;

static GSList *peek_conns;
static int peek_main_fd = -1;
static MigrationIncomingFdCb *peek_cb;
static void *peek_opaque;

static void peek_maybe_start(MigrationIncomingState *mis)
{
    int fd = peek_main_fd;

    if (fd < 0 || !multifd_recv_all_channels_created()) {
        return;
    }
    peek_main_fd = -1;
    if (mis->listen_watch) {
        g_source_remove(mis->listen_watch);
        mis->listen_watch = 0;
    }
    if (mis->listen_fd >= 0) {
        close(mis->listen_fd);
        mis->listen_fd = -1;
    }
    peek_cb(fd, peek_opaque);
}

static gboolean peek_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    PeekConn *pc = opaque;
    uint8_t b[4];
    ssize_t n = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
    uint32_t magic;

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (n > 0 && n < 4 && !(cond & (G_IO_HUP | G_IO_ERR))) {
        g_usleep(1000);             /* the rest of the magic is on its way */
        return G_SOURCE_CONTINUE;
    }
    peek_conns = g_slist_remove(peek_conns, pc);
    g_free(pc);
    magic = n == 4 ? ((uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3])
                   : 0;
    if (magic == 0x5145564d && peek_main_fd < 0) {          /* "QEVM" */
        qemu_set_block(fd);
        peek_main_fd = fd;
    } else if (magic == MULTIFD_MAGIC) {
        qemu_set_block(fd);
        multifd_recv_new_channel(fd);
    } else {
        warn_report("migration: dropped an incoming connection that is "
                    "neither a migration stream nor a multifd channel");
        close(fd);
    }
    peek_maybe_start(migration_incoming_get_current());
    return G_SOURCE_REMOVE;
}

static void peek_add(int conn)
{
    PeekConn *pc = g_new0(PeekConn, 1);

    pc->fd = conn;
    pc->watch = g_unix_fd_add(conn, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              peek_ready, pc);
    peek_conns = g_slist_prepend(peek_conns, pc);
}

static gboolean listen_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    ListenState *ls = opaque;
    MigrationIncomingState *mis = ls->mis;
    int conn = qemu_accept(fd);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;   /* EAGAIN: spurious wakeup */
    }
    if (multifd_recv_active()) {
        peek_cb = ls->cb;
        peek_opaque = ls->opaque;
        peek_add(conn);
        return G_SOURCE_CONTINUE;
    }
    qemu_set_block(conn);
    /* one main channel: stop listening (QEMU closes the listener too) */
    mis->listen_watch = 0;
    close(mis->listen_fd);
    mis->listen_fd = -1;
    ls->cb(conn, ls->opaque);
    return G_SOURCE_REMOVE;
}

static SocketAddressList *listen_address(SocketAddress *sa, int fd)
{
    SocketAddressList *l = g_new0(SocketAddressList, 1);
    SocketAddress *copy = g_new0(SocketAddress, 1);

    copy->type = sa->type;
    if (sa->type == SOCKET_ADDRESS_TYPE_INET) {
        copy->u.inet.host = g_strdup(sa->u.inet.host);
        copy->u.inet.port = g_strdup_printf("%d", inet_local_port(fd));
    } else {
        copy->u.q_unix.path = g_strdup(sa->u.q_unix.path);
    }
    l->value = copy;
    return l;
}

static bool socket_listen(SocketAddress *sa, MigrationIncomingState *mis,
                          MigrationIncomingFdCb *cb, void *opaque,
                          Error **errp)
{
    ListenState *ls;
    /* the main channel, plus the multifd ones */
    int backlog = 1 + (multifd_recv_active() ? migrate_multifd_channels() : 0);
    int fd;

    switch (sa->type) {
    case SOCKET_ADDRESS_TYPE_UNIX:
        fd = unix_listen(sa->u.q_unix.path, backlog, errp);
        break;
    case SOCKET_ADDRESS_TYPE_INET: {
        InetSocketAddress *in = &sa->u.inet;

        fd = inet_listen(in->host, in->port, in->has_ipv4 && in->ipv4,
                         in->has_ipv6 && in->ipv6, backlog, errp);
        break;
    }
    case SOCKET_ADDRESS_TYPE_FD: {
        bool listening = false;

        fd = monitor_fd_param(monitor_cur(), sa->u.fd.str, errp);
        if (fd < 0) {
            return false;
        }
        if (!fd_check_type(fd, errp)) {
            close(fd);
            return false;
        }
        if (!fd_is_socket(fd, &listening) || !listening) {
            /* a connected socket or a pipe: the stream itself */
            qemu_set_block(fd);
            cb(fd, opaque);
            return true;
        }
        break;
    }
    default:
        error_setg(errp, "vsock migration is not supported by Ferry yet");
        return false;
    }
    if (fd < 0) {
        return false;
    }
    qemu_set_nonblock(fd);
    mis->listen_fd = fd;
    if (sa->type != SOCKET_ADDRESS_TYPE_FD) {
        qapi_free_SocketAddressList(mis->socket_address);
        mis->socket_address = listen_address(sa, fd);
    }
    ls = g_new0(ListenState, 1);
    ls->mis = mis;
    ls->cb = cb;
    ls->opaque = opaque;
    mis->listen_watch = g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, G_IO_IN,
                                           listen_accept, ls, g_free);
    return true;
}

bool migration_channel_listen(MigrationAddress *addr,
                              MigrationIncomingState *mis,
                              MigrationIncomingFdCb *cb, void *opaque,
                              Error **errp)
{
    int fd;

    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        return socket_listen(&addr->u.socket, mis, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_EXEC:
        fd = exec_spawn(addr->u.exec.args, false, errp);
        break;
    case MIGRATION_ADDRESS_TYPE_FILE:
        fd = file_open(&addr->u.file, false, errp);
        break;
    default:
        error_setg(errp, "RDMA migration is not supported by Ferry");
        return false;
    }
    if (fd < 0) {
        return false;
    }
    cb(fd, opaque);
    return true;
}

void migration_channel_listen_cleanup(MigrationIncomingState *mis)
{
    while (peek_conns) {
        PeekConn *pc = peek_conns->data;

        g_source_remove(pc->watch);
        close(pc->fd);
        peek_conns = g_slist_delete_link(peek_conns, peek_conns);
        g_free(pc);
    }
    if (peek_main_fd >= 0) {
        close(peek_main_fd);
        peek_main_fd = -1;
    }
    if (mis->listen_watch) {
        g_source_remove(mis->listen_watch);
        mis->listen_watch = 0;
    }
    if (mis->listen_fd >= 0) {
        close(mis->listen_fd);
        mis->listen_fd = -1;
    }
}
