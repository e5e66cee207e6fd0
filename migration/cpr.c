/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPR state: named fds handed to a new process (see migration/cpr.h). */
#include "qemu/osdep.h"
#include "migration/cpr.h"
#include "migration/vmstate.h"
#include "monitor/fds.h"
#include "monitor/monitor.h"

typedef struct CprFd {
    char *name;
    uint32_t namelen;           /* strlen(name) + 1: the NUL travels */
    int32_t id;
    int32_t fd;
    bool loaded;                /* came in the CPR state ... */
    bool taken;                 /* ... and something looked it up */
} CprFd;

typedef struct CprState {
    GSList *fds;                /* CprFd, newest first */
} CprState;

static CprState cpr_state;
static MigMode cpr_incoming_mode = MIG_MODE_NORMAL;
static bool cpr_fds_handed_over;
static GPtrArray *cpr_save_hooks;       /* CprSaveHook */

static void cpr_fd_free(gpointer p)
{
    CprFd *e = p;

    g_free(e->name);
    g_free(e);
}

static CprFd *cpr_find_entry(const char *name, int id)
{
    for (GSList *l = cpr_state.fds; l; l = l->next) {
        CprFd *e = l->data;

        if (e->id == id && !strcmp(e->name, name)) {
            return e;
        }
    }
    return NULL;
}

void cpr_save_fd(const char *name, int id, int fd)
{
    CprFd *e = g_new0(CprFd, 1);

    e->name = g_strdup(name);
    e->namelen = strlen(name) + 1;
    e->id = id;
    e->fd = fd;
    cpr_state.fds = g_slist_prepend(cpr_state.fds, e);
}

void cpr_delete_fd(const char *name, int id)
{
    CprFd *e = cpr_find_entry(name, id);

    if (e) {
        cpr_state.fds = g_slist_remove(cpr_state.fds, e);
        cpr_fd_free(e);
    }
}

int cpr_find_fd(const char *name, int id)
{
    CprFd *e = cpr_find_entry(name, id);

    if (e) {
        e->taken = true;
    }
    return e ? e->fd : -1;
}

void cpr_resave_fd(const char *name, int id, int fd)
{
    int old = cpr_find_fd(name, id);

    g_assert(old < 0 || old == fd);
    if (old < 0) {
        cpr_save_fd(name, id, fd);
    }
}

int cpr_open_fd(const char *path, int flags, const char *name, int id,
                Error **errp)
{
    int fd = cpr_find_fd(name, id);

    if (fd < 0) {
        fd = qemu_open(path, flags, errp);
        if (fd >= 0) {
            cpr_save_fd(name, id, fd);
        }
    }
    return fd;
}

int cpr_find_id(const char *name)
{
    for (GSList *l = cpr_state.fds; l; l = l->next) {
        CprFd *e = l->data;

        if (!strcmp(e->name, name)) {
            e->taken = true;
            return e->id;
        }
    }
    return -1;
}

void cpr_take_prefixed(const char *prefix, CprTakeCb cb, void *opaque)
{
    GSList *taken = NULL;

    for (GSList *l = cpr_state.fds, *next; l; l = next) {
        CprFd *e = l->data;

        next = l->next;
        if (g_str_has_prefix(e->name, prefix)) {
            cpr_state.fds = g_slist_delete_link(cpr_state.fds, l);
            taken = g_slist_prepend(taken, e);      /* oldest first */
        }
    }
    for (GSList *l = taken; l; l = l->next) {
        CprFd *e = l->data;

        cb(e->name + strlen(prefix), e->id, e->fd, opaque);
    }
    g_slist_free_full(taken, cpr_fd_free);
}

bool cpr_walk_fd(cpr_walk_fd_cb cb)
{
    for (GSList *l = cpr_state.fds; l; l = l->next) {
        int fd = ((CprFd *)l->data)->fd;

        if (fd >= 0 && !cb(fd)) {
            return false;
        }
    }
    return true;
}

void cpr_close_untaken(void)
{
    for (GSList *l = cpr_state.fds, *next; l; l = next) {
        CprFd *e = l->data;

        next = l->next;
        if (e->loaded && !e->taken) {
            warn_report("CPR state: nothing here took '%s' (id %d)%s",
                        e->name, e->id, e->fd >= 0 ? ": fd closed" : "");
            if (e->fd >= 0) {
                close(e->fd);
            }
            cpr_state.fds = g_slist_delete_link(cpr_state.fds, l);
            cpr_fd_free(e);
        }
    }
}

void cpr_state_clear(void)
{
    g_slist_free_full(cpr_state.fds, cpr_fd_free);
    cpr_state.fds = NULL;
}

void cpr_set_handed_over(void)
{
    cpr_fds_handed_over = true;
}

bool cpr_handed_over(void)
{
    return cpr_fds_handed_over;
}

void cpr_set_incoming_mode(MigMode mode)
{
    cpr_incoming_mode = mode;
}

MigMode cpr_get_incoming_mode(void)
{
    return cpr_incoming_mode;
}

bool cpr_is_incoming(void)
{
    return cpr_incoming_mode != MIG_MODE_NORMAL;
}

int cpr_get_fd_param(const char *name, const char *fdname, int index,
                     Error **errp)
{
    int fd;

    if (cpr_is_incoming()) {
        fd = cpr_find_fd(name, index);
        if (fd < 0) {
            error_setg(errp, "cannot find saved value for fd %s", fdname);
        }
        return fd;
    }
    fd = monitor_fd_param(monitor_cur(), fdname, errp);
    if (fd >= 0) {
        cpr_save_fd(name, index, fd);
    }
    return fd;
}

/* ---- the wire format ---- */

