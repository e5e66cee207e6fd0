/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host memory backends: -object memory-backend-ram|memfd|file.
 *
 * A backend owns one RAMBlock named after its id.  A machine claims it
 * with host_memory_backend_claim() (-machine memory-backend=ID); a claimed
 * backend cannot be claimed again nor deleted.
 *
 * Threads: main thread only (start-up, object-add/object-del, HMP).
 */
#ifndef SYSTEM_HOSTMEM_H
#define SYSTEM_HOSTMEM_H

#include <stdbool.h>
#include <glib.h>
#include "qapi/error.h"
#include "qemu/option.h"
#include "system/memory.h"

/* True if qom_type is one of the memory-backend-* types handled here. */
bool host_memory_backend_is_type(const char *qom_type);

/*
 * Create a backend from -object options: keys "qom-type" and "id" plus the
 * type's properties (size, share, prealloc, prealloc-threads, reserve,
 * merge, dump; mem-path, align, readonly, discard-data for files; hugetlb,
 * hugetlbsize, seal for memfd).  Unknown keys are refused as QEMU does
 * ("Parameter 'x' is unexpected").
 */
bool host_memory_backend_create(QemuOpts *opts, Error **errp);

/* The backend's block, or NULL if there is no backend with that id. */
RAMBlock *host_memory_backend_get_block(const char *id);
bool host_memory_backend_is_mapped(const char *id);
void host_memory_backend_set_mapped(const char *id, bool mapped);
/*
 * Look up a backend for a machine and mark it used: errors "Memory backend
 * 'x' not found" and "memory backend x can't be used multiple times.".
 */
RAMBlock *host_memory_backend_claim(const char *id, Error **errp);
/* object-del: refuses while the backend is in use. */
bool host_memory_backend_delete(const char *id, Error **errp);
/* Drop every backend (exit, tests). */
void host_memory_backend_cleanup(void);

/* Host page size backing a block (hugetlbfs page size for such files). */
uint64_t ram_block_page_size(RAMBlock *rb);
/* HMP "info ramblock", in QEMU's layout. */
void hmp_info_ramblock_print(GString *out);

/*
 * Guest RAM that a new process cannot take over (no fd, or not shared)
 * blocks cpr-transfer and cpr-exec, not normal migration.  Machines call
 * it for their RAM.  False with errp if the blocker could not be added.
 */
bool ram_block_add_cpr_blocker(RAMBlock *rb, Error **errp);

#endif
