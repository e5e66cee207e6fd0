/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 under KVM: vCPU CPUID set-up and the CPU state get/put ioctls. */
#include "qemu/osdep.h"
#include "target/i386/cpu.h"
#include "accel/kvm/kvm-int.h"
#include <sys/ioctl.h>

#define MSR_IA32_TSC            0x10
#define MSR_IA32_APICBASE       0x1b
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_PAT                 0x277
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_FMASK               0xc0000084
#define MSR_KERNELGSBASE        0xc0000102
#define MSR_TSC_AUX             0xc0000103
#define MSR_KVM_WALL_CLOCK_NEW  0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

#define KVM_FEATURE_CLOCKSOURCE2_BIT 3

/* The MSRs we save and restore, and where they live in X86CPU. */
static const struct { uint32_t index; size_t offset; } x86_msrs[] = {
    { MSR_IA32_TSC, offsetof(X86CPU, tsc) },
    { MSR_IA32_SYSENTER_CS, offsetof(X86CPU, sysenter_cs) },
    { MSR_IA32_SYSENTER_ESP, offsetof(X86CPU, sysenter_esp) },
    { MSR_IA32_SYSENTER_EIP, offsetof(X86CPU, sysenter_eip) },
    { MSR_STAR, offsetof(X86CPU, star) },
    { MSR_LSTAR, offsetof(X86CPU, lstar) },
    { MSR_CSTAR, offsetof(X86CPU, cstar) },
    { MSR_FMASK, offsetof(X86CPU, fmask) },
    { MSR_KERNELGSBASE, offsetof(X86CPU, kernelgsbase) },
    { MSR_PAT, offsetof(X86CPU, pat) },
    { MSR_TSC_AUX, offsetof(X86CPU, tsc_aux) },
    { MSR_IA32_MISC_ENABLE, offsetof(X86CPU, misc_enable) },
    { MSR_KVM_SYSTEM_TIME_NEW, offsetof(X86CPU, system_time_msr) },
    { MSR_KVM_WALL_CLOCK_NEW, offsetof(X86CPU, wall_clock_msr) },
};

static int vcpu_ioctl(CPUState *cpu, unsigned long req, void *arg)
{
    return kvm_ioctl_retry(kvm_vcpu(cpu)->fd, req, arg);
}

static bool check(int ret, const char *what, CPUState *cpu, Error **errp)
{
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: %s failed for CPU %d", what,
                         cpu->cpu_index);
        return false;
    }
    return true;
}

static bool kvm_set_cpuid(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    struct kvm_cpuid2 *host = kvm_state.supported_cpuid;
    g_autofree X86CPUIDEntry *h = g_new0(X86CPUIDEntry, host->nent);
    g_autofree struct kvm_cpuid2 *c = NULL;
    int ret;

    for (uint32_t i = 0; i < host->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &host->entries[i];

        h[i] = (X86CPUIDEntry) {
            .function = e->function, .index = e->index,
            .indexed = e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
            .eax = e->eax, .ebx = e->ebx, .ecx = e->ecx, .edx = e->edx,
        };
    }
    x86_cpu_build_cpuid(env, h, host->nent, ncpus, cpu->nr_cores,
                        cpu->nr_threads);
    c = g_malloc0(sizeof(*c) + env->ncpuid * sizeof(c->entries[0]));
    c->nent = env->ncpuid;
    for (unsigned i = 0; i < env->ncpuid; i++) {
        const X86CPUIDEntry *e = &env->cpuid[i];

        c->entries[i] = (struct kvm_cpuid_entry2) {
            .function = e->function, .index = e->index,
            .flags = e->indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
            .eax = e->eax, .ebx = e->ebx, .ecx = e->ecx, .edx = e->edx,
        };
    }
    ret = vcpu_ioctl(cpu, KVM_SET_CPUID2, c);
    return check(ret, "KVM_SET_CPUID2", cpu, errp);
}

bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    struct kvm_lapic_state lapic;

    if (!kvm_vcpu_create_fd(cpu, env->apic_id, errp) ||
        !kvm_set_cpuid(cpu, errp)) {
        return false;
    }
    if (kvm_state.xsave_size > (int)env->xsave_size) {
        env->xsave = g_realloc(env->xsave, kvm_state.xsave_size);
        memset(env->xsave + env->xsave_size, 0,
               kvm_state.xsave_size - env->xsave_size);
        env->xsave_size = kvm_state.xsave_size;
    }
    /* The kernel's LAPIC defaults (version register) seed the reset. */
    if (!check(vcpu_ioctl(cpu, KVM_GET_LAPIC, &lapic), "KVM_GET_LAPIC",
               cpu, errp)) {
        return false;
    }
    memcpy(env->lapic, lapic.regs, sizeof(env->lapic));
    return true;
}

/* --- segments --- */

static void seg_from_kvm(SegmentCache *d, const struct kvm_segment *s)
{
    d->selector = s->selector;
    d->base = s->base;
    d->limit = s->limit;
    d->flags = s->unusable ? 0 :
               (s->type << DESC_TYPE_SHIFT) | (s->s ? DESC_S_MASK : 0) |
               (s->dpl << DESC_DPL_SHIFT) | (s->present ? DESC_P_MASK : 0) |
               (s->avl ? DESC_AVL_MASK : 0) | (s->l ? DESC_L_MASK : 0) |
               (s->db ? DESC_B_MASK : 0) | (s->g ? DESC_G_MASK : 0);
}

static void seg_to_kvm(struct kvm_segment *d, const SegmentCache *s)
{
    uint32_t fl = s->flags;

    memset(d, 0, sizeof(*d));
    d->selector = s->selector;
    d->base = s->base;
    d->limit = s->limit;
    d->type = (fl & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT;
    d->s = !!(fl & DESC_S_MASK);
    d->dpl = (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
    d->present = !!(fl & DESC_P_MASK);
    d->avl = !!(fl & DESC_AVL_MASK);
    d->l = !!(fl & DESC_L_MASK);
    d->db = !!(fl & DESC_B_MASK);
    d->g = !!(fl & DESC_G_MASK);
    d->unusable = !d->present;
}

/* --- MSRs --- */

static bool msr_wanted(CPUState *cpu, uint32_t index)
{
    KVMVCPU *v = kvm_vcpu(cpu);
    const X86CPUIDEntry *pv;

    for (unsigned i = 0; i < v->nr_refused; i++) {
        if (v->refused_msrs[i] == index) {
            return false;
        }
    }
    if (index == MSR_KVM_SYSTEM_TIME_NEW || index == MSR_KVM_WALL_CLOCK_NEW) {
        pv = x86_cpu_find_cpuid(cpu->arch, 0x40000001, 0);
        if (!pv || !(pv->eax & (1u << KVM_FEATURE_CLOCKSOURCE2_BIT))) {
            return false;
        }
    }
    return kvm_msr_supported(index);
}

static void msr_refuse(CPUState *cpu, uint32_t index)
{
    KVMVCPU *v = kvm_vcpu(cpu);

    if (v->nr_refused < ARRAY_SIZE(v->refused_msrs)) {
        v->refused_msrs[v->nr_refused++] = index;
    }
}

static struct kvm_msrs *msrs_build(CPUState *cpu, int *slot_of)
{
    struct kvm_msrs *m = g_malloc0(sizeof(*m) + ARRAY_SIZE(x86_msrs) *
                                   sizeof(struct kvm_msr_entry));

    for (size_t i = 0; i < ARRAY_SIZE(x86_msrs); i++) {
        slot_of[i] = -1;
        if (msr_wanted(cpu, x86_msrs[i].index)) {
            uint64_t *val = (uint64_t *)((char *)cpu->arch +
                                         x86_msrs[i].offset);

            slot_of[i] = m->nmsrs;
            m->entries[m->nmsrs].index = x86_msrs[i].index;
            m->entries[m->nmsrs].data = *val;
            m->nmsrs++;
        }
    }
    return m;
}

/*
 * KVM_GET/SET_MSRS stop at the first MSR they refuse.  A refused MSR the
 * guest model lacks (e.g. TSC_AUX without rdtscp) is dropped for good if
 * its value is the reset value 0; otherwise put fails naming it.
 */
static bool kvm_msrs_xfer(CPUState *cpu, bool put, Error **errp)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        int slot_of[ARRAY_SIZE(x86_msrs)];
        g_autofree struct kvm_msrs *m = msrs_build(cpu, slot_of);
        int ret = vcpu_ioctl(cpu, put ? KVM_SET_MSRS : KVM_GET_MSRS, m);

        if (ret < 0) {
            return check(ret, put ? "KVM_SET_MSRS" : "KVM_GET_MSRS", cpu,
                         errp);
        }
        if ((uint32_t)ret < m->nmsrs) {
            const struct kvm_msr_entry *bad = &m->entries[ret];

            if (put && bad->data != 0) {
                error_setg(errp, "kvm: failed to set MSR 0x%x to 0x%" PRIx64
                           " for CPU %d", bad->index, (uint64_t)bad->data,
                           cpu->cpu_index);
                return false;
            }
            msr_refuse(cpu, bad->index);
            continue;
        }
        if (!put) {
            for (size_t i = 0; i < ARRAY_SIZE(x86_msrs); i++) {
                if (slot_of[i] >= 0) {
                    *(uint64_t *)((char *)cpu->arch + x86_msrs[i].offset) =
                        m->entries[slot_of[i]].data;
                }
            }
        }
        return true;
    }
    error_setg(errp, "kvm: too many MSRs refused for CPU %d", cpu->cpu_index);
    return false;
}

