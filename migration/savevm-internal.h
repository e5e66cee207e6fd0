/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The section registry, shared by savevm.c (save), savevm-load.c and vmstate-dump.c. */
#ifndef MIGRATION_SAVEVM_INTERNAL_H
#define MIGRATION_SAVEVM_INTERNAL_H

#include "migration/register.h"
#include "migration/vmstate.h"
#include "qapi/qapi-types-migration.h"

/* One registered section: a vmsd (devices) or SaveVMHandlers (RAM). */
typedef struct SaveStateEntry {
    char idstr[256];
    uint32_t instance_id;
    int version_id;
    uint32_t section_id;
    const VMStateDescription *vmsd;
    const SaveVMHandlers *ops;
    void *opaque;
    bool setup_done;            /* save_setup ran: save_cleanup owed */
    /* load side */
    uint32_t load_section_id;
    int load_version_id;
    bool load_seen;
} SaveStateEntry;

/* The configuration section's contents (vmstate_configuration's opaque). */
typedef struct {
    uint32_t len;
    uint8_t *name;              /* machine type name, no NUL */
    uint32_t caps_count;
    MigrationCapability *capabilities;  /* the validated ones that are on */
} SaveConfiguration;

/* Every registered section, in save order (priority, then registration). */
GList *savevm_entries(void);
SaveStateEntry *savevm_find_se(const char *idstr, uint32_t instance_id);
/* The machine type name the configuration section carries. */
const char *savevm_local_machine_name(void);
extern const VMStateDescription vmstate_configuration;

#endif
