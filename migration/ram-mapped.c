/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mapped-ram: block headers, bitmaps and pages at fixed file offsets. */
#include "qemu/osdep.h"
#include "qemu/sockets.h"
#include "migration/mapped-ram.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/ram-internal.h"

/* Bytes read by one pread() of the pages region, at most. */
#define MAPPED_RAM_LOAD_CHUNK 0x100000

#define MR_ROUND_UP(n, d) (((n) + (d) - 1) / (d) * (d))
#define MR_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/* One block of the outgoing file (set up by the migration thread). */
typedef struct MappedBlock {
    RAMBlock *rb;
    uint64_t bitmap_offset;
    uint64_t pages_offset;
    uint64_t pages;
    uint8_t *bmap;
} MappedBlock;

static GArray *mapped_blocks;       /* MappedBlock */
static uint64_t mapped_end;         /* end of the last pages region */
/* direct-io without multifd: the migration thread's O_DIRECT fd */
static int mapped_direct_fd = -1;

int mapped_ram_direct_fd(int fd, int accmode, Error **errp)
{
    int dfd = qemu_reopen_fd(fd, accmode | O_DIRECT);

    if (dfd < 0) {
        error_setg_errno(errp, errno, "direct-io: the migration file cannot "
                         "be opened with O_DIRECT");
    }
    return dfd;
}

/*
 * The fd the migration thread writes pages with: the file's own, or with
 * direct-io an O_DIRECT one (pages are aligned; the headers and bitmaps
 * the stream writes through fd are not, so fd itself stays buffered).
 */
static int mapped_ram_page_fd(int fd, Error **errp)
{
    if (!migrate_direct_io()) {
        return fd;
    }
    if (mapped_direct_fd < 0) {
        mapped_direct_fd = mapped_ram_direct_fd(fd, O_WRONLY, errp);
    }
    return mapped_direct_fd;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, v >> 32);
    put_be32(p + 4, v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

void mapped_ram_header_encode(const MappedRamHeader *h,
                              uint8_t buf[MAPPED_RAM_HDR_LEN])
{
    put_be32(buf, h->version);
    put_be64(buf + 4, h->page_size);
    put_be64(buf + 12, h->bitmap_offset);
    put_be64(buf + 20, h->pages_offset);
}

void mapped_ram_header_decode(const uint8_t buf[MAPPED_RAM_HDR_LEN],
                              MappedRamHeader *h)
{
    h->version = get_be32(buf);
    h->page_size = get_be64(buf + 4);
    h->bitmap_offset = get_be64(buf + 12);
    h->pages_offset = get_be64(buf + 20);
}

uint64_t mapped_ram_bitmap_size(uint64_t pages)
{
    return BITS_TO_LONGS(pages) * sizeof(unsigned long);
}

void mapped_ram_bitmap_change(uint8_t *bmap, uint64_t page, bool set)
{
    uint8_t mask = 1u << (page & 7);

    if (set) {
        __atomic_fetch_or(&bmap[page >> 3], mask, __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_and(&bmap[page >> 3], (uint8_t)~mask,
                           __ATOMIC_RELAXED);
    }
}

bool mapped_ram_bitmap_test(const uint8_t *bmap, uint64_t page)
{
    return bmap[page >> 3] & (1u << (page & 7));
}

bool mapped_ram_header_check(const MappedRamHeader *h, const char *idstr,
                             Error **errp)
{
    if (h->version > MAPPED_RAM_HDR_VERSION) {
        error_setg(errp, "Migration mapped-ram capability version not "
                   "supported (expected <= %d, got %" PRIu32 ")",
                   MAPPED_RAM_HDR_VERSION, h->version);
        return false;
    }
    if (h->page_size != TARGET_PAGE_SIZE) {
        error_setg(errp, "Mapped-ram migration: page size of block %s is "
                   "%" PRIu64 ", expected %d", idstr, h->page_size,
                   (int)TARGET_PAGE_SIZE);
        return false;
    }
    if (h->pages_offset % MAPPED_RAM_FILE_OFFSET_ALIGNMENT ||
        h->pages_offset <= h->bitmap_offset) {
        error_setg(errp, "Mapped-ram migration: block %s has bad offsets "
                   "(bitmap at 0x%" PRIx64 ", pages at 0x%" PRIx64 ")",
                   idstr, h->bitmap_offset, h->pages_offset);
        return false;
    }
    return true;
}

/* ---- source ---- */

bool mapped_ram_transport_ok(const MigrationAddress *addr, Error **errp)
{
    if (addr->transport != MIGRATION_ADDRESS_TYPE_FILE) {
        error_setg(errp, "Migration requires seekable transport (e.g. file)");
        return false;
    }
    return true;
}

/* The migration ended: drop the direct-io fd. */
static void mapped_ram_save_cleanup(void)
{
    if (mapped_direct_fd >= 0) {
        close(mapped_direct_fd);
        mapped_direct_fd = -1;
    }
}

void mapped_ram_save_reset(void)
{
    mapped_ram_save_cleanup();
    if (mapped_blocks) {
        for (guint i = 0; i < mapped_blocks->len; i++) {
            g_free(g_array_index(mapped_blocks, MappedBlock, i).bmap);
        }
        g_array_free(mapped_blocks, true);
    }
    mapped_blocks = g_array_new(false, true, sizeof(MappedBlock));
    mapped_end = 0;
}

static MappedBlock *mapped_block_find(RAMBlock *rb)
{
    for (guint i = 0; mapped_blocks && i < mapped_blocks->len; i++) {
        MappedBlock *mb = &g_array_index(mapped_blocks, MappedBlock, i);

        if (mb->rb == rb) {
            return mb;
        }
    }
    return NULL;
}

bool mapped_ram_save_block(QEMUFile *f, RAMBlock *rb, Error **errp)
{
    MappedBlock mb = { .rb = rb, .pages = rb->size >> TARGET_PAGE_BITS };
    MappedRamHeader h = {
        .version = MAPPED_RAM_HDR_VERSION,
        .page_size = TARGET_PAGE_SIZE,
    };
    uint8_t buf[MAPPED_RAM_HDR_LEN];
    int64_t pos = qemu_file_get_offset(f);

    if (pos < 0) {
        error_setg_errno(errp, -pos, "Mapped-ram migration cannot find its "
                         "position in the migration file");
        return false;
    }
    mb.bitmap_offset = pos + MAPPED_RAM_HDR_LEN;
    mb.pages_offset = MR_ROUND_UP(mb.bitmap_offset +
                               mapped_ram_bitmap_size(mb.pages),
                               MAPPED_RAM_FILE_OFFSET_ALIGNMENT);
    mb.bmap = g_malloc0(mapped_ram_bitmap_size(mb.pages));
    h.bitmap_offset = mb.bitmap_offset;
    h.pages_offset = mb.pages_offset;
    mapped_ram_header_encode(&h, buf);
    qemu_put_buffer(f, buf, sizeof(buf));
    mapped_end = mb.pages_offset + rb->size;
    g_array_append_val(mapped_blocks, mb);
    /* the next block's header goes after this block's pages */
    if (qemu_file_set_offset(f, mapped_end) < 0) {
        error_setg_errno(errp, -qemu_file_get_error(f),
                         "Mapped-ram migration cannot seek in the file");
        return false;
    }
    return true;
}

static bool pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off,
                       Error **errp)
{
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg_errno(errp, n < 0 ? errno : EIO,
                             "Unable to write to the migration file");
            return false;
        }
        p += n;
        len -= n;
        off += n;
    }
    return true;
}

