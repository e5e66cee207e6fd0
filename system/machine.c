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
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/qapi-commands-accelerator.h"

static const MachineClass machine_classes[] = {
    { .name = "none", .desc = "empty machine", .max_cpus = 1 },
    { NULL },
};

static const MachineClass *current_mc;
static const char *accel_name;

bool machine_select(const char *type, Error **errp)
{
    if (!type) {
        for (const MachineClass *mc = machine_classes; mc->name; mc++) {
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
    for (const MachineClass *mc = machine_classes; mc->name; mc++) {
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
    for (const MachineClass *mc = machine_classes; mc->name; mc++) {
        printf("%-20s %s%s\n", mc->name, mc->desc,
               mc->is_default ? " (default)" : "");
    }
}

bool accel_configure(const char *const *names, Error **errp)
{
    Error *first_err = NULL;

    if (!names[0]) {
        /* No TCG yet: the default is KVM where it works.  A machine with
         * no CPUs (none) still starts without one, for probing. */
        if (kvm_available() && kvm_init(NULL)) {
            accel_name = "kvm";
        }
        return true;
    }
    for (const char *const *n = names; *n; n++) {
        Error *err = NULL;

        if (!strcmp(*n, "kvm")) {
            if (kvm_init(&err)) {
                accel_name = "kvm";
                error_free(first_err);
                return true;
            }
            error_prepend(&err, "failed to initialize kvm: ");
        } else if (!strcmp(*n, "tcg")) {
            error_setg(&err, "accelerator 'tcg' is not available yet: "
                       "Ferry's TCG has not landed; use -accel kvm");
        } else {
            error_setg(&err, "invalid accelerator %s", *n);
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

const char *current_accel_name(void)
{
    return accel_name;
}

MachineInfoList *qmp_query_machines(bool has_compat_props, bool compat_props,
                                    Error **errp)
{
    MachineInfoList *list = NULL;

    for (const MachineClass *mc = machine_classes; mc->name; mc++) {
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        if (mc->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mc->max_cpus;
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
