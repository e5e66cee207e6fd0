/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iov_advance: stepping over what a partial readv/writev moved. */
#include "qemu/osdep.h"
#include "qemu/iov.h"

static void test_advance(void)
{
    char a[4], b[8], c[2];
    struct iovec v[3] = { { a, 4 }, { b, 8 }, { c, 2 } };
    struct iovec *iov = v;
    int cnt = 3;

    iov_advance(&iov, &cnt, 0);             /* nothing moved */
    g_assert_true(iov == v && cnt == 3 && iov->iov_len == 4);
    iov_advance(&iov, &cnt, 6);             /* all of a, 2 bytes of b */
    g_assert_true(iov == &v[1] && cnt == 2);
    g_assert_true(iov->iov_base == b + 2 && iov->iov_len == 6);
    iov_advance(&iov, &cnt, 6);             /* exactly the rest of b */
    g_assert_true(iov == &v[2] && cnt == 1 && iov->iov_len == 2);
    iov_advance(&iov, &cnt, 2);             /* done */
    g_assert_cmpint(cnt, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iov/advance", test_advance);
    return g_test_run();
}
