/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HMP command tables, in QEMU's names. */
#include "qemu/osdep.h"
#include "monitor/hmp.h"

const HMPCommand hmp_info_cmds[] = {
    { "chardev", "", "", "show the character devices", hmp_info_chardev },
    { "cpus", "", "", "show infos for each CPU", hmp_info_cpus },
    { "migrate", "show_all:-a", "[-a]", "show migration status",
      hmp_info_migrate },
    { "migrate_capabilities", "", "", "show current migration capabilities",
      hmp_info_migrate_capabilities },
    { "migrate_parameters", "", "", "show current migration parameters",
      hmp_info_migrate_parameters },
    { "name", "", "", "show the current VM name", hmp_info_name },
    { "ramblock", "", "", "Display system RAMBlock information",
      hmp_info_ramblock },
    { "registers", "cpustate_all:-a,cpustate:s?", "[-a|vcpu]",
      "show the cpu registers (-a: all - show register info for all cpus; "
      "vcpu: specific vCPU to query; show the current CPU's registers if "
      "omitted)", hmp_info_registers },
    { "status", "", "", "show the current VM status (running|paused)",
      hmp_info_status },
    { "uuid", "", "", "show the current VM UUID", hmp_info_uuid },
    { "version", "", "", "show the version of QEMU", hmp_info_version },
    { NULL },
};

const HMPCommand hmp_cmds[] = {
    { "help|?", "name:S?", "[cmd]", "show the help", hmp_help },
    { "chardev-add", "args:s", "args", "add chardev", hmp_chardev_add },
    { "chardev-remove", "id:s", "id", "remove chardev", hmp_chardev_remove },
    { "closefd", "fdname:s", "name",
      "close a file descriptor previously passed via SCM rights",
      hmp_closefd },
    { "cont|c", "", "", "resume emulation", hmp_cont },
    { "getfd", "fdname:s", "name",
      "receive a file descriptor via SCM rights and assign it a name",
      hmp_getfd },
    { "memsave", "val:s,size:s,filename:s", "addr size file",
      "save to disk virtual memory dump starting at 'addr' of size 'size'",
      hmp_memsave },
    { "migrate", "detach:-d,resume:-r,uri:s", "[-d] [-r] uri",
      "migrate to URI (using -d to not wait for completion)\n\t\t\t"
      " -r to resume a paused postcopy migration", hmp_migrate },
    { "migrate_cancel", "", "", "cancel the current VM migration",
      hmp_migrate_cancel },
    { "migrate_continue", "state:s", "state",
      "Continue migration from the given paused state",
      hmp_migrate_continue },
    { "migrate_incoming", "uri:s", "uri",
      "Continue an incoming migration from an -incoming defer",
      hmp_migrate_incoming },
    { "migrate_set_capability", "capability:s,state:s", "capability state",
      "Enable/Disable the usage of a capability for migration",
      hmp_migrate_set_capability },
    { "migrate_set_parameter", "parameter:s,value:S", "parameter value",
      "Set the parameter for migration", hmp_migrate_set_parameter },
    { "pmemsave", "val:s,size:s,filename:s", "addr size file",
      "save to disk physical memory dump starting at 'addr' of size "
      "'size'", hmp_pmemsave },
    { "i", "fmt:/,addr:s", "/fmt addr", "I/O port read", hmp_ioport_read },
    { "o", "fmt:/,addr:s,val:s", "/fmt addr value", "I/O port write",
      hmp_ioport_write },
    { "info", "item:s?", "[subcommand]", "show various information about the "
      "system state", hmp_info_help, hmp_info_cmds },
    { "quit|q", "", "", "quit the emulator", hmp_quit },
    { "ringbuf_read", "device:s,size:s", "device size",
      "Read from a ring buffer character device", hmp_ringbuf_read },
    { "ringbuf_write", "device:s,data:s", "device data",
      "Write to a ring buffer character device", hmp_ringbuf_write },
    { "stop|s", "", "", "stop emulation", hmp_stop },
    { "system_reset", "", "", "reset the system", hmp_system_reset },
    { "x", "fmt:/,addr:s", "/fmt addr", "virtual memory dump starting at "
      "'addr'", hmp_x },
    { "xp", "fmt:/,addr:s", "/fmt addr", "physical memory dump starting at "
      "'addr'", hmp_xp },
    { NULL },
};