bool mapped_ram_write_page(int fd, RAMBlock *rb, uint64_t offset,
                           Error **errp)
{
    MappedBlock *mb = mapped_block_find(rb);

    if (!mb) {
        error_setg(errp, "Mapped-ram migration: block %s is not in the "
                   "file", rb->idstr);
        return false;
    }
    if (!pwrite_all(fd, rb->host + offset, TARGET_PAGE_SIZE,
                    mb->pages_offset + offset, errp)) {
        return false;
    }
    mapped_ram_bitmap_change(mb->bmap, offset >> TARGET_PAGE_BITS, true);
    return true;
}

void mapped_ram_clear_page(RAMBlock *rb, uint64_t offset)
{
    MappedBlock *mb = mapped_block_find(rb);

    if (mb) {
        mapped_ram_bitmap_change(mb->bmap, offset >> TARGET_PAGE_BITS, false);
    }
}

bool mapped_ram_save_bitmaps(int fd, Error **errp)
{
    for (guint i = 0; mapped_blocks && i < mapped_blocks->len; i++) {
        MappedBlock *mb = &g_array_index(mapped_blocks, MappedBlock, i);

        if (!pwrite_all(fd, mb->bmap, mapped_ram_bitmap_size(mb->pages),
                        mb->bitmap_offset, errp)) {
            error_prepend(errp, "Failed to write bitmap to file: ");
            return false;
        }
    }
    return true;
}

/* ---- destination ---- */

typedef struct LoadJob {
    int fd;
    RAMBlock *rb;
    const MappedRamHeader *h;
    const uint8_t *bmap;
    uint64_t first, end;        /* pages [first, end) */
    Error *err;
} LoadJob;

static bool pread_all(int fd, uint8_t *p, size_t len, uint64_t off,
                      const char *idstr, Error **errp)
{
    while (len) {
        ssize_t n = pread(fd, p, len, off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error_setg_errno(errp, errno, "Unable to read from the migration "
                             "file (block %s)", idstr);
            return false;
        }
        if (n == 0) {
            error_setg(errp, "Mapped-ram migration file ends at 0x%" PRIx64
                       " before the data of block %s: the file is truncated",
                       off, idstr);
            return false;
        }
        p += n;
        len -= n;
        off += n;
    }
    return true;
}

