/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query-migrate: what each side reports about the migration. */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/blocker.h"
#include "migration/savevm.h"
#include "migration/ram.h"
#include "migration/mapped-ram.h"
#include "migration/multifd.h"
#include "migration/vmstate.h"
#include "system/runstate.h"
#include "hw/core/cpu.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-events-migration.h"

static void fill_ram_info(MigrationState *s, MigrationInfo *info, int st)
{
    MigrationStats *r = g_new0(MigrationStats, 1);
    RAMStats rs;

    ram_stats_get(&rs);
    r->transferred = migration_transferred_bytes(s);
    if (st == MIGRATION_STATUS_COMPLETED || !s->to_dst_file) {
        r->transferred = rs.transferred;
    }
    r->total = rs.total ? rs.total : ram_bytes_total();
    r->duplicate = rs.duplicate;
    r->normal = rs.normal;
    r->normal_bytes = rs.normal_bytes;
    r->mbps = s->mbps;
    r->dirty_sync_count = rs.dirty_sync_count;
    r->page_size = rs.page_size ? rs.page_size : 4096;
    r->multifd_bytes = rs.multifd_bytes;
    r->pages_per_second = s->pages_per_second;
    r->precopy_bytes = rs.precopy_bytes;
    r->downtime_bytes = rs.downtime_bytes;
    if (st != MIGRATION_STATUS_COMPLETED) {
        r->remaining = rs.remaining;
        r->dirty_pages_rate = rs.dirty_pages_rate;
    }
    info->ram = r;
}

static void fill_source_info(MigrationState *s, MigrationInfo *info)
{
    int st = g_atomic_int_get(&s->status);

    /* every non-migratable device, then every blocker of this mode */
    info->blocked_reasons = migration_blocker_reasons(migrate_mode(), NULL);
    qemu_savevm_non_migratable_list(&info->blocked_reasons);
    if (st == MIGRATION_STATUS_NONE) {
        return;
    }
    info->has_status = true;
    info->status = st;
    switch (st) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_FAILED:
    case MIGRATION_STATUS_CANCELLED:
        break;
    default:
        info->has_setup_time = true;
        info->setup_time = s->setup_time;
        info->has_total_time = true;
        info->total_time = st == MIGRATION_STATUS_COMPLETED ?
            s->total_time : migration_now_ms() - s->start_time;
        if (st == MIGRATION_STATUS_COMPLETED) {
            info->has_downtime = true;
            info->downtime = s->downtime;
        } else {
            info->has_expected_downtime = true;
            info->expected_downtime = s->expected_downtime;
        }
        fill_ram_info(s, info, st);
        if (cpu_throttle_active()) {
            info->has_cpu_throttle_percentage = true;
            info->cpu_throttle_percentage = cpu_throttle_get_percentage();
        }
        break;
    }
}

static void fill_destination_info(MigrationIncomingState *mis,
                                  MigrationInfo *info)
{
    int st = g_atomic_int_get(&mis->status);

    if (st == MIGRATION_STATUS_NONE) {
        return;
    }
    info->has_status = true;
    info->status = st;
    if (mis->socket_address) {
        SocketAddressList **tail = &info->socket_address;

        for (SocketAddressList *l = mis->socket_address; l; l = l->next) {
            SocketAddressList *e = g_new0(SocketAddressList, 1);
            MigrationAddress tmp = { .transport =
                                     MIGRATION_ADDRESS_TYPE_SOCKET };
            MigrationAddress *copy;

            tmp.u.socket = *l->value;
            copy = migration_address_clone(&tmp);
            e->value = g_new0(SocketAddress, 1);
            *e->value = copy->u.socket;
            g_free(copy);
            *tail = e;
            tail = &e->next;
        }
    }
    g_mutex_lock(&mis->error_mutex);
    if (mis->error) {
        info->error_desc = g_strdup(error_get_pretty(mis->error));
    }
    g_mutex_unlock(&mis->error_mutex);
}

MigrationInfo *qmp_query_migrate(Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationInfo *info = g_new0(MigrationInfo, 1);

    fill_destination_info(migration_incoming_get_current(), info);
    fill_source_info(s, info);
    if (!info->error_desc) {
        g_mutex_lock(&s->error_mutex);
        if (s->error) {
            info->error_desc = g_strdup(error_get_pretty(s->error));
        }
        g_mutex_unlock(&s->error_mutex);
    }
    return info;
}
