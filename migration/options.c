/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration capabilities and parameters: defaults, checks, QMP commands. */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/cpr.h"
#include "system/runstate.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/visitor.h"

/* QEMU's limits (migration/options.c) */
#define MAX_MIGRATE_DOWNTIME_MS     2000000ULL
#define DEFAULT_DOWNTIME_LIMIT_MS   300
#define DEFAULT_MULTIFD_CHANNELS    2
#define DEFAULT_XBZRLE_CACHE_SIZE   (64ULL << 20)
#define TARGET_PAGE_SIZE            4096ULL

#define PARAM_INVALID "Parameter '%s' expects %s"

/*
 * Capabilities Ferry does not implement.  QEMU's own cross-checks run
 * first (so a client sees the same error for a bad combination), then
 * these are refused with a sentence naming the capability.  Capabilities
 * that only concern subsystems Ferry has none of (block devices) are
 * accepted: they are honoured vacuously.
 */
static const MigrationCapability unsupported_caps[] = {
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
    MIGRATION_CAPABILITY_POSTCOPY_PREEMPT,
    MIGRATION_CAPABILITY_SWITCHOVER_ACK,
    MIGRATION_CAPABILITY_DIRTY_LIMIT,
};

static bool cap(MigrationCapability c)
{
    return migrate_get_current()->capabilities[c];
}

static const MigrationParameters *params(void)
{
    return &migrate_get_current()->parameters;
}

bool migrate_auto_converge(void) { return cap(MIGRATION_CAPABILITY_AUTO_CONVERGE); }
bool migrate_background_snapshot(void) { return cap(MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT); }
bool migrate_colo(void) { return cap(MIGRATION_CAPABILITY_X_COLO); }
bool migrate_dirty_bitmaps(void) { return cap(MIGRATION_CAPABILITY_DIRTY_BITMAPS); }
bool migrate_dirty_limit(void) { return cap(MIGRATION_CAPABILITY_DIRTY_LIMIT); }
bool migrate_events(void) { return cap(MIGRATION_CAPABILITY_EVENTS); }
bool migrate_ignore_shared(void) { return cap(MIGRATION_CAPABILITY_X_IGNORE_SHARED); }
bool migrate_late_block_activate(void) { return cap(MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE); }
bool migrate_mapped_ram(void) { return cap(MIGRATION_CAPABILITY_MAPPED_RAM); }
bool migrate_multifd(void) { return cap(MIGRATION_CAPABILITY_MULTIFD); }
bool migrate_pause_before_switchover(void) { return cap(MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER); }
bool migrate_postcopy_blocktime(void) { return cap(MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME); }
bool migrate_postcopy_preempt(void) { return cap(MIGRATION_CAPABILITY_POSTCOPY_PREEMPT); }
bool migrate_postcopy_ram(void) { return cap(MIGRATION_CAPABILITY_POSTCOPY_RAM); }
bool migrate_rdma_pin_all(void) { return cap(MIGRATION_CAPABILITY_RDMA_PIN_ALL); }
bool migrate_release_ram(void) { return cap(MIGRATION_CAPABILITY_RELEASE_RAM); }
bool migrate_return_path(void) { return cap(MIGRATION_CAPABILITY_RETURN_PATH); }
bool migrate_switchover_ack(void) { return cap(MIGRATION_CAPABILITY_SWITCHOVER_ACK); }
bool migrate_validate_uuid(void) { return cap(MIGRATION_CAPABILITY_VALIDATE_UUID); }
bool migrate_xbzrle(void) { return cap(MIGRATION_CAPABILITY_XBZRLE); }
bool migrate_zero_copy_send(void) { return cap(MIGRATION_CAPABILITY_ZERO_COPY_SEND); }

bool migrate_postcopy(void)
{
    return migrate_postcopy_ram() || migrate_dirty_bitmaps();
}

bool migrate_send_configuration(void) { return migrate_get_current()->send_configuration; }
bool migrate_send_section_footer(void) { return migrate_get_current()->send_section_footer; }
bool migrate_send_switchover_start(void) { return migrate_get_current()->send_switchover_start; }
bool migrate_store_global_state(void) { return migrate_get_current()->store_global_state; }

