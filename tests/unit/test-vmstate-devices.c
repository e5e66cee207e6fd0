/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device and CPU vmstate: save → load round trips through a whole stream. */
#include "qemu/osdep.h"
#include "hw/char/serial.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/core/cpu.h"
#include "system/accel-ops.h"
#include "system/kvm.h"
#include "system/memory.h"
#include "target/i386/cpu.h"
#include "target/i386/machine.h"
#include "migration/misc.h"
#include "migration/migration.h"
#include "migration/savevm.h"
#include "accel/kvm/kvm-vmstate.h"
#ifdef CONFIG_KVM
#include "accel/kvm/kvm-int.h"
#endif

/* The whole stream (header, configuration, FULL sections, EOF, vmdesc). */
static GByteArray *save_all(void)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);

    g_assert_cmpint(qemu_savevm_state(f, &error_abort), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    return buf;
}

static int load_all(GByteArray *buf, Error **errp)
{
    QEMUFile *f = qemu_file_new_input_buffer(buf->data, buf->len);
    int ret = qemu_loadvm_state(f, errp);

    qemu_fclose(f);
    return ret;
}

static bool stream_has(GByteArray *buf, const char *s)
{
    return memmem(buf->data, buf->len, s, strlen(s)) != NULL;
}

/* --- 16550A --- */

#define COM1 0x3f8
enum { RBR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };

static uint8_t inb(uint16_t port)
{
    uint8_t v = 0;

    g_assert_true(pio_dispatch(port, &v, 1, false));
    return v;
}

static void outb(uint16_t port, uint8_t v)
{
    g_assert_true(pio_dispatch(port, &v, 1, true));
}

static void test_serial_round_trip(void)
{
    SerialState *s = serial_isa_init(COM1, 4, NULL, &error_abort);
    g_autoptr(GByteArray) buf = NULL;

    outb(COM1 + LCR, 0x80);            /* divisor 0x0102 */
    outb(COM1 + RBR, 0x02);
    outb(COM1 + IER, 0x01);
    outb(COM1 + LCR, 0x1b);            /* 8E1 */
    outb(COM1 + 2, 0x81);              /* FIFO on, trigger 8 */
    outb(COM1 + MCR, 0x10 | 0x08);     /* loopback, OUT2 */
    outb(COM1 + RBR, 'x');
    outb(COM1 + RBR, 'y');
    outb(COM1 + RBR, 'z');
    g_assert_cmpint(inb(COM1 + RBR), ==, 'x');   /* head moves to 1 */
    outb(COM1 + SCR, 0x5a);
    outb(COM1 + IER, 0x05);

    buf = save_all();
    g_assert_true(stream_has(buf, "serial/recv_fifo"));
    memory_cleanup();
    serial_isa_free(s);

    /* A fresh UART, as in the destination process. */
    s = serial_isa_init(COM1, 4, NULL, &error_abort);
    g_assert_cmpint(inb(COM1 + SCR), ==, 0);
    g_assert_cmpint(load_all(buf, &error_abort), ==, 0);

    g_assert_cmpint(inb(COM1 + LCR), ==, 0x1b);
    g_assert_cmpint(inb(COM1 + MCR), ==, 0x18);
    g_assert_cmpint(inb(COM1 + SCR), ==, 0x5a);
    g_assert_cmpint(inb(COM1 + IER), ==, 0x05);
    /* FIFO mode and a pending receive interrupt (below the trigger: CTI) */
    g_assert_cmphex(inb(COM1 + IIR), ==, 0xcc);
    g_assert_cmpint(inb(COM1 + LSR) & 0x01, ==, 0x01);
    g_assert_cmpint(inb(COM1 + RBR), ==, 'y');
    g_assert_cmpint(inb(COM1 + RBR), ==, 'z');
    g_assert_cmpint(inb(COM1 + LSR) & 0x01, ==, 0);
    outb(COM1 + LCR, 0x9b);
    g_assert_cmphex(inb(COM1 + RBR), ==, 0x02);
    g_assert_cmphex(inb(COM1 + IER), ==, 0x01);
    outb(COM1 + LCR, 0x1b);

    memory_cleanup();
    serial_isa_free(s);
}

