/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration state machine: migrate, the live_migration thread, cancel. */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/blocker.h"
#include "migration/cpr.h"
#include "migration/savevm.h"
#include "migration/ram.h"
#include "migration/mapped-ram.h"
#include "migration/multifd.h"
#include "migration/vmstate.h"
#include "system/runstate.h"
#include "hw/core/cpu.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-events-migration.h"

/*
 * Outgoing sequence (the live_migration thread):
 *
 *   main: migrate ──> status setup, thread started
 *   thread: connect (sockets) ─ header ─ setup sections ─> active
 *           loop: pending < threshold ? switchover : iterate, rate limit
 *   switchover: main thread stops the VM (finish-migrate)
 *           [pause-before-switchover: pre-switchover, wait migrate-continue]
 *           device ─ END/FULL sections, EOF, vmdesc ─> completed
 *   main (cleanup BH): join; completed -> postmigrate,
 *           failed/cancelled -> the VM runs again if it ran before.
 */

static MigrationState *current_migration;
static MigrationIncomingState *current_incoming;

/* See migration.h: the single process-wide outgoing state. */
MigrationState *migrate_get_current(void)
{
    return current_migration;
}

MigrationIncomingState *migration_incoming_get_current(void)
{
    return current_incoming;
}

int64_t migration_now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

void migrate_set_error(MigrationState *s, const Error *error)
{
    g_mutex_lock(&s->error_mutex);
    if (!s->error) {
        s->error = error_copy(error);
    }
    g_mutex_unlock(&s->error_mutex);
}

static void migrate_error_free(MigrationState *s)
{
    g_mutex_lock(&s->error_mutex);
    error_free(s->error);
    s->error = NULL;
    g_mutex_unlock(&s->error_mutex);
}

bool migration_has_failed(MigrationState *s)
{
    int st = g_atomic_int_get(&s->status);

    return st == MIGRATION_STATUS_CANCELLING ||
           st == MIGRATION_STATUS_CANCELLED || st == MIGRATION_STATUS_FAILED;
}

/* ---- status queries ---- */

static bool status_is_running(int st)
{
    switch (st) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_DEVICE:
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_WAIT_UNPLUG:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_COLO:
        return true;
    default:
        return false;
    }
}

bool migration_is_running(void)
{
    MigrationState *s = migrate_get_current();

    return s && status_is_running(g_atomic_int_get(&s->status));
}

bool migration_is_active(void)
{
    MigrationState *s = migrate_get_current();
    int st = s ? g_atomic_int_get(&s->status) : MIGRATION_STATUS_NONE;

    return st == MIGRATION_STATUS_ACTIVE ||
           st == MIGRATION_STATUS_POSTCOPY_ACTIVE;
}

bool migration_in_progress(void)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    int st = mis ? g_atomic_int_get(&mis->status) : MIGRATION_STATUS_NONE;

    return migration_is_running() || st == MIGRATION_STATUS_SETUP ||
           st == MIGRATION_STATUS_ACTIVE;
}

/* -only-migratable is parsed before the migration object exists. */
static bool only_migratable;

void migration_set_only_migratable(bool on)
{
    only_migratable = on;
}

bool migration_only_migratable(void)
{
    return only_migratable;
}

/* ---- running work in the main thread, from the migration thread ---- */

typedef struct MainCall {
    void (*fn)(void *opaque);
    void *opaque;
    GMutex lock;
    GCond cond;
    bool done;
} MainCall;

static gboolean main_call_run(gpointer opaque)
{
    MainCall *c = opaque;

    c->fn(c->opaque);
    g_mutex_lock(&c->lock);
    c->done = true;
    g_cond_signal(&c->cond);
    g_mutex_unlock(&c->lock);
    return G_SOURCE_REMOVE;
}