uint64_t migrate_avail_switchover_bandwidth(void) { return params()->avail_switchover_bandwidth; }
uint8_t migrate_cpu_throttle_increment(void) { return params()->cpu_throttle_increment; }
uint8_t migrate_cpu_throttle_initial(void) { return params()->cpu_throttle_initial; }
bool migrate_cpu_throttle_tailslow(void) { return params()->cpu_throttle_tailslow; }
bool migrate_direct_io(void) { return params()->direct_io; }
uint64_t migrate_downtime_limit(void) { return params()->downtime_limit; }
uint8_t migrate_max_cpu_throttle(void) { return params()->max_cpu_throttle; }
uint64_t migrate_max_bandwidth(void) { return params()->max_bandwidth; }
uint64_t migrate_max_postcopy_bandwidth(void) { return params()->max_postcopy_bandwidth; }
int migrate_multifd_channels(void) { return params()->multifd_channels; }
MultiFDCompression migrate_multifd_compression(void) { return params()->multifd_compression; }
int migrate_multifd_zlib_level(void) { return params()->multifd_zlib_level; }
int migrate_multifd_zstd_level(void) { return params()->multifd_zstd_level; }
uint8_t migrate_throttle_trigger_threshold(void) { return params()->throttle_trigger_threshold; }
uint64_t migrate_vcpu_dirty_limit(void) { return params()->vcpu_dirty_limit; }
uint64_t migrate_xbzrle_cache_size(void) { return params()->xbzrle_cache_size; }
ZeroPageDetection migrate_zero_page_detection(void) { return params()->zero_page_detection; }

/* A process that took over CPR state runs in the mode it came with. */
MigMode migrate_mode(void)
{
    if (cpr_is_incoming()) {
        return cpr_get_incoming_mode();
    }
    /* before migration_object_init() (start-up, unit tests): normal */
    return migrate_get_current() ? params()->mode : MIG_MODE_NORMAL;
}

/* A deep copy, through the visitors (QEMU's QAPI_CLONE). */
static MigrationParameters *params_clone(const MigrationParameters *src)
{
    MigrationParameters *tmp = (MigrationParameters *)src, *dst = NULL;
    JsonNode *node = NULL;
    Visitor *v = qobject_output_visitor_new(&node);

    visit_type_MigrationParameters(v, NULL, &tmp, &error_abort);
    visit_complete(v, &node);
    visit_free(v);
    v = qobject_input_visitor_new(node);
    visit_type_MigrationParameters(v, NULL, &dst, &error_abort);
    visit_free(v);
    json_node_unref(node);
    return dst;
}

static StrOrNull *str_or_null_str(const char *s)
{
    StrOrNull *r = g_new0(StrOrNull, 1);

    r->type = QTYPE_QSTRING;
    r->u.s = g_strdup(s);
    return r;
}

void migrate_params_init(MigrationParameters *p)
{
    memset(p, 0, sizeof(*p));
    p->has_announce_initial = true;
    p->announce_initial = 50;
    p->has_announce_max = true;
    p->announce_max = 550;
    p->has_announce_rounds = true;
    p->announce_rounds = 5;
    p->has_announce_step = true;
    p->announce_step = 100;
    p->has_throttle_trigger_threshold = true;
    p->throttle_trigger_threshold = 50;
    p->has_cpu_throttle_initial = true;
    p->cpu_throttle_initial = 20;
    p->has_cpu_throttle_increment = true;
    p->cpu_throttle_increment = 10;
    p->has_cpu_throttle_tailslow = true;
    p->cpu_throttle_tailslow = false;
    p->tls_creds = str_or_null_str("");
    p->tls_hostname = str_or_null_str("");
    p->tls_authz = str_or_null_str("");
    p->has_max_bandwidth = true;
    p->max_bandwidth = MIGRATION_MAX_THROTTLE;
    p->has_avail_switchover_bandwidth = true;
    p->avail_switchover_bandwidth = 0;
    p->has_downtime_limit = true;
    p->downtime_limit = DEFAULT_DOWNTIME_LIMIT_MS;
    p->has_x_checkpoint_delay = true;
    p->x_checkpoint_delay = 20000;
    p->has_multifd_channels = true;
    p->multifd_channels = DEFAULT_MULTIFD_CHANNELS;
    p->has_xbzrle_cache_size = true;
    p->xbzrle_cache_size = DEFAULT_XBZRLE_CACHE_SIZE;
    p->has_max_postcopy_bandwidth = true;
    p->max_postcopy_bandwidth = 0;
    p->has_max_cpu_throttle = true;
    p->max_cpu_throttle = 99;
    p->has_multifd_compression = true;
    p->multifd_compression = MULTIFD_COMPRESSION_NONE;
    p->has_multifd_zlib_level = true;
    p->multifd_zlib_level = 1;
    p->has_multifd_qatzip_level = true;
    p->multifd_qatzip_level = 1;
    p->has_multifd_zstd_level = true;
    p->multifd_zstd_level = 1;
    p->has_x_vcpu_dirty_limit_period = true;
    p->x_vcpu_dirty_limit_period = 1000;
    p->has_vcpu_dirty_limit = true;
    p->vcpu_dirty_limit = 1;
    p->has_mode = true;
    p->mode = MIG_MODE_NORMAL;
    p->has_zero_page_detection = true;
    p->zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD;
    p->has_direct_io = true;
    p->direct_io = false;
    p->cpr_exec_command = NULL;
}

