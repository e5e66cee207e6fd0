/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pty chardev: a pseudo-terminal whose slave a user opens. */
#include "qemu/osdep.h"
#include <poll.h>
#include <termios.h>
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "migration/cpr.h"
#include "qemu/sockets.h"
#include "char-internal.h"

#define PTY_POLL_MS 1000

/*
 * The master reports POLLHUP while nobody holds the slave open; we poll
 * for that once a second, as QEMU does, and read only while connected.
 * Output written while nobody is connected is dropped.
 */
typedef struct PtyChardev {
    FDChardev fd;
    bool connected;
    guint timer;
    char *link;         /* path= symlink to the slave, removed on close */
    bool resumed;       /* taken over by CPR: the user is still there */
} PtyChardev;

static void pty_update_state(PtyChardev *s);

static gboolean pty_readable(Chardev *chr, GIOCondition cond)
{
    PtyChardev *s = (PtyChardev *)chr;
    uint8_t buf[4096];
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t ret;

    if (len <= 0 && !(cond & (G_IO_HUP | G_IO_ERR))) {
        return G_SOURCE_CONTINUE;
    }
    ret = len > 0 ? read(s->fd.fd_in, buf, len) : -1;
    if (ret > 0) {
        qemu_chr_be_write(chr, buf, ret);
        return G_SOURCE_CONTINUE;
    }
    if (ret < 0 && (errno == EAGAIN || errno == EINTR) &&
        !(cond & (G_IO_HUP | G_IO_ERR))) {
        return G_SOURCE_CONTINUE;
    }
    /* The slave side went away. */
    g_source_unref(s->fd.watch);
    s->fd.watch = NULL;
    pty_update_state(s);
    return G_SOURCE_REMOVE;
}

static gboolean pty_timer(gpointer opaque)
{
    PtyChardev *s = opaque;

    s->timer = 0;
    pty_update_state(s);
    return G_SOURCE_REMOVE;
}

static void pty_update_state(PtyChardev *s)
{
    Chardev *chr = &s->fd.parent;
    struct pollfd pfd = { .fd = s->fd.fd_in, .events = POLLOUT };
    bool connected;

    connected = poll(&pfd, 1, 0) >= 0 && !(pfd.revents & POLLHUP);
    if (!connected && !s->timer) {
        s->timer = g_timeout_add(PTY_POLL_MS, pty_timer, s);
    }
    /* Events last: the frontend may remove the chardev when told. */
    if (connected && !s->connected) {
        s->connected = true;
        if (!s->fd.watch) {
            s->fd.watch = chr_io_watch_add(chr, s->fd.fd_in, pty_readable);
        }
        qemu_chr_be_event(chr, s->resumed ? CHR_EVENT_RESUMED
                                           : CHR_EVENT_OPENED);
        s->resumed = false;
    } else if (!connected && s->connected) {
        s->connected = false;
        chr_io_watch_remove(&s->fd.watch);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    }
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;
    ssize_t ret;

    if (!s->connected) {
        pty_update_state(s);
        if (!s->connected) {
            return len;     /* nobody listens: drop, as QEMU */
        }
    }
    do {
        ret = write(s->fd.fd_out, buf, len);
    } while (ret < 0 && errno == EINTR);
    return ret;
}

static const char *const pty_opt_keys[] = { "path", NULL };

static void pty_parse(QemuOpts *opts, ChardevBackend *backend, Error **errp)
{
    ChardevPty *pty;

    backend->type = CHARDEV_BACKEND_KIND_PTY;
    pty = backend->u.pty.data = g_new0(ChardevPty, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)pty);
    pty->path = g_strdup(qemu_opt_get(opts, "path"));
}

static bool pty_open(Chardev *chr, ChardevBackend *backend, bool *be_opened,
                     Error **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    ChardevPty *opts = backend->u.pty.data;
    struct termios tty;
    const char *name;
    int fd, slave, unused;

    if (chr_fd_cpr_take(chr, &unused, &fd)) {
        /* the old process's pty: its slave and whoever holds it stay */
        s->resumed = true;
        name = ptsname(fd);
        if (!name) {
            error_setg_errno(errp, errno, "Failed to take over the PTY");
            close(fd);
            return false;
        }
        if (opts && opts->path) {
            unlink(opts->path);     /* the old process's link to it */
        }
        goto created;
    }
    fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 ||
        !(name = ptsname(fd))) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    /*
     * Put the line in raw mode, then close the slave: the master reports
     * HUP until a user opens it (as with QEMU's openpty + close).
     */
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
        if (tcgetattr(slave, &tty) == 0) {
            cfmakeraw(&tty);
            tcsetattr(slave, TCSAFLUSH, &tty);
        }
        close(slave);
    }
created:
    if (opts && opts->path) {
        if (symlink(name, opts->path) < 0) {
            error_setg_errno(errp, errno, "Failed to create PTY symlink");
            close(fd);
            return false;
        }
        s->link = g_strdup(opts->path);
    }
    qemu_set_nonblock(fd);
    chr->filename = g_strdup_printf("pty:%s", name);
    if (monitor_cur() && !monitor_is_qmp(monitor_cur())) {
        monitor_printf(monitor_cur(), "char device redirected to %s "
                       "(label %s)\n", name, chr->label);
    } else {
        printf("char device redirected to %s (label %s)\n", name,
               chr->label);
        fflush(stdout);
    }
    s->fd.fd_in = s->fd.fd_out = fd;
    s->fd.watch = NULL;
    *be_opened = false;
    pty_update_state(s);
    s->resumed = false;         /* a user who comes later is new */
    return true;
}

static void pty_finalize(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    if (s->timer) {
        g_source_remove(s->timer);
        s->timer = 0;
    }
    chr_fd_finalize(chr);
    if (s->link) {
        if (!cpr_handed_over()) {   /* else the new process's link now */
            unlink(s->link);
        }
        g_free(s->link);
    }
}

static const ChardevClass pty_class = {
    .name = "pty",
    .instance_size = sizeof(PtyChardev),
    .opt_keys = pty_opt_keys,
    .parse = pty_parse,
    .open = pty_open,
    .chr_write = pty_write,
    .update_read_handler = chr_fd_update_read_handler,
    .cpr_save = chr_fd_cpr_save,
    .finalize = pty_finalize,
};

void chr_register_pty(void);
void chr_register_pty(void)
{
    qemu_chr_register_class(&pty_class);
}
