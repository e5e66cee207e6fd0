/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration capabilities, parameters, URIs and the state machine. */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/misc.h"
#include "system/runstate.h"
#include "qapi/qapi-commands-migration.h"

static void set_caps(MigrationCapability cap, bool on, MigrationCapability cap2,
                     bool on2, Error **errp)
{
    MigrationCapabilityStatus st[2] = { { cap, on }, { cap2, on2 } };
    MigrationCapabilityStatusList l2 = { NULL, &st[1] };
    MigrationCapabilityStatusList l1 = { &l2, &st[0] };

    qmp_migrate_set_capabilities(&l1, errp);
}

static bool cap_state(MigrationCapability cap)
{
    MigrationCapabilityStatusList *l = qmp_query_migrate_capabilities(NULL);
    bool state = false;
    int n = 0;

    for (MigrationCapabilityStatusList *e = l; e; e = e->next, n++) {
        if (e->value->capability == cap) {
            state = e->value->state;
        }
    }
    g_assert_cmpint(n, ==, MIGRATION_CAPABILITY__MAX);
    qapi_free_MigrationCapabilityStatusList(l);
    return state;
}

static void assert_error(Error **errp, const char *msg)
{
    g_assert_nonnull(*errp);
    g_assert_cmpstr(error_get_pretty(*errp), ==, msg);
    error_free(*errp);
    *errp = NULL;
}

static void test_defaults(void)
{
    MigrationParameters *p = qmp_query_migrate_parameters(NULL);

    g_assert_true(p->has_max_bandwidth);
    g_assert_cmpuint(p->max_bandwidth, ==, 128 << 20);
    g_assert_cmpuint(p->downtime_limit, ==, 300);
    g_assert_cmpuint(p->multifd_channels, ==, 2);
    g_assert_cmpint(p->multifd_compression, ==, MULTIFD_COMPRESSION_NONE);
    g_assert_cmpint(p->mode, ==, MIG_MODE_NORMAL);
    g_assert_cmpint(p->zero_page_detection, ==, ZERO_PAGE_DETECTION_MULTIFD);
    g_assert_cmpuint(p->xbzrle_cache_size, ==, 64 << 20);
    g_assert_cmpuint(p->cpu_throttle_initial, ==, 20);
    g_assert_cmpuint(p->max_cpu_throttle, ==, 99);
    g_assert_cmpstr(p->tls_creds->u.s, ==, "");
    g_assert_null(p->block_bitmap_mapping);
    qapi_free_MigrationParameters(p);
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        g_assert_false(cap_state(i));
    }
}

static void test_params(void)
{
    MigrationParameters p = { 0 };
    Error *err = NULL;

    p.has_downtime_limit = true;
    p.downtime_limit = 2000001;
    qmp_migrate_set_parameters(&p, &err);
    assert_error(&err, "Parameter 'downtime-limit' expects an integer in the "
                 "range of 0 to 2000000 ms");
    g_assert_cmpuint(migrate_downtime_limit(), ==, 300);

    p.downtime_limit = 50;
    qmp_migrate_set_parameters(&p, &error_abort);
    g_assert_cmpuint(migrate_downtime_limit(), ==, 50);

    memset(&p, 0, sizeof(p));
    p.has_multifd_channels = true;
    p.multifd_channels = 0;
    qmp_migrate_set_parameters(&p, &err);
    assert_error(&err, "Parameter 'multifd_channels' expects a value between "
                 "1 and 255");

    memset(&p, 0, sizeof(p));
    p.has_cpu_throttle_initial = true;
    p.cpu_throttle_initial = 100;
    qmp_migrate_set_parameters(&p, &err);
    assert_error(&err, "Parameter 'cpu-throttle-initial' expects an integer in "
                 "the range of 1 to 99");

    memset(&p, 0, sizeof(p));
    p.has_xbzrle_cache_size = true;
    p.xbzrle_cache_size = 5000;
    qmp_migrate_set_parameters(&p, &err);
    assert_error(&err, "Parameter 'xbzrle_cache_size' expects a power of two "
                 "no less than the target page size");

    /* HMP: max-bandwidth in MiB by default, enums by name */
    g_assert_true(migrate_set_parameter_str("max-bandwidth", "32", NULL));
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 32 << 20);
    g_assert_true(migrate_set_parameter_str("max-bandwidth", "1G", NULL));
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 1ULL << 30);
    g_assert_true(migrate_set_parameter_str("multifd-compression", "zlib",
                                            NULL));
    g_assert_cmpint(migrate_multifd_compression(), ==,
                    MULTIFD_COMPRESSION_ZLIB);
    g_assert_false(migrate_set_parameter_str("mode", "bogus", &err));
    assert_error(&err, "Parameter 'mode' does not accept value 'bogus'");
    g_assert_false(migrate_set_parameter_str("no-such", "1", &err));
    assert_error(&err, "invalid parameter value: no-such");
    g_assert_false(migrate_set_parameter_str("downtime-limit", "x", &err));
    assert_error(&err, "Parameter 'downtime-limit' expects uint64");
    g_assert_true(migrate_set_parameter_str("multifd-compression", "none",
                                            NULL));
    g_assert_true(migrate_set_parameter_str("max-bandwidth", "128", NULL));
}

