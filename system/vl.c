/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up: the command line (QEMU's option names and syntax), then the
 * configuration built from it, in QEMU's order: fds, daemon, chardevs,
 * monitors, machine, accelerator.  Errors here print one line naming the
 * option and exit 1 (the only place where exiting on bad input is right).
 */
#include "qemu/osdep.h"
#include "vl-internal.h"
#include "qemu/option.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/fds.h"
#include "system/system.h"
#include "system/runstate.h"
#include "system/machine.h"
#include "system/kvm.h"
#include "system/hostmem.h"
#include "hw/boards.h"
#include "migration/misc.h"
#include "target/i386/cpu.h"
#include "qapi/qapi-commands-char.h"

const char *qemu_name;
const char *qemu_uuid_str;

/* Options whose effect needs the whole command line, kept in order. */
typedef struct DeviceSpec {
    int kind;            /* OPT_SERIAL, OPT_MONITOR, OPT_QMP, OPT_QMP_PRETTY */
    char *spec;
    char *loc;           /* "-serial stdio", for error messages */
} DeviceSpec;

static struct {
    GPtrArray *devices;          /* DeviceSpec */
    GPtrArray *add_fds;          /* "-add-fd" arguments, with their loc */
    GPtrArray *add_fd_locs;
    GHashTable *opts_locs;       /* QemuOpts -> "-chardev ..." as typed */
    const char *pidfile;
    bool daemonize;
    bool nodefaults;
    bool nographic;
    bool display_none;
    bool default_monitor;
    bool enable_kvm;
    int monitor_count;
    const char *cpu_model, *bios, *kernel, *append;
    Chardev *serials[MAX_SERIAL_PORTS];
    bool serial_given;
    const char *dump_vmstate;
} cfg;


static QEMU_NORETURN void config_error(Error *err)
{
    error_report_err(err);
    exit(1);
}

static bool is_help_option(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

static void print_chardev_backends(void)
{
    g_autoptr(ChardevBackendInfoList) list = qmp_query_chardev_backends(NULL);

    printf("Available chardev backend types:\n");
    for (ChardevBackendInfoList *l = list; l; l = l->next) {
        printf("  %s\n", l->value->name);
    }
}

/* Error messages name the option as it was typed: "-chardev foo,id=x". */
static void set_loc(const char *raw, const char *arg)
{
    g_autofree char *loc = arg ? g_strdup_printf("%s %s", raw, arg)
                               : g_strdup(raw);

    error_report_set_location(loc);
}

/* As QEMU: implied first key, and short-form booleans warn. */
static QemuOpts *parse_opts(QemuOptsList *list, const char *arg)
{
    QemuOpts *opts = qemu_opts_parse_noisily(list, arg, true);

    if (!opts) {
        exit(1);
    }
    return opts;
}

static void parse_uuid(const char *arg)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    g_auto(GStrv) parts = g_strsplit(arg, "-", -1);
    bool ok = g_strv_length(parts) == 5;

    for (int i = 0; ok && i < 5; i++) {
        ok = strlen(parts[i]) == (size_t)groups[i];
        for (const char *p = parts[i]; ok && *p; p++) {
            ok = g_ascii_isxdigit(*p);
        }
    }
    if (!ok) {
        error_report("failed to parse UUID string: wrong format");
        exit(1);
    }
    qemu_uuid_str = g_ascii_strdown(arg, -1);
}

static void add_device(int kind, const char *opt, const char *spec)
{
    DeviceSpec *d = g_new0(DeviceSpec, 1);

    d->kind = kind;
    d->spec = g_strdup(spec);
    d->loc = g_strdup_printf("-%s %s", opt, spec);
    g_ptr_array_add(cfg.devices, d);
}

/* Options acted on after parsing keep where they came from. */
static void remember_loc(QemuOpts *opts, const char *raw, const char *arg)
{
    g_hash_table_insert(cfg.opts_locs, opts,
                        g_strdup_printf("%s %s", raw, arg));
}

static void restore_loc(QemuOpts *opts)
{
    error_report_set_location(g_hash_table_lookup(cfg.opts_locs, opts));
}


static void parse_command_line(int argc, char **argv)
{
    int optind = 1;

    while (optind < argc) {
        const char *raw = argv[optind];
        const char *optarg;
        const QEMUOption *o = vl_lookup_opt(argc, argv, &optind, &optarg);
        QemuOpts *opts;

        set_loc(raw, optarg);
        switch (o->index) {
        case OPT_HELP:
            vl_print_help();
            exit(0);
        case OPT_VERSION:
            vl_print_version();
            exit(0);
        case OPT_MACHINE:
            if (is_help_option(optarg)) {
                machine_print_help();
                exit(0);
            }
            remember_loc(parse_opts(&qemu_machine_opts, optarg), raw,
                         optarg);
            break;
        case OPT_ACCEL:
            parse_opts(&qemu_accel_opts, optarg);
            break;
        case OPT_ENABLE_KVM:
            parse_opts(&qemu_accel_opts, "kvm");
            break;
        case OPT_NAME:
            opts = parse_opts(&qemu_name_opts, optarg);
            (void)opts;
            break;
        case OPT_UUID:
            parse_uuid(optarg);
            break;
        case OPT_S:
            autostart = false;
            break;
        case OPT_NODEFAULTS:
            cfg.nodefaults = true;
            break;
        case OPT_NO_USER_CONFIG:
            /* Ferry reads no user configuration files: nothing to skip. */
            break;
        case OPT_NOGRAPHIC:
            cfg.nographic = true;
            cfg.display_none = true;
            break;
        case OPT_DISPLAY:
            opts = parse_opts(&qemu_display_opts, optarg);
            if (g_strcmp0(qemu_opt_get(opts, "type"), "none")) {
                error_report("Display '%s' is not available.",
                             qemu_opt_get(opts, "type"));
                exit(1);
            }
            cfg.display_none = true;
            break;
        case OPT_DAEMONIZE:
            cfg.daemonize = true;
            break;
        case OPT_PIDFILE:
            cfg.pidfile = optarg;
            break;
        case OPT_CHARDEV:
            if (is_help_option(optarg)) {
                print_chardev_backends();
                exit(0);
            }
            remember_loc(parse_opts(qemu_chardev_opts(), optarg), raw,
                         optarg);
            break;
        case OPT_MON:
            remember_loc(parse_opts(&qemu_mon_opts, optarg), raw, optarg);
            cfg.default_monitor = false;
            break;
        case OPT_MONITOR:
        case OPT_QMP:
        case OPT_QMP_PRETTY:
            add_device(o->index, o->name, optarg);
            cfg.default_monitor = false;
            break;
        case OPT_SERIAL:
            cfg.serial_given = true;
            add_device(o->index, o->name, optarg);
            break;
        case OPT_ADD_FD:
            g_ptr_array_add(cfg.add_fds, g_strdup(optarg));
            g_ptr_array_add(cfg.add_fd_locs,
                            g_strdup_printf("-add-fd %s", optarg));
            break;
        case OPT_M:
            remember_loc(parse_opts(&qemu_mem_opts, optarg), raw, optarg);
            break;
        case OPT_SMP:
            parse_opts(machine_smp_opts(), optarg);
            break;
        case OPT_CPU:
            if (is_help_option(optarg)) {
                g_autoptr(GString) out = g_string_new(NULL);

                x86_cpu_list(out);
                fputs(out->str, stdout);
                exit(0);
            }
            cfg.cpu_model = optarg;
            break;
        case OPT_BIOS:
            cfg.bios = optarg;
            break;
        case OPT_KERNEL:
            cfg.kernel = optarg;
            break;
        case OPT_APPEND:
            cfg.append = optarg;
            break;
        case OPT_INITRD:
            error_report("multiboot modules (-initrd) are not supported yet");
            exit(1);
        case OPT_OBJECT:
            remember_loc(parse_opts(&qemu_object_opts, optarg), raw, optarg);
            break;
        case OPT_NO_REBOOT:
            no_reboot = true;
            break;
        case OPT_NO_SHUTDOWN:
            no_shutdown = true;
            break;
        case OPT_INCOMING:
            migration_incoming_cli(optarg);
            break;
        case OPT_ONLY_MIGRATABLE:
            migration_set_only_migratable(true);
            break;
        case OPT_DUMP_VMSTATE:
            cfg.dump_vmstate = optarg;
            break;
        case OPT_MSG:
            opts = parse_opts(&qemu_msg_opts, optarg);
            error_report_set_timestamp(qemu_opt_get_bool(opts, "timestamp",
                                                         false));
            break;
        default:
            g_assert_not_reached();
        }
        error_report_set_location(NULL);
    }
}

static void configure_name(void)
{
    QemuOpts *opts = qemu_opts_find(&qemu_name_opts, NULL);
    QemuOpts *msg_opts;
    const char *proc;

    if (!opts) {
        return;
    }
    qemu_name = qemu_opt_get(opts, "guest");
    msg_opts = qemu_opts_find(&qemu_msg_opts, NULL);
    if (qemu_name && msg_opts &&
        qemu_opt_get_bool(msg_opts, "guest-name", false)) {
        error_report_set_guest_name(qemu_name);
    }
    proc = qemu_opt_get(opts, "process");
    if (proc) {
        /* The kernel's comm field is 15 characters. */
        g_autofree char *comm = g_strndup(proc, 15);
        g_autofree char *path = g_strdup("/proc/self/comm");
        (void)g_file_set_contents(path, comm, -1, NULL);
    }
}

static int chardev_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    Error *err = NULL;

    restore_loc(opts);
    if (!qemu_chr_new_from_opts(opts, &err)) {
        config_error(err);
    }
    error_report_set_location(NULL);
    return 0;
}

