/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared plumbing for fd-based chardevs (stdio, file, pipe, pty). */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "monitor/fds.h"
#include "migration/cpr.h"
#include "qemu/sockets.h"
#include "char-internal.h"

#define CHR_READ_BUF_LEN 4096

static gboolean chr_fd_readable(Chardev *chr, GIOCondition cond)
{
    FDChardev *s = (FDChardev *)chr;
    uint8_t buf[CHR_READ_BUF_LEN];
    int len = qemu_chr_be_can_write(chr);
    ssize_t ret;

    if (len <= 0) {
        if (cond & (G_IO_HUP | G_IO_ERR)) {
            goto eof;
        }
        return G_SOURCE_CONTINUE;
    }
    len = MIN(len, (int)sizeof(buf));
    ret = read(s->fd_in, buf, len);
    if (ret < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (ret <= 0) {
        goto eof;
    }
    qemu_chr_be_write(chr, buf, ret);
    return G_SOURCE_CONTINUE;

eof:
    /* End of input: stop reading; the output side stays usable. */
    g_source_unref(s->watch);
    s->watch = NULL;
    return G_SOURCE_REMOVE;
}

int chr_open_path(const char *path, int flags, Error **errp)
{
    Error *local_err = NULL;
    int fd = flags & O_CREAT ? qemu_create(path, flags, 0666, &local_err)
                             : qemu_open(path, flags, &local_err);

    if (fd < 0) {
        /* QEMU's wording (qemu_open_old + error_setg_file_open), fdsets too */
        int err = errno;

        error_free(local_err);
        error_setg_errno(errp, err, "Could not open '%s'", path);
    }
    return fd;
}

void chr_fd_init(FDChardev *s, int fd_in, int fd_out)
{
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    if (fd_in >= 0) {
        s->watch = chr_io_watch_add(&s->parent, fd_in, chr_fd_readable);
    }
}

int chr_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    FDChardev *s = (FDChardev *)chr;
    ssize_t ret;

    if (s->fd_out < 0) {
        errno = EIO;
        return -1;
    }
    do {
        ret = write(s->fd_out, buf, len);
    } while (ret < 0 && errno == EINTR);
    return ret;
}

void chr_fd_update_read_handler(Chardev *chr)
{
    /* The watch re-checks can_read on every main loop iteration. */
}

void chr_fd_finalize(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    chr_io_watch_remove(&s->watch);
    if (s->fd_in >= 0) {
        qemu_close(s->fd_in);
    }
    if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
        qemu_close(s->fd_out);
    }
    s->fd_in = s->fd_out = -1;
}

/*
 * CPR: file, pipe and pty chardevs keep their open files, so a log is not
 * truncated and a pty keeps its slave: ("chardev/ID", 2) is the output fd
 * and ("chardev/ID", 3) a separate input fd.  (Sockets use ids 0 and 1.)
 */
#define CHR_CPR_OUT 2
#define CHR_CPR_IN 3

void chr_fd_cpr_save(Chardev *chr, MigMode mode)
{
    FDChardev *s = (FDChardev *)chr;
    g_autofree char *name = chr_cpr_name(chr);

    if (s->fd_out < 0) {
        return;
    }
    cpr_save_fd(name, CHR_CPR_OUT, s->fd_out);
    if (s->fd_in >= 0 && s->fd_in != s->fd_out) {
        cpr_save_fd(name, CHR_CPR_IN, s->fd_in);
    }
}

bool chr_fd_cpr_take(Chardev *chr, int *fd_in, int *fd_out)
{
    g_autofree char *name = chr_cpr_name(chr);
    int out = cpr_is_incoming() ? cpr_find_fd(name, CHR_CPR_OUT) : -1;

    if (out < 0) {
        return false;
    }
    *fd_out = out;
    *fd_in = cpr_find_fd(name, CHR_CPR_IN);
    cpr_delete_fd(name, CHR_CPR_OUT);
    cpr_delete_fd(name, CHR_CPR_IN);
    return true;
}

bool chr_fd_cpr_resume(Chardev *chr, bool in_is_out, bool *be_opened)
{
    int fd_in, fd_out;

    if (!chr_fd_cpr_take(chr, &fd_in, &fd_out)) {
        return false;
    }
    if (fd_in < 0 && in_is_out) {
        fd_in = fd_out;
    }
    if (fd_in >= 0) {
        qemu_set_nonblock(fd_in);
    }
    chr_fd_init((FDChardev *)chr, fd_in, fd_out);
    *be_opened = false;
    qemu_chr_be_event(chr, CHR_EVENT_RESUMED);
    return true;
}
