/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM accelerator tests: run real-mode code, CPU state round trip, dirty log. */
#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "system/accel-ops.h"
#include "system/kvm.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#define RAM_SIZE   0xa0000ULL
#define ROM_BASE   0xf0000ULL
#define ROM_SIZE   0x10000ULL
#define CODE_ADDR  0x1000
#define TEST_PORT  0xf0

static RAMBlock *ram, *rom;

/* Port writes the guest made: (port << 8) | byte, in order. */
static GMutex port_lock;
static GCond port_cond;
static GArray *port_log;

static uint64_t port_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void port_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    uint32_t ev = ((TEST_PORT + (uint32_t)addr) << 8) | (val & 0xff);

    g_assert_true(bql_locked());
    g_mutex_lock(&port_lock);
    g_array_append_val(port_log, ev);
    g_cond_broadcast(&port_cond);
    g_mutex_unlock(&port_lock);
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
};

/* Wait (bounded) until the guest wrote to port; return the byte. */
static int wait_port(unsigned port)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    int val = -1;

    g_mutex_lock(&port_lock);
    while (val < 0) {
        for (guint i = 0; i < port_log->len; i++) {
            uint32_t ev = g_array_index(port_log, uint32_t, i);

            if (ev >> 8 == port) {
                val = ev & 0xff;
            }
        }
        if (val < 0 && !g_cond_wait_until(&port_cond, &port_lock, deadline)) {
            break;
        }
    }
    g_mutex_unlock(&port_lock);
    return val;
}

static bool vm_setup(unsigned nvcpus)
{
    Error *err = NULL;

    if (!kvm_available()) {
        g_test_skip("/dev/kvm is not usable here");
        return false;
    }
    if (!kvm_init(&err)) {
        g_autofree char *msg = g_strdup_printf("KVM cannot be used: %s",
                                               error_get_pretty(err));
        error_free(err);
        g_test_skip(msg);
        return false;
    }
    g_assert_true(current_accel() == &kvm_accel_ops);
    /* kvm_pvm cannot emulate IA32_ARCH_CAPABILITIES. */
    x86_cpu_model_set_current(x86_cpu_model_parse("host,-arch-capabilities",
                                                  &error_abort));
    ram = ram_block_alloc("test.ram", RAM_SIZE, &error_abort);
    rom = ram_block_alloc("test.rom", ROM_SIZE, &error_abort);
    g_assert_true(memory_map_ram(0, ram, 0, RAM_SIZE, false, &error_abort));
    g_assert_true(memory_map_ram(ROM_BASE, rom, 0, ROM_SIZE, true,
                                 &error_abort));
    pio_register(TEST_PORT, 4, &port_ops, NULL, "test-port");
    port_log = g_array_new(false, false, sizeof(uint32_t));
    g_assert_true(cpus_create(nvcpus, &error_abort));
    g_assert_cmpuint(ncpus, ==, nvcpus);
    g_assert_true(all_vcpus_paused());
    return true;
}

static void vm_teardown(void)
{
    cpus_destroy();
    memory_cleanup();
    kvm_cleanup();
    x86_cpu_model_set_current(NULL);
    g_array_free(port_log, true);
    port_log = NULL;
}

/* Point the (reset) BSP at real-mode code at 0:CODE_ADDR. */
static void start_at_code(const uint8_t *code, size_t len)
{
    CPUState *bsp = qemu_get_cpu(0);

    memcpy(ram->host + CODE_ADDR, code, len);
    bsp->arch->segs[R_CS].selector = 0;
    bsp->arch->segs[R_CS].base = 0;
    bsp->arch->rip = CODE_ADDR;
    bsp->vcpu_dirty = true;
    resume_all_vcpus();
}

/* Let the vCPUs run for a while, pause them, forget the BSP's copy. */
static void run_a_little(CPUState *bsp)
{
    resume_all_vcpus();
    g_usleep(20000);
    pause_all_vcpus();
    bsp->vcpu_dirty = false;
}

