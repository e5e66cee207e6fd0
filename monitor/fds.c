/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Named fds (getfd), fd sets (add-fd, -add-fd, /dev/fdset/N) and qemu_open. */
#include "qemu/osdep.h"
#include "monitor/fds.h"
#include "monitor/monitor.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "migration/cpr.h"

/* ---- named fds ---- */

typedef struct MonNamedFd {
    char *name;
    int fd;
} MonNamedFd;

struct MonFdStore {
    GList *fds;            /* MonNamedFd *, newest first */
};

MonFdStore *mon_fd_store_new(void)
{
    return g_new0(MonFdStore, 1);
}

static void mon_named_fd_free(MonNamedFd *nf)
{
    g_free(nf->name);
    g_free(nf);
}

void mon_fd_store_free(MonFdStore *store)
{
    GList *l;

    if (!store) {
        return;
    }
    for (l = store->fds; l; l = l->next) {
        MonNamedFd *nf = l->data;

        close(nf->fd);
        mon_named_fd_free(nf);
    }
    g_list_free(store->fds);
    g_free(store);
}

static GList *mon_fd_store_find(MonFdStore *store, const char *name)
{
    GList *l;

    for (l = store->fds; l; l = l->next) {
        if (!strcmp(((MonNamedFd *)l->data)->name, name)) {
            return l;
        }
    }
    return NULL;
}

