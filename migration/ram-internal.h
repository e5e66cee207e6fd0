/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State shared by the RAM iterator's files (ram.c, ram-dirty.c,
 * ram-save.c, ram-load.c).  Private to them.
 */
#ifndef MIGRATION_RAM_INTERNAL_H
#define MIGRATION_RAM_INTERNAL_H

#include "qemu/pagemap.h"
#include "migration/qemu-file.h"
#include "system/memory.h"
#include "migration/ram.h"

#define BITS_PER_LONG (sizeof(unsigned long) * 8)
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* One migratable RAM block and its dirty bitmap (bit = target page). */
typedef struct RAMBlockState {
    RAMBlock *rb;
    uint64_t pages;
    unsigned long *bmap;
    bool ignored;             /* ram_block_is_ignored(): never dirty */
} RAMBlockState;

/* One guest mapping's scratch bitmap for the accelerator's sync. */
typedef struct RAMMapState {
    GuestMemMapping *m;
    RAMBlockState *bs;        /* the block it maps */
    uint64_t pages;
    unsigned long *scratch;   /* sized in 64-bit words, as KVM writes */
} RAMMapState;

/* The outgoing side of one migration (migration thread only). */
typedef struct RAMState {
    RAMBlockState *blocks;
    size_t nr_blocks;
    RAMMapState *maps;
    size_t nr_maps;
    uint64_t dirty_pages;       /* bits set over all bmaps */
    bool dirty_log_on;          /* dirty_log_start succeeded */
    bool track_all;             /* no dirty log: every sync dirties all */
    /* Scan position: the next page to look at. */
    size_t cur_block;
    uint64_t cur_page;
    RAMBlock *last_sent_block;  /* for CONTINUE */
    bool last_stage;            /* in complete_precopy: guest stopped */
    int error;                  /* a failed sync outside iterate: -errno */
    /* Dirty-rate period (since the last rate computation). */
    int64_t period_start_ms;
    uint64_t period_dirtied;    /* pages newly dirty in this period */
    uint64_t sync_dirtied;      /* pages newly dirty at the last sync */
    uint64_t bytes_at_sync;     /* ram transferred at the previous sync */
    uint64_t bytes_sent_period; /* bytes sent between the last two syncs */
    /* Rate limit window. */
    int64_t rate_start_ms;
    uint64_t rate_start_bytes;
    /* pages-per-second measurement */
    int64_t pps_start_ms;
    uint64_t pps_start_pages;
    /* bytes sent at the start of the dirty-rate period (auto-converge) */
    uint64_t throttle_bytes_prev;
    /* Never-populated pages of private anonymous blocks: zero without
     * reading them.  Dropped at every sync (a page written after the
     * snapshot is dirty in the next sync and sent again then). */
    PageMapCache untouched;
} RAMState;

/*
 * Was this page of rb never populated (so it reads as zeros)?  Only
 * private anonymous blocks can say so; see qemu/pagemap.h.
 */
static inline bool ram_page_untouched(PageMapCache *c, RAMBlock *rb,
                                      const uint8_t *host)
{
    return rb->fd < 0 && !rb->shared &&
           pagemap_page_untouched(c, host, rb->host + rb->size);
}

/* ram-prefault.c: the loader's helper that faults RAM in ahead of a
 * dense run of normal pages into fresh RAM (main stream only; loader
 * thread).  fresh: the page was never populated before this record. */
void ram_prefault_start(void);
void ram_prefault_stop(void);
void ram_prefault_note_page(RAMBlock *rb, uint64_t offset, bool fresh);

/* ram.c: the counters, updated with relaxed atomics */
extern RAMStats ram_counters;
static inline void ram_stat_add(uint64_t *field, uint64_t v)
{
    __atomic_fetch_add(field, v, __ATOMIC_RELAXED);
}
static inline void ram_stat_set(uint64_t *field, uint64_t v)
{
    __atomic_store_n(field, v, __ATOMIC_RELAXED);
}
static inline uint64_t ram_stat_get(const uint64_t *field)
{
    return __atomic_load_n(field, __ATOMIC_RELAXED);
}
/* Whether a block migrates (every RAM block, today). */
bool ram_block_is_migratable(const RAMBlock *rb);
/*
 * Listed in the stream but its pages are not sent: x-ignore-shared and a
 * shared named file behind it (the destination maps the same file), as
 * QEMU's migrate_ram_is_ignored().
 */
bool ram_block_is_ignored(const RAMBlock *rb);
/* The guest-physical address of the block's offset 0 (its first
 * mapping), sent with x-ignore-shared as QEMU sends mr->addr. */
uint64_t ram_block_gpa(const RAMBlock *rb);
int64_t ram_clock_ms(void);
/* Bytes a multifd channel sent, with the pages of the packet (any
 * thread): counted as transferred, multifd and pre-copy/downtime bytes. */
void ram_multifd_account(uint64_t bytes, uint32_t normal, uint32_t zero);
/* The ops set with ram_set_multifd_ops(), or NULL. */
extern const RAMMultifdOps *ram_multifd;
/* Whether this migration sends its pages over multifd channels. */
static inline bool ram_multifd_active(void)
{
    return ram_multifd && ram_multifd->active();
}

/* The ops set with ram_set_mapped_ops(), or NULL. */
extern const RAMMappedOps *ram_mapped;
/* Whether this migration puts RAM at fixed offsets of a file. */
static inline bool ram_mapped_active(void)
{
    return ram_mapped && ram_mapped->enabled();
}

/* ram-dirty.c */
bool ram_state_init_bitmaps(RAMState *rs, Error **errp);
void ram_state_free_bitmaps(RAMState *rs);
/* Pull the accelerator's dirty log into the bitmaps (counts a sync). */
bool migration_bitmap_sync(RAMState *rs, Error **errp);
/* Test-and-clear the dirty bit of (block, page). */
bool ram_bitmap_test_and_clear(RAMState *rs, RAMBlockState *bs,
                               uint64_t page);
/* The next dirty page at or after page in bs, or bs->pages. */
uint64_t ram_bitmap_find_next(RAMBlockState *bs, uint64_t page);

/* ram-save.c / ram-load.c: the SaveVMHandlers halves */
int ram_save_setup(QEMUFile *f, void *opaque, Error **errp);
int ram_save_iterate(QEMUFile *f, void *opaque);
int ram_save_complete(QEMUFile *f, void *opaque);
void ram_state_pending_estimate(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy);
void ram_state_pending_exact(void *opaque, uint64_t *must_precopy,
                             uint64_t *can_postcopy);
void ram_save_cleanup(void *opaque);
int ram_load_setup(QEMUFile *f, void *opaque, Error **errp);
int ram_load(QEMUFile *f, void *opaque, int version_id);
int ram_load_cleanup(void *opaque);

#endif