/* Read every present page in [first, end), runs of pages at a time. */
static gpointer load_job_run(gpointer opaque)
{
    LoadJob *j = opaque;
    uint64_t page = j->first;

    while (page < j->end) {
        uint64_t run;

        if (!mapped_ram_bitmap_test(j->bmap, page)) {
            page++;
            continue;
        }
        run = 1;
        while (page + run < j->end &&
               run < MAPPED_RAM_LOAD_CHUNK / TARGET_PAGE_SIZE &&
               mapped_ram_bitmap_test(j->bmap, page + run)) {
            run++;
        }
        if (!pread_all(j->fd, j->rb->host + (page << TARGET_PAGE_BITS),
                       run << TARGET_PAGE_BITS,
                       j->h->pages_offset + (page << TARGET_PAGE_BITS),
                       j->rb->idstr, &j->err)) {
            return NULL;
        }
        page += run;
    }
    return NULL;
}

static bool load_pages(int fd, RAMBlock *rb, const MappedRamHeader *h,
                       const uint8_t *bmap, uint64_t pages, Error **errp)
{
    int n = migrate_multifd() ? migrate_multifd_channels() : 1;
    g_autofree LoadJob *jobs = g_new0(LoadJob, n);
    g_autofree GThread **threads = g_new0(GThread *, n);
    uint64_t per = MR_DIV_ROUND_UP(pages, (uint64_t)n);
    bool ok = true;

    for (int i = 0; i < n; i++) {
        jobs[i] = (LoadJob) {
            .fd = fd, .rb = rb, .h = h, .bmap = bmap,
            .first = MIN(pages, i * per), .end = MIN(pages, (i + 1) * per),
        };
        if (n == 1) {
            load_job_run(&jobs[i]);
        } else {
            threads[i] = g_thread_new("mig/dst/mapped", load_job_run,
                                      &jobs[i]);
        }
    }
    for (int i = 0; i < n; i++) {
        if (threads[i]) {
            g_thread_join(threads[i]);
        }
        if (jobs[i].err) {
            if (ok) {
                error_propagate(errp, jobs[i].err);
            } else {
                error_free(jobs[i].err);
            }
            ok = false;
        }
    }
    return ok;
}

bool mapped_ram_load_block(QEMUFile *f, RAMBlock *rb, Error **errp)
{
    uint8_t buf[MAPPED_RAM_HDR_LEN];
    uint64_t pages = rb->size >> TARGET_PAGE_BITS;
    g_autofree uint8_t *bmap = NULL;
    int fd = qemu_file_get_fd(f);
    MappedRamHeader h;

    if (qemu_get_buffer(f, buf, sizeof(buf)) != sizeof(buf)) {
        error_setg(errp, "Could not read whole mapped-ram migration header "
                   "of block %s", rb->idstr);
        return false;
    }
    mapped_ram_header_decode(buf, &h);
    if (!mapped_ram_header_check(&h, rb->idstr, errp)) {
        return false;
    }
    if (fd < 0) {
        error_setg(errp, "Mapped-ram migration requires a seekable "
                   "transport (file:)");
        return false;
    }
    bmap = g_malloc0(mapped_ram_bitmap_size(pages));
    if (!pread_all(fd, bmap, mapped_ram_bitmap_size(pages), h.bitmap_offset,
                   rb->idstr, errp)) {
        error_prepend(errp, "Error reading bitmap: ");
        return false;
    }
    if (migrate_direct_io()) {
        /* pages only: the header and bitmap reads above are unaligned */
        int dfd = mapped_ram_direct_fd(fd, O_RDONLY, errp);
        bool ok = dfd >= 0 && load_pages(dfd, rb, &h, bmap, pages, errp);

        if (dfd >= 0) {
            close(dfd);
        }
        if (!ok) {
            return false;
        }
    } else if (!load_pages(fd, rb, &h, bmap, pages, errp)) {
        return false;
    }
    if (qemu_file_set_offset(f, h.pages_offset + rb->size) < 0) {
        error_setg(errp, "Mapped-ram migration cannot seek past the pages "
                   "of block %s", rb->idstr);
        return false;
    }
    return true;
}

static bool mapped_ram_enabled(void)
{
    return migrate_mapped_ram();
}

const RAMMappedOps mapped_ram_ops = {
    .enabled = mapped_ram_enabled,
    .save_reset = mapped_ram_save_reset,
    .save_cleanup = mapped_ram_save_cleanup,
    .page_fd = mapped_ram_page_fd,
    .save_block = mapped_ram_save_block,
    .write_page = mapped_ram_write_page,
    .clear_page = mapped_ram_clear_page,
    .save_bitmaps = mapped_ram_save_bitmaps,
    .load_block = mapped_ram_load_block,
    .account = migration_rate_account,
};