bool mon_fd_store_add(MonFdStore *store, const char *name, int fd,
                      Error **errp)
{
    GList *l;
    MonNamedFd *nf;

    if (g_ascii_isdigit(name[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return false;
    }
    l = mon_fd_store_find(store, name);
    if (l) {
        nf = l->data;
        close(nf->fd);
        nf->fd = fd;
        return true;
    }
    nf = g_new0(MonNamedFd, 1);
    nf->name = g_strdup(name);
    nf->fd = fd;
    store->fds = g_list_prepend(store->fds, nf);
    return true;
}

bool mon_fd_store_close(MonFdStore *store, const char *name, Error **errp)
{
    GList *l = store ? mon_fd_store_find(store, name) : NULL;
    MonNamedFd *nf;

    if (!l) {
        error_setg(errp, "File descriptor named '%s' not found", name);
        return false;
    }
    nf = l->data;
    store->fds = g_list_delete_link(store->fds, l);
    close(nf->fd);
    mon_named_fd_free(nf);
    return true;
}

int mon_fd_store_take(MonFdStore *store, const char *name, Error **errp)
{
    GList *l = store ? mon_fd_store_find(store, name) : NULL;
    MonNamedFd *nf;
    int fd;

    if (!l) {
        error_setg(errp, "File descriptor named '%s' has not been found",
                   name);
        return -1;
    }
    nf = l->data;
    fd = nf->fd;
    store->fds = g_list_delete_link(store->fds, l);
    mon_named_fd_free(nf);
    return fd;
}

void mon_fd_store_foreach(MonFdStore *store, MonFdIterFunc *fn,
                          void *opaque)
{
    for (GList *l = store ? store->fds : NULL; l; l = l->next) {
        MonNamedFd *nf = l->data;

        fn(nf->name, nf->fd, opaque);
    }
}

unsigned mon_fd_store_count(MonFdStore *store)
{
    return store ? g_list_length(store->fds) : 0;
}

int monitor_get_fd(Monitor *mon, const char *fdname, Error **errp)
{
    return mon_fd_store_take(mon ? monitor_fd_store(mon) : NULL, fdname,
                             errp);
}

int monitor_fd_param(Monitor *mon, const char *fdname, Error **errp)
{
    int fd;

    if (mon && !g_ascii_isdigit(fdname[0])) {
        return monitor_get_fd(mon, fdname, errp);
    }
    fd = qemu_parse_fd(fdname);
    if (fd < 0) {
        error_setg(errp, "Invalid file descriptor number '%s'", fdname);
    }
    return fd;
}

/* ---- fd sets ---- */

typedef struct MonFdsetFd {
    int fd;
    char *opaque;
} MonFdsetFd;

typedef struct MonFdset {
    int64_t id;
    GList *fds;            /* MonFdsetFd *, newest first */
    GList *dup_fds;        /* GINT_TO_POINTER(fd) handed out by qemu_open */
} MonFdset;

/*
 * All fd sets, sorted by id.  Shared by every monitor; guarded by
 * fdsets_lock because qemu_open()/qemu_close() may run off the main thread.
 */
static GList *fdsets;
static GMutex fdsets_lock;

static MonFdset *fdset_find(int64_t id)
{
    GList *l;

    for (l = fdsets; l; l = l->next) {
        MonFdset *s = l->data;

        if (s->id == id) {
            return s;
        }
    }
    return NULL;
}

static void fdset_fd_free(MonFdsetFd *f)
{
    close(f->fd);
    g_free(f->opaque);
    g_free(f);
}

/* Free the set if it holds neither fds nor dups. */
static void fdset_free_if_empty(MonFdset *s)
{
    if (!s->fds && !s->dup_fds) {
        fdsets = g_list_remove(fdsets, s);
        g_free(s);
    }
}

static gint fdset_cmp(gconstpointer a, gconstpointer b)
{
    int64_t x = ((const MonFdset *)a)->id, y = ((const MonFdset *)b)->id;

    return x < y ? -1 : x > y;
}

int64_t monitor_fdset_add_fd(int fd, bool has_fdset_id, int64_t fdset_id,
                             const char *opaque, Error **errp)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
    MonFdset *s = NULL;
    MonFdsetFd *f;

    if (has_fdset_id) {
        if (fdset_id < 0) {
            close(fd);
            error_setg(errp, "Parameter 'fdset-id' expects a non-negative "
                       "value");
            return -1;
        }
        s = fdset_find(fdset_id);
    } else {
        /* lowest id not in use */
        GList *l;

        fdset_id = 0;
        for (l = fdsets; l; l = l->next) {
            if (((MonFdset *)l->data)->id != fdset_id) {
                break;
            }
            fdset_id++;
        }
    }
    if (!s) {
        monitor_cpr_init();     /* sets travel in CPR state */
        s = g_new0(MonFdset, 1);
        s->id = fdset_id;
        fdsets = g_list_insert_sorted(fdsets, s, fdset_cmp);
    }
    f = g_new0(MonFdsetFd, 1);
    f->fd = fd;
    f->opaque = g_strdup(opaque);
    s->fds = g_list_prepend(s->fds, f);
    return s->id;
}

bool monitor_fdset_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd,
                             Error **errp)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
    MonFdset *s = fdset_find(fdset_id);
    GList *l, *next;
    bool found = false;

    if (s) {
        for (l = s->fds; l; l = next) {
            MonFdsetFd *f = l->data;

            next = l->next;
            if (has_fd && f->fd != fd) {
                continue;
            }
            s->fds = g_list_delete_link(s->fds, l);
            fdset_fd_free(f);
            found = true;
            if (has_fd) {
                break;
            }
        }
        if (found || !has_fd) {
            fdset_free_if_empty(s);
            return true;
        }
    }
    if (has_fd) {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   ", fd:%" PRId64 "' not found", fdset_id, fd);
    } else {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   "' not found", fdset_id);
    }
    return false;
}

void monitor_fdsets_foreach(FdsetIterFunc *fn, void *opaque)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
    GList *l, *m;

    for (l = fdsets; l; l = l->next) {
        MonFdset *s = l->data;
        g_autofree MonFdsetFdInfo *infos = NULL;
        unsigned n = 0;

        infos = g_new0(MonFdsetFdInfo, g_list_length(s->fds) + 1);
        for (m = s->fds; m; m = m->next) {
            MonFdsetFd *f = m->data;

            infos[n].fd = f->fd;
            infos[n].opaque = f->opaque;
            n++;
        }
        fn(s->id, infos, n, opaque);
    }
}

