/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit test for buffer_is_zero() across every vector implementation. */
#include "qemu/osdep.h"
#include "qemu/bufferiszero.h"

#define BUF_SIZE 8192

/* Every length and alignment up to a few vectors, one non-zero byte at
 * every position, in each implementation the CPU supports. */
static void check_current_accel(void)
{
    g_autofree uint8_t *raw = g_malloc0(BUF_SIZE + 64);

    for (size_t align = 0; align < 33; align++) {
        uint8_t *buf = raw + align;

        for (size_t len = 0; len <= 300; len++) {
            g_assert_true(buffer_is_zero(buf, len));
            for (size_t pos = 0; pos < len; pos++) {
                buf[pos] = 0x80 >> (pos & 7);
                if (buffer_is_zero(buf, len)) {
                    g_error("%s: byte %zu of %zu (align %zu) missed",
                            buffer_is_zero_accel_name(), pos, len, align);
                }
                buf[pos] = 0;
            }
            /* A non-zero byte just outside the buffer must not count. */
            buf[len] = 1;
            g_assert_true(buffer_is_zero(buf, len));
            buf[len] = 0;
            if (align) {
                buf[-1] = 1;
                g_assert_true(buffer_is_zero(buf, len));
                buf[-1] = 0;
            }
        }
    }
    /* A whole page: zero, then each byte dirtied in turn. */
    g_assert_true(buffer_is_zero(raw, 4096));
    for (size_t pos = 0; pos < 4096; pos++) {
        raw[pos] = 0xff;
        g_assert_false(buffer_is_zero(raw, 4096));
        raw[pos] = 0;
    }
    g_assert_true(buffer_is_zero(raw, BUF_SIZE));
    raw[BUF_SIZE - 1] = 2;
    g_assert_false(buffer_is_zero(raw, BUF_SIZE));
}

static void test_all_accels(void)
{
    int n = 0;

    do {
        if (g_test_verbose()) {
            g_test_message("testing %s", buffer_is_zero_accel_name());
        }
        check_current_accel();
        n++;
    } while (test_buffer_is_zero_next_accel());
    g_assert_cmpstr(buffer_is_zero_accel_name(), ==, "scalar");
    g_assert_cmpint(n, >=, 1);
}

static void test_random(void)
{
    g_autofree uint8_t *buf = g_malloc0(4096);
    GRand *r = g_rand_new_with_seed(42);

    for (int i = 0; i < 20000; i++) {
        size_t off = g_rand_int_range(r, 0, 64);
        size_t len = g_rand_int_range(r, 0, 4096 - 64);
        bool dirty = g_rand_boolean(r) && len;
        size_t pos = dirty ? off + g_rand_int_range(r, 0, len) : 0;

        if (dirty) {
            buf[pos] = g_rand_int_range(r, 1, 256);
        }
        g_assert_cmpint(buffer_is_zero(buf + off, len), ==, !dirty);
        buf[pos] = 0;
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bufferiszero/random", test_random);
    g_test_add_func("/bufferiszero/all-accels", test_all_accels);
    return g_test_run();
}
