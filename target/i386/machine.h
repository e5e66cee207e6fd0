/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU's migratable state: the "cpu" VMStateDescription
 * (target/i386/machine.c), one section per vCPU with instance id =
 * cpu_index.
 *
 * Saving calls cpu_synchronize_state() first (the vCPUs are paused at
 * switchover); loading writes cpu->arch and sets CPUState.vcpu_dirty so
 * the accelerator puts the state before the vCPU runs again.
 *
 * Main thread only (machine init, migration).
 */
#ifndef TARGET_I386_MACHINE_H
#define TARGET_I386_MACHINE_H

#include <stdbool.h>
#include "qapi/error.h"
#include "hw/core/cpu.h"

typedef struct VMStateDescription VMStateDescription;

/* The description itself (for -dump-vmstate and tests). */
extern const VMStateDescription vmstate_x86_cpu;

/*
 * Register the "cpu" section of cpu (instance cpu->cpu_index).  If the
 * guest CPUID has invtsc, also add the migration blocker QEMU adds
 * ("State blocked by non-migratable CPU device (invtsc flag)"); that
 * fails under -only-migratable, and so does this function then.
 */
bool x86_cpu_vmstate_register(CPUState *cpu, Error **errp);
/* Undo the above for cpu (before the CPUState is freed). */
void x86_cpu_vmstate_unregister(CPUState *cpu);

#endif