void migration_run_in_main(void (*fn)(void *opaque), void *opaque)
{
    MainCall c = { .fn = fn, .opaque = opaque };

    g_mutex_init(&c.lock);
    g_cond_init(&c.cond);
    g_idle_add_full(G_PRIORITY_HIGH, main_call_run, &c, NULL);
    g_mutex_lock(&c.lock);
    while (!c.done) {
        g_cond_wait(&c.cond, &c.lock);
    }
    g_mutex_unlock(&c.lock);
    g_mutex_clear(&c.lock);
    g_cond_clear(&c.cond);
}

/* vm_stop() is main-thread only */
static void stop_vm_for_switchover(void *opaque)
{
    MigrationState *s = opaque;

    s->downtime_start = migration_now_ms();
    s->vm_old_state = runstate_get();
    s->vm_was_running = runstate_is_running();
    global_state_store();
    vm_stop(RUN_STATE_FINISH_MIGRATE);
}

/* ---- the outgoing thread ---- */

static void migration_fail(MigrationState *s, Error *err)
{
    int st = g_atomic_int_get(&s->status);

    if (err) {
        migrate_set_error(s, err);
        error_free(err);
    }
    if (st != MIGRATION_STATUS_CANCELLING) {
        migrate_set_state(&s->status, st, MIGRATION_STATUS_FAILED);
    }
}

static bool migration_wait_continue(MigrationState *s)
{
    migrate_set_state(&s->status, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_PRE_SWITCHOVER);
    g_mutex_lock(&s->pause_lock);
    while (!s->pause_released) {
        g_cond_wait(&s->pause_cond, &s->pause_lock);
    }
    s->pause_released = false;
    g_mutex_unlock(&s->pause_lock);
    migrate_set_state(&s->status, MIGRATION_STATUS_PRE_SWITCHOVER,
                      MIGRATION_STATUS_DEVICE);
    return g_atomic_int_get(&s->status) == MIGRATION_STATUS_DEVICE;
}

static bool migration_completion(MigrationState *s)
{
    Error *err = NULL;
    int ret;

    if (!s->stopped_before_setup) {
        migration_run_in_main(stop_vm_for_switchover, s);
    }
    cpu_throttle_stop();                /* the vCPUs are stopped anyway */
    if (migrate_pause_before_switchover()) {
        if (!migration_wait_continue(s)) {
            return false;
        }
    } else {
        migrate_set_state(&s->status, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_DEVICE);
        if (g_atomic_int_get(&s->status) != MIGRATION_STATUS_DEVICE) {
            return false;
        }
    }
    /* the vCPU threads read their state while the last RAM pass goes */
    cpu_prefetch_all_states();
    bql_lock();
    ret = qemu_savevm_state_complete_precopy_with_err(s->to_dst_file, &err);
    bql_unlock();
    if (ret >= 0) {
        ret = qemu_fflush(s->to_dst_file);
    }
    if (ret < 0) {
        if (!err) {
            error_setg_errno(&err, -ret, "Failed to send the final state");
        }
        migration_fail(s, err);
        return false;
    }
    s->downtime = migration_now_ms() - s->downtime_start;
    s->total_time = migration_now_ms() - s->start_time;
    if (migrate_mode() != MIG_MODE_CPR_EXEC) {
        /* cpr-exec completes in the cleanup BH, right before the exec */
        migrate_set_state(&s->status, MIGRATION_STATUS_DEVICE,
                          MIGRATION_STATUS_COMPLETED);
    }
    return true;
}

static gboolean migration_cleanup_bh(gpointer opaque);

