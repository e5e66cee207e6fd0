/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration core, private to migration/: the outgoing and incoming state,
 * the state machine, rate limiting, channels.
 *
 * Threads: commands run in the main thread; the outgoing stream is written
 * by the "live_migration" thread, the incoming one read by the
 * "mig/dst/main" thread.  status is changed with atomic compare-and-swap
 * (migrate_set_state); error under error_mutex; everything else is owned
 * by whoever created it (main thread before the thread starts, the thread
 * while it runs, the main thread again after join).
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"
#include "qapi/qapi-types-run-state.h"
#include "migration/misc.h"
#include "migration/qemu-file.h"

/* Rate-limit window of the outgoing thread, as QEMU's BUFFER_DELAY. */
#define MIGRATION_BUFFER_DELAY_MS 100
/* max-bandwidth default: 128 MiB/s (QEMU's MAX_THROTTLE). */
#define MIGRATION_MAX_THROTTLE (128ULL << 20)

typedef struct MigrationState {
    int status;                        /* MigrationStatus, atomic */
    QEMUFile *to_dst_file;
    /* Where the main channel goes (a copy); multifd may connect more. */
    MigrationAddress *addr;
    MigrationAddress *cpr_addr;        /* cpr-transfer: the cpr channel */
    int cpr_fd;                        /* its socket while in use, or -1 */
    GThread *thread;
    bool thread_created;

    /* Capabilities and parameters (options.c); every has_* is set. */
    bool capabilities[MIGRATION_CAPABILITY__MAX];
    MigrationParameters parameters;
    bool only_migratable;
    /* QEMU's MigrationState properties, fixed on here. */
    bool store_global_state;
    bool send_configuration;
    bool send_section_footer;
    bool send_switchover_start;

    /* Times in ms (g_get_monotonic_time based) */
    int64_t start_time;
    int64_t setup_time;
    int64_t total_time;
    int64_t downtime;
    int64_t downtime_start;
    int64_t expected_downtime;
    double mbps;
    uint64_t pages_per_second;
    uint64_t threshold_size;           /* bytes we may send while stopped */
    uint64_t last_exact_pending;       /* at the previous exact sync */
    bool stopped_before_setup;         /* CPR modes: VM stopped by migrate */
    int64_t iteration_start_time;
    uint64_t iteration_initial_bytes;
    uint64_t iteration_initial_pages;

    /* Rate limiting (bytes per MIGRATION_BUFFER_DELAY_MS window) */
    uint64_t rate_limit_max;           /* 0 = unlimited */
    uint64_t rate_limit_start_bytes;
    uint64_t rate_limit_extra;         /* bytes sent outside to_dst_file */

    /* vm state before switchover, to restore on failure */
    bool vm_was_running;
    RunState vm_old_state;

    GMutex error_mutex;
    Error *error;

    /* pause-before-switchover: migrate-continue / cancel wake the thread */
    GMutex pause_lock;
    GCond pause_cond;
    bool pause_released;

    /* fd of a main-channel HUP or similar, closed on cancel (unused) */
    bool migration_thread_running;
} MigrationState;

typedef struct MigrationIncomingState {
    int status;                        /* MigrationStatus, atomic */
    QEMUFile *from_src_file;
    GThread *thread;
    bool exit_on_error;
    bool started;                      /* migrate-incoming done once */
    /* Listening channel (socket URIs) */
    int listen_fd;
    guint listen_watch;
    SocketAddressList *socket_address;
    GMutex error_mutex;
    Error *error;
    /* The received "globalstate" runstate (global-state.c) */
    bool have_global_state;
} MigrationIncomingState;

/*
 * The one outgoing MigrationState and incoming state of this process.
 * Created by migration_object_init(); a process migrates at most one way
 * at a time.  Everything in migration/ reaches them through these two
 * accessors; the thread-safety rules are in the comment above.
 */
MigrationState *migrate_get_current(void);
MigrationIncomingState *migration_incoming_get_current(void);
/* Bytes sent so far on every channel of s (main stream and multifd). */
uint64_t migration_transferred_bytes(MigrationState *s);
/* The clock the migration measures its times with (ms). */
int64_t migration_now_ms(void);

/* Move s from old_state to new_state if it is still in old_state;
 * emits MIGRATION (with the events capability).  Any thread. */
