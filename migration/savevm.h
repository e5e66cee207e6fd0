/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The savevm stream (private to migration/): header, configuration,
 * sections with footers, commands, EOF and the JSON vmdesc, as QEMU's
 * migration/savevm.c writes them.  See docs/devel/migration-stream.md.
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "qapi/error.h"
#include "qapi/qapi-builtin-types.h"
#include "migration/qemu-file.h"
#include "migration/vmstate.h"

#define QEMU_VM_FILE_MAGIC           0x5145564d
#define QEMU_VM_FILE_VERSION_COMPAT  0x00000002
#define QEMU_VM_FILE_VERSION         0x00000003

#define QEMU_VM_EOF                  0x00
#define QEMU_VM_SECTION_START        0x01
#define QEMU_VM_SECTION_PART         0x02
#define QEMU_VM_SECTION_END          0x03
#define QEMU_VM_SECTION_FULL         0x04
#define QEMU_VM_SUBSECTION           0x05
#define QEMU_VM_VMDESCRIPTION        0x06
#define QEMU_VM_CONFIGURATION        0x07
#define QEMU_VM_COMMAND              0x08
#define QEMU_VM_SECTION_FOOTER       0x7e

#define MIG_CMD_SWITCHOVER_START     11

/* ---- source ---- */

/* Magic, version and the configuration section (machine type name). */
void qemu_savevm_state_header(QEMUFile *f);
/* early_setup FULL sections, then a START section per active iterable. */
int qemu_savevm_state_setup(QEMUFile *f, Error **errp);
/*
 * One PART section per iterable that still has data: 1 when every
 * iterable reported all its data sent, 0 if more remains, < 0 on error.
 */
int qemu_savevm_state_iterate(QEMUFile *f);
/* Sum of the iterables' remaining bytes. */
void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy);
void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy);
/*
 * With vCPUs stopped: SWITCHOVER_START, END sections, every device's FULL
 * section (priority order), EOF, vmdesc.  Flushes.  0 or negative errno
 * (the reason is also reported with error_report()).
 */
int qemu_savevm_state_complete_precopy(QEMUFile *f);
int qemu_savevm_state_complete_precopy_with_err(QEMUFile *f, Error **errp);
/* save_cleanup of every iterable whose setup ran. */
void qemu_savevm_state_cleanup(void);

/*
 * Save the whole state in one go (setup, iterate until done, complete),
 * as for `migrate file:` of a stopped guest and for tests.  0 or -errno.
 */
int qemu_savevm_state(QEMUFile *f, Error **errp);

/* Is any registered device unmigratable? ("State blocked by ...") */
bool qemu_savevm_state_blocked(Error **errp);
/* Prepend "non-migratable device: ID" for each one (query-migrate). */
void qemu_savevm_non_migratable_list(strList **reasons);

/* ---- destination ---- */

/*
 * Read a whole incoming stream (load_setup, sections, EOF, vmdesc, then
 * load_cleanup).  0 or negative errno with errp set; a corrupt or
 * truncated stream is an error, never a crash.
 */
int qemu_loadvm_state(QEMUFile *f, Error **errp);

/* -dump-vmstate FILE: every registered vmsd, for vmstate-static-checker.py. */
void vmstate_dump_json(FILE *out);

/* ---- internals shared by savevm.c and vmstate.c ---- */

/*
 * The vmdesc JSON writer: compact output in QEMU's style
 * ({"a": 1, "b": [...]}).  name is NULL inside lists.
 */
JSONWriter *json_writer_new(void);
void json_writer_free(JSONWriter *w);
const char *json_writer_get(JSONWriter *w);
void json_writer_start_object(JSONWriter *w, const char *name);
void json_writer_end_object(JSONWriter *w);
void json_writer_start_list(JSONWriter *w, const char *name);
void json_writer_end_list(JSONWriter *w);
void json_writer_bool(JSONWriter *w, const char *name, bool val);
void json_writer_int64(JSONWriter *w, const char *name, int64_t val);
void json_writer_str(JSONWriter *w, const char *name, const char *str);

/*
 * Why a VMStateInfo get failed (e.g. "4 != 5" for an EQUAL field): set by
 * the get callback, taken (and cleared) by the engine for its error
 * message.  Per thread.  vmstate_take_load_detail returns NULL if unset.
 */
void vmstate_set_load_detail(const char *fmt, ...) QEMU_PRINTF(1, 2);
char *vmstate_take_load_detail(void);

/* Priority of a description (MIG_PRI_UNINITIALIZED counts as DEFAULT). */
MigrationPriority vmstate_priority(const VMStateDescription *vmsd);

#endif
