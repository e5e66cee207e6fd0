/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPR state: the named file descriptors a new emulator process takes over
 * from the old one (QEMU's include/migration/cpr.h).
 *
 * Each fd is saved under (name, id), for example a memory backend's id
 * and 0.  The list travels as "CPR state": be32 QEMU_CPR_FILE_MAGIC, be32
 * QEMU_CPR_FILE_VERSION, then the vmstate "CprState" v1 (a list of "cpr
 * fd" entries: namelen, name with its NUL, id, and the fd itself, passed
 * with SCM_RIGHTS over a unix socket).  On the new side the same names
 * find the new fd numbers.  Main thread.
 */
#ifndef MIGRATION_CPR_H
#define MIGRATION_CPR_H

#include <stdbool.h>
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"

#define QEMU_CPR_FILE_MAGIC     0x51435052      /* "QCPR" */
#define QEMU_CPR_FILE_VERSION   0x00000001

/* Remember fd under (name, id); the newest entry comes first. */
void cpr_save_fd(const char *name, int id, int fd);
/* Forget (name, id); the fd itself stays open. */
void cpr_delete_fd(const char *name, int id);
/* The fd saved under (name, id), or -1. */
int cpr_find_fd(const char *name, int id);
/* Save unless present; present with another fd is a programming error. */
void cpr_resave_fd(const char *name, int id, int fd);
/* The saved fd, else qemu_open(path, flags) and save it; -1 with errp. */
int cpr_open_fd(const char *path, int flags, const char *name, int id,
                Error **errp);
/* The id of the newest entry called name, or -1. */
int cpr_find_id(const char *name);
/*
 * Remove every entry whose name starts with prefix and hand each to cb,
 * oldest first, as (the rest of the name, id, fd): the fd is cb's now.
 */
typedef void (*CprTakeCb)(const char *rest, int id, int fd, void *opaque);
void cpr_take_prefixed(const char *prefix, CprTakeCb cb, void *opaque);
/*
 * Call cb on every saved fd until it returns false; false if one did.
 * Entries without an fd (-1: cpr-exec records that carry only their id)
 * are skipped.
 */
typedef bool (*cpr_walk_fd_cb)(int fd);
bool cpr_walk_fd(cpr_walk_fd_cb cb);
/*
 * When the incoming migration is over: close the fds of the loaded
 * entries nothing looked up (cpr_find_fd, cpr_find_id, cpr_take_prefixed),
 * with a warning naming each, so a backend or chardev the new command
 * line dropped does not keep its memfd or socket alive.
 */
void cpr_close_untaken(void);
/* Forget every entry (they are not closed). */
void cpr_state_clear(void);

/*
 * A device parameter naming an fd (a number, or a getfd name; fdname) for
 * a device called name, fd index index.  In a process that took over CPR
 * state the fd is the one saved under (name, index): the number the user
 * gave was the old process's and changed when it crossed SCM_RIGHTS, and a
 * getfd'd fd cannot be passed again.  Otherwise it is resolved through
 * the monitor (monitor_fd_param) and saved under (name, index) for a
 * later CPR.  The fd, or -1 with errp.
 */
int cpr_get_fd_param(const char *name, const char *fdname, int index,
                     Error **errp);

/*
 * Old process: a cpr-transfer completed, the fds in CPR state now serve
 * the new process (a socket's path must outlive us, for instance).
 */
void cpr_set_handed_over(void);
bool cpr_handed_over(void);

/* Set when CPR state was loaded: the mode it came with. */
void cpr_set_incoming_mode(MigMode mode);
MigMode cpr_get_incoming_mode(void);
bool cpr_is_incoming(void);

/*
 * Write the CPR state to f (magic, version, CprState), fds by SCM_RIGHTS:
 * f must be a unix-socket QEMUFile.  Flushes.  0 or -errno with errp.
 */
int cpr_state_save(QEMUFile *f, Error **errp);
/*
 * State that lives elsewhere (fd sets, the monitors' named fds, clients
 * connected across cpr-exec) joins the CPR state only while it is
 * written: a save hook adds its entries with cpr_save_fd (an fd of -1 is
 * allowed in cpr-exec, whose fds travel as numbers), and they are
 * dropped again once the state is written, sent or not.  Main thread.
 */
typedef void (*CprSaveHook)(MigMode mode);
void cpr_add_save_hook(CprSaveHook hook);
/* cpr_state_save with the hooks' entries, for mode. */
int cpr_state_save_mode(QEMUFile *f, MigMode mode, Error **errp);
/* The two halves, for cpr-exec, whose fds must outlive the save. */
void cpr_run_save_hooks(MigMode mode);
void cpr_drop_hook_entries(void);
/* Read it back, replacing the list: names find the fds received. */
int cpr_state_load(QEMUFile *f, Error **errp);
/* ... as the incoming state of mode (cpr-transfer or cpr-exec), which
 * is set before the load: cpr-exec's fds travel as numbers. */
int cpr_state_load_mode(QEMUFile *f, MigMode mode, Error **errp);

#endif
