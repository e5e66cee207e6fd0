/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for socket helpers: unix, TCP, accept, SCM_RIGHTS. */
#include "qemu/osdep.h"
#include "qemu/sockets.h"

#include <sys/un.h>

static bool is_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);

    g_assert_cmpint(fl, >=, 0);
    return fl & FD_CLOEXEC;
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

static unsigned count_open_fds(void)
{
    g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
    unsigned n = 0;

    g_assert_nonnull(d);
    while (g_dir_read_name(d)) {
        n++;
    }
    return n;
}

static char *tmp_dir(void)
{
    g_autoptr(GError) gerr = NULL;
    char *dir = g_dir_make_tmp("ferry-sock-XXXXXX", &gerr);

    g_assert_no_error(gerr);
    return dir;
}

static void test_unix_roundtrip(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "s", NULL);
    int lfd, cfd, afd;
    bool listening;
    char buf[8];

    /* a stale file in the way is replaced */
    g_assert_true(g_file_set_contents(path, "stale", -1, NULL));
    lfd = unix_listen(path, 1, &error_abort);
    g_assert_cmpint(lfd, >=, 0);
    g_assert_true(is_cloexec(lfd));
    g_assert_true(fd_is_socket(lfd, &listening));
    g_assert_true(listening);
    g_assert_true(socket_is_unix(lfd));

    cfd = unix_connect(path, &error_abort);
    g_assert_cmpint(cfd, >=, 0);
    g_assert_true(is_cloexec(cfd));
    afd = qemu_accept(lfd);
    g_assert_cmpint(afd, >=, 0);
    g_assert_true(is_cloexec(afd));
    g_assert_true(fd_is_socket(afd, &listening));
    g_assert_false(listening);

    g_assert_cmpint(write(cfd, "ping", 4), ==, 4);
    g_assert_cmpint(read(afd, buf, sizeof(buf)), ==, 4);
    g_assert_cmpmem(buf, 4, "ping", 4);

    /* nothing more pending: non-blocking accept says EAGAIN */
    qemu_set_nonblock(lfd);
    g_assert_cmpint(qemu_accept(lfd), ==, -1);
    g_assert_cmpint(errno, ==, EAGAIN);

    close(afd);
    close(cfd);
    close(lfd);
    unlink(path);
    rmdir(dir);
}

static void test_unix_errors(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "missing", NULL);
    g_autofree char *want = NULL;
    g_autofree char *longpath = g_strnfill(200, 'x');
    Error *err = NULL;

    g_assert_cmpint(unix_connect(path, &err), ==, -1);
    want = g_strdup_printf("Failed to connect to '%s': %s", path,
                           g_strerror(ENOENT));
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    err = NULL;

    g_assert_cmpint(unix_listen(longpath, 1, &err), ==, -1);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "UNIX socket path '"));
    g_assert_true(g_str_has_suffix(error_get_pretty(err), "' is too long"));
    error_free(err);
    rmdir(dir);
}

static void test_tcp_port0(void)
{
    Error *err = NULL;
    g_autofree char *port = NULL;
    int lfd, cfd, afd, p;
    bool listening;

    lfd = inet_listen("127.0.0.1", "0", true, false, 1, &error_abort);
    g_assert_cmpint(lfd, >=, 0);
    g_assert_true(is_cloexec(lfd));
    g_assert_true(fd_is_socket(lfd, &listening));
    g_assert_true(listening);
    g_assert_false(socket_is_unix(lfd));
    p = inet_local_port(lfd);
    g_assert_cmpint(p, >, 0);
    port = g_strdup_printf("%d", p);

    cfd = inet_connect("127.0.0.1", port, false, false, &error_abort);
    g_assert_cmpint(cfd, >=, 0);
    g_assert_true(is_cloexec(cfd));
    afd = qemu_accept(lfd);
    g_assert_cmpint(afd, >=, 0);
    g_assert_cmpint(write(cfd, "x", 1), ==, 1);
    close(afd);
    close(cfd);

    /* the port is taken now: a second listener fails with a message */
    g_assert_cmpint(inet_listen("127.0.0.1", port, true, false, 1, &err),
                    ==, -1);
    g_assert_nonnull(strstr(error_get_pretty(err), g_strerror(EADDRINUSE)));
    error_free(err);
    err = NULL;
    close(lfd);

    /* nobody listens any more */
    g_assert_cmpint(inet_connect("127.0.0.1", port, true, false, &err),
                    ==, -1);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "Failed to connect to '127.0.0.1:"));
    error_free(err);
    err = NULL;

    /* ipv6=on with an IPv4 literal cannot resolve */
    g_assert_cmpint(inet_listen("127.0.0.1", "0", false, true, 1, &err),
                    ==, -1);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "address resolution failed for "
                                   "127.0.0.1:0"));
    error_free(err);
}

