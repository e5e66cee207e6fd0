/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The microvm machine: RAM, firmware or Multiboot kernel, PC ports, vCPUs. */
#include "qemu/osdep.h"
#include "system/machine.h"
#include "system/hostmem.h"
#include "system/runstate.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "hw/i386/x86.h"
#include "hw/char/serial.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/misc/pc-ports.h"
#include "target/i386/machine.h"
#include "accel/kvm/kvm-vmstate.h"

#define MICROVM_RAM_ID "microvm.ram"

typedef struct MicrovmState {
    MachineState *ms;
    X86BootRegs boot_regs;
} MicrovmState;

static MicrovmState microvm;

static bool microvm_init_ram(MachineState *ms, Error **errp)
{
    RAMBlock *ram;

    if (ms->memory_backend) {
        ram = host_memory_backend_claim(ms->memory_backend, errp);
        if (!ram) {
            return false;
        }
        if (ram->size != ms->ram_size) {
            host_memory_backend_set_mapped(ms->memory_backend, false);
            error_setg(errp, "Machine memory size does not match the size "
                       "of the memory backend");
            return false;
        }
    } else {
        if (host_memory_backend_get_block(MICROVM_RAM_ID)) {
            error_setg(errp, "object's id '%s' is reserved for the default "
                       "RAM backend, it can't be used for any other purposes",
                       MICROVM_RAM_ID);
            error_append_hint(errp, "Change the object's 'id' to something "
                              "else or disable automatic creation of the "
                              "default RAM backend by setting "
                              "'memory-backend=%s' with '-machine'.\n",
                              MICROVM_RAM_ID);
            return false;
        }
        ram = ram_block_alloc(MICROVM_RAM_ID, ms->ram_size, errp);
        if (!ram) {
            return false;
        }
    }
    ms->ram = ram;
    return ram_block_add_cpr_blocker(ram, errp) &&
           x86_map_ram(ram, ms->ram_size, errp);
}

static void microvm_init_devices(MachineState *ms, Error **errp)
{
    RTCState *rtc = mc146818_rtc_init(RTC_ISA_BASE);

    rtc_set_pc_memory_sizes(rtc, x86_below_4g_mem_size(ms->ram_size),
                            x86_above_4g_mem_size(ms->ram_size),
                            ms->smp_cpus);
    if (!serial_isa_init(SERIAL_COM1_BASE, SERIAL_COM1_IRQ, ms->serial[0],
                         errp)) {
        return;
    }
    i8042_reset_init();
    rcr_init();
    pm_poweroff_init();
    debug_exit_init(DEBUG_EXIT_IOPORT, DEBUG_EXIT_IOSIZE);
}

/*
 * Reset handler: put the kernel back (the guest may have written over
 * it) and start the BSP at its entry.  Must run after the CPUs' own reset.
 */
/*
 * Load the Multiboot kernel into RAM, unless an incoming migration brings
 * RAM and registers with it: with x-ignore-shared or CPR the RAM is the
 * source's own memory, which the image must not overwrite (QEMU's
 * rom_reset skips when inmigrate too).  false (errp) if it did not load.
 */
static bool microvm_kernel_load(MicrovmState *s, Error **errp)
{
    MachineState *ms = s->ms;

    if (runstate_check(RUN_STATE_INMIGRATE)) {
        return false;
    }
    return multiboot_load(ms->kernel, ms->kernel_cmdline, ms->ram_size,
                          &s->boot_regs, errp);
}

static void microvm_kernel_reset(void *opaque)
{
    MicrovmState *s = opaque;
    Error *err = NULL;
    CPUState *bsp = qemu_get_cpu(0);

    if (!microvm_kernel_load(s, &err)) {
        if (err) {
            error_report_err(err);
        }
        return;
    }
    if (bsp) {
        x86_boot_regs_apply(bsp, &s->boot_regs);
    }
}

static bool microvm_machine_init(MachineState *ms, Error **errp)
{
    ERRP_GUARD();
    CPUState *cpu;

    if (!ms->bios && !ms->kernel) {
        error_setg(errp, "microvm: no firmware: use -bios FILE (a ROM image "
                   "that starts at the reset vector) or -kernel FILE (a "
                   "Multiboot image)");
        return false;
    }
    microvm.ms = ms;
    if (!microvm_init_ram(ms, errp)) {
        return false;
    }
    if (ms->bios && !x86_bios_load(ms->bios, errp)) {
        return false;
    }
    if (ms->kernel && !microvm_kernel_load(&microvm, errp) && *errp) {
        return false;
    }
    microvm_init_devices(ms, errp);
    if (*errp) {
        return false;
    }
    if (!cpus_create(ms->smp_cpus, errp)) {
        return false;
    }
    /*
     * Migration sections of what the accelerator emulates: every vCPU
     * ("cpu", instance = index), and KVM's in-kernel PICs, IOAPIC, PIT and
     * clock.  The UART and RTC registered theirs when created.  The
     * machine itself keeps nothing that the command line does not fix.
     */
    CPU_FOREACH(cpu) {
        if (!x86_cpu_vmstate_register(cpu, errp)) {
            return false;
        }
    }
    kvm_devices_vmstate_register();
    if (ms->kernel) {
        qemu_register_reset(microvm_kernel_reset, &microvm);
    }
    return true;
}

const MachineClass microvm_machine_class = {
    .name = "microvm",
    .desc = "microvm (i386)",
    .max_cpus = 288,
    .default_ram_size = 128 * 1024 * 1024,
    .default_ram_id = MICROVM_RAM_ID,
    .has_uart = true,
    .init = microvm_machine_init,
};