static void monitor_from_chardev(const char *chrid, bool qmp, bool pretty)
{
    Chardev *chr = qemu_chr_find(chrid);
    Error *err = NULL;

    if (!chr) {
        error_report("chardev \"%s\" not found", chrid);
        exit(1);
    }
    if (!monitor_new(chr, qmp, pretty, &err)) {
        config_error(err);
    }
}

static int mon_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    const char *mode = qemu_opt_get(opts, "mode");
    const char *chardev = qemu_opt_get(opts, "chardev");
    bool qmp;

    restore_loc(opts);
    if (!mode || !strcmp(mode, "readline")) {
        qmp = false;
    } else if (!strcmp(mode, "control")) {
        qmp = true;
    } else {
        error_report("unknown monitor mode \"%s\"", mode);
        exit(1);
    }
    if (!chardev) {
        error_report("chardev name is required");
        exit(1);
    }
    monitor_from_chardev(chardev, qmp, qemu_opt_get_bool(opts, "pretty",
                                                         false));
    error_report_set_location(NULL);
    return 0;
}

/* -monitor/-qmp/-serial DEV: "chardev:ID" names one, else a compat chardev. */
static Chardev *device_chardev(const DeviceSpec *d, const char *label)
{
    Error *err = NULL;
    Chardev *chr;

    error_report_set_location(d->loc);
    if (g_str_has_prefix(d->spec, "chardev:")) {
        chr = qemu_chr_find(d->spec + strlen("chardev:"));
        if (!chr) {
            error_report("chardev \"%s\" not found",
                         d->spec + strlen("chardev:"));
            exit(1);
        }
    } else {
        chr = qemu_chr_new(label, d->spec, &err);
        if (!chr) {
            config_error(err);
        }
    }
    error_report_set_location(NULL);
    return chr;
}

