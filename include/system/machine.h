/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine types and accelerator selection. */
#ifndef SYSTEM_MACHINE_H
#define SYSTEM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

typedef struct MachineState MachineState;
typedef struct QemuOptsList QemuOptsList;

typedef struct MachineClass {
    const char *name;
    const char *desc;
    bool is_default;
    int max_cpus;
    uint64_t default_ram_size;     /* 0: the machine has no RAM */
    const char *default_ram_id;    /* "microvm.ram" */
    bool has_uart;                 /* a COM1 for -serial / -nographic */
    /* Build the board; NULL for machines without one (none). */
    bool (*init)(MachineState *ms, Error **errp);
} MachineClass;

/*
 * Build the selected machine: -smp, RAM and its backend, the first usable
 * accelerator of accels (NULL-terminated; empty = the default), then the
 * board (mc->init) and its vCPUs, reset to power-on state.
 */
bool machine_build(MachineState *ms, const char *const *accels,
                   Error **errp);

/* -smp (system/machine-smp.c) */
QemuOptsList *machine_smp_opts(void);
bool machine_parse_smp(MachineState *ms, Error **errp);

/* Select a machine by name (NULL = the default, if any). */
bool machine_select(const char *type, Error **errp);
const MachineClass *current_machine_class(void);
void machine_print_help(void);

/*
 * Initialise the first usable accelerator of a NULL-terminated list of
 * names (empty = the default: kvm when /dev/kvm works, else none).
 */
bool accel_configure(const char *const *names, MachineState *ms,
                     Error **errp);

extern const MachineClass microvm_machine_class;
/* "kvm", or NULL when running without an accelerator. */
const char *current_accel_name(void);

#endif