/* An empty FIFO needs no subsection; THRE pending is derived from IIR. */
static void test_serial_idle_no_subsections(void)
{
    SerialState *s = serial_isa_init(COM1, 4, NULL, &error_abort);
    g_autoptr(GByteArray) buf = NULL;

    outb(COM1 + IER, 0x02);            /* THR empty interrupt */
    g_assert_cmphex(inb(COM1 + IIR) & 0x0f, ==, 0x02);   /* acknowledges */
    outb(COM1 + RBR, 'a');             /* sent at once: pending again */
    buf = save_all();
    g_assert_false(stream_has(buf, "serial/recv_fifo"));
    g_assert_false(stream_has(buf, "serial/thr_ipending"));
    memory_cleanup();
    serial_isa_free(s);

    s = serial_isa_init(COM1, 4, NULL, &error_abort);
    g_assert_cmpint(load_all(buf, &error_abort), ==, 0);
    g_assert_cmphex(inb(COM1 + IIR) & 0x0f, ==, 0x02);
    g_assert_cmphex(inb(COM1 + IIR) & 0x0f, ==, 0x01);   /* acknowledged */
    memory_cleanup();
    serial_isa_free(s);
}

/* --- MC146818 --- */

#define RTC 0x70
#define T0 (1700000000LL * G_USEC_PER_SEC)   /* 2023-11-14 22:13:20 UTC */

static uint8_t cmos_read(RTCState *s, int reg)
{
    outb(RTC, reg);
    return inb(RTC + 1);
}

static void test_rtc_round_trip(void)
{
    RTCState *s = mc146818_rtc_init(RTC);
    g_autoptr(GByteArray) buf = NULL;

    rtc_set_host_time_for_test(s, T0);
    /* The guest sets its clock to 2001-02-03 04:05:06 (BCD, 24 h). */
    outb(RTC, 0x0b);
    outb(RTC + 1, 0x82);
    outb(RTC, 0x00); outb(RTC + 1, 0x06);
    outb(RTC, 0x02); outb(RTC + 1, 0x05);
    outb(RTC, 0x04); outb(RTC + 1, 0x04);
    outb(RTC, 0x07); outb(RTC + 1, 0x03);
    outb(RTC, 0x08); outb(RTC + 1, 0x02);
    outb(RTC, 0x09); outb(RTC + 1, 0x01);
    outb(RTC, 0x32); outb(RTC + 1, 0x20);
    outb(RTC, 0x0b);
    outb(RTC + 1, 0x02);
    outb(RTC, 0x40);                   /* CMOS RAM byte */
    outb(RTC + 1, 0x77);
    outb(RTC, 0x41);                   /* index left pointing at 0x41 */

    buf = save_all();
    memory_cleanup();
    mc146818_rtc_free(s);

    /* The destination starts 7 s of host time later. */
    s = mc146818_rtc_init(RTC);
    rtc_set_host_time_for_test(s, T0 + 7 * G_USEC_PER_SEC);
    g_assert_cmpint(load_all(buf, &error_abort), ==, 0);
    /* The index survived: a data read without selecting a register. */
    g_assert_cmphex(inb(RTC + 1), ==, rtc_get_memory(s, 0x41));
    g_assert_cmphex(cmos_read(s, 0x40), ==, 0x77);
    g_assert_cmphex(cmos_read(s, 0x0b), ==, 0x02);
    /* Guest time went on: 04:05:13 on the same day. */
    g_assert_cmphex(cmos_read(s, 0x00), ==, 0x13);
    g_assert_cmphex(cmos_read(s, 0x02), ==, 0x05);
    g_assert_cmphex(cmos_read(s, 0x04), ==, 0x04);
    g_assert_cmphex(cmos_read(s, 0x07), ==, 0x03);
    g_assert_cmphex(cmos_read(s, 0x09), ==, 0x01);
    memory_cleanup();
    mc146818_rtc_free(s);
}

/* --- x86 CPU, without an accelerator --- */

static CPUState *cpu_new_bare(int index, uint32_t apic_id)
{
    CPUState *cpu = g_new0(CPUState, 1);

    cpu->cpu_index = index;
    cpu->arch = x86_cpu_new(index);
    cpu->arch->apic_id = apic_id;
    x86_cpu_reset(cpu->arch, index == 0);
    return cpu;
}

