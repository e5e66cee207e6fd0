/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for QemuOpts option-string parsing. */
#include "qemu/osdep.h"
#include "qemu/option.h"

static QemuOptsList opts_chardev = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "wait", .type = QEMU_OPT_BOOL },
        { .name = "port", .type = QEMU_OPT_NUMBER },
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "mode", .type = QEMU_OPT_STRING, .def_value_str = "rw" },
        { /* end */ }
    },
};

static QemuOptsList opts_any = {
    .name = "object",
    .implied_opt_name = "qom-type",
    .desc = { { /* accept any key */ } },
};

static QemuOptsList opts_machine = {
    .name = "machine",
    .implied_opt_name = "type",
    .merge_lists = true,
    .desc = { { /* accept any key */ } },
};

static void reset_list(QemuOptsList *list)
{
    QemuOpts *opts;

    while ((opts = list->head ? g_queue_peek_head(list->head) : NULL)) {
        qemu_opts_del(opts);
    }
}

static char *parse_error(QemuOptsList *list, const char *params,
                         bool permit_abbrev)
{
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_parse(list, params, permit_abbrev, &err);
    char *msg;

    g_assert_null(opts);
    g_assert_nonnull(err);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void test_implied_and_id(void)
{
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_chardev, "socket,id=char0,path=/tmp/s",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "char0");
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/tmp/s");
    g_assert_null(qemu_opt_get(opts, "id"));     /* id is not an option */
    g_assert_true(qemu_opts_find(&opts_chardev, "char0") == opts);
    g_assert_true(qemu_opts_list(opts) == &opts_chardev);
    qemu_opts_del(opts);
    g_assert_null(qemu_opts_find(&opts_chardev, "char0"));

    /* without permit_abbrev the first bare word is a flag */
    g_autofree char *msg = parse_error(&opts_chardev, "socket,id=c", false);
    g_assert_cmpstr(msg, ==, "Invalid parameter 'socket'");
    reset_list(&opts_chardev);
}

static void test_comma_escape_and_last_wins(void)
{
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_chardev, "file,path=/a,,b,,,,c,path=/x,,y",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/x,y");
    g_assert_true(qemu_opt_unset(opts, "path"));
    g_assert_null(qemu_opt_get(opts, "path"));
    g_assert_false(qemu_opt_unset(opts, "path"));
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&opts_chardev, "file,path=/a,,b,,,,c",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/a,b,,c");
    qemu_opts_del(opts);

    /* implied value with an escaped comma */
    opts = qemu_opts_parse(&opts_chardev, "a,,b,path=p", true, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "a,b");
    qemu_opts_del(opts);
}

static void test_types(void)
{
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_chardev,
                           "socket,server=on,wait=off,port=0x10,size=1.5k",
                           true, &error_abort);
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    g_assert_cmpuint(qemu_opt_get_number(opts, "port", 0), ==, 16);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 1536);
    g_assert_cmpuint(qemu_opt_get_number(opts, "missing", 7), ==, 7);
    g_assert_true(qemu_opt_get_bool(opts, "missing", true));
    /* defaults from the description */
    g_assert_cmpstr(qemu_opt_get(opts, "mode"), ==, "rw");
    g_assert_false(qemu_opt_has(opts, "mode"));
    g_assert_true(qemu_opt_has(opts, "server"));
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&opts_chardev, "x,server=yes,wait=false",
                           true, &error_abort);
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);
}

