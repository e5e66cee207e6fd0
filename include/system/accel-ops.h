/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator interface.  Generic code (cpus.c, the machine, devices,
 * migration) calls only these; KVM ioctls live behind them in accel/kvm/,
 * TCG will live behind them in accel/tcg/.
 *
 * Threads: init, map_memory and vcpu_init run in the main thread before
 * any vCPU runs.  vcpu_exec runs in the vCPU's own thread.  get_state and
 * put_state run in any thread while the vCPU is paused.  set_irq may run
 * in any thread with the BQL held.  vcpu_kick may run anywhere.
 */
#ifndef SYSTEM_ACCEL_OPS_H
#define SYSTEM_ACCEL_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "hw/core/cpu.h"
#include "system/memory.h"

typedef struct MachineState MachineState;

typedef struct AccelOps {
    const char *name;                          /* "kvm" */
    /* Open the device, create the VM, in-kernel irqchip and PIT. */
    bool (*init)(MachineState *ms, Error **errp);
    /* Map a guest RAM window (sets m->slot). */
    bool (*map_memory)(GuestMemMapping *m, Error **errp);
    /* Create the vCPU, set its CPUID/MSR model from cpu->arch. */
    bool (*vcpu_init)(CPUState *cpu, Error **errp);
    void (*vcpu_destroy)(CPUState *cpu);
    /* Run until something needs the generic loop; returns an EXCP_* code.
     * Port I/O and MMIO exits are dispatched inside (under the BQL) and do
     * not return. */
    int (*vcpu_exec)(CPUState *cpu);
    /* Make a running vcpu_exec return EXCP_INTERRUPT soon. */
    void (*vcpu_kick)(CPUState *cpu);
    /* Whole CPU state (registers, segments, control registers, FPU/XSAVE,
     * XCRs, MSRs, LAPIC, pending events, mp_state, debug registers)
     * between the accelerator and cpu->arch. */
    bool (*get_state)(CPUState *cpu, Error **errp);
    bool (*put_state)(CPUState *cpu, Error **errp);
    /* Drive an interrupt line of the (in-kernel) irqchip: GSI 0..23. */
    void (*set_irq)(int gsi, int level);
    /* Dirty page tracking of guest RAM, per mapping. */
    bool (*dirty_log_start)(Error **errp);
    /* OR the pages written since the last sync into bitmap (one bit per
     * target page of the mapping) and re-arm tracking for them. */
    bool (*dirty_log_sync)(GuestMemMapping *m, unsigned long *bitmap,
                           Error **errp);
    void (*dirty_log_stop)(void);
} AccelOps;

/* The accelerator in use, or NULL (no machine that runs code). */
const AccelOps *current_accel(void);
void accel_set_current(const AccelOps *ops);

#endif
