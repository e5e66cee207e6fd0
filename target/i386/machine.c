/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The x86 CPU's vmstate: the "cpu" section of every vCPU, the invtsc blocker. */
#include "qemu/osdep.h"
#include "target/i386/machine.h"
#include "target/i386/cpu.h"
#include "migration/vmstate.h"
#include "migration/blocker.h"

/*
 * The section's opaque: the vCPU and the stream's copy of the XSAVE area.
 * XSAVE travels as a (length, bytes) pair so that a destination whose
 * accelerator uses a different XSAVE size still loads it: the common
 * prefix is kept, the rest zeroed.
 */
typedef struct X86CPUVMState {
    CPUState *cpu;
    X86CPU *env;
    uint32_t xsave_len;
    uint8_t *xsave;        /* saving: env->xsave; loading: g_malloc'd */
} X86CPUVMState;

/* CPUID.80000007H:EDX[8], invariant TSC */
#define CPUID_8000_0007_EDX_INVTSC (1u << 8)

static GPtrArray *x86_cpu_vmstates;    /* of X86CPUVMState, main thread */
static Error *invtsc_mig_blocker;

static const VMStateDescription vmstate_segment = {
    .name = "segment",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(selector, SegmentCache),
        VMSTATE_UINT64(base, SegmentCache),
        VMSTATE_UINT32(limit, SegmentCache),
        VMSTATE_UINT32(flags, SegmentCache),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_x86_events = {
    .name = "x86_events",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(exception_injected, X86Events),
        VMSTATE_BOOL(exception_pending, X86Events),
        VMSTATE_UINT8(exception_nr, X86Events),
        VMSTATE_BOOL(exception_has_error_code, X86Events),
        VMSTATE_UINT32(exception_error_code, X86Events),
        VMSTATE_BOOL(interrupt_injected, X86Events),
        VMSTATE_UINT8(interrupt_nr, X86Events),
        VMSTATE_BOOL(interrupt_soft, X86Events),
        VMSTATE_UINT8(interrupt_shadow, X86Events),
        VMSTATE_BOOL(nmi_injected, X86Events),
        VMSTATE_BOOL(nmi_pending, X86Events),
        VMSTATE_BOOL(nmi_masked, X86Events),
        VMSTATE_UINT32(sipi_vector, X86Events),
        VMSTATE_BOOL(smm, X86Events),
        VMSTATE_BOOL(smm_pending, X86Events),
        VMSTATE_BOOL(smm_inside_nmi, X86Events),
        VMSTATE_BOOL(smm_latched_init, X86Events),
        VMSTATE_END_OF_LIST()
    },
};

/* The architectural state in X86CPU, except XSAVE (see above). */
static const VMStateDescription vmstate_x86_env = {
    .name = "x86cpu",
    .version_id = 12,
    .minimum_version_id = 11,
    .fields = (const VMStateField[]) {
        /* A different -smp topology gives other APIC ids: refuse. */
        VMSTATE_UINT32_EQUAL(apic_id, X86CPU),
        VMSTATE_UINT64_ARRAY(regs, X86CPU, CPU_NB_REGS),
        VMSTATE_UINT64(rip, X86CPU),
        VMSTATE_UINT64(rflags, X86CPU),
        VMSTATE_STRUCT_ARRAY(segs, X86CPU, SEG_NB_REGS, 1, vmstate_segment,
                             SegmentCache),
        VMSTATE_STRUCT(ldt, X86CPU, 1, vmstate_segment, SegmentCache),
        VMSTATE_STRUCT(tr, X86CPU, 1, vmstate_segment, SegmentCache),
        VMSTATE_STRUCT(gdt, X86CPU, 1, vmstate_segment, SegmentCache),
        VMSTATE_STRUCT(idt, X86CPU, 1, vmstate_segment, SegmentCache),
        VMSTATE_UINT64_ARRAY(cr, X86CPU, 5),
        VMSTATE_UINT64(cr8, X86CPU),
        VMSTATE_UINT64(efer, X86CPU),
        VMSTATE_UINT64(xcr0, X86CPU),
        VMSTATE_UINT64_ARRAY(dr, X86CPU, 8),
        /* MSRs */
        VMSTATE_UINT64(tsc, X86CPU),
        VMSTATE_UINT64(sysenter_cs, X86CPU),
        VMSTATE_UINT64(sysenter_esp, X86CPU),
        VMSTATE_UINT64(sysenter_eip, X86CPU),
        VMSTATE_UINT64(star, X86CPU),
        VMSTATE_UINT64(lstar, X86CPU),
        VMSTATE_UINT64(cstar, X86CPU),
        VMSTATE_UINT64(fmask, X86CPU),
        VMSTATE_UINT64(kernelgsbase, X86CPU),
        VMSTATE_UINT64(pat, X86CPU),
        VMSTATE_UINT64(apic_base, X86CPU),
        VMSTATE_UINT64(tsc_aux, X86CPU),
        VMSTATE_UINT64(misc_enable, X86CPU),
        VMSTATE_UINT64(system_time_msr, X86CPU),
        VMSTATE_UINT64(wall_clock_msr, X86CPU),
        /* Local APIC, events, run state */
        VMSTATE_BUFFER(lapic, X86CPU),
        VMSTATE_STRUCT(events, X86CPU, 1, vmstate_x86_events, X86Events),
        VMSTATE_UINT32(mp_state, X86CPU),
        VMSTATE_BOOL(halted, X86CPU),
        VMSTATE_BOOL(a20, X86CPU),
        VMSTATE_END_OF_LIST()
    },
};