static void test_not_socket(void)
{
    int p[2];
    bool listening = true;

    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_false(fd_is_socket(p[0], &listening));
    g_assert_false(listening);
    g_assert_false(fd_is_socket(-1, NULL));
    close(p[0]);
    close(p[1]);
}

static void test_scm_rights(void)
{
    int sv[2], p[2], fds[4];
    size_t nfds;
    char buf[16];
    ssize_t n;
    unsigned open_before;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    g_assert_cmpint(pipe(p), ==, 0);

    n = qemu_sendmsg_fds(sv[0], "hello", 5, p, 2);
    g_assert_cmpint(n, ==, 5);
    nfds = G_N_ELEMENTS(fds);
    n = qemu_recvmsg_fds(sv[1], buf, sizeof(buf), fds, &nfds);
    g_assert_cmpint(n, ==, 5);
    g_assert_cmpmem(buf, 5, "hello", 5);
    g_assert_cmpuint(nfds, ==, 2);
    g_assert_true(is_cloexec(fds[0]));
    g_assert_true(is_cloexec(fds[1]));
    /* the received pipe ends work */
    g_assert_cmpint(write(fds[1], "z", 1), ==, 1);
    g_assert_cmpint(read(p[0], buf, 1), ==, 1);
    g_assert_cmpint(buf[0], ==, 'z');
    close(fds[0]);
    close(fds[1]);

    /* more fds than room: the extra ones are closed, not leaked */
    open_before = count_open_fds();
    n = qemu_sendmsg_fds(sv[0], "x", 1, p, 2);
    g_assert_cmpint(n, ==, 1);
    nfds = 1;
    n = qemu_recvmsg_fds(sv[1], buf, sizeof(buf), fds, &nfds);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpuint(nfds, ==, 1);
    g_assert_true(fd_is_open(fds[0]));
    g_assert_cmpuint(count_open_fds(), ==, open_before + 1);
    close(fds[0]);

    /* no fds attached */
    n = qemu_sendmsg_fds(sv[0], "plain", 5, NULL, 0);
    g_assert_cmpint(n, ==, 5);
    nfds = G_N_ELEMENTS(fds);
    n = qemu_recvmsg_fds(sv[1], buf, sizeof(buf), fds, &nfds);
    g_assert_cmpint(n, ==, 5);
    g_assert_cmpuint(nfds, ==, 0);

    /* fds without data cannot travel */
    g_assert_cmpint(qemu_sendmsg_fds(sv[0], "", 0, p, 1), ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);

    /* EOF */
    close(sv[0]);
    nfds = G_N_ELEMENTS(fds);
    g_assert_cmpint(qemu_recvmsg_fds(sv[1], buf, sizeof(buf), fds, &nfds),
                    ==, 0);
    g_assert_cmpuint(nfds, ==, 0);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

static void test_fd_helpers(void)
{
    int p[2];

    g_assert_cmpint(qemu_parse_fd("3"), ==, 3);
    g_assert_cmpint(qemu_parse_fd("0"), ==, 0);
    g_assert_cmpint(qemu_parse_fd("-1"), ==, -1);
    g_assert_cmpint(qemu_parse_fd("3x"), ==, -1);
    g_assert_cmpint(qemu_parse_fd(""), ==, -1);
    g_assert_cmpint(qemu_parse_fd("fdname"), ==, -1);
    g_assert_cmpint(qemu_parse_fd("99999999999"), ==, -1);

    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(qemu_set_cloexec(p[0], true), ==, 0);
    g_assert_true(is_cloexec(p[0]));
    g_assert_cmpint(qemu_set_cloexec(p[0], false), ==, 0);
    g_assert_false(is_cloexec(p[0]));
    qemu_set_nonblock(p[0]);
    g_assert_true(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    qemu_set_block(p[0]);
    g_assert_false(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    close(p[0]);
    close(p[1]);
    g_assert_cmpint(qemu_set_cloexec(p[0], true), ==, -EBADF);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util-sockets/unix", test_unix_roundtrip);
    g_test_add_func("/util-sockets/unix-errors", test_unix_errors);
    g_test_add_func("/util-sockets/tcp-port0", test_tcp_port0);
    g_test_add_func("/util-sockets/not-socket", test_not_socket);
    g_test_add_func("/util-sockets/scm-rights", test_scm_rights);
    g_test_add_func("/util-sockets/fd-helpers", test_fd_helpers);
    return g_test_run();
}
