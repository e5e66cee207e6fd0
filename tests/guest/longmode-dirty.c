/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The long-mode guest's memory dirtier, like QEMU's migration boot block:
 * each pass increments the first byte of every 4 KiB page of the region,
 * then checks that every page holds the pass count (mod 256), and prints
 * "pass <n> sum=<hex sum of those bytes>".  A wrong page prints
 * "FAIL: page 0x<addr> has <x> expected <y>" (hex) and exits through 0xf4.
 */
#include "longmode.h"

#define DIRTY_START (1 * MiB)

static struct ram_range region[MAX_RAM_RANGES * 2];
static unsigned nr_region;

static void add_region(uint64_t start, uint64_t end)
{
    start = (start + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    end &= ~(uint64_t)(PAGE_SIZE - 1);
    if (start < end) {
        region[nr_region].start = start;
        region[nr_region].end = end;
        nr_region++;
    }
}

/*
 * RAM is counted as -m does: the RAM below 4 GiB from address 0 (its
 * holes included), then the RAM above 4 GiB.  The region is RAM from
 * 1 MiB up to where limit bytes are counted.
 */
static void plan_region(const struct boot_info *bi, uint64_t limit)
{
    for (unsigned i = 0; i < bi->nr_ranges; i++) {
        uint64_t s = bi->ram[i].start, e = bi->ram[i].end;

        if (s < DIRTY_START) {
            s = DIRTY_START;
        }
        if (s < 4 * GiB) {
            uint64_t low_e = e < 4 * GiB ? e : 4 * GiB;

            add_region(s, low_e < limit ? low_e : limit);
            s = 4 * GiB;
        }
        if (e > s && limit > bi->low_end) {
            uint64_t lim = 4 * GiB + (limit - bi->low_end);

            add_region(s, e < lim ? e : lim);
        }
    }
}

static unsigned long region_pages(void)
{
    unsigned long n = 0;

    for (unsigned i = 0; i < nr_region; i++) {
        n += (region[i].end - region[i].start) / PAGE_SIZE;
    }
    return n;
}

void dirty_run(const struct boot_info *bi, unsigned long dirty_mib,
               unsigned long passes)
{
    plan_region(bi, (uint64_t)dirty_mib * MiB);
    printf("dirty: %lu pages from 0x%lx\n", region_pages(),
           nr_region ? (unsigned long)region[0].start : 0ul);

    /* RAM survives a reset: start every page from 0 */
    for (unsigned i = 0; i < nr_region; i++) {
        for (uint64_t a = region[i].start; a < region[i].end; a += PAGE_SIZE) {
            *(volatile uint8_t *)(uintptr_t)a = 0;
            heartbeat_poll();
        }
    }

    for (unsigned long pass = 1;; pass++) {
        uint8_t want = pass & 0xff;
        uint64_t sum = 0;

        for (unsigned i = 0; i < nr_region; i++) {
            for (uint64_t a = region[i].start; a < region[i].end;
                 a += PAGE_SIZE) {
                volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)a;

                *p = *p + 1;
                heartbeat_poll();
            }
        }
        for (unsigned i = 0; i < nr_region; i++) {
            for (uint64_t a = region[i].start; a < region[i].end;
                 a += PAGE_SIZE) {
                uint8_t v = *(volatile uint8_t *)(uintptr_t)a;

                if (v != want) {
                    fail("page 0x%lx has %x expected %x", (unsigned long)a,
                         v, want);
                }
                sum += v;
                heartbeat_poll();
            }
        }
        printf("pass %lu sum=%lx\n", pass, (unsigned long)sum);
        if (passes && pass >= passes) {
            printf("done\n");
            power_off();
        }
    }
}