static void test_caps(void)
{
    Error *err = NULL;
    MigrationState *s = migrate_get_current();

    set_caps(MIGRATION_CAPABILITY_EVENTS, true,
             MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER, true, &error_abort);
    g_assert_true(cap_state(MIGRATION_CAPABILITY_EVENTS));
    g_assert_true(migrate_pause_before_switchover());

    set_caps(MIGRATION_CAPABILITY_MULTIFD, true,
             MIGRATION_CAPABILITY_XBZRLE, true, &err);
    assert_error(&err, "Multifd is not compatible with xbzrle");
    g_assert_false(migrate_multifd());

    set_caps(MIGRATION_CAPABILITY_SWITCHOVER_ACK, true,
             MIGRATION_CAPABILITY_EVENTS, true, &err);
    assert_error(&err, "Capability 'switchover-ack' requires capability "
                 "'return-path'");

    set_caps(MIGRATION_CAPABILITY_XBZRLE, true,
             MIGRATION_CAPABILITY_EVENTS, true, &err);
    assert_error(&err, "Capability 'xbzrle' is not supported by Ferry yet");

    set_caps(MIGRATION_CAPABILITY_MULTIFD, true,
             MIGRATION_CAPABILITY_AUTO_CONVERGE, true, &error_abort);
    g_assert_true(migrate_multifd() && migrate_auto_converge());

    g_atomic_int_set(&s->status, MIGRATION_STATUS_ACTIVE);
    set_caps(MIGRATION_CAPABILITY_MULTIFD, false,
             MIGRATION_CAPABILITY_AUTO_CONVERGE, false, &err);
    assert_error(&err, "There's a migration process in progress");
    g_atomic_int_set(&s->status, MIGRATION_STATUS_NONE);

    set_caps(MIGRATION_CAPABILITY_MULTIFD, false,
             MIGRATION_CAPABILITY_AUTO_CONVERGE, false, &error_abort);
    set_caps(MIGRATION_CAPABILITY_EVENTS, false,
             MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER, false,
             &error_abort);
}