static int x86_cpu_pre_save(void *opaque)
{
    X86CPUVMState *s = opaque;

    /* The vCPUs are paused at switchover: this reads the accelerator. */
    cpu_synchronize_state(s->cpu);
    s->xsave = s->env->xsave;
    s->xsave_len = s->env->xsave_size;
    return 0;
}

static int x86_cpu_post_save(void *opaque)
{
    X86CPUVMState *s = opaque;

    s->xsave = NULL;       /* borrowed from env */
    s->xsave_len = 0;
    return 0;
}

static int x86_cpu_pre_load(void *opaque)
{
    X86CPUVMState *s = opaque;

    s->xsave = NULL;       /* the engine allocates the incoming copy */
    s->xsave_len = 0;
    return 0;
}

static int x86_cpu_post_load(void *opaque, int version_id)
{
    X86CPUVMState *s = opaque;
    X86CPU *env = s->env;
    uint32_t n = MIN(s->xsave_len, env->xsave_size);
    int ret = 0;

    if (env->mp_state > X86_MP_STATE_SIPI_RECEIVED) {
        error_report("cpu %d: invalid mp_state %" PRIu32 " in the migration "
                     "stream", s->cpu->cpu_index, env->mp_state);
        ret = -EINVAL;
    } else if (s->xsave) {
        memcpy(env->xsave, s->xsave, n);
        memset(env->xsave + n, 0, env->xsave_size - n);
    }
    g_free(s->xsave);
    s->xsave = NULL;
    s->xsave_len = 0;
    if (ret == 0) {
        s->cpu->halted = env->halted;
        /* arch is now the master copy: put before the next run. */
        s->cpu->vcpu_dirty = true;
    }
    return ret;
}

/* QEMU's "cpu" section name and versions; the layout is Ferry's own. */
const VMStateDescription vmstate_x86_cpu = {
    .name = "cpu",
    .version_id = 12,
    .minimum_version_id = 11,
    .priority = MIG_PRI_DEFAULT,
    .pre_save = x86_cpu_pre_save,
    .post_save = x86_cpu_post_save,
    .pre_load = x86_cpu_pre_load,
    .post_load = x86_cpu_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_POINTER(env, X86CPUVMState, vmstate_x86_env, X86CPU),
        VMSTATE_UINT32(xsave_len, X86CPUVMState),
        VMSTATE_VBUFFER_ALLOC_UINT32(xsave, X86CPUVMState, 0, NULL,
                                     xsave_len),
        VMSTATE_END_OF_LIST()
    },
};

static bool x86_cpu_has_invtsc(const X86CPU *env)
{
    const X86CPUIDEntry *e = x86_cpu_find_cpuid(env, 0x80000007, 0);

    return e && (e->edx & CPUID_8000_0007_EDX_INVTSC);
}

/* As QEMU's KVM vCPU init: one blocker for the whole VM. */
static bool x86_cpu_add_invtsc_blocker(Error **errp)
{
    if (invtsc_mig_blocker) {
        return true;
    }
    error_setg(&invtsc_mig_blocker,
               "State blocked by non-migratable CPU device (invtsc flag)");
    return migrate_add_blocker(&invtsc_mig_blocker, errp) == 0;
}

static X86CPUVMState *x86_cpu_vmstate_find(CPUState *cpu, guint *index)
{
    for (guint i = 0; x86_cpu_vmstates && i < x86_cpu_vmstates->len; i++) {
        X86CPUVMState *s = g_ptr_array_index(x86_cpu_vmstates, i);

        if (s->cpu == cpu) {
            *index = i;
            return s;
        }
    }
    return NULL;
}

bool x86_cpu_vmstate_register(CPUState *cpu, Error **errp)
{
    X86CPUVMState *s;
    guint i;

    if (x86_cpu_vmstate_find(cpu, &i)) {
        return true;
    }
    if (x86_cpu_has_invtsc(cpu->arch) && !x86_cpu_add_invtsc_blocker(errp)) {
        return false;
    }
    s = g_new0(X86CPUVMState, 1);
    s->cpu = cpu;
    s->env = cpu->arch;
    if (vmstate_register(NULL, cpu->cpu_index, &vmstate_x86_cpu, s) < 0) {
        error_setg(errp, "cpu %d: its migration state is already registered",
                   cpu->cpu_index);
        g_free(s);
        return false;
    }
    if (!x86_cpu_vmstates) {
        x86_cpu_vmstates = g_ptr_array_new();
    }
    g_ptr_array_add(x86_cpu_vmstates, s);
    return true;
}

void x86_cpu_vmstate_unregister(CPUState *cpu)
{
    guint i;
    X86CPUVMState *s = x86_cpu_vmstate_find(cpu, &i);

    if (!s) {
        return;
    }
    vmstate_unregister(&vmstate_x86_cpu, s);
    g_ptr_array_remove_index(x86_cpu_vmstates, i);
    g_free(s->xsave != cpu->arch->xsave ? s->xsave : NULL);
    g_free(s);
    if (!x86_cpu_vmstates->len) {
        migrate_del_blocker(&invtsc_mig_blocker);
    }
}
