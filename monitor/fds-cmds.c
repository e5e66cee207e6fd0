/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands for fd passing: getfd, closefd, add-fd, remove-fd, query-fdsets. */
#include "qemu/osdep.h"
#include "monitor/fds.h"
#include "monitor/monitor.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/qapi-types-misc.h"

void qmp_getfd(const char *fdname, Error **errp)
{
    Monitor *mon = monitor_cur();
    int fd = mon ? monitor_take_msgfd(mon) : -1;

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return;
    }
    mon_fd_store_add(monitor_fd_store(mon), fdname, fd, errp);
}

void qmp_closefd(const char *fdname, Error **errp)
{
    Monitor *mon = monitor_cur();

    mon_fd_store_close(mon ? monitor_fd_store(mon) : NULL, fdname, errp);
}

AddfdInfo *qmp_add_fd(bool has_fdset_id, int64_t fdset_id,
                      const char *opaque, Error **errp)
{
    Monitor *mon = monitor_cur();
    int fd = mon ? monitor_take_msgfd(mon) : -1;
    AddfdInfo *info;
    int64_t id;

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return NULL;
    }
    /* monitor_fdset_add_fd owns fd from here, and closes it on failure */
    id = monitor_fdset_add_fd(fd, has_fdset_id, fdset_id, opaque, errp);
    if (id < 0) {
        return NULL;
    }
    info = g_new0(AddfdInfo, 1);
    info->fdset_id = id;
    info->fd = fd;
    return info;
}

void qmp_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd, Error **errp)
{
    monitor_fdset_remove_fd(fdset_id, has_fd, fd, errp);
}

static void query_fdsets_one(int64_t fdset_id, const MonFdsetFdInfo *fds,
                             unsigned nfds, void *opaque)
{
    FdsetInfoList **list = opaque;
    FdsetInfoList *entry = g_new0(FdsetInfoList, 1);
    FdsetInfo *info = g_new0(FdsetInfo, 1);
    unsigned i;

    info->fdset_id = fdset_id;
    /* QEMU prepends while walking, so each list comes out reversed */
    for (i = 0; i < nfds; i++) {
        FdsetFdInfoList *fe = g_new0(FdsetFdInfoList, 1);

        fe->value = g_new0(FdsetFdInfo, 1);
        fe->value->fd = fds[i].fd;
        fe->value->opaque = g_strdup(fds[i].opaque);
        fe->next = info->fds;
        info->fds = fe;
    }
    entry->value = info;
    entry->next = *list;
    *list = entry;
}

FdsetInfoList *qmp_query_fdsets(Error **errp)
{
    FdsetInfoList *list = NULL;

    monitor_fdsets_foreach(query_fdsets_one, &list);
    return list;
}
