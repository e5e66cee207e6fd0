/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM identity and start-up configuration that commands report. */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include <stdbool.h>
#include "qapi/error.h"

/* -name guest=...: NULL when unset. */
extern const char *qemu_name;
/* -uuid: canonical lower-case string, NULL when unset. */
extern const char *qemu_uuid_str;

/* Start-up: parse argv and build the configuration; exits on error. */
void qemu_init(int argc, char **argv);
/* Tear down at exit (monitors, chardevs, pidfile). */
void qemu_cleanup(void);

/* -daemonize (system/os-posix.c) */
bool is_daemonized(void);
void os_daemonize(void);          /* forks; the parent waits for the child */
void os_setup_post(void);         /* child ready: stdio to /dev/null, release parent */
bool qemu_write_pidfile(const char *path, Error **errp);
void qemu_remove_pidfile(void);

#endif
