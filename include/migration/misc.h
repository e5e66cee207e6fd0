/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration core as the rest of the emulator sees it: start-up hooks
 * for system/vl.c, and whether a migration is running.
 */
#ifndef MIGRATION_MISC_H
#define MIGRATION_MISC_H

#include <stdbool.h>
#include <stdio.h>
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"

/*
 * Start-up, in this order (system/vl.c):
 *  - while parsing: migration_incoming_cli() for each -incoming (a URI,
 *    "defer", or a MigrationChannel in JSON / dotted keys; the last one of
 *    each channel type wins), migration_set_only_migratable(true) for
 *    -only-migratable;
 *  - migration_object_init() before the machine is built (registers the
 *    "globalstate" and "ram" sections);
 *  - once machine and monitors exist: if migration_incoming_cli_pending(),
 *    migration_incoming_cli_start() instead of vm_start();
 *  - at exit: migration_shutdown() (cancels and joins migration threads).
 */
void migration_incoming_cli(const char *uri);
bool migration_incoming_cli_pending(void);
/* Listen on the -incoming channel (nothing for "defer"); runstate becomes
 * inmigrate.  On error prints "-incoming URI: msg" and exits 1. */
void migration_incoming_cli_start(void);
/* cpr-exec's new image, start-up: load the state the old image left in
 * QEMU_CPR_EXEC_STATE (exit 1 on failure); nothing without it. */
void cpr_exec_load_state(void);
/* -incoming with a cpr channel: wait for the old process and load its CPR
 * state (exits on failure).  Before any backend or device is created. */
void migration_incoming_cpr_load(void);
void migration_object_init(void);
void migration_shutdown(void);

/* -only-migratable: refuse blockers (normal mode) and unmigratable vmsds. */
void migration_set_only_migratable(bool on);
bool migration_only_migratable(void);

/* Outgoing status is one of setup, active, pre-switchover, device,
 * cancelling, postcopy-*, colo, wait-unplug. */
bool migration_is_running(void);
/* Outgoing status is active (or postcopy-active). */
bool migration_is_active(void);
/* Either side is migrating (an incoming stream is being loaded, or
 * migration_is_running()). */
bool migration_in_progress(void);

/* The migration mode (the "mode" parameter). */
MigMode migrate_mode(void);

/* -dump-vmstate FILE: every registered description as JSON (savevm.c). */
void vmstate_dump_json(FILE *out);

#endif
