/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest physical memory: RAM blocks (host memory that backs guest RAM,
 * named, possibly fd-backed), their mappings into the guest physical
 * address space, and the port-I/O and MMIO dispatch that devices hook
 * into.
 *
 * Threads: RAM blocks and mappings are created at machine init (main
 * thread, before vCPUs run).  pio/mmio dispatch runs in vCPU threads with
 * the BQL held; device callbacks therefore run under the BQL.
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)

typedef struct RAMBlock {
    char *idstr;          /* "pc.ram", "pc.bios", or a backend id */
    uint8_t *host;        /* mapping in our address space */
    uint64_t size;        /* bytes (page aligned) */
    int fd;               /* memfd / file fd backing it, or -1 */
    bool shared;          /* MAP_SHARED (memfd share=on, file share=on) */
    bool readonly;        /* guest may not write (ROM) */
    char *mem_path;       /* memory-backend-file path, or NULL */
    Error *cpr_blocker;   /* ram_block_add_cpr_blocker(), or NULL */
} RAMBlock;

/* Anonymous private RAM (fd -1). */
RAMBlock *ram_block_alloc(const char *idstr, uint64_t size, Error **errp);
/* RAM from an fd (memfd or file), mapped shared or private. */
RAMBlock *ram_block_from_fd(const char *idstr, int fd, uint64_t size,
                            bool shared, Error **errp);
void ram_block_free(RAMBlock *rb);
RAMBlock *ram_block_find(const char *idstr);
typedef void RAMBlockIterFunc(RAMBlock *rb, void *opaque);
void ram_block_foreach(RAMBlockIterFunc *fn, void *opaque);

/*
 * A window of a RAM block at a guest physical address.  Adding one asks
 * the accelerator to map it (a KVM memory slot).  The same block may be
 * mapped more than once (the BIOS alias below 1 MiB).
 */
typedef struct GuestMemMapping {
    uint64_t gpa;
    uint64_t size;
    RAMBlock *block;
    uint64_t offset;      /* into block */
    bool readonly;
    int slot;             /* accelerator's slot id, filled by memory_map_ram */
} GuestMemMapping;

bool memory_map_ram(uint64_t gpa, RAMBlock *block, uint64_t offset,
                    uint64_t size, bool readonly, Error **errp);
typedef void GuestMemIterFunc(GuestMemMapping *m, void *opaque);
void memory_mapping_foreach(GuestMemIterFunc *fn, void *opaque);
/* Host pointer for [gpa, gpa+len) if it lies in one mapping, else NULL. */
void *gpa_to_host(uint64_t gpa, uint64_t len);
/* Copy guest physical memory (any mappings; MMIO/unmapped reads as 0xff
 * and writes are dropped).  Return false if any byte was unmapped. */
bool cpu_physical_memory_read(uint64_t gpa, void *buf, uint64_t len);
bool cpu_physical_memory_write(uint64_t gpa, const void *buf, uint64_t len);

/* Device registers. */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
} MemoryRegionOps;

/* Port I/O [base, base+len): addr passed to ops is relative to base. */
void pio_register(uint16_t base, uint16_t len, const MemoryRegionOps *ops,
                  void *opaque, const char *name);
/* MMIO [base, base+len), relative addresses. */
void mmio_register(uint64_t base, uint64_t len, const MemoryRegionOps *ops,
                   void *opaque, const char *name);
/* Dispatch an access from a vCPU exit.  Unclaimed reads give all ones,
 * unclaimed writes are ignored (as on real hardware); returns whether a
 * device claimed it.  data is little-endian, size 1, 2, 4 or 8. */
bool pio_dispatch(uint16_t port, void *data, unsigned size, bool is_write);
bool mmio_dispatch(uint64_t addr, void *data, unsigned size, bool is_write);

/* Reset: drop every mapping, block and device region (tests, exit). */
void memory_cleanup(void);

#endif
