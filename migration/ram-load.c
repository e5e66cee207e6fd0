/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "ram" section, destination side: block list check and page records. */
#include "qemu/osdep.h"
#include "qemu/bufferiszero.h"
#include "migration/options.h"
#include "migration/ram-internal.h"

#define RAM_LOAD_KNOWN_FLAGS (RAM_SAVE_FLAG_ZERO | RAM_SAVE_FLAG_MEM_SIZE | \
                              RAM_SAVE_FLAG_PAGE | RAM_SAVE_FLAG_EOS |      \
                              RAM_SAVE_FLAG_CONTINUE |                      \
                              RAM_SAVE_FLAG_MULTIFD_FLUSH)

/* The block of the previous page record (CONTINUE), for one stream. */
static RAMBlock *ram_load_last_block;
/*
 * Never-populated pages of private anonymous blocks: a ZERO record for one
 * needs no look at the page.  Pages this thread writes are noted in it;
 * it is dropped at EOS and MULTIFD_FLUSH, after which multifd channels may
 * have written pages behind its back.
 */
static PageMapCache ram_load_untouched;

int ram_load_setup(QEMUFile *f, void *opaque, Error **errp)
{
    ram_load_last_block = NULL;
    pagemap_cache_destroy(&ram_load_untouched);
    pagemap_cache_init(&ram_load_untouched);
    if (!migrate_multifd()) {
        ram_prefault_start();   /* multifd channels fault in parallel */
    }
    return 0;
}

int ram_load_cleanup(void *opaque)
{
    ram_prefault_stop();
    ram_load_last_block = NULL;
    pagemap_cache_destroy(&ram_load_untouched);
    return 0;
}

/* A ZERO record: leave untouched pages unallocated, clear the others. */
static void ram_load_zero_page(RAMBlock *rb, uint8_t *host)
{
    if (!ram_page_untouched(&ram_load_untouched, rb, host) &&
        !buffer_is_zero(host, TARGET_PAGE_SIZE)) {
        memset(host, 0, TARGET_PAGE_SIZE);
    }
}

/* u8 len + name; the result is NUL-terminated.  false on a read error. */
static bool ram_get_idstr(QEMUFile *f, char id[256])
{
    int len = qemu_get_byte(f);

    qemu_get_buffer(f, (uint8_t *)id, len);
    id[len] = '\0';
    return qemu_file_get_error(f) == 0;
}

/* MEM_SIZE: the source's block list must match ours block for block. */
static int ram_load_block_list(QEMUFile *f, uint64_t total)
{
    char id[256];

    while (total) {
        RAMBlock *rb;
        uint64_t length;

        if (!ram_get_idstr(f, id)) {
            return qemu_file_get_error(f);
        }
        length = qemu_get_be64(f);
        if (qemu_file_get_error(f)) {
            return qemu_file_get_error(f);
        }
        rb = ram_block_find(id);
        if (!rb || !ram_block_is_migratable(rb)) {
            error_report("Unknown ramblock \"%s\", cannot accept migration",
                         id);
            return -EINVAL;
        }
        if (length != rb->size) {
            error_report("Size mismatch: %s: 0x%" PRIx64 " != 0x%" PRIx64
                         ": Invalid argument", id, length, rb->size);
            return -EINVAL;
        }
        if (migrate_ignore_shared()) {
            uint64_t gpa = qemu_get_be64(f);

            if (ram_block_is_ignored(rb) && gpa != ram_block_gpa(rb)) {
                error_report("Mismatched GPAs for block %s %" PRId64 "!= %"
                             PRId64, id, gpa, ram_block_gpa(rb));
                return -EINVAL;
            }
        }
        if (ram_mapped_active()) {
            Error *err = NULL;

            if (!ram_mapped->load_block(f, rb, &err)) {
                error_report_err(err);
                return -EINVAL;
            }
        }
        if (length > total) {
            error_report("RAM block list larger than its total size "
                         "(0x%" PRIx64 " bytes left, block %s has 0x%"
                         PRIx64 ")", total, id, length);
            return -EINVAL;
        }
        total -= length;
    }
    return 0;
}