static void test_errors(void)
{
    char *msg;
    Error *err = NULL;
    QemuOpts *opts;

    msg = parse_error(&opts_chardev, "socket,foo=1", true);
    g_assert_cmpstr(msg, ==, "Invalid parameter 'foo'");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,server=maybe", true);
    g_assert_cmpstr(msg, ==, "Parameter 'server' expects 'on' or 'off'");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,port=12x", true);
    g_assert_cmpstr(msg, ==, "Parameter 'port' expects a number");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,port=99999999999999999999",
                      true);
    g_assert_cmpstr(msg, ==,
                    "Value '99999999999999999999' is too large for "
                    "parameter 'port'");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,size=1Q", true);
    g_assert_cmpstr(msg, ==,
                    "Parameter 'size' expects a non-negative number "
                    "below 2^64");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,size=16E", true);
    g_assert_cmpstr(msg, ==,
                    "Value '16E' is out of range for parameter 'size'");
    g_free(msg);
    msg = parse_error(&opts_chardev, "socket,id=0bad", true);
    g_assert_cmpstr(msg, ==, "Parameter 'id' expects an identifier");
    g_free(msg);

    /* a failed parse leaves nothing behind, so the id is still free */
    opts = qemu_opts_parse(&opts_chardev, "socket,id=dup", true,
                           &error_abort);
    g_assert_null(qemu_opts_parse(&opts_chardev, "socket,id=dup", true,
                                  &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'dup' for chardev");
    error_free(err);
    qemu_opts_del(opts);
    opts = qemu_opts_parse(&opts_chardev, "socket,id=dup", true,
                           &error_abort);
    qemu_opts_del(opts);
    reset_list(&opts_chardev);
}

static void test_size_hint(void)
{
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_create(&opts_chardev, NULL, 0, &error_abort);

    g_assert_false(qemu_opt_set(opts, "size", "lots", &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects a non-negative number "
                    "below 2^64");
    error_free(err);
    g_assert_false(qemu_opt_has(opts, "size"));
    qemu_opts_del(opts);
}

static void capture_report(void *opaque, const char *msg)
{
    g_string_append(opaque, msg);
}

static void test_bare_flags(void)
{
    GString *reports = g_string_new(NULL);
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_chardev, "socket,path=/s,server,nowait",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "server"), ==, "on");
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_cmpstr(qemu_opt_get(opts, "wait"), ==, "off");
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);

    /* the noisy variant warns (QEMU's deprecation text) but accepts */
    error_report_set_sink(capture_report, reports);
    opts = qemu_opts_parse_noisily(&opts_chardev, "socket,server,nowait",
                                   true);
    g_assert_nonnull(opts);
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);
    g_assert_cmpstr(reports->str, ==,
                    "warning: short-form boolean option 'server' deprecated\n"
                    "Please use server=on instead\n"
                    "warning: short-form boolean option 'nowait' deprecated\n"
                    "Please use wait=off instead\n");

    /* and reports what it refuses */
    g_string_truncate(reports, 0);
    g_assert_null(qemu_opts_parse_noisily(&opts_chardev, "socket,foo=1",
                                          true));
    g_assert_cmpstr(reports->str, ==, "Invalid parameter 'foo'\n");
    error_report_set_sink(NULL, NULL);
    g_string_free(reports, true);
}