static void cpu_free_bare(CPUState *cpu)
{
    x86_cpu_vmstate_unregister(cpu);
    x86_cpu_free(cpu->arch);
    g_free(cpu);
}

static void cpu_fill(X86CPU *env)
{
    for (int i = 0; i < CPU_NB_REGS; i++) {
        env->regs[i] = 0x1111111111111111ULL * (i + 1);
    }
    env->rip = 0xffffffff81000123ULL;
    env->rflags = 0x246;
    env->segs[R_CS] = (SegmentCache) { 0x10, 0, 0xffffffff,
                                       DESC_P_MASK | DESC_S_MASK |
                                       DESC_CS_MASK | DESC_L_MASK };
    env->segs[R_GS].base = 0xffff888000001000ULL;
    env->tr = (SegmentCache) { 0x40, 0xfffffe0000003000ULL, 0x4087,
                               DESC_P_MASK | (11u << DESC_TYPE_SHIFT) };
    env->gdt = (SegmentCache) { .base = 0xfffffe0000001000ULL, .limit = 0x7f };
    env->idt = (SegmentCache) { .base = 0xfffffe0000000000ULL,
                                .limit = 0xfff };
    env->cr[0] = 0x80050033;
    env->cr[2] = 0x7f0012345678ULL;
    env->cr[3] = 0x1234000;
    env->cr[4] = 0x3606f0;
    env->cr8 = 5;
    env->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    env->xcr0 = 7;
    env->dr[0] = 0xdead0000;
    env->dr[7] = 0x401;
    for (uint32_t i = 0; i < env->xsave_size; i++) {
        env->xsave[i] = i * 7;
    }
    env->tsc = 0x123456789aULL;
    env->sysenter_eip = 0xffffffff81a00000ULL;
    env->lstar = 0xffffffff81c00000ULL;
    env->star = 0x23001000000000ULL;
    env->kernelgsbase = 0x7fff0000;
    env->pat = 0x0407050600070106ULL;
    env->tsc_aux = 3;
    env->system_time_msr = 0x2000001;
    env->wall_clock_msr = 0x3000000;
    for (int i = 0; i < X86_LAPIC_SIZE; i++) {
        env->lapic[i] = i ^ 0x5a;
    }
    env->events.interrupt_injected = true;
    env->events.interrupt_nr = 0xec;
    env->events.nmi_masked = true;
    env->events.exception_error_code = 0x18;
    env->mp_state = X86_MP_STATE_HALTED;
    env->halted = true;
}

static void cpu_assert_equal(const X86CPU *a, const X86CPU *b)
{
    g_assert_cmpmem(a->regs, sizeof(a->regs), b->regs, sizeof(b->regs));
    g_assert_cmphex(a->rip, ==, b->rip);
    g_assert_cmphex(a->rflags, ==, b->rflags);
    g_assert_cmpmem(a->segs, sizeof(a->segs), b->segs, sizeof(b->segs));
    g_assert_cmpmem(&a->tr, sizeof(a->tr), &b->tr, sizeof(b->tr));
    g_assert_cmpmem(&a->ldt, sizeof(a->ldt), &b->ldt, sizeof(b->ldt));
    g_assert_cmphex(a->gdt.base, ==, b->gdt.base);
    g_assert_cmphex(a->idt.limit, ==, b->idt.limit);
    g_assert_cmpmem(a->cr, sizeof(a->cr), b->cr, sizeof(b->cr));
    g_assert_cmphex(a->cr8, ==, b->cr8);
    g_assert_cmphex(a->efer, ==, b->efer);
    g_assert_cmphex(a->xcr0, ==, b->xcr0);
    g_assert_cmpmem(a->dr, sizeof(a->dr), b->dr, sizeof(b->dr));
    g_assert_cmpmem(a->xsave, a->xsave_size, b->xsave, b->xsave_size);
    g_assert_cmphex(a->tsc, ==, b->tsc);
    g_assert_cmphex(a->sysenter_eip, ==, b->sysenter_eip);
    g_assert_cmphex(a->lstar, ==, b->lstar);
    g_assert_cmphex(a->star, ==, b->star);
    g_assert_cmphex(a->kernelgsbase, ==, b->kernelgsbase);
    g_assert_cmphex(a->pat, ==, b->pat);
    g_assert_cmphex(a->apic_base, ==, b->apic_base);
    g_assert_cmphex(a->tsc_aux, ==, b->tsc_aux);
    g_assert_cmphex(a->system_time_msr, ==, b->system_time_msr);
    g_assert_cmphex(a->wall_clock_msr, ==, b->wall_clock_msr);
    g_assert_cmpmem(a->lapic, sizeof(a->lapic), b->lapic, sizeof(b->lapic));
    g_assert_cmpmem(&a->events, sizeof(a->events), &b->events,
                    sizeof(b->events));
    g_assert_cmpuint(a->mp_state, ==, b->mp_state);
    g_assert_cmpint(a->halted, ==, b->halted);
}

