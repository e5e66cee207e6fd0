/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration blockers, one list per migration mode (QEMU's semantics). */
#include "qemu/osdep.h"
#include "migration/blocker.h"
#include "migration/misc.h"
#include "migration/migration.h"
#include "system/runstate.h"

/* Each list holds the caller's Error objects (not copies).  Main thread. */
static GSList *migration_blockers[MIG_MODE__MAX];

static unsigned modes_mask(unsigned modes)
{
    return modes & ((1u << MIG_MODE__MAX) - 1);
}

static bool is_only_migratable(Error **reasonp, unsigned modes, Error **errp)
{
    if (migration_only_migratable() &&
        (modes & MIG_MODE_BIT(MIG_MODE_NORMAL))) {
        error_propagate_prepend(errp, *reasonp,
                                "disallowing migration blocker "
                                "(--only-migratable) for: ");
        *reasonp = NULL;
        return true;
    }
    return false;
}

static bool is_busy(Error **reasonp, Error **errp)
{
    if (runstate_check(RUN_STATE_SAVE_VM) || migration_is_running()) {
        error_propagate_prepend(errp, *reasonp,
                                "disallowing migration blocker "
                                "(migration/snapshot in progress) for: ");
        *reasonp = NULL;
        return true;
    }
    return false;
}

static int add_blockers(Error **reasonp, unsigned modes)
{
    for (int mode = 0; mode < MIG_MODE__MAX; mode++) {
        if (modes & MIG_MODE_BIT(mode)) {
            migration_blockers[mode] =
                g_slist_prepend(migration_blockers[mode], *reasonp);
        }
    }
    return 0;
}

int migrate_add_blocker(Error **reasonp, Error **errp)
{
    return migrate_add_blocker_modes(reasonp, MIG_MODES_ALL, errp);
}

int migrate_add_blocker_normal(Error **reasonp, Error **errp)
{
    return migrate_add_blocker_modes(reasonp, MIG_MODE_BIT(MIG_MODE_NORMAL),
                                     errp);
}

int migrate_add_blocker_modes(Error **reasonp, unsigned modes, Error **errp)
{
    modes = modes_mask(modes);
    if (is_only_migratable(reasonp, modes, errp)) {
        return -EACCES;
    }
    if (is_busy(reasonp, errp)) {
        return -EBUSY;
    }
    return add_blockers(reasonp, modes);
}

int migrate_add_blocker_internal(Error **reasonp, Error **errp)
{
    if (is_busy(reasonp, errp)) {
        return -EBUSY;
    }
    return add_blockers(reasonp, MIG_MODES_ALL);
}

void migrate_del_blocker(Error **reasonp)
{
    if (!*reasonp) {
        return;
    }
    for (int mode = 0; mode < MIG_MODE__MAX; mode++) {
        migration_blockers[mode] = g_slist_remove(migration_blockers[mode],
                                                  *reasonp);
    }
    error_free(*reasonp);
    *reasonp = NULL;
}

const Error *migration_blocker_first(MigMode mode)
{
    GSList *l = migration_blockers[mode];

    return l ? l->data : NULL;
}

strList *migration_blocker_reasons(MigMode mode, strList *tail_list)
{
    strList *head = tail_list;

    /* the list is newest first; prepending lists the oldest first */
    for (GSList *l = migration_blockers[mode]; l; l = l->next) {
        strList *e = g_new0(strList, 1);

        e->value = g_strdup(error_get_pretty(l->data));
        e->next = head;
        head = e;
    }
    return head;
}
