/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "ram" section, source side: setup, pre-copy iterations, completion. */
#include "qemu/osdep.h"
#include "qemu/bufferiszero.h"
#include "migration/options.h"
#include "migration/ram-internal.h"

/* Length of the rate-limit window, as QEMU's BUFFER_DELAY. */
#define RATE_WINDOW_MS 100
/* Longest time one iteration may spend sending before it yields. */
#define ITERATE_MAX_MS 50

/*
 * Bandwidth limit: max-bandwidth bytes per second, enforced per 100 ms
 * window over every byte written to f.  Off in the last stage (downtime
 * is what counts then) and when max-bandwidth is 0.
 */
static uint64_t ram_rate_window_bytes(RAMState *rs)
{
    uint64_t bw = migrate_max_bandwidth();

    if (rs->last_stage || !bw) {
        return UINT64_MAX;
    }
    return MAX(bw / (1000 / RATE_WINDOW_MS), 1);
}

static void ram_rate_window_maybe_reset(RAMState *rs, QEMUFile *f)
{
    int64_t now = ram_clock_ms();

    if (now - rs->rate_start_ms >= RATE_WINDOW_MS) {
        rs->rate_start_ms = now;
        rs->rate_start_bytes = qemu_file_transferred(f);
    }
}

static bool ram_rate_exceeded(RAMState *rs, QEMUFile *f)
{
    uint64_t limit = ram_rate_window_bytes(rs);

    if (limit == UINT64_MAX) {
        return false;
    }
    ram_rate_window_maybe_reset(rs, f);
    return qemu_file_transferred(f) - rs->rate_start_bytes >= limit;
}

/* If this window's budget is spent, sleep until the next window. */
static void ram_rate_wait(RAMState *rs, QEMUFile *f)
{
    int64_t left;

    if (!ram_rate_exceeded(rs, f)) {
        return;
    }
    left = rs->rate_start_ms + RATE_WINDOW_MS - ram_clock_ms();
    if (left > 0) {
        g_usleep(left * 1000);
    }
    ram_rate_window_maybe_reset(rs, f);
}

static void ram_account(RAMState *rs, uint64_t bytes)
{
    ram_stat_add(&ram_counters.transferred, bytes);
    ram_stat_add(rs->last_stage ? &ram_counters.downtime_bytes
                                : &ram_counters.precopy_bytes, bytes);
}

/* be64 offset|flags, then the block name unless it repeats. */
static uint64_t save_page_header(RAMState *rs, QEMUFile *f, RAMBlock *rb,
                                 uint64_t offset_flags)
{
    size_t len;

    if (rb == rs->last_sent_block) {
        qemu_put_be64(f, offset_flags | RAM_SAVE_FLAG_CONTINUE);
        return 8;
    }
    qemu_put_be64(f, offset_flags);
    len = strlen(rb->idstr);
    qemu_put_byte(f, len);
    qemu_put_buffer(f, (const uint8_t *)rb->idstr, len);
    rs->last_sent_block = rb;
    return 9 + len;
}

static bool ram_detect_zero(void)
{
    /* "multifd" detection without multifd falls back to the legacy
     * detection in this thread, as QEMU's non-multifd path does. */
    return migrate_zero_page_detection() != ZERO_PAGE_DETECTION_NONE;
}

static void ram_save_page(RAMState *rs, QEMUFile *f, RAMBlockState *bs,
                          uint64_t page)
{
    uint64_t offset = page << TARGET_PAGE_BITS;
    const uint8_t *p = bs->rb->host + offset;
    uint64_t bytes;

    if (ram_detect_zero() && buffer_is_zero(p, TARGET_PAGE_SIZE)) {
        bytes = save_page_header(rs, f, bs->rb, offset | RAM_SAVE_FLAG_ZERO);
        qemu_put_byte(f, 0);
        ram_stat_add(&ram_counters.duplicate, 1);
        ram_account(rs, bytes + 1);
        return;
    }
    bytes = save_page_header(rs, f, bs->rb, offset | RAM_SAVE_FLAG_PAGE);
    qemu_put_buffer(f, p, TARGET_PAGE_SIZE);
    ram_stat_add(&ram_counters.normal, 1);
    ram_account(rs, bytes + TARGET_PAGE_SIZE);
}

/* Send the next dirty page after the scan position; false if none. */
static bool ram_find_and_save_page(RAMState *rs, QEMUFile *f)
{
    if (!rs->dirty_pages) {
        return false;
    }
    /* dirty_pages > 0, so some block has a bit set: at most one wrap. */
    for (size_t visited = 0; visited <= rs->nr_blocks; visited++) {
        RAMBlockState *bs;
        uint64_t page;

        if (rs->cur_block >= rs->nr_blocks) {
            rs->cur_block = 0;
            rs->cur_page = 0;
        }
        bs = &rs->blocks[rs->cur_block];
        page = ram_bitmap_find_next(bs, rs->cur_page);
        if (page < bs->pages) {
            ram_bitmap_test_and_clear(rs, bs, page);
            ram_save_page(rs, f, bs, page);
            rs->cur_page = page + 1;
            return true;
        }
        rs->cur_block++;
        rs->cur_page = 0;
    }
    return false;
}

