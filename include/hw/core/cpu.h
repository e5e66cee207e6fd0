/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generic vCPU objects and their threads (system/cpus.c).
 *
 * Each vCPU has one thread that loops: take requests, enter the guest
 * through the accelerator (AccelOps.vcpu_exec), handle what came back.
 * Device emulation runs under the BQL (bql_lock), which a vCPU thread
 * takes only while dispatching an exit.
 *
 * Pausing (stop, migration switchover, reset) is a request to every vCPU
 * plus a kick, then a wait until all have left guest mode: bounded.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include "qapi/error.h"

typedef struct X86CPU X86CPU;     /* target/i386/cpu.h */

typedef struct CPUState {
    int cpu_index;
    pthread_t thread;
    int thread_id;                /* gettid() of the vCPU thread */
    bool created;                 /* thread running */
    bool stop;                    /* pause requested */
    bool stopped;                 /* thread acknowledged the pause */
    bool exit_request;            /* leave vcpu_exec soon */
    bool quit;                    /* thread must end (exit) */
    bool halted;
    /* env newer than the accelerator's copy: put before the next run */
    bool vcpu_dirty;
    /* cpu_prefetch_all_states(): the paused thread is asked to get its
     * state (state_request), and is getting it (state_busy); cpus_mutex */
    bool state_request, state_busy;
    X86CPU *arch;                 /* architectural state (target/i386) */
    void *accel;                  /* accelerator private (KVM: fd, kvm_run) */
    unsigned nr_cores, nr_threads; /* per package / per core (-smp) */
    /* auto-converge: sleep this long outside guest mode (cpu_throttle_*) */
    int64_t throttle_sleep_ns;
} CPUState;

/* Return values of AccelOps.vcpu_exec. */
enum {
    EXCP_INTERRUPT = 0x10000,     /* kicked: check requests */
    EXCP_HLT,                     /* halted (no in-kernel irqchip) */
    EXCP_DEBUG,
    EXCP_SHUTDOWN,                /* triple fault: reset request */
    EXCP_FATAL,                   /* accelerator error: internal-error */
};

extern CPUState **cpus;           /* cpus[0..ncpus-1] */
extern unsigned ncpus;
#define CPU_FOREACH(cpu) \
    for (unsigned _i = 0; _i < ncpus && ((cpu) = cpus[_i]); _i++)
CPUState *qemu_get_cpu(int index);

/* Create ncpus vCPUs (accelerator vcpu_init) and start their threads,
 * paused until resume_all_vcpus(). */
bool cpus_create(unsigned n, Error **errp);
void cpus_destroy(void);
void pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);
void qemu_cpu_kick(CPUState *cpu);

/* Make cpu->arch current (from the accelerator), if the vCPU is paused. */
void cpu_synchronize_state(CPUState *cpu);
/*
 * With every vCPU paused: each vCPU thread gets its own state now, in
 * parallel with the caller, so that a later cpu_synchronize_state() finds
 * it done (the migration switchover overlaps this with the last RAM pass).
 * cpu_synchronize_state() waits for one under way or does it itself.
 */
void cpu_prefetch_all_states(void);
/* Power-on state into arch and accelerator (system_reset, start-up). */
void cpu_reset(CPUState *cpu);

/*
 * Notification of a vCPU stopping itself on an exit the generic loop
 * cannot resolve: EXCP_FATAL (KVM internal error / failed entry, already
 * reported with error_report).  Called in the vCPU thread with the BQL
 * held; the vCPU then waits until it is paused (and reset or resumed).
 * The run state code can hook it to enter "internal-error".  A triple
 * fault (EXCP_SHUTDOWN) calls qemu_system_guest_reset_request() instead.
 */
typedef void CPUFatalHandler(CPUState *cpu, int excp);
void cpus_set_fatal_handler(CPUFatalHandler *fn);

/*
 * vCPU throttling (migration's auto-converge), QEMU's cpu-throttle: at
 * percent P every vCPU runs for a 10 ms timeslice, then sleeps outside
 * guest mode for P/(100-P) of it.  percent is clamped to 1..99.  Any
 * thread.
 */
void cpu_throttle_set(int percent);
void cpu_throttle_stop(void);
int cpu_throttle_get_percentage(void);
static inline bool cpu_throttle_active(void)
{
    return cpu_throttle_get_percentage() > 0;
}

/* Big QEMU lock: devices' state. */
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);

#endif
