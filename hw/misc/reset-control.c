/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reset control register at port 0xCF9 (as on ICH chipsets). */
#include "qemu/osdep.h"
#include "hw/misc/pc-ports.h"
#include "hw/boards.h"
#include "system/memory.h"
#include "migration/vmstate.h"

#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04
#define RCR_FULL_RST 0x08

typedef struct RCRState {
    uint8_t value;              /* latched SYS_RST / FULL_RST */
} RCRState;

static RCRState rcr;

/* Guests read the latch back before writing RST_CPU: it migrates. */
static const VMStateDescription vmstate_rcr = {
    .name = "reset-control",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(value, RCRState),
        VMSTATE_END_OF_LIST()
    },
};

static uint64_t rcr_read(void *opaque, uint64_t addr, unsigned size)
{
    RCRState *s = opaque;

    return s->value;
}

static void rcr_write(void *opaque, uint64_t addr, uint64_t val,
                      unsigned size)
{
    RCRState *s = opaque;

    if (val & RCR_RST_CPU) {
        qemu_system_guest_reset_request();
        s->value = 0;
        return;
    }
    s->value = val & (RCR_SYS_RST | RCR_FULL_RST);
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
};

static void rcr_reset(void *opaque)
{
    RCRState *s = opaque;

    s->value = 0;
}

void rcr_init(void)
{
    pio_register(RCR_IOPORT, 1, &rcr_ops, &rcr, "reset-control");
    qemu_register_reset(rcr_reset, &rcr);
    vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmstate_rcr, &rcr);
}
