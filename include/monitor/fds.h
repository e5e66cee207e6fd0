/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptors handed to Ferry: named fds (getfd/closefd, per
 * monitor) and fd sets (add-fd/remove-fd/query-fdsets, -add-fd, global),
 * and the one place that resolves an fd parameter for any consumer.
 *
 * Semantics follow current QEMU (monitor/fds.c): sets are sorted by id;
 * a new fd goes to the head of its set; remove-fd closes at once; a set
 * is freed when it has neither fds nor dups; no refcounting.
 */
#ifndef MONITOR_FDS_H
#define MONITOR_FDS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

typedef struct Monitor Monitor;

/* ---- named fds (the store lives in each Monitor) ---- */
typedef struct MonFdStore MonFdStore;
MonFdStore *mon_fd_store_new(void);
void mon_fd_store_free(MonFdStore *store);   /* closes every fd */
/* Takes ownership of fd.  A name starting with a digit is refused (fd
 * closed).  An existing name's old fd is closed and replaced. */
bool mon_fd_store_add(MonFdStore *store, const char *name, int fd,
                      Error **errp);
/* "File descriptor named '%s' not found" */
bool mon_fd_store_close(MonFdStore *store, const char *name, Error **errp);
/* Remove and hand ownership to the caller; -1 and
 * "File descriptor named '%s' has not been found". */
int mon_fd_store_take(MonFdStore *store, const char *name, Error **errp);
unsigned mon_fd_store_count(MonFdStore *store);
typedef void MonFdIterFunc(const char *name, int fd, void *opaque);
void mon_fd_store_foreach(MonFdStore *store, MonFdIterFunc *fn,
                          void *opaque);

/* Named fd of a monitor (ownership to caller). */
int monitor_get_fd(Monitor *mon, const char *fdname, Error **errp);
/*
 * Resolve an fd parameter: a decimal number is used as is (command line,
 * or a monitor-less context); a name is taken from mon's named fds.
 * This is the single helper every fd consumer calls; CPR will extend it.
 */
int monitor_fd_param(Monitor *mon, const char *fdname, Error **errp);

/* ---- fd sets (global) ---- */
/*
 * One fd of a set, as the iterator shows it.  (Not named FdsetFdInfo: that
 * is the QAPI type from qapi/misc.json, which qapi-types-misc.h defines.)
 */
typedef struct MonFdsetFdInfo {
    int fd;
    const char *opaque;      /* may be NULL */
} MonFdsetFdInfo;

/* Add fd (ownership taken) to set fdset_id (has_fdset_id false = lowest
 * free id).  Returns the set id, or -1. */
int64_t monitor_fdset_add_fd(int fd, bool has_fdset_id, int64_t fdset_id,
                             const char *opaque, Error **errp);
/* Close fd (or every fd, when !has_fd) of the set. */
bool monitor_fdset_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd,
                             Error **errp);
/* Walk sets in id order; for each set, fds in list order. */
typedef void FdsetIterFunc(int64_t fdset_id, const MonFdsetFdInfo *fds,
                           unsigned nfds, void *opaque);
void monitor_fdsets_foreach(FdsetIterFunc *fn, void *opaque);
/* Free empty sets (called when a monitor disconnects). */
void monitor_fdsets_cleanup(void);

/*
 * Open a path; "/dev/fdset/N" dups the fd of set N whose access mode
 * matches flags (recorded as a dup in the set).  Returns fd or -1 with
 * *errp naming the path.  Close what it returns with qemu_close().
 */
int qemu_open(const char *path, int flags, Error **errp);
/* As qemu_open with O_CREAT and mode. */
int qemu_create(const char *path, int flags, mode_t mode, Error **errp);
int qemu_close(int fd);

/*
 * A process that took over CPR state: the fd sets the old process had,
 * back with their fds and opaque strings (monitor-cpr.c).  Before -add-fd.
 */
void monitor_fdsets_cpr_restore(void);
bool monitor_fdset_cpr_restored(int64_t set);
/* The save hook that puts the sets (and monitors' named fds) in CPR state. */
void monitor_cpr_init(void);

/* -add-fd fd=N,set=S[,opaque=str]: validated, dup'd CLOEXEC, original
 * closed by fdset_cleanup_cmdline() once options are processed.  After
 * CPR, a set that came in CPR state stands for the option: fd=N was the
 * old process's number and is neither checked nor touched. */
bool fdset_add_cmdline(const char *optarg, Error **errp);
void fdset_cleanup_cmdline(void);

#endif
