/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monitor internals shared by monitor.c, qmp.c and hmp.c. */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "qemu/json-streamer.h"
#include <json-glib/json-glib.h>

struct Monitor {
    CharBackend chr;
    bool has_chr;
    bool is_qmp;
    bool pretty;
    /* human-monitor-command: output collects here instead of a chardev */
    GString *capture;
    MonFdStore *fds;

    /* QMP */
    JSONStreamer *parser;
    bool negotiated;          /* qmp_capabilities done: commands mode */
    bool oob_enabled;

    /* HMP line discipline */
    GString *line;
    bool last_was_cr;
    bool connected;
    /* suspended (synchronous migrate): input waits in pending */
    bool suspended;
    GString *pending;

    /* after cpr-exec: the session's flags (monitor-cpr.c) */
    int resume_flags;
};

extern GList *mon_list;        /* every monitor with a chardev, main thread */

void monitor_data_init(Monitor *mon, bool is_qmp, bool pretty);
void monitor_data_destroy(Monitor *mon);
/* Close the SCM_RIGHTS fds no command took (called between commands). */
void monitor_close_unclaimed_fds(Monitor *mon);
/* Write raw bytes to the monitor's peer (or capture buffer). */
void monitor_write(Monitor *mon, const char *buf, size_t len);

/* monitor-cpr.c: across CPR (the new process's side) */
/* New monitor: take its named fds and session flags from CPR state. */
void monitor_cpr_restore(Monitor *mon);
/* On CHR_EVENT_RESUMED: the QMP session's negotiation state back. */
void monitor_cpr_resume_qmp(Monitor *mon);
/* On CHR_EVENT_RESUMED: the HMP prompt the old image still owed. */
bool monitor_cpr_resume_hmp_prompt(Monitor *mon);

/* qmp.c */
void monitor_init_qmp(Monitor *mon);
void qmp_monitor_destroy(Monitor *mon);
void qmp_send_response(Monitor *mon, JsonNode *rsp);

/* hmp.c */
void monitor_init_hmp(Monitor *mon);
void hmp_monitor_destroy(Monitor *mon);
/* Run one HMP command line on mon. */
void handle_hmp_command(Monitor *mon, const char *cmdline);

#endif
