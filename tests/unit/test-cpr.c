/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPR state: named fds, their wire format over a unix socket, and
 * cpr_get_fd_param (migration/cpr.c). */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/socket.h>
#include "migration/cpr.h"
#include "monitor/fds.h"

static int fd_walk_count;

static bool count_fd(int fd)
{
    fd_walk_count++;
    return fd_walk_count < 2;           /* stop at the second */
}

static void test_named_fds(void)
{
    cpr_state_clear();
    g_assert_cmpint(cpr_find_fd("ram0", 0), ==, -1);
    cpr_save_fd("ram0", 0, 10);
    cpr_save_fd("ram0", 1, 11);
    cpr_save_fd("tap", 0, 12);
    g_assert_cmpint(cpr_find_fd("ram0", 0), ==, 10);
    g_assert_cmpint(cpr_find_fd("ram0", 1), ==, 11);
    g_assert_cmpint(cpr_find_fd("tap", 0), ==, 12);
    g_assert_cmpint(cpr_find_fd("tap", 1), ==, -1);
    cpr_resave_fd("tap", 0, 12);        /* present, same fd: no-op */
    cpr_resave_fd("tap", 1, 13);        /* absent: saved */
    g_assert_cmpint(cpr_find_fd("tap", 1), ==, 13);
    cpr_delete_fd("ram0", 1);
    g_assert_cmpint(cpr_find_fd("ram0", 1), ==, -1);
    fd_walk_count = 0;
    g_assert_false(cpr_walk_fd(count_fd));
    g_assert_cmpint(fd_walk_count, ==, 2);
    cpr_state_clear();
    fd_walk_count = 0;
    g_assert_true(cpr_walk_fd(count_fd));
    g_assert_cmpint(fd_walk_count, ==, 0);
}

/* Send the state through a socketpair as cpr-transfer does; load it. */
static int round_trip_with(bool hooks, MigMode mode, Error **errp)
{
    int sv[2];
    QEMUFile *out, *in;
    int ret;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    out = qemu_file_new_output_fd(sv[0]);
    in = qemu_file_new_input_fd(sv[1]);
    g_assert_cmpint(hooks ? cpr_state_save_mode(out, mode, &error_abort)
                          : cpr_state_save(out, &error_abort), ==, 0);
    qemu_fclose(out);                   /* EOF after the state */
    ret = cpr_state_load(in, errp);
    qemu_fclose(in);
    return ret;
}

static int round_trip(Error **errp)
{
    return round_trip_with(false, MIG_MODE_NORMAL, errp);
}

/* ... with the save hooks, as the migration does. */
static int round_trip_mode(MigMode mode)
{
    return round_trip_with(true, mode, &error_abort);
}

