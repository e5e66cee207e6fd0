/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-written savevm sections: the subset of QEMU's SaveVMHandlers that
 * Ferry uses.  Iterable sections (RAM) implement save_setup /
 * save_live_iterate / save_live_complete_precopy; on the wire they are
 * one START section, PART sections, then one END section (see
 * docs/devel/migration-stream.md).  Device state uses vmstate_register()
 * instead.
 */
#ifndef MIGRATION_REGISTER_H
#define MIGRATION_REGISTER_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "migration/qemu-file.h"

typedef struct SaveVMHandlers {
    /* ---- source side ---- */
    /* Non-iterable old-style section: write the whole state (FULL section). */
    void (*save_state)(QEMUFile *f, void *opaque);
    /* Write the START section's data.  0 or negative errno (errp set). */
    int (*save_setup)(QEMUFile *f, void *opaque, Error **errp);
    /*
     * Write one PART section's data: > 0 all data sent for now, 0 more to
     * send, < 0 error.
     */
    int (*save_live_iterate)(QEMUFile *f, void *opaque);
    /* Write the END section's data after vCPUs stop.  0 or negative errno. */
    int (*save_live_complete_precopy)(QEMUFile *f, void *opaque);
    /* Remaining bytes: a cheap guess, and an exact count (may sync). */
    void (*state_pending_estimate)(void *opaque, uint64_t *must_precopy,
                                   uint64_t *can_postcopy);
    void (*state_pending_exact)(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy);
    /* After completion, failure or cancel (only if save_setup ran). */
    void (*save_cleanup)(void *opaque);
    /* Whether this section takes part at all (NULL: always). */
    bool (*is_active)(void *opaque);

    /* ---- destination side ---- */
    /* Before the stream is read.  0 or negative errno (errp set). */
    int (*load_setup)(QEMUFile *f, void *opaque, Error **errp);
    /* Read one section's data (START, PART, END or FULL). 0 or -errno. */
    int (*load_state)(QEMUFile *f, void *opaque, int version_id);
    /* After the stream was read (or failed). */
    int (*load_cleanup)(void *opaque);
} SaveVMHandlers;

/*
 * Register a section idstr/instance_id at version_id, saved after vmstate
 * sections of higher priority in registration order.  Returns 0, or -1 if
 * (idstr, instance_id) is already registered.
 */
int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque);
/* Remove the section idstr registered with opaque, if any. obj is unused. */
void unregister_savevm(void *obj, const char *idstr, void *opaque);

#endif
