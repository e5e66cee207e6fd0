/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multifd: RAM pages over extra connections, with QEMU's wire format.
 *
 * The main channel carries the stream as usual; `multifd-channels` extra
 * connections to the same address each start with a MultiFDInit packet
 * and then carry page batches: a fixed-size MultiFDPacket header (block
 * name, offsets of normal then zero pages) followed by the normal pages,
 * raw or compressed per packet (zlib, zstd).  A packet with
 * MULTIFD_FLAG_SYNC ends a round: the source puts RAM_SAVE_FLAG_MULTIFD_FLUSH
 * in the main stream after every channel sent its SYNC, and the destination
 * waits at that flush until every channel has applied all pages before
 * its SYNC, so a page re-sent in a later round never lands first.
 *
 * Threads: one sender thread per channel on the source (fed by the
 * migration thread through multifd_queue_page), one receiver thread per
 * channel on the destination (synchronised by the loading thread through
 * multifd_recv_sync_main).  All integers on the wire are big-endian.
 */
#ifndef MIGRATION_MULTIFD_H
#define MIGRATION_MULTIFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"
#include "system/memory.h"
#include "migration/ram.h"

#define MULTIFD_MAGIC      0x11223344U
#define MULTIFD_VERSION    1

#define MULTIFD_FLAG_SYNC               (1 << 0)
#define MULTIFD_FLAG_COMPRESSION_MASK   (0x1f << 1)
#define MULTIFD_FLAG_NOCOMP             (0 << 1)
#define MULTIFD_FLAG_ZLIB               (1 << 1)
#define MULTIFD_FLAG_ZSTD               (2 << 1)

/* Bytes of guest pages per packet, and pages per packet (4 KiB pages). */
#define MULTIFD_PACKET_SIZE   (512 * 1024)
#define MULTIFD_PAGE_SIZE     4096
#define MULTIFD_PAGE_COUNT    (MULTIFD_PACKET_SIZE / MULTIFD_PAGE_SIZE)

/* MultiFDInit_t: magic, version, uuid[16], id, 7 + 32 reserved bytes. */
#define MULTIFD_INIT_LEN      64
/* MultiFDPacket_t without offsets, and with MULTIFD_PAGE_COUNT of them. */
#define MULTIFD_PACKET_HDR_LEN 320
#define MULTIFD_PACKET_LEN    (MULTIFD_PACKET_HDR_LEN + 8 * MULTIFD_PAGE_COUNT)
#define MULTIFD_RAMBLOCK_LEN  256

typedef struct MultiFDInit {
    uint32_t magic;
    uint32_t version;
    uint8_t uuid[16];
    uint8_t id;
} MultiFDInit;

/* One decoded packet.  offset[0..normal) are normal pages, then zero. */
typedef struct MultiFDPacket {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t pages_alloc;
    uint32_t normal_pages;
    uint32_t next_packet_size;
    uint64_t packet_num;
    uint32_t zero_pages;
    char ramblock[MULTIFD_RAMBLOCK_LEN + 1];     /* NUL-terminated */
    uint64_t offset[MULTIFD_PAGE_COUNT];
} MultiFDPacket;

/* ---- wire format (multifd-packet.c) ---- */
void multifd_init_encode(const MultiFDInit *msg, uint8_t buf[MULTIFD_INIT_LEN]);
/* Decode and check magic and version; errors say what was received. */
bool multifd_init_decode(const uint8_t buf[MULTIFD_INIT_LEN], MultiFDInit *msg,
                         Error **errp);
/* Writes MULTIFD_PACKET_LEN bytes; unused offsets are zero. */
void multifd_packet_encode(const MultiFDPacket *p,
                           uint8_t buf[MULTIFD_PACKET_LEN]);
/* Decode MULTIFD_PACKET_LEN bytes and check magic, version, counts. */
bool multifd_packet_decode(const uint8_t buf[MULTIFD_PACKET_LEN],
                           MultiFDPacket *p, Error **errp);
/* This process's UUID (-uuid, else all zeros), as the init packet has it. */
void multifd_local_uuid(uint8_t uuid[16]);

/* ---- compression (multifd-zlib.c, multifd-zstd.c) ---- */
/*
 * A per-channel compressor or decompressor.  compress() turns n pages
 * into one buffer (a stream flushed at the end of the packet, so the
 * receiver can decode packet by packet with its own persistent state);
 * decompress() writes exactly n pages.
 */
typedef struct MultiFDCodec MultiFDCodec;
struct MultiFDCodec {
    const char *name;
    uint32_t flag;                      /* MULTIFD_FLAG_ZLIB, ... */
    void *(*send_new)(int level, Error **errp);
    void (*send_free)(void *st);
    bool (*compress)(void *st, uint8_t *const *pages, uint32_t n,
                     uint8_t *out, size_t cap, size_t *out_len, Error **errp);
    void *(*recv_new)(Error **errp);
    void (*recv_free)(void *st);
    bool (*decompress)(void *st, const uint8_t *in, size_t in_len,
                       uint8_t *const *pages, uint32_t n, Error **errp);
};
/* The codec of a multifd-compression value; NULL for none. */
const MultiFDCodec *multifd_codec_get(MultiFDCompression method);
/* Room a compressed packet may need (worst case of every codec). */
#define MULTIFD_COMPRESS_CAP  (2 * MULTIFD_PACKET_SIZE + 4096)
extern const MultiFDCodec multifd_zlib_codec;
extern const MultiFDCodec multifd_zstd_codec;

/* ---- source (multifd-send.c), called by the migration thread ---- */
/* Whether addr can carry extra channels (tcp, unix); else errp is set. */
bool multifd_transport_ok(const MigrationAddress *addr, Error **errp);
/* Connect migrate_multifd_channels() channels to addr, start threads. */
bool multifd_send_setup(MigrationAddress *addr, Error **errp);
bool multifd_send_active(void);
/* Queue one page; full batches go to an idle channel.  false on error. */
bool multifd_queue_page(RAMBlock *rb, uint64_t offset);
/* Send what is queued, SYNC every channel, then write MULTIFD_FLUSH
 * into f (and flush f).  0 or a negative errno. */
int multifd_ram_flush_and_sync(QEMUFile *f);
/* Any thread: make blocked channel I/O fail (cancel). */
void multifd_send_shutdown(void);
/* Main thread, after the migration thread ended: join and close. */
void multifd_send_cleanup(void);

/* The RAM iterator's multifd transport (ram_set_multifd_ops). */
extern const RAMMultifdOps multifd_ram_ops;

/* ---- destination (multifd-recv.c) ---- */
/* Prepare migrate_multifd_channels() slots (migrate-incoming). */
void multifd_recv_setup(void);
bool multifd_recv_active(void);
/* A connection that starts with MULTIFD_MAGIC: read its init packet
 * and receive on it in a new thread.  Takes fd. */
void multifd_recv_new_channel(int fd);
/* Every expected channel connected (main thread). */
bool multifd_recv_all_channels_created(void);
/* Loading thread, at MULTIFD_FLUSH: wait until every channel is at its
 * SYNC, then let them go on.  0, or -EIO with the error reported. */
int multifd_recv_sync_main(void);
/* Any thread: stop receiving (wakes readers and the sync wait). */
void multifd_recv_shutdown(void);
/* Main thread: shut down, join and free the channels. */
void multifd_recv_cleanup(void);

#endif
