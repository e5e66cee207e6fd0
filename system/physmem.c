/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest physical memory: RAM blocks, their mappings, and pio/mmio dispatch. */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/memory.h"
#include "system/accel-ops.h"

/*
 * All lists are built at machine init in the main thread and only read
 * afterwards (vCPU threads dispatch under the BQL), so they need no lock
 * of their own.
 */
static GPtrArray *ram_blocks;       /* RAMBlock *, creation order */
static GPtrArray *mappings;         /* GuestMemMapping *, sorted by gpa */

typedef struct IORegion {
    uint64_t base;
    uint64_t len;
    const MemoryRegionOps *ops;
    void *opaque;
    char *name;
} IORegion;

static GPtrArray *pio_regions;      /* IORegion * */
static GPtrArray *mmio_regions;     /* IORegion * */

static uint64_t page_align(uint64_t size)
{
    return (size + TARGET_PAGE_SIZE - 1) & ~(TARGET_PAGE_SIZE - 1);
}

static RAMBlock *ram_block_new(const char *idstr, uint8_t *host,
                               uint64_t size, int fd, bool shared)
{
    RAMBlock *rb = g_new0(RAMBlock, 1);

    rb->idstr = g_strdup(idstr);
    rb->host = host;
    rb->size = size;
    rb->fd = fd;
    rb->shared = shared;
    if (!ram_blocks) {
        ram_blocks = g_ptr_array_new();
    }
    g_ptr_array_add(ram_blocks, rb);
    return rb;
}

static bool ram_block_check_new(const char *idstr, uint64_t size,
                                Error **errp)
{
    if (ram_block_find(idstr)) {
        error_setg(errp, "RAM block '%s' already exists", idstr);
        return false;
    }
    if (!size) {
        error_setg(errp, "RAM block '%s' cannot have size 0", idstr);
        return false;
    }
    return true;
}

#define HUGE_PAGE_SIZE (2ULL << 20)

/*
 * Anonymous RAM, 2 MiB aligned and eligible for transparent huge pages
 * (as QEMU does): fewer TLB misses for the guest, and reading memory the
 * guest never touched (migration's zero-page scan) maps the huge zero page
 * once per 2 MiB instead of faulting in every 4 KiB page.
 */
static void *ram_mmap_anonymous(uint64_t size)
{
    uint64_t total = size + HUGE_PAGE_SIZE;
    uint8_t *raw, *aligned;

    raw = mmap(NULL, total, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) {
        return MAP_FAILED;
    }
    aligned = (uint8_t *)(((uintptr_t)raw + HUGE_PAGE_SIZE - 1) &
                          ~(uintptr_t)(HUGE_PAGE_SIZE - 1));
    if (aligned > raw) {
        munmap(raw, aligned - raw);
    }
    if (raw + total > aligned + size) {
        munmap(aligned + size, raw + total - (aligned + size));
    }
    madvise(aligned, size, MADV_HUGEPAGE);      /* best effort */
    return aligned;
}

RAMBlock *ram_block_alloc(const char *idstr, uint64_t size, Error **errp)
{
    void *host;

    if (!ram_block_check_new(idstr, size, errp)) {
        return NULL;
    }
    size = page_align(size);
    host = ram_mmap_anonymous(size);
    if (host == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot allocate %" PRIu64
                         " bytes of guest RAM for '%s'", size, idstr);
        return NULL;
    }
    return ram_block_new(idstr, host, size, -1, false);
}

RAMBlock *ram_block_from_fd(const char *idstr, int fd, uint64_t size,
                            bool shared, Error **errp)
{
    void *host;

    if (!ram_block_check_new(idstr, size, errp)) {
        return NULL;
    }
    size = page_align(size);
    host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_NORESERVE, fd, 0);
    if (host == MAP_FAILED) {
        error_setg_errno(errp, errno, "unable to map backing store for "
                         "guest RAM '%s'", idstr);
        return NULL;
    }
    return ram_block_new(idstr, host, size, fd, shared);
}

static void ram_block_destroy(RAMBlock *rb)
{
    if (rb->host) {
        munmap(rb->host, rb->size);
    }
    if (rb->fd >= 0) {
        close(rb->fd);
    }
    g_free(rb->idstr);
    g_free(rb->mem_path);
    g_free(rb);
}

