/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug access to guest memory through a vCPU's page tables (the
 * monitor's x, memsave).  Implemented by the target (target/i386).
 */
#ifndef HW_CORE_CPU_DEBUG_H
#define HW_CORE_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct CPUState CPUState;

/* Guest physical address of virtual addr, or -1 if unmapped. */
int64_t cpu_get_phys_page_debug(CPUState *cpu, uint64_t addr);
/* Read len bytes at virtual addr; false if any page is unmapped. */
bool cpu_memory_read_debug(CPUState *cpu, uint64_t addr, void *buf,
                           uint64_t len);

#endif
