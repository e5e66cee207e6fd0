/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the socket chardev: servers, clients, fd=, SCM_RIGHTS. */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "chardev/char.h"
#include "qemu/sockets.h"
#include "migration/cpr.h"
#include "qapi/qapi-commands-char.h"
#include "char-test-helpers.h"

static void test_socket_server(void)
{
    g_autofree char *path = tmp_path("srv.sock");
    g_autofree char *spec = g_strdup_printf(
        "socket,id=srv0,path=%s,server=on,wait=off", path);
    g_autofree char *disc = g_strdup_printf(
        "disconnected:unix:%s,server=on", path);
    g_autofree char *conn = g_strdup_printf("unix:%s,server=on", path);
    Chardev *chr = new_chr(spec, &error_abort);
    FeState fe;
    char buf[16];
    int c1, c2;

    g_assert_cmpstr(chr->filename, ==, disc);
    g_assert_false(chr->be_open);
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"x", 1),
                    ==, -1);

    c1 = client_connect(path);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpstr(chr->filename, ==, conn);
    g_assert_true(chr->be_open);

    g_assert_cmpint(write(c1, "hello", 5), ==, 5);
    WAIT_FOR(fe.data->len == 5);
    g_assert_cmpstr(fe.data->str, ==, "hello");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"world",
                                          5), ==, 5);
    read_exact(c1, buf, 5);
    g_assert_cmpmem(buf, 5, "world", 5);

    /* A second client waits in the backlog while the first is served. */
    c2 = client_connect(path);
    g_assert_cmpint(write(c2, "second", 6), ==, 6);
    spin(20);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_cmpstr(fe.data->str, ==, "hello");

    close(c1);
    WAIT_FOR(fe.closed == 1);
    /* ...and is taken once the first leaves. */
    WAIT_FOR(fe.opened == 2);
    WAIT_FOR(fe.data->len == 11);
    g_assert_cmpstr(fe.data->str, ==, "hellosecond");

    /* The frontend can drop a peer; the server listens again. */
    qemu_chr_fe_disconnect(&fe.be);
    g_assert_cmpint(fe.closed, ==, 2);
    g_assert_cmpstr(chr->filename, ==, disc);
    g_assert_cmpint(read(c2, buf, sizeof(buf)), ==, 0);
    close(c2);

    /* A frontend that cannot take data holds it back. */
    fe.can_read = 0;
    c1 = client_connect(path);
    WAIT_FOR(fe.opened == 3);
    g_assert_cmpint(write(c1, "later", 5), ==, 5);
    spin(20);
    g_assert_cmpuint(fe.data->len, ==, 11);
    fe.can_read = 2;
    qemu_chr_fe_accept_input(&fe.be);
    WAIT_FOR(fe.data->len == 16);
    g_assert_cmpstr(fe.data->str, ==, "hellosecondlater");
    close(c1);
    WAIT_FOR(fe.closed == 3);

    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("srv0", &error_abort));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

/*
 * cpr-exec keeps a connected peer: the save hook names it ("chardev/ID",
 * 1) next to the listening socket (id 0); the new image's chardev of the
 * same id takes both, and its frontend hears RESUMED, not OPENED.  The
 * exec is played by dup(): the old chardev stays, without a frontend.
 */
