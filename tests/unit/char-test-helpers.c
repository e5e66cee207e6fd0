/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the chardev unit tests: a recording frontend and helpers. */
#include "qemu/osdep.h"
#include <signal.h>
#include "qemu/sockets.h"
#include "char-test-helpers.h"

char *tmpdir;



int fe_can_read(void *opaque)
{
    FeState *fe = opaque;

    return fe->can_read;
}

void fe_read(void *opaque, const uint8_t *buf, int size)
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

void fe_event(void *opaque, QEMUChrEvent event)
{
    FeState *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened++;
    } else if (event == CHR_EVENT_RESUMED) {
        fe->resumed++;
    } else if (event == CHR_EVENT_CLOSED) {
        fe->closed++;
    } else if (event == CHR_EVENT_BREAK) {
        fe->breaks++;
    }
}

void fe_attach(FeState *fe, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->data = g_string_new("");
    fe->can_read = 4096;
    fe->fd_seen = -1;
    g_assert_true(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe);
}

void fe_detach(FeState *fe)
{
    qemu_chr_fe_deinit(&fe->be, false);
    g_string_free(fe->data, true);
}



void spin(int n)
{
    for (int i = 0; i < n; i++) {
        g_main_context_iteration(NULL, false);
        g_usleep(1000);
    }
}

Chardev *new_chr(const char *spec, Error **errp)
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
void expect_error(const char *spec, const char *want)
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

char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

int client_connect(const char *path)
{
    int fd = unix_connect(path, &error_abort);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

void read_exact(int fd, char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t r = read(fd, buf + done, len - done);
        g_assert_cmpint(r, >, 0);
        done += r;
    }
}

void char_test_init(int *argc, char ***argv)
{
    signal(SIGPIPE, SIG_IGN);
    g_test_init(argc, argv, NULL);
    tmpdir = g_dir_make_tmp("test-char-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    qemu_chr_init_backends();
}

int char_test_finish(int ret)
{
    GDir *dir;
    const char *name;

    qemu_chr_cleanup();
    dir = g_dir_open(tmpdir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *file = g_build_filename(tmpdir, name, NULL);
        unlink(file);
    }
    if (dir) {
        g_dir_close(dir);
    }
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
