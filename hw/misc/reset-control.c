/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reset control register at port 0xCF9 (as on ICH chipsets). */
#include "qemu/osdep.h"
#include "hw/misc/pc-ports.h"
#include "hw/boards.h"
#include "system/memory.h"

#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04
#define RCR_FULL_RST 0x08

static uint8_t rcr_value;

static uint64_t rcr_read(void *opaque, uint64_t addr, unsigned size)
{
    return rcr_value;
}

static void rcr_write(void *opaque, uint64_t addr, uint64_t val,
                      unsigned size)
{
    if (val & RCR_RST_CPU) {
        qemu_system_guest_reset_request();
        rcr_value = 0;
        return;
    }
    rcr_value = val & (RCR_SYS_RST | RCR_FULL_RST);
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
};

static void rcr_reset(void *opaque)
{
    rcr_value = 0;
}

void rcr_init(void)
{
    pio_register(RCR_IOPORT, 1, &rcr_ops, NULL, "reset-control");
    qemu_register_reset(rcr_reset, NULL);
}
