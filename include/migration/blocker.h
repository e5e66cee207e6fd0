/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration blockers (QEMU's API, include/migration/blocker.h).
 *
 * A subsystem that cannot migrate registers an Error describing why.
 * Blockers are kept per migration mode (MigMode); `migrate` refuses with
 * the first blocker of the current mode, and query-migrate lists them in
 * blocked-reasons.  The Error object itself is the blocker: the caller
 * keeps the pointer and passes the same Error ** to migrate_del_blocker().
 *
 * Failure of an add:
 *   -EACCES  -only-migratable is set and the modes include normal
 *            ("disallowing migration blocker (--only-migratable) for: ...")
 *   -EBUSY   a migration (or snapshot) is in progress
 *            ("disallowing migration blocker (migration/snapshot in
 *            progress) for: ...")
 * In both cases *reasonp is consumed (prepended into *errp) and set to
 * NULL.  On success the caller must not free *reasonp before removing it.
 *
 * Main thread (BQL) only.
 */
#ifndef MIGRATION_BLOCKER_H
#define MIGRATION_BLOCKER_H

#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"

/* A modes bitmask: BIT of each MigMode, or MIG_MODES_ALL. */
#define MIG_MODE_BIT(mode)  (1u << (mode))
#define MIG_MODES_ALL       (-1u)

/* Block every mode. */
int migrate_add_blocker(Error **reasonp, Error **errp);
/* Block every mode, ignoring -only-migratable (temporary blockers). */
int migrate_add_blocker_internal(Error **reasonp, Error **errp);
/* Block the normal mode only. */
int migrate_add_blocker_normal(Error **reasonp, Error **errp);
/* Block the modes in the bitmask (MIG_MODE_BIT(m) | ..., or -1u = all). */
int migrate_add_blocker_modes(Error **reasonp, unsigned modes, Error **errp);
/* Remove from every mode, free the Error and set *reasonp to NULL.
 * No-op when *reasonp is NULL. */
void migrate_del_blocker(Error **reasonp);

#endif