static void migration_iterate(MigrationState *s)
{
    for (;;) {
        uint64_t must = 0, can = 0, pending;
        int r;

        if (g_atomic_int_get(&s->status) != MIGRATION_STATUS_ACTIVE) {
            return;
        }
        qemu_savevm_state_pending_estimate(&must, &can);
        pending = must + can;
        if (!pending || pending < migration_threshold(s)) {
            qemu_savevm_state_pending_exact(&must, &can);
            pending = must + can;
            if (!pending || (pending < migration_threshold(s) &&
                             migration_switchover_now(s, pending))) {
                migration_completion(s);
                return;
            }
        }
        r = qemu_savevm_state_iterate(s->to_dst_file);
        if (r < 0 || qemu_file_get_error(s->to_dst_file)) {
            Error *err = NULL;
            int e = r < 0 ? r : qemu_file_get_error(s->to_dst_file);

            error_setg_errno(&err, -e, "Failed to send migration data");
            migration_fail(s, err);
            return;
        }
        migration_rate_limit(s);
    }
}

static gpointer migration_thread(gpointer opaque)
{
    MigrationState *s = opaque;
    Error *err = NULL;

    if (s->cpr_addr && !cpr_transfer_output(s, &err)) {
        migration_fail(s, err);
        goto out;
    }
    if (!s->to_dst_file) {
        int fd = migration_channel_connect(s->addr, &err);

        if (fd < 0) {
            migration_fail(s, err);
            goto out;
        }
        s->to_dst_file = qemu_file_new_output_fd(fd);
        if (migration_has_failed(s)) {
            /* cancelled while connecting: wake nobody, just stop */
            qemu_file_shutdown(s->to_dst_file);
            goto out;
        }
    }
    if (migrate_mode() != MIG_MODE_NORMAL) {
        /* CPR: the guest stops once the new side is reached, and the copy
         * is of a still VM (QEMU's migration_start_outgoing); downtime is
         * the whole copy */
        migration_run_in_main(stop_vm_for_switchover, s);
        s->stopped_before_setup = true;
    }
    if (migrate_multifd() && !multifd_send_setup(s->addr, &err)) {
        migration_fail(s, err);
        goto out;
    }
    qemu_savevm_state_header(s->to_dst_file);
    bql_lock();
    if (qemu_savevm_state_setup(s->to_dst_file, &err) < 0) {
        bql_unlock();
        migration_fail(s, err);
        goto out;
    }
    bql_unlock();
    s->setup_time = migration_now_ms() - s->start_time;
    s->iteration_start_time = migration_now_ms();
    s->iteration_initial_bytes = migration_transferred_bytes(s);
    migration_rate_reset(s);
    migrate_set_state(&s->status, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);
    migration_iterate(s);
out:
    g_idle_add(migration_cleanup_bh, s);
    return NULL;
}

static void restart_vm_after_failure(MigrationState *s)
{
    if (!runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        return;                 /* the switchover never stopped it */
    }
    if (s->vm_was_running) {
        vm_start();
    } else {
        runstate_set(s->vm_old_state);
    }
}

static gboolean migration_cleanup_bh(gpointer opaque)
{
    MigrationState *s = opaque;
    bool sent;
    int st;

    if (s->thread) {
        g_thread_join(s->thread);
        s->thread = NULL;
    }
    st = g_atomic_int_get(&s->status);
    sent = st == MIGRATION_STATUS_COMPLETED ||
           (st == MIGRATION_STATUS_DEVICE &&
            migrate_mode() == MIG_MODE_CPR_EXEC);
    if (!sent) {
        multifd_send_shutdown();        /* a sender may block on a write */
    }
    multifd_send_cleanup();
    cpu_throttle_stop();
    bql_lock();
    qemu_savevm_state_cleanup();
    bql_unlock();
    if (s->to_dst_file) {
        QEMUFile *f = s->to_dst_file;

        s->to_dst_file = NULL;
        qemu_fclose(f);
    }
    st = g_atomic_int_get(&s->status);
    if (st == MIGRATION_STATUS_CANCELLING) {
        migrate_set_state(&s->status, st, MIGRATION_STATUS_CANCELLED);
        st = MIGRATION_STATUS_CANCELLED;
    }
    if (sent && st == MIGRATION_STATUS_DEVICE) {
        Error *err = NULL;

        /* cpr-exec: completed, and the client sees every event before
         * the new image takes over this process; back here on failure
         * (no query saw "completed" in between: main thread) */
        migrate_set_state(&s->status, st, MIGRATION_STATUS_COMPLETED);
        st = MIGRATION_STATUS_COMPLETED;
        migration_events_flush();
        cpr_exec(s->parameters.cpr_exec_command, &err);
        migrate_set_error(s, err);
        error_free(err);
        migrate_set_state(&s->status, st, MIGRATION_STATUS_FAILED);
        st = MIGRATION_STATUS_FAILED;
    }
    if (st == MIGRATION_STATUS_COMPLETED) {
        if (migrate_mode() == MIG_MODE_CPR_TRANSFER) {
            cpr_set_handed_over();
        }
        runstate_set(RUN_STATE_POSTMIGRATE);
    } else {
        if (st == MIGRATION_STATUS_FAILED) {
            g_mutex_lock(&s->error_mutex);
            if (s->error) {
                error_report("%s", error_get_pretty(s->error));
            }
            g_mutex_unlock(&s->error_mutex);
        }
        restart_vm_after_failure(s);
    }
    s->rate_limit_max = 0;
    s->thread_created = false;
    return G_SOURCE_REMOVE;
}

