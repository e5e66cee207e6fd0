/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for named fds, fd sets, qemu_open and -add-fd (monitor/fds.c). */
#include "qemu/osdep.h"
#include "monitor/fds.h"
#include "monitor/monitor.h"
#include "migration/cpr.h"

/*
 * monitor/fds.c is compiled into this test without the monitor and CPR:
 * the hooks it needs are supplied here.  The per-monitor fd store; and a
 * process that never took over CPR state (test-cpr covers fd sets across
 * CPR).
 */
static MonFdStore *test_store;

MonFdStore *monitor_fd_store(Monitor *mon)
{
    return test_store;
}

bool cpr_is_incoming(void)
{
    return false;
}

MigMode cpr_get_incoming_mode(void)
{
    return MIG_MODE_NORMAL;
}

bool monitor_fdset_cpr_restored(int64_t set)
{
    g_assert_not_reached();     /* only asked after CPR */
}

void monitor_cpr_init(void)
{
}

#define FAKE_MON ((Monitor *)&test_store)

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

static int open_tmp(const char *dir, const char *name, int flags)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    int fd = open(path, flags | O_CREAT, 0600);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static char *tmp_dir(void)
{
    g_autoptr(GError) gerr = NULL;
    char *dir = g_dir_make_tmp("ferry-fds-XXXXXX", &gerr);

    g_assert_no_error(gerr);
    return dir;
}

static void rm_tree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        unlink(p);
    }
    rmdir(dir);
}

static int dup_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* ---- a snapshot of the fd sets ---- */

static void describe_one(int64_t id, const MonFdsetFdInfo *fds, unsigned n,
                         void *opaque)
{
    GString *s = opaque;
    unsigned i;

    g_string_append_printf(s, "%" PRId64 ":[", id);
    for (i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? "," : "",
                               fds[i].opaque ? fds[i].opaque : "-");
    }
    g_string_append(s, "] ");
}

static char *describe_fdsets(void)
{
    GString *s = g_string_new(NULL);

    monitor_fdsets_foreach(describe_one, s);
    return g_string_free(s, false);
}

static void remove_all_sets(void)
{
    int64_t id;

    for (id = 0; id < 64; id++) {
        monitor_fdset_remove_fd(id, false, 0, NULL);
    }
    monitor_fdsets_cleanup();
}

/* ---- named fds ---- */