static const VMStateDescription vmstate_cpr_fd = {
    .name = "cpr fd",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(namelen, CprFd),
        VMSTATE_VBUFFER_ALLOC_UINT32(name, CprFd, 0, NULL, namelen),
        VMSTATE_INT32(id, CprFd),
        VMSTATE_FD(fd, CprFd),
        VMSTATE_END_OF_LIST()
    },
};

/* QEMU's VMSTATE_QLIST encoding: byte 1 before each entry, byte 0 after. */
static int put_cpr_fds(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, JSONWriter *vmdesc)
{
    GSList **list = pv;

    for (GSList *l = *list; l; l = l->next) {
        int ret;

        qemu_put_byte(f, 1);
        ret = vmstate_save_state(f, &vmstate_cpr_fd, l->data, NULL);
        if (ret < 0) {
            return ret;
        }
    }
    qemu_put_byte(f, 0);
    return qemu_file_get_error(f);
}

static int get_cpr_fds(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field)
{
    GSList **list = pv;
    GSList *got = NULL;
    int more;

    while ((more = qemu_get_byte(f)) == 1) {
        CprFd *e = g_new0(CprFd, 1);
        int ret = vmstate_load_state(f, &vmstate_cpr_fd, e, 1);

        if (ret < 0 || !e->name || e->namelen == 0 ||
            e->name[e->namelen - 1] != '\0') {
            if (ret >= 0 && e->fd >= 0) {
                close(e->fd);
            }
            cpr_fd_free(e);
            g_slist_free_full(got, cpr_fd_free);
            return ret < 0 ? ret : -EINVAL;
        }
        e->loaded = true;
        got = g_slist_prepend(got, e);
    }
    if (more != 0 || qemu_file_get_error(f)) {
        g_slist_free_full(got, cpr_fd_free);
        return qemu_file_get_error(f) ?: -EINVAL;
    }
    *list = g_slist_reverse(got);       /* the sender's order */
    return 0;
}

static const VMStateInfo vmstate_info_cpr_fds = {
    .name = "cpr fd list",
    .get = get_cpr_fds,
    .put = put_cpr_fds,
};

static const VMStateDescription vmstate_cpr_state = {
    .name = "CprState",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_SINGLE(fds, CprState, 1, vmstate_info_cpr_fds, GSList *),
        VMSTATE_END_OF_LIST()
    },
};

int cpr_state_save(QEMUFile *f, Error **errp)
{
    int ret;

    qemu_put_be32(f, QEMU_CPR_FILE_MAGIC);
    qemu_put_be32(f, QEMU_CPR_FILE_VERSION);
    ret = vmstate_save_state_with_err(f, &vmstate_cpr_state, &cpr_state,
                                      NULL, errp);
    if (ret >= 0) {
        ret = qemu_fflush(f);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "cannot send the CPR state");
        }
    }
    return ret < 0 ? ret : 0;
}

void cpr_add_save_hook(CprSaveHook hook)
{
    if (!cpr_save_hooks) {
        cpr_save_hooks = g_ptr_array_new();
    }
    if (!g_ptr_array_find(cpr_save_hooks, hook, NULL)) {
        g_ptr_array_add(cpr_save_hooks, hook);
    }
}

/* The list as it was before the hooks ran (their entries come first). */
static GSList *cpr_lasting;
static bool cpr_hooks_ran;

void cpr_run_save_hooks(MigMode mode)
{
    cpr_drop_hook_entries();
    cpr_lasting = cpr_state.fds;
    cpr_hooks_ran = true;
    for (guint i = 0; cpr_save_hooks && i < cpr_save_hooks->len; i++) {
        ((CprSaveHook)g_ptr_array_index(cpr_save_hooks, i))(mode);
    }
}

void cpr_drop_hook_entries(void)
{
    if (!cpr_hooks_ran) {
        return;
    }
    while (cpr_state.fds != cpr_lasting) {
        CprFd *e = cpr_state.fds->data;

        cpr_state.fds = g_slist_delete_link(cpr_state.fds, cpr_state.fds);
        cpr_fd_free(e);
    }
    cpr_lasting = NULL;
    cpr_hooks_ran = false;
}

int cpr_state_save_mode(QEMUFile *f, MigMode mode, Error **errp)
{
    int ret;

    cpr_run_save_hooks(mode);
    ret = cpr_state_save(f, errp);
    cpr_drop_hook_entries();
    return ret;
}

int cpr_state_load_mode(QEMUFile *f, MigMode mode, Error **errp)
{
    MigMode old = cpr_incoming_mode;
    int ret;

    cpr_incoming_mode = mode;
    ret = cpr_state_load(f, errp);
    if (ret < 0) {
        cpr_incoming_mode = old;
    }
    return ret;
}

int cpr_state_load(QEMUFile *f, Error **errp)
{
    CprState loaded = { NULL };
    uint32_t magic = qemu_get_be32(f);
    uint32_t version = qemu_get_be32(f);
    int ret;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "The CPR state ends before its header");
        return qemu_file_get_error(f);
    }
    if (magic != QEMU_CPR_FILE_MAGIC) {
        error_setg(errp, "Not a valid CPR state: magic 0x%08" PRIx32
                   " (expected 0x%08x)", magic, QEMU_CPR_FILE_MAGIC);
        return -EINVAL;
    }
    if (version != QEMU_CPR_FILE_VERSION) {
        error_setg(errp, "Unsupported CPR state version %" PRIu32, version);
        return -ENOTSUP;
    }
    ret = vmstate_load_state_with_err(f, &vmstate_cpr_state, &loaded, 1,
                                      errp);
    if (ret < 0) {
        return ret;
    }
    cpr_state_clear();
    cpr_state.fds = loaded.fds;
    return 0;
}
