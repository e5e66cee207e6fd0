/* SPDX-License-Identifier: GPL-2.0-or-later */
/* auto-converge: slow the vCPUs down when pre-copy cannot keep up. */
#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "migration/options.h"
#include "migration/ram.h"

/* Periods in a row that dirtied more than the threshold (migration
 * thread only). */
static int dirty_rate_high_cnt;

void ram_throttle_reset(void)
{
    dirty_rate_high_cnt = 0;
}

/* Throttle harder: start at cpu-throttle-initial, then add the increment
 * (or, with tailslow, what should bring the dirty rate down to the
 * threshold), up to max-cpu-throttle.  QEMU's mig_throttle_guest_down. */
static void ram_throttle_guest_down(uint64_t dirtied, uint64_t threshold)
{
    int now = cpu_throttle_get_percentage();
    uint64_t inc = migrate_cpu_throttle_increment();

    if (!now) {
        cpu_throttle_set(migrate_cpu_throttle_initial());
        return;
    }
    if (migrate_cpu_throttle_tailslow() && dirtied) {
        uint64_t cpu_now = 100 - now;
        uint64_t cpu_ideal = cpu_now * ((double)threshold / dirtied);

        inc = MIN(cpu_now - MIN(cpu_ideal, cpu_now), inc);
    }
    cpu_throttle_set(MIN(now + inc, (uint64_t)migrate_max_cpu_throttle()));
}

/*
 * QEMU's migration_trigger_throttle: when the guest dirtied more than
 * throttle-trigger-threshold % of what was sent in the period, for the
 * second time, start or increase throttling.
 */
void ram_throttle_period(uint64_t bytes_dirtied, uint64_t bytes_sent)
{
    uint64_t threshold = bytes_sent * migrate_throttle_trigger_threshold()
                         / 100;

    if (!migrate_auto_converge()) {
        return;
    }
    if (bytes_dirtied > threshold && ++dirty_rate_high_cnt >= 2) {
        dirty_rate_high_cnt = 0;
        ram_throttle_guest_down(bytes_dirtied, threshold);
    }
}
