/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine types and accelerators, and the commands that report them
 * (query-machines, query-target, query-kvm, query-accelerators,
 * query-name, query-uuid).
 */
#include "qemu/osdep.h"
#include "system/machine.h"
#include "system/system.h"
#include "system/kvm.h"
#include "system/hostmem.h"
#include "system/accel-ops.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "qemu/option.h"
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/qapi-commands-accelerator.h"

MachineState *current_machine;

static const MachineClass none_machine_class = {
    .name = "none", .desc = "empty machine", .max_cpus = 1,
};

static const MachineClass *const machine_classes[] = {
    &microvm_machine_class,
    &none_machine_class,
    NULL,
};

static const MachineClass *current_mc;
static const char *accel_name;

bool machine_select(const char *type, Error **errp)
{
    if (!type) {
        for (const MachineClass *const *m = machine_classes; *m; m++) {
            const MachineClass *mc = *m;

            if (mc->is_default) {
                current_mc = mc;
                return true;
            }
        }
        error_setg(errp, "No machine specified, and there is no default");
        error_append_hint(errp, "Use -machine help to list supported "
                          "machines\n");
        return false;
    }
    for (const MachineClass *const *m = machine_classes; *m; m++) {
        const MachineClass *mc = *m;

        if (!strcmp(mc->name, type)) {
            current_mc = mc;
            return true;
        }
    }
    error_setg(errp, "unsupported machine type: \"%s\"", type);
    error_append_hint(errp, "Use -machine help to list supported machines\n");
    return false;
}

const MachineClass *current_machine_class(void)
{
    return current_mc;
}

void machine_print_help(void)
{
    printf("Supported machines are:\n");
    for (const MachineClass *const *m = machine_classes; *m; m++) {
        const MachineClass *mc = *m;

        printf("%-20s %s%s\n", mc->name, mc->desc,
               mc->is_default ? " (default)" : "");
    }
}

/* Initialise one accelerator by name for ms; errors name it. */
static bool accel_init_one(const char *name, MachineState *ms, Error **errp)
{
    if (!strcmp(name, "kvm")) {
        if (!kvm_accel_ops.init(ms, errp)) {
            error_prepend(errp, "failed to initialize kvm: ");
            return false;
        }
        ms->accel = &kvm_accel_ops;
        accel_set_current(&kvm_accel_ops);
        accel_name = "kvm";
        return true;
    }
    if (!strcmp(name, "tcg")) {
        error_setg(errp, "accelerator 'tcg' is not available yet: "
                   "Ferry's TCG has not landed; use -accel kvm");
        return false;
    }
    error_setg(errp, "invalid accelerator %s", name);
    return false;
}

bool accel_configure(const char *const *names, MachineState *ms,
                     Error **errp)
{
    Error *first_err = NULL;

    if (!names[0]) {
        /* No TCG yet: the default is KVM where it works.  A machine with
         * no CPUs (none) still starts without one, for probing. */
        if (accel_init_one("kvm", ms, ms->mc->init ? &first_err : NULL)) {
            return true;
        }
        if (!ms->mc->init) {
            return true;
        }
        error_propagate(errp, first_err);
        error_append_hint(errp, "Machine '%s' runs guest code and needs an "
                          "accelerator; KVM is the only one so far\n",
                          ms->mc->name);
        return false;
    }
    for (const char *const *n = names; *n; n++) {
        Error *err = NULL;

        if (accel_init_one(*n, ms, &err)) {
            error_free(first_err);
            return true;
        }
        if (!first_err) {
            first_err = err;
        } else {
            error_free(err);
        }
    }
    error_propagate(errp, first_err);
    return false;
}

bool machine_build(MachineState *ms, const char *const *accels,
                   Error **errp)
{
    const MachineClass *mc = ms->mc;
    CPUState *cpu;

    if (!mc->init) {
        if (ms->bios || ms->kernel || ms->ram_size || ms->cpu_model ||
            ms->memory_backend) {
            error_setg(errp, "machine '%s' runs no guest: -bios, -kernel, "
                       "-m, -cpu and memory-backend need a machine such as "
                       "microvm", mc->name);
            return false;
        }
        if (qemu_opts_find(machine_smp_opts(), NULL)) {
            error_setg(errp, "machine '%s' has no CPUs: -smp needs a "
                       "machine such as microvm", mc->name);
            return false;
        }
        return accel_configure(accels, ms, errp);
    }
    if (!machine_parse_smp(ms, errp)) {
        return false;
    }
    if (ms->memory_backend && !ms->ram_size) {
        RAMBlock *rb = host_memory_backend_get_block(ms->memory_backend);

        ms->ram_size = rb ? rb->size : 0;
    }
    if (!ms->ram_size) {
        ms->ram_size = mc->default_ram_size;
    }
    if (!accel_configure(accels, ms, errp)) {
        return false;
    }
    if (!mc->init(ms, errp)) {
        return false;
    }
    CPU_FOREACH(cpu) {
        cpu_reset(cpu);
    }
    bql_lock();
    qemu_devices_reset();
    bql_unlock();
    return true;
}

const char *current_accel_name(void)
{
    return accel_name;
}

MachineInfoList *qmp_query_machines(bool has_compat_props, bool compat_props,
                                    Error **errp)
{
    MachineInfoList *list = NULL;

    for (const MachineClass *const *m = machine_classes; *m; m++) {
        const MachineClass *mc = *m;
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        if (mc->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mc->max_cpus;
        if (mc->default_ram_id) {
            info->default_ram_id = g_strdup(mc->default_ram_id);
        }
        info->hotpluggable_cpus = false;
        info->numa_mem_supported = false;
        info->deprecated = false;
        info->acpi = false;
        QAPI_LIST_PREPEND(list, info);
    }
    return list;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    KvmInfo *info = g_new0(KvmInfo, 1);

    info->enabled = kvm_enabled();
    info->present = kvm_available() || kvm_enabled();
    return info;
}

AcceleratorInfo *qmp_query_accelerators(Error **errp)
{
    AcceleratorInfo *info;

    if (!accel_name) {
        error_setg(errp, "No accelerator is in use");
        return NULL;
    }
    info = g_new0(AcceleratorInfo, 1);
    info->enabled = ACCELERATOR_KVM;
    QAPI_LIST_PREPEND(info->present, ACCELERATOR_KVM);
    return info;
}

NameInfo *qmp_query_name(Error **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    info->name = g_strdup(qemu_name);
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = g_strdup(qemu_uuid_str ? qemu_uuid_str
                          : "00000000-0000-0000-0000-000000000000");
    return info;
}