/* ---- QMP: migrate ---- */

static bool migration_is_blocked(Error **errp)
{
    const Error *blocker;

    if (qemu_savevm_state_blocked(errp)) {
        return true;
    }
    blocker = migration_blocker_first(migrate_mode());
    if (blocker) {
        error_propagate(errp, error_copy(blocker));
        return true;
    }
    return false;
}

static bool migrate_prepare(MigrationState *s, bool resume, Error **errp)
{
    const StrOrNull *creds = s->parameters.tls_creds;

    if (resume) {
        error_setg(errp, "Cannot resume if there is no paused migration");
        return false;
    }
    if (migration_is_running()) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return false;
    }
    if (runstate_check(RUN_STATE_POSTMIGRATE)) {
        error_setg(errp, "Can't migrate the vm that was paused due to "
                   "previous migration");
        return false;
    }
    if (migrate_mode() == MIG_MODE_CPR_EXEC &&
        !s->parameters.cpr_exec_command) {
        error_setg(errp, "cpr-exec mode requires setting cpr-exec-command");
        return false;
    }
    if (migration_is_blocked(errp)) {
        return false;
    }
    if (creds && creds->type == QTYPE_QSTRING && creds->u.s[0]) {
        error_setg(errp, "No TLS credentials with id '%s'", creds->u.s);
        return false;
    }
    return migrate_caps_supported(s->capabilities, errp);
}

static bool channels_pick_main(MigrationChannelList *channels,
                               MigrationChannel **main_ch,
                               MigrationChannel **cpr_ch, Error **errp)
{
    MigrationChannel *seen[MIGRATION_CHANNEL_TYPE__MAX] = { NULL };

    for (MigrationChannelList *c = channels; c; c = c->next) {
        MigrationChannelType t = c->value->channel_type;

        if (seen[t]) {
            error_setg(errp, "Channel list has more than one %s entry",
                       MigrationChannelType_str(t));
            return false;
        }
        seen[t] = c->value;
    }
    if (seen[MIGRATION_CHANNEL_TYPE_CPR] &&
        migrate_mode() != MIG_MODE_CPR_TRANSFER) {
        error_setg(errp, "Migration mode '%s' takes no cpr channel",
                   MigMode_str(migrate_mode()));
        return false;
    }
    if (!seen[MIGRATION_CHANNEL_TYPE_MAIN]) {
        error_setg(errp, "Channel list has no main entry");
        return false;
    }
    *main_ch = seen[MIGRATION_CHANNEL_TYPE_MAIN];
    *cpr_ch = seen[MIGRATION_CHANNEL_TYPE_CPR];
    return true;
}