static void test_cpu_round_trip(void)
{
    CPUState *src = cpu_new_bare(0, 0), *dst;
    g_autoptr(GByteArray) buf = NULL;

    g_assert_null(current_accel());
    cpu_fill(src->arch);
    g_assert_true(x86_cpu_vmstate_register(src, &error_abort));
    buf = save_all();

    /* Destination: a freshly reset CPU, registered by its machine. */
    dst = cpu_new_bare(0, 0);
    cpu_free_bare(src);
    src = cpu_new_bare(0, 0);          /* the reference values again */
    cpu_fill(src->arch);
    g_assert_true(x86_cpu_vmstate_register(dst, &error_abort));
    g_assert_false(dst->vcpu_dirty);
    g_assert_cmpint(load_all(buf, &error_abort), ==, 0);
    cpu_assert_equal(src->arch, dst->arch);
    g_assert_true(dst->vcpu_dirty);    /* to be put before it runs */
    g_assert_true(dst->halted);
    cpu_free_bare(dst);
    x86_cpu_free(src->arch);
    g_free(src);
}

/* A destination with another topology (APIC ids) refuses the stream. */
static void test_cpu_apic_id_mismatch(void)
{
    CPUState *cpu = cpu_new_bare(0, 0);
    g_autoptr(GByteArray) buf = NULL;
    Error *err = NULL;

    g_assert_true(x86_cpu_vmstate_register(cpu, &error_abort));
    buf = save_all();
    cpu_free_bare(cpu);

    cpu = cpu_new_bare(0, 4);
    g_assert_true(x86_cpu_vmstate_register(cpu, &error_abort));
    g_assert_cmpint(load_all(buf, &err), <, 0);
    g_assert_nonnull(err);
    error_free(err);
    cpu_free_bare(cpu);
}

static void test_cpu_invtsc_blocker(void)
{
    static const char reason[] =
        "State blocked by non-migratable CPU device (invtsc flag)";
    CPUState *cpu = cpu_new_bare(0, 0);
    const Error *blocker;
    Error *err = NULL;

    cpu->arch->cpuid = g_new0(X86CPUIDEntry, 1);
    cpu->arch->cpuid[0] = (X86CPUIDEntry) { .function = 0x80000007,
                                            .edx = 1u << 8 };
    cpu->arch->ncpuid = 1;

    g_assert_null(migration_blocker_first(MIG_MODE_NORMAL));
    g_assert_true(x86_cpu_vmstate_register(cpu, &error_abort));
    blocker = migration_blocker_first(MIG_MODE_NORMAL);
    g_assert_nonnull(blocker);
    g_assert_cmpstr(error_get_pretty(blocker), ==, reason);
    g_assert_nonnull(migration_blocker_first(MIG_MODE_CPR_TRANSFER));
    cpu_free_bare(cpu);
    g_assert_null(migration_blocker_first(MIG_MODE_NORMAL));

    /* -only-migratable: the CPU cannot be set up at all. */
    migration_set_only_migratable(true);
    cpu = cpu_new_bare(0, 0);
    cpu->arch->cpuid = g_new0(X86CPUIDEntry, 1);
    cpu->arch->cpuid[0] = (X86CPUIDEntry) { .function = 0x80000007,
                                            .edx = 1u << 8 };
    cpu->arch->ncpuid = 1;
    g_assert_false(x86_cpu_vmstate_register(cpu, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err), reason));
    g_assert_nonnull(strstr(error_get_pretty(err), "only-migratable"));
    error_free(err);
    g_assert_null(migration_blocker_first(MIG_MODE_NORMAL));
    migration_set_only_migratable(false);
    cpu_free_bare(cpu);

    /* Without invtsc there is no blocker. */
    cpu = cpu_new_bare(0, 0);
    g_assert_true(x86_cpu_vmstate_register(cpu, &error_abort));
    g_assert_null(migration_blocker_first(MIG_MODE_NORMAL));
    cpu_free_bare(cpu);
}

