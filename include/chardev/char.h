/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: a backend (socket, stdio, file, pty, ...) that a
 * frontend (a monitor, later a UART) attaches to by id.
 *
 * Everything here runs in the main thread's GLib main context.  A backend
 * delivers bytes to its frontend through CharBackend handlers and reports
 * CHR_EVENT_OPENED/CLOSED as peers come and go (for sockets, one event per
 * client connection; for always-open backends, OPENED once the frontend
 * attaches).
 *
 * Ownership: chardevs are owned by the registry (qemu_chr_find() borrows);
 * chardev-remove / qemu_chr_delete() free them.  A chardev with a frontend
 * attached cannot be removed.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "qemu/option.h"
#include "qapi/qapi-types-char.h"
#include "qapi/qapi-types-migration.h"

typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,
    CHR_EVENT_OPENED,
    CHR_EVENT_MUX_IN,
    CHR_EVENT_MUX_OUT,
    CHR_EVENT_CLOSED,
    /*
     * Ferry's own: the peer was connected before cpr-exec and still is.
     * Sent instead of OPENED: the session goes on (no greeting).
     */
    CHR_EVENT_RESUMED,
} QEMUChrEvent;

/* How many bytes the frontend can take now (0 = stop reading for a while). */
typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);

typedef struct Chardev Chardev;
typedef struct ChardevClass ChardevClass;

/* The frontend's end: embedded in the frontend (monitor, serial, ...). */
typedef struct CharBackend {
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
} CharBackend;

struct Chardev {
    const ChardevClass *cls;
    char *label;            /* the id */
    char *filename;         /* query-chardev's "filename", e.g. "unix:/p,server=on" */
    CharBackend *be;        /* attached frontend, or NULL */
    bool be_open;           /* a peer is connected (frontend sees OPENED) */
    /* backend private data follows (cls->instance_size) */
};

struct ChardevClass {
    const char *name;               /* QAPI ChardevBackendKind name: "socket" */
    size_t instance_size;           /* >= sizeof(Chardev) */
    /* -chardev keys this backend accepts beyond id/backend (NULL-terminated) */
    const char *const *opt_keys;
    /* -chardev options to QAPI backend description; errors name the key */
    void (*parse)(QemuOpts *opts, ChardevBackend *backend, Error **errp);
    /* open the backend; set *be_opened = false if no peer is there yet */
    bool (*open)(Chardev *chr, ChardevBackend *backend, bool *be_opened,
                 Error **errp);
    /* write what fits; returns bytes written or -1 with errno */
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    /* hand out fds received with SCM_RIGHTS (ownership to caller) */
    int (*get_msgfds)(Chardev *chr, int *fds, int num);
    /* queue fds to send with the next write */
    int (*set_msgfds)(Chardev *chr, int *fds, int num);
    /* the frontend's can_read may have changed: re-arm reading */
    void (*update_read_handler)(Chardev *chr);
    /* drop the current peer (socket servers go back to listening) */
    void (*disconnect)(Chardev *chr);
    /*
     * CPR is writing its state (migration/cpr.h): save the fds a new
     * process or image takes over, under chr_cpr_name(chr).  May be NULL.
     */
    void (*cpr_save)(Chardev *chr, MigMode mode);
    void (*finalize)(Chardev *chr);
};

/* Backend registry (each backend file registers its class at start-up). */
void qemu_chr_register_class(const ChardevClass *cls);
const ChardevClass *qemu_chr_find_class(const char *name);
/* Call each backend's registration; idempotent. */
void qemu_chr_init_backends(void);

/* Create from -chardev options (id required).  Errors name the bad key. */
Chardev *qemu_chr_new_from_opts(QemuOpts *opts, Error **errp);
/*
 * Create from a legacy/shorthand string ("stdio", "unix:/p,server=on",
 * "tcp:h:p", "file:p", "pty", "null", "chardev:ID" returns ID's chardev).
 */
Chardev *qemu_chr_new(const char *label, const char *spec, Error **errp);
/* Convert a shorthand to -chardev options (qemu_chr_parse_compat). */
QemuOpts *qemu_chr_parse_compat(const char *label, const char *spec,
                                Error **errp);
/* Create from a QAPI description (chardev-add). Backend not consumed. */
Chardev *qemu_chardev_new(const char *id, ChardevBackend *backend,
                          Error **errp);
Chardev *qemu_chr_find(const char *label);
/* Remove: fails if a frontend is attached. */
bool qemu_chr_delete(const char *label, Error **errp);
/* Close and free every chardev (at exit). */
void qemu_chr_cleanup(void);
/* Iterate in creation order. */
typedef void ChardevIterFunc(Chardev *chr, void *opaque);
void qemu_chr_foreach(ChardevIterFunc *fn, void *opaque);

QemuOptsList *qemu_chardev_opts(void);

/* Backend-side helpers (called by backend implementations). */
/* Peer connected / disconnected: updates be_open and tells the frontend. */
void qemu_chr_be_event(Chardev *s, QEMUChrEvent event);
int qemu_chr_be_can_write(Chardev *s);
void qemu_chr_be_write(Chardev *s, const uint8_t *buf, int len);

/* Frontend API. */
bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp);
/* Handlers may be NULL; if the chardev is already open, OPENED is sent
 * from the main loop soon after (never re-entrantly). */
void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque);
void qemu_chr_fe_deinit(CharBackend *b, bool del);
/*
 * Write what the peer takes now, without waiting: bytes written, or -1
 * with errno EAGAIN (try again later) or another errno (no peer: the
 * bytes are lost, as on a real line).  For device models, which must not
 * block a vCPU thread (with the BQL held) on a slow reader.
 */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);
/* Write it all (waits for a slow peer); returns len, or -1 if disconnected. */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);
int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num);
/* One received fd (ownership to caller), or -1 if none queued. */
int qemu_chr_fe_get_msgfd(CharBackend *be);
int qemu_chr_fe_set_msgfds(CharBackend *be, int *fds, int num);
void qemu_chr_fe_accept_input(CharBackend *be);
void qemu_chr_fe_disconnect(CharBackend *be);
Chardev *qemu_chr_fe_get_driver(CharBackend *be);
bool qemu_chr_fe_backend_connected(CharBackend *be);

#endif