static void create_devices(void)
{
    int serial_index = 0;
    bool serial_none = false;

    for (guint i = 0; i < cfg.devices->len; i++) {
        DeviceSpec *d = g_ptr_array_index(cfg.devices, i);
        g_autofree char *label = NULL;
        Chardev *chr;
        Error *err = NULL;

        if (!strcmp(d->spec, "none")) {
            /* "-serial none" / "-monitor none": no device */
            serial_none |= d->kind == OPT_SERIAL;
            continue;
        }
        if (d->kind == OPT_SERIAL) {
            if (serial_none) {
                continue;
            }
            if (serial_index >= MAX_SERIAL_PORTS) {
                error_report_set_location(d->loc);
                error_report("too many serial ports (at most %d)",
                             MAX_SERIAL_PORTS);
                exit(1);
            }
            label = g_strdup_printf("serial%d", serial_index);
            /* The machine's UART attaches later (-machine none has none). */
            cfg.serials[serial_index++] = device_chardev(d, label);
            continue;
        }
        label = g_strdup_printf("compat_monitor%d", cfg.monitor_count++);
        chr = device_chardev(d, label);
        if (!monitor_new(chr, d->kind != OPT_MONITOR,
                         d->kind == OPT_QMP_PRETTY, &err)) {
            error_report_set_location(d->loc);
            config_error(err);
        }
    }
}

