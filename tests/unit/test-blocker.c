/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration blockers: per-mode lists, -only-migratable, busy, migrate. */
#include "qemu/osdep.h"
#include "migration/blocker.h"
#include "migration/misc.h"
#include "migration/migration.h"
#include "qapi/qapi-commands-migration.h"

static Error *make_reason(const char *msg)
{
    Error *err = NULL;

    error_setg(&err, "%s", msg);
    return err;
}

static void test_add_del_all_modes(void)
{
    Error *reason = make_reason("device X cannot migrate");
    Error *err = NULL;

    g_assert_cmpint(migrate_add_blocker(&reason, &err), ==, 0);
    g_assert_null(err);
    g_assert_nonnull(reason);
    for (int m = 0; m < MIG_MODE__MAX; m++) {
        g_assert_true(migration_blocker_first(m) == reason);
    }
    migrate_del_blocker(&reason);
    g_assert_null(reason);
    for (int m = 0; m < MIG_MODE__MAX; m++) {
        g_assert_null(migration_blocker_first(m));
    }
    /* deleting a NULL blocker is harmless */
    migrate_del_blocker(&reason);
}

static void test_modes(void)
{
    Error *normal = make_reason("normal only");
    Error *cpr = make_reason("cpr-transfer only");

    g_assert_cmpint(migrate_add_blocker_normal(&normal, NULL), ==, 0);
    g_assert_cmpint(migrate_add_blocker_modes(&cpr,
                    MIG_MODE_BIT(MIG_MODE_CPR_TRANSFER), NULL), ==, 0);
    g_assert_true(migration_blocker_first(MIG_MODE_NORMAL) == normal);
    g_assert_true(migration_blocker_first(MIG_MODE_CPR_TRANSFER) == cpr);
    g_assert_null(migration_blocker_first(MIG_MODE_CPR_REBOOT));
    g_assert_null(migration_blocker_first(MIG_MODE_CPR_EXEC));
    migrate_del_blocker(&normal);
    migrate_del_blocker(&cpr);
    g_assert_null(migration_blocker_first(MIG_MODE_NORMAL));
    g_assert_null(migration_blocker_first(MIG_MODE_CPR_TRANSFER));
}

static void test_only_migratable(void)
{
    Error *reason = make_reason("no way");
    Error *err = NULL;

    migration_set_only_migratable(true);
    g_assert_cmpint(migrate_add_blocker(&reason, &err), ==, -EACCES);
    g_assert_null(reason);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "disallowing migration blocker (--only-migratable) for: "
                    "no way");
    error_free(err);
    err = NULL;

    /* a set without the normal mode is allowed */
    reason = make_reason("cpr only");
    g_assert_cmpint(migrate_add_blocker_modes(&reason,
                    MIG_MODE_BIT(MIG_MODE_CPR_EXEC), &err), ==, 0);
    g_assert_null(err);
    migrate_del_blocker(&reason);

    /* internal blockers ignore -only-migratable */
    reason = make_reason("dump in progress");
    g_assert_cmpint(migrate_add_blocker_internal(&reason, &err), ==, 0);
    g_assert_true(migration_blocker_first(MIG_MODE_NORMAL) == reason);
    migrate_del_blocker(&reason);
    migration_set_only_migratable(false);
}

static void test_busy(void)
{
    MigrationState *s = migrate_get_current();
    Error *reason = make_reason("late");
    Error *err = NULL;

    g_atomic_int_set(&s->status, MIGRATION_STATUS_ACTIVE);
    g_assert_cmpint(migrate_add_blocker(&reason, &err), ==, -EBUSY);
    g_assert_null(reason);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "disallowing migration blocker (migration/snapshot in "
                    "progress) for: late");
    error_free(err);
    reason = make_reason("internal too");
    g_assert_cmpint(migrate_add_blocker_internal(&reason, NULL), ==, -EBUSY);
    g_assert_null(reason);
    g_atomic_int_set(&s->status, MIGRATION_STATUS_NONE);
}

static void test_migrate_refused(void)
{
    Error *older = make_reason("older blocker");
    Error *newer = make_reason("newer blocker");
    Error *err = NULL;
    MigrationInfo *info;

    g_assert_cmpint(migrate_add_blocker(&older, NULL), ==, 0);
    g_assert_cmpint(migrate_add_blocker_normal(&newer, NULL), ==, 0);

    qmp_migrate("unix:/nonexistent/ferry-test.sock", NULL, false, false,
                &err);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "newer blocker");
    error_free(err);
    g_assert_false(migration_is_running());

    info = qmp_query_migrate(NULL);
    g_assert_false(info->has_status);
    g_assert_nonnull(info->blocked_reasons);
    g_assert_cmpstr(info->blocked_reasons->value, ==, "older blocker");
    g_assert_nonnull(info->blocked_reasons->next);
    g_assert_cmpstr(info->blocked_reasons->next->value, ==, "newer blocker");
    qapi_free_MigrationInfo(info);

    migrate_del_blocker(&older);
    migrate_del_blocker(&newer);
    info = qmp_query_migrate(NULL);
    g_assert_null(info->blocked_reasons);
    qapi_free_MigrationInfo(info);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_object_init();
    g_test_add_func("/blocker/add-del", test_add_del_all_modes);
    g_test_add_func("/blocker/modes", test_modes);
    g_test_add_func("/blocker/only-migratable", test_only_migratable);
    g_test_add_func("/blocker/busy", test_busy);
    g_test_add_func("/blocker/migrate-refused", test_migrate_refused);
    return g_test_run();
}
