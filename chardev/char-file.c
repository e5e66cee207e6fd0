/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file and pipe chardev backends. */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "monitor/fds.h"
#include "qemu/sockets.h"
#include "char-internal.h"

/* ---- file: output to path (append=on keeps it), optional input ---- */

static const char *const file_opt_keys[] = {
    "path", "append", "input-path", NULL
};

static void file_parse(QemuOpts *opts, ChardevBackend *backend, Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    ChardevFile *file;
    bool append;

    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return;
    }
    if (!chr_opt_bool(opts, "append", false, &append, errp)) {
        return;
    }
    backend->type = CHARDEV_BACKEND_KIND_FILE;
    file = backend->u.file.data = g_new0(ChardevFile, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)file);
    file->out = g_strdup(path);
    file->in = g_strdup(qemu_opt_get(opts, "input-path"));
    file->has_append = true;
    file->append = append;
}

static bool file_open(Chardev *chr, ChardevBackend *backend, bool *be_opened,
                      Error **errp)
{
    ChardevFile *file = backend->u.file.data;
    int flags = O_WRONLY | O_CREAT;
    int fd_in = -1, fd_out;

    if (chr_fd_cpr_resume(chr, false, be_opened)) {
        return true;
    }
    flags |= file->has_append && file->append ? O_APPEND : O_TRUNC;
    fd_out = chr_open_path(file->out, flags, errp);
    if (fd_out < 0) {
        return false;
    }
    if (file->in) {
        fd_in = chr_open_path(file->in, O_RDONLY, errp);
        if (fd_in < 0) {
            qemu_close(fd_out);
            return false;
        }
        qemu_set_nonblock(fd_in);
    }
    chr_fd_init((FDChardev *)chr, fd_in, fd_out);
    return true;
}

static const ChardevClass file_class = {
    .name = "file",
    .instance_size = sizeof(FDChardev),
    .opt_keys = file_opt_keys,
    .parse = file_parse,
    .open = file_open,
    .chr_write = chr_fd_write,
    .update_read_handler = chr_fd_update_read_handler,
    .cpr_save = chr_fd_cpr_save,
    .finalize = chr_fd_finalize,
};

void chr_register_file(void);
void chr_register_file(void)
{
    qemu_chr_register_class(&file_class);
}

/* ---- pipe: PATH.in/PATH.out, or PATH for both directions ---- */

static const char *const pipe_opt_keys[] = { "path", NULL };

static void pipe_parse(QemuOpts *opts, ChardevBackend *backend, Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    ChardevHostdev *dev;

    if (!path) {
        error_setg(errp, "chardev: pipe: no device path given");
        return;
    }
    backend->type = CHARDEV_BACKEND_KIND_PIPE;
    dev = backend->u.pipe.data = g_new0(ChardevHostdev, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)dev);
    dev->device = g_strdup(path);
}

static bool pipe_open(Chardev *chr, ChardevBackend *backend, bool *be_opened,
                      Error **errp)
{
    const char *path = backend->u.pipe.data->device;
    g_autofree char *path_in = g_strdup_printf("%s.in", path);
    g_autofree char *path_out = g_strdup_printf("%s.out", path);
    int fd_in, fd_out;

    if (chr_fd_cpr_resume(chr, true, be_opened)) {
        return true;
    }
    fd_in = qemu_open(path_in, O_RDWR, NULL);
    fd_out = qemu_open(path_out, O_RDWR, NULL);
    if (fd_in < 0 || fd_out < 0) {
        if (fd_in >= 0) {
            qemu_close(fd_in);
        }
        if (fd_out >= 0) {
            qemu_close(fd_out);
        }
        fd_in = fd_out = chr_open_path(path, O_RDWR, errp);
        if (fd_in < 0) {
            return false;
        }
    }
    qemu_set_nonblock(fd_in);
    chr_fd_init((FDChardev *)chr, fd_in, fd_out);
    return true;
}

static const ChardevClass pipe_class = {
    .name = "pipe",
    .instance_size = sizeof(FDChardev),
    .opt_keys = pipe_opt_keys,
    .parse = pipe_parse,
    .open = pipe_open,
    .chr_write = chr_fd_write,
    .update_read_handler = chr_fd_update_read_handler,
    .cpr_save = chr_fd_cpr_save,
    .finalize = chr_fd_finalize,
};

void chr_register_pipe(void);
void chr_register_pipe(void)
{
    qemu_chr_register_class(&pipe_class);
}