static void migrate_init(MigrationState *s)
{
    migrate_error_free(s);
    ram_stats_reset();
    ram_throttle_reset();
    s->start_time = migration_now_ms();
    s->setup_time = s->total_time = s->downtime = 0;
    s->expected_downtime = migrate_downtime_limit();
    s->mbps = 0;
    s->pages_per_second = 0;
    s->threshold_size = 0;
    s->last_exact_pending = UINT64_MAX;
    s->rate_limit_extra = 0;
    s->rate_limit_start_bytes = 0;
    s->iteration_initial_pages = 0;
    s->pause_released = false;
    s->stopped_before_setup = false;
    s->vm_was_running = false;
    s->vm_old_state = runstate_get();
    s->rate_limit_max = migrate_max_bandwidth() * MIGRATION_BUFFER_DELAY_MS /
                        1000;
    g_atomic_int_set(&s->status, MIGRATION_STATUS_NONE);
    migrate_set_state(&s->status, MIGRATION_STATUS_NONE,
                      MIGRATION_STATUS_SETUP);
}

/* The channels the CPR modes need (QEMU's messages where it has them). */
static bool migrate_cpr_channels_ok(const MigrationChannel *ch,
                                    const MigrationChannel *cpr_ch,
                                    Error **errp)
{
    switch (migrate_mode()) {
    case MIG_MODE_CPR_EXEC:
        if (ch->addr->transport != MIGRATION_ADDRESS_TYPE_FILE) {
            error_setg(errp, "Migration mode 'cpr-exec' needs a file: URI: "
                       "the new image reads the state after the exec");
            return false;
        }
        return true;
    case MIG_MODE_CPR_TRANSFER:
        if (!cpr_ch) {
            error_setg(errp, "missing 'cpr' migration channel");
            return false;
        }
        if (cpr_ch->addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET ||
            cpr_ch->addr->u.socket.type != SOCKET_ADDRESS_TYPE_UNIX) {
            error_setg(errp, "the cpr channel must be a unix socket");
            return false;
        }
        if (ch->addr->transport == MIGRATION_ADDRESS_TYPE_FILE) {
            error_setg(errp, "Migration requires streamable transport "
                       "(eg unix)");
            return false;
        }
        return true;
    default:
        return true;
    }
}

void qmp_migrate(const char *uri, MigrationChannelList *channels,
                 bool has_resume, bool resume, Error **errp)
{
    MigrationState *s = migrate_get_current();
    g_autoptr(MigrationChannel) parsed = NULL;
    MigrationChannel *ch = NULL, *cpr_ch = NULL;
    Error *err = NULL;
    bool has_channels = channels != NULL;
    int fd = -1;

    if (uri && has_channels) {
        error_setg(errp, "'uri' and 'channels' arguments are mutually "
                   "exclusive; exactly one of the two should be present in "
                   "'migrate' qmp command ");
        return;
    }
    if (has_channels) {
        if (!channels_pick_main(channels, &ch, &cpr_ch, errp)) {
            return;
        }
    } else if (uri) {
        if (!migrate_uri_parse(uri, &parsed, errp)) {
            return;
        }
        ch = parsed;
    } else {
        error_setg(errp, "neither 'uri' or 'channels' argument are "
                   "specified in 'migrate' qmp command ");
        return;
    }
    if (!migrate_prepare(s, has_resume && resume, errp)) {
        return;
    }
    if (!migrate_cpr_channels_ok(ch, cpr_ch, errp)) {
        return;
    }
    if (migrate_mapped_ram() && !mapped_ram_transport_ok(ch->addr, errp)) {
        return;
    }
    if (migrate_multifd() && !multifd_transport_ok(ch->addr, errp)) {
        return;
    }
    if (s->addr) {
        qapi_free_MigrationAddress(s->addr);
    }
    s->addr = migration_address_clone(ch->addr);
    g_clear_pointer(&s->cpr_addr, qapi_free_MigrationAddress);
    if (cpr_ch) {
        s->cpr_addr = migration_address_clone(cpr_ch->addr);
    }
    migrate_init(s);

    /* fd:, exec: and file: resolve now (monitor fds belong to this
     * command's monitor); sockets connect in the thread. */
    if (ch->addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET ||
        ch->addr->u.socket.type == SOCKET_ADDRESS_TYPE_FD) {
        fd = migration_channel_connect(ch->addr, &err);
        if (fd < 0) {
            migrate_set_error(s, err);
            migrate_set_state(&s->status, MIGRATION_STATUS_SETUP,
                              MIGRATION_STATUS_FAILED);
            error_propagate(errp, err);
            return;
        }
        s->to_dst_file = qemu_file_new_output_fd(fd);
    }
    s->thread_created = true;
    s->thread = g_thread_new("live_migration", migration_thread, s);
}