bool migrate_caps_check(const bool *old_caps, const bool *new_caps,
                        Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    bool incoming_started = mis && mis->started;

    if (new_caps[MIGRATION_CAPABILITY_X_COLO]) {
        error_setg(errp, "QEMU compiled without replication module"
                   " can't enable COLO");
        error_append_hint(errp, "Please enable replication before COLO.\n");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
        if (new_caps[MIGRATION_CAPABILITY_X_IGNORE_SHARED]) {
            error_setg(errp, "Postcopy is not compatible with ignore-shared");
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_MULTIFD]) {
            error_setg(errp, "Postcopy is not yet compatible with multifd");
            return false;
        }
    }
    if (new_caps[MIGRATION_CAPABILITY_ZERO_COPY_SEND] &&
        (!new_caps[MIGRATION_CAPABILITY_MULTIFD] ||
         new_caps[MIGRATION_CAPABILITY_XBZRLE] ||
         migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE)) {
        error_setg(errp, "Zero copy only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_SWITCHOVER_ACK] &&
        !new_caps[MIGRATION_CAPABILITY_RETURN_PATH]) {
        error_setg(errp, "Capability 'switchover-ack' requires capability "
                   "'return-path'");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_DIRTY_LIMIT] &&
        new_caps[MIGRATION_CAPABILITY_AUTO_CONVERGE]) {
        error_setg(errp, "dirty-limit conflicts with auto-converge"
                   " either of then available currently");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_MULTIFD] &&
        new_caps[MIGRATION_CAPABILITY_XBZRLE]) {
        error_setg(errp, "Multifd is not compatible with xbzrle");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_PREEMPT]) {
        if (!new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
            error_setg(errp, "Postcopy preempt requires postcopy-ram");
            return false;
        }
        if (incoming_started) {
            error_setg(errp,
                       "Postcopy preempt must be set before incoming starts");
            return false;
        }
    }
    if (new_caps[MIGRATION_CAPABILITY_MULTIFD] &&
        !old_caps[MIGRATION_CAPABILITY_MULTIFD] && incoming_started) {
        error_setg(errp, "Multifd must be set before incoming starts");
        return false;
    }
    if (new_caps[MIGRATION_CAPABILITY_MAPPED_RAM]) {
        if (new_caps[MIGRATION_CAPABILITY_XBZRLE]) {
            error_setg(errp,
                       "Mapped-ram migration is incompatible with xbzrle");
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
            error_setg(errp,
                       "Mapped-ram migration is incompatible with postcopy");
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_MULTIFD] &&
            migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE) {
            error_setg(errp, "Mapped-ram migration is incompatible with "
                       "multifd compression");
            return false;
        }
    }
    return migrate_caps_supported(new_caps, errp);
}

