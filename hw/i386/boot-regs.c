/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Multiboot entry state of the BSP, written into its X86CPU. */
#include "qemu/osdep.h"
#include "hw/i386/x86.h"
#include "hw/core/cpu.h"
#include "target/i386/cpu.h"

static void flat_segment(SegmentCache *sc, uint32_t selector, uint32_t type)
{
    sc->selector = selector;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = DESC_P_MASK | DESC_S_MASK | DESC_B_MASK | DESC_G_MASK |
                DESC_A_MASK | type;
}

void x86_boot_regs_apply(CPUState *cpu, const X86BootRegs *regs)
{
    X86CPU *env = cpu->arch;

    /* Flat 32-bit protected mode, paging off, IF=0 (Multiboot 3.2). */
    env->regs[R_EAX] = regs->eax;
    env->regs[R_EBX] = regs->ebx;
    env->rip = regs->eip;
    env->rflags = RFLAGS_FIXED;
    flat_segment(&env->segs[R_CS], 0x08, DESC_CS_MASK | DESC_R_MASK);
    for (int i = 0; i < SEG_NB_REGS; i++) {
        if (i != R_CS) {
            flat_segment(&env->segs[i], 0x10, DESC_W_MASK);
        }
    }
    env->cr[0] = (env->cr[0] | CR0_PE_MASK | CR0_ET_MASK) &
                 ~(CR0_PG_MASK | CR0_CD_MASK | CR0_NW_MASK);
    env->cr[4] = 0;
    env->efer = 0;
    env->a20 = true;
    env->mp_state = X86_MP_STATE_RUNNABLE;
    env->halted = false;
    cpu->halted = false;
    cpu->vcpu_dirty = true;
}
