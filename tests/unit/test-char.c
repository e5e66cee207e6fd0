/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for chardevs: ringbuf, unix socket server/client, fd passing. */
#include "qemu/osdep.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "chardev/char.h"
#include "qemu/sockets.h"
#include "qapi/qapi-commands-char.h"

static char *tmpdir;

/* A frontend that records what it sees. */
typedef struct FeState {
    CharBackend be;
    GString *data;
    int opened;
    int closed;
    int breaks;
    int can_read;
    int fd_seen;        /* fd claimed while handling a read, or -1 */
    bool grab_fd;
} FeState;

static int fe_can_read(void *opaque)
{
    FeState *fe = opaque;

    return fe->can_read;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    FeState *fe = opaque;

    g_string_append_len(fe->data, (const char *)buf, size);
    if (fe->grab_fd) {
        int fd = qemu_chr_fe_get_msgfd(&fe->be);
        if (fd >= 0) {
            fe->fd_seen = fd;
        }
    }
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    FeState *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened++;
    } else if (event == CHR_EVENT_CLOSED) {
        fe->closed++;
    } else if (event == CHR_EVENT_BREAK) {
        fe->breaks++;
    }
}

static void fe_attach(FeState *fe, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->data = g_string_new("");
    fe->can_read = 4096;
    fe->fd_seen = -1;
    g_assert_true(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe);
}

static void fe_detach(FeState *fe)
{
    qemu_chr_fe_deinit(&fe->be, false);
    g_string_free(fe->data, true);
}

/* Run the main loop until cond holds (or fail after a few seconds). */
#define WAIT_FOR(cond)                                                  \
    do {                                                                \
        gint64 deadline_ = g_get_monotonic_time() + 5 * G_USEC_PER_SEC; \
        while (!(cond)) {                                               \
            g_assert_cmpint(g_get_monotonic_time(), <, deadline_);      \
            g_main_context_iteration(NULL, false);                      \
            g_usleep(1000);                                             \
        }                                                               \
    } while (0)

static void spin(int n)
{
    for (int i = 0; i < n; i++) {
        g_main_context_iteration(NULL, false);
        g_usleep(1000);
    }
}

static Chardev *new_chr(const char *spec, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(qemu_chardev_opts(), spec, true, errp);
    Chardev *chr;

    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    qemu_opts_del(opts);
    return chr;
}

/* Expect spec to be refused with a message containing want. */
static void expect_error(const char *spec, const char *want)
{
    Error *err = NULL;
    Chardev *chr = new_chr(spec, &err);

    g_assert_null(chr);
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), want)) {
        g_error("'%s': got '%s', want '%s'", spec, error_get_pretty(err),
                want);
    }
    error_free(err);
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static int client_connect(const char *path)
{
    int fd = unix_connect(path, &error_abort);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static void read_exact(int fd, char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t r = read(fd, buf + done, len - done);
        g_assert_cmpint(r, >, 0);
        done += r;
    }
}

/* ---- tests ---- */

static void test_ringbuf(void)
{
    Chardev *chr = new_chr("ringbuf,id=rb0,size=16", &error_abort);
    Error *err = NULL;
    FeState fe;
    char *s;

    g_assert_cmpstr(chr->filename, ==, "ringbuf");
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"hello",
                                          5), ==, 5);
    s = qmp_ringbuf_read("rb0", 3, false, 0, &error_abort);
    g_assert_cmpstr(s, ==, "hel");
    g_free(s);
    s = qmp_ringbuf_read("rb0", 100, true, DATA_FORMAT_BASE64, &error_abort);
    g_assert_cmpstr(s, ==, "bG8=");     /* "lo" */
    g_free(s);

    /* base64 in, and the oldest bytes go when it overflows */
    qmp_ringbuf_write("rb0", "MDEyMzQ1Njc4OQ==", true, DATA_FORMAT_BASE64,
                      &error_abort);
    qmp_ringbuf_write("rb0", "abcdefghij", false, 0, &error_abort);
    s = qmp_ringbuf_read("rb0", 100, false, 0, &error_abort);
    g_assert_cmpstr(s, ==, "456789abcdefghij");
    g_free(s);
    s = qmp_ringbuf_read("rb0", 10, false, 0, &error_abort);
    g_assert_cmpstr(s, ==, "");
    g_free(s);

    g_assert_null(qmp_ringbuf_read("rb0", 0, false, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "size must be greater than zero");
    error_free(err);
    err = NULL;
    g_assert_null(qmp_ringbuf_read("nope", 1, false, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nope' not found");
    error_free(err);
    err = NULL;
    qmp_ringbuf_write("rb0", "a*b", true, DATA_FORMAT_BASE64, &err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Base64 data contains invalid characters");
    error_free(err);
    err = NULL;

    new_chr("null,id=nul0", &error_abort);
    qmp_ringbuf_write("nul0", "x", false, 0, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "nul0 is not a ringbuf device");
    error_free(err);

    expect_error("ringbuf,id=rb1,size=1000",
                 "size of ringbuf chardev must be power of two");

    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("rb0", &error_abort));
    g_assert_true(qemu_chr_delete("nul0", &error_abort));
}

static void test_late_frontend_opened(void)
{
    Chardev *chr = new_chr("null,id=nul1", &error_abort);
    FeState fe;

    g_assert_true(chr->be_open);
    fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 0);       /* never re-entrantly */
    WAIT_FOR(fe.opened == 1);
    spin(5);
    g_assert_cmpint(fe.opened, ==, 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("nul1", &error_abort));
}

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

static void test_pty(void)
{
    g_autofree char *link = tmp_path("pty-link");
    g_autofree char *spec = g_strdup_printf("pty,id=pty0,path=%s", link);
    g_autofree char *target = NULL;
    Chardev *chr = new_chr(spec, &error_abort);
    const char *name;
    FeState fe;
    char buf[4];
    int slave;

    g_assert_true(g_str_has_prefix(chr->filename, "pty:/dev/pts/"));
    name = chr->filename + 4;
    target = g_file_read_link(link, NULL);
    g_assert_cmpstr(target, ==, name);
    g_assert_false(chr->be_open);
    fe_attach(&fe, chr);
    /* Nobody on the other side: output is dropped, not an error. */
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"zz", 2),
                    ==, 2);

    slave = open(name, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpint(write(slave, "in", 2), ==, 2);
    WAIT_FOR(fe.data->len == 2);
    g_assert_cmpstr(fe.data->str, ==, "in");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"out", 3),
                    ==, 3);
    read_exact(slave, buf, 3);
    g_assert_cmpmem(buf, 3, "out", 3);
    close(slave);
    WAIT_FOR(fe.closed == 1);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("pty0", &error_abort));
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
}

