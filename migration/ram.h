/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RAM iterator: the "ram" section (instance 0, version 4), sent
 * iteratively during pre-copy.  Guest RAM comes from the RAM block list
 * (include/system/memory.h); dirty pages come from the accelerator's dirty
 * log (AccelOps dirty_log_start/sync/stop), one bit per target page.
 *
 * Threads: the save handlers run in the outgoing migration thread; the
 * load handlers in whatever thread reads the incoming stream.  The stats
 * getters may be called from any thread (the monitor) at any time.
 */
#ifndef MIGRATION_RAM_H
#define MIGRATION_RAM_H

#include <stdbool.h>
#include <stdint.h>
#include "migration/qemu-file.h"

/* Stream flags, in the low bits of each record's be64 (QEMU's values). */
#define RAM_SAVE_FLAG_FULL           0x001   /* obsolete */
#define RAM_SAVE_FLAG_ZERO           0x002
#define RAM_SAVE_FLAG_MEM_SIZE       0x004
#define RAM_SAVE_FLAG_PAGE           0x008
#define RAM_SAVE_FLAG_EOS            0x010
#define RAM_SAVE_FLAG_CONTINUE       0x020
#define RAM_SAVE_FLAG_XBZRLE         0x040
#define RAM_SAVE_FLAG_HOOK           0x080   /* RDMA only */
#define RAM_SAVE_FLAG_COMPRESS_PAGE  0x100   /* removed in QEMU 9.1 */
#define RAM_SAVE_FLAG_MULTIFD_FLUSH  0x200

#define RAM_SECTION_VERSION 4

/*
 * Counters for query-migrate's "ram" member (MigrationStats).  Bytes are
 * stream bytes written by the RAM iterator (page headers included).
 * A snapshot: ram_stats_get() fills it atomically per member.
 */
typedef struct RAMStats {
    uint64_t transferred;        /* bytes of RAM data sent (all phases) */
    uint64_t duplicate;          /* zero pages sent as ZERO records */
    uint64_t normal;             /* pages sent whole (PAGE records) */
    uint64_t normal_bytes;       /* normal * page size */
    uint64_t dirty_sync_count;   /* bitmap syncs so far (1 after setup) */
    uint64_t dirty_pages_rate;   /* pages dirtied per second, last period */
    uint64_t precopy_bytes;      /* bytes sent while the guest ran */
    uint64_t downtime_bytes;     /* bytes sent after it stopped */
    uint64_t remaining;          /* dirty bytes not yet sent */
    uint64_t multifd_bytes;      /* bytes sent over multifd channels */
    uint64_t total;              /* ram_bytes_total() */
    uint64_t page_size;          /* TARGET_PAGE_SIZE */
    uint64_t pages_per_second;   /* pages sent per second, last iteration */
} RAMStats;

/*
 * Register the "ram" section (register_savevm_live).  Call once at
 * start-up; the RAM block list itself is read when a migration starts.
 */
void ram_mig_init(void);

/* Bytes of guest RAM that migration carries (every migratable block). */
uint64_t ram_bytes_total(void);
/* ... and the blocks x-ignore-shared leaves out (the MEM_SIZE record). */
uint64_t ram_bytes_total_with_ignored(void);

/* Current counters (zeroed when a migration's setup starts). */
void ram_stats_get(RAMStats *stats);
/* Zero the counters (the core may call it when a new migration starts). */
void ram_stats_reset(void);

/*
 * Pre-copy convergence data for the core's auto-converge: bytes dirtied
 * and bytes sent between the last two bitmap syncs.
 */
void ram_dirty_period_get(uint64_t *bytes_dirtied, uint64_t *bytes_sent);

/*
 * Called by ram.c at every dirty-bitmap sync with the new
 * dirty_sync_count, so the core can emit MIGRATION_PASS.  NULL (default):
 * no callback.
 */
typedef void RAMSyncNotifier(uint64_t dirty_sync_count);
void ram_set_sync_notifier(RAMSyncNotifier *fn);

/*
 * Called by ram.c about once a second while pre-copy runs (not in the
 * last stage) with the bytes the guest dirtied and the bytes sent in that
 * period: the core's auto-converge (ram_throttle_period).  NULL: none.
 */
typedef void RAMPeriodNotifier(uint64_t bytes_dirtied, uint64_t bytes_sent);
void ram_set_period_notifier(RAMPeriodNotifier *fn);
/* auto-converge (ram-throttle.c): throttle the vCPUs when the guest
 * dirties more than throttle-trigger-threshold % of what is sent, twice
 * in a row; reset when a migration starts. */
void ram_throttle_period(uint64_t bytes_dirtied, uint64_t bytes_sent);
void ram_throttle_reset(void);

/*
 * The multifd transport of the RAM iterator, set by the core (the RAM
 * files do not link multifd, so they can be tested alone).  With no ops,
 * or active() false, pages go in the main stream.
 */
typedef struct RAMBlock RAMBlock;
typedef struct RAMMultifdOps {
    bool (*active)(void);                       /* source channels up */
    bool (*queue_page)(RAMBlock *rb, uint64_t offset);
    int (*flush_and_sync)(QEMUFile *f);         /* writes MULTIFD_FLUSH */
    int (*recv_sync)(void);                     /* destination, at FLUSH */
} RAMMultifdOps;
void ram_set_multifd_ops(const RAMMultifdOps *ops);

/*
 * mapped-ram (ram-mapped.c), set by the core like the multifd ops, so
 * the RAM files link without it.  With no ops, or enabled() false, RAM
 * goes in the stream.
 */
typedef struct RAMMappedOps {
    bool (*enabled)(void);                      /* the capability */
    void (*save_reset)(void);
    void (*save_cleanup)(void);
    /* the fd this thread writes pages with, given the stream's (direct-io) */
    int (*page_fd)(int fd, Error **errp);
    bool (*save_block)(QEMUFile *f, RAMBlock *rb, Error **errp);
    bool (*write_page)(int fd, RAMBlock *rb, uint64_t offset, Error **errp);
    void (*clear_page)(RAMBlock *rb, uint64_t offset);
    bool (*save_bitmaps)(int fd, Error **errp);
    bool (*load_block)(QEMUFile *f, RAMBlock *rb, Error **errp);
    /* bytes written outside the stream by this thread (rate limit) */
    void (*account)(uint64_t bytes);
} RAMMappedOps;
void ram_set_mapped_ops(const RAMMappedOps *ops);

#endif