void qmp_migrate_cancel(Error **errp)
{
    MigrationState *s = migrate_get_current();
    int old;

    do {
        old = g_atomic_int_get(&s->status);
        if (!status_is_running(old)) {
            return;
        }
        if (old == MIGRATION_STATUS_CANCELLING) {
            break;
        }
        migrate_set_state(&s->status, old, MIGRATION_STATUS_CANCELLING);
    } while (g_atomic_int_get(&s->status) != MIGRATION_STATUS_CANCELLING);

    /* wake a pre-switchover pause and any blocked write */
    g_mutex_lock(&s->pause_lock);
    s->pause_released = true;
    g_cond_signal(&s->pause_cond);
    g_mutex_unlock(&s->pause_lock);
    if (s->to_dst_file) {
        qemu_file_shutdown(s->to_dst_file);
    }
    if (g_atomic_int_get(&s->cpr_fd) >= 0) {
        shutdown(g_atomic_int_get(&s->cpr_fd), SHUT_RDWR);  /* its wait */
    }
    multifd_send_shutdown();
}

void qmp_migrate_continue(MigrationStatus state, Error **errp)
{
    MigrationState *s = migrate_get_current();
    int st = g_atomic_int_get(&s->status);

    if (st != (int)state) {
        error_setg(errp, "Migration not in expected state: %s",
                   MigrationStatus_str(st));
        return;
    }
    g_mutex_lock(&s->pause_lock);
    s->pause_released = true;
    g_cond_signal(&s->pause_cond);
    g_mutex_unlock(&s->pause_lock);
}

/* ---- QMP: query-migrate ---- */

/* ---- life cycle ---- */

void migration_object_init(void)
{
    MigrationState *s = g_new0(MigrationState, 1);
    MigrationIncomingState *mis = g_new0(MigrationIncomingState, 1);

    g_mutex_init(&s->error_mutex);
    g_mutex_init(&s->pause_lock);
    s->cpr_fd = -1;
    g_cond_init(&s->pause_cond);
    migrate_params_init(&s->parameters);
    s->store_global_state = true;
    s->send_configuration = true;
    s->send_section_footer = true;
    s->send_switchover_start = true;
    s->status = MIGRATION_STATUS_NONE;
    g_mutex_init(&mis->error_mutex);
    mis->listen_fd = -1;
    mis->status = MIGRATION_STATUS_NONE;
    mis->exit_on_error = true;
    current_migration = s;
    current_incoming = mis;
    register_global_state();
    ram_mig_init();
    ram_set_sync_notifier(migration_pass_notify);
    ram_set_period_notifier(ram_throttle_period);
    ram_set_multifd_ops(&multifd_ram_ops);
    ram_set_mapped_ops(&mapped_ram_ops);
}

void migration_shutdown(void)
{
    MigrationState *s = migrate_get_current();

    if (!s) {
        return;
    }
    qmp_migrate_cancel(NULL);
    /* the thread may wait for the main thread (vm_stop): keep serving */
    while (s->thread_created) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    migration_incoming_shutdown();
}