static void test_run_realmode(void)
{
    static const uint8_t code[] = {
        0x66, 0xb8, 0x78, 0x56, 0x34, 0x12,    /* mov eax, 0x12345678 */
        0x66, 0xbb, 0xbe, 0xba, 0xfe, 0xca,    /* mov ebx, 0xcafebabe */
        0xb0, 0x5a,                            /* mov al, 0x5a */
        0xe6, 0xf0,                            /* out 0xf0, al */
        0xbe, 0x00, 0x20,                      /* mov si, 0x2000 */
        0xb9, 0x04, 0x00,                      /* mov cx, 4 */
        0xba, 0xf1, 0x00,                      /* mov dx, 0xf1 */
        0xf3, 0x6e,                            /* rep outsb */
        0xb8, 0x00, 0xf0,                      /* mov ax, 0xf000 */
        0x8e, 0xd8,                            /* mov ds, ax */
        0xc6, 0x06, 0x10, 0x00, 0x77,          /* mov byte [0x10], 0x77 */
        0xa0, 0x10, 0x00,                      /* mov al, [0x10] */
        0xe6, 0xf2,                            /* out 0xf2, al */
        0xeb, 0xfe,                            /* jmp $ (0x102a) */
    };
    GString *s = g_string_new(NULL);
    CPUState *bsp, *ap;
    X86CPU *env;
    gint64 t0;

    if (!vm_setup(2)) {
        return;
    }
    bsp = qemu_get_cpu(0);
    ap = qemu_get_cpu(1);
    memcpy(ram->host + 0x2000, "ABCD", 4);
    rom->host[0x10] = 0x42;
    start_at_code(code, sizeof(code));

    g_assert_cmpint(wait_port(0xf0), ==, 0x5a);
    g_assert_cmpint(wait_port(0xf2), ==, 0x42);   /* ROM write dropped */
    g_assert_cmpint(rom->host[0x10], ==, 0x42);
    /* rep outsb: four bytes in order */
    g_mutex_lock(&port_lock);
    for (guint i = 0; i < port_log->len; i++) {
        uint32_t ev = g_array_index(port_log, uint32_t, i);
        if (ev >> 8 == 0xf1) {
            g_string_append_c(s, ev & 0xff);
        }
    }
    g_mutex_unlock(&port_lock);
    g_assert_cmpstr(s->str, ==, "ABCD");
    g_string_free(s, true);

    /* The guest spins in jmp $: pausing must be prompt. */
    t0 = g_get_monotonic_time();
    pause_all_vcpus();
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_TIME_SPAN_SECOND);
    g_assert_true(all_vcpus_paused());

    cpu_synchronize_state(bsp);
    env = bsp->arch;
    g_assert_cmphex(env->regs[R_EAX], ==, 0x1234f042);
    g_assert_cmphex(env->regs[R_EBX], ==, 0xcafebabe);
    g_assert_cmphex(env->regs[R_ECX], ==, 0);
    g_assert_cmphex(env->regs[R_ESI], ==, 0x2004);
    g_assert_cmphex(env->rip, ==, 0x102a);
    g_assert_cmphex(env->segs[R_DS].selector, ==, 0xf000);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0xf0000);

    /* The AP never got INIT/SIPI. */
    cpu_synchronize_state(ap);
    g_assert_cmpuint(ap->arch->mp_state, ==, X86_MP_STATE_UNINITIALIZED);

    /* Resume and pause again: still spinning at the same place. */
    run_a_little(bsp);
    cpu_synchronize_state(bsp);
    g_assert_cmphex(bsp->arch->rip, ==, 0x102a);

    /* The vCPU threads fetch their own state on request (migration's
     * switchover): afterwards it is current, without another fetch. */
    run_a_little(bsp);
    ap->vcpu_dirty = false;
    memset(bsp->arch->regs, 0xee, sizeof(bsp->arch->regs));
    bsp->arch->rip = 0;
    cpu_prefetch_all_states();
    cpu_synchronize_state(bsp);         /* waits for, or does, the fetch */
    g_assert_true(bsp->vcpu_dirty);
    g_assert_cmphex(bsp->arch->rip, ==, 0x102a);
    g_assert_cmphex(bsp->arch->regs[R_EBX], ==, 0xcafebabe);
    t0 = g_get_monotonic_time();
    while (!ap->vcpu_dirty) {           /* nobody synchronizes the AP */
        g_assert_cmpint(g_get_monotonic_time() - t0, <, G_TIME_SPAN_SECOND);
        g_usleep(1000);
    }
    g_assert_cmpuint(ap->arch->mp_state, ==, X86_MP_STATE_UNINITIALIZED);
    /* dirty state is put back before the guest runs on */
    run_a_little(bsp);
    cpu_synchronize_state(bsp);
    g_assert_cmphex(bsp->arch->rip, ==, 0x102a);
    vm_teardown();
}