/* --- under KVM: a running guest, its CPU and in-kernel devices --- */

#ifdef CONFIG_KVM
#define CODE_ADDR 0x1000
#define XMM0_OFFSET 160

static int vm_ioctl(unsigned long req, void *arg)
{
    return kvm_ioctl_retry(kvm_state.vmfd, req, arg);
}

static void pic_set_imr(uint8_t imr)
{
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_PIC_MASTER };

    g_assert_cmpint(vm_ioctl(KVM_GET_IRQCHIP, &c), ==, 0);
    c.chip.pic.imr = imr;
    g_assert_cmpint(vm_ioctl(KVM_SET_IRQCHIP, &c), ==, 0);
}

static uint8_t pic_get_imr(void)
{
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_PIC_MASTER };

    g_assert_cmpint(vm_ioctl(KVM_GET_IRQCHIP, &c), ==, 0);
    return c.chip.pic.imr;
}

static void ioapic_set_pin5(uint64_t bits)
{
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };

    g_assert_cmpint(vm_ioctl(KVM_GET_IRQCHIP, &c), ==, 0);
    c.chip.ioapic.redirtbl[5].bits = bits;
    g_assert_cmpint(vm_ioctl(KVM_SET_IRQCHIP, &c), ==, 0);
}

static uint64_t ioapic_get_pin5(void)
{
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };

    g_assert_cmpint(vm_ioctl(KVM_GET_IRQCHIP, &c), ==, 0);
    return c.chip.ioapic.redirtbl[5].bits;
}

static void pit_set_ch2(uint8_t mode, uint32_t count)
{
    struct kvm_pit_state2 ps;

    g_assert_cmpint(vm_ioctl(KVM_GET_PIT2, &ps), ==, 0);
    ps.channels[2].mode = mode;
    ps.channels[2].count = count;
    g_assert_cmpint(vm_ioctl(KVM_SET_PIT2, &ps), ==, 0);
}

static void pit_get_ch2(uint8_t *mode, uint32_t *count)
{
    struct kvm_pit_state2 ps;

    g_assert_cmpint(vm_ioctl(KVM_GET_PIT2, &ps), ==, 0);
    *mode = ps.channels[2].mode;
    *count = ps.channels[2].count;
}

static uint64_t clock_get(void)
{
    struct kvm_clock_data d = { 0 };

    g_assert_cmpint(vm_ioctl(KVM_GET_CLOCK, &d), ==, 0);
    return d.clock;
}

static void clock_set(uint64_t ns)
{
    struct kvm_clock_data d = { .clock = ns };

    g_assert_cmpint(vm_ioctl(KVM_SET_CLOCK, &d), ==, 0);
}

