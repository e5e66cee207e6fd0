/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RAM dirty bitmaps: per-block bitmaps fed by the accelerator's dirty log. */
#include "qemu/osdep.h"
#include "system/accel-ops.h"
#include "migration/misc.h"
#include "migration/ram-internal.h"

/* Bitmap words the accelerator writes for a mapping of `pages` pages: it
 * works in 64-bit words (KVM_GET_DIRTY_LOG), so round up to those. */
static size_t scratch_longs(uint64_t pages)
{
    return ((pages + 63) / 64) * (64 / BITS_PER_LONG);
}

typedef struct RAMStateBuild {
    RAMState *rs;
    GArray *blocks;
    GArray *maps;
} RAMStateBuild;

static void add_block(RAMBlock *rb, void *opaque)
{
    RAMStateBuild *b = opaque;
    RAMBlockState bs = { .rb = rb };

    if (!ram_block_is_migratable(rb)) {
        return;
    }
    bs.pages = rb->size >> TARGET_PAGE_BITS;
    if (ram_block_is_ignored(rb)) {
        /* listed in the stream, never sent: no bit is ever set */
        bs.bmap = g_new0(unsigned long, BITS_TO_LONGS(bs.pages));
        bs.ignored = true;
        g_array_append_val(b->blocks, bs);
        return;
    }
    bs.bmap = g_new(unsigned long, BITS_TO_LONGS(bs.pages));
    /* Everything is dirty at first: all of RAM is sent once. */
    memset(bs.bmap, 0xff, BITS_TO_LONGS(bs.pages) * sizeof(unsigned long));
    if (bs.pages % BITS_PER_LONG) {
        bs.bmap[bs.pages / BITS_PER_LONG] = (1UL << (bs.pages % BITS_PER_LONG)) - 1;
    }
    b->rs->dirty_pages += bs.pages;
    g_array_append_val(b->blocks, bs);
}

static void add_mapping(GuestMemMapping *m, void *opaque)
{
    RAMStateBuild *b = opaque;
    RAMMapState ms = { .m = m };

    if (m->readonly || m->block->readonly) {
        return;             /* the guest cannot dirty it */
    }
    for (guint i = 0; i < b->blocks->len; i++) {
        RAMBlockState *bs = &g_array_index(b->blocks, RAMBlockState, i);

        if (bs->rb == m->block && !bs->ignored) {
            ms.bs = (RAMBlockState *)(uintptr_t)i;   /* fixed up below */
            ms.pages = m->size >> TARGET_PAGE_BITS;
            ms.scratch = g_new0(unsigned long, scratch_longs(ms.pages));
            g_array_append_val(b->maps, ms);
            return;
        }
    }
}

bool ram_state_init_bitmaps(RAMState *rs, Error **errp)
{
    const AccelOps *accel = current_accel();
    RAMStateBuild b = {
        .rs = rs,
        .blocks = g_array_new(false, true, sizeof(RAMBlockState)),
        .maps = g_array_new(false, true, sizeof(RAMMapState)),
    };

    rs->dirty_pages = 0;
    ram_block_foreach(add_block, &b);
    memory_mapping_foreach(add_mapping, &b);
    rs->nr_blocks = b.blocks->len;
    rs->blocks = (RAMBlockState *)g_array_free(b.blocks, false);
    rs->nr_maps = b.maps->len;
    rs->maps = (RAMMapState *)g_array_free(b.maps, false);
    for (size_t i = 0; i < rs->nr_maps; i++) {
        rs->maps[i].bs = &rs->blocks[(uintptr_t)rs->maps[i].bs];
    }

    if (migrate_mode() != MIG_MODE_NORMAL) {
        /* CPR: the VM stopped before the migration began; nothing is
         * dirtied after this first, complete pass (as QEMU, no tracking) */
        rs->dirty_log_on = false;
        rs->track_all = false;
    } else if (accel && accel->dirty_log_start && accel->dirty_log_sync) {
        if (!accel->dirty_log_start(errp)) {
            return false;
        }
        rs->dirty_log_on = true;
        rs->track_all = false;
    } else {
        /* No dirty log: treat all of RAM as dirty at every sync.  Slow
         * (never converges while the guest runs) but never loses a page. */
        rs->track_all = rs->nr_blocks > 0;
    }
    rs->period_start_ms = ram_clock_ms();
    return true;
}

void ram_state_free_bitmaps(RAMState *rs)
{
    const AccelOps *accel = current_accel();

    if (rs->dirty_log_on && accel && accel->dirty_log_stop) {
        accel->dirty_log_stop();
    }
    rs->dirty_log_on = false;
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        g_free(rs->blocks[i].bmap);
    }
    for (size_t i = 0; i < rs->nr_maps; i++) {
        g_free(rs->maps[i].scratch);
    }
    g_free(rs->blocks);
    g_free(rs->maps);
    rs->blocks = NULL;
    rs->maps = NULL;
    rs->nr_blocks = rs->nr_maps = 0;
    rs->dirty_pages = 0;
}