bool migrate_caps_supported(const bool *caps, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(unsupported_caps); i++) {
        if (caps[unsupported_caps[i]]) {
            error_setg(errp, "Capability '%s' is not supported by Ferry yet",
                       MigrationCapability_str(unsupported_caps[i]));
            return false;
        }
    }
    return true;
}

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *caps,
                                  Error **errp)
{
    MigrationState *s = migrate_get_current();
    bool new_caps[MIGRATION_CAPABILITY__MAX];

    if (migration_is_running()) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }
    memcpy(new_caps, s->capabilities, sizeof(new_caps));
    for (MigrationCapabilityStatusList *c = caps; c; c = c->next) {
        new_caps[c->value->capability] = c->value->state;
    }
    if (!migrate_caps_check(s->capabilities, new_caps, errp)) {
        return;
    }
    memcpy(s->capabilities, new_caps, sizeof(new_caps));
}

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationCapabilityStatusList *head = NULL, **tail = &head;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        MigrationCapabilityStatus *st = g_new0(MigrationCapabilityStatus, 1);
        MigrationCapabilityStatusList *e =
            g_new0(MigrationCapabilityStatusList, 1);

        st->capability = i;
        st->state = s->capabilities[i];
        e->value = st;
        *tail = e;
        tail = &e->next;
    }
    return head;
}

bool migrate_params_check(const MigrationParameters *p, Error **errp)
{
    if (p->has_throttle_trigger_threshold &&
        (p->throttle_trigger_threshold < 1 ||
         p->throttle_trigger_threshold > 100)) {
        error_setg(errp, PARAM_INVALID, "throttle-trigger-threshold",
                   "an integer in the range of 1 to 100");
        return false;
    }
    if (p->has_cpu_throttle_initial &&
        (p->cpu_throttle_initial < 1 || p->cpu_throttle_initial > 99)) {
        error_setg(errp, PARAM_INVALID, "cpu-throttle-initial",
                   "an integer in the range of 1 to 99");
        return false;
    }
    if (p->has_cpu_throttle_increment &&
        (p->cpu_throttle_increment < 1 || p->cpu_throttle_increment > 99)) {
        error_setg(errp, PARAM_INVALID, "cpu-throttle-increment",
                   "an integer in the range of 1 to 99");
        return false;
    }
    if (p->has_downtime_limit && p->downtime_limit > MAX_MIGRATE_DOWNTIME_MS) {
        error_setg(errp, "Parameter 'downtime-limit' expects an integer in "
                   "the range of 0 to %llu ms", MAX_MIGRATE_DOWNTIME_MS);
        return false;
    }
    if (p->has_multifd_channels && p->multifd_channels < 1) {
        error_setg(errp, PARAM_INVALID, "multifd_channels",
                   "a value between 1 and 255");
        return false;
    }
    if (p->has_multifd_zlib_level && p->multifd_zlib_level > 9) {
        error_setg(errp, PARAM_INVALID, "multifd_zlib_level",
                   "a value between 0 and 9");
        return false;
    }
    if (p->has_multifd_qatzip_level &&
        (p->multifd_qatzip_level > 9 || p->multifd_qatzip_level < 1)) {
        error_setg(errp, PARAM_INVALID, "multifd-qatzip-level",
                   "a value between 1 and 9");
        return false;
    }
    if (p->has_multifd_zstd_level && p->multifd_zstd_level > 20) {
        error_setg(errp, PARAM_INVALID, "multifd_zstd_level",
                   "a value between 0 and 20");
        return false;
    }
    if (p->has_xbzrle_cache_size &&
        (p->xbzrle_cache_size < TARGET_PAGE_SIZE ||
         (p->xbzrle_cache_size & (p->xbzrle_cache_size - 1)))) {
        error_setg(errp, PARAM_INVALID, "xbzrle_cache_size",
                   "a power of two no less than the target page size");
        return false;
    }
    if (p->has_max_cpu_throttle) {
        uint8_t initial = p->has_cpu_throttle_initial ?
            p->cpu_throttle_initial : migrate_cpu_throttle_initial();

        if (p->max_cpu_throttle < initial || p->max_cpu_throttle > 99) {
            error_setg(errp, PARAM_INVALID, "max_cpu_throttle",
                       "an integer in the range of cpu_throttle_initial to 99");
            return false;
        }
    }
    if (p->has_announce_initial && p->announce_initial > 100000) {
        error_setg(errp, PARAM_INVALID, "announce_initial",
                   "a value between 0 and 100000");
        return false;
    }
    if (p->has_announce_max && p->announce_max > 100000) {
        error_setg(errp, PARAM_INVALID, "announce_max",
                   "a value between 0 and 100000");
        return false;
    }
    if (p->has_announce_rounds && p->announce_rounds > 1000) {
        error_setg(errp, PARAM_INVALID, "announce_rounds",
                   "a value between 0 and 1000");
        return false;
    }
    if (p->has_announce_step &&
        (p->announce_step < 1 || p->announce_step > 10000)) {
        error_setg(errp, PARAM_INVALID, "announce_step",
                   "a value between 0 and 10000");
        return false;
    }
    if (p->has_x_vcpu_dirty_limit_period &&
        (p->x_vcpu_dirty_limit_period < 1 ||
         p->x_vcpu_dirty_limit_period > 1000)) {
        error_setg(errp, PARAM_INVALID, "x-vcpu-dirty-limit-period",
                   "a value between 1 and 1000");
        return false;
    }
    if (p->has_vcpu_dirty_limit && p->vcpu_dirty_limit < 1) {
        error_setg(errp, PARAM_INVALID, "vcpu_dirty_limit",
                   "is invalid, it must greater then 1 MB/s");
        return false;
    }
    return true;
}