static void create_default_monitor(void)
{
    DeviceSpec d = { .kind = OPT_MONITOR, .spec = (char *)"stdio",
                     .loc = (char *)"-nographic" };
    Error *err = NULL;
    Chardev *chr;

    /* QEMU: -nographic multiplexes the serial console and the HMP monitor
     * on stdio.  Ferry has no mux yet: a machine with a UART gets its
     * console there, one without (none) gets the monitor.  Without
     * -nographic QEMU's defaults are graphical consoles, which Ferry does
     * not have. */
    if (cfg.nodefaults || !cfg.nographic || cfg.daemonize) {
        return;
    }
    if (current_machine_class()->has_uart) {
        if (!cfg.serial_given) {
            DeviceSpec s = { .kind = OPT_SERIAL, .spec = (char *)"stdio",
                             .loc = (char *)"-nographic" };
            cfg.serials[0] = device_chardev(&s, "serial0");
        }
        return;
    }
    if (!cfg.default_monitor) {
        return;
    }
    chr = device_chardev(&d, "compat_monitor0");
    if (!monitor_new(chr, false, false, &err)) {
        config_error(err);
    }
}

static void add_fds(void)
{
    for (guint i = 0; i < cfg.add_fds->len; i++) {
        Error *err = NULL;

        error_report_set_location(g_ptr_array_index(cfg.add_fd_locs, i));
        if (!fdset_add_cmdline(g_ptr_array_index(cfg.add_fds, i), &err)) {
            config_error(err);
        }
        error_report_set_location(NULL);
    }
}

static int collect_accel(void *opaque, QemuOpts *opts, Error **errp)
{
    g_ptr_array_add(opaque, g_strdup(qemu_opt_get(opts, "accel")));
    return 0;
}

/* -m [size=]SIZE: a suffix-less size is in MiB, as in QEMU. */
static uint64_t parse_ram_size(uint64_t def)
{
    QemuOpts *opts = qemu_opts_find(&qemu_mem_opts, NULL);
    const char *size;
    uint64_t val, host;

    if (!opts) {
        return def;
    }
    restore_loc(opts);
    if (qemu_opt_has(opts, "slots") || qemu_opt_has(opts, "maxmem")) {
        error_report("slots and maxmem need memory hotplug, which no "
                     "machine of Ferry supports yet");
        exit(1);
    }
    size = qemu_opt_get(opts, "size");
    if (!size) {
        error_report_set_location(NULL);
        return def;
    }
    if (qemu_strtosz_MiB(size, NULL, &val) < 0) {
        error_report("invalid ram size: %s", size);
        exit(1);
    }
    if (val == 0 || val % TARGET_PAGE_SIZE) {
        error_report("ram size must be a positive multiple of 4 KiB: %s",
                     size);
        exit(1);
    }
    /* Bigger than the host: refuse now, not with an OOM kill later. */
    host = (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    if (val > host) {
        error_report("ram size %" PRIu64 " MiB is more than this host's "
                     "%" PRIu64 " MiB of memory", val >> 20, host >> 20);
        exit(1);
    }
    error_report_set_location(NULL);
    return val;
}

static int object_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    Error *err = NULL;

    const char *type = qemu_opt_get(opts, "qom-type");

    restore_loc(opts);
    if (!type || !host_memory_backend_is_type(type)) {
        error_report("invalid object type: %s", type ? type : "");
        exit(1);
    }
    if (!host_memory_backend_create(opts, &err)) {
        config_error(err);
    }
    error_report_set_location(NULL);
    return 0;
}

static void select_machine(void)
{
    QemuOpts *mopts = qemu_opts_find(&qemu_machine_opts, NULL);
    Error *err = NULL;

    if (mopts) {
        restore_loc(mopts);
    }
    if (!machine_select(mopts ? qemu_opt_get(mopts, "type") : NULL, &err)) {
        config_error(err);
    }
    error_report_set_location(NULL);
}

