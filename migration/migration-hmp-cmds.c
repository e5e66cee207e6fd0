/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP migration commands: thin wrappers around the QMP functions. */
#include "qemu/osdep.h"
#include <math.h>
#include "monitor/hmp.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "qemu/option.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"

/* QEMU's size_to_str(): "%0.3g" of the largest binary unit. */
static char *size_to_str(uint64_t val)
{
    static const char *const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti",
                                            "Pi", "Ei" };
    int i;

    frexp(val / (1000.0 / 1024.0), &i);
    i = (i - 1) / 10;
    return g_strdup_printf("%0.3g %sB", (double)val / (1ULL << (i * 10)),
                           suffixes[i]);
}

static int enum_lookup(const char *const *names, int n, const char *s,
                       Error **errp)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], s)) {
            return i;
        }
    }
    error_setg(errp, "invalid parameter value: %s", s);
    return -1;
}

static int status_lookup(const char *s, Error **errp)
{
    const char *names[MIGRATION_STATUS__MAX];

    for (int i = 0; i < MIGRATION_STATUS__MAX; i++) {
        names[i] = MigrationStatus_str(i);
    }
    return enum_lookup(names, MIGRATION_STATUS__MAX, s, errp);
}

void hmp_info_migrate(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(MigrationInfo) info = qmp_query_migrate(NULL);

    if (info->blocked_reasons) {
        monitor_printf(mon, "Outgoing migration blocked:\n");
        for (strList *r = info->blocked_reasons; r; r = r->next) {
            monitor_printf(mon, "  %s\n", r->value);
        }
    }
    if (info->has_status) {
        monitor_printf(mon, "Status: \t\t%s",
                       MigrationStatus_str(info->status));
        if ((info->status == MIGRATION_STATUS_FAILED ||
             info->status == MIGRATION_STATUS_POSTCOPY_PAUSED) &&
            info->error_desc) {
            monitor_printf(mon, " (%s)\n", info->error_desc);
        } else {
            monitor_printf(mon, "\n");
        }
        if (info->total_time) {
            monitor_printf(mon, "Time (ms): \t\ttotal=%" PRIu64,
                           info->total_time);
            if (info->has_setup_time) {
                monitor_printf(mon, ", setup=%" PRIu64, info->setup_time);
            }
            if (info->has_expected_downtime) {
                monitor_printf(mon, ", exp_down=%" PRIu64,
                               info->expected_downtime);
            }
            if (info->has_downtime) {
                monitor_printf(mon, ", down=%" PRIu64, info->downtime);
            }
            monitor_printf(mon, "\n");
        }
    }
    if (info->socket_address) {
        monitor_printf(mon, "Sockets: [\n");
        for (SocketAddressList *a = info->socket_address; a; a = a->next) {
            SocketAddress *sa = a->value;

            if (sa->type == SOCKET_ADDRESS_TYPE_INET) {
                monitor_printf(mon, "\ttcp:%s:%s\n", sa->u.inet.host,
                               sa->u.inet.port);
            } else if (sa->type == SOCKET_ADDRESS_TYPE_UNIX) {
                monitor_printf(mon, "\tunix:%s\n", sa->u.q_unix.path);
            }
        }
        monitor_printf(mon, "]\n");
    }
    if (info->ram) {
        MigrationStats *r = info->ram;
        g_autofree char *psize = size_to_str(r->page_size);
        g_autofree char *total = size_to_str(r->total);
        g_autofree char *xfer = size_to_str(r->transferred);
        g_autofree char *remain = size_to_str(r->remaining);
        g_autofree char *precopy = size_to_str(r->precopy_bytes);
        g_autofree char *multifd = size_to_str(r->multifd_bytes);
        g_autofree char *postcopy = size_to_str(r->postcopy_bytes);

        monitor_printf(mon, "RAM info:\n");
        monitor_printf(mon, "  Throughput (Mbps): \t%0.2f\n", r->mbps);
        monitor_printf(mon, "  Sizes: \t\tpagesize=%s, total=%s\n",
                       psize, total);
        monitor_printf(mon, "  Transfers: \t\ttransferred=%s, remain=%s\n",
                       xfer, remain);
        monitor_printf(mon, "    Channels: \t\tprecopy=%s, multifd=%s, "
                       "postcopy=%s\n", precopy, multifd, postcopy);
        monitor_printf(mon, "    Page Types: \tnormal=%" PRIu64
                       ", zero=%" PRIu64 "\n", r->normal, r->duplicate);
        monitor_printf(mon, "  Page Rates (pps): \ttransfer=%" PRIu64,
                       r->pages_per_second);
        if (r->dirty_pages_rate) {
            monitor_printf(mon, ", dirty=%" PRIu64, r->dirty_pages_rate);
        }
        monitor_printf(mon, "\n");
        monitor_printf(mon, "  Others: \t\tdirty_syncs=%" PRIu64,
                       r->dirty_sync_count);
        if (r->downtime_bytes) {
            monitor_printf(mon, ", downtime_ram=%" PRIu64, r->downtime_bytes);
        }
        monitor_printf(mon, "\n");
    }
    if (hmp_arg_flag(args, "show_all")) {
        monitor_printf(mon, "Globals:\n");
        monitor_printf(mon, "  store-global-state: %s\n",
                       migrate_store_global_state() ? "on" : "off");
        monitor_printf(mon, "  only-migratable: %s\n",
                       migration_only_migratable() ? "on" : "off");
        monitor_printf(mon, "  send-configuration: %s\n",
                       migrate_send_configuration() ? "on" : "off");
        monitor_printf(mon, "  send-section-footer: %s\n",
                       migrate_send_section_footer() ? "on" : "off");
        monitor_printf(mon, "  send-switchover-start: %s\n",
                       migrate_send_switchover_start() ? "on" : "off");
    }
}

