/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 guest memory layout and the -bios ROM mapping. */
#include "qemu/osdep.h"
#include "hw/i386/x86.h"

uint64_t x86_below_4g_mem_size(uint64_t ram_size)
{
    return MIN(ram_size, X86_LOWMEM_LIMIT);
}

uint64_t x86_above_4g_mem_size(uint64_t ram_size)
{
    return ram_size - x86_below_4g_mem_size(ram_size);
}

bool x86_map_ram(RAMBlock *ram, uint64_t ram_size, Error **errp)
{
    uint64_t below = x86_below_4g_mem_size(ram_size);
    uint64_t above = x86_above_4g_mem_size(ram_size);

    /* Conventional memory, then extended memory above the legacy hole. */
    if (!memory_map_ram(0, ram, 0, MIN(below, X86_VGA_HOLE_START), false,
                        errp)) {
        return false;
    }
    if (below > X86_HOLE_END &&
        !memory_map_ram(X86_HOLE_END, ram, X86_HOLE_END,
                        below - X86_HOLE_END, false, errp)) {
        return false;
    }
    if (above && !memory_map_ram(X86_4GIB, ram, below, above, false, errp)) {
        return false;
    }
    return true;
}

bool x86_bios_load(const char *filename, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *data = NULL;
    uint64_t isa_size;
    RAMBlock *rb;
    gsize size;

    if (!g_file_get_contents(filename, &data, &size, &gerr)) {
        error_setg(errp, "could not load PC BIOS '%s': %s", filename,
                   gerr->message);
        return false;
    }
    if (size == 0 || size % (64 * 1024)) {
        error_setg(errp, "could not load PC BIOS '%s': BIOS size must be a "
                   "multiple of 64 KiB (it is %" G_GSIZE_FORMAT " bytes)",
                   filename, size);
        return false;
    }
    if (size > X86_BIOS_MAX_SIZE) {
        error_setg(errp, "could not load PC BIOS '%s': BIOS size must be at "
                   "most 16 MiB (it is %" G_GSIZE_FORMAT " bytes)",
                   filename, size);
        return false;
    }
    rb = ram_block_alloc("pc.bios", size, errp);
    if (!rb) {
        return false;
    }
    memcpy(rb->host, data, size);
    rb->readonly = true;
    /* The whole image ends at 4 GiB: the reset vector is its last 16 B. */
    if (!memory_map_ram(X86_4GIB - size, rb, 0, size, true, errp)) {
        return false;
    }
    /* Its tail, up to 128 KiB, is also the legacy BIOS area below 1 MiB. */
    isa_size = MIN((uint64_t)size, X86_ISA_BIOS_MAX);
    return memory_map_ram(X86_HOLE_END - isa_size, rb, size - isa_size,
                          isa_size, true, errp);
}