/* XSAVE legacy-area offsets */
#define XS_FCW   0
#define XS_MXCSR 24
#define XS_XMM   160
#define XS_BV    512
#define XS_YMMH  576

#define LAPIC_REGS_CHECKED \
    X(0x20) X(0x80) X(0xd0) X(0xe0) X(0xf0) X(0x320) X(0x350) X(0x360) \
    X(0x370) X(0x3e0)

static uint32_t lapic_reg(const X86CPU *env, unsigned off)
{
    uint32_t v;

    memcpy(&v, env->lapic + off, 4);
    return v;
}

static void lapic_set(X86CPU *env, unsigned off, uint32_t v)
{
    memcpy(env->lapic + off, &v, 4);
}

static void set_seg(SegmentCache *s, uint32_t sel, uint64_t base,
                    uint32_t limit, uint32_t flags)
{
    *s = (SegmentCache) { sel, base, limit, flags };
}

static void fill_state(X86CPU *e, bool xsave, bool avx, bool rdtscp)
{
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                    DESC_A_MASK | DESC_L_MASK | DESC_G_MASK;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                    DESC_B_MASK | DESC_G_MASK;
    uint16_t fcw = 0x027f;
    uint64_t bv = avx ? 7 : 3;

    for (int i = 0; i < CPU_NB_REGS; i++) {
        e->regs[i] = 0x0101010101010101ULL * (i + 1) + 0x1000 * i;
    }
    e->rip = 0xffffffff81234567ULL;
    e->rflags = 0x2 | 0x1 | 0x4 | 0x40 | 0x80 | 0x800 | 0x200;
    set_seg(&e->segs[R_CS], 0x10, 0, 0xffffffff, code);
    set_seg(&e->segs[R_DS], 0x18, 0, 0xffffffff, data);
    set_seg(&e->segs[R_ES], 0x18, 0, 0xffffffff, data);
    set_seg(&e->segs[R_SS], 0x18, 0, 0xffffffff, data);
    set_seg(&e->segs[R_FS], 0x18, 0x7f0000001000ULL, 0xffffffff, data);
    set_seg(&e->segs[R_GS], 0x18, 0xffff888000000000ULL, 0xffffffff, data);
    set_seg(&e->ldt, 0x28, 0x1000, 0xff, DESC_P_MASK | (2u << 8));
    set_seg(&e->tr, 0x30, 0x2000, 0x67, DESC_P_MASK | (11u << 8));
    set_seg(&e->gdt, 0, 0x3000, 0x7f, 0);
    set_seg(&e->idt, 0, 0x4000, 0xfff, 0);
    e->cr[0] = CR0_PE_MASK | CR0_MP_MASK | CR0_ET_MASK | CR0_NE_MASK |
               CR0_WP_MASK | CR0_PG_MASK;
    e->cr[2] = 0xdeadbeef000ULL;
    e->cr[3] = 0x5000;
    e->cr[4] = CR4_PAE_MASK | (1u << 9) | (1u << 10) |
               (xsave ? 1u << 18 : 0);
    e->cr8 = 5;
    e->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    e->xcr0 = xsave ? bv : 1;
    e->dr[0] = 0x1000;
    e->dr[1] = 0x2000;
    e->dr[2] = 0x3000;
    e->dr[3] = 0x4000;
    e->dr[6] = 0xffff0ff1;
    e->dr[7] = 0x401;

    memset(e->xsave, 0, e->xsave_size);
    memcpy(e->xsave + XS_FCW, &fcw, 2);
    memcpy(e->xsave + XS_MXCSR, &(uint32_t){ 0x1f80 }, 4);
    for (int i = 0; i < 256; i++) {
        e->xsave[XS_XMM + i] = i ^ 0x5a;
    }
    if (avx) {
        for (int i = 0; i < 256; i++) {
            e->xsave[XS_YMMH + i] = i ^ 0xa5;
        }
    }
    memcpy(e->xsave + XS_BV, &bv, 8);

    e->tsc = 0x1000000000ULL;
    e->sysenter_cs = 0x10;
    e->sysenter_esp = 0xffff880000001000ULL;
    e->sysenter_eip = 0xffffffff81000000ULL;
    e->star = 0x0023001000000000ULL;
    e->lstar = 0xffffffff81800000ULL;
    e->cstar = 0xffffffff81900000ULL;
    e->fmask = 0x47700;
    e->kernelgsbase = 0xffff888000100000ULL;
    e->pat = 0x0007010600070106ULL;
    e->tsc_aux = rdtscp ? 3 : 0;
    e->misc_enable = 1;
    e->system_time_msr = 0x8001;
    e->wall_clock_msr = 0x9000;
    e->apic_base = 0xfee00900;

    lapic_set(e, 0x80, 0x50);          /* TPR = CR8 << 4 */
    lapic_set(e, 0xd0, 0x01000000);    /* LDR */
    lapic_set(e, 0xe0, 0xffffffff);    /* DFR */
    lapic_set(e, 0xf0, 0x1ff);         /* SVR: enabled, vector 0xff */
    lapic_set(e, 0x320, 0x200ef);      /* LVTT periodic, vector 0xef */
    lapic_set(e, 0x350, 0x700);        /* LINT0 ExtINT */
    lapic_set(e, 0x360, 0x400);        /* LINT1 NMI */
    lapic_set(e, 0x370, 0xfe);         /* LVTERR */
    lapic_set(e, 0x3e0, 0xb);          /* divide by 1 */

    e->events = (X86Events) {
        .interrupt_shadow = 1,
        .nmi_masked = true,
        .sipi_vector = 0x9a,
    };
    e->mp_state = X86_MP_STATE_RUNNABLE;
}

