/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util/pagemap.c: never-populated pages of private anonymous memory. */
#include "qemu/osdep.h"
#include "qemu/pagemap.h"
#include <sys/mman.h>

#define NPAGES 64
#define PAGE 4096

static uint8_t *map_pages(void)
{
    uint8_t *p = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert(p != MAP_FAILED);
    /* one 4 KiB page per fault, whatever the THP setting */
    madvise(p, NPAGES * PAGE, MADV_NOHUGEPAGE);
    return p;
}

static void test_untouched(void)
{
    PageMapCache c;
    uint8_t *p = map_pages();
    uint8_t *end = p + NPAGES * PAGE;
    volatile uint8_t sink;

    pagemap_cache_init(&c);
    if (c.fd < 0) {
        g_test_skip("/proc/self/pagemap cannot be opened");
        munmap(p, NPAGES * PAGE);
        return;
    }
    p[3 * PAGE + 17] = 1;               /* written: has data */
    sink = p[5 * PAGE];                 /* read: the zero page is mapped */
    (void)sink;
    g_assert_true(pagemap_page_untouched(&c, p, end));
    g_assert_false(pagemap_page_untouched(&c, p + 3 * PAGE, end));
    g_assert_false(pagemap_page_untouched(&c, p + 5 * PAGE, end));
    g_assert_true(pagemap_page_untouched(&c, p + 63 * PAGE, end));
    /* beyond the limit: unknown */
    g_assert_false(pagemap_page_untouched(&c, end, end));

    /* the answer is a snapshot until invalidated */
    p[0] = 2;
    g_assert_true(pagemap_page_untouched(&c, p, end));
    pagemap_cache_invalidate(&c);
    g_assert_false(pagemap_page_untouched(&c, p, end));

    /* dropped pages read as zeros again */
    madvise(p, NPAGES * PAGE, MADV_DONTNEED);
    pagemap_cache_invalidate(&c);
    g_assert_true(pagemap_page_untouched(&c, p + 3 * PAGE, end));
    g_assert_cmpint(p[3 * PAGE + 17], ==, 0);

    pagemap_cache_destroy(&c);
    munmap(p, NPAGES * PAGE);
}

static void test_no_pagemap(void)
{
    PageMapCache c = { .fd = -1 };
    uint8_t *p = map_pages();

    /* without pagemap nothing is known to be untouched */
    g_assert_false(pagemap_page_untouched(&c, p, p + NPAGES * PAGE));
    munmap(p, NPAGES * PAGE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pagemap/untouched", test_untouched);
    g_test_add_func("/pagemap/no-pagemap", test_no_pagemap);
    return g_test_run();
}
