/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine types and accelerator selection. */
#ifndef SYSTEM_MACHINE_H
#define SYSTEM_MACHINE_H

#include <stdbool.h>
#include "qapi/error.h"

typedef struct MachineClass {
    const char *name;
    const char *desc;
    bool is_default;
    int max_cpus;
} MachineClass;

/* Select a machine by name (NULL = the default, if any). */
bool machine_select(const char *type, Error **errp);
const MachineClass *current_machine_class(void);
void machine_print_help(void);

/*
 * Initialise the first usable accelerator of a NULL-terminated list of
 * names (empty = the default: kvm when /dev/kvm works, else none).
 */
bool accel_configure(const char *const *names, Error **errp);
/* "kvm", or NULL when running without an accelerator. */
const char *current_accel_name(void);

#endif