static void test_socket_cpr_exec_peer(void)
{
    g_autofree char *path = tmp_path("cpr.sock");
    g_autofree char *old_spec = g_strdup_printf(
        "socket,id=old0,path=%s,server=on,wait=off", path);
    Chardev *old = new_chr(old_spec, &error_abort), *chr;
    FeState fe;
    char buf[8];
    int peer, listen_fd, conn_fd;

    fe_attach(&fe, old);
    peer = client_connect(path);
    WAIT_FOR(fe.opened == 1);
    cpr_run_save_hooks(MIG_MODE_CPR_EXEC);
    listen_fd = cpr_find_fd("chardev/old0", 0);
    conn_fd = cpr_find_fd("chardev/old0", 1);
    g_assert_cmpint(listen_fd, >=, 0);
    g_assert_cmpint(conn_fd, >=, 0);
    cpr_drop_hook_entries();
    g_assert_cmpint(cpr_find_fd("chardev/old0", 1), ==, -1);
    g_assert_cmpint(cpr_find_fd("chardev/old0", 0), ==, listen_fd);
    fe_detach(&fe);

    /* the new image's state */
    cpr_state_clear();
    cpr_save_fd("chardev/new0", 0, dup(listen_fd));
    cpr_save_fd("chardev/new0", 1, dup(conn_fd));
    cpr_set_incoming_mode(MIG_MODE_CPR_EXEC);
    chr = new_chr("socket,id=new0,path=/nonexistent/x.sock,server=on,"
                  "wait=off", &error_abort);
    cpr_set_incoming_mode(MIG_MODE_NORMAL);
    g_assert_true(chr->be_open);
    fe_attach(&fe, chr);
    WAIT_FOR(fe.resumed == 1);
    spin(5);
    g_assert_cmpint(fe.opened, ==, 0);
    g_assert_cmpint(write(peer, "again", 5), ==, 5);
    WAIT_FOR(fe.data->len == 5);
    g_assert_cmpstr(fe.data->str, ==, "again");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"ok", 2),
                    ==, 2);
    read_exact(peer, buf, 2);
    g_assert_cmpmem(buf, 2, "ok", 2);
    /* the peer leaves: the usual CLOSED */
    close(peer);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("new0", &error_abort));
    g_assert_true(qemu_chr_delete("old0", &error_abort));
    cpr_state_clear();
}

static int make_pipe_write_end(int *rfd)
{
    int p[2];

    g_assert_cmpint(pipe(p), ==, 0);
    *rfd = p[0];
    return p[1];
}

static void test_socket_fd_passing(void)
{
    g_autofree char *path = tmp_path("fds.sock");
    g_autofree char *spec = g_strdup_printf(
        "socket,id=fds0,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chr(spec, &error_abort);
    FeState fe;
    int c, r1, w1, r2, w2, got;
    char buf[8];

    fe_attach(&fe, chr);
    c = client_connect(path);
    WAIT_FOR(fe.opened == 1);

    /* An fd that arrives with bytes is claimed by the frontend. */
    w1 = make_pipe_write_end(&r1);
    fe.grab_fd = true;
    g_assert_cmpint(qemu_sendmsg_fds(c, "A", 1, &w1, 1), ==, 1);
    close(w1);
    WAIT_FOR(fe.fd_seen >= 0);
    got = fe.fd_seen;
    g_assert_cmpint(write(got, "via", 3), ==, 3);
    read_exact(r1, buf, 3);
    g_assert_cmpmem(buf, 3, "via", 3);
    close(got);
    g_assert_cmpint(read(r1, buf, 1), ==, 0);   /* no copy left open */
    close(r1);

    /* An unclaimed fd is closed when newer fds arrive... */
    fe.grab_fd = false;
    w1 = make_pipe_write_end(&r1);
    w2 = make_pipe_write_end(&r2);
    g_assert_cmpint(qemu_sendmsg_fds(c, "B", 1, &w1, 1), ==, 1);
    close(w1);
    WAIT_FOR(fe.data->len == 2);
    g_assert_cmpint(qemu_sendmsg_fds(c, "C", 1, &w2, 1), ==, 1);
    close(w2);
    WAIT_FOR(fe.data->len == 3);
    g_assert_cmpint(read(r1, buf, 1), ==, 0);   /* w1 was closed */
    got = qemu_chr_fe_get_msgfd(&fe.be);
    g_assert_cmpint(got, >=, 0);
    g_assert_cmpint(qemu_chr_fe_get_msgfd(&fe.be), ==, -1);
    close(got);
    g_assert_cmpint(read(r2, buf, 1), ==, 0);
    close(r1);
    close(r2);

    /* ...and when the client disconnects. */
    w1 = make_pipe_write_end(&r1);
    g_assert_cmpint(qemu_sendmsg_fds(c, "D", 1, &w1, 1), ==, 1);
    close(w1);
    WAIT_FOR(fe.data->len == 4);
    close(c);
    WAIT_FOR(fe.closed == 1);
    g_assert_cmpint(read(r1, buf, 1), ==, 0);
    close(r1);
    g_assert_cmpint(qemu_chr_fe_get_msgfd(&fe.be), ==, -1);

    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("fds0", &error_abort));
}

