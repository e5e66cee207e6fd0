/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP commands: thin wrappers around the QMP functions.  Each area
 * provides its hmp_* functions; monitor/hmp-commands.c lists them.
 */
#ifndef MONITOR_HMP_H
#define MONITOR_HMP_H

#include "monitor/monitor.h"

/* Parsed arguments: name -> string value ("on" for a present flag). */
typedef struct HMPArgs HMPArgs;
const char *hmp_arg_str(const HMPArgs *args, const char *name);
bool hmp_arg_flag(const HMPArgs *args, const char *name);

typedef void HMPCommandFunc(Monitor *mon, const HMPArgs *args);

typedef struct HMPCommand {
    const char *name;        /* "cont|c" lists aliases */
    /*
     * Arguments, QEMU-style: "name:s" a word (may be quoted), "name:S" the
     * rest of the line, a trailing '?' makes it optional, "name:-f" a flag,
     * "name:/" an optional "/fmt" word (x, xp).
     */
    const char *args_type;
    const char *params;      /* for help: "[-d] uri" */
    const char *help;
    HMPCommandFunc *cmd;
    const struct HMPCommand *sub_table;  /* "info" */
} HMPCommand;

/* Print "Error: <msg>" and free err (no-op when NULL). */
void hmp_handle_error(Monitor *mon, Error *err);

/* The command tables (monitor/hmp-commands.c). */
extern const HMPCommand hmp_cmds[];
extern const HMPCommand hmp_info_cmds[];

/* Handlers, by area. */
void hmp_help(Monitor *mon, const HMPArgs *args);
void hmp_info_help(Monitor *mon, const HMPArgs *args);
void hmp_info_status(Monitor *mon, const HMPArgs *args);
void hmp_info_version(Monitor *mon, const HMPArgs *args);
void hmp_info_name(Monitor *mon, const HMPArgs *args);
void hmp_info_uuid(Monitor *mon, const HMPArgs *args);
void hmp_info_chardev(Monitor *mon, const HMPArgs *args);
void hmp_stop(Monitor *mon, const HMPArgs *args);
void hmp_cont(Monitor *mon, const HMPArgs *args);
void hmp_quit(Monitor *mon, const HMPArgs *args);
void hmp_getfd(Monitor *mon, const HMPArgs *args);
void hmp_closefd(Monitor *mon, const HMPArgs *args);
void hmp_chardev_add(Monitor *mon, const HMPArgs *args);
void hmp_chardev_remove(Monitor *mon, const HMPArgs *args);
void hmp_ringbuf_write(Monitor *mon, const HMPArgs *args);
void hmp_ringbuf_read(Monitor *mon, const HMPArgs *args);
void hmp_x(Monitor *mon, const HMPArgs *args);
void hmp_xp(Monitor *mon, const HMPArgs *args);
void hmp_ioport_read(Monitor *mon, const HMPArgs *args);
void hmp_ioport_write(Monitor *mon, const HMPArgs *args);
void hmp_memsave(Monitor *mon, const HMPArgs *args);
void hmp_pmemsave(Monitor *mon, const HMPArgs *args);
void hmp_info_registers(Monitor *mon, const HMPArgs *args);
void hmp_info_cpus(Monitor *mon, const HMPArgs *args);
void hmp_info_ramblock(Monitor *mon, const HMPArgs *args);
void hmp_system_reset(Monitor *mon, const HMPArgs *args);
/* migration/migration-hmp-cmds.c */
void hmp_info_migrate(Monitor *mon, const HMPArgs *args);
void hmp_info_migrate_capabilities(Monitor *mon, const HMPArgs *args);
void hmp_info_migrate_parameters(Monitor *mon, const HMPArgs *args);
void hmp_migrate(Monitor *mon, const HMPArgs *args);
void hmp_migrate_incoming(Monitor *mon, const HMPArgs *args);
void hmp_migrate_cancel(Monitor *mon, const HMPArgs *args);
void hmp_migrate_continue(Monitor *mon, const HMPArgs *args);
void hmp_migrate_set_capability(Monitor *mon, const HMPArgs *args);
void hmp_migrate_set_parameter(Monitor *mon, const HMPArgs *args);

#endif
