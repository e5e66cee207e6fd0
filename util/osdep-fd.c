/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file-descriptor helpers: flags, parsing, socket checks. */
#include "qemu/osdep.h"
#include "qemu/sockets.h"

void qemu_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags != -1) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

void qemu_set_block(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags != -1) {
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
}

int qemu_set_cloexec(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags == -1) {
        return -errno;
    }
    flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
    if (fcntl(fd, F_SETFD, flags) == -1) {
        return -errno;
    }
    return 0;
}

int qemu_parse_fd(const char *str)
{
    char *end;
    long v;

    if (!str || !g_ascii_isdigit(str[0])) {
        return -1;
    }
    errno = 0;
    v = strtol(str, &end, 10);
    if (errno || end == str || *end || v < 0 || v > INT_MAX) {
        return -1;
    }
    return (int)v;
}

bool fd_is_socket(int fd, bool *listening)
{
    struct stat st;
    int val = 0;
    socklen_t len = sizeof(val);

    if (listening) {
        *listening = false;
    }
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    if (listening &&
        getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) == 0) {
        *listening = val != 0;
    }
    return true;
}

bool socket_is_unix(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return false;
    }
    return ss.ss_family == AF_UNIX;
}

int qemu_reopen_fd(int fd, int flags)
{
    char path[32];

    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    return open(path, flags | O_CLOEXEC);
}