static void test_socket_fd_listening(void)
{
    g_autofree char *path = tmp_path("pre.sock");
    g_autofree char *disc = g_strdup_printf(
        "disconnected:unix:%s,server=on", path);
    int lfd = unix_listen(path, 1, &error_abort);
    g_autofree char *spec = g_strdup_printf(
        "socket,id=pre0,fd=%d,server=on,wait=off", lfd);
    Chardev *chr = new_chr(spec, &error_abort);
    g_autofree char *bad = NULL;
    FeState fe;
    int c, p[2];
    char buf[4];

    g_assert_cmpstr(chr->filename, ==, disc);
    fe_attach(&fe, chr);
    c = client_connect(path);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"ok", 2),
                    ==, 2);
    read_exact(c, buf, 2);
    g_assert_cmpmem(buf, 2, "ok", 2);
    close(c);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("pre0", &error_abort));

    g_assert_cmpint(pipe(p), ==, 0);
    bad = g_strdup_printf("socket,id=pre1,fd=%d,server=on,wait=off", p[0]);
    {
        g_autofree char *want = g_strdup_printf(
            "File descriptor '%d' is not a socket", p[0]);
        expect_error(bad, want);
    }
    close(p[1]);
}

static void test_socket_client(void)
{
    g_autofree char *path = tmp_path("cli.sock");
    g_autofree char *spec = g_strdup_printf("socket,id=cli0,path=%s", path);
    g_autofree char *spec_rc = g_strdup_printf(
        "socket,id=cli1,path=%s,reconnect-ms=20", path);
    g_autofree char *conn = g_strdup_printf("unix:%s", path);
    Chardev *chr;
    FeState fe;
    int lfd, sfd;

    /* Nobody listens: a plain client fails at open. */
    expect_error(spec, path);
    g_assert_null(qemu_chr_find("cli0"));

    /* With reconnect-ms it waits in the background. */
    chr = new_chr(spec_rc, &error_abort);
    g_assert_false(chr->be_open);
    fe_attach(&fe, chr);
    spin(5);
    lfd = unix_listen(path, 1, &error_abort);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpstr(chr->filename, ==, conn);
    sfd = qemu_accept(lfd);
    g_assert_cmpint(sfd, >=, 0);
    close(sfd);
    WAIT_FOR(fe.closed == 1);
    WAIT_FOR(fe.opened == 2);           /* reconnected */
    sfd = qemu_accept(lfd);
    g_assert_cmpint(sfd, >=, 0);
    g_assert_cmpint(write(sfd, "hi", 2), ==, 2);
    WAIT_FOR(fe.data->len == 2);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("cli1", &error_abort));
    close(sfd);
    close(lfd);
}

static void test_socket_tcp(void)
{
    Chardev *chr = new_chr("socket,id=tcp0,host=127.0.0.1,port=0,server=on,"
                           "wait=off,nodelay=on", &error_abort);
    g_autofree char *port = NULL;
    g_autofree char *prefix = NULL;
    FeState fe;
    char buf[4];
    int c;

    g_assert_true(g_str_has_prefix(chr->filename,
                                   "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_suffix(chr->filename, ",server=on"));
    port = g_strndup(chr->filename + strlen("disconnected:tcp:127.0.0.1:"),
                     strcspn(chr->filename +
                             strlen("disconnected:tcp:127.0.0.1:"), ","));
    g_assert_cmpint(atoi(port), >, 0);

    fe_attach(&fe, chr);
    c = inet_connect("127.0.0.1", port, true, false, &error_abort);
    WAIT_FOR(fe.opened == 1);
    prefix = g_strdup_printf("tcp:127.0.0.1:%s,server=on <-> 127.0.0.1:",
                             port);
    g_assert_true(g_str_has_prefix(chr->filename, prefix));
    g_assert_cmpint(write(c, "tcp", 3), ==, 3);
    WAIT_FOR(fe.data->len == 3);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"ack", 3),
                    ==, 3);
    read_exact(c, buf, 3);
    g_assert_cmpmem(buf, 3, "ack", 3);
    /* fd passing is for unix sockets only */
    g_assert_cmpint(qemu_chr_fe_set_msgfds(&fe.be, &c, 1), ==, -1);
    close(c);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("tcp0", &error_abort));
}