static void check_seg(const SegmentCache *a, const SegmentCache *b)
{
    g_assert_cmphex(a->selector, ==, b->selector);
    g_assert_cmphex(a->base, ==, b->base);
    g_assert_cmphex(a->limit, ==, b->limit);
    g_assert_cmphex(a->flags, ==, b->flags);
}

static void test_state_roundtrip(void)
{
    const AccelOps *ops;
    CPUState *cpu, *ap;
    X86CPU *e, saved;
    g_autofree uint8_t *xs = NULL;
    const X86CPUIDEntry *leaf1, *ext;
    bool xsave, avx, rdtscp;

    if (!vm_setup(2)) {
        return;
    }
    ops = current_accel();
    cpu = qemu_get_cpu(0);
    ap = qemu_get_cpu(1);
    e = cpu->arch;
    leaf1 = x86_cpu_find_cpuid(e, 1, 0);
    ext = x86_cpu_find_cpuid(e, 0x80000001, 0);
    g_assert_nonnull(leaf1);
    xsave = leaf1->ecx & (1u << 26);
    avx = xsave && (leaf1->ecx & (1u << 28));
    rdtscp = ext && (ext->edx & (1u << 27));

    fill_state(e, xsave, avx, rdtscp);
    saved = *e;
    xs = g_memdup2(e->xsave, e->xsave_size);
    g_assert_true(ops->put_state(cpu, &error_abort));

    /* Clobber, then read back. */
    x86_cpu_reset(e, false);
    memset(e->regs, 0xee, sizeof(e->regs));
    g_assert_true(ops->get_state(cpu, &error_abort));

    for (int i = 0; i < CPU_NB_REGS; i++) {
        g_assert_cmphex(e->regs[i], ==, saved.regs[i]);
    }
    g_assert_cmphex(e->rip, ==, saved.rip);
    g_assert_cmphex(e->rflags, ==, saved.rflags);
    for (int i = 0; i < SEG_NB_REGS; i++) {
        check_seg(&e->segs[i], &saved.segs[i]);
    }
    check_seg(&e->ldt, &saved.ldt);
    check_seg(&e->tr, &saved.tr);
    g_assert_cmphex(e->gdt.base, ==, saved.gdt.base);
    g_assert_cmphex(e->gdt.limit, ==, saved.gdt.limit);
    g_assert_cmphex(e->idt.base, ==, saved.idt.base);
    g_assert_cmphex(e->idt.limit, ==, saved.idt.limit);
    g_assert_cmphex(e->cr[0], ==, saved.cr[0]);
    g_assert_cmphex(e->cr[2], ==, saved.cr[2]);
    g_assert_cmphex(e->cr[3], ==, saved.cr[3]);
    g_assert_cmphex(e->cr[4], ==, saved.cr[4]);
    g_assert_cmphex(e->cr8, ==, saved.cr8);
    g_assert_cmphex(e->efer, ==, saved.efer);
    g_assert_cmphex(e->xcr0, ==, saved.xcr0);

    g_assert_cmpmem(e->xsave + XS_FCW, 2, xs + XS_FCW, 2);
    g_assert_cmpmem(e->xsave + XS_MXCSR, 4, xs + XS_MXCSR, 4);
    g_assert_cmpmem(e->xsave + XS_XMM, 256, xs + XS_XMM, 256);
    if (avx) {
        g_assert_cmpmem(e->xsave + XS_YMMH, 256, xs + XS_YMMH, 256);
    }

    /*
     * The TSC keeps counting from the value put.  kvm_pvm runs the guest
     * on the host TSC and cannot offset it: only note that.
     */
    if (e->tsc < saved.tsc || e->tsc >= saved.tsc + 1000000000000ULL) {
        g_test_message("KVM did not honour the TSC value put (0x%" PRIx64
                       " read back): no TSC offsetting here", e->tsc);
    }
    g_assert_cmphex(e->sysenter_cs, ==, saved.sysenter_cs);
    g_assert_cmphex(e->sysenter_esp, ==, saved.sysenter_esp);
    g_assert_cmphex(e->sysenter_eip, ==, saved.sysenter_eip);
    g_assert_cmphex(e->star, ==, saved.star);
    g_assert_cmphex(e->lstar, ==, saved.lstar);
    g_assert_cmphex(e->cstar, ==, saved.cstar);
    g_assert_cmphex(e->fmask, ==, saved.fmask);
    g_assert_cmphex(e->kernelgsbase, ==, saved.kernelgsbase);
    g_assert_cmphex(e->pat, ==, saved.pat);
    g_assert_cmphex(e->tsc_aux, ==, saved.tsc_aux);
    g_assert_cmphex(e->misc_enable, ==, saved.misc_enable);
    g_assert_cmphex(e->system_time_msr, ==, saved.system_time_msr);
    g_assert_cmphex(e->wall_clock_msr, ==, saved.wall_clock_msr);
    g_assert_cmphex(e->apic_base, ==, saved.apic_base);

#define X(off) g_assert_cmphex(lapic_reg(e, off), ==, lapic_reg(&saved, off));
    LAPIC_REGS_CHECKED
#undef X

    g_assert_cmpuint(e->events.interrupt_shadow, ==, 1);
    g_assert_true(e->events.nmi_masked);
    /* (KVM never reports sipi_vector back: not compared.) */
    g_assert_cmpuint(e->mp_state, ==, X86_MP_STATE_RUNNABLE);
    for (int i = 0; i < 4; i++) {
        g_assert_cmphex(e->dr[i], ==, saved.dr[i]);
    }
    g_assert_cmphex(e->dr[6], ==, saved.dr[6]);
    g_assert_cmphex(e->dr[7], ==, saved.dr[7]);

    /* mp_state of an AP: halted and back to wait-for-SIPI. */
    g_assert_true(ops->get_state(ap, &error_abort));
    g_assert_cmpuint(ap->arch->mp_state, ==, X86_MP_STATE_UNINITIALIZED);
    ap->arch->mp_state = X86_MP_STATE_HALTED;
    g_assert_true(ops->put_state(ap, &error_abort));
    ap->arch->mp_state = X86_MP_STATE_RUNNABLE;
    g_assert_true(ops->get_state(ap, &error_abort));
    g_assert_cmpuint(ap->arch->mp_state, ==, X86_MP_STATE_HALTED);
    g_assert_true(ap->arch->halted);

    /* cpu_reset: back to the power-on state in the accelerator too. */
    cpu_reset(cpu);
    g_assert_true(ops->get_state(cpu, &error_abort));
    g_assert_cmphex(e->rip, ==, 0xfff0);
    g_assert_cmphex(e->segs[R_CS].base, ==, 0xffff0000);
    g_assert_cmphex(e->cr[0], ==, 0x60000010);
    g_assert_cmphex(lapic_reg(e, 0x350), ==, 0x700);
    vm_teardown();
}

