/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram: RAM at fixed offsets of a migration file (QEMU 9.0+ format).
 *
 * With the mapped-ram capability the MEM_SIZE block list carries, after
 * each block's length, a MappedRamHeader (be32 version, be64 page_size,
 * be64 bitmap_offset, be64 pages_offset: 28 packed bytes).  The block's
 * dirty bitmap (one bit per target page, host unsigned longs, as QEMU
 * writes it) sits right after the header; its pages region starts at the
 * next 1 MiB boundary and holds page N at pages_offset + N * page size.
 * The stream goes on after the last block's pages region.  Zero pages are
 * not written (the file has holes) and their bit is clear: the loader
 * reads only pages whose bit is set.  The bitmaps are written when the
 * RAM section completes.
 *
 * Threads: the table of blocks is built by the migration thread at setup;
 * bits are set and cleared atomically from it and from multifd sender
 * threads, each writing with pwrite() on its own fd.
 */
#ifndef MIGRATION_MAPPED_RAM_H
#define MIGRATION_MAPPED_RAM_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"
#include "system/memory.h"
#include "migration/ram.h"

#define MAPPED_RAM_HDR_VERSION            1
#define MAPPED_RAM_HDR_LEN                28
#define MAPPED_RAM_FILE_OFFSET_ALIGNMENT  0x100000

typedef struct MappedRamHeader {
    uint32_t version;
    uint64_t page_size;
    uint64_t bitmap_offset;     /* absolute file offsets */
    uint64_t pages_offset;
} MappedRamHeader;

/* ---- encoding (ram-mapped.c) ---- */
void mapped_ram_header_encode(const MappedRamHeader *h,
                              uint8_t buf[MAPPED_RAM_HDR_LEN]);
void mapped_ram_header_decode(const uint8_t buf[MAPPED_RAM_HDR_LEN],
                              MappedRamHeader *h);
/* Bytes of the bitmap of a block of pages pages (whole host longs). */
uint64_t mapped_ram_bitmap_size(uint64_t pages);
/* Bit page of bmap (bit i of byte i / 8: host-long layout on LE hosts). */
void mapped_ram_bitmap_change(uint8_t *bmap, uint64_t page, bool set);
bool mapped_ram_bitmap_test(const uint8_t *bmap, uint64_t page);
/* Header fields a loader accepts for a block of size bytes. */
bool mapped_ram_header_check(const MappedRamHeader *h, const char *idstr,
                             Error **errp);

/* ---- QEMUFile seeking (qemu-file.c; fd QEMUFiles only) ---- */
/* Stream position as a file offset (buffered bytes counted), or -errno. */
int64_t qemu_file_get_offset(QEMUFile *f);
/* Flush (output) or drop the read-ahead (input), then seek.  0/-errno. */
int qemu_file_set_offset(QEMUFile *f, int64_t offset);

/* ---- source ---- */
/* "Migration requires seekable transport (e.g. file)" unless file:. */
bool mapped_ram_transport_ok(const MigrationAddress *addr, Error **errp);
/* direct-io: an O_DIRECT fd of the file behind fd, or -1 (reported). */
int mapped_ram_direct_fd(int fd, int accmode, Error **errp);
/* Forget the blocks of a previous migration. */
void mapped_ram_save_reset(void);
/* Write rb's header into f and reserve its bitmap and pages region. */
bool mapped_ram_save_block(QEMUFile *f, RAMBlock *rb, Error **errp);
/* Write the page at offset of rb at its place (fd: any fd of the file). */
bool mapped_ram_write_page(int fd, RAMBlock *rb, uint64_t offset,
                           Error **errp);
/* The page is zero: not in the file. */
void mapped_ram_clear_page(RAMBlock *rb, uint64_t offset);
/* Write every block's bitmap at its offset (fd of the file). */
bool mapped_ram_save_bitmaps(int fd, Error **errp);

/* ---- destination ---- */
/*
 * After rb's name and length in the block list: read its header, its
 * bitmap and its pages (over migrate_multifd_channels() threads with
 * multifd), then move f past the pages region.
 */
bool mapped_ram_load_block(QEMUFile *f, RAMBlock *rb, Error **errp);

/* The RAM iterator's hooks (ram_set_mapped_ops). */
extern const RAMMappedOps mapped_ram_ops;

#endif