static void test_uri_parse(void)
{
    MigrationChannel *ch = NULL;
    MigrationAddress *a;
    Error *err = NULL;

    g_assert_true(migrate_uri_parse("tcp:127.0.0.1:4444", &ch, NULL));
    a = ch->addr;
    g_assert_cmpint(a->transport, ==, MIGRATION_ADDRESS_TYPE_SOCKET);
    g_assert_cmpint(a->u.socket.type, ==, SOCKET_ADDRESS_TYPE_INET);
    g_assert_cmpstr(a->u.socket.u.inet.host, ==, "127.0.0.1");
    g_assert_cmpstr(a->u.socket.u.inet.port, ==, "4444");
    qapi_free_MigrationChannel(ch);

    g_assert_true(migrate_uri_parse("tcp:[::1]:0", &ch, NULL));
    g_assert_cmpstr(ch->addr->u.socket.u.inet.host, ==, "::1");
    qapi_free_MigrationChannel(ch);

    g_assert_true(migrate_uri_parse("unix:/tmp/m.sock", &ch, NULL));
    g_assert_cmpint(ch->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_UNIX);
    g_assert_cmpstr(ch->addr->u.socket.u.q_unix.path, ==, "/tmp/m.sock");
    qapi_free_MigrationChannel(ch);

    g_assert_true(migrate_uri_parse("fd:mig", &ch, NULL));
    g_assert_cmpint(ch->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_FD);
    g_assert_cmpstr(ch->addr->u.socket.u.fd.str, ==, "mig");
    qapi_free_MigrationChannel(ch);

    g_assert_true(migrate_uri_parse("exec:cat > /dev/null", &ch, NULL));
    a = ch->addr;
    g_assert_cmpint(a->transport, ==, MIGRATION_ADDRESS_TYPE_EXEC);
    g_assert_cmpstr(a->u.exec.args->value, ==, "/bin/sh");
    g_assert_cmpstr(a->u.exec.args->next->value, ==, "-c");
    g_assert_cmpstr(a->u.exec.args->next->next->value, ==,
                    "cat > /dev/null");
    qapi_free_MigrationChannel(ch);

    g_assert_true(migrate_uri_parse("file:/dev/fdset/3,offset=0x1000", &ch,
                                    NULL));
    g_assert_cmpint(ch->addr->transport, ==, MIGRATION_ADDRESS_TYPE_FILE);
    g_assert_cmpstr(ch->addr->u.file.filename, ==, "/dev/fdset/3");
    g_assert_cmpuint(ch->addr->u.file.offset, ==, 0x1000);
    qapi_free_MigrationChannel(ch);

    g_assert_false(migrate_uri_parse("floppy:/x", &ch, &err));
    assert_error(&err, "unknown migration protocol: floppy:/x");
    g_assert_false(migrate_uri_parse("tcp:nohostport", &ch, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
}

static void test_commands(void)
{
    Error *err = NULL;
    MigrationInfo *info;

    qmp_migrate(NULL, NULL, false, false, &err);
    assert_error(&err, "neither 'uri' or 'channels' argument are specified "
                 "in 'migrate' qmp command ");
    qmp_migrate_continue(MIGRATION_STATUS_PRE_SWITCHOVER, &err);
    assert_error(&err, "Migration not in expected state: none");
    qmp_migrate_incoming("unix:/tmp/x", NULL, false, false, &err);
    assert_error(&err, "'-incoming' was not specified on the command line");
    /* cancel without a migration is fine */
    qmp_migrate_cancel(&error_abort);
    info = qmp_query_migrate(NULL);
    g_assert_false(info->has_status);
    g_assert_null(info->ram);
    qapi_free_MigrationInfo(info);
}

static void wait_status(int *status, int want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (g_atomic_int_get(status) != want &&
           g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_assert_cmpint(g_atomic_int_get(status), ==, want);
}

/* A whole save to file: and load back, through the state machine. */
static void test_file_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("ferry-mig-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    MigrationState *s = migrate_get_current();
    MigrationIncomingState *mis = migration_incoming_get_current();
    MigrationInfo *info;
    gsize len = 0;
    g_autofree char *data = NULL;
    Error *err = NULL;

    runstate_set(RUN_STATE_PAUSED);
    qmp_migrate(uri, NULL, false, false, &error_abort);
    wait_status(&s->status, MIGRATION_STATUS_COMPLETED);
    while (s->thread_created) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_true(runstate_check(RUN_STATE_POSTMIGRATE));
    info = qmp_query_migrate(NULL);
    g_assert_cmpint(info->status, ==, MIGRATION_STATUS_COMPLETED);
    g_assert_true(info->has_downtime && info->has_total_time);
    g_assert_nonnull(info->ram);
    qapi_free_MigrationInfo(info);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, >, 8);
    g_assert_cmpmem(data, 4, "QEVM", 4);

    /* a second migrate from postmigrate is refused */
    qmp_migrate(uri, NULL, false, false, &err);
    assert_error(&err, "Can't migrate the vm that was paused due to previous "
                 "migration");

    /* destination: the paused source stays paused */
    runstate_set(RUN_STATE_INMIGRATE);
    qmp_migrate_incoming(uri, NULL, true, false, &error_abort);
    wait_status(&mis->status, MIGRATION_STATUS_COMPLETED);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    qmp_migrate_incoming(uri, NULL, true, false, &err);
    assert_error(&err, "The incoming migration has already been started");

    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_object_init();
    g_test_add_func("/migration/options/defaults", test_defaults);
    g_test_add_func("/migration/options/params", test_params);
    g_test_add_func("/migration/options/caps", test_caps);
    g_test_add_func("/migration/options/uri-parse", test_uri_parse);
    g_test_add_func("/migration/options/commands", test_commands);
    g_test_add_func("/migration/options/file-round-trip",
                    test_file_round_trip);
    return g_test_run();
}
