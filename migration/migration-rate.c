/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pacing of the outgoing migration: bytes sent, the max-bandwidth budget
 * per 100 ms window, the bandwidth measured from it, the threshold that
 * fits downtime-limit, and when to switch over.
 */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/ram.h"

/* ---- rate limiting ---- */

uint64_t migration_transferred_bytes(MigrationState *s)
{
    uint64_t extra = __atomic_load_n(&s->rate_limit_extra, __ATOMIC_RELAXED);

    return (s->to_dst_file ? qemu_file_transferred(s->to_dst_file) : 0) +
           extra;
}

bool migration_rate_exceeded(QEMUFile *f)
{
    MigrationState *s = migrate_get_current();
    uint64_t used;

    if (migration_has_failed(s)) {
        return true;
    }
    if (!s->rate_limit_max) {
        return false;
    }
    used = qemu_file_transferred(f) + s->rate_limit_extra -
           s->rate_limit_start_bytes;
    return used >= s->rate_limit_max;
}

void migration_rate_account(uint64_t len)
{
    __atomic_add_fetch(&migrate_get_current()->rate_limit_extra, len,
                       __ATOMIC_RELAXED);
}

uint64_t migration_rate_get(void)
{
    return migrate_get_current()->rate_limit_max * 1000 /
           MIGRATION_BUFFER_DELAY_MS;
}

void migration_rate_reset(MigrationState *s)
{
    s->rate_limit_start_bytes = migration_transferred_bytes(s);
}

static void migration_update_counters(MigrationState *s, int64_t now)
{
    uint64_t bytes = migration_transferred_bytes(s);
    uint64_t transferred = bytes - s->iteration_initial_bytes;
    int64_t spent = now - s->iteration_start_time;
    uint64_t switchover_bw = migrate_avail_switchover_bandwidth();
    double bw_per_ms;
    RAMStats rs;

    if (spent < MIGRATION_BUFFER_DELAY_MS) {
        return;
    }
    ram_stats_get(&rs);
    bw_per_ms = (double)transferred / spent;
    if (switchover_bw) {
        bw_per_ms = (double)switchover_bw / 1000;
    }
    s->threshold_size = bw_per_ms * migrate_downtime_limit();
    s->mbps = ((double)transferred * 8.0 / ((double)spent / 1000.0)) / 1e6;
    s->pages_per_second = (rs.normal + rs.duplicate -
                           s->iteration_initial_pages) * 1000 / spent;
    if (rs.dirty_pages_rate && transferred > 10000 && bw_per_ms > 0) {
        s->expected_downtime = rs.remaining / bw_per_ms;
    }
    s->iteration_start_time = now;
    s->iteration_initial_bytes = bytes;
    s->iteration_initial_pages = rs.normal + rs.duplicate;
    migration_rate_reset(s);
}

/* Sleep out the rest of the window once its byte budget is spent. */
void migration_rate_limit(MigrationState *s)
{
    int64_t now = migration_now_ms();
    int64_t window_end = s->iteration_start_time + MIGRATION_BUFFER_DELAY_MS;

    if (now < window_end && migration_rate_exceeded(s->to_dst_file) &&
        !migration_has_failed(s)) {
        g_usleep((window_end - now) * 1000);
        now = migration_now_ms();
    }
    if (now >= window_end) {
        migration_update_counters(s, now);
    }
}

/*
 * The remaining data fits the downtime limit: switch over now, or is one
 * more live pass worth it?  While each exact sync still finds at most half
 * of what the previous one did, the guest is not re-dirtying as fast as we
 * send, and another pass shrinks what must go while it is stopped (the
 * downtime limit is a ceiling, not a target).  Once it stops halving, or
 * little is left, switch.  At most log2(RAM / floor) extra passes.
 */
#define SWITCHOVER_SMALL_BYTES (1 << 20)

bool migration_switchover_now(MigrationState *s, uint64_t pending)
{
    uint64_t prev = s->last_exact_pending;

    s->last_exact_pending = pending;
    return pending <= SWITCHOVER_SMALL_BYTES || pending > prev / 2;
}

/*
 * Bytes that fit the downtime limit.  Before the first 100 ms window has
 * measured the bandwidth, what this window has sent so far stands in, so
 * a small guest need not wait for the window to end.
 */
uint64_t migration_threshold(MigrationState *s)
{
    int64_t spent;

    if (s->threshold_size || migrate_avail_switchover_bandwidth()) {
        return s->threshold_size;
    }
    spent = MAX(migration_now_ms() - s->iteration_start_time, 1);
    return (double)(migration_transferred_bytes(s) -
                    s->iteration_initial_bytes) / spent *
           migrate_downtime_limit();
}
