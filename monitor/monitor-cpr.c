/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the monitors keep across CPR (docs/cpr.md): each monitor's named
 * fds (getfd) and the fd sets, in cpr-transfer and cpr-exec; in cpr-exec
 * also the session of a client that stays connected.  A monitor is known
 * by its chardev's id.  CPR state names:
 *
 *   "getfd/CHR/NAME"      id 0      named fd NAME of the monitor on CHR
 *   "fdset/SET[/OPAQUE]"  id 0      an fd of set SET, oldest first; the
 *                                   opaque string follows when it has one
 *   "monitor/CHR"         id FLAGS  cpr-exec, no fd: the session on CHR
 *                                   (QMP: negotiated 1, oob 2; HMP: a
 *                                   prompt is owed 1)
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "migration/cpr.h"
#include "qemu/option.h"

#define MON_CPR_QMP_NEGOTIATED 1
#define MON_CPR_QMP_OOB 2
#define MON_CPR_HMP_PROMPT 1

static void fdset_save(int64_t set, const MonFdsetFdInfo *fds, unsigned n,
                       void *opaque)
{
    /* oldest first: the new process adds them back in that order */
    for (unsigned i = n; i-- > 0;) {
        g_autofree char *name = fds[i].opaque ?
            g_strdup_printf("fdset/%" PRId64 "/%s", set, fds[i].opaque) :
            g_strdup_printf("fdset/%" PRId64, set);

        cpr_save_fd(name, 0, fds[i].fd);
    }
}

static void getfd_save(const char *fdname, int fd, void *opaque)
{
    g_autofree char *name = g_strdup_printf("getfd/%s/%s",
                                            (const char *)opaque, fdname);

    cpr_save_fd(name, 0, fd);
}

static int session_flags(Monitor *mon)
{
    if (mon->is_qmp) {
        return (mon->negotiated ? MON_CPR_QMP_NEGOTIATED : 0) |
               (mon->oob_enabled ? MON_CPR_QMP_OOB : 0);
    }
    /* a synchronous migrate suspended it: its prompt never came */
    return mon->suspended ? MON_CPR_HMP_PROMPT : 0;
}

static void monitor_cpr_save(MigMode mode)
{
    monitor_fdsets_foreach(fdset_save, NULL);
    for (GList *l = mon_list; l; l = l->next) {
        Monitor *mon = l->data;
        const char *chr = mon->chr.chr->label;

        mon_fd_store_foreach(mon->fds, getfd_save, (void *)chr);
        if (mode == MIG_MODE_CPR_EXEC && mon->connected) {
            g_autofree char *name = g_strdup_printf("monitor/%s", chr);

            cpr_save_fd(name, session_flags(mon), -1);
        }
    }
}

void monitor_cpr_init(void)
{
    cpr_add_save_hook(monitor_cpr_save);
}

static void getfd_restore(const char *fdname, int id, int fd, void *opaque)
{
    Monitor *mon = opaque;

    if (fd >= 0) {
        mon_fd_store_add(mon->fds, fdname, fd, NULL);
    }
}

void monitor_cpr_restore(Monitor *mon)
{
    const char *chr = mon->chr.chr->label;
    g_autofree char *prefix = g_strdup_printf("getfd/%s/", chr);
    g_autofree char *session = g_strdup_printf("monitor/%s", chr);
    int flags;

    monitor_cpr_init();
    mon->resume_flags = 0;
    if (!cpr_is_incoming()) {
        return;
    }
    cpr_take_prefixed(prefix, getfd_restore, mon);
    flags = cpr_find_id(session);
    if (flags >= 0) {
        mon->resume_flags = flags;
        cpr_delete_fd(session, flags);
    }
}

void monitor_cpr_resume_qmp(Monitor *mon)
{
    mon->negotiated = mon->resume_flags & MON_CPR_QMP_NEGOTIATED;
    mon->oob_enabled = mon->resume_flags & MON_CPR_QMP_OOB;
}

bool monitor_cpr_resume_hmp_prompt(Monitor *mon)
{
    return mon->resume_flags & MON_CPR_HMP_PROMPT;
}

/* ---- fd sets ---- */

static GArray *restored_sets;           /* int64_t */

static void fdset_restore(const char *rest, int id, int fd, void *opaque)
{
    const char *end;
    int64_t set;

    if (fd < 0) {
        return;
    }
    if (qemu_strtoi64(rest, &end, 10, &set) < 0 || set < 0 ||
        (*end && *end != '/')) {
        warn_report("CPR state: bad fd set entry 'fdset/%s': fd closed",
                    rest);
        close(fd);
        return;
    }
    monitor_fdset_add_fd(fd, true, set, *end ? end + 1 : NULL, &error_abort);
    if (!monitor_fdset_cpr_restored(set)) {
        g_array_append_val(restored_sets, set);
    }
}

void monitor_fdsets_cpr_restore(void)
{
    if (!cpr_is_incoming()) {
        return;
    }
    if (!restored_sets) {
        restored_sets = g_array_new(false, false, sizeof(int64_t));
    }
    cpr_take_prefixed("fdset/", fdset_restore, NULL);
}

bool monitor_fdset_cpr_restored(int64_t set)
{
    for (guint i = 0; restored_sets && i < restored_sets->len; i++) {
        if (g_array_index(restored_sets, int64_t, i) == set) {
            return true;
        }
    }
    return false;
}
