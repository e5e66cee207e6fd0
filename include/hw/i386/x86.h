/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 board helpers: the guest memory layout of the microvm contract, the
 * -bios ROM mapping and the Multiboot (v1) loader.
 *
 * Layout: RAM from 0 up to min(ram_size, 3 GiB) except the legacy hole
 * 0xA0000-0xFFFFF, the rest from 4 GiB; a BIOS ends at 4 GiB and its last
 * 128 KiB also end at 1 MiB.
 *
 * Threads: main thread, at machine init (and in reset handlers).
 */
#ifndef HW_I386_X86_H
#define HW_I386_X86_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "system/memory.h"

typedef struct CPUState CPUState;

#define X86_LOWMEM_LIMIT   (3ULL << 30)       /* end of RAM below 4 GiB */
#define X86_4GIB           (1ULL << 32)
#define X86_VGA_HOLE_START 0xa0000ULL
#define X86_HOLE_END       0x100000ULL        /* 1 MiB */
#define X86_BIOS_MAX_SIZE  (16ULL << 20)
#define X86_ISA_BIOS_MAX   (128ULL << 10)

/* RAM below 4 GiB (including the hole) and above it. */
uint64_t x86_below_4g_mem_size(uint64_t ram_size);
uint64_t x86_above_4g_mem_size(uint64_t ram_size);

/* Map the main RAM block (ram_size bytes) as the layout says. */
bool x86_map_ram(RAMBlock *ram, uint64_t ram_size, Error **errp);

/* Load FILE as "pc.bios" (read-only) below 4 GiB and its tail below 1 MiB. */
bool x86_bios_load(const char *filename, Error **errp);

/* CPU state at a Multiboot kernel's entry (flat 32-bit protected mode). */
typedef struct X86BootRegs {
    uint32_t eax;             /* 0x2BADB002 */
    uint32_t ebx;             /* multiboot info address */
    uint32_t eip;             /* entry point */
} X86BootRegs;

#define MULTIBOOT_HEADER_MAGIC     0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_SEARCH           8192
#define MULTIBOOT_INFO_ADDR        0x9000u

/*
 * Load a Multiboot v1 image (ELF32, or the a.out kludge when header flag
 * bit 16 is set) into guest RAM, which must already be mapped, build the
 * info structure (memory sizes, cmdline "FILE ARGS" as QEMU passes it,
 * memory map) below 1 MiB, and return the entry state.
 */
bool multiboot_load(const char *filename, const char *cmdline,
                    uint64_t ram_size, X86BootRegs *regs, Error **errp);

/* Put the Multiboot entry state into cpu->arch and mark it dirty. */
void x86_boot_regs_apply(CPUState *cpu, const X86BootRegs *regs);

#endif
