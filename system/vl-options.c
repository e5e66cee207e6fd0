/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line's vocabulary: option names, -key=value lists, help. */
#include "qemu/osdep.h"
#include "vl-internal.h"

const QEMUOption qemu_options[] = {
    { "accel", true, OPT_ACCEL },
    { "add-fd", true, OPT_ADD_FD },
    { "chardev", true, OPT_CHARDEV },
    { "daemonize", false, OPT_DAEMONIZE },
    { "display", true, OPT_DISPLAY },
    { "enable-kvm", false, OPT_ENABLE_KVM },
    { "h", false, OPT_HELP },
    { "help", false, OPT_HELP },
    { "machine", true, OPT_MACHINE },
    { "M", true, OPT_MACHINE },
    { "mon", true, OPT_MON },
    { "monitor", true, OPT_MONITOR },
    { "msg", true, OPT_MSG },
    { "name", true, OPT_NAME },
    { "nodefaults", false, OPT_NODEFAULTS },
    { "nographic", false, OPT_NOGRAPHIC },
    { "no-user-config", false, OPT_NO_USER_CONFIG },
    { "pidfile", true, OPT_PIDFILE },
    { "qmp", true, OPT_QMP },
    { "qmp-pretty", true, OPT_QMP_PRETTY },
    { "S", false, OPT_S },
    { "serial", true, OPT_SERIAL },
    { "uuid", true, OPT_UUID },
    { "version", false, OPT_VERSION },
    { "m", true, OPT_M },
    { "smp", true, OPT_SMP },
    { "cpu", true, OPT_CPU },
    { "bios", true, OPT_BIOS },
    { "kernel", true, OPT_KERNEL },
    { "append", true, OPT_APPEND },
    { "initrd", true, OPT_INITRD },
    { "object", true, OPT_OBJECT },
    { "no-reboot", false, OPT_NO_REBOOT },
    { "no-shutdown", false, OPT_NO_SHUTDOWN },
    { "incoming", true, OPT_INCOMING },
    { "only-migratable", false, OPT_ONLY_MIGRATABLE },
    { "dump-vmstate", true, OPT_DUMP_VMSTATE },
    { NULL },
};