static void test_logfile(void)
{
    g_autofree char *log = tmp_path("chr.log");
    g_autofree char *spec = g_strdup_printf(
        "null,id=log0,logfile=%s", log);
    g_autofree char *contents = NULL;
    Chardev *chr = new_chr(spec, &error_abort);
    FeState fe;

    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"logged",
                                          6), ==, 6);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("log0", &error_abort));
    g_assert_true(g_file_get_contents(log, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "logged");
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

static void test_compat(void)
{
    Error *err = NULL;
    QemuOpts *opts;
    Chardev *chr;

    opts = qemu_chr_parse_compat("c0", "unix:/tmp/x.sock,server=on,wait=off",
                                 &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/tmp/x.sock");
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);

    opts = qemu_chr_parse_compat("c1", "tcp:localhost:4444,server=on",
                                 &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "host"), ==, "localhost");
    g_assert_cmpstr(qemu_opt_get(opts, "port"), ==, "4444");
    qemu_opts_del(opts);

    opts = qemu_chr_parse_compat("c2", "file:/tmp/out.log", &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "file");
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/tmp/out.log");
    qemu_opts_del(opts);

    opts = qemu_chr_parse_compat("c3", "pipe:/tmp/p", &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "pipe");
    qemu_opts_del(opts);

    for (const char *const *s = (const char *const[]){ "stdio", "null",
                                                      "pty", NULL };
         *s; s++) {
        opts = qemu_chr_parse_compat("c4", *s, &error_abort);
        g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, *s);
        qemu_opts_del(opts);
    }

    g_assert_null(qemu_chr_parse_compat("c5", "bogus", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'bogus' is not a valid char driver");
    error_free(err);
    err = NULL;
    g_assert_null(qemu_chr_parse_compat("c6", "mon:stdio", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "not supported"));
    error_free(err);
    err = NULL;
    g_assert_null(qemu_chr_parse_compat("c7", "telnet::4444,server=on",
                                        &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "telnet"));
    error_free(err);
    err = NULL;

    /* qemu_chr_new: create from a shorthand, or find with chardev: */
    chr = qemu_chr_new("cnull", "null", &error_abort);
    g_assert_cmpstr(chr->label, ==, "cnull");
    g_assert_true(qemu_chr_new("other", "chardev:cnull", &error_abort) ==
                  chr);
    g_assert_null(qemu_chr_new("other", "chardev:missing", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Chardev 'missing' not found");
    error_free(err);
    g_assert_true(qemu_chr_delete("cnull", &error_abort));
}

static void test_bad_options(void)
{
    bool stdin_open = fcntl(0, F_GETFD) != -1;

    expect_error("null", "chardev: no id specified");
    expect_error("nosuch,id=z", "'nosuch' is not a valid char driver name");
    expect_error("file,id=f0", "chardev: file: no filename given");
    expect_error("pipe,id=p0", "chardev: pipe: no device path given");
    expect_error("null,id=n0,path=/x",
                 "Parameter 'path' is not supported by chardev backend "
                 "'null'");
    expect_error("socket,id=s0,path=/x,bogus=1", "Invalid parameter 'bogus'");
    expect_error("socket,id=s0,host=localhost",
                 "chardev: socket: no port given");
    expect_error("socket,id=s0,path=/x,host=h,port=1",
                 "None or one of 'path', 'fd' or 'host' option required.");
    expect_error("socket,id=s0,path=/x,server=maybe", "server");
    expect_error("socket,id=s0,path=/x,server=on,tls-creds=tls0",
                 "No TLS credentials with id 'tls0'");
    expect_error("socket,id=s0,path=/x,reconnect=1",
                 "Invalid parameter 'reconnect'");
    expect_error("socket,id=s0,path=/x,server=on,telnet=on", "telnet");
    expect_error("socket,id=s0,path=/x,wait=off",
                 "'wait' option is incompatible with socket in client "
                 "connect mode");
    expect_error("socket,id=s0,path=/x,server=on,wait=off,reconnect-ms=5",
                 "'reconnect-ms' option is incompatible with socket in "
                 "server listen mode");
    expect_error("null,id=n0,mux=on", "'mux' is not supported");
    expect_error("file,id=f0,path=/nonexistent-dir/f",
                 "Could not open '/nonexistent-dir/f': No such file or "
                 "directory");
    g_assert_null(qemu_chr_find("s0"));
    g_assert_null(qemu_chr_find("f0"));
    /* A failed open must not close fds it never opened. */
    g_assert_cmpint(fcntl(0, F_GETFD) != -1, ==, stdin_open);
}

static void test_file(void)
{
    g_autofree char *path = tmp_path("out.log");
    g_autofree char *spec = g_strdup_printf("file,id=file0,path=%s", path);
    g_autofree char *contents = NULL;
    Chardev *chr = new_chr(spec, &error_abort);
    FeState fe;

    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"abc", 3),
                    ==, 3);
    fe_detach(&fe);
    g_assert_true(qemu_chr_delete("file0", &error_abort));
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "abc");
}