void monitor_fdsets_cleanup(void)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
    GList *l = fdsets;

    while (l) {
        GList *next = l->next;

        fdset_free_if_empty(l->data);
        l = next;
    }
}

/*
 * Duplicate fd for an open() with flags: CLOEXEC, the same O_SYNC, the
 * status flags set with F_SETFL, truncated when open() would truncate.
 */
static int dup_with_flags(int fd, int flags)
{
    int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    int cur, saved;

    if (nfd < 0) {
        return -1;
    }
    cur = fcntl(nfd, F_GETFL);
    if (cur < 0) {
        goto fail;
    }
    if ((flags & O_SYNC) != (cur & O_SYNC)) {
        errno = EINVAL;
        goto fail;
    }
    if (fcntl(nfd, F_SETFL, flags) < 0) {
        goto fail;
    }
    if ((flags & O_TRUNC) ||
        (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
        if (ftruncate(nfd, 0) < 0) {
            goto fail;
        }
    }
    return nfd;

fail:
    saved = errno;
    close(nfd);
    errno = saved;
    return -1;
}

static int fdset_dup_fd_add(int64_t fdset_id, int flags, Error **errp)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
    MonFdset *s = fdset_find(fdset_id);
    int mask = O_ACCMODE | O_DIRECT;
    int fd = -1, dup_fd;
    GList *l;

    if (!s) {
        error_setg(errp, "Failed to find fdset /dev/fdset/%" PRId64,
                   fdset_id);
        errno = ENOENT;
        return -1;
    }
    for (l = s->fds; l; l = l->next) {
        MonFdsetFd *f = l->data;
        int fl = fcntl(f->fd, F_GETFL);

        if (fl < 0) {
            error_setg(errp, "Failed to read file status flags for fd=%d",
                       f->fd);
            return -1;
        }
        if ((fl & mask) == (flags & mask)) {
            fd = f->fd;
            break;
        }
    }
    if (fd < 0) {
        error_setg(errp, "Failed to find file descriptor with matching "
                   "flags=0x%x", flags);
        errno = EACCES;
        return -1;
    }
    dup_fd = dup_with_flags(fd, flags);
    if (dup_fd < 0) {
        int saved = errno;

        error_setg(errp, "Failed to dup() given file descriptor fd=%d", fd);
        errno = saved;
        return -1;
    }
    s->dup_fds = g_list_prepend(s->dup_fds, GINT_TO_POINTER(dup_fd));
    return dup_fd;
}

static int open_internal(const char *path, int flags, mode_t mode,
                         Error **errp)
{
    const char *action = (flags & O_CREAT) ? "create" : "open";
    int fd;

    if (g_str_has_prefix(path, "/dev/fdset/")) {
        int64_t id;

        if (qemu_strtoi64(path + strlen("/dev/fdset/"), NULL, 10, &id) < 0 ||
            id < 0) {
            error_setg(errp, "Could not parse fdset %s", path);
            errno = EINVAL;
            return -1;
        }
        return fdset_dup_fd_add(id, flags, errp);
    }
    do {
        fd = open(path, flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int saved = errno;

        if (saved == EINVAL && (flags & O_DIRECT)) {
            int probe = open(path, (flags & ~O_DIRECT) | O_CLOEXEC, mode);

            if (probe >= 0) {
                close(probe);
                error_setg(errp, "Could not %s '%s': filesystem does not "
                           "support O_DIRECT", action, path);
                errno = EINVAL;
                return -1;
            }
        }
        error_setg_errno(errp, saved, "Could not %s '%s'", action, path);
        errno = saved;
    }
    return fd;
}

int qemu_open(const char *path, int flags, Error **errp)
{
    return open_internal(path, flags, (flags & O_CREAT) ? 0600 : 0, errp);
}

int qemu_create(const char *path, int flags, mode_t mode, Error **errp)
{
    return open_internal(path, flags | O_CREAT, mode, errp);
}

int qemu_close(int fd)
{
    {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&fdsets_lock);
        GList *l;

        for (l = fdsets; l; l = l->next) {
            MonFdset *s = l->data;
            GList *d = g_list_find(s->dup_fds, GINT_TO_POINTER(fd));

            if (d) {
                s->dup_fds = g_list_delete_link(s->dup_fds, d);
                fdset_free_if_empty(s);
                break;
            }
        }
    }
    return close(fd);
}

