/* SPDX-License-Identifier: GPL-2.0-or-later */
/* human-monitor-command: run an HMP command line and return its output. */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "qapi/qapi-commands-misc.h"

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    Monitor hmp = { 0 };
    char *out;

    if (has_cpu_index) {
        /* No CPUs exist on this machine yet. */
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    monitor_data_init(&hmp, false, false);
    hmp.capture = g_string_new(NULL);
    handle_hmp_command(&hmp, command_line);
    out = g_strdup(hmp.capture->str);
    monitor_data_destroy(&hmp);
    return out;
}