/* Connect once the chardev listens (it blocks the main thread meanwhile). */
static gpointer connect_later(gpointer path)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    int fd;

    g_usleep(50 * 1000);
    while ((fd = unix_connect(path, NULL)) < 0 &&
           g_get_monotonic_time() < deadline) {
        g_usleep(10 * 1000);
    }
    return GINT_TO_POINTER(fd);
}

static void test_socket_wait(void)
{
    g_autofree char *path = tmp_path("wait.sock");
    g_autofree char *spec = g_strdup_printf(
        "socket,id=wait0,path=%s,server=on", path);
    GThread *t;
    Chardev *chr;
    FeState fe;
    int c;

    t = g_thread_new("client", connect_later, path);
    chr = new_chr(spec, &error_abort);       /* blocks until connected */
    g_assert_true(chr->be_open);
    c = GPOINTER_TO_INT(g_thread_join(t));
    g_assert_cmpint(c, >=, 0);
    fe_attach(&fe, chr);
    WAIT_FOR(fe.opened == 1);
    close(c);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("wait0", &error_abort));
}

static void test_socket_fd_connected(void)
{
    g_autofree char *spec = NULL;
    int sv[2];
    FeState fe;
    Chardev *chr;
    char buf[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    spec = g_strdup_printf("socket,id=fdc0,fd=%d", sv[0]);
    chr = new_chr(spec, &error_abort);
    g_assert_true(chr->be_open);
    fe_attach(&fe, chr);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpint(write(sv[1], "p", 1), ==, 1);
    WAIT_FOR(fe.data->len == 1);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"q", 1),
                    ==, 1);
    read_exact(sv[1], buf, 1);
    g_assert_cmpint(buf[0], ==, 'q');
    close(sv[1]);
    WAIT_FOR(fe.closed == 1);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"q", 1),
                    ==, -1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("fdc0", &error_abort));
}

#define SLOW_LEN (1024 * 1024)

/* Read SLOW_LEN bytes in small sips, to make the writer wait. */
static gpointer slow_reader(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    char *buf = g_malloc(SLOW_LEN);
    size_t done = 0;

    while (done < SLOW_LEN) {
        ssize_t r = read(fd, buf + done, MIN(8192, SLOW_LEN - done));
        if (r <= 0) {
            break;
        }
        done += r;
        g_usleep(200);
    }
    for (size_t i = 0; i < done; i++) {
        if (buf[i] != (char)(i % 251)) {
            done = 0;
            break;
        }
    }
    g_free(buf);
    return GSIZE_TO_POINTER(done);
}

static void test_socket_slow_peer(void)
{
    g_autofree char *path = tmp_path("slow.sock");
    g_autofree char *spec = g_strdup_printf(
        "socket,id=slow0,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chr(spec, &error_abort);
    uint8_t *data = g_malloc(SLOW_LEN);
    GThread *t;
    FeState fe;
    int c;

    for (size_t i = 0; i < SLOW_LEN; i++) {
        data[i] = i % 251;
    }
    fe_attach(&fe, chr);
    c = client_connect(path);
    WAIT_FOR(fe.opened == 1);
    t = g_thread_new("reader", slow_reader, GINT_TO_POINTER(c));
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, data, SLOW_LEN), ==,
                    SLOW_LEN);
    g_assert_cmpuint(GPOINTER_TO_SIZE(g_thread_join(t)), ==, SLOW_LEN);
    close(c);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("slow0", &error_abort));
    g_free(data);
}

int main(int argc, char **argv)
{
    char_test_init(&argc, &argv);
    g_test_add_func("/char/socket/server", test_socket_server);
    g_test_add_func("/char/socket/fd-passing", test_socket_fd_passing);
    g_test_add_func("/char/socket/fd-listening", test_socket_fd_listening);
    g_test_add_func("/char/socket/client", test_socket_client);
    g_test_add_func("/char/socket/tcp", test_socket_tcp);
    g_test_add_func("/char/socket/wait", test_socket_wait);
    g_test_add_func("/char/socket/fd-connected", test_socket_fd_connected);
    g_test_add_func("/char/socket/slow-peer", test_socket_slow_peer);
    g_test_add_func("/char/socket/cpr-exec-peer", test_socket_cpr_exec_peer);
    return char_test_finish(g_test_run());
}