QemuOptsList qemu_machine_opts = {
    .name = "machine",
    .implied_opt_name = "type",
    .merge_lists = true,
    .desc = {
        { .name = "type", .type = QEMU_OPT_STRING },
        { .name = "accel", .type = QEMU_OPT_STRING },
        { .name = "memory-backend", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

QemuOptsList qemu_mem_opts = {
    .name = "memory",
    .implied_opt_name = "size",
    .merge_lists = true,
    .desc = {
        { .name = "size", .type = QEMU_OPT_STRING },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "maxmem", .type = QEMU_OPT_SIZE },
        { NULL }
    },
};

/* -object TYPE,id=...: every key is checked by the object's type. */
QemuOptsList qemu_object_opts = {
    .name = "object",
    .implied_opt_name = "qom-type",
    .desc = {
        { NULL }
    },
};

QemuOptsList qemu_accel_opts = {
    .name = "accel",
    .implied_opt_name = "accel",
    .desc = {
        { .name = "accel", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

QemuOptsList qemu_name_opts = {
    .name = "name",
    .implied_opt_name = "guest",
    .merge_lists = true,
    .desc = {
        { .name = "guest", .type = QEMU_OPT_STRING },
        { .name = "process", .type = QEMU_OPT_STRING },
        { .name = "debug-threads", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

QemuOptsList qemu_msg_opts = {
    .name = "msg",
    .merge_lists = true,
    .desc = {
        { .name = "timestamp", .type = QEMU_OPT_BOOL },
        { .name = "guest-name", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

QemuOptsList qemu_mon_opts = {
    .name = "mon",
    .implied_opt_name = "chardev",
    .desc = {
        { .name = "mode", .type = QEMU_OPT_STRING },
        { .name = "chardev", .type = QEMU_OPT_STRING },
        { .name = "pretty", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

QemuOptsList qemu_display_opts = {
    .name = "display",
    .implied_opt_name = "type",
    .desc = {
        { .name = "type", .type = QEMU_OPT_STRING },
        { NULL }
    },
};


void vl_print_version(void)
{
    printf("QEMU emulator version %s%s\n"
           "Copyright (c) 2026 the Ferry developers "
           "(command line and interfaces after QEMU)\n",
           FERRY_VERSION_STRING, FERRY_PACKAGE);
}

void vl_print_help(void)
{
    vl_print_version();
    printf("usage: ferry-system-x86_64 [options]\n\n"
"Standard options:\n"
"-h or -help     display this help and exit\n"
"-version        display version information and exit\n"
"-machine [type=]name[,accel=kvm|tcg][,memory-backend=id]\n"
"                select the machine (-machine help lists them)\n"
"-M name         same as -machine name\n"
"-accel [accel=]name\n"
"                select the accelerator (kvm; tcg not yet)\n"
"-enable-kvm     same as -accel kvm\n"
"-name [guest=]name[,process=name][,debug-threads=on|off]\n"
"                set the name of the guest\n"
"-uuid %%08x-%%04x-%%04x-%%04x-%%012x\n"
"                specify machine UUID\n"
"-S              freeze CPU at startup (use 'c' to start execution)\n"
"-nodefaults     don't create default devices\n"
"-no-user-config do not load user-provided config files\n"
"-nographic      disable graphical output; monitor on stdio\n"
"-display none   no display\n"
"-daemonize      daemonize after initializing\n"
"-pidfile file   write PID to 'file'\n"
"-msg [timestamp=on|off][,guest-name=on|off]\n"
"                control error message format\n"
"-m [size=]megs  guest RAM (suffixes k, M, G, T; default unit MiB)\n"
"-smp [cpus=]n[,sockets=][,dies=][,modules=][,cores=][,threads=][,maxcpus=]\n"
"                number of vCPUs and their topology\n"
"-cpu host|max|qemu64[,+feat][,-feat][,feat=on|off]\n"
"                CPU model (-cpu help lists the features)\n"
"-bios file      ROM image mapped to end at 4 GiB (reset vector)\n"
"-kernel file    Multiboot kernel image\n"
"-append cmdline Multiboot command line\n"
"-object memory-backend-ram|memory-backend-memfd|memory-backend-file,id=,size=\n"
"                [,share=on|off][,mem-path=][,prealloc=on|off]\n"
"                guest RAM backend, used with -machine memory-backend=id\n"
"-no-reboot      exit instead of rebooting\n"
"-no-shutdown    stop (do not exit) when the guest powers off\n\n"
"Migration:\n"
"-incoming tcp:[host]:port | unix:path | fd:fd | exec:cmdline | file:path[,offset=n]\n"
"-incoming defer wait for migrate-incoming\n"
"-only-migratable allow only migratable devices\n"
"-dump-vmstate file  write every device's migration format as JSON and exit\n\n"
"Character devices and monitors:\n"
"-chardev BACKEND,id=ID[,options]\n"
"                BACKEND: socket, stdio, file, pipe, null, pty, ringbuf\n"
"-mon [chardev=]name[,mode=readline|control][,pretty=on|off]\n"
"-monitor dev    HMP monitor on a character device (shorthand)\n"
"-qmp dev        QMP monitor on a character device (shorthand)\n"
"-qmp-pretty dev QMP monitor with pretty-printed JSON\n"
"-serial dev     serial port on a character device (shorthand)\n"
"                dev: stdio, null, pty, file:PATH, pipe:PATH,\n"
"                unix:PATH[,server=on|off,wait=on|off], tcp:HOST:PORT[,...],\n"
"                chardev:ID, none\n"
"-add-fd fd=fd,set=set[,opaque=opaque]\n"
"                add 'fd' to fd set 'set'\n");
}

const QEMUOption *vl_lookup_opt(int argc, char **argv, int *optind,
                                    const char **optarg)
{
    const char *r = argv[*optind];
    const char *name;

    (*optind)++;
    if (r[0] != '-' || r[1] == '\0') {
        /* QEMU takes a bare argument as a disk image (-hda). */
        error_report("%s: drive images are not supported (no block "
                     "devices yet)", r);
        exit(1);
    }
    name = r + 1;
    if (name[0] == '-') {
        name++;                       /* --option is the same as -option */
    }
    for (const QEMUOption *o = qemu_options; o->name; o++) {
        if (!strcmp(o->name, name)) {
            if (o->has_arg) {
                if (*optind >= argc) {
                    error_report("%s: requires an argument", r);
                    exit(1);
                }
                *optarg = argv[(*optind)++];
            } else {
                *optarg = NULL;
            }
            return o;
        }
    }
    error_report("%s: invalid option", r);
    exit(1);
}
