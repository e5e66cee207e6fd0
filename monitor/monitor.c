/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monitor core: creation, the current monitor, output, fds. */
#include "qemu/osdep.h"
#include "monitor-internal.h"

GList *mon_list;
static Monitor *cur_mon;

Monitor *monitor_cur(void)
{
    return cur_mon;
}

Monitor *monitor_set_cur(Monitor *mon)
{
    Monitor *old = cur_mon;

    cur_mon = mon;
    return old;
}

bool monitor_is_qmp(const Monitor *mon)
{
    return mon->is_qmp;
}

MonFdStore *monitor_fd_store(Monitor *mon)
{
    return mon->fds;
}

int monitor_take_msgfd(Monitor *mon)
{
    if (!mon || !mon->has_chr) {
        return -1;
    }
    return qemu_chr_fe_get_msgfd(&mon->chr);
}

void monitor_close_unclaimed_fds(Monitor *mon)
{
    int fd;

    while ((fd = monitor_take_msgfd(mon)) >= 0) {
        close(fd);
    }
}

void monitor_data_init(Monitor *mon, bool is_qmp, bool pretty)
{
    mon->is_qmp = is_qmp;
    mon->pretty = pretty;
    mon->fds = mon_fd_store_new();
}

void monitor_data_destroy(Monitor *mon)
{
    mon_fd_store_free(mon->fds);
    mon->fds = NULL;
    if (mon->capture) {
        g_string_free(mon->capture, TRUE);
        mon->capture = NULL;
    }
}

void monitor_write(Monitor *mon, const char *buf, size_t len)
{
    if (mon->capture) {
        g_string_append_len(mon->capture, buf, len);
        return;
    }
    if (mon->has_chr && len) {
        qemu_chr_fe_write_all(&mon->chr, (const uint8_t *)buf, len);
    }
}

/* HMP text: "\n" becomes "\r\n", as QEMU's monitor_puts does. */
void monitor_puts(Monitor *mon, const char *str)
{
    g_autoptr(GString) s = g_string_sized_new(strlen(str) + 8);

    for (const char *p = str; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(s, '\r');
        }
        g_string_append_c(s, *p);
    }
    monitor_write(mon, s->str, s->len);
}

int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    g_autofree char *buf = NULL;

    if (!mon || mon->is_qmp) {
        /* QMP monitors print nothing: their output is JSON only. */
        return -1;
    }
    buf = g_strdup_vprintf(fmt, ap);
    monitor_puts(mon, buf);
    return strlen(buf);
}

int monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = monitor_vprintf(mon, fmt, ap);
    va_end(ap);
    return ret;
}

bool monitor_new(Chardev *chr, bool qmp, bool pretty, Error **errp)
{
    Monitor *mon;

    if (pretty && !qmp) {
        /* QEMU: "'pretty' is not compatible with HMP monitors" */
        error_setg(errp, "'pretty' is not compatible with HMP monitors");
        return false;
    }
    mon = g_new0(Monitor, 1);
    monitor_data_init(mon, qmp, pretty);
    if (!qemu_chr_fe_init(&mon->chr, chr, errp)) {
        monitor_data_destroy(mon);
        g_free(mon);
        return false;
    }
    mon->has_chr = true;
    mon_list = g_list_append(mon_list, mon);
    monitor_cpr_restore(mon);
    if (qmp) {
        monitor_init_qmp(mon);
    } else {
        monitor_init_hmp(mon);
    }
    return true;
}

void monitor_cleanup(void)
{
    while (mon_list) {
        Monitor *mon = mon_list->data;

        mon_list = g_list_delete_link(mon_list, mon_list);
        qemu_chr_fe_deinit(&mon->chr, false);
        if (mon->is_qmp) {
            qmp_monitor_destroy(mon);
        } else {
            hmp_monitor_destroy(mon);
        }
        monitor_data_destroy(mon);
        g_free(mon);
    }
}
