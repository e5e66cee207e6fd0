/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU: architectural state (struct X86CPU), the power-on state,
 * the CPU model (-cpu host[,+feat,-feat,feat=on|off]) and the register
 * dump of HMP "info registers".
 *
 * Ownership: each CPUState owns one X86CPU (cpu->arch), created by
 * cpus_create() through x86_cpu_new().  The accelerator copies state
 * between it and the hardware (AccelOps get_state/put_state); code that
 * edits it while the vCPU is paused (loaders, reset, migration) sets
 * CPUState.vcpu_dirty so the accelerator puts it before the next run.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"
#include "hw/core/cpu.h"

/* General purpose register numbers (regs[]). */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
    CPU_NB_REGS
};

/* Segment register numbers (segs[]). */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, SEG_NB_REGS };

/*
 * Segment descriptor flags, laid out as the high dword of a descriptor
 * (as QEMU's DESC_*): type in bits 8-11, S 12, DPL 13-14, P 15, AVL 20,
 * L 21, D/B 22, G 23.
 */
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK  (15u << DESC_TYPE_SHIFT)
#define DESC_A_MASK     (1u << 8)
#define DESC_CS_MASK    (1u << 11)   /* code (type bit 3) */
#define DESC_W_MASK     (1u << 9)    /* data: writable */
#define DESC_R_MASK     (1u << 9)    /* code: readable */
#define DESC_C_MASK     (1u << 10)   /* code: conforming */
#define DESC_E_MASK     (1u << 10)   /* data: expand down */
#define DESC_S_MASK     (1u << 12)
#define DESC_DPL_SHIFT  13
#define DESC_DPL_MASK   (3u << DESC_DPL_SHIFT)
#define DESC_P_MASK     (1u << 15)
#define DESC_AVL_MASK   (1u << 20)
#define DESC_L_MASK     (1u << 21)
#define DESC_B_MASK     (1u << 22)
#define DESC_G_MASK     (1u << 23)

typedef struct SegmentCache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;          /* byte granular (already scaled by G) */
    uint32_t flags;          /* DESC_* */
} SegmentCache;

/* Control register and flag bits used by the power-on state and dump. */
#define CR0_PE_MASK  (1u << 0)
#define CR0_MP_MASK  (1u << 1)
#define CR0_EM_MASK  (1u << 2)
#define CR0_TS_MASK  (1u << 3)
#define CR0_ET_MASK  (1u << 4)
#define CR0_NE_MASK  (1u << 5)
#define CR0_WP_MASK  (1u << 16)
#define CR0_AM_MASK  (1u << 18)
#define CR0_NW_MASK  (1u << 29)
#define CR0_CD_MASK  (1u << 30)
#define CR0_PG_MASK  (1u << 31)
#define CR4_PAE_MASK (1u << 5)
#define EFER_SCE     (1u << 0)
#define EFER_LME     (1u << 8)
#define EFER_LMA     (1u << 10)
#define EFER_NXE     (1u << 11)

#define RFLAGS_CF (1u << 0)
#define RFLAGS_FIXED (1u << 1)       /* always one */
#define RFLAGS_IF (1u << 9)
#define RFLAGS_VM (1u << 17)

/* Multiprocessor states (numerically equal to KVM_MP_STATE_*). */
enum {
    X86_MP_STATE_RUNNABLE = 0,
    X86_MP_STATE_UNINITIALIZED = 1,   /* AP waiting for INIT/SIPI */
    X86_MP_STATE_INIT_RECEIVED = 2,
    X86_MP_STATE_HALTED = 3,
    X86_MP_STATE_SIPI_RECEIVED = 4,
};

#define X86_LAPIC_SIZE 1024
#define X86_XSAVE_MIN_SIZE 4096
#define APIC_DEFAULT_BASE 0xfee00000ULL
#define MSR_IA32_APICBASE_BSP    (1ULL << 8)
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_MISC_ENABLE_FAST_STRING 1ULL

/* Pending and in-service events (what KVM_GET_VCPU_EVENTS reports). */
typedef struct X86Events {
    bool exception_injected;
    bool exception_pending;
    uint8_t exception_nr;
    bool exception_has_error_code;
    uint32_t exception_error_code;
    bool interrupt_injected;
    uint8_t interrupt_nr;
    bool interrupt_soft;
    uint8_t interrupt_shadow;
    bool nmi_injected;
    bool nmi_pending;
    bool nmi_masked;
    uint32_t sipi_vector;
    bool smm, smm_pending, smm_inside_nmi, smm_latched_init;
} X86Events;

