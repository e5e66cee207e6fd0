/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Included first by every .c file; headers never include it.
 * Brings in the C library, POSIX and GLib pieces used everywhere.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "config-host.h"
#include "qapi/error.h"

#define QEMU_NORETURN __attribute__((noreturn))
#define QEMU_PRINTF(a, b) __attribute__((format(printf, a, b)))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* Ferry's identity, reported by query-version and the QMP greeting. */
#define FERRY_VERSION_MAJOR 10
#define FERRY_VERSION_MINOR 2
#define FERRY_VERSION_MICRO 50
#define FERRY_VERSION_STRING "10.2.50"
#define FERRY_PACKAGE " (Ferry)"

#endif
