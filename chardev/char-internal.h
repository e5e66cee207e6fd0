/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private helpers shared by the chardev core and its backends.
 */
#ifndef CHARDEV_CHAR_INTERNAL_H
#define CHARDEV_CHAR_INTERNAL_H

#include "chardev/char.h"

/*
 * Backend lifecycle: instance memory is zeroed before open(); an open()
 * that fails releases whatever it took, and finalize() runs only for
 * chardevs whose open() succeeded.
 */

/* Chardev keys every backend accepts (besides its own opt_keys). */
extern const char *const chr_common_opt_keys[];

/*
 * The common part (logfile, logappend) of any backend description: every
 * ChardevBackend branch starts with the ChardevCommon members.
 */
static inline ChardevCommon *chr_backend_common(ChardevBackend *backend)
{
    return backend ? backend->u.null.data : NULL;
}

/* The CPR state name of a chardev's fds: "chardev/ID" (ids per backend). */
char *chr_cpr_name(Chardev *chr);

/* Call fn on each registered backend class, in registration order. */
void qemu_chr_foreach_class(void (*fn)(const ChardevClass *cls, void *opaque),
                            void *opaque);

/* Fill logfile/logappend from -chardev options. */
void qemu_chr_parse_common(QemuOpts *opts, ChardevCommon *common);

/* Typed option getters whose errors name the key. */
bool chr_opt_bool(QemuOpts *opts, const char *key, bool defval, bool *val,
                  Error **errp);
bool chr_opt_number(QemuOpts *opts, const char *key, uint64_t defval,
                    uint64_t *val, Error **errp);

/* The "frontend attached handlers" flag (query-chardev's frontend-open). */
bool qemu_chr_fe_is_open(Chardev *chr);

/* Remember the currently attached frontend's open state (char-fe.c). */
void qemu_chr_set_fe_open(Chardev *chr, bool open);

/* Schedule OPENED for a frontend that attached to an open chardev. */
void qemu_chr_schedule_opened(Chardev *chr);

/* Write to the logfile, if any (best effort). */
void qemu_chr_write_log(Chardev *chr, const uint8_t *buf, size_t len);

/*
 * A read watch that polls fd only while the frontend can take data
 * (qemu_chr_be_can_write() > 0), so a busy frontend is never flooded.
 * The callback gets the poll result; HUP/ERR are always reported.
 */
typedef gboolean ChrIOFunc(Chardev *chr, GIOCondition cond);
GSource *chr_io_watch_add(Chardev *chr, int fd, ChrIOFunc *func);
void chr_io_watch_remove(GSource **src);

/*
 * fd-based backends (stdio, file, pipe, pty): read from fd_in (if >= 0)
 * into the frontend, write to fd_out.
 */
typedef struct FDChardev {
    Chardev parent;
    int fd_in;
    int fd_out;
    GSource *watch;
} FDChardev;

/* Open a chardev's file or /dev/fdset/N: "Could not open '%s': <errno>" */
int chr_open_path(const char *path, int flags, Error **errp);
void chr_fd_init(FDChardev *s, int fd_in, int fd_out);
int chr_fd_write(Chardev *chr, const uint8_t *buf, int len);
void chr_fd_update_read_handler(Chardev *chr);
/* Stop reading and close both fds (each once). */
void chr_fd_finalize(Chardev *chr);
/* ChardevClass.cpr_save of file, pipe and pty: their fds, both modes. */
void chr_fd_cpr_save(Chardev *chr, MigMode mode);
/*
 * After CPR: the fds the old process's chardev of the same id had (its
 * input -1 when it had none or the same fd as output); false if none.
 */
bool chr_fd_cpr_take(Chardev *chr, int *fd_in, int *fd_out);
/*
 * ... and go on with them (the frontend hears RESUMED): the old file is
 * neither truncated nor reopened.  in_is_out: no separate input fd means
 * reading from the output fd (a pipe given as one path).
 */
bool chr_fd_cpr_resume(Chardev *chr, bool in_is_out, bool *be_opened);

#endif