/* The host address of the record's page, or NULL (reported). */
static uint8_t *ram_load_host(QEMUFile *f, uint64_t offset, int flags)
{
    RAMBlock *rb;
    char id[256];

    if (flags & RAM_SAVE_FLAG_CONTINUE) {
        rb = ram_load_last_block;
        if (!rb) {
            error_report("Ack, bad migration stream!");
            return NULL;
        }
    } else {
        if (!ram_get_idstr(f, id)) {
            return NULL;
        }
        rb = ram_block_find(id);
        if (!rb || !ram_block_is_migratable(rb)) {
            error_report("Can't find block %s", id);
            return NULL;
        }
        if (ram_block_is_ignored(rb)) {
            error_report("block %s should not be migrated !", id);
            return NULL;
        }
        ram_load_last_block = rb;
    }
    if (offset >= rb->size) {
        error_report("Illegal RAM offset %" PRIx64, offset);
        return NULL;
    }
    return rb->host + offset;
}

static int ram_load_record(QEMUFile *f, uint64_t offset, int flags)
{
    uint8_t *host;
    int ch;

    switch (flags & ~RAM_SAVE_FLAG_CONTINUE) {
    case RAM_SAVE_FLAG_MEM_SIZE:
        return ram_load_block_list(f, offset);
    case RAM_SAVE_FLAG_ZERO:
        host = ram_load_host(f, offset, flags);
        if (!host) {
            return qemu_file_get_error(f) ?: -EINVAL;
        }
        ch = qemu_get_byte(f);
        if (ch) {
            error_report("Found a zero page with value %d", ch);
            return -EINVAL;
        }
        ram_load_zero_page(ram_load_last_block, host);
        return 0;
    case RAM_SAVE_FLAG_PAGE:
        host = ram_load_host(f, offset, flags);
        if (!host) {
            return qemu_file_get_error(f) ?: -EINVAL;
        }
        /* fresh RAM (never populated): the helper faults in ahead */
        ram_prefault_note_page(ram_load_last_block, offset,
                               ram_page_untouched(&ram_load_untouched,
                                                  ram_load_last_block, host));
        qemu_get_buffer(f, host, TARGET_PAGE_SIZE);
        pagemap_cache_note_written(&ram_load_untouched, host);
        return 0;
    case RAM_SAVE_FLAG_MULTIFD_FLUSH:
        pagemap_cache_invalidate(&ram_load_untouched);
        /* every page of the round is in RAM before the next one (without
         * multifd the pages came in the main stream: nothing to wait for) */
        return ram_multifd ? ram_multifd->recv_sync() : 0;
    default:
        error_report("Unknown combination of migration flags: 0x%x", flags);
        return -EINVAL;
    }
}

int ram_load(QEMUFile *f, void *opaque, int version_id)
{
    if (version_id != RAM_SECTION_VERSION) {
        error_report("Unsupported RAM section version %d", version_id);
        return -EINVAL;
    }
    for (;;) {
        uint64_t addr = qemu_get_be64(f);
        int flags = addr & (TARGET_PAGE_SIZE - 1);
        int ret = qemu_file_get_error(f);

        if (ret) {
            return ret;
        }
        addr &= ~(TARGET_PAGE_SIZE - 1);
        if (flags & ~RAM_LOAD_KNOWN_FLAGS) {
            error_report("Unknown combination of migration flags: 0x%x",
                         flags);
            return -EINVAL;
        }
        if (flags & RAM_SAVE_FLAG_EOS) {
            pagemap_cache_invalidate(&ram_load_untouched);
            if (flags != RAM_SAVE_FLAG_EOS || addr) {
                error_report("Unknown combination of migration flags: 0x%x",
                             flags);
                return -EINVAL;
            }
            return 0;
        }
        ret = ram_load_record(f, addr, flags);
        if (!ret) {
            ret = qemu_file_get_error(f);
        }
        if (ret) {
            return ret;
        }
    }
}
