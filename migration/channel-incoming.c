/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The incoming side: -incoming, migrate-incoming and the loading thread. */
#include "qemu/osdep.h"
#include "migration/cpr.h"
#include "migration/mapped-ram.h"
#include "migration/migration.h"
#include "migration/multifd.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "system/runstate.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor.h"
#include <json-glib/json-glib.h>

/*
 * Destination sequence:
 *   -incoming URI / migrate-incoming ─> status setup, listening
 *   connection (or fd/exec/file at once) ─> active, "mig/dst/main" thread
 *     reads the whole stream (qemu_loadvm_state)
 *   main thread: success ─> VM runs if the source ran (and autostart),
 *     completed; failure ─> failed, "load of migration failed: ..." and,
 *     with exit-on-error (the -incoming default), exit 1.
 */

/* -incoming, per channel type: the last one wins (main thread, start-up) */
static char *incoming_str[MIGRATION_CHANNEL_TYPE__MAX];
static MigrationChannel *incoming_channel[MIGRATION_CHANNEL_TYPE__MAX];

typedef struct IncomingLoad {
    MigrationIncomingState *mis;
    int ret;
    Error *err;
} IncomingLoad;

static IncomingLoad incoming_load;

static bool channel_from_json(const char *str, MigrationChannel **ch,
                              Error **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GError *gerr = NULL;
    Visitor *v;
    bool ok;

    if (!json_parser_load_from_data(parser, str, -1, &gerr)) {
        error_from_gerror(errp, gerr, "");
        return false;
    }
    v = qobject_input_visitor_new(json_parser_get_root(parser));
    ok = visit_type_MigrationChannel(v, NULL, ch, errp);
    visit_free(v);
    return ok;
}

void migration_incoming_cli(const char *str)
{
    MigrationChannel *ch = NULL;
    Error *err = NULL;
    MigrationChannelType type = MIGRATION_CHANNEL_TYPE_MAIN;

    if (str[0] == '{') {
        if (!channel_from_json(str, &ch, &err)) {
            error_report("-incoming %s: %s", str, error_get_pretty(err));
            exit(1);
        }
        type = ch->channel_type;
    } else if (strcmp(str, "defer") != 0) {
        if (!migrate_uri_parse(str, &ch, &err)) {
            error_report("-incoming %s: %s", str, error_get_pretty(err));
            exit(1);
        }
    }
    qapi_free_MigrationChannel(incoming_channel[type]);
    g_free(incoming_str[type]);
    incoming_channel[type] = ch;
    incoming_str[type] = g_strdup(str);
}

void migration_incoming_cpr_load(void)
{
    MigrationChannel *ch = incoming_channel[MIGRATION_CHANNEL_TYPE_CPR];

    if (!ch) {
        return;
    }
    if (cpr_get_incoming_mode() == MIG_MODE_CPR_EXEC) {
        warn_report("ignoring cpr channel because cpr-exec state was "
                    "loaded");
        return;
    }
    cpr_transfer_input(ch, incoming_str[MIGRATION_CHANNEL_TYPE_CPR],
                       incoming_str[MIGRATION_CHANNEL_TYPE_MAIN] != NULL);
}

bool migration_incoming_cli_pending(void)
{
    return incoming_str[MIGRATION_CHANNEL_TYPE_MAIN] != NULL;
}

void migration_incoming_cli_start(void)
{
    MigrationChannel *main_ch = incoming_channel[MIGRATION_CHANNEL_TYPE_MAIN];
    MigrationChannelList list = { .next = NULL, .value = main_ch };
    Error *err = NULL;

    runstate_set(RUN_STATE_INMIGRATE);
    if (!main_ch) {
        return;                 /* defer: wait for migrate-incoming */
    }
    qmp_migrate_incoming(NULL, &list, true, true, &err);
    if (err) {
        error_report("-incoming %s: %s",
                     incoming_str[MIGRATION_CHANNEL_TYPE_MAIN],
                     error_get_pretty(err));
        error_free(err);
        exit(1);
    }
}

/* ---- loading ---- */

/* The load thread has returned; what is left of it is its exit. */
static void incoming_release(MigrationIncomingState *mis)
{
    if (mis->thread) {
        g_thread_join(mis->thread);
        mis->thread = NULL;
    }
    multifd_recv_cleanup();     /* every page is in: the channels can go */
    qemu_fclose(mis->from_src_file);
    mis->from_src_file = NULL;
}