static void test_named_fds(void)
{
    Error *err = NULL;
    int a = dup_fd(), b = dup_fd(), c = dup_fd(), got;

    test_store = mon_fd_store_new();
    g_assert_true(mon_fd_store_add(test_store, "f1", a, &error_abort));
    g_assert_cmpuint(mon_fd_store_count(test_store), ==, 1);

    /* same name again: the old fd is closed and replaced */
    g_assert_true(mon_fd_store_add(test_store, "f1", b, &error_abort));
    g_assert_false(fd_is_open(a));
    g_assert_cmpuint(mon_fd_store_count(test_store), ==, 1);

    /* a name starting with a digit is refused and the fd closed */
    g_assert_false(mon_fd_store_add(test_store, "9x", c, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'fdname' expects a name not starting with "
                    "a digit");
    error_free(err);
    err = NULL;
    g_assert_false(fd_is_open(c));

    /* monitor_fd_param: a name is taken from the store (ownership moves) */
    got = monitor_fd_param(FAKE_MON, "f1", &error_abort);
    g_assert_cmpint(got, ==, b);
    g_assert_cmpuint(mon_fd_store_count(test_store), ==, 0);
    g_assert_cmpint(monitor_get_fd(FAKE_MON, "f1", &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "File descriptor named 'f1' has not been found");
    error_free(err);
    err = NULL;
    close(got);

    /* a number is used as is; garbage is refused */
    g_assert_cmpint(monitor_fd_param(FAKE_MON, "5", &error_abort), ==, 5);
    g_assert_cmpint(monitor_fd_param(NULL, "7", &error_abort), ==, 7);
    g_assert_cmpint(monitor_fd_param(NULL, "name", &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid file descriptor number 'name'");
    error_free(err);
    err = NULL;
    g_assert_cmpint(monitor_fd_param(FAKE_MON, "5x", &err), ==, -1);
    error_free(err);
    err = NULL;

    /* closefd */
    a = dup_fd();
    g_assert_true(mon_fd_store_add(test_store, "f2", a, &error_abort));
    g_assert_true(mon_fd_store_close(test_store, "f2", &error_abort));
    g_assert_false(fd_is_open(a));
    g_assert_false(mon_fd_store_close(test_store, "f2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "File descriptor named 'f2' not found");
    error_free(err);

    /* freeing the store closes what it holds */
    a = dup_fd();
    g_assert_true(mon_fd_store_add(test_store, "f3", a, &error_abort));
    mon_fd_store_free(test_store);
    test_store = NULL;
    g_assert_false(fd_is_open(a));
}

/* ---- fd sets ---- */

static void test_fdset_ids_and_order(void)
{
    g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL;
    Error *err = NULL;
    int neg = dup_fd();

    /* lowest free ids, explicit ids, and sets sorted by id */
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), false, 0, "a", NULL),
                    ==, 0);
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), true, 5, "b", NULL),
                    ==, 5);
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), false, 0, NULL, NULL),
                    ==, 1);
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), true, 3, "c", NULL),
                    ==, 3);
    /* new fds go to the head of their set */
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), true, 0, "a2", NULL),
                    ==, 0);
    d1 = describe_fdsets();
    g_assert_cmpstr(d1, ==, "0:[a2,a] 1:[-] 3:[c] 5:[b] ");

    /* negative id: refused, fd closed */
    g_assert_cmpint(monitor_fdset_add_fd(neg, true, -1, NULL, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'fdset-id' expects a non-negative value");
    error_free(err);
    err = NULL;
    g_assert_false(fd_is_open(neg));

    /* remove-fd: whole set, then a missing set/fd */
    g_assert_true(monitor_fdset_remove_fd(1, false, 0, &error_abort));
    d2 = describe_fdsets();
    g_assert_cmpstr(d2, ==, "0:[a2,a] 3:[c] 5:[b] ");
    g_assert_false(monitor_fdset_remove_fd(1, false, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "File descriptor named 'fdset-id:1' not found");
    error_free(err);
    err = NULL;
    g_assert_false(monitor_fdset_remove_fd(3, true, 999, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "File descriptor named 'fdset-id:3, fd:999' not found");
    error_free(err);
    err = NULL;

    /* the freed id 1 is reused */
    g_assert_cmpint(monitor_fdset_add_fd(dup_fd(), false, 0, "n", NULL),
                    ==, 1);
    d3 = describe_fdsets();
    g_assert_cmpstr(d3, ==, "0:[a2,a] 1:[n] 3:[c] 5:[b] ");
    remove_all_sets();
}

static void find_first_fd(int64_t id, const MonFdsetFdInfo *fds, unsigned n,
                          void *opaque)
{
    if (id == 7 && n) {
        *(int *)opaque = fds[0].fd;
    }
}

static void test_remove_one_fd_closes_it(void)
{
    int fd = -1, kept = dup_fd(), gone = dup_fd();
    g_autofree char *d = NULL;

    monitor_fdset_add_fd(kept, true, 7, "kept", &error_abort);
    monitor_fdset_add_fd(gone, true, 7, "gone", &error_abort);
    monitor_fdsets_foreach(find_first_fd, &fd);
    g_assert_cmpint(fd, ==, gone);
    g_assert_true(monitor_fdset_remove_fd(7, true, gone, &error_abort));
    g_assert_false(fd_is_open(gone));
    g_assert_true(fd_is_open(kept));
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "7:[kept] ");
    g_assert_true(monitor_fdset_remove_fd(7, true, kept, &error_abort));
    g_assert_false(fd_is_open(kept));
    g_free(d);
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "");
}

/* ---- qemu_open on /dev/fdset/N ---- */

static void test_qemu_open_fdset(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *d = NULL;
    Error *err = NULL;
    int rw = open_tmp(dir, "f", O_RDWR);
    int ro = open_tmp(dir, "f", O_RDONLY);
    int a, b;

    g_assert_cmpint(write(rw, "data", 4), ==, 4);
    monitor_fdset_add_fd(rw, true, 2, "rw", &error_abort);
    monitor_fdset_add_fd(ro, true, 2, "ro", &error_abort);

    /* the access mode picks the fd; the dup is CLOEXEC */
    a = qemu_open("/dev/fdset/2", O_RDONLY, &error_abort);
    g_assert_cmpint(a, >=, 0);
    g_assert_cmpint(a, !=, ro);
    g_assert_true(fcntl(a, F_GETFD) & FD_CLOEXEC);
    g_assert_cmpint(fcntl(a, F_GETFL) & O_ACCMODE, ==, O_RDONLY);
    b = qemu_open("/dev/fdset/2", O_RDWR | O_TRUNC, &error_abort);
    g_assert_cmpint(fcntl(b, F_GETFL) & O_ACCMODE, ==, O_RDWR);
    /* O_TRUNC truncated the file through the dup */
    {
        struct stat st;

        g_assert_cmpint(fstat(b, &st), ==, 0);
        g_assert_cmpint(st.st_size, ==, 0);
    }

    /* no matching access mode */
    g_assert_cmpint(qemu_open("/dev/fdset/2", O_WRONLY, &err), ==, -1);
    g_assert_cmpint(errno, ==, EACCES);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to find file descriptor with matching "
                    "flags=0x1");
    error_free(err);
    err = NULL;

    /* O_SYNC must match the original */
    g_assert_cmpint(qemu_open("/dev/fdset/2", O_RDONLY | O_SYNC, &err),
                    ==, -1);
    g_assert_cmpint(errno, ==, EINVAL);
    error_free(err);
    err = NULL;

    /* unknown set, unparsable set */
    g_assert_cmpint(qemu_open("/dev/fdset/9", O_RDONLY, &err), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to find fdset /dev/fdset/9");
    error_free(err);
    err = NULL;
    g_assert_cmpint(qemu_open("/dev/fdset/x", O_RDONLY, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not parse fdset /dev/fdset/x");
    error_free(err);
    err = NULL;

    /* removing the user fds keeps the set alive while dups exist */
    g_assert_true(monitor_fdset_remove_fd(2, false, 0, &error_abort));
    g_assert_false(fd_is_open(rw));
    monitor_fdsets_cleanup();
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "2:[] ");
    g_assert_cmpint(qemu_close(a), ==, 0);
    g_free(d);
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "2:[] ");
    g_assert_cmpint(qemu_close(b), ==, 0);
    g_free(d);
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "");
    rm_tree(dir);
}