static void test_any_keys_and_validate(void)
{
    static const QemuOptDesc desc[] = {
        { .name = "qom-type", .type = QEMU_OPT_STRING },
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "share", .type = QEMU_OPT_BOOL },
        { /* end */ }
    };
    Error *err = NULL;
    QemuOpts *opts;
    bool b;
    uint64_t n;

    opts = qemu_opts_parse(&opts_any, "memory-backend-ram,id=m,size=1G,"
                           "share=on,x=1", true, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "qom-type"), ==,
                    "memory-backend-ram");
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 1ULL << 30);
    g_assert_true(qemu_opt_get_bool_err(opts, "share", false, &b,
                                        &error_abort));
    g_assert_true(b);
    g_assert_true(qemu_opt_get_number_err(opts, "x", 0, &n, &error_abort));
    g_assert_cmpuint(n, ==, 1);
    g_assert_false(qemu_opt_get_bool_err(opts, "x", false, &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'x' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    g_assert_false(qemu_opts_validate(opts, desc, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'x'");
    error_free(err);
    err = NULL;
    qemu_opt_unset(opts, "x");
    g_assert_true(qemu_opts_validate(opts, desc, &error_abort));
    qemu_opts_del(opts);
}

static void test_merge_lists(void)
{
    QemuOpts *a, *b;
    Error *err = NULL;

    a = qemu_opts_parse(&opts_machine, "none,accel=tcg", true, &error_abort);
    b = qemu_opts_parse(&opts_machine, "accel=kvm", false, &error_abort);
    g_assert_true(a == b);
    g_assert_cmpstr(qemu_opt_get(a, "type"), ==, "none");
    g_assert_cmpstr(qemu_opt_get(a, "accel"), ==, "kvm");
    g_assert_null(qemu_opts_parse(&opts_machine, "id=m", false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'id'");
    error_free(err);
    reset_list(&opts_machine);
}

static int count_cb(void *opaque, QemuOpts *opts, Error **errp)
{
    (*(int *)opaque)++;
    return 0;
}

static int concat_cb(void *opaque, const char *name, const char *value,
                     Error **errp)
{
    g_string_append_printf(opaque, "%s=%s;", name, value);
    return 0;
}

static int stop_cb(void *opaque, QemuOpts *opts, Error **errp)
{
    error_setg(errp, "stop at %s", qemu_opts_id(opts));
    return -7;
}

static void test_foreach_and_set(void)
{
    QemuOpts *a, *b;
    g_autoptr(GString) s = g_string_new(NULL);
    Error *err = NULL;
    int n = 0;

    a = qemu_opts_create(&opts_chardev, "a", 1, &error_abort);
    b = qemu_opts_create(&opts_chardev, "b", 1, &error_abort);
    g_assert_true(qemu_opt_set(a, "backend", "null", &error_abort));
    g_assert_true(qemu_opt_set_bool(a, "server", true, &error_abort));
    g_assert_true(qemu_opt_set_number(a, "port", 5900, &error_abort));
    g_assert_false(qemu_opt_set_bool(a, "nope", true, &err));
    error_free(err);
    err = NULL;
    qemu_opt_foreach(a, concat_cb, s, &error_abort);
    g_assert_cmpstr(s->str, ==, "backend=null;server=on;port=5900;");
    g_assert_cmpuint(qemu_opt_get_number(a, "port", 0), ==, 5900);

    qemu_opts_foreach(&opts_chardev, count_cb, &n, &error_abort);
    g_assert_cmpint(n, ==, 2);
    g_assert_cmpint(qemu_opts_foreach(&opts_chardev, stop_cb, NULL, &err),
                    ==, -7);
    g_assert_cmpstr(error_get_pretty(err), ==, "stop at a");
    error_free(err);

    /* qemu_opts_do_parse adds to existing opts */
    g_assert_true(qemu_opts_do_parse(b, "tcp,port=1", "backend",
                                     &error_abort));
    g_assert_cmpstr(qemu_opt_get(b, "backend"), ==, "tcp");
    qemu_opts_set_id(b, g_strdup("renamed"));
    g_assert_true(qemu_opts_find(&opts_chardev, "renamed") == b);
    reset_list(&opts_chardev);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-opts/implied-and-id", test_implied_and_id);
    g_test_add_func("/qemu-opts/comma-escape", test_comma_escape_and_last_wins);
    g_test_add_func("/qemu-opts/types", test_types);
    g_test_add_func("/qemu-opts/errors", test_errors);
    g_test_add_func("/qemu-opts/size-hint", test_size_hint);
    g_test_add_func("/qemu-opts/bare-flags", test_bare_flags);
    g_test_add_func("/qemu-opts/any-keys", test_any_keys_and_validate);
    g_test_add_func("/qemu-opts/merge-lists", test_merge_lists);
    g_test_add_func("/qemu-opts/foreach-and-set", test_foreach_and_set);
    return g_test_run();
}
