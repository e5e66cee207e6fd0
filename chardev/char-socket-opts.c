/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket chardev options: -chardev socket,... parsing and validation. */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "char-internal.h"
#include "char-socket.h"

void socket_parse(QemuOpts *opts, ChardevBackend *backend,
                         Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *fd = qemu_opt_get(opts, "fd");
    bool server, wait, delay, nodelay, telnet, tn3270, websocket;
    bool tight, abstract, ipv4, ipv6;
    uint64_t reconnect_ms, to;
    SocketAddressLegacy *addr;
    ChardevSocket *sock;

    if (!!path + !!fd + !!host > 1) {
        error_setg(errp,
                   "None or one of 'path', 'fd' or 'host' option required.");
        return;
    }
    if (!path && !fd && !host) {
        error_setg(errp, "chardev: socket: one of 'path', 'host' or 'fd' "
                   "is required");
        return;
    }
    if (host && !port) {
        error_setg(errp, "chardev: socket: no port given");
        return;
    }
    if (!chr_opt_bool(opts, "server", false, &server, errp) ||
        !chr_opt_bool(opts, "wait", true, &wait, errp) ||
        !chr_opt_bool(opts, "delay", true, &delay, errp) ||
        !chr_opt_bool(opts, "nodelay", false, &nodelay, errp) ||
        !chr_opt_bool(opts, "telnet", false, &telnet, errp) ||
        !chr_opt_bool(opts, "tn3270", false, &tn3270, errp) ||
        !chr_opt_bool(opts, "websocket", false, &websocket, errp) ||
        !chr_opt_bool(opts, "tight", true, &tight, errp) ||
        !chr_opt_bool(opts, "abstract", false, &abstract, errp) ||
        !chr_opt_bool(opts, "ipv4", false, &ipv4, errp) ||
        !chr_opt_bool(opts, "ipv6", false, &ipv6, errp) ||
        !chr_opt_number(opts, "reconnect-ms", 0, &reconnect_ms, errp) ||
        !chr_opt_number(opts, "to", 0, &to, errp)) {
        return;
    }
    if (qemu_opt_has(opts, "delay") && qemu_opt_has(opts, "nodelay")) {
        error_setg(errp, "'delay' and 'nodelay' are mutually exclusive");
        return;
    }

    backend->type = CHARDEV_BACKEND_KIND_SOCKET;
    sock = backend->u.socket.data = g_new0(ChardevSocket, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)sock);
    sock->has_nodelay = qemu_opt_has(opts, "delay") ||
                        qemu_opt_has(opts, "nodelay");
    sock->nodelay = !delay || nodelay;
    /* The command line's defaults differ from QMP's: server=off, wait=on. */
    sock->has_server = true;
    sock->server = server;
    sock->has_telnet = qemu_opt_has(opts, "telnet");
    sock->telnet = telnet;
    sock->has_tn3270 = qemu_opt_has(opts, "tn3270");
    sock->tn3270 = tn3270;
    sock->has_websocket = qemu_opt_has(opts, "websocket");
    sock->websocket = websocket;
    sock->has_wait = qemu_opt_has(opts, "wait") || server;
    sock->wait = wait;
    /* reconnect= (seconds) was removed in QEMU 10.0: an invalid key. */
    if (qemu_opt_has(opts, "reconnect-ms")) {
        sock->has_reconnect_ms = true;
        sock->reconnect_ms = reconnect_ms;
    }
    sock->tls_creds = g_strdup(qemu_opt_get(opts, "tls-creds"));
    sock->tls_authz = g_strdup(qemu_opt_get(opts, "tls-authz"));

    addr = sock->addr = g_new0(SocketAddressLegacy, 1);
    if (path) {
        UnixSocketAddress *un = g_new0(UnixSocketAddress, 1);
        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
        addr->u.q_unix.data = un;
        un->path = g_strdup(path);
        un->has_tight = true;
        un->tight = tight;
        un->has_abstract = true;
        un->abstract = abstract;
    } else if (host) {
        InetSocketAddress *in = g_new0(InetSocketAddress, 1);
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        addr->u.inet.data = in;
        in->host = g_strdup(host);
        in->port = g_strdup(port);
        in->has_to = qemu_opt_has(opts, "to");
        in->to = to;
        in->has_ipv4 = qemu_opt_has(opts, "ipv4");
        in->ipv4 = ipv4;
        in->has_ipv6 = qemu_opt_has(opts, "ipv6");
        in->ipv6 = ipv6;
    } else {
        addr->type = SOCKET_ADDRESS_TYPE_FD;
        addr->u.fd.data = g_new0(FdSocketAddress, 1);
        addr->u.fd.data->str = g_strdup(fd);
    }
}

/* QEMU's option cross-checks, then what Ferry does not implement. */
bool socket_validate(ChardevSocket *sock, bool is_listen,
                            Error **errp)
{
    SocketAddressLegacy *addr = sock->addr;
    static const struct {
        size_t has_off, val_off;
        const char *name;
    } protos[] = {
        { offsetof(ChardevSocket, has_telnet),
          offsetof(ChardevSocket, telnet), "telnet" },
        { offsetof(ChardevSocket, has_tn3270),
          offsetof(ChardevSocket, tn3270), "tn3270" },
        { offsetof(ChardevSocket, has_websocket),
          offsetof(ChardevSocket, websocket), "websocket" },
    };

    if (addr->type == SOCKET_ADDRESS_TYPE_FD && sock->has_reconnect_ms) {
        error_setg(errp, "'reconnect-ms' option is incompatible with "
                   "'fd' address type");
        return false;
    }
    if (sock->tls_authz && !sock->tls_creds) {
        error_setg(errp, "'tls_authz' option requires 'tls_creds' option");
        return false;
    }
    if (is_listen) {
        if (sock->has_reconnect_ms) {
            error_setg(errp, "'reconnect-ms' option is incompatible with "
                       "socket in server listen mode");
            return false;
        }
    } else {
        if (sock->has_websocket && sock->websocket) {
            error_setg(errp, "%s", "Websocket client is not implemented");
            return false;
        }
        if (sock->has_wait) {
            error_setg(errp, "%s", "'wait' option is incompatible with "
                       "socket in client connect mode");
            return false;
        }
    }
    if (sock->tls_creds) {
        /* Ferry has no -object tls-creds-*: no id can name one. */
        error_setg(errp, "No TLS credentials with id '%s'", sock->tls_creds);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        const char *base = (const char *)sock;
        if (*(const bool *)(base + protos[i].has_off) &&
            *(const bool *)(base + protos[i].val_off)) {
            error_setg(errp, "The '%s' protocol is not supported",
                       protos[i].name);
            return false;
        }
    }
    if (addr->type == SOCKET_ADDRESS_TYPE_VSOCK) {
        error_setg(errp, "vsock sockets are not supported");
        return false;
    }
    if (addr->type == SOCKET_ADDRESS_TYPE_INET && addr->u.inet.data->has_to) {
        error_setg(errp, "Port ranges ('to') are not supported");
        return false;
    }
    return true;
}
