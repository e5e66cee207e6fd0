/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket helpers with no emulator knowledge.  All returned fds are
 * O_CLOEXEC.  Functions return the fd (>= 0) or -1 with *errp set; the
 * message names the address ("Failed to connect to '/tmp/s': ...").
 */
#ifndef QEMU_SOCKETS_H
#define QEMU_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include "qapi/error.h"

/* Unix sockets.  Listening unlinks a stale socket file first. */
int unix_listen(const char *path, int backlog, Error **errp);
int unix_connect(const char *path, Error **errp);

/*
 * TCP.  host may be a name or numeric; port a number or service name.
 * ipv4/ipv6 restrict the family (both false = any).  inet_listen sets
 * SO_REUSEADDR; a port of "0" picks a free port, which inet_local_port()
 * reports.
 */
int inet_listen(const char *host, const char *port, bool ipv4, bool ipv6,
                int backlog, Error **errp);
int inet_connect(const char *host, const char *port, bool ipv4, bool ipv6,
                 Error **errp);
int inet_local_port(int fd);

/* Accept a connection (CLOEXEC); -1 with errno (EAGAIN when none). */
int qemu_accept(int listen_fd);

/* true if fd is a socket; *listening tells if it is listening. */
bool fd_is_socket(int fd, bool *listening);
/* AF_UNIX? (fd passing works only there) */
bool socket_is_unix(int fd);

void qemu_set_nonblock(int fd);
void qemu_set_block(int fd);
int qemu_set_cloexec(int fd, bool on);
/*
 * A new open file description of the file behind fd (/proc/self/fd/N),
 * with flags (O_CLOEXEC added): file status flags such as O_DIRECT can
 * differ from fd's, which they cannot for a dup.  The new fd, or -1 with
 * errno set.
 */
int qemu_reopen_fd(int fd, int flags);

/*
 * Send len bytes with nfds fds attached as SCM_RIGHTS (nfds may be 0).
 * Returns bytes sent or -1 with errno.
 */
ssize_t qemu_sendmsg_fds(int sock, const void *buf, size_t len,
                         const int *fds, size_t nfds);
/*
 * Receive up to len bytes and any SCM_RIGHTS fds (made CLOEXEC).  Up to
 * *nfds fds are stored in fds; extra fds are closed.  *nfds is set to the
 * number stored.  Returns bytes read (0 = EOF) or -1 with errno.
 */
ssize_t qemu_recvmsg_fds(int sock, void *buf, size_t len,
                         int *fds, size_t *nfds);

/* Parse the fd number in str ("3"); -1 if not a plain non-negative int. */
int qemu_parse_fd(const char *str);

#endif
