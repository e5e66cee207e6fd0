/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 CPU state: allocation and the architectural power-on (RESET) state. */
#include "qemu/osdep.h"
#include "target/i386/cpu.h"

/* Local APIC register offsets (xAPIC MMIO layout, as KVM_GET_LAPIC). */
#define APIC_ID      0x20
#define APIC_LVR     0x30
#define APIC_TPR     0x80
#define APIC_LDR     0xd0
#define APIC_DFR     0xe0
#define APIC_SPIV    0xf0
#define APIC_ISR     0x100
#define APIC_ICR     0x300
#define APIC_LVTT    0x320
#define APIC_LVT0    0x350
#define APIC_LVTERR  0x370
#define APIC_TMICT   0x380
#define APIC_TDCR    0x3e0
#define APIC_LVT_MASKED  (1u << 16)
#define APIC_DM_EXTINT   (7u << 8)
#define APIC_DEFAULT_LVR 0x50014   /* version 0x14, 6 LVT entries */

/* XSAVE legacy area offsets. */
#define XSAVE_FCW       0
#define XSAVE_MXCSR     24
#define XSAVE_XSTATE_BV 512

static void lapic_set(X86CPU *env, unsigned reg, uint32_t val)
{
    memcpy(env->lapic + reg, &val, sizeof(val));
}

static uint32_t lapic_get(const X86CPU *env, unsigned reg)
{
    uint32_t val;

    memcpy(&val, env->lapic + reg, sizeof(val));
    return val;
}

X86CPU *x86_cpu_new(int cpu_index)
{
    X86CPU *env = g_new0(X86CPU, 1);

    env->cpu_index = cpu_index;
    env->apic_id = cpu_index;
    env->xsave_size = X86_XSAVE_MIN_SIZE;
    env->xsave = g_malloc0(env->xsave_size);
    env->a20 = true;
    return env;
}

void x86_cpu_free(X86CPU *env)
{
    if (env) {
        g_free(env->xsave);
        g_free(env->cpuid);
        g_free(env);
    }
}

static void set_seg(SegmentCache *s, uint32_t sel, uint64_t base,
                    uint32_t limit, uint32_t flags)
{
    s->selector = sel;
    s->base = base;
    s->limit = limit;
    s->flags = flags;
}

static void x86_lapic_reset(X86CPU *env, bool bsp)
{
    uint32_t lvr = lapic_get(env, APIC_LVR);

    memset(env->lapic, 0, sizeof(env->lapic));
    /* Keep the accelerator's version register (number of LVTs). */
    lapic_set(env, APIC_LVR, lvr ? lvr : APIC_DEFAULT_LVR);
    lapic_set(env, APIC_ID, env->apic_id << 24);
    lapic_set(env, APIC_DFR, 0xffffffff);
    lapic_set(env, APIC_SPIV, 0xff);
    for (unsigned reg = APIC_LVTT; reg <= APIC_LVTERR; reg += 0x10) {
        lapic_set(env, reg, APIC_LVT_MASKED);
    }
    /*
     * As firmware does on a PC (and QEMU at reset): LINT0 of the BSP in
     * ExtINT mode, so that the 8259 reaches it once the APIC is enabled.
     */
    if (bsp) {
        lapic_set(env, APIC_LVT0, APIC_DM_EXTINT);
    }
}

void x86_cpu_reset(X86CPU *env, bool bsp)
{
    const uint32_t data_flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                                DESC_A_MASK;
    const X86CPUIDEntry *leaf1 = x86_cpu_find_cpuid(env, 1, 0);
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    uint64_t xstate_bv = 3;

    memset(env->regs, 0, sizeof(env->regs));
    /* EDX holds the processor signature after RESET. */
    env->regs[R_EDX] = leaf1 ? leaf1->eax : 0x600;
    env->rip = 0xfff0;
    env->rflags = RFLAGS_FIXED;

    set_seg(&env->segs[R_CS], 0xf000, 0xffff0000, 0xffff,
            DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
            DESC_A_MASK);
    set_seg(&env->segs[R_DS], 0, 0, 0xffff, data_flags);
    set_seg(&env->segs[R_ES], 0, 0, 0xffff, data_flags);
    set_seg(&env->segs[R_SS], 0, 0, 0xffff, data_flags);
    set_seg(&env->segs[R_FS], 0, 0, 0xffff, data_flags);
    set_seg(&env->segs[R_GS], 0, 0, 0xffff, data_flags);
    set_seg(&env->ldt, 0, 0, 0xffff, DESC_P_MASK | (2u << DESC_TYPE_SHIFT));
    set_seg(&env->tr, 0, 0, 0xffff, DESC_P_MASK | (11u << DESC_TYPE_SHIFT));
    set_seg(&env->gdt, 0, 0, 0xffff, 0);
    set_seg(&env->idt, 0, 0, 0xffff, 0);

    memset(env->cr, 0, sizeof(env->cr));
    env->cr[0] = CR0_CD_MASK | CR0_NW_MASK | CR0_ET_MASK;
    env->cr8 = 0;
    env->efer = 0;
    env->xcr0 = 1;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;

    memset(env->xsave, 0, env->xsave_size);
    memcpy(env->xsave + XSAVE_FCW, &fcw, sizeof(fcw));
    memcpy(env->xsave + XSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    memcpy(env->xsave + XSAVE_XSTATE_BV, &xstate_bv, sizeof(xstate_bv));

    env->tsc = 0;
    env->sysenter_cs = env->sysenter_esp = env->sysenter_eip = 0;
    env->star = env->lstar = env->cstar = env->fmask = 0;
    env->kernelgsbase = 0;
    env->pat = 0x0007040600070406ULL;
    env->apic_base = APIC_DEFAULT_BASE | MSR_IA32_APICBASE_ENABLE |
                     (bsp ? MSR_IA32_APICBASE_BSP : 0);
    env->tsc_aux = 0;
    env->misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
    env->system_time_msr = 0;
    env->wall_clock_msr = 0;

    x86_lapic_reset(env, bsp);
    memset(&env->events, 0, sizeof(env->events));
    env->mp_state = bsp ? X86_MP_STATE_RUNNABLE
                        : X86_MP_STATE_UNINITIALIZED;
    env->halted = !bsp;
    env->a20 = true;
}
