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

/* Bytes sent so far: the main stream plus the multifd channels. */
static uint64_t ram_bytes_out(QEMUFile *f)
{
    return qemu_file_transferred(f) +
           ram_stat_get(&ram_counters.multifd_bytes);
}

static void ram_rate_window_maybe_reset(RAMState *rs, QEMUFile *f)
{
    int64_t now = ram_clock_ms();

    if (now - rs->rate_start_ms >= RATE_WINDOW_MS) {
        rs->rate_start_ms = now;
        rs->rate_start_bytes = ram_bytes_out(f);
    }
}

/* Checked per page: the clock is read only once the budget looks spent
 * (a window that has not spent it has nothing to reset). */
static bool ram_rate_exceeded(RAMState *rs, QEMUFile *f)
{
    uint64_t limit = ram_rate_window_bytes(rs);

    if (limit == UINT64_MAX ||
        ram_bytes_out(f) - rs->rate_start_bytes < limit) {
        return false;
    }
    ram_rate_window_maybe_reset(rs, f);
    return ram_bytes_out(f) - rs->rate_start_bytes >= limit;
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

/*
 * Is the page zero?  A page of private anonymous RAM that was never
 * populated is, without reading it (an idle guest's RAM is mostly such
 * pages); any other page is scanned.
 */
static bool ram_page_is_zero(RAMState *rs, RAMBlock *rb, uint64_t offset)
{
    const uint8_t *p = rb->host + offset;

    return ram_page_untouched(&rs->untouched, rb, p) ||
           buffer_is_zero(p, TARGET_PAGE_SIZE);
}

static bool ram_detect_zero(void)
{
    /* "multifd" detection without multifd falls back to the legacy
     * detection in this thread, as QEMU's non-multifd path does. */
    return migrate_zero_page_detection() != ZERO_PAGE_DETECTION_NONE;
}

/*
 * mapped-ram: a zero page is left out of the file (its bit cleared, in
 * case an earlier round wrote it); any other page goes to its offset, from
 * this thread or from a multifd channel.  0 or -EIO.
 */
static int ram_save_page_mapped(RAMState *rs, QEMUFile *f, RAMBlockState *bs,
                                uint64_t offset, bool multifd, bool detect)
{
    int fd;
    Error *err = NULL;

    if (detect && ram_page_is_zero(rs, bs->rb, offset)) {
        ram_mapped->clear_page(bs->rb, offset);
        ram_stat_add(&ram_counters.duplicate, 1);
        return 0;
    }
    if (multifd) {
        return ram_multifd->queue_page(bs->rb, offset) ? 0 : -EIO;
    }
    fd = ram_mapped->page_fd(qemu_file_get_fd(f), &err);
    if (fd < 0 || !ram_mapped->write_page(fd, bs->rb, offset, &err)) {
        error_report_err(err);
        return -EIO;
    }
    ram_stat_add(&ram_counters.normal, 1);
    ram_account(rs, TARGET_PAGE_SIZE);
    ram_mapped->account(TARGET_PAGE_SIZE);
    return 0;
}

/*
 * Send one page: in the main stream, or queued for a multifd channel
 * (whose thread detects zero pages, unless zero-page-detection is
 * "legacy": then this thread does, and zero pages stay in the main
 * stream, as QEMU does).  0 or -EIO.
 */
static int ram_save_page(RAMState *rs, QEMUFile *f, RAMBlockState *bs,
                         uint64_t page)
{
    uint64_t offset = page << TARGET_PAGE_BITS;
    const uint8_t *p = bs->rb->host + offset;
    uint64_t bytes;
    bool multifd = ram_multifd_active();
    bool detect = multifd ? migrate_zero_page_detection() ==
                            ZERO_PAGE_DETECTION_LEGACY : ram_detect_zero();

    if (ram_mapped_active()) {
        return ram_save_page_mapped(rs, f, bs, offset, multifd, detect);
    }
    if (detect && ram_page_is_zero(rs, bs->rb, offset)) {
        bytes = save_page_header(rs, f, bs->rb, offset | RAM_SAVE_FLAG_ZERO);
        qemu_put_byte(f, 0);
        ram_stat_add(&ram_counters.duplicate, 1);
        ram_account(rs, bytes + 1);
        return 0;
    }
    if (multifd) {
        return ram_multifd->queue_page(bs->rb, offset) ? 0 : -EIO;
    }
    bytes = save_page_header(rs, f, bs->rb, offset | RAM_SAVE_FLAG_PAGE);
    qemu_put_buffer(f, p, TARGET_PAGE_SIZE);
    ram_stat_add(&ram_counters.normal, 1);
    ram_account(rs, bytes + TARGET_PAGE_SIZE);
    return 0;
}

/*
 * multifd: send what is queued, SYNC every channel and put MULTIFD_FLUSH
 * in the main stream.  Done at the end of every round of the scan, so a
 * page sent again in the next round reaches the destination's RAM after
 * the copy of this round (QEMU's per-round flush).  0 or -errno.
 */
static int ram_multifd_flush(RAMState *rs, QEMUFile *f)
{
    int ret;

    if (!ram_multifd_active()) {
        return 0;
    }
    ret = ram_multifd->flush_and_sync(f);
    if (ret < 0) {
        rs->error = ret;
        return ret;
    }
    if (!ram_mapped_active()) {
        ram_account(rs, 8);         /* the MULTIFD_FLUSH record */
    }
    return 0;
}

/* Send the next dirty page after the scan position: 1 if one was sent,
 * 0 if none is dirty, or -errno. */
static int ram_find_and_save_page(RAMState *rs, QEMUFile *f)
{
    if (!rs->dirty_pages) {
        return 0;
    }
    /* dirty_pages > 0, so some block has a bit set: at most one wrap. */
    for (size_t visited = 0; visited <= rs->nr_blocks; visited++) {
        RAMBlockState *bs;
        uint64_t page;

        if (rs->cur_block >= rs->nr_blocks) {
            int ret = ram_multifd_flush(rs, f);     /* a round ends */

            if (ret < 0) {
                return ret;
            }
            rs->cur_block = 0;
            rs->cur_page = 0;
            rs->last_sent_block = NULL;
        }
        bs = &rs->blocks[rs->cur_block];
        page = ram_bitmap_find_next(bs, rs->cur_page);
        if (page < bs->pages) {
            int ret;

            ram_bitmap_test_and_clear(rs, bs, page);
            ret = ram_save_page(rs, f, bs, page);
            if (ret < 0) {
                rs->error = ret;
                return ret;
            }
            rs->cur_page = page + 1;
            return 1;
        }
        rs->cur_block++;
        rs->cur_page = 0;
    }
    return 0;
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
    pagemap_cache_init(&rs->untouched);
    ram_stats_reset();
    rs->rate_start_ms = rs->pps_start_ms = ram_clock_ms();
    rs->rate_start_bytes = ram_bytes_out(f);
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

    qemu_put_be64(f, ram_bytes_total_with_ignored() | RAM_SAVE_FLAG_MEM_SIZE);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMBlock *rb = rs->blocks[i].rb;
        size_t len = strlen(rb->idstr);

        qemu_put_byte(f, len);
        qemu_put_buffer(f, (const uint8_t *)rb->idstr, len);
        qemu_put_be64(f, rb->size);
        bytes += 1 + len + 8;
        if (migrate_ignore_shared()) {
            qemu_put_be64(f, ram_block_gpa(rb));
            bytes += 8;
        }
        if (ram_mapped_active()) {
            if (i == 0) {
                ram_mapped->save_reset();
            }
            if (!ram_mapped->save_block(f, rb, errp)) {
                ram_save_cleanup(rs);
                return -EIO;
            }
            bytes += 28;           /* MappedRamHeader */
        }
    }
    ram_account(rs, bytes);
    if (ram_multifd_flush(rs, f) < 0) {
        error_setg(errp, "multifd synchronization failed");
        return rs->error;
    }
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
        int r = ram_find_and_save_page(rs, f);

        if (r < 0) {
            return r;
        }
        if (!r) {
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
    __atomic_store_n(&rs->last_stage, true, __ATOMIC_RELAXED);
    rs->last_sent_block = NULL;
    if (!migration_bitmap_sync(rs, &err)) {
        error_report_err(err);
        return -EIO;
    }
    for (;;) {
        int r = ram_find_and_save_page(rs, f);

        if (r < 0) {
            return r;
        }
        if (!r || qemu_file_get_error(f)) {
            break;
        }
    }
    /* every page is on the destination before the device state */
    ret = ram_multifd_flush(rs, f);
    if (ret < 0) {
        return ret;
    }
    if (ram_mapped_active() &&
        !ram_mapped->save_bitmaps(qemu_file_get_fd(f), &err)) {
        error_report_err(err);
        return -EIO;
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
    pagemap_cache_destroy(&rs->untouched);
    if (ram_mapped) {
        ram_mapped->save_cleanup();
    }
    rs->cur_block = 0;
    rs->cur_page = 0;
    rs->last_sent_block = NULL;
    rs->last_stage = false;
}