/* ---- -add-fd ---- */

static QemuOptsList add_fd_opts = {
    .name = "add-fd",
    .desc = {
        {
            .name = "fd",
            .type = QEMU_OPT_NUMBER,
            .help = "file descriptor of which a duplicate is added to fd set",
        }, {
            .name = "set",
            .type = QEMU_OPT_NUMBER,
            .help = "ID of the fd set to add fd to",
        }, {
            .name = "opaque",
            .type = QEMU_OPT_STRING,
            .help = "free-form string used to describe fd",
        },
        { /* end of list */ }
    },
};

/* Originals named by -add-fd, closed once options are processed. */
static GArray *cmdline_fds;

static void cmdline_fd_close_later(int fd)
{
    if (!cmdline_fds) {
        cmdline_fds = g_array_new(false, false, sizeof(int));
    }
    g_array_append_val(cmdline_fds, fd);
}

bool fdset_add_cmdline(const char *optarg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(&add_fd_opts, optarg, false, errp);
    int64_t set;
    int fd, dupfd, fl;
    char *opaque;

    if (!opts) {
        return false;
    }
    fd = (int)qemu_opt_get_number(opts, "fd", (uint64_t)-1);
    set = (int64_t)qemu_opt_get_number(opts, "set", (uint64_t)-1);
    opaque = g_strdup(qemu_opt_get(opts, "opaque"));
    qemu_opts_del(opts);

    if (set >= 0 && cpr_is_incoming() && monitor_fdset_cpr_restored(set)) {
        /*
         * The set came in CPR state.  After cpr-exec fd was the old
         * image's number: leave it alone.  After cpr-transfer it is ours,
         * passed again: closed like any original.
         */
        g_free(opaque);
        fl = fd > STDERR_FILENO ? fcntl(fd, F_GETFD) : -1;
        if (cpr_get_incoming_mode() == MIG_MODE_CPR_TRANSFER && fl != -1 &&
            !(fl & FD_CLOEXEC)) {
            cmdline_fd_close_later(fd);
        }
        return true;
    }
    if (fd < 0) {
        error_setg(errp, "fd option is required and must be non-negative");
        goto fail;
    }
    if (fd <= STDERR_FILENO) {
        error_setg(errp, "fd cannot be a standard I/O stream");
        goto fail;
    }
    /* inherited fds have FD_CLOEXEC clear; Ferry's own fds have it set */
    fl = fcntl(fd, F_GETFD);
    if (fl == -1 || (fl & FD_CLOEXEC)) {
        error_setg(errp, "fd is not valid or already in use");
        goto fail;
    }
    if (set < 0) {
        error_setg(errp, "set option is required and must be non-negative");
        goto fail;
    }

    dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dupfd < 0) {
        error_setg(errp, "error duplicating fd: %s", strerror(errno));
        goto fail;
    }
    if (monitor_fdset_add_fd(dupfd, true, set, opaque, errp) < 0) {
        goto fail;
    }
    cmdline_fd_close_later(fd);
    g_free(opaque);
    return true;

fail:
    g_free(opaque);
    return false;
}

void fdset_cleanup_cmdline(void)
{
    guint i, j;

    if (!cmdline_fds) {
        return;
    }
    for (i = 0; i < cmdline_fds->len; i++) {
        int fd = g_array_index(cmdline_fds, int, i);
        bool seen = false;

        for (j = 0; j < i; j++) {
            seen |= g_array_index(cmdline_fds, int, j) == fd;
        }
        if (!seen) {
            close(fd);
        }
    }
    g_array_free(cmdline_fds, true);
    cmdline_fds = NULL;
}