void hmp_info_migrate_capabilities(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(MigrationCapabilityStatusList) caps =
        qmp_query_migrate_capabilities(NULL);

    for (MigrationCapabilityStatusList *c = caps; c; c = c->next) {
        monitor_printf(mon, "%s: %s\n",
                       MigrationCapability_str(c->value->capability),
                       c->value->state ? "on" : "off");
    }
}

static const char *tls_str(const StrOrNull *s)
{
    return s && s->type == QTYPE_QSTRING ? s->u.s : "";
}

void hmp_info_migrate_parameters(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(MigrationParameters) p = qmp_query_migrate_parameters(NULL);

    monitor_printf(mon, "announce-initial: %" PRIu64 " ms\n",
                   p->announce_initial);
    monitor_printf(mon, "announce-max: %" PRIu64 " ms\n", p->announce_max);
    monitor_printf(mon, "announce-rounds: %" PRIu64 "\n", p->announce_rounds);
    monitor_printf(mon, "announce-step: %" PRIu64 " ms\n", p->announce_step);
    monitor_printf(mon, "throttle-trigger-threshold: %u\n",
                   p->throttle_trigger_threshold);
    monitor_printf(mon, "cpu-throttle-initial: %u\n", p->cpu_throttle_initial);
    monitor_printf(mon, "cpu-throttle-increment: %u\n",
                   p->cpu_throttle_increment);
    monitor_printf(mon, "cpu-throttle-tailslow: %s\n",
                   p->cpu_throttle_tailslow ? "on" : "off");
    monitor_printf(mon, "max-cpu-throttle: %u\n", p->max_cpu_throttle);
    monitor_printf(mon, "tls-creds: '%s'\n", tls_str(p->tls_creds));
    monitor_printf(mon, "tls-hostname: '%s'\n", tls_str(p->tls_hostname));
    monitor_printf(mon, "max-bandwidth: %" PRIu64 " bytes/second\n",
                   p->max_bandwidth);
    monitor_printf(mon, "avail-switchover-bandwidth: %" PRIu64
                   " bytes/second\n", p->avail_switchover_bandwidth);
    monitor_printf(mon, "downtime-limit: %" PRIu64 " ms\n", p->downtime_limit);
    monitor_printf(mon, "x-checkpoint-delay: %u ms\n", p->x_checkpoint_delay);
    monitor_printf(mon, "multifd-channels: %u\n", p->multifd_channels);
    monitor_printf(mon, "multifd-compression: %s\n",
                   MultiFDCompression_str(p->multifd_compression));
    monitor_printf(mon, "multifd-zlib-level: %u\n", p->multifd_zlib_level);
    monitor_printf(mon, "multifd-zstd-level: %u\n", p->multifd_zstd_level);
    monitor_printf(mon, "zero-page-detection: %s\n",
                   ZeroPageDetection_str(p->zero_page_detection));
    monitor_printf(mon, "xbzrle-cache-size: %" PRIu64 " bytes\n",
                   p->xbzrle_cache_size);
    monitor_printf(mon, "max-postcopy-bandwidth: %" PRIu64 "\n",
                   p->max_postcopy_bandwidth);
    monitor_printf(mon, "tls-authz: '%s'\n", tls_str(p->tls_authz));
    monitor_printf(mon, "x-vcpu-dirty-limit-period: %" PRIu64 " ms\n",
                   p->x_vcpu_dirty_limit_period);
    monitor_printf(mon, "vcpu-dirty-limit: %" PRIu64 " MB/s\n",
                   p->vcpu_dirty_limit);
    monitor_printf(mon, "mode: %s\n", MigMode_str(p->mode));
    monitor_printf(mon, "direct-io: %s\n", p->direct_io ? "on" : "off");
    monitor_printf(mon, "cpr-exec-command:");
    for (strList *a = p->cpr_exec_command; a; a = a->next) {
        monitor_printf(mon, " %s", a->value);
    }
    monitor_printf(mon, "\n");
}

