/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chardev frontend API: how a monitor or device talks to its backend. */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "char-internal.h"

bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp)
{
    if (s->be) {
        error_setg(errp, "Device '%s' is in use", s->label);
        return false;
    }
    memset(b, 0, sizeof(*b));
    b->chr = s;
    s->be = b;
    qemu_chr_set_fe_open(s, false);
    return true;
}

void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque)
{
    Chardev *s = b->chr;
    bool fe_open;

    if (!s) {
        return;
    }
    fe_open = opaque || fd_can_read || fd_read || fd_event;
    b->chr_can_read = fd_can_read;
    b->chr_read = fd_read;
    b->chr_event = fd_event;
    b->opaque = opaque;
    qemu_chr_set_fe_open(s, fe_open);
    if (s->cls->update_read_handler) {
        s->cls->update_read_handler(s);
    }
    if (fe_open && s->be_open) {
        /* Attaching to an already open chardev: tell it from the loop. */
        qemu_chr_schedule_opened(s);
    }
}

void qemu_chr_fe_deinit(CharBackend *b, bool del)
{
    Chardev *s = b->chr;

    if (!s) {
        return;
    }
    qemu_chr_fe_set_handlers(b, NULL, NULL, NULL, NULL);
    if (s->be == b) {
        s->be = NULL;
    }
    qemu_chr_set_fe_open(s, false);
    b->chr = NULL;
    if (del) {
        qemu_chr_delete(s->label, NULL);
    }
}

/* Back off while a slow peer drains its socket (as QEMU, no main loop). */
static void chr_write_backoff(unsigned *delay_us)
{
    g_usleep(*delay_us);
    if (*delay_us < 10000) {
        *delay_us *= 2;
    }
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    Chardev *s = be->chr;
    int ret;

    if (!s || len < 0) {
        errno = EIO;
        return -1;
    }
    do {
        ret = s->cls->chr_write(s, buf, len);
    } while (ret < 0 && errno == EINTR);
    if (ret > 0) {
        qemu_chr_write_log(s, buf, ret);
    } else if (ret == 0 && len > 0) {
        errno = EAGAIN;
        ret = -1;
    }
    return ret;
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    Chardev *s = be->chr;
    unsigned delay_us = 50;
    int done = 0;

    if (!s || len < 0) {
        errno = EIO;
        return -1;
    }
    while (done < len) {
        int ret = s->cls->chr_write(s, buf + done, len - done);

        if (ret < 0 && (errno == EAGAIN || errno == EINTR)) {
            chr_write_backoff(&delay_us);
            continue;
        }
        if (ret <= 0) {
            qemu_chr_write_log(s, buf + done, len - done);
            return -1;
        }
        qemu_chr_write_log(s, buf + done, ret);
        done += ret;
        delay_us = 50;
    }
    return done;
}

int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num)
{
    Chardev *s = be->chr;

    if (!s || !s->cls->get_msgfds) {
        return -1;
    }
    return s->cls->get_msgfds(s, fds, num);
}

int qemu_chr_fe_get_msgfd(CharBackend *be)
{
    int fd;
    int res = qemu_chr_fe_get_msgfds(be, &fd, 1);

    return res == 1 ? fd : -1;
}

int qemu_chr_fe_set_msgfds(CharBackend *be, int *fds, int num)
{
    Chardev *s = be->chr;

    if (!s || !s->cls->set_msgfds) {
        return -1;
    }
    return s->cls->set_msgfds(s, fds, num);
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *s = be->chr;

    if (!s) {
        return;
    }
    if (s->cls->update_read_handler) {
        s->cls->update_read_handler(s);
    }
    g_main_context_wakeup(NULL);
}

void qemu_chr_fe_disconnect(CharBackend *be)
{
    Chardev *s = be->chr;

    if (s && s->cls->disconnect) {
        s->cls->disconnect(s);
    }
}

Chardev *qemu_chr_fe_get_driver(CharBackend *be)
{
    return be->chr;
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

/* ---- read watch that honours the frontend's can_read ---- */

typedef struct ChrIOSource {
    GSource source;
    GPollFD pfd;
    Chardev *chr;
} ChrIOSource;

static gboolean chr_io_prepare(GSource *source, gint *timeout)
{
    ChrIOSource *src = (ChrIOSource *)source;

    *timeout = -1;
    src->pfd.events = qemu_chr_be_can_write(src->chr) > 0 ?
                      G_IO_IN | G_IO_HUP | G_IO_ERR : 0;
    return FALSE;
}

static gboolean chr_io_check(GSource *source)
{
    ChrIOSource *src = (ChrIOSource *)source;

    return (src->pfd.revents & (src->pfd.events | G_IO_HUP | G_IO_ERR)) != 0;
}

static gboolean chr_io_dispatch(GSource *source, GSourceFunc callback,
                                gpointer user_data)
{
    ChrIOSource *src = (ChrIOSource *)source;
    ChrIOFunc *func = (ChrIOFunc *)(void (*)(void))callback;
    GIOCondition cond = src->pfd.revents;

    src->pfd.revents = 0;
    return func(src->chr, cond);
}

static GSourceFuncs chr_io_funcs = {
    .prepare = chr_io_prepare,
    .check = chr_io_check,
    .dispatch = chr_io_dispatch,
};

GSource *chr_io_watch_add(Chardev *chr, int fd, ChrIOFunc *func)
{
    GSource *source = g_source_new(&chr_io_funcs, sizeof(ChrIOSource));
    ChrIOSource *src = (ChrIOSource *)source;

    src->chr = chr;
    src->pfd.fd = fd;
    src->pfd.events = 0;
    g_source_add_poll(source, &src->pfd);
    g_source_set_callback(source, (GSourceFunc)(void (*)(void))func,
                          NULL, NULL);
    g_source_attach(source, NULL);
    return source;
}

void chr_io_watch_remove(GSource **src)
{
    if (*src) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}