static gboolean incoming_finish_bh(gpointer opaque)
{
    IncomingLoad *load = opaque;
    MigrationIncomingState *mis = load->mis;
    RunState rs;

    if (load->ret < 0) {
        Error *err = load->err;

        incoming_release(mis);
        if (!err) {
            error_setg(&err, "%s", strerror(-load->ret));
        }
        error_prepend(&err, "load of migration failed: %s: ",
                      strerror(-load->ret));
        migrate_set_state(&mis->status, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_FAILED);
        g_mutex_lock(&mis->error_mutex);
        error_free(mis->error);
        mis->error = error_copy(err);
        g_mutex_unlock(&mis->error_mutex);
        load->err = NULL;
        if (mis->exit_on_error) {
            error_report_err(err);
            exit(EXIT_FAILURE);
        }
        error_free(err);
        return G_SOURCE_REMOVE;
    }
    /* the guest waits for this: start it before tidying up the load */
    rs = global_state_get_runstate();
    if (!global_state_received() || rs == RUN_STATE_RUNNING ||
        rs == RUN_STATE_SUSPENDED) {
        if (autostart) {
            vm_start();
        } else {
            runstate_set(RUN_STATE_PAUSED);
        }
    } else {
        runstate_set(rs);
    }
    incoming_release(mis);
    /* as QEMU: the CPR take-over is over, migrate_mode() is the
     * parameter again and fd parameters resolve normally */
    if (cpr_is_incoming()) {
        cpr_close_untaken();
        cpr_set_incoming_mode(MIG_MODE_NORMAL);
    }
    migrate_set_state(&mis->status, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_COMPLETED);
    return G_SOURCE_REMOVE;
}

static gpointer incoming_thread(gpointer opaque)
{
    IncomingLoad *load = opaque;

    load->ret = qemu_loadvm_state(load->mis->from_src_file, &load->err);
    /* the guest is stopped until this runs: ahead of other main-loop work */
    g_idle_add_full(G_PRIORITY_HIGH, incoming_finish_bh, load, NULL);
    return NULL;
}

static void incoming_fd_ready(int fd, void *opaque)
{
    MigrationIncomingState *mis = opaque;

    mis->from_src_file = qemu_file_new_input_fd(fd);
    migrate_set_state(&mis->status, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);
    incoming_load.mis = mis;
    incoming_load.ret = 0;
    incoming_load.err = NULL;
    mis->thread = g_thread_new("mig/dst/main", incoming_thread,
                               &incoming_load);
}

void qmp_migrate_incoming(const char *uri, MigrationChannelList *channels,
                          bool has_exit_on_error, bool exit_on_error,
                          Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autoptr(MigrationChannel) parsed = NULL;
    MigrationChannel *ch;

    if (mis->started) {
        error_setg(errp, "The incoming migration has already been started");
        return;
    }
    if (!runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "'-incoming' was not specified on the command line");
        return;
    }
    bool has_channels = channels != NULL;

    if (uri && has_channels) {
        error_setg(errp, "'uri' and 'channels' arguments are mutually "
                   "exclusive; exactly one of the two should be present in "
                   "'migrate-incoming' qmp command ");
        return;
    }
    if (has_channels) {
        if (!channels || channels->next) {
            error_setg(errp, "Channel list has more than one entries");
            return;
        }
        ch = channels->value;
        if (ch->channel_type != MIGRATION_CHANNEL_TYPE_MAIN) {
            error_setg(errp, "Channel type '%s' cannot be used with "
                       "migrate-incoming",
                       MigrationChannelType_str(ch->channel_type));
            return;
        }
    } else if (uri) {
        if (!migrate_uri_parse(uri, &parsed, errp)) {
            return;
        }
        ch = parsed;
    } else {
        error_setg(errp, "neither 'uri' or 'channels' argument are "
                   "specified in 'migrate-incoming' qmp command ");
        return;
    }
    if (migrate_mapped_ram() && !mapped_ram_transport_ok(ch->addr, errp)) {
        return;
    }
    if (migrate_multifd()) {
        if (!multifd_transport_ok(ch->addr, errp)) {
            return;
        }
        /* mapped-ram reads the file with its own threads (ram-mapped.c) */
        if (!migrate_mapped_ram()) {
            multifd_recv_setup();
        }
    }
    mis->exit_on_error = has_exit_on_error ? exit_on_error : true;
    g_mutex_lock(&mis->error_mutex);
    error_free(mis->error);
    mis->error = NULL;
    g_mutex_unlock(&mis->error_mutex);
    migrate_set_state(&mis->status, MIGRATION_STATUS_NONE,
                      MIGRATION_STATUS_SETUP);
    if (!migration_channel_listen(ch->addr, mis, incoming_fd_ready, mis,
                                  errp)) {
        g_atomic_int_set(&mis->status, MIGRATION_STATUS_NONE);
        multifd_recv_cleanup();
        return;
    }
    mis->started = true;
    cpr_transfer_input_close();
}

void migration_incoming_shutdown(void)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (!mis) {
        return;
    }
    migration_channel_listen_cleanup(mis);
    multifd_recv_shutdown();
    if (mis->thread) {
        qemu_file_shutdown(mis->from_src_file);
        g_thread_join(mis->thread);
        mis->thread = NULL;
        /* the finish BH may still be queued: it must not run after this */
        while (g_source_remove_by_user_data(&incoming_load)) {
        }
        error_free(incoming_load.err);
        incoming_load.err = NULL;
        qemu_fclose(mis->from_src_file);
        mis->from_src_file = NULL;
    }
    multifd_recv_cleanup();
}