/* Synchronous "migrate": poll until the migration ends, then resume. */
static gboolean hmp_migrate_status_cb(gpointer opaque)
{
    Monitor *mon = opaque;
    g_autoptr(MigrationInfo) info = qmp_query_migrate(NULL);

    if (info->has_status &&
        (info->status == MIGRATION_STATUS_SETUP ||
         info->status == MIGRATION_STATUS_ACTIVE ||
         info->status == MIGRATION_STATUS_DEVICE ||
         info->status == MIGRATION_STATUS_PRE_SWITCHOVER ||
         info->status == MIGRATION_STATUS_CANCELLING ||
         info->status == MIGRATION_STATUS_WAIT_UNPLUG)) {
        return G_SOURCE_CONTINUE;
    }
    if (info->error_desc) {
        monitor_printf(mon, "%s\n", info->error_desc);
    }
    monitor_resume(mon);
    return G_SOURCE_REMOVE;
}

void hmp_migrate(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_migrate(hmp_arg_str(args, "uri"), NULL,
                hmp_arg_flag(args, "resume"), hmp_arg_flag(args, "resume"),
                &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    if (hmp_arg_flag(args, "detach")) {
        return;
    }
    /* As QEMU: without -d the monitor waits until the migration ends. */
    if (!monitor_suspend(mon)) {
        monitor_printf(mon, "terminal does not allow synchronous "
                       "migration, continuing detached\n");
        return;
    }
    g_timeout_add(100, hmp_migrate_status_cb, mon);
}

void hmp_migrate_incoming(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_migrate_incoming(hmp_arg_str(args, "uri"), NULL, true, false, &err);
    hmp_handle_error(mon, err);
}

void hmp_migrate_cancel(Monitor *mon, const HMPArgs *args)
{
    qmp_migrate_cancel(NULL);
}

void hmp_migrate_continue(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    int state = status_lookup(hmp_arg_str(args, "state"), &err);

    if (state >= 0) {
        qmp_migrate_continue(state, &err);
    }
    hmp_handle_error(mon, err);
}

static bool parse_on_off(const char *s, bool *val, Error **errp)
{
    if (!strcmp(s, "on")) {
        *val = true;
    } else if (!strcmp(s, "off")) {
        *val = false;
    } else {
        error_setg(errp, "Expected 'on' or 'off'");
        return false;
    }
    return true;
}

void hmp_migrate_set_capability(Monitor *mon, const HMPArgs *args)
{
    const char *names[MIGRATION_CAPABILITY__MAX];
    MigrationCapabilityStatus st = { 0 };
    MigrationCapabilityStatusList l = { .next = NULL, .value = &st };
    Error *err = NULL;
    int cap;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        names[i] = MigrationCapability_str(i);
    }
    cap = enum_lookup(names, MIGRATION_CAPABILITY__MAX,
                      hmp_arg_str(args, "capability"), &err);
    if (cap >= 0 && parse_on_off(hmp_arg_str(args, "state"), &st.state,
                                 &err)) {
        st.capability = cap;
        qmp_migrate_set_capabilities(&l, &err);
    }
    hmp_handle_error(mon, err);
}

