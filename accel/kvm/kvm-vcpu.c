/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM vCPUs: creation, the KVM_RUN loop with exit dispatch, and kicking. */
#include "qemu/osdep.h"
#include "system/kvm.h"
#include "system/accel-ops.h"
#include "accel/kvm/kvm-int.h"
#include "target/i386/cpu.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/*
 * Kicking: the kicker sets cpu->exit_request and sends SIG_IPI to the
 * vCPU thread.  The handler sets kvm_run->immediate_exit, so a KVM_RUN
 * that is about to start returns at once; one that is running returns
 * -EINTR because a signal is pending.  exit_request is checked before
 * every KVM_RUN, so no kick is lost.
 */
#define SIG_IPI SIGUSR1

static __thread struct kvm_run *kvm_current_run;

static void kvm_ipi_handler(int sig)
{
    struct kvm_run *run = kvm_current_run;

    if (run) {
        __atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    }
}

/* Process-wide, before any vCPU thread can be kicked. */
static void kvm_install_ipi_handler(void)
{
    static bool done;
    struct sigaction sa = { .sa_handler = kvm_ipi_handler,
                            .sa_flags = SA_RESTART };

    if (!done) {
        sigemptyset(&sa.sa_mask);
        sigaction(SIG_IPI, &sa, NULL);
        done = true;
    }
}

bool kvm_vcpu_init(CPUState *cpu, Error **errp)
{
    KVMVCPU *v;

    if (!kvm_state.enabled) {
        error_setg(errp, "kvm: the accelerator is not initialized");
        return false;
    }
    kvm_install_ipi_handler();
    v = g_new0(KVMVCPU, 1);
    v->fd = -1;
    cpu->accel = v;
    if (!kvm_arch_init_vcpu(cpu, errp)) {
        kvm_vcpu_destroy(cpu);
        return false;
    }
    return true;
}

/* Called by kvm_arch_init_vcpu once it knows the APIC id. */
bool kvm_vcpu_create_fd(CPUState *cpu, unsigned long vcpu_id, Error **errp)
{
    KVMVCPU *v = kvm_vcpu(cpu);
    void *run;

    v->vcpu_id = vcpu_id;
    v->fd = ioctl(kvm_state.vmfd, KVM_CREATE_VCPU, vcpu_id);
    if (v->fd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VCPU for CPU %d "
                         "failed", cpu->cpu_index);
        return false;
    }
    fcntl(v->fd, F_SETFD, FD_CLOEXEC);
    run = mmap(NULL, kvm_state.vcpu_mmap_size, PROT_READ | PROT_WRITE,
               MAP_SHARED, v->fd, 0);
    if (run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm: cannot map the kvm_run area of "
                         "CPU %d", cpu->cpu_index);
        return false;
    }
    v->run = run;
    return true;
}

void kvm_vcpu_destroy(CPUState *cpu)
{
    KVMVCPU *v = kvm_vcpu(cpu);

    if (!v) {
        return;
    }
    if (v->run) {
        munmap(v->run, kvm_state.vcpu_mmap_size);
    }
    if (v->fd >= 0) {
        close(v->fd);
    }
    g_free(v);
    cpu->accel = NULL;
}

void kvm_vcpu_kick(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, true, __ATOMIC_SEQ_CST);
    if (cpu->created) {
        pthread_kill(cpu->thread, SIG_IPI);
    }
}

static void kvm_handle_io(struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

    bql_lock();
    for (uint32_t i = 0; i < run->io.count; i++) {
        pio_dispatch(run->io.port, data, run->io.size, is_write);
        data += run->io.size;
    }
    bql_unlock();
}

static void kvm_handle_mmio(struct kvm_run *run)
{
    uint64_t addr = run->mmio.phys_addr;

    if (run->mmio.is_write && kvm_gpa_is_rom(addr)) {
        return;                 /* writes to ROM are ignored */
    }
    bql_lock();
    mmio_dispatch(addr, run->mmio.data, run->mmio.len, run->mmio.is_write);
    bql_unlock();
}

/* As QEMU: the suberror, its data, then the registers. */
static void kvm_dump_registers(CPUState *cpu)
{
    g_autoptr(GString) s = g_string_new(NULL);
    Error *err = NULL;

    if (!kvm_arch_get_state(cpu, &err)) {
        error_report_err(err);
        return;
    }
    x86_cpu_dump_state(cpu, s);
    if (s->len && s->str[s->len - 1] == '\n') {
        g_string_truncate(s, s->len - 1);
    }
    error_report("%s", s->str);
}

static int kvm_report_internal_error(CPUState *cpu, struct kvm_run *run)
{
    error_report("KVM internal error. Suberror: %u", run->internal.suberror);
    for (uint32_t i = 0; i < run->internal.ndata &&
                         i < G_N_ELEMENTS(run->internal.data); i++) {
        error_report("extra data[%u]: 0x%016" PRIx64, i,
                     (uint64_t)run->internal.data[i]);
    }
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        error_report("emulation failure");
    }
    kvm_dump_registers(cpu);
    return EXCP_FATAL;
}

int kvm_cpu_exec(CPUState *cpu)
{
    KVMVCPU *v = kvm_vcpu(cpu);
    struct kvm_run *run = v->run;
    Error *err = NULL;

    kvm_current_run = run;
    if (cpu->vcpu_dirty) {
        if (!kvm_arch_put_state(cpu, &err)) {
            error_report_err(err);
            return EXCP_FATAL;
        }
        cpu->vcpu_dirty = false;
    }
    for (;;) {
        int ret;

        if (__atomic_load_n(&cpu->exit_request, __ATOMIC_SEQ_CST)) {
            __atomic_store_n(&cpu->exit_request, false, __ATOMIC_SEQ_CST);
            return EXCP_INTERRUPT;
        }
        ret = ioctl(v->fd, KVM_RUN, 0);
        __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
        if (ret < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                __atomic_store_n(&cpu->exit_request, false, __ATOMIC_SEQ_CST);
                return EXCP_INTERRUPT;
            }
            error_report("error: kvm run failed %s", strerror(errno));
            return EXCP_FATAL;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            kvm_handle_io(run);
            break;
        case KVM_EXIT_MMIO:
            kvm_handle_mmio(run);
            break;
        case KVM_EXIT_SHUTDOWN:
            return EXCP_SHUTDOWN;
        case KVM_EXIT_HLT:
            return EXCP_HLT;
        case KVM_EXIT_DEBUG:
            return EXCP_DEBUG;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            return EXCP_INTERRUPT;
        case KVM_EXIT_INTERNAL_ERROR:
            return kvm_report_internal_error(cpu, run);
        case KVM_EXIT_FAIL_ENTRY:
            error_report("KVM: entry failed, hardware error 0x%" PRIx64,
                         (uint64_t)run->fail_entry.hardware_entry_failure_reason);
            kvm_dump_registers(cpu);
            return EXCP_FATAL;
        case KVM_EXIT_SYSTEM_EVENT:
            if (run->system_event.type == KVM_SYSTEM_EVENT_RESET ||
                run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
                return EXCP_SHUTDOWN;
            }
            error_report("CPU %d: KVM: unhandled system event %u",
                         cpu->cpu_index, run->system_event.type);
            return EXCP_FATAL;
        default:
            error_report("CPU %d: KVM: unhandled exit reason %u",
                         cpu->cpu_index, run->exit_reason);
            return EXCP_FATAL;
        }
    }
}