void migrate_set_state(int *state, int old_state, int new_state);
/* MIGRATION_PASS (with the events capability): the RAM sync notifier. */
void migration_pass_notify(uint64_t dirty_sync_count);
/* Migration thread: run fn in the main thread and wait for it. */
void migration_run_in_main(void (*fn)(void *opaque), void *opaque);
/* Main thread: emit every queued event now. */
void migration_events_flush(void);
/* Record the first error of an outgoing migration (error copied). */
void migrate_set_error(MigrationState *s, const Error *error);
bool migration_has_failed(MigrationState *s);

/* ---- rate limiting, for iterators (ram.c, multifd) ---- */
/* true once this window's byte budget (max-bandwidth) is spent, or the
 * migration is being cancelled or failed: the iterator should return. */
bool migration_rate_exceeded(QEMUFile *f);
/* Bytes sent on other channels (multifd), counted in the budget. */
void migration_rate_account(uint64_t len);
/* Current limit in bytes per second (0 = unlimited). */
uint64_t migration_rate_get(void);

/* ---- the outgoing thread's pacing (migration-rate.c) ---- */
/* A new window starts counting from the bytes sent so far. */
void migration_rate_reset(MigrationState *s);
/* Sleep out the window once its budget is spent; measure bandwidth. */
void migration_rate_limit(MigrationState *s);
/* Bytes that may still be sent with the VM stopped (downtime-limit). */
uint64_t migration_threshold(MigrationState *s);
/* pending fits the threshold: switch over now, or one more pass? */
bool migration_switchover_now(MigrationState *s, uint64_t pending);

/* ---- cpr-transfer's cpr channel (cpr-transfer.c) ---- */
/* Old process, migration thread: send the CPR state to s->cpr_addr and
 * wait until the new process closes the channel. */
bool cpr_transfer_output(MigrationState *s, Error **errp);
/* New process, start-up: wait on ch, load the state (exit 1 on failure). */
void cpr_transfer_input(const MigrationChannel *ch, const char *str,
                        bool has_main);
/* New process: the main channel listens; the old one may connect. */
void cpr_transfer_input_close(void);

/* ---- cpr-exec (cpr-exec.c) ---- */
/* Main thread: save the CPR state into the QEMU_CPR_EXEC_STATE memfd and
 * exec command keeping the CPR fds; returns only on failure (fds closed
 * on exec again, state discarded). */
bool cpr_exec(const strList *command, Error **errp);

/* ---- channels (channel.c, channel-incoming.c) ---- */
MigrationAddress *migration_address_clone(const MigrationAddress *addr);
/* Stop listening / loading and wait for the loading thread (exit). */
void migration_incoming_shutdown(void);
/* Parse a URI into a MigrationChannel (main).  Errors name the URI. */
bool migrate_uri_parse(const char *uri, MigrationChannel **channel,
                       Error **errp);
/* Outgoing: connect / open, return a blocking fd for the stream. */
int migration_channel_connect(MigrationAddress *addr, Error **errp);
/*
 * Incoming: set up the address.  For listening sockets, cb runs in the
 * main thread with a connected blocking fd; for fd:, exec: and file:
 * it is called at once.  Returns false with errp set on failure.
 */
typedef void MigrationIncomingFdCb(int fd, void *opaque);
bool migration_channel_listen(MigrationAddress *addr,
                              MigrationIncomingState *mis,
                              MigrationIncomingFdCb *cb, void *opaque,
                              Error **errp);
void migration_channel_listen_cleanup(MigrationIncomingState *mis);

/* ---- blockers (blocker.c) ---- */
/* The most recently added blocker of mode, or NULL. */
const Error *migration_blocker_first(MigMode mode);
/* Prepend the reasons of mode's blockers (oldest first) to list. */
strList *migration_blocker_reasons(MigMode mode, strList *list);

/* ---- global state (global-state.c) ---- */
/* Snapshot the current runstate for the "globalstate" section. */
void global_state_store(void);
void global_state_store_running(void);
/* The received runstate, or RUN_STATE__MAX when none was received. */
RunState global_state_get_runstate(void);
bool global_state_received(void);
void register_global_state(void);

/* ---- HMP helpers (migration-hmp-cmds.c) ---- */
bool migrate_set_parameter_str(const char *name, const char *value,
                               Error **errp);

#endif
