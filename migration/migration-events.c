/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIGRATION and MIGRATION_PASS events: queued from any thread and emitted
 * from the main thread, in order.
 */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "qapi/qapi-events-migration.h"

typedef struct PendingEvent {
    bool pass;
    int64_t value;
} PendingEvent;

static GMutex event_lock;
static GQueue event_queue = G_QUEUE_INIT;
static bool event_flush_scheduled;

static gboolean event_flush(gpointer opaque)
{
    for (;;) {
        PendingEvent *ev;

        g_mutex_lock(&event_lock);
        ev = g_queue_pop_head(&event_queue);
        if (!ev) {
            event_flush_scheduled = false;
        }
        g_mutex_unlock(&event_lock);
        if (!ev) {
            return G_SOURCE_REMOVE;
        }
        if (ev->pass) {
            qapi_event_send_migration_pass(ev->value);
        } else {
            qapi_event_send_migration(ev->value);
        }
        g_free(ev);
    }
}

static void event_queue_push(bool pass, int64_t value)
{
    PendingEvent *ev = g_new0(PendingEvent, 1);
    bool in_main = g_main_context_is_owner(g_main_context_default());

    ev->pass = pass;
    ev->value = value;
    g_mutex_lock(&event_lock);
    g_queue_push_tail(&event_queue, ev);
    if (!event_flush_scheduled && !in_main) {
        event_flush_scheduled = true;
        g_idle_add(event_flush, NULL);
    }
    g_mutex_unlock(&event_lock);
    if (in_main) {
        event_flush(NULL);
    }
}

void migration_pass_notify(uint64_t dirty_sync_count)
{
    if (migrate_events()) {
        event_queue_push(true, dirty_sync_count);
    }
}

void migrate_set_state(int *state, int old_state, int new_state)
{
    if (g_atomic_int_compare_and_exchange(state, old_state, new_state) &&
        migrate_events()) {
        event_queue_push(false, new_state);
    }
}

void migration_events_flush(void)
{
    event_flush(NULL);
}