static void test_kvm_guest_continues(void)
{
    /* 0x1000: inc ebx; jmp 0x1000 */
    static const uint8_t code[] = { 0x66, 0x43, 0xeb, 0xfc };
    g_autoptr(GByteArray) buf = NULL;
    RAMBlock *ram;
    CPUState *bsp;
    Error *err = NULL;
    uint64_t ebx_saved, clock_saved;
    uint8_t xmm0[16], mode;
    uint32_t count;

    if (!kvm_available()) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    if (!kvm_init(&err)) {
        g_test_skip(error_get_pretty(err));
        error_free(err);
        return;
    }
    /* kvm_pvm cannot emulate IA32_ARCH_CAPABILITIES; no invtsc blocker. */
    x86_cpu_model_set_current(x86_cpu_model_parse(
        "host,-arch-capabilities,-invtsc", &error_abort));
    ram = ram_block_alloc("test.ram", 0xa0000, &error_abort);
    g_assert_true(memory_map_ram(0, ram, 0, 0xa0000, false, &error_abort));
    g_assert_true(cpus_create(1, &error_abort));
    bsp = qemu_get_cpu(0);
    g_assert_true(x86_cpu_vmstate_register(bsp, &error_abort));
    kvm_devices_vmstate_register();

    memcpy(ram->host + CODE_ADDR, code, sizeof(code));
    for (int i = 0; i < 16; i++) {
        xmm0[i] = 0xa0 + i;
    }
    memcpy(bsp->arch->xsave + XMM0_OFFSET, xmm0, sizeof(xmm0));
    bsp->arch->segs[R_CS].selector = 0;
    bsp->arch->segs[R_CS].base = 0;
    bsp->arch->rip = CODE_ADDR;
    bsp->vcpu_dirty = true;
    pic_set_imr(0xa5);
    ioapic_set_pin5(0x10035);
    pit_set_ch2(2, 0x1234);

    resume_all_vcpus();
    g_usleep(20000);
    pause_all_vcpus();

    /* Save as at switchover (pre_save synchronizes the paused vCPU). */
    bsp->vcpu_dirty = false;
    buf = save_all();
    g_assert_true(stream_has(buf, "i8259"));
    g_assert_true(stream_has(buf, "ioapic"));
    g_assert_true(stream_has(buf, "i8254"));
    g_assert_true(stream_has(buf, "kvmclock"));
    ebx_saved = bsp->arch->regs[R_EBX];
    g_assert_cmpuint(ebx_saved, >, 0);
    clock_saved = clock_get();

    /* Clobber everything, then load the stream back. */
    cpu_reset(bsp);
    pic_set_imr(0);
    ioapic_set_pin5(0x10000);
    pit_set_ch2(0, 7);
    clock_set(clock_saved + 100 * 1000000000ULL);
    g_assert_cmpint(load_all(buf, &error_abort), ==, 0);
    g_assert_true(bsp->vcpu_dirty);
    g_assert_cmpuint(bsp->arch->regs[R_EBX], ==, ebx_saved);
    g_assert_cmphex(pic_get_imr(), ==, 0xa5);
    g_assert_cmphex(ioapic_get_pin5(), ==, 0x10035);
    pit_get_ch2(&mode, &count);
    g_assert_cmpuint(mode, ==, 2);
    g_assert_cmphex(count, ==, 0x1234);
    g_assert_cmpuint(clock_get(), <, clock_saved + 10 * 1000000000ULL);

    /* The guest goes on counting from where it was. */
    resume_all_vcpus();
    g_usleep(20000);
    pause_all_vcpus();
    bsp->vcpu_dirty = false;
    cpu_synchronize_state(bsp);
    g_assert_cmpuint(bsp->arch->regs[R_EBX], >, ebx_saved);
    g_assert_cmphex(bsp->arch->rip, >=, CODE_ADDR);
    g_assert_cmphex(bsp->arch->rip, <, CODE_ADDR + sizeof(code));
    g_assert_cmpmem(bsp->arch->xsave + XMM0_OFFSET, 16, xmm0, 16);

    kvm_devices_vmstate_unregister();
    x86_cpu_vmstate_unregister(bsp);
    cpus_destroy();
    memory_cleanup();
    kvm_cleanup();
    x86_cpu_model_set_current(NULL);
}
#endif

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmstate/serial/round-trip", test_serial_round_trip);
    g_test_add_func("/vmstate/serial/idle", test_serial_idle_no_subsections);
    g_test_add_func("/vmstate/rtc/round-trip", test_rtc_round_trip);
    g_test_add_func("/vmstate/cpu/round-trip", test_cpu_round_trip);
    g_test_add_func("/vmstate/cpu/apic-id-mismatch",
                    test_cpu_apic_id_mismatch);
    g_test_add_func("/vmstate/cpu/invtsc-blocker", test_cpu_invtsc_blocker);
#ifdef CONFIG_KVM
    g_test_add_func("/vmstate/kvm/guest-continues", test_kvm_guest_continues);
#endif
    return g_test_run();
}
