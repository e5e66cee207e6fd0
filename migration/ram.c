/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "ram" section: registration, the block list and the RAM counters. */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/options.h"
#include "migration/misc.h"
#include "migration/ram-internal.h"

RAMStats ram_counters;

/* The one RAMState of the outgoing side; the handlers get it as opaque. */
static RAMState ram_state;

static const SaveVMHandlers savevm_ram_handlers = {
    .save_setup = ram_save_setup,
    .save_live_iterate = ram_save_iterate,
    .save_live_complete_precopy = ram_save_complete,
    .state_pending_estimate = ram_state_pending_estimate,
    .state_pending_exact = ram_state_pending_exact,
    .save_cleanup = ram_save_cleanup,
    .load_setup = ram_load_setup,
    .load_state = ram_load,
    .load_cleanup = ram_load_cleanup,
};

void ram_mig_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    register_savevm_live("ram", 0, RAM_SECTION_VERSION,
                         &savevm_ram_handlers, &ram_state);
}

bool ram_block_is_migratable(const RAMBlock *rb)
{
    return rb->size > 0 && rb->host;
}

bool ram_block_is_ignored(const RAMBlock *rb)
{
    MigMode mode = migrate_mode();

    if (mode == MIG_MODE_CPR_TRANSFER || mode == MIG_MODE_CPR_EXEC) {
        /* the new process maps this very memory (its fd is in CPR state
         * or it reopens the file); RAM without an fd is blocked */
        return rb->fd >= 0 && rb->shared;
    }
    return migrate_ignore_shared() && rb->shared && rb->mem_path;
}

typedef struct BlockGpa {
    const RAMBlock *rb;
    uint64_t gpa;
    bool found;
} BlockGpa;

static void find_gpa(GuestMemMapping *m, void *opaque)
{
    BlockGpa *g = opaque;

    if (!g->found && m->block == g->rb && m->offset == 0) {
        g->gpa = m->gpa;
        g->found = true;
    }
}

uint64_t ram_block_gpa(const RAMBlock *rb)
{
    BlockGpa g = { .rb = rb };

    memory_mapping_foreach(find_gpa, &g);
    return g.gpa;
}

static void add_size(RAMBlock *rb, void *opaque)
{
    if (ram_block_is_migratable(rb) && !ram_block_is_ignored(rb)) {
        *(uint64_t *)opaque += rb->size;
    }
}

static void add_size_with_ignored(RAMBlock *rb, void *opaque)
{
    if (ram_block_is_migratable(rb)) {
        *(uint64_t *)opaque += rb->size;
    }
}

uint64_t ram_bytes_total(void)
{
    uint64_t total = 0;

    ram_block_foreach(add_size, &total);
    return total;
}

uint64_t ram_bytes_total_with_ignored(void)
{
    uint64_t total = 0;

    ram_block_foreach(add_size_with_ignored, &total);
    return total;
}

int64_t ram_clock_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

const RAMMultifdOps *ram_multifd;

void ram_set_multifd_ops(const RAMMultifdOps *ops)
{
    ram_multifd = ops;
}

const RAMMappedOps *ram_mapped;

void ram_set_mapped_ops(const RAMMappedOps *ops)
{
    ram_mapped = ops;
}

void ram_multifd_account(uint64_t bytes, uint32_t normal, uint32_t zero)
{
    bool last = __atomic_load_n(&ram_state.last_stage, __ATOMIC_RELAXED);

    ram_stat_add(&ram_counters.transferred, bytes);
    ram_stat_add(&ram_counters.multifd_bytes, bytes);
    ram_stat_add(last ? &ram_counters.downtime_bytes
                      : &ram_counters.precopy_bytes, bytes);
    ram_stat_add(&ram_counters.normal, normal);
    ram_stat_add(&ram_counters.duplicate, zero);
}

void ram_stats_get(RAMStats *stats)
{
    stats->transferred = ram_stat_get(&ram_counters.transferred);
    stats->duplicate = ram_stat_get(&ram_counters.duplicate);
    stats->normal = ram_stat_get(&ram_counters.normal);
    stats->normal_bytes = stats->normal * TARGET_PAGE_SIZE;
    stats->dirty_sync_count = ram_stat_get(&ram_counters.dirty_sync_count);
    stats->dirty_pages_rate = ram_stat_get(&ram_counters.dirty_pages_rate);
    stats->precopy_bytes = ram_stat_get(&ram_counters.precopy_bytes);
    stats->downtime_bytes = ram_stat_get(&ram_counters.downtime_bytes);
    stats->remaining = ram_stat_get(&ram_counters.remaining);
    stats->multifd_bytes = ram_stat_get(&ram_counters.multifd_bytes);
    stats->pages_per_second = ram_stat_get(&ram_counters.pages_per_second);
    stats->total = ram_bytes_total();
    stats->page_size = TARGET_PAGE_SIZE;
}

void ram_stats_reset(void)
{
    ram_stat_set(&ram_counters.transferred, 0);
    ram_stat_set(&ram_counters.duplicate, 0);
    ram_stat_set(&ram_counters.normal, 0);
    ram_stat_set(&ram_counters.dirty_sync_count, 0);
    ram_stat_set(&ram_counters.dirty_pages_rate, 0);
    ram_stat_set(&ram_counters.precopy_bytes, 0);
    ram_stat_set(&ram_counters.downtime_bytes, 0);
    ram_stat_set(&ram_counters.remaining, 0);
    ram_stat_set(&ram_counters.multifd_bytes, 0);
    ram_stat_set(&ram_counters.pages_per_second, 0);
}

void ram_dirty_period_get(uint64_t *bytes_dirtied, uint64_t *bytes_sent)
{
    /* Read by the migration thread, which also writes them. */
    *bytes_dirtied = ram_state.sync_dirtied * TARGET_PAGE_SIZE;
    *bytes_sent = ram_state.bytes_sent_period;
}
