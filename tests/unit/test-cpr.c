/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPR state: named fds, their wire format over a unix socket, and
 * cpr_get_fd_param (migration/cpr.c). */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/socket.h>
#include "migration/cpr.h"

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
static int round_trip(Error **errp)
{
    int sv[2];
    QEMUFile *out, *in;
    int ret;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    out = qemu_file_new_output_fd(sv[0]);
    in = qemu_file_new_input_fd(sv[1]);
    g_assert_cmpint(cpr_state_save(out, &error_abort), ==, 0);
    qemu_fclose(out);                   /* EOF after the state */
    ret = cpr_state_load(in, errp);
    qemu_fclose(in);
    return ret;
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpr/named-fds", test_named_fds);
    g_test_add_func("/cpr/fds-cross-the-socket", test_fds_cross_the_socket);
    g_test_add_func("/cpr/wire-format", test_wire_format);
    g_test_add_func("/cpr/bad-state", test_bad_state);
    g_test_add_func("/cpr/exec-numbers", test_exec_numbers);
    g_test_add_func("/cpr/get-fd-param", test_get_fd_param);
    return g_test_run();
}