void ram_block_free(RAMBlock *rb)
{
    if (!rb) {
        return;
    }
    /* Mappings of the block go with it. */
    for (guint i = 0; mappings && i < mappings->len;) {
        GuestMemMapping *m = g_ptr_array_index(mappings, i);

        if (m->block == rb) {
            g_ptr_array_remove_index(mappings, i);
            g_free(m);
        } else {
            i++;
        }
    }
    if (ram_blocks) {
        g_ptr_array_remove(ram_blocks, rb);
    }
    ram_block_destroy(rb);
}

RAMBlock *ram_block_find(const char *idstr)
{
    for (guint i = 0; ram_blocks && i < ram_blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, i);

        if (!strcmp(rb->idstr, idstr)) {
            return rb;
        }
    }
    return NULL;
}

void ram_block_foreach(RAMBlockIterFunc *fn, void *opaque)
{
    for (guint i = 0; ram_blocks && i < ram_blocks->len; i++) {
        fn(g_ptr_array_index(ram_blocks, i), opaque);
    }
}

/* ---- guest physical mappings ---- */

static gint mapping_cmp(gconstpointer a, gconstpointer b)
{
    const GuestMemMapping *ma = *(GuestMemMapping *const *)a;
    const GuestMemMapping *mb = *(GuestMemMapping *const *)b;

    return ma->gpa < mb->gpa ? -1 : ma->gpa > mb->gpa;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                           uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

bool memory_map_ram(uint64_t gpa, RAMBlock *block, uint64_t offset,
                    uint64_t size, bool readonly, Error **errp)
{
    const AccelOps *accel = current_accel();
    GuestMemMapping *m;

    if (!size || (gpa | offset | size) & (TARGET_PAGE_SIZE - 1)) {
        error_setg(errp, "mapping of '%s' at 0x%" PRIx64 " is not page "
                   "aligned", block->idstr, gpa);
        return false;
    }
    if (offset > block->size || size > block->size - offset) {
        error_setg(errp, "mapping of '%s' at 0x%" PRIx64 " exceeds the "
                   "block (offset 0x%" PRIx64 " size 0x%" PRIx64 ")",
                   block->idstr, gpa, offset, size);
        return false;
    }
    if (gpa + size < gpa) {
        error_setg(errp, "mapping of '%s' at 0x%" PRIx64 " wraps around",
                   block->idstr, gpa);
        return false;
    }
    for (guint i = 0; mappings && i < mappings->len; i++) {
        GuestMemMapping *o = g_ptr_array_index(mappings, i);

        if (ranges_overlap(gpa, size, o->gpa, o->size)) {
            error_setg(errp, "mapping of '%s' at 0x%" PRIx64 " overlaps "
                       "'%s' at 0x%" PRIx64, block->idstr, gpa,
                       o->block->idstr, o->gpa);
            return false;
        }
    }
    m = g_new0(GuestMemMapping, 1);
    m->gpa = gpa;
    m->size = size;
    m->block = block;
    m->offset = offset;
    m->readonly = readonly;
    m->slot = -1;
    if (accel && accel->map_memory && !accel->map_memory(m, errp)) {
        g_free(m);
        return false;
    }
    if (!mappings) {
        mappings = g_ptr_array_new();
    }
    g_ptr_array_add(mappings, m);
    g_ptr_array_sort(mappings, mapping_cmp);
    return true;
}

void memory_mapping_foreach(GuestMemIterFunc *fn, void *opaque)
{
    for (guint i = 0; mappings && i < mappings->len; i++) {
        fn(g_ptr_array_index(mappings, i), opaque);
    }
}

static GuestMemMapping *mapping_find(uint64_t gpa)
{
    for (guint i = 0; mappings && i < mappings->len; i++) {
        GuestMemMapping *m = g_ptr_array_index(mappings, i);

        if (gpa >= m->gpa && gpa - m->gpa < m->size) {
            return m;
        }
    }
    return NULL;
}

void *gpa_to_host(uint64_t gpa, uint64_t len)
{
    GuestMemMapping *m = mapping_find(gpa);

    if (!m || len > m->size - (gpa - m->gpa)) {
        return NULL;
    }
    return m->block->host + m->offset + (gpa - m->gpa);
}

static bool physmem_rw(uint64_t gpa, uint8_t *buf, uint64_t len,
                       bool is_write)
{
    bool all_ram = true;

    while (len) {
        GuestMemMapping *m = mapping_find(gpa);
        uint64_t chunk;

        if (m) {
            uint8_t *host = m->block->host + m->offset + (gpa - m->gpa);

            chunk = MIN(len, m->size - (gpa - m->gpa));
            if (!is_write) {
                memcpy(buf, host, chunk);
            } else if (!m->readonly && !m->block->readonly) {
                memcpy(host, buf, chunk);
            }
        } else {
            /* Up to the next mapping (or the end): not RAM. */
            uint64_t next = UINT64_MAX;

            for (guint i = 0; mappings && i < mappings->len; i++) {
                GuestMemMapping *o = g_ptr_array_index(mappings, i);

                if (o->gpa > gpa && o->gpa < next) {
                    next = o->gpa;
                }
            }
            chunk = MIN(len, next - gpa);
            if (!is_write) {
                memset(buf, 0xff, chunk);
            }
            all_ram = false;
        }
        buf += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return all_ram;
}

bool cpu_physical_memory_read(uint64_t gpa, void *buf, uint64_t len)
{
    return physmem_rw(gpa, buf, len, false);
}

bool cpu_physical_memory_write(uint64_t gpa, const void *buf, uint64_t len)
{
    return physmem_rw(gpa, (uint8_t *)buf, len, true);
}

/* ---- device regions ---- */

static void io_region_add(GPtrArray **list, uint64_t base, uint64_t len,
                          const MemoryRegionOps *ops, void *opaque,
                          const char *name)
{
    IORegion *r;

    g_assert(len && base + len - 1 >= base);
    if (!*list) {
        *list = g_ptr_array_new();
    }
    for (guint i = 0; i < (*list)->len; i++) {
        IORegion *o = g_ptr_array_index(*list, i);

        /* Two devices on one address is a board bug, not a user error. */
        g_assert(!ranges_overlap(base, len, o->base, o->len));
    }
    r = g_new0(IORegion, 1);
    r->base = base;
    r->len = len;
    r->ops = ops;
    r->opaque = opaque;
    r->name = g_strdup(name);
    g_ptr_array_add(*list, r);
}

void pio_register(uint16_t base, uint16_t len, const MemoryRegionOps *ops,
                  void *opaque, const char *name)
{
    g_assert((uint32_t)base + len <= 0x10000);
    io_region_add(&pio_regions, base, len, ops, opaque, name);
}

void mmio_register(uint64_t base, uint64_t len, const MemoryRegionOps *ops,
                   void *opaque, const char *name)
{
    io_region_add(&mmio_regions, base, len, ops, opaque, name);
}

static IORegion *io_region_find(GPtrArray *list, uint64_t addr)
{
    for (guint i = 0; list && i < list->len; i++) {
        IORegion *r = g_ptr_array_index(list, i);

        if (addr >= r->base && addr - r->base < r->len) {
            return r;
        }
    }
    return NULL;
}

static bool io_dispatch(GPtrArray *list, uint64_t addr, void *data,
                        unsigned size, bool is_write)
{
    IORegion *r = io_region_find(list, addr);
    uint64_t val = 0;

    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    if (!r) {
        if (!is_write) {
            memset(data, 0xff, size);
        }
        return false;
    }
    if (is_write) {
        memcpy(&val, data, size);       /* little-endian host */
        if (r->ops->write) {
            r->ops->write(r->opaque, addr - r->base, val, size);
        }
    } else {
        val = r->ops->read ? r->ops->read(r->opaque, addr - r->base, size)
                           : UINT64_MAX;
        memcpy(data, &val, size);
    }
    return true;
}

bool pio_dispatch(uint16_t port, void *data, unsigned size, bool is_write)
{
    return io_dispatch(pio_regions, port, data, size, is_write);
}

bool mmio_dispatch(uint64_t addr, void *data, unsigned size, bool is_write)
{
    return io_dispatch(mmio_regions, addr, data, size, is_write);
}

static void io_region_free(gpointer p)
{
    IORegion *r = p;

    g_free(r->name);
    g_free(r);
}

void memory_cleanup(void)
{
    if (mappings) {
        g_ptr_array_set_free_func(mappings, g_free);
        g_clear_pointer(&mappings, g_ptr_array_unref);
    }
    while (ram_blocks && ram_blocks->len) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, ram_blocks->len - 1);

        g_ptr_array_remove_index(ram_blocks, ram_blocks->len - 1);
        ram_block_destroy(rb);
    }
    g_clear_pointer(&ram_blocks, g_ptr_array_unref);
    if (pio_regions) {
        g_ptr_array_set_free_func(pio_regions, io_region_free);
        g_clear_pointer(&pio_regions, g_ptr_array_unref);
    }
    if (mmio_regions) {
        g_ptr_array_set_free_func(mmio_regions, io_region_free);
        g_clear_pointer(&mmio_regions, g_ptr_array_unref);
    }
}
