/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Never-populated pages from /proc/self/pagemap (see qemu/pagemap.h). */
#include "qemu/osdep.h"
#include "qemu/pagemap.h"

#define PM_PAGE_SHIFT   12
#define PM_PRESENT      (1ULL << 63)
#define PM_SWAP         (1ULL << 62)

void pagemap_cache_init(PageMapCache *c)
{
    c->fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    c->first = 0;
    c->count = 0;
    c->entries = c->fd >= 0 ? g_new(uint64_t, PAGEMAP_WINDOW_PAGES) : NULL;
}

/* Safe on a zeroed struct too (entries NULL: nothing was opened). */
void pagemap_cache_destroy(PageMapCache *c)
{
    if (c->entries) {
        close(c->fd);
    }
    g_free(c->entries);
    c->fd = -1;
    c->entries = NULL;
    c->count = 0;
}

void pagemap_cache_invalidate(PageMapCache *c)
{
    c->count = 0;
}

/* Read the window that starts at page vpn, up to the limit's page. */
static bool pagemap_fill(PageMapCache *c, uintptr_t vpn, uintptr_t end_vpn)
{
    size_t want = MIN((uintptr_t)PAGEMAP_WINDOW_PAGES, end_vpn - vpn);
    ssize_t got = pread(c->fd, c->entries, want * sizeof(uint64_t),
                        (off_t)vpn * sizeof(uint64_t));

    if (got < (ssize_t)sizeof(uint64_t)) {
        c->count = 0;
        return false;
    }
    c->first = vpn;
    c->count = got / sizeof(uint64_t);
    return true;
}

bool pagemap_page_untouched(PageMapCache *c, const void *host,
                            const void *limit)
{
    uintptr_t vpn = (uintptr_t)host >> PM_PAGE_SHIFT;
    uintptr_t end_vpn = ((uintptr_t)limit + (1u << PM_PAGE_SHIFT) - 1) >>
                        PM_PAGE_SHIFT;

    if (!c->entries || vpn >= end_vpn) {
        return false;
    }
    if (!c->count || vpn < c->first || vpn - c->first >= c->count) {
        if (!pagemap_fill(c, vpn, end_vpn)) {
            return false;
        }
    }
    return !(c->entries[vpn - c->first] & (PM_PRESENT | PM_SWAP));
}

void pagemap_cache_note_written(PageMapCache *c, const void *host)
{
    uintptr_t vpn = (uintptr_t)host >> PM_PAGE_SHIFT;

    if (c->count && vpn >= c->first && vpn - c->first < c->count) {
        c->entries[vpn - c->first] |= PM_PRESENT;
    }
}