static GuestMemMapping *ram_mapping;

static void find_ram_mapping(GuestMemMapping *m, void *opaque)
{
    if (m->block == ram) {
        ram_mapping = m;
    }
}

static unsigned count_bits(const unsigned long *bm, size_t longs)
{
    unsigned n = 0;

    for (size_t i = 0; i < longs; i++) {
        n += __builtin_popcountl(bm[i]);
    }
    return n;
}

static bool test_bit_set(const unsigned long *bm, unsigned nr)
{
    return bm[nr / (8 * sizeof(long))] & (1UL << (nr % (8 * sizeof(long))));
}

static void test_dirty_log(void)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x10,                      /* mov ax, 0x1000 */
        0x8e, 0xd8,                            /* mov ds, ax */
        0xc6, 0x06, 0x00, 0x00, 0x01,          /* mov byte [0x0000], 1 */
        0xc6, 0x06, 0x00, 0x10, 0x02,          /* mov byte [0x1000], 2 */
        0xb8, 0x00, 0x20,                      /* mov ax, 0x2000 */
        0x8e, 0xd8,                            /* mov ds, ax */
        0xc6, 0x06, 0x04, 0x50, 0x03,          /* mov byte [0x5004], 3 */
        0xb0, 0x99,                            /* mov al, 0x99 */
        0xe6, 0xf0,                            /* out 0xf0, al */
        0xeb, 0xfe,                            /* jmp $ */
    };
    const AccelOps *ops;
    size_t pages = RAM_SIZE / TARGET_PAGE_SIZE;
    size_t longs = (pages + 63) / 64 * (64 / (8 * sizeof(long)));
    g_autofree unsigned long *bm = g_new0(unsigned long, longs);

    if (!vm_setup(1)) {
        return;
    }
    ops = current_accel();
    ram_mapping = NULL;
    memory_mapping_foreach(find_ram_mapping, NULL);
    g_assert_nonnull(ram_mapping);
    memcpy(ram->host + CODE_ADDR, code, sizeof(code));

    g_assert_true(ops->dirty_log_start(&error_abort));
    /* The first sync may report everything (initially-all-set). */
    g_assert_true(ops->dirty_log_sync(ram_mapping, bm, &error_abort));
    memset(bm, 0, longs * sizeof(long));

    start_at_code(code, sizeof(code));
    g_assert_cmpint(wait_port(0xf0), ==, 0x99);
    pause_all_vcpus();

    g_assert_true(ops->dirty_log_sync(ram_mapping, bm, &error_abort));
    g_assert_true(test_bit_set(bm, 0x10));
    g_assert_true(test_bit_set(bm, 0x11));
    g_assert_true(test_bit_set(bm, 0x25));
    g_assert_cmpuint(count_bits(bm, longs), ==, 3);
    g_assert_cmpint(ram->host[0x25004], ==, 3);

    memset(bm, 0, longs * sizeof(long));
    g_assert_true(ops->dirty_log_sync(ram_mapping, bm, &error_abort));
    g_assert_cmpuint(count_bits(bm, longs), ==, 0);

    /* After stop, writes are no longer tracked (and nothing breaks). */
    ops->dirty_log_stop();
    g_assert_true(ops->dirty_log_sync(ram_mapping, bm, &error_abort));
    g_assert_cmpuint(count_bits(bm, longs), ==, 0);
    vm_teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/run-realmode", test_run_realmode);
    g_test_add_func("/kvm/state-roundtrip", test_state_roundtrip);
    g_test_add_func("/kvm/dirty-log", test_dirty_log);
    return g_test_run();
}
