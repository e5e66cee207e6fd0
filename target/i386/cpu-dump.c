/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP "info registers": the x86 register dump in QEMU's layout. */
#include "qemu/osdep.h"
#include "target/i386/cpu.h"

#define FL_CF (1u << 0)
#define FL_PF (1u << 2)
#define FL_AF (1u << 4)
#define FL_ZF (1u << 6)
#define FL_SF (1u << 7)
#define FL_DF (1u << 10)
#define FL_OF (1u << 11)

typedef struct DumpMode {
    bool pe, lma, cs64;
} DumpMode;

static const char *const sys_type_32[16] = {
    "Reserved", "TSS16-avl", "LDT", "TSS16-busy",
    "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
    "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
    "CallGate32", "Reserved", "IntGate32", "TrapGate32",
};

static const char *const sys_type_64[16] = {
    "<hiword>", "Reserved", "LDT", "Reserved", "Reserved",
    "Reserved", "Reserved", "Reserved", "Reserved",
    "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
    "Reserved", "IntGate64", "TrapGate64",
};

static void dump_seg(GString *out, const DumpMode *mode, const char *name,
                     const SegmentCache *sc)
{
    uint32_t fl = sc->flags;

    if (mode->cs64) {
        g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x",
                               name, sc->selector, sc->base, sc->limit,
                               fl & 0x00ffff00);
    } else {
        g_string_append_printf(out, "%-3s=%04x %08x %08x %08x", name,
                               sc->selector, (uint32_t)sc->base, sc->limit,
                               fl & 0x00ffff00);
    }
    if (mode->pe && (fl & DESC_P_MASK)) {
        g_string_append_printf(out, " DPL=%u ",
                               (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
        if (fl & DESC_S_MASK) {
            if (fl & DESC_CS_MASK) {
                g_string_append(out, (fl & DESC_L_MASK) ? "CS64" :
                                (fl & DESC_B_MASK) ? "CS32" : "CS16");
                g_string_append_printf(out, " [%c%c",
                                       (fl & DESC_C_MASK) ? 'C' : '-',
                                       (fl & DESC_R_MASK) ? 'R' : '-');
            } else {
                g_string_append(out, ((fl & DESC_B_MASK) || mode->lma)
                                     ? "DS  " : "DS16");
                g_string_append_printf(out, " [%c%c",
                                       (fl & DESC_E_MASK) ? 'E' : '-',
                                       (fl & DESC_W_MASK) ? 'W' : '-');
            }
            g_string_append_printf(out, "%c]", (fl & DESC_A_MASK) ? 'A' : '-');
        } else {
            unsigned type = (fl & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT;

            g_string_append(out, mode->lma ? sys_type_64[type]
                                           : sys_type_32[type]);
        }
    }
    g_string_append_c(out, '\n');
}

static unsigned dump_cpl(const X86CPU *env, const DumpMode *mode)
{
    if (!mode->pe) {
        return 0;
    }
    if ((env->rflags & RFLAGS_VM) && !mode->lma) {
        return 3;
    }
    return (env->segs[R_SS].flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
}

void x86_cpu_dump_env(const X86CPU *env, bool halted, GString *out)
{
    static const char *const seg_name[SEG_NB_REGS] = {
        "ES", "CS", "SS", "DS", "FS", "GS"
    };
    DumpMode mode = {
        .pe = env->cr[0] & CR0_PE_MASK,
        .lma = env->efer & EFER_LMA,
    };
    uint32_t fl = env->rflags;
    char flags[8] = {
        fl & FL_DF ? 'D' : '-', fl & FL_OF ? 'O' : '-',
        fl & FL_SF ? 'S' : '-', fl & FL_ZF ? 'Z' : '-',
        fl & FL_AF ? 'A' : '-', fl & FL_PF ? 'P' : '-',
        fl & FL_CF ? 'C' : '-', '\0'
    };
    const uint64_t *r = env->regs;
    const char *tail_fmt = " CPL=%u II=%u A20=%u SMM=%u HLT=%u\n";

    mode.cs64 = mode.lma && (env->segs[R_CS].flags & DESC_L_MASK);
    if (mode.cs64) {
        g_string_append_printf(out,
            "RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64
            " RDX=%016" PRIx64 "\n"
            "RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64
            " RSP=%016" PRIx64 "\n"
            "R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64
            " R11=%016" PRIx64 "\n"
            "R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64
            " R15=%016" PRIx64 "\n"
            "RIP=%016" PRIx64 " RFL=%08x [%s]",
            r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX],
            r[R_ESI], r[R_EDI], r[R_EBP], r[R_ESP],
            r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15],
            env->rip, fl, flags);
    } else {
        g_string_append_printf(out,
            "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
            "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
            "EIP=%08x EFL=%08x [%s]",
            (uint32_t)r[R_EAX], (uint32_t)r[R_EBX], (uint32_t)r[R_ECX],
            (uint32_t)r[R_EDX], (uint32_t)r[R_ESI], (uint32_t)r[R_EDI],
            (uint32_t)r[R_EBP], (uint32_t)r[R_ESP], (uint32_t)env->rip,
            fl, flags);
    }
    g_string_append_printf(out, tail_fmt, dump_cpl(env, &mode),
                           env->events.interrupt_shadow ? 1u : 0u,
                           env->a20 ? 1u : 0u, env->events.smm ? 1u : 0u,
                           halted ? 1u : 0u);

    for (int i = 0; i < SEG_NB_REGS; i++) {
        dump_seg(out, &mode, seg_name[i], &env->segs[i]);
    }
    dump_seg(out, &mode, "LDT", &env->ldt);
    dump_seg(out, &mode, "TR", &env->tr);

    if (mode.lma) {
        g_string_append_printf(out, "GDT=     %016" PRIx64 " %08x\n",
                               env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %016" PRIx64 " %08x\n",
                               env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%016" PRIx64
                               " CR3=%016" PRIx64 " CR4=%08x\n",
                               (uint32_t)env->cr[0], env->cr[2], env->cr[3],
                               (uint32_t)env->cr[4]);
    } else {
        g_string_append_printf(out, "GDT=     %08x %08x\n",
                               (uint32_t)env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %08x %08x\n",
                               (uint32_t)env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
                               (uint32_t)env->cr[0], (uint32_t)env->cr[2],
                               (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
    }
    /* target_ulong is 64-bit in qemu-system-x86_64: always 16 digits. */
    for (int i = 0; i < 4; i++) {
        g_string_append_printf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
    }
    g_string_append_printf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n",
                           env->dr[6], env->dr[7]);
    g_string_append_printf(out, "EFER=%016" PRIx64 "\n", env->efer);
}

void x86_cpu_dump_state(CPUState *cpu, GString *out)
{
    x86_cpu_dump_env(cpu->arch, cpu->halted || cpu->arch->halted, out);
}