/* --- whole state --- */

static bool kvm_get_xsave(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    unsigned long req = kvm_state.xsave_size ? KVM_GET_XSAVE2 : KVM_GET_XSAVE;
    size_t size = MAX(env->xsave_size, sizeof(struct kvm_xsave));
    g_autofree void *buf = g_malloc0(size);

    if (!check(vcpu_ioctl(cpu, req, buf), "KVM_GET_XSAVE", cpu, errp)) {
        return false;
    }
    memcpy(env->xsave, buf, env->xsave_size);
    return true;
}

static bool kvm_put_xsave(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    size_t size = MAX(env->xsave_size, sizeof(struct kvm_xsave));
    g_autofree void *buf = g_malloc0(size);

    memcpy(buf, env->xsave, env->xsave_size);
    return check(vcpu_ioctl(cpu, KVM_SET_XSAVE, buf), "KVM_SET_XSAVE",
                 cpu, errp);
}

bool kvm_arch_get_state(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_xcrs xcrs;
    struct kvm_lapic_state lapic;
    struct kvm_vcpu_events ev;
    struct kvm_mp_state mp;
    struct kvm_debugregs dbg;
    uint64_t *r = env->regs;

    if (!check(vcpu_ioctl(cpu, KVM_GET_REGS, &regs), "KVM_GET_REGS", cpu,
               errp)) {
        return false;
    }
    r[R_EAX] = regs.rax; r[R_EBX] = regs.rbx;
    r[R_ECX] = regs.rcx; r[R_EDX] = regs.rdx;
    r[R_ESI] = regs.rsi; r[R_EDI] = regs.rdi;
    r[R_ESP] = regs.rsp; r[R_EBP] = regs.rbp;
    r[R_R8] = regs.r8; r[R_R9] = regs.r9; r[R_R10] = regs.r10;
    r[R_R11] = regs.r11; r[R_R12] = regs.r12; r[R_R13] = regs.r13;
    r[R_R14] = regs.r14; r[R_R15] = regs.r15;
    env->rip = regs.rip;
    env->rflags = regs.rflags;

    if (!kvm_get_xsave(cpu, errp)) {
        return false;
    }
    if (!check(vcpu_ioctl(cpu, KVM_GET_XCRS, &xcrs), "KVM_GET_XCRS", cpu,
               errp)) {
        return false;
    }
    for (uint32_t i = 0; i < xcrs.nr_xcrs; i++) {
        if (xcrs.xcrs[i].xcr == 0) {
            env->xcr0 = xcrs.xcrs[i].value;
        }
    }

    if (!check(vcpu_ioctl(cpu, KVM_GET_SREGS, &sregs), "KVM_GET_SREGS", cpu,
               errp)) {
        return false;
    }
    seg_from_kvm(&env->segs[R_CS], &sregs.cs);
    seg_from_kvm(&env->segs[R_DS], &sregs.ds);
    seg_from_kvm(&env->segs[R_ES], &sregs.es);
    seg_from_kvm(&env->segs[R_FS], &sregs.fs);
    seg_from_kvm(&env->segs[R_GS], &sregs.gs);
    seg_from_kvm(&env->segs[R_SS], &sregs.ss);
    seg_from_kvm(&env->tr, &sregs.tr);
    seg_from_kvm(&env->ldt, &sregs.ldt);
    env->gdt = (SegmentCache) { .base = sregs.gdt.base,
                                .limit = sregs.gdt.limit };
    env->idt = (SegmentCache) { .base = sregs.idt.base,
                                .limit = sregs.idt.limit };
    env->cr[0] = sregs.cr0;
    env->cr[2] = sregs.cr2;
    env->cr[3] = sregs.cr3;
    env->cr[4] = sregs.cr4;
    env->cr8 = sregs.cr8;
    env->efer = sregs.efer;
    env->apic_base = sregs.apic_base;

    if (!kvm_msrs_xfer(cpu, false, errp)) {
        return false;
    }
    if (!check(vcpu_ioctl(cpu, KVM_GET_MP_STATE, &mp), "KVM_GET_MP_STATE",
               cpu, errp)) {
        return false;
    }
    env->mp_state = mp.mp_state;
    env->halted = mp.mp_state == KVM_MP_STATE_HALTED;

    if (!check(vcpu_ioctl(cpu, KVM_GET_LAPIC, &lapic), "KVM_GET_LAPIC", cpu,
               errp)) {
        return false;
    }
    memcpy(env->lapic, lapic.regs, sizeof(env->lapic));

    if (!check(vcpu_ioctl(cpu, KVM_GET_VCPU_EVENTS, &ev),
               "KVM_GET_VCPU_EVENTS", cpu, errp)) {
        return false;
    }
    env->events = (X86Events) {
        .exception_injected = ev.exception.injected,
        .exception_nr = ev.exception.nr,
        .exception_has_error_code = ev.exception.has_error_code,
        .exception_error_code = ev.exception.error_code,
        .interrupt_injected = ev.interrupt.injected,
        .interrupt_nr = ev.interrupt.nr,
        .interrupt_soft = ev.interrupt.soft,
        .interrupt_shadow = ev.interrupt.shadow,
        .nmi_injected = ev.nmi.injected,
        .nmi_pending = ev.nmi.pending,
        .nmi_masked = ev.nmi.masked,
        .sipi_vector = ev.sipi_vector,
    };
    if (ev.flags & KVM_VCPUEVENT_VALID_SMM) {
        env->events.smm = ev.smi.smm;
        env->events.smm_pending = ev.smi.pending;
        env->events.smm_inside_nmi = ev.smi.smm_inside_nmi;
        env->events.smm_latched_init = ev.smi.latched_init;
    }

    if (!check(vcpu_ioctl(cpu, KVM_GET_DEBUGREGS, &dbg), "KVM_GET_DEBUGREGS",
               cpu, errp)) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        env->dr[i] = dbg.db[i];
    }
    env->dr[4] = env->dr[6] = dbg.dr6;
    env->dr[5] = env->dr[7] = dbg.dr7;
    return true;
}