static void build_machine(void)
{
    QemuOpts *mopts = qemu_opts_find(&qemu_machine_opts, NULL);
    const char *accel = mopts ? qemu_opt_get(mopts, "accel") : NULL;
    g_autoptr(GPtrArray) accels = g_ptr_array_new_with_free_func(g_free);
    MachineState *ms;
    Error *err = NULL;

    qemu_opts_foreach(&qemu_accel_opts, collect_accel, accels, NULL);
    if (accels->len && accel) {
        error_report("The -accel and \"-machine accel=\" options are "
                     "incompatible");
        exit(1);
    }
    if (accel) {
        /* "-machine accel=kvm:tcg" is a fallback list, like -accel twice */
        g_auto(GStrv) names = g_strsplit(accel, ":", -1);
        for (char **n = names; *n; n++) {
            g_ptr_array_add(accels, g_strdup(*n));
        }
    }
    g_ptr_array_add(accels, NULL);
    ms = g_new0(MachineState, 1);
    ms->mc = current_machine_class();
    ms->ram_size = parse_ram_size(0);     /* 0: not given */
    ms->memory_backend = mopts ? qemu_opt_get(mopts, "memory-backend")
                               : NULL;
    ms->cpu_model = cfg.cpu_model;
    ms->bios = cfg.bios;
    ms->kernel = cfg.kernel;
    ms->kernel_cmdline = cfg.append;
    ms->no_reboot = no_reboot;
    ms->no_shutdown = no_shutdown;
    memcpy(ms->serial, cfg.serials, sizeof(ms->serial));
    current_machine = ms;

    qemu_opts_foreach(&qemu_object_opts, object_init_func, NULL, NULL);
    if (!machine_build(ms, (const char *const *)accels->pdata, &err)) {
        config_error(err);
    }
}

/* QEMU's -dump-vmstate: the machine's descriptions as JSON, then exit. */
static QEMU_NORETURN void dump_vmstate_and_exit(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        error_report("-dump-vmstate %s: %s", path, g_strerror(errno));
        exit(1);
    }
    vmstate_dump_json(f);
    fclose(f);
    exit(0);
}

void qemu_init(int argc, char **argv)
{
    Error *err = NULL;

    error_set_progname(g_path_get_basename(argv[0]));
    cfg.devices = g_ptr_array_new();
    cfg.add_fds = g_ptr_array_new_with_free_func(g_free);
    cfg.add_fd_locs = g_ptr_array_new_with_free_func(g_free);
    cfg.opts_locs = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    cfg.default_monitor = true;
    qemu_chr_init_backends();

    parse_command_line(argc, argv);

    if (cfg.daemonize && cfg.nographic) {
        error_report("-nographic cannot be used with -daemonize");
        exit(1);
    }
    configure_name();
    if (cfg.daemonize) {
        os_daemonize();
    }
    if (cfg.pidfile && !qemu_write_pidfile(cfg.pidfile, &err)) {
        error_prepend(&err, "cannot create PID file: ");
        config_error(err);
    }
    select_machine();
    cpr_exec_load_state();
    migration_incoming_cpr_load();
    /* after CPR state: a set the old process had stands for its -add-fd */
    monitor_fdsets_cpr_restore();
    add_fds();
    qemu_opts_foreach(qemu_chardev_opts(), chardev_init_func, NULL, NULL);
    create_devices();
    create_default_monitor();
    qemu_opts_foreach(&qemu_mon_opts, mon_init_func, NULL, NULL);
    migration_object_init();
    if (migration_incoming_cli_pending()) {
        /* before the machine's first reset: loaders leave RAM alone */
        runstate_set(RUN_STATE_INMIGRATE);
    }
    build_machine();
    fdset_cleanup_cmdline();
    if (cfg.dump_vmstate) {
        dump_vmstate_and_exit(cfg.dump_vmstate);
    }

    os_setup_post();
    if (migration_incoming_cli_pending()) {
        migration_incoming_cli_start();      /* runstate inmigrate */
    } else if (autostart) {
        vm_start();
    } else {
        runstate_set(RUN_STATE_PRELAUNCH);
    }
}

void qemu_cleanup(void)
{
    migration_shutdown();
    monitor_cleanup();
    qemu_chr_cleanup();
    qemu_remove_pidfile();
}
