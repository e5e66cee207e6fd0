/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Destination: fault guest RAM in ahead of the page records.
 *
 * Loading a page into RAM that was never touched costs a page fault, and
 * the kernel zeroes the new page first; on a run of normal pages that is
 * most of the load's time.  While the main stream (no multifd) brings a
 * dense run of normal pages, a helper thread populates the RAM just ahead
 * of it (MADV_POPULATE_WRITE), on another CPU.  Only dense runs into
 * fresh RAM (pages never populated: a later pass over RAM that is there
 * already needs no help, and the CPU is better left to the migration):
 * it looks no further ahead than the run is long (at most 8 MiB), so
 * what a run's end leaves populated for nothing is bounded by the run
 * itself, and pages the source sends as zero pages elsewhere stay
 * unallocated.  Populating never
 * changes a page's contents (present pages are left as they are), so the
 * loader and the helper never race on data.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "migration/ram-internal.h"

#define PREFAULT_RUN_PAGES 64                /* 256 KiB of normal pages */
#define PREFAULT_AHEAD (8 << 20)            /* how far ahead to fault */
#define PREFAULT_STEP (2 << 20)             /* one madvise */

typedef struct RamPrefault {
    GThread *thread;
    GMutex lock;
    GCond cond;
    bool quit;
    /* the range the loader asked for; the helper takes from its start */
    uint8_t *start, *end;
    /* loader thread only: the current run */
    RAMBlock *rb;
    uint64_t next;                /* offset after the last normal page */
    unsigned run;                 /* normal pages in a row */
    uint64_t asked;               /* rb offset up to which it was asked */
} RamPrefault;

static RamPrefault prefault;

static gpointer ram_prefault_thread(gpointer opaque)
{
    RamPrefault *p = opaque;

    g_mutex_lock(&p->lock);
    while (!p->quit) {
        uint8_t *s = p->start, *e;

        if (s >= p->end) {
            g_cond_wait(&p->cond, &p->lock);
            continue;
        }
        e = MIN(p->end, s + PREFAULT_STEP);
        p->start = e;
        g_mutex_unlock(&p->lock);
        madvise(s, e - s, MADV_POPULATE_WRITE);      /* best effort */
        g_mutex_lock(&p->lock);
    }
    g_mutex_unlock(&p->lock);
    return NULL;
}

void ram_prefault_start(void)
{
    RamPrefault *p = &prefault;

    g_assert(!p->thread);
    memset(p, 0, sizeof(*p));
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    p->thread = g_thread_new("mig/prefault", ram_prefault_thread, p);
}

void ram_prefault_stop(void)
{
    RamPrefault *p = &prefault;

    if (!p->thread) {
        return;
    }
    g_mutex_lock(&p->lock);
    p->quit = true;
    g_cond_signal(&p->cond);
    g_mutex_unlock(&p->lock);
    g_thread_join(p->thread);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
    p->thread = NULL;
}

void ram_prefault_note_page(RAMBlock *rb, uint64_t offset, bool fresh)
{
    RamPrefault *p = &prefault;
    uint64_t ahead, want;

    if (!p->thread) {
        return;
    }
    /* what the helper populated for this run counts as fresh */
    fresh = fresh || (rb == p->rb && offset < p->asked);
    if (rb != p->rb || offset != p->next || !fresh) {
        p->rb = rb;
        p->run = 0;
        p->asked = offset;
    }
    p->next = offset + TARGET_PAGE_SIZE;
    if (!fresh || ++p->run < PREFAULT_RUN_PAGES) {
        return;
    }
    ahead = MIN(PREFAULT_AHEAD, (uint64_t)p->run * TARGET_PAGE_SIZE);
    if (p->asked >= offset + ahead / 2) {
        return;
    }
    /* ask for the next window, from where the last request ended */
    want = MIN(rb->size, offset + ahead);
    if (want <= p->asked) {
        return;
    }
    g_mutex_lock(&p->lock);
    if (p->start >= p->end || p->end != rb->host + p->asked) {
        p->start = rb->host + MAX(p->asked, p->next);
    }
    p->end = rb->host + want;
    g_cond_signal(&p->cond);
    g_mutex_unlock(&p->lock);
    p->asked = want;
}