void hmp_migrate_set_parameter(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    migrate_set_parameter_str(hmp_arg_str(args, "parameter"),
                              hmp_arg_str(args, "value"), &err);
    hmp_handle_error(mon, err);
}

/* ---- migrate_set_parameter NAME VALUE ---- */

typedef enum ParamKind {
    P_U8, P_U32, P_U64, P_SIZE, P_SIZE_MIB, P_BOOL, P_TLS, P_COMPRESSION,
    P_MODE, P_ZERO_PAGE, P_ARGV,
} ParamKind;

#define PARAM(n, kind, m) { n, kind, offsetof(MigrationParameters, has_##m), \
                            offsetof(MigrationParameters, m) }
#define PARAM_PTR(n, kind, m) { n, kind, SIZE_MAX, \
                                offsetof(MigrationParameters, m) }

static const struct {
    const char *name;
    ParamKind kind;
    size_t has_off;             /* SIZE_MAX: a pointer member */
    size_t off;
} param_table[] = {
    PARAM("announce-initial", P_SIZE, announce_initial),
    PARAM("announce-max", P_SIZE, announce_max),
    PARAM("announce-rounds", P_SIZE, announce_rounds),
    PARAM("announce-step", P_SIZE, announce_step),
    PARAM("throttle-trigger-threshold", P_U8, throttle_trigger_threshold),
    PARAM("cpu-throttle-initial", P_U8, cpu_throttle_initial),
    PARAM("cpu-throttle-increment", P_U8, cpu_throttle_increment),
    PARAM("cpu-throttle-tailslow", P_BOOL, cpu_throttle_tailslow),
    PARAM("max-cpu-throttle", P_U8, max_cpu_throttle),
    PARAM_PTR("tls-creds", P_TLS, tls_creds),
    PARAM_PTR("tls-hostname", P_TLS, tls_hostname),
    PARAM_PTR("tls-authz", P_TLS, tls_authz),
    PARAM("max-bandwidth", P_SIZE_MIB, max_bandwidth),
    PARAM("avail-switchover-bandwidth", P_SIZE_MIB,
          avail_switchover_bandwidth),
    PARAM("downtime-limit", P_U64, downtime_limit),
    PARAM("x-checkpoint-delay", P_U32, x_checkpoint_delay),
    PARAM("multifd-channels", P_U8, multifd_channels),
    PARAM("multifd-compression", P_COMPRESSION, multifd_compression),
    PARAM("multifd-zlib-level", P_U8, multifd_zlib_level),
    PARAM("multifd-qatzip-level", P_U8, multifd_qatzip_level),
    PARAM("multifd-zstd-level", P_U8, multifd_zstd_level),
    PARAM("xbzrle-cache-size", P_SIZE, xbzrle_cache_size),
    PARAM("max-postcopy-bandwidth", P_SIZE, max_postcopy_bandwidth),
    PARAM("x-vcpu-dirty-limit-period", P_U64, x_vcpu_dirty_limit_period),
    PARAM("vcpu-dirty-limit", P_U64, vcpu_dirty_limit),
    PARAM("mode", P_MODE, mode),
    PARAM("zero-page-detection", P_ZERO_PAGE, zero_page_detection),
    PARAM("direct-io", P_BOOL, direct_io),
    PARAM_PTR("cpr-exec-command", P_ARGV, cpr_exec_command),
};