static void test_fds_cross_the_socket(void)
{
    int ram = memfd_create("guest-ram", MFD_CLOEXEC);
    int p[2];
    int new_ram, new_pipe;
    char buf[8] = { 0 };

    g_assert_cmpint(ram, >=, 0);
    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(pwrite(ram, "hello", 5, 4096), ==, 5);
    cpr_state_clear();
    cpr_save_fd("ram0", 0, ram);
    cpr_save_fd("chardev/con", 3, p[1]);

    g_assert_cmpint(round_trip(&error_abort), ==, 0);

    /* new numbers for the same open files */
    new_ram = cpr_find_fd("ram0", 0);
    new_pipe = cpr_find_fd("chardev/con", 3);
    g_assert_cmpint(new_ram, >=, 0);
    g_assert_cmpint(new_pipe, >=, 0);
    g_assert_cmpint(new_ram, !=, ram);
    g_assert_cmpint(new_pipe, !=, p[1]);
    g_assert_cmpint(pread(new_ram, buf, 5, 4096), ==, 5);
    g_assert_cmpstr(buf, ==, "hello");
    g_assert_cmpint(pwrite(new_ram, "HELLO", 5, 4096), ==, 5);
    g_assert_cmpint(pread(ram, buf, 5, 4096), ==, 5);
    g_assert_cmpstr(buf, ==, "HELLO");
    g_assert_cmpint(write(new_pipe, "x", 1), ==, 1);
    g_assert_cmpint(read(p[0], buf, 1), ==, 1);
    g_assert_cmpint(buf[0], ==, 'x');
    g_assert_cmpint(fcntl(new_ram, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);

    close(new_ram);
    close(new_pipe);
    close(ram);
    close(p[0]);
    close(p[1]);
    cpr_state_clear();
}

static void test_wire_format(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    Error *err = NULL;

    /* no fds: the header and an empty list (QLIST end byte) */
    cpr_state_clear();
    g_assert_cmpint(cpr_state_save(f, &error_abort), ==, 0);
    qemu_fclose(f);
    g_assert_cmpint(buf->len, ==, 9);
    g_assert_cmpmem(buf->data, 9, "QCPR\0\0\0\1\0", 9);

    /* an fd needs a socket to travel */
    cpr_save_fd("x", 0, 0);
    f = qemu_file_new_output_buffer(buf);
    g_assert_cmpint(cpr_state_save(f, &err), <, 0);
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    qemu_fclose(f);
    cpr_state_clear();
}

static int load_bytes(const void *data, size_t len, Error **errp)
{
    QEMUFile *f = qemu_file_new_input_buffer(data, len);
    int ret = cpr_state_load(f, errp);

    qemu_fclose(f);
    return ret;
}

static void test_bad_state(void)
{
    Error *err = NULL;

    g_assert_cmpint(load_bytes("QEVM\0\0\0\1\0", 9, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Not a valid CPR state: magic 0x5145564d (expected "
                    "0x51435052)");
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(load_bytes("QCPR\0\0\0\2\0", 9, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Unsupported CPR state version 2");
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(load_bytes("QCP", 3, &err), <, 0);
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    /* an entry whose fd never came: refused, the old list kept */
    cpr_save_fd("keep", 0, 5);
    g_assert_cmpint(load_bytes("QCPR\0\0\0\1\1\0\0\0\2x\0\0\0\0\0 ", 19,
                               &err), <, 0);
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(cpr_find_fd("keep", 0), ==, 5);
    cpr_state_clear();
}

/* cpr-exec: the fds stay open across exec and travel as numbers. */
static void test_exec_numbers(void)
{
    static const uint8_t state[] = {
        'Q', 'C', 'P', 'R', 0, 0, 0, 1,
        1, 0, 0, 0, 5, 'r', 'a', 'm', '0', 0, 0, 0, 0, 0, 0, 0, 0, 7,
        0,
    };
    QEMUFile *f = qemu_file_new_input_buffer(state, sizeof(state));

    cpr_state_clear();
    g_assert_cmpint(cpr_state_load_mode(f, MIG_MODE_CPR_EXEC, &error_abort),
                    ==, 0);
    qemu_fclose(f);
    g_assert_cmpint(cpr_get_incoming_mode(), ==, MIG_MODE_CPR_EXEC);
    g_assert_cmpint(cpr_find_fd("ram0", 0), ==, 7);
    cpr_set_incoming_mode(MIG_MODE_NORMAL);
    cpr_state_clear();
}

/* The cases of QEMU's "cpr_get_fd_param helper" commit. */
static void test_get_fd_param(void)
{
    Error *err = NULL;

    cpr_state_clear();
    cpr_set_incoming_mode(MIG_MODE_NORMAL);
    /* a normal process: the number given is the fd, and it is saved */
    g_assert_cmpint(cpr_get_fd_param("net0", "7", 0, &error_abort), ==, 7);
    g_assert_cmpint(cpr_find_fd("net0", 0), ==, 7);
    g_assert_cmpint(cpr_get_fd_param("net0", "bogus", 1, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid file descriptor number 'bogus'");
    g_clear_pointer(&err, error_free);

    /* after CPR the saved fd wins over the old command-line number */
    cpr_state_clear();
    cpr_save_fd("net0", 0, 42);
    cpr_set_incoming_mode(MIG_MODE_CPR_TRANSFER);
    g_assert_true(cpr_is_incoming());
    g_assert_cmpint(cpr_get_fd_param("net0", "7", 0, &error_abort), ==, 42);
    /* a getfd name the old process had: found in CPR state as well */
    g_assert_cmpint(cpr_get_fd_param("net0", "tapfd", 0, &error_abort), ==,
                    42);
    /* nothing saved under that device and index */
    g_assert_cmpint(cpr_get_fd_param("net0", "tapfd", 1, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot find saved value for fd tapfd");
    g_clear_pointer(&err, error_free);
    cpr_set_incoming_mode(MIG_MODE_NORMAL);
    cpr_state_clear();
}

/* ---- save hooks: entries that join the state only while it is written */

static int hook_fd = -1;
static MigMode hook_mode = MIG_MODE_NORMAL;

static void test_hook(MigMode mode)
{
    hook_mode = mode;
    if (hook_fd >= 0) {
        cpr_save_fd("hooked", 3, hook_fd);
    }
}

static void test_save_hooks(void)
{
    int sv[2], p[2];
    QEMUFile *out, *in;
    struct stat a, b;

    g_assert_cmpint(pipe(p), ==, 0);
    cpr_state_clear();
    cpr_save_fd("lasting", 0, p[0]);
    hook_fd = p[1];
    cpr_add_save_hook(test_hook);
    cpr_add_save_hook(test_hook);               /* once is enough */
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    out = qemu_file_new_output_fd(sv[0]);
    in = qemu_file_new_input_fd(sv[1]);
    g_assert_cmpint(cpr_state_save_mode(out, MIG_MODE_CPR_TRANSFER,
                                        &error_abort), ==, 0);
    qemu_fclose(out);
    g_assert_cmpint(hook_mode, ==, MIG_MODE_CPR_TRANSFER);
    /* written, then dropped here: the hook adds it afresh each time */
    g_assert_cmpint(cpr_find_fd("hooked", 3), ==, -1);
    g_assert_cmpint(cpr_find_fd("lasting", 0), ==, p[0]);
    g_assert_cmpint(cpr_state_load(in, &error_abort), ==, 0);
    qemu_fclose(in);
    g_assert_cmpint(fstat(cpr_find_fd("hooked", 3), &a), ==, 0);
    g_assert_cmpint(fstat(p[1], &b), ==, 0);
    g_assert_cmpint(a.st_ino, ==, b.st_ino);
    close(cpr_find_fd("hooked", 3));
    close(cpr_find_fd("lasting", 0));
    cpr_state_clear();
    cpr_save_fd("lasting", 0, p[0]);
    /* the two halves (cpr-exec): the entries stay until dropped */
    cpr_run_save_hooks(MIG_MODE_CPR_EXEC);
    g_assert_cmpint(hook_mode, ==, MIG_MODE_CPR_EXEC);
    g_assert_cmpint(cpr_find_fd("hooked", 3), ==, p[1]);
    cpr_drop_hook_entries();
    g_assert_cmpint(cpr_find_fd("hooked", 3), ==, -1);
    g_assert_cmpint(cpr_find_fd("lasting", 0), ==, p[0]);
    cpr_state_clear();
    hook_fd = -1;                       /* the hook stays, adding nothing */
    close(p[0]);
    close(p[1]);
}

static GString *taken;

static void take_cb(const char *rest, int id, int fd, void *opaque)
{
    g_string_append_printf(taken, "%s:%d:%d;", rest, id, fd);
}

static void test_take_prefixed(void)
{
    cpr_state_clear();
    cpr_save_fd("getfd/mon0/a", 0, 20);
    cpr_save_fd("getfd/mon1/b", 0, 21);
    cpr_save_fd("ram0", 0, 22);
    cpr_save_fd("getfd/mon0/c", 0, 23);
    cpr_save_fd("monitor/mon0", 3, -1);
    g_assert_cmpint(cpr_find_id("monitor/mon0"), ==, 3);
    g_assert_cmpint(cpr_find_id("monitor/mon1"), ==, -1);
    taken = g_string_new(NULL);
    cpr_take_prefixed("getfd/mon0/", take_cb, NULL);
    g_assert_cmpstr(taken->str, ==, "a:0:20;c:0:23;");     /* oldest first */
    g_assert_cmpint(cpr_find_fd("getfd/mon0/a", 0), ==, -1);
    g_assert_cmpint(cpr_find_fd("getfd/mon1/b", 0), ==, 21);
    g_assert_cmpint(cpr_find_fd("ram0", 0), ==, 22);
    g_string_free(taken, TRUE);
    /* a record without an fd is no fd to walk */
    fd_walk_count = 0;
    cpr_state_clear();
    cpr_save_fd("monitor/mon0", 1, -1);
    g_assert_true(cpr_walk_fd(count_fd));
    g_assert_cmpint(fd_walk_count, ==, 0);
    cpr_state_clear();
}

/* Loaded entries nothing took are closed once the take-over is over. */
static void test_close_untaken(void)
{
    int a[2], b[2];
    int got_a, got_b;

    g_assert_cmpint(pipe(a), ==, 0);
    g_assert_cmpint(pipe(b), ==, 0);
    cpr_state_clear();
    cpr_save_fd("kept", 0, a[0]);
    cpr_save_fd("dropped", 0, b[0]);
    g_assert_cmpint(round_trip(&error_abort), ==, 0);
    got_a = cpr_find_fd("kept", 0);
    got_b = cpr_find_fd("dropped", 0);      /* a peek: marks it taken */
    g_assert_cmpint(got_b, >=, 0);
    cpr_state_clear();                      /* again, untouched this time */
    cpr_save_fd("kept", 0, a[0]);
    cpr_save_fd("dropped", 0, b[0]);
    close(got_a);
    close(got_b);
    g_assert_cmpint(round_trip(&error_abort), ==, 0);
    got_a = cpr_find_fd("kept", 0);
    cpr_save_fd("ours", 0, a[1]);           /* saved here: never closed */
    cpr_close_untaken();
    g_assert_cmpint(cpr_find_fd("kept", 0), ==, got_a);
    g_assert_cmpint(cpr_find_fd("dropped", 0), ==, -1);
    g_assert_cmpint(cpr_find_fd("ours", 0), ==, a[1]);
    g_assert_cmpint(fcntl(got_a, F_GETFD), >=, 0);
    /* the dropped pipe's read end is gone: only b[0] keeps it open */
    close(b[0]);
    g_assert_cmpint(write(b[1], "x", 1), ==, -1);
    g_assert_cmpint(errno, ==, EPIPE);
    close(got_a);
    close(a[0]);
    close(a[1]);
    close(b[1]);
    cpr_state_clear();
}

/* ---- fd sets across cpr-transfer (monitor/monitor-cpr.c) ---- */

static void describe_set(int64_t set, const MonFdsetFdInfo *fds, unsigned n,
                         void *opaque)
{
    GString *out = opaque;

    g_string_append_printf(out, "%" PRId64 ":", set);
    for (unsigned i = 0; i < n; i++) {
        struct stat st;

        g_assert_cmpint(fstat(fds[i].fd, &st), ==, 0);
        g_string_append_printf(out, "[%s,%lu]", fds[i].opaque ?: "-",
                               (unsigned long)st.st_ino);
    }
    g_string_append_c(out, ';');
}

static char *describe_fdsets(void)
{
    GString *out = g_string_new(NULL);

    monitor_fdsets_foreach(describe_set, out);
    return g_string_free(out, FALSE);
}

static void test_fdsets_travel(void)
{
    g_autofree char *before = NULL, *after = NULL, *none = NULL;
    int files[3];

    cpr_state_clear();
    for (int i = 0; i < 3; i++) {
        files[i] = memfd_create("set", MFD_CLOEXEC);
    }
    g_assert_cmpint(monitor_fdset_add_fd(files[0], true, 2, "first", NULL),
                    ==, 2);
    g_assert_cmpint(monitor_fdset_add_fd(files[1], true, 2, NULL, NULL),
                    ==, 2);
    g_assert_cmpint(monitor_fdset_add_fd(files[2], true, 5, "a/b", NULL),
                    ==, 5);
    before = describe_fdsets();
    g_assert_cmpint(round_trip_mode(MIG_MODE_CPR_TRANSFER), ==, 0);
    /* the old process's sets are gone; the received ones come back */
    g_assert_true(monitor_fdset_remove_fd(2, false, 0, NULL));
    g_assert_true(monitor_fdset_remove_fd(5, false, 0, NULL));
    none = describe_fdsets();
    g_assert_cmpstr(none, ==, "");
    cpr_set_incoming_mode(MIG_MODE_CPR_TRANSFER);
    monitor_fdsets_cpr_restore();
    after = describe_fdsets();
    g_assert_cmpstr(after, ==, before);
    g_assert_true(monitor_fdset_cpr_restored(2));
    g_assert_true(monitor_fdset_cpr_restored(5));
    g_assert_false(monitor_fdset_cpr_restored(3));
    g_assert_cmpint(cpr_find_fd("fdset/2/first", 0), ==, -1);  /* taken */
    g_assert_true(monitor_fdset_remove_fd(2, false, 0, NULL));
    g_assert_true(monitor_fdset_remove_fd(5, false, 0, NULL));
    cpr_set_incoming_mode(MIG_MODE_NORMAL);
    cpr_state_clear();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/cpr/named-fds", test_named_fds);
    g_test_add_func("/cpr/fds-cross-the-socket", test_fds_cross_the_socket);
    g_test_add_func("/cpr/wire-format", test_wire_format);
    g_test_add_func("/cpr/bad-state", test_bad_state);
    g_test_add_func("/cpr/exec-numbers", test_exec_numbers);
    g_test_add_func("/cpr/get-fd-param", test_get_fd_param);
    g_test_add_func("/cpr/save-hooks", test_save_hooks);
    g_test_add_func("/cpr/take-prefixed", test_take_prefixed);
    g_test_add_func("/cpr/fdsets-travel", test_fdsets_travel);
    g_test_add_func("/cpr/close-untaken", test_close_untaken);
    return g_test_run();
}