static void test_qemu_open_files(void)
{
    g_autofree char *dir = tmp_dir();
    g_autofree char *path = g_build_filename(dir, "new", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing", NULL);
    g_autofree char *want = NULL;
    Error *err = NULL;
    int fd;

    fd = qemu_create(path, O_WRONLY, 0600, &error_abort);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    g_assert_cmpint(qemu_close(fd), ==, 0);
    fd = qemu_open(path, O_RDONLY, &error_abort);
    g_assert_cmpint(fd, >=, 0);
    qemu_close(fd);

    g_assert_cmpint(qemu_open(missing, O_RDONLY, &err), ==, -1);
    want = g_strdup_printf("Could not open '%s': %s", missing,
                           g_strerror(ENOENT));
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    err = NULL;
    g_free(want);
    g_assert_cmpint(qemu_create(dir, O_WRONLY, 0600, &err), ==, -1);
    want = g_strdup_printf("Could not create '%s': %s", dir,
                           g_strerror(EISDIR));
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    rm_tree(dir);
}

/* ---- -add-fd ---- */

static void check_cmdline_error(const char *arg, const char *msg)
{
    Error *err = NULL;

    g_assert_false(fdset_add_cmdline(arg, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_add_fd_cmdline(void)
{
    g_autofree char *d = NULL;
    g_autofree char *arg = NULL;
    int inherited = open("/dev/null", O_RDONLY);     /* no CLOEXEC */
    int ours = dup_fd();                             /* CLOEXEC */
    char *bad;

    g_assert_cmpint(inherited, >, 2);
    check_cmdline_error("set=1", "fd option is required and must be "
                        "non-negative");
    check_cmdline_error("fd=2,set=1", "fd cannot be a standard I/O stream");
    bad = g_strdup_printf("fd=%d,set=1", ours);
    check_cmdline_error(bad, "fd is not valid or already in use");
    g_free(bad);
    check_cmdline_error("fd=1000,set=1", "fd is not valid or already in use");
    bad = g_strdup_printf("fd=%d", inherited);
    check_cmdline_error(bad, "set option is required and must be "
                        "non-negative");
    g_free(bad);
    check_cmdline_error("fd=x,set=1", "Parameter 'fd' expects a number");
    check_cmdline_error("fd=3,set=1,bogus=1", "Invalid parameter 'bogus'");

    arg = g_strdup_printf("fd=%d,set=4,opaque=rdonly", inherited);
    g_assert_true(fdset_add_cmdline(arg, &error_abort));
    d = describe_fdsets();
    g_assert_cmpstr(d, ==, "4:[rdonly] ");
    /* the original stays open until options are processed */
    g_assert_true(fd_is_open(inherited));
    fdset_cleanup_cmdline();
    g_assert_false(fd_is_open(inherited));
    /* the set holds a CLOEXEC duplicate that still works */
    {
        int fd = qemu_open("/dev/fdset/4", O_RDONLY, &error_abort);

        g_assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        qemu_close(fd);
    }
    close(ours);
    remove_all_sets();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdsets/named-fds", test_named_fds);
    g_test_add_func("/fdsets/ids-and-order", test_fdset_ids_and_order);
    g_test_add_func("/fdsets/remove-one", test_remove_one_fd_closes_it);
    g_test_add_func("/fdsets/qemu-open-fdset", test_qemu_open_fdset);
    g_test_add_func("/fdsets/qemu-open-files", test_qemu_open_files);
    g_test_add_func("/fdsets/add-fd-cmdline", test_add_fd_cmdline);
    return g_test_run();
}
