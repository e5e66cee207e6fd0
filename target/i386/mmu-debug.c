/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug page walk of an x86 vCPU (the monitor's x and memsave): legacy
 * 32-bit paging with PSE, PAE, and 4- or 5-level long-mode paging.
 * Reads the tables from guest RAM; never faults the guest.
 */
#include "qemu/osdep.h"
#include "hw/core/cpu-debug.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#define PG_PRESENT  (1ULL << 0)
#define PG_PSE      (1ULL << 7)
#define CR4_PSE     (1ULL << 4)
#define CR4_LA57    (1ULL << 12)
#define PHYS_MASK   0x000ffffffffff000ULL

static bool read_pte(uint64_t gpa, unsigned size, uint64_t *pte)
{
    *pte = 0;
    return cpu_physical_memory_read(gpa, pte, size);
}

int64_t cpu_get_phys_page_debug(CPUState *cpu, uint64_t addr)
{
    X86CPU *env = cpu->arch;
    uint64_t pte;

    if (!(env->cr[0] & CR0_PG_MASK)) {
        return env->efer & EFER_LMA ? addr : addr & 0xffffffffULL;
    }
    if (env->cr[4] & CR4_PAE_MASK) {
        int levels;
        uint64_t table = env->cr[3] & PHYS_MASK;

        if (env->efer & EFER_LMA) {
            levels = env->cr[4] & CR4_LA57 ? 5 : 4;
        } else {
            /* PAE: 4 PDPTEs at CR3 (32-byte aligned), then 2 levels */
            addr &= 0xffffffffULL;
            if (!read_pte((env->cr[3] & ~0x1fULL) + ((addr >> 30) & 3) * 8,
                          8, &pte) || !(pte & PG_PRESENT)) {
                return -1;
            }
            table = pte & PHYS_MASK;
            levels = 2;
        }
        for (int level = levels; level >= 1; level--) {
            unsigned shift = 12 + 9 * (level - 1);

            if (!read_pte(table + ((addr >> shift) & 511) * 8, 8, &pte) ||
                !(pte & PG_PRESENT)) {
                return -1;
            }
            if (level <= 3 && level > 1 && (pte & PG_PSE)) {
                uint64_t mask = (1ULL << shift) - 1;

                return (pte & PHYS_MASK & ~mask) | (addr & mask);
            }
            table = pte & PHYS_MASK;
        }
        return table | (addr & 0xfff);
    }
    /* legacy 32-bit paging */
    addr &= 0xffffffffULL;
    if (!read_pte((env->cr[3] & 0xfffff000ULL) + (addr >> 22) * 4, 4, &pte) ||
        !(pte & PG_PRESENT)) {
        return -1;
    }
    if ((pte & PG_PSE) && (env->cr[4] & CR4_PSE)) {
        /* 4 MiB page; bits 13-20 hold physical address bits 32-39 */
        return (pte & 0xffc00000ULL) | ((pte & 0x1fe000ULL) << 19) |
               (addr & 0x3fffffULL);
    }
    if (!read_pte((pte & 0xfffff000ULL) + ((addr >> 12) & 1023) * 4, 4,
                  &pte) || !(pte & PG_PRESENT)) {
        return -1;
    }
    return (pte & 0xfffff000ULL) | (addr & 0xfff);
}

bool cpu_memory_read_debug(CPUState *cpu, uint64_t addr, void *buf,
                           uint64_t len)
{
    uint8_t *out = buf;

    while (len) {
        uint64_t l = MIN(len, TARGET_PAGE_SIZE - (addr & (TARGET_PAGE_SIZE - 1)));
        int64_t gpa = cpu_get_phys_page_debug(cpu, addr);

        if (gpa < 0 || !cpu_physical_memory_read(gpa, out, l)) {
            return false;
        }
        out += l;
        addr += l;
        len -= l;
    }
    return true;
}
