/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for chardevs: ringbuf, pty, file, log, compat strings, QMP. */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "chardev/char.h"
#include "qemu/sockets.h"
#include "qapi/qapi-commands-char.h"
#include "char-test-helpers.h"

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

static void test_pty(void)
{
    g_autofree char *link = tmp_path("pty-link");
    g_autofree char *spec = g_strdup_printf("pty,id=pty0,path=%s", link);
    g_autofree char *target = NULL;
    Chardev *chr;
    const char *name;
    FeState fe;
    char buf[4];
    int slave;
    int saved_stdout = dup(1), devnull = open("/dev/null", O_WRONLY);

    /* The pty backend announces its path on stdout (as QEMU does); keep
     * it out of this program's TAP output. */
    fflush(stdout);
    dup2(devnull, 1);
    chr = new_chr(spec, &error_abort);
    fflush(stdout);
    dup2(saved_stdout, 1);
    close(saved_stdout);
    close(devnull);

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
    char_test_init(&argc, &argv);
    g_test_add_func("/char/ringbuf", test_ringbuf);
    g_test_add_func("/char/late-frontend-opened", test_late_frontend_opened);
    g_test_add_func("/char/pty", test_pty);
    g_test_add_func("/char/logfile", test_logfile);
    g_test_add_func("/char/compat", test_compat);
    g_test_add_func("/char/bad-options", test_bad_options);
    g_test_add_func("/char/file", test_file);
    g_test_add_func("/char/qmp", test_qmp);
    return char_test_finish(g_test_run());
}
