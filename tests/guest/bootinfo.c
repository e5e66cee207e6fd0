/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the guest's RAM is: from the multiboot info, or from CMOS (-bios). */
#include "guest.h"

#define MB_INFO_MEM     (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP    (1u << 6)
#define MB_MMAP_RAM     1

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower;         /* KiB from 0 */
    uint32_t mem_upper;         /* KiB from 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
    uint32_t size;              /* of the rest of the entry */
    uint64_t base;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

static void add_range(struct boot_info *bi, uint64_t start, uint64_t end)
{
    if (end <= start) {
        return;
    }
    if (bi->nr_ranges == MAX_RAM_RANGES) {
        fail("more than %u RAM ranges", MAX_RAM_RANGES);
    }
    bi->ram[bi->nr_ranges].start = start;
    bi->ram[bi->nr_ranges].end = end;
    bi->nr_ranges++;
}

static void finish(struct boot_info *bi)
{
    uint64_t high = 0;

    if (!bi->nr_ranges) {
        fail("no RAM in the boot information");
    }
    for (unsigned i = 0; i < bi->nr_ranges; i++) {
        struct ram_range *r = &bi->ram[i];

        if (r->start < 4 * GiB) {
            uint64_t end = r->end < 4 * GiB ? r->end : 4 * GiB;

            if (end > bi->low_end) {
                bi->low_end = end;
            }
            if (r->end > 4 * GiB) {
                high += r->end - 4 * GiB;
            }
        } else {
            high += r->end - r->start;
        }
        if (r->end > bi->top) {
            bi->top = r->end;
        }
    }
    bi->ram_size = bi->low_end + high;
}

/* QEMU pc's CMOS memory bytes; the microvm contract sets the same. */
static void from_cmos(struct boot_info *bi)
{
    uint64_t blocks16 = cmos_read(0x34) | (cmos_read(0x35) << 8);
    uint64_t kib1 = cmos_read(0x30) | (cmos_read(0x31) << 8);
    uint64_t high = cmos_read(0x5b) | (cmos_read(0x5c) << 8) |
                    ((uint64_t)cmos_read(0x5d) << 16);
    uint64_t low_end;

    if (blocks16) {
        low_end = 16 * MiB + blocks16 * 65536;
    } else {
        low_end = 1 * MiB + kib1 * 1024;
    }
    add_range(bi, 0, 0xa0000);
    add_range(bi, 1 * MiB, low_end);
    add_range(bi, 4 * GiB, 4 * GiB + high * 65536);
}

static void from_multiboot(struct boot_info *bi, const struct mb_info *mbi)
{
    if (mbi->flags & MB_INFO_MMAP) {
        uintptr_t p = mbi->mmap_addr;
        uintptr_t end = p + mbi->mmap_length;

        while (p + sizeof(struct mb_mmap_entry) <= end) {
            const struct mb_mmap_entry *e = (const void *)p;

            if (e->type == MB_MMAP_RAM) {
                add_range(bi, e->base, e->base + e->len);
            }
            p += e->size + 4;
        }
    } else if (mbi->flags & MB_INFO_MEM) {
        add_range(bi, 0, (uint64_t)mbi->mem_lower * 1024);
        add_range(bi, 1 * MiB, 1 * MiB + (uint64_t)mbi->mem_upper * 1024);
    } else {
        fail("no memory information in the multiboot info");
    }
    if (mbi->flags & MB_INFO_CMDLINE) {
        const char *s = (const char *)(uintptr_t)mbi->cmdline;
        size_t n = 0;

        while (s[n] && n < sizeof(bi->cmdline) - 1) {
            bi->cmdline[n] = s[n];
            n++;
        }
        bi->cmdline[n] = 0;
        bi->has_cmdline = true;
    }
}

void boot_info_init(struct boot_info *bi, uint32_t magic, uint32_t info)
{
    memset(bi, 0, sizeof(*bi));
    if (magic == MULTIBOOT_BOOT_MAGIC) {
        bi->multiboot = true;
        from_multiboot(bi, (const struct mb_info *)(uintptr_t)info);
    } else if (magic == BIOS_BOOT_MAGIC) {
        from_cmos(bi);
    } else {
        fail("unknown boot magic 0x%x", magic);
    }
    finish(bi);
}

static bool prefix_is(const char *s, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool cmdline_get_uint(const char *cmdline, const char *key,
                      unsigned long *val)
{
    size_t klen = strlen(key);
    const char *p = cmdline;

    while (*p) {
        const char *w = p;

        while (*p && *p != ' ') {
            p++;
        }
        if ((size_t)(p - w) > klen && prefix_is(w, key, klen) &&
            w[klen] == '=') {
            unsigned long v = 0;
            const char *d = w + klen + 1;

            if (d == p) {
                return false;
            }
            for (; d < p; d++) {
                if (*d < '0' || *d > '9') {
                    return false;
                }
                v = v * 10 + (unsigned long)(*d - '0');
            }
            *val = v;
            return true;
        }
        while (*p == ' ') {
            p++;
        }
    }
    return false;
}
