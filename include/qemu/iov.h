/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for struct iovec arrays (partial readv/writev). */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/*
 * Step past n bytes that a readv/writev moved: drop the iovecs it
 * finished and trim the one it stopped in.  *iov and *cnt are updated.
 */
void iov_advance(struct iovec **iov, int *cnt, size_t n);

#endif
