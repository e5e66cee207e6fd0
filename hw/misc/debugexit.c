/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debug exit port for test guests (QEMU's isa-debug-exit). */
#include "qemu/osdep.h"
#include "hw/misc/pc-ports.h"
#include "system/memory.h"

static void debug_exit_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    /*
     * Ending the process is this device's whole purpose: a test guest
     * reports its verdict as the exit status, (V << 1) | 1, at once and
     * without a word, as QEMU's isa-debug-exit does.
     */
    exit((int)((val << 1) | 1));
}

static uint64_t debug_exit_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
};

void debug_exit_init(uint16_t base, uint16_t size)
{
    pio_register(base, size, &debug_exit_ops, NULL, "isa-debug-exit");
}
