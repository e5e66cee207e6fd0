/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KVM accelerator internals shared by accel/kvm/ and target/i386/kvm*.c.
 * Nothing outside those two directories includes this.
 */
#ifndef ACCEL_KVM_INT_H
#define ACCEL_KVM_INT_H

#include <linux/kvm.h>
#include "hw/core/cpu.h"
#include "system/memory.h"

typedef struct KVMSlot {
    GuestMemMapping *m;      /* owned by system/physmem.c */
    uint64_t gpa, size;
    void *host;
    uint32_t flags;          /* KVM_MEM_* currently set */
    unsigned long *dirty;    /* scratch bitmap for KVM_GET_DIRTY_LOG */
} KVMSlot;

typedef struct KVMState {
    int fd;                  /* /dev/kvm */
    int vmfd;
    bool enabled;
    int vcpu_mmap_size;
    int max_slots;
    KVMSlot *slots;          /* index = KVM slot id */
    int nr_slots;
    bool manual_dirty_protect;
    bool dirty_logging;
    int xsave_size;          /* KVM_GET_XSAVE2 size, 0: KVM_GET_XSAVE */
    bool has_smm_events;
    /* The host's supported CPUID, and the MSRs KVM can save. */
    struct kvm_cpuid2 *supported_cpuid;
    uint32_t *msr_list;
    unsigned nr_msrs;
} KVMState;

/* Per-vCPU accelerator state (CPUState.accel). */
typedef struct KVMVCPU {
    int fd;
    struct kvm_run *run;
    unsigned long vcpu_id;
    /* MSRs this vCPU refused (dropped from get/put). */
    uint32_t refused_msrs[16];
    unsigned nr_refused;
} KVMVCPU;

extern KVMState kvm_state;

static inline KVMVCPU *kvm_vcpu(CPUState *cpu)
{
    return cpu->accel;
}

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

/* ioctl, retried on EINTR; returns the result or -errno. */
int kvm_ioctl_retry(int fd, unsigned long req, void *arg);
bool kvm_msr_supported(uint32_t index);

/* Is gpa inside a read-only (ROM) slot? */
bool kvm_gpa_is_rom(uint64_t gpa);

/* accel/kvm/kvm-vcpu.c */
bool kvm_vcpu_init(CPUState *cpu, Error **errp);
/* KVM_CREATE_VCPU with this id and map its kvm_run (from arch init). */
bool kvm_vcpu_create_fd(CPUState *cpu, unsigned long vcpu_id, Error **errp);
void kvm_vcpu_destroy(CPUState *cpu);
int kvm_cpu_exec(CPUState *cpu);
void kvm_vcpu_kick(CPUState *cpu);

/* target/i386/kvm.c */
bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp);
bool kvm_arch_get_state(CPUState *cpu, Error **errp);
bool kvm_arch_put_state(CPUState *cpu, Error **errp);

#endif
