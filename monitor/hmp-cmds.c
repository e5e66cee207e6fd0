/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP wrappers around the QMP commands of the monitor, run state and chardevs. */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "qemu/option.h"
#include "chardev/char.h"
#include "qapi/qapi-commands.h"

void hmp_info_status(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(StatusInfo) info = qmp_query_status(NULL);

    monitor_printf(mon, "VM status: %s", info->running ? "running" : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        monitor_printf(mon, " (%s)", RunState_str(info->status));
    }
    monitor_printf(mon, "\n");
}

void hmp_info_version(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(VersionInfo) info = qmp_query_version(NULL);

    monitor_printf(mon, "%" PRId64 ".%" PRId64 ".%" PRId64 "%s\n",
                   info->qemu->major, info->qemu->minor, info->qemu->micro,
                   info->package);
}

void hmp_info_name(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(NameInfo) info = qmp_query_name(NULL);

    if (info->name) {
        monitor_printf(mon, "%s\n", info->name);
    }
}

void hmp_info_uuid(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(UuidInfo) info = qmp_query_uuid(NULL);

    monitor_printf(mon, "%s\n", info->UUID);
}

void hmp_info_chardev(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(ChardevInfoList) list = qmp_query_chardev(NULL);

    for (ChardevInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s: filename=%s\n", l->value->label,
                       l->value->filename);
    }
}

void hmp_stop(Monitor *mon, const HMPArgs *args)
{
    qmp_stop(NULL);
}

void hmp_cont(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_cont(&err);
    hmp_handle_error(mon, err);
}

void hmp_quit(Monitor *mon, const HMPArgs *args)
{
    qmp_quit(NULL);
}

void hmp_getfd(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_getfd(hmp_arg_str(args, "fdname"), &err);
    hmp_handle_error(mon, err);
}

void hmp_closefd(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_closefd(hmp_arg_str(args, "fdname"), &err);
    hmp_handle_error(mon, err);
}

void hmp_chardev_add(Monitor *mon, const HMPArgs *args)
{
    const char *spec = hmp_arg_str(args, "args");
    Error *err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(qemu_chardev_opts(), spec, true, &err);
    if (opts) {
        if (!qemu_chr_new_from_opts(opts, &err)) {
            qemu_opts_del(opts);
        }
    }
    hmp_handle_error(mon, err);
}

void hmp_chardev_remove(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_chardev_remove(hmp_arg_str(args, "id"), &err);
    hmp_handle_error(mon, err);
}

void hmp_ringbuf_write(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_ringbuf_write(hmp_arg_str(args, "device"), hmp_arg_str(args, "data"),
                      false, 0, &err);
    hmp_handle_error(mon, err);
}

void hmp_ringbuf_read(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    int64_t size;
    g_autofree char *data = NULL;

    if (qemu_strtoi64(hmp_arg_str(args, "size"), NULL, 10, &size) < 0 ||
        size < 0) {
        monitor_printf(mon, "ringbuf_read: invalid size '%s'\n",
                       hmp_arg_str(args, "size"));
        return;
    }
    data = qmp_ringbuf_read(hmp_arg_str(args, "device"), size, false, 0, &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    for (const char *p = data; *p; p++) {
        uint8_t c = *p;

        if (c < 32 || c == 127) {
            monitor_printf(mon, "\\u%04X", c);
        } else {
            monitor_printf(mon, "%c", c);
        }
    }
    monitor_printf(mon, "\n");
}