static inline bool bmap_test_and_set(unsigned long *bmap, uint64_t page)
{
    unsigned long mask = 1UL << (page % BITS_PER_LONG);
    unsigned long *w = &bmap[page / BITS_PER_LONG];
    bool was = *w & mask;

    *w |= mask;
    return was;
}

/* OR a mapping's freshly synced pages into its block; count new ones. */
static uint64_t fold_mapping(RAMMapState *ms)
{
    uint64_t base = ms->m->offset >> TARGET_PAGE_BITS;
    size_t longs = BITS_TO_LONGS(ms->pages);
    uint64_t added = 0;

    for (size_t i = 0; i < longs; i++) {
        unsigned long w = ms->scratch[i];

        while (w) {
            uint64_t page = i * BITS_PER_LONG + __builtin_ctzl(w);

            w &= w - 1;
            if (page >= ms->pages || base + page >= ms->bs->pages) {
                break;
            }
            if (!bmap_test_and_set(ms->bs->bmap, base + page)) {
                added++;
            }
        }
    }
    return added;
}

static uint64_t mark_all_dirty(RAMState *rs)
{
    uint64_t total = 0;

    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMBlockState *bs = &rs->blocks[i];

        memset(bs->bmap, 0xff, BITS_TO_LONGS(bs->pages) * sizeof(long));
        if (bs->pages % BITS_PER_LONG) {
            bs->bmap[bs->pages / BITS_PER_LONG] =
                (1UL << (bs->pages % BITS_PER_LONG)) - 1;
        }
        total += bs->pages;
    }
    return total - rs->dirty_pages;
}

static RAMSyncNotifier *sync_notifier;

void ram_set_sync_notifier(RAMSyncNotifier *fn)
{
    sync_notifier = fn;
}

static RAMPeriodNotifier *period_notifier;

void ram_set_period_notifier(RAMPeriodNotifier *fn)
{
    period_notifier = fn;
}

/* Once per dirty-rate period: tell the core (auto-converge). */
static void ram_period_end(RAMState *rs)
{
    uint64_t sent = ram_stat_get(&ram_counters.transferred);
    uint64_t xfer = sent - rs->throttle_bytes_prev;

    rs->throttle_bytes_prev = sent;
    if (period_notifier && !rs->last_stage) {
        period_notifier(rs->period_dirtied * TARGET_PAGE_SIZE, xfer);
    }
}

static void update_dirty_rate(RAMState *rs, uint64_t added)
{
    int64_t now = ram_clock_ms();

    rs->period_dirtied += added;
    if (now - rs->period_start_ms >= 1000) {
        ram_period_end(rs);
        ram_stat_set(&ram_counters.dirty_pages_rate,
                     rs->period_dirtied * 1000 /
                     (uint64_t)(now - rs->period_start_ms));
        rs->period_dirtied = 0;
        rs->period_start_ms = now;
    }
}

bool migration_bitmap_sync(RAMState *rs, Error **errp)
{
    const AccelOps *accel = current_accel();
    uint64_t added = 0;
    uint64_t transferred, count;

    if (rs->track_all) {
        added = mark_all_dirty(rs);
    } else if (rs->dirty_log_on) {
        for (size_t i = 0; i < rs->nr_maps; i++) {
            RAMMapState *ms = &rs->maps[i];

            memset(ms->scratch, 0,
                   scratch_longs(ms->pages) * sizeof(unsigned long));
            if (!accel->dirty_log_sync(ms->m, ms->scratch, errp)) {
                return false;
            }
            added += fold_mapping(ms);
        }
    }
    rs->dirty_pages += added;
    rs->sync_dirtied = added;
    pagemap_cache_invalidate(&rs->untouched);
    update_dirty_rate(rs, added);

    transferred = ram_stat_get(&ram_counters.transferred);
    rs->bytes_sent_period = transferred - rs->bytes_at_sync;
    rs->bytes_at_sync = transferred;
    ram_stat_set(&ram_counters.remaining, rs->dirty_pages * TARGET_PAGE_SIZE);
    count = __atomic_add_fetch(&ram_counters.dirty_sync_count, 1,
                               __ATOMIC_RELAXED);
    if (sync_notifier) {
        sync_notifier(count);
    }
    return true;
}

bool ram_bitmap_test_and_clear(RAMState *rs, RAMBlockState *bs,
                               uint64_t page)
{
    unsigned long mask = 1UL << (page % BITS_PER_LONG);
    unsigned long *w = &bs->bmap[page / BITS_PER_LONG];

    if (!(*w & mask)) {
        return false;
    }
    *w &= ~mask;
    rs->dirty_pages--;
    return true;
}

uint64_t ram_bitmap_find_next(RAMBlockState *bs, uint64_t page)
{
    size_t longs = BITS_TO_LONGS(bs->pages);
    size_t i = page / BITS_PER_LONG;
    unsigned long w;

    if (page >= bs->pages) {
        return bs->pages;
    }
    w = bs->bmap[i] & (~0UL << (page % BITS_PER_LONG));
    while (!w) {
        if (++i >= longs) {
            return bs->pages;
        }
        w = bs->bmap[i];
    }
    page = i * BITS_PER_LONG + __builtin_ctzl(w);
    return page < bs->pages ? page : bs->pages;
}
