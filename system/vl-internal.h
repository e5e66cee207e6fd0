/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between vl.c (start-up) and vl-options.c (the option tables). */
#ifndef SYSTEM_VL_INTERNAL_H
#define SYSTEM_VL_INTERNAL_H

#include "qemu/option.h"

enum {
    OPT_ACCEL = 1, OPT_ADD_FD, OPT_CHARDEV, OPT_DAEMONIZE, OPT_DISPLAY,
    OPT_ENABLE_KVM, OPT_HELP, OPT_MACHINE, OPT_MON, OPT_MONITOR, OPT_MSG,
    OPT_NAME, OPT_NODEFAULTS, OPT_NOGRAPHIC, OPT_NO_USER_CONFIG, OPT_PIDFILE,
    OPT_QMP, OPT_QMP_PRETTY, OPT_S, OPT_SERIAL, OPT_UUID, OPT_VERSION,
    OPT_M, OPT_SMP, OPT_CPU, OPT_BIOS, OPT_KERNEL, OPT_APPEND, OPT_INITRD,
    OPT_OBJECT, OPT_NO_REBOOT, OPT_NO_SHUTDOWN, OPT_INCOMING,
    OPT_ONLY_MIGRATABLE, OPT_DUMP_VMSTATE,
};

typedef struct QEMUOption {
    const char *name;
    bool has_arg;
    int index;
} QEMUOption;

extern QemuOptsList qemu_machine_opts;
extern QemuOptsList qemu_mem_opts;
extern QemuOptsList qemu_object_opts;
extern QemuOptsList qemu_accel_opts;
extern QemuOptsList qemu_name_opts;
extern QemuOptsList qemu_msg_opts;
extern QemuOptsList qemu_mon_opts;
extern QemuOptsList qemu_display_opts;
extern const QEMUOption qemu_options[];

void vl_print_version(void);
void vl_print_help(void);
/* The option at argv[*optind] (advancing past it and its argument);
 * exits with QEMU's message for an unknown one. */
const QEMUOption *vl_lookup_opt(int argc, char **argv, int *optind,
                                const char **optarg);

#endif
