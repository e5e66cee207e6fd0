/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fast "is this buffer all zero bytes?" for zero-page detection.
 * Vector code (SSE2, or AVX2 when the CPU has it, chosen once at run
 * time); any length and alignment is accepted.  Thread-safe.
 */
#ifndef QEMU_BUFFERISZERO_H
#define QEMU_BUFFERISZERO_H

#include <stdbool.h>
#include <stddef.h>

bool buffer_is_zero(const void *buf, size_t len);

/*
 * Which implementation buffer_is_zero() uses: "avx2", "sse2" or "scalar".
 * test_buffer_is_zero_next_accel() steps down to the next slower one and
 * returns false when there is none left (tests use it to cover them all).
 */
const char *buffer_is_zero_accel_name(void);
bool test_buffer_is_zero_next_accel(void);

#endif
