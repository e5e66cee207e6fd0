/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for struct iovec arrays (partial readv/writev). */
#include "qemu/osdep.h"
#include "qemu/iov.h"

void iov_advance(struct iovec **iov, int *cnt, size_t n)
{
    while (*cnt && n >= (*iov)->iov_len) {
        n -= (*iov)->iov_len;
        (*iov)++;
        (*cnt)--;
    }
    if (*cnt) {
        (*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
        (*iov)->iov_len -= n;
    }
}