bool kvm_arch_put_state(CPUState *cpu, Error **errp)
{
    X86CPU *env = cpu->arch;
    const uint64_t *r = env->regs;
    struct kvm_regs regs = {
        .rax = r[R_EAX], .rbx = r[R_EBX], .rcx = r[R_ECX], .rdx = r[R_EDX],
        .rsi = r[R_ESI], .rdi = r[R_EDI], .rsp = r[R_ESP], .rbp = r[R_EBP],
        .r8 = r[R_R8], .r9 = r[R_R9], .r10 = r[R_R10], .r11 = r[R_R11],
        .r12 = r[R_R12], .r13 = r[R_R13], .r14 = r[R_R14], .r15 = r[R_R15],
        .rip = env->rip, .rflags = env->rflags,
    };
    struct kvm_sregs sregs = { 0 };
    struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
    struct kvm_lapic_state lapic;
    struct kvm_vcpu_events ev = { 0 };
    struct kvm_mp_state mp = { .mp_state = env->mp_state };
    struct kvm_debugregs dbg = { 0 };

    if (!check(vcpu_ioctl(cpu, KVM_SET_REGS, &regs), "KVM_SET_REGS", cpu,
               errp) || !kvm_put_xsave(cpu, errp)) {
        return false;
    }
    xcrs.xcrs[0].xcr = 0;
    xcrs.xcrs[0].value = env->xcr0;
    if (!check(vcpu_ioctl(cpu, KVM_SET_XCRS, &xcrs), "KVM_SET_XCRS", cpu,
               errp)) {
        return false;
    }

    seg_to_kvm(&sregs.cs, &env->segs[R_CS]);
    seg_to_kvm(&sregs.ds, &env->segs[R_DS]);
    seg_to_kvm(&sregs.es, &env->segs[R_ES]);
    seg_to_kvm(&sregs.fs, &env->segs[R_FS]);
    seg_to_kvm(&sregs.gs, &env->segs[R_GS]);
    seg_to_kvm(&sregs.ss, &env->segs[R_SS]);
    seg_to_kvm(&sregs.tr, &env->tr);
    seg_to_kvm(&sregs.ldt, &env->ldt);
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.cr0 = env->cr[0];
    sregs.cr2 = env->cr[2];
    sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4];
    sregs.cr8 = env->cr8;
    sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;
    if (!check(vcpu_ioctl(cpu, KVM_SET_SREGS, &sregs), "KVM_SET_SREGS", cpu,
               errp) || !kvm_msrs_xfer(cpu, true, errp)) {
        return false;
    }
    if (!check(vcpu_ioctl(cpu, KVM_SET_MP_STATE, &mp), "KVM_SET_MP_STATE",
               cpu, errp)) {
        return false;
    }
    memcpy(lapic.regs, env->lapic, sizeof(lapic.regs));
    if (!check(vcpu_ioctl(cpu, KVM_SET_LAPIC, &lapic), "KVM_SET_LAPIC", cpu,
               errp)) {
        return false;
    }

    ev.exception.injected = env->events.exception_injected;
    ev.exception.nr = env->events.exception_nr;
    ev.exception.has_error_code = env->events.exception_has_error_code;
    ev.exception.error_code = env->events.exception_error_code;
    ev.interrupt.injected = env->events.interrupt_injected;
    ev.interrupt.nr = env->events.interrupt_nr;
    ev.interrupt.soft = env->events.interrupt_soft;
    ev.interrupt.shadow = env->events.interrupt_shadow;
    ev.nmi.injected = env->events.nmi_injected;
    ev.nmi.pending = env->events.nmi_pending;
    ev.nmi.masked = env->events.nmi_masked;
    ev.sipi_vector = env->events.sipi_vector;
    ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
               KVM_VCPUEVENT_VALID_SHADOW;
    if (kvm_state.has_smm_events) {
        ev.flags |= KVM_VCPUEVENT_VALID_SMM;
        ev.smi.smm = env->events.smm;
        ev.smi.pending = env->events.smm_pending;
        ev.smi.smm_inside_nmi = env->events.smm_inside_nmi;
        ev.smi.latched_init = env->events.smm_latched_init;
    }
    if (!check(vcpu_ioctl(cpu, KVM_SET_VCPU_EVENTS, &ev),
               "KVM_SET_VCPU_EVENTS", cpu, errp)) {
        return false;
    }

    for (int i = 0; i < 4; i++) {
        dbg.db[i] = env->dr[i];
    }
    dbg.dr6 = env->dr[6];
    dbg.dr7 = env->dr[7];
    return check(vcpu_ioctl(cpu, KVM_SET_DEBUGREGS, &dbg),
                 "KVM_SET_DEBUGREGS", cpu, errp);
}