static void str_or_null_set(StrOrNull **dst, const StrOrNull *src)
{
    qapi_free_StrOrNull(*dst);
    /* null means "" (QEMU: reset to the default, no TLS) */
    *dst = str_or_null_str(src->type == QTYPE_QSTRING ? src->u.s : "");
}

void qmp_migrate_set_parameters(MigrationParameters *p, Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationParameters *d = &s->parameters;

    if (!migrate_params_check(p, errp)) {
        return;
    }

#define APPLY(member) \
    do { if (p->has_##member) { d->member = p->member; } } while (0)
    APPLY(announce_initial);
    APPLY(announce_max);
    APPLY(announce_rounds);
    APPLY(announce_step);
    APPLY(throttle_trigger_threshold);
    APPLY(cpu_throttle_initial);
    APPLY(cpu_throttle_increment);
    APPLY(cpu_throttle_tailslow);
    APPLY(max_bandwidth);
    APPLY(avail_switchover_bandwidth);
    APPLY(downtime_limit);
    APPLY(x_checkpoint_delay);
    APPLY(multifd_channels);
    APPLY(xbzrle_cache_size);
    APPLY(max_postcopy_bandwidth);
    APPLY(max_cpu_throttle);
    APPLY(multifd_compression);
    APPLY(multifd_zlib_level);
    APPLY(multifd_qatzip_level);
    APPLY(multifd_zstd_level);
    APPLY(x_vcpu_dirty_limit_period);
    APPLY(vcpu_dirty_limit);
    APPLY(mode);
    APPLY(zero_page_detection);
    APPLY(direct_io);
#undef APPLY
    if (p->tls_creds) {
        str_or_null_set(&d->tls_creds, p->tls_creds);
    }
    if (p->tls_hostname) {
        str_or_null_set(&d->tls_hostname, p->tls_hostname);
    }
    if (p->tls_authz) {
        str_or_null_set(&d->tls_authz, p->tls_authz);
    }
    if (p->block_bitmap_mapping || p->cpr_exec_command) {
        MigrationParameters *c = params_clone(p);

        if (c->block_bitmap_mapping) {
            qapi_free_BitmapMigrationNodeAliasList(d->block_bitmap_mapping);
            d->block_bitmap_mapping = c->block_bitmap_mapping;
            c->block_bitmap_mapping = NULL;
        }
        if (c->cpr_exec_command) {
            qapi_free_strList(d->cpr_exec_command);
            d->cpr_exec_command = c->cpr_exec_command;
            c->cpr_exec_command = NULL;
        }
        qapi_free_MigrationParameters(c);
    }
    if (p->has_max_bandwidth && s->rate_limit_max) {
        /* applies at once to a running migration */
        s->rate_limit_max = d->max_bandwidth * MIGRATION_BUFFER_DELAY_MS / 1000;
    }
}

MigrationParameters *qmp_query_migrate_parameters(Error **errp)
{
    return params_clone(&migrate_get_current()->parameters);
}
