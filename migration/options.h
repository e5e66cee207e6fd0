/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration capabilities and parameters: getters by QEMU's names, and the
 * cross-checks of migrate-set-capabilities / migrate-set-parameters.
 * Getters may be called from any migration thread (values are read as
 * plain words; only max-bandwidth and downtime-limit change while a
 * migration runs).
 */
#ifndef MIGRATION_OPTIONS_H
#define MIGRATION_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/qapi-types-migration.h"
#include "migration/misc.h"

/* capabilities */
bool migrate_auto_converge(void);
bool migrate_background_snapshot(void);
bool migrate_colo(void);
bool migrate_dirty_bitmaps(void);
bool migrate_dirty_limit(void);
bool migrate_events(void);
bool migrate_ignore_shared(void);
bool migrate_late_block_activate(void);
bool migrate_mapped_ram(void);
bool migrate_multifd(void);
bool migrate_pause_before_switchover(void);
bool migrate_postcopy_blocktime(void);
bool migrate_postcopy_preempt(void);
bool migrate_postcopy_ram(void);
bool migrate_rdma_pin_all(void);
bool migrate_release_ram(void);
bool migrate_return_path(void);
bool migrate_switchover_ack(void);
bool migrate_validate_uuid(void);
bool migrate_xbzrle(void);
bool migrate_zero_copy_send(void);
/* postcopy-ram or dirty-bitmaps */
bool migrate_postcopy(void);

/* stream properties (QEMU's MigrationState properties) */
bool migrate_send_configuration(void);
bool migrate_send_section_footer(void);
bool migrate_send_switchover_start(void);
bool migrate_store_global_state(void);

/* parameters */
uint64_t migrate_avail_switchover_bandwidth(void);
uint8_t migrate_cpu_throttle_increment(void);
uint8_t migrate_cpu_throttle_initial(void);
bool migrate_cpu_throttle_tailslow(void);
bool migrate_direct_io(void);
uint64_t migrate_downtime_limit(void);          /* ms */
uint8_t migrate_max_cpu_throttle(void);
uint64_t migrate_max_bandwidth(void);           /* bytes/s */
uint64_t migrate_max_postcopy_bandwidth(void);
int migrate_multifd_channels(void);
MultiFDCompression migrate_multifd_compression(void);
int migrate_multifd_zlib_level(void);
int migrate_multifd_zstd_level(void);
uint8_t migrate_throttle_trigger_threshold(void);
uint64_t migrate_vcpu_dirty_limit(void);
uint64_t migrate_xbzrle_cache_size(void);
ZeroPageDetection migrate_zero_page_detection(void);
/* migrate_mode() is in migration/misc.h */

/* Check a capability change (old -> new), QEMU's migrate_caps_check. */
bool migrate_caps_check(const bool *old_caps, const bool *new_caps,
                        Error **errp);
/* Check the members present in params, QEMU's migrate_params_check. */
bool migrate_params_check(const MigrationParameters *params, Error **errp);
/* Defaults into s (migration_object_init). */
void migrate_params_init(MigrationParameters *params);
/* Refuse what Ferry cannot honour, at migrate time: false + errp. */
bool migrate_caps_supported(const bool *caps, Error **errp);

#endif