static void ram_update_pages_per_second(RAMState *rs)
{
    int64_t now = ram_clock_ms();
    uint64_t pages = ram_stat_get(&ram_counters.normal) +
                     ram_stat_get(&ram_counters.duplicate);

    if (now - rs->pps_start_ms >= 1000) {
        ram_stat_set(&ram_counters.pages_per_second,
                     (pages - rs->pps_start_pages) * 1000 /
                     (uint64_t)(now - rs->pps_start_ms));
        rs->pps_start_ms = now;
        rs->pps_start_pages = pages;
    }
}

static void ram_put_eos(RAMState *rs, QEMUFile *f)
{
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    ram_account(rs, 8);
}

int ram_save_setup(QEMUFile *f, void *opaque, Error **errp)
{
    RAMState *rs = opaque;
    uint64_t bytes = 8;

    ram_save_cleanup(rs);
    memset(rs, 0, sizeof(*rs));
    ram_stats_reset();
    rs->rate_start_ms = rs->pps_start_ms = ram_clock_ms();
    rs->rate_start_bytes = qemu_file_transferred(f);
    if (!ram_state_init_bitmaps(rs, errp)) {
        ram_save_cleanup(rs);
        return -EINVAL;
    }
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        if (strlen(rs->blocks[i].rb->idstr) > 255) {
            error_setg(errp, "RAM block name '%s' is longer than 255 bytes",
                       rs->blocks[i].rb->idstr);
            ram_save_cleanup(rs);
            return -EINVAL;
        }
    }
    /* The first sync arms the accelerator's tracking: from here on every
     * guest write shows up in a later sync.  All pages are dirty anyway. */
    if (!migration_bitmap_sync(rs, errp)) {
        ram_save_cleanup(rs);
        return -EIO;
    }

    qemu_put_be64(f, ram_bytes_total() | RAM_SAVE_FLAG_MEM_SIZE);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMBlock *rb = rs->blocks[i].rb;
        size_t len = strlen(rb->idstr);

        qemu_put_byte(f, len);
        qemu_put_buffer(f, (const uint8_t *)rb->idstr, len);
        qemu_put_be64(f, rb->size);
        bytes += 1 + len + 8;
    }
    ram_account(rs, bytes);
    ram_put_eos(rs, f);
    return qemu_file_get_error(f);
}

int ram_save_iterate(QEMUFile *f, void *opaque)
{
    RAMState *rs = opaque;
    int64_t start = ram_clock_ms();
    int done = 0;
    int ret;

    if (rs->error) {
        return rs->error;
    }
    ram_rate_wait(rs, f);
    rs->last_sent_block = NULL;
    for (unsigned i = 1; !ram_rate_exceeded(rs, f); i++) {
        if (!ram_find_and_save_page(rs, f)) {
            done = 1;
            break;
        }
        if (qemu_file_get_error(f)) {
            break;
        }
        if (!(i & 63) && ram_clock_ms() - start > ITERATE_MAX_MS) {
            break;
        }
    }
    ram_put_eos(rs, f);
    ram_stat_set(&ram_counters.remaining, rs->dirty_pages * TARGET_PAGE_SIZE);
    ram_update_pages_per_second(rs);
    ret = qemu_file_get_error(f);
    return ret < 0 ? ret : done;
}

int ram_save_complete(QEMUFile *f, void *opaque)
{
    RAMState *rs = opaque;
    Error *err = NULL;
    int ret;

    if (rs->error) {
        return rs->error;
    }
    rs->last_stage = true;
    rs->last_sent_block = NULL;
    if (!migration_bitmap_sync(rs, &err)) {
        error_report_err(err);
        return -EIO;
    }
    while (ram_find_and_save_page(rs, f)) {
        if (qemu_file_get_error(f)) {
            break;
        }
    }
    ram_put_eos(rs, f);
    ram_stat_set(&ram_counters.remaining, rs->dirty_pages * TARGET_PAGE_SIZE);
    ret = qemu_file_get_error(f);
    return ret < 0 ? ret : 0;
}

void ram_state_pending_estimate(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy)
{
    RAMState *rs = opaque;

    *must_precopy += rs->dirty_pages * TARGET_PAGE_SIZE;
}

void ram_state_pending_exact(void *opaque, uint64_t *must_precopy,
                             uint64_t *can_postcopy)
{
    RAMState *rs = opaque;
    Error *err = NULL;

    if (!rs->last_stage && !rs->error && rs->nr_blocks) {
        if (!migration_bitmap_sync(rs, &err)) {
            error_report_err(err);
            rs->error = -EIO;
        }
    }
    *must_precopy += rs->dirty_pages * TARGET_PAGE_SIZE;
}

void ram_save_cleanup(void *opaque)
{
    RAMState *rs = opaque;

    ram_state_free_bitmaps(rs);
    rs->cur_block = 0;
    rs->cur_page = 0;
    rs->last_sent_block = NULL;
    rs->last_stage = false;
}