static void test_qmp(void)
{
    ChardevBackend backend = { .type = CHARDEV_BACKEND_KIND_RINGBUF };
    ChardevRingbuf rb = { 0 };
    ChardevInfoList *info, *l;
    ChardevBackendInfoList *backends, *b;
    ChardevReturn *ret;
    Error *err = NULL;
    FeState fe;
    bool found_socket = false, found = false;

    backend.u.ringbuf.data = &rb;
    ret = qmp_chardev_add("q0", &backend, &error_abort);
    g_assert_null(ret->pty);
    g_free(ret);
    g_assert_null(qmp_chardev_add("q0", &backend, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Chardev with id 'q0' already exists");
    error_free(err);
    err = NULL;

    rb.has_size = true;
    rb.size = 3;
    g_assert_null(qmp_chardev_add("q1", &backend, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to add chardev 'q1': "
                    "size of ringbuf chardev must be power of two");
    error_free(err);
    err = NULL;

    fe_attach(&fe, qemu_chr_find("q0"));
    info = qmp_query_chardev(&error_abort);
    for (l = info; l; l = l->next) {
        if (!strcmp(l->value->label, "q0")) {
            found = true;
            g_assert_cmpstr(l->value->filename, ==, "ringbuf");
            g_assert_true(l->value->frontend_open);
        }
    }
    g_assert_true(found);
    qapi_free_ChardevInfoList(info);

    qmp_chardev_send_break("q0", &error_abort);
    g_assert_cmpint(fe.breaks, ==, 1);

    qmp_chardev_remove("q0", &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Chardev 'q0' is busy");
    error_free(err);
    err = NULL;
    fe_detach(&fe);
    qmp_chardev_remove("q0", &error_abort);
    qmp_chardev_remove("q0", &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Chardev 'q0' not found");
    error_free(err);

    backends = qmp_query_chardev_backends(&error_abort);
    for (b = backends; b; b = b->next) {
        found_socket |= !strcmp(b->value->name, "socket");
    }
    g_assert_true(found_socket);
    qapi_free_ChardevBackendInfoList(backends);
}

int main(int argc, char **argv)
{
    int ret;

    signal(SIGPIPE, SIG_IGN);
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-char-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    qemu_chr_init_backends();

    g_test_add_func("/char/ringbuf", test_ringbuf);
    g_test_add_func("/char/late-frontend-opened", test_late_frontend_opened);
    g_test_add_func("/char/socket/server", test_socket_server);
    g_test_add_func("/char/socket/fd-passing", test_socket_fd_passing);
    g_test_add_func("/char/socket/fd-listening", test_socket_fd_listening);
    g_test_add_func("/char/socket/client", test_socket_client);
    g_test_add_func("/char/socket/tcp", test_socket_tcp);
    g_test_add_func("/char/socket/wait", test_socket_wait);
    g_test_add_func("/char/socket/fd-connected", test_socket_fd_connected);
    g_test_add_func("/char/socket/slow-peer", test_socket_slow_peer);
    g_test_add_func("/char/pty", test_pty);
    g_test_add_func("/char/logfile", test_logfile);
    g_test_add_func("/char/compat", test_compat);
    g_test_add_func("/char/bad-options", test_bad_options);
    g_test_add_func("/char/file", test_file);
    g_test_add_func("/char/qmp", test_qmp);
    ret = g_test_run();

    qemu_chr_cleanup();
    {
        GDir *dir = g_dir_open(tmpdir, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *file = g_build_filename(tmpdir, name, NULL);
            unlink(file);
        }
        if (dir) {
            g_dir_close(dir);
        }
    }
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