static bool parse_enum_value(const char *name, const char *value,
                             const char *(*str)(int), int max, int *out,
                             Error **errp)
{
    for (int i = 0; i < max; i++) {
        if (str(i) && !strcmp(str(i), value)) {
            *out = i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", name, value);
    return false;
}

static const char *compression_str(int i) { return MultiFDCompression_str(i); }
static const char *mode_str(int i) { return MigMode_str(i); }
static const char *zero_page_str(int i) { return ZeroPageDetection_str(i); }

bool migrate_set_parameter_str(const char *name, const char *value,
                               Error **errp)
{
    g_autoptr(MigrationParameters) p = g_new0(MigrationParameters, 1);
    char *base = (char *)p;
    uint64_t u = 0;
    size_t i;
    int e;

    for (i = 0; i < ARRAY_SIZE(param_table); i++) {
        if (!strcmp(param_table[i].name, name)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(param_table)) {
        error_setg(errp, "invalid parameter value: %s", name);
        return false;
    }
    if (param_table[i].has_off != SIZE_MAX) {
        *(bool *)(base + param_table[i].has_off) = true;
    }
    switch (param_table[i].kind) {
    case P_U8:
    case P_U32:
    case P_U64: {
        static const uint64_t max[] = { UINT8_MAX, UINT32_MAX, UINT64_MAX };
        static const char *const what[] = { "uint8_t", "uint32_t", "uint64" };
        ParamKind k = param_table[i].kind;

        if (qemu_strtou64(value, NULL, 0, &u) || u > max[k - P_U8]) {
            error_setg(errp, "Parameter '%s' expects %s", name,
                       what[k - P_U8]);
            return false;
        }
        if (k == P_U8) {
            *(uint8_t *)(base + param_table[i].off) = u;
        } else if (k == P_U32) {
            *(uint32_t *)(base + param_table[i].off) = u;
        } else {
            *(uint64_t *)(base + param_table[i].off) = u;
        }
        break;
    }
    case P_SIZE:
    case P_SIZE_MIB:
        if ((param_table[i].kind == P_SIZE_MIB ?
             qemu_strtosz_MiB(value, NULL, &u) :
             qemu_strtosz(value, NULL, &u)) < 0 || u > INT64_MAX) {
            error_setg(errp, "Invalid size %s", value);
            return false;
        }
        *(uint64_t *)(base + param_table[i].off) = u;
        break;
    case P_BOOL:
        if (!parse_on_off(value, (bool *)(base + param_table[i].off), errp)) {
            error_prepend(errp, "Parameter '%s': ", name);
            return false;
        }
        break;
    case P_TLS: {
        StrOrNull *s = g_new0(StrOrNull, 1);

        s->type = QTYPE_QSTRING;
        s->u.s = g_strdup(value);
        *(StrOrNull **)(base + param_table[i].off) = s;
        break;
    }
    case P_COMPRESSION:
    case P_MODE:
    case P_ZERO_PAGE: {
        const char *(*fn)(int) = param_table[i].kind == P_COMPRESSION ?
            compression_str : param_table[i].kind == P_MODE ? mode_str :
            zero_page_str;
        int max = param_table[i].kind == P_COMPRESSION ?
            MULTIFD_COMPRESSION__MAX : param_table[i].kind == P_MODE ?
            MIG_MODE__MAX : ZERO_PAGE_DETECTION__MAX;

        if (!parse_enum_value(name, value, fn, max, &e, errp)) {
            return false;
        }
        *(int *)(base + param_table[i].off) = e;
        break;
    }
    case P_ARGV: {
        g_auto(GStrv) argv = NULL;
        GError *gerr = NULL;
        strList **tail = &p->cpr_exec_command;

        if (!g_shell_parse_argv(value, NULL, &argv, &gerr)) {
            error_from_gerror(errp, gerr, "");
            return false;
        }
        for (int j = 0; argv[j]; j++) {
            *tail = g_new0(strList, 1);
            (*tail)->value = g_strdup(argv[j]);
            tail = &(*tail)->next;
        }
        break;
    }
    }
    {
        Error *err = NULL;

        qmp_migrate_set_parameters(p, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}
