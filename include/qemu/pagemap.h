/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which pages of this process were never populated, from
 * /proc/self/pagemap: a page of private anonymous memory that is neither
 * present nor swapped out reads as zeros, so a scan can skip reading it.
 *
 * A PageMapCache reads the entries of a window of pages at once.  What it
 * says is a snapshot: the caller drops it (pagemap_cache_invalidate) when
 * the pages may have been written since, and uses the answer only for
 * memory that is private and anonymous (for shared or file memory an
 * unmapped page may still hold data).
 */
#ifndef QEMU_PAGEMAP_H
#define QEMU_PAGEMAP_H

#include <stdbool.h>
#include <stdint.h>

#define PAGEMAP_WINDOW_PAGES 4096   /* 16 MiB of 4 KiB pages per read */

typedef struct PageMapCache {
    int fd;                 /* /proc/self/pagemap, or -1: never "untouched" */
    uintptr_t first;        /* first virtual page number cached */
    size_t count;           /* entries cached; 0: nothing */
    uint64_t *entries;
} PageMapCache;

/* Open /proc/self/pagemap; without it every answer is "don't know".
 * A zeroed PageMapCache (never initialised) answers the same. */
void pagemap_cache_init(PageMapCache *c);
void pagemap_cache_destroy(PageMapCache *c);
void pagemap_cache_invalidate(PageMapCache *c);

/*
 * True only if the 4 KiB page at host was neither present nor swapped when
 * its window was read.  limit bounds the window (the end of the mapping).
 */
bool pagemap_page_untouched(PageMapCache *c, const void *host,
                            const void *limit);

/* The caller itself wrote the page: it is populated now. */
void pagemap_cache_note_written(PageMapCache *c, const void *host);

#endif
