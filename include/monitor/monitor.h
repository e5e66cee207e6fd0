/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitors: QMP (mode=control) and HMP (mode=readline) servers on
 * chardevs.  Several may run at once; all run in the main thread.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include "qapi/error.h"
#include "monitor/fds.h"

typedef struct Chardev Chardev;

/* Start a monitor on chardev chr.  qmp selects control mode. */
bool monitor_new(Chardev *chr, bool qmp, bool pretty, Error **errp);
/* Tear every monitor down (at exit). */
void monitor_cleanup(void);

/* The monitor whose command is running now (NULL outside commands). */
Monitor *monitor_cur(void);
Monitor *monitor_set_cur(Monitor *mon);   /* returns the previous one */
bool monitor_is_qmp(const Monitor *mon);

/* Named fds of this monitor (getfd/closefd). */
MonFdStore *monitor_fd_store(Monitor *mon);
/* An fd that came with the current command over SCM_RIGHTS (ownership
 * to caller), or -1 if none. */
int monitor_take_msgfd(Monitor *mon);

/*
 * Stop taking commands on an HMP monitor until monitor_resume() (QEMU's
 * synchronous "migrate"); input typed meanwhile waits.  Fails (false) for
 * QMP and for human-monitor-command, which cannot wait.
 */
bool monitor_suspend(Monitor *mon);
void monitor_resume(Monitor *mon);

/* HMP output (to the monitor, or the human-monitor-command buffer). */
int monitor_printf(Monitor *mon, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void monitor_puts(Monitor *mon, const char *str);

#endif