/* One CPUID leaf/subleaf as the guest sees it. */
typedef struct X86CPUIDEntry {
    uint32_t function, index;
    bool indexed;            /* the subleaf (index) matters */
    uint32_t eax, ebx, ecx, edx;
} X86CPUIDEntry;

/* CPUID registers, to name where a feature bit lives. */
typedef enum { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX } X86CPUIDReg;

/* One feature edit of -cpu NAME,+feat,-feat,feat=on|off. */
typedef struct X86FeatureEdit {
    const char *name;        /* canonical feature name */
    uint32_t function, index;
    X86CPUIDReg reg;
    uint8_t bit;
    bool on;
} X86FeatureEdit;

/* The parsed -cpu option. */
typedef struct X86CPUModel {
    char *name;              /* "host", "max", "qemu64" */
    bool conservative;       /* mask host CPUID to a qemu64-like set */
    X86FeatureEdit *edits;   /* in command-line order */
    unsigned nedits;
} X86CPUModel;

struct X86CPU {
    int cpu_index;
    uint32_t apic_id;

    /* Registers */
    uint64_t regs[CPU_NB_REGS];
    uint64_t rip;
    uint64_t rflags;
    SegmentCache segs[SEG_NB_REGS];
    SegmentCache ldt, tr;
    SegmentCache gdt, idt;   /* base and limit only */
    uint64_t cr[5];          /* CR0, (CR1 unused), CR2, CR3, CR4 */
    uint64_t cr8;
    uint64_t efer;
    uint64_t xcr0;
    uint64_t dr[8];          /* DR0-3, (4, 5 unused), DR6, DR7 */
    uint8_t *xsave;          /* XSAVE area (FPU, SSE, AVX...), KVM layout */
    uint32_t xsave_size;     /* bytes, >= X86_XSAVE_MIN_SIZE */

    /* MSRs */
    uint64_t tsc;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, fmask, kernelgsbase;
    uint64_t pat;
    uint64_t apic_base;
    uint64_t tsc_aux;
    uint64_t misc_enable;
    uint64_t system_time_msr, wall_clock_msr;   /* kvmclock */

    /* Local APIC register page (KVM_GET_LAPIC layout). */
    uint8_t lapic[X86_LAPIC_SIZE];

    X86Events events;
    uint32_t mp_state;       /* X86_MP_STATE_* */
    bool halted;
    bool a20;                /* always on for now */

    /* The CPU model and the CPUID table built from it. */
    X86CPUModel *model;      /* shared, owned by target/i386/cpu-model.c */
    X86CPUIDEntry *cpuid;
    unsigned ncpuid;
};

/* Allocate the architectural state of vCPU index (APIC id = index). */
X86CPU *x86_cpu_new(int cpu_index);
void x86_cpu_free(X86CPU *env);
/* Power-on / RESET state; the BSP starts at the reset vector, APs wait
 * for INIT/SIPI.  Leaves the CPUID model alone. */
void x86_cpu_reset(X86CPU *env, bool bsp);

/*
 * Parse "host", "host,+sse4.2,-avx,x2apic=off" ...  (NULL: the default
 * model, "qemu64").  Unknown model or feature: QEMU's error message.
 */
X86CPUModel *x86_cpu_model_parse(const char *str, Error **errp);
void x86_cpu_model_free(X86CPUModel *m);
/* "-cpu help": the models and the feature names, as QEMU lists them. */
void x86_cpu_list(GString *out);
/* The model in use, set by cpus_create (never NULL after it). */
const X86CPUModel *x86_cpu_model_current(void);
void x86_cpu_model_set_current(X86CPUModel *m);   /* takes ownership */

/*
 * Build the guest CPUID table of env from the host-supported table:
 * apply the model (mask, edits), APIC id and topology (-smp), and the
 * KVM paravirtual leaves 0x40000000/0x40000001.
 */
void x86_cpu_build_cpuid(X86CPU *env, const X86CPUIDEntry *host,
                         unsigned nhost, unsigned ncpus_total,
                         unsigned cores, unsigned threads);
/* APIC id of vCPU index in a package/core/thread topology. */
uint32_t x86_apic_id_from_index(unsigned index, unsigned cores,
                                unsigned threads);
/* Look up a leaf in env's table (NULL if absent). */
const X86CPUIDEntry *x86_cpu_find_cpuid(const X86CPU *env, uint32_t function,
                                        uint32_t index);

/*
 * HMP "info registers" text of cpu->arch (QEMU's layout), appended to
 * out.  Call cpu_synchronize_state(cpu) first to make it current.
 */
void x86_cpu_dump_state(CPUState *cpu, GString *out);
/* The same, from bare state (tests, migration debugging). */
void x86_cpu_dump_env(const X86CPU *env, bool halted, GString *out);

#endif
