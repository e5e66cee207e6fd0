/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The i8042 keyboard controller, as far as resetting the machine goes. */
#include "qemu/osdep.h"
#include "hw/misc/pc-ports.h"
#include "hw/boards.h"
#include "system/memory.h"
#include "migration/vmstate.h"

#define KBD_STAT_SYS    0x04    /* self test passed */
#define KBD_STAT_CMD    0x08    /* last write was a command */
#define KBD_STAT_UNLOCKED 0x10
#define KBD_CCMD_WRITE_OUTPORT 0xd1
#define KBD_CCMD_RESET  0xfe
#define KBD_OUTPORT_RESET_N 0x01  /* 0 = assert the CPU reset line */

typedef struct I8042State {
    uint8_t pending_cmd;        /* command awaiting its data byte */
} I8042State;

/* A guest migrated between 0xD1 and its data byte still resets. */
static const VMStateDescription vmstate_i8042 = {
    .name = "i8042",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(pending_cmd, I8042State),
        VMSTATE_END_OF_LIST()
    },
};

static I8042State i8042;

/* Status (0x64): never busy, nothing to read, so polling guests move on. */
static uint64_t i8042_status_read(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;

    return KBD_STAT_SYS | KBD_STAT_UNLOCKED |
           (s->pending_cmd ? KBD_STAT_CMD : 0);
}

static void i8042_cmd_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    I8042State *s = opaque;

    s->pending_cmd = 0;
    if ((val & 0xff) == KBD_CCMD_RESET) {
        qemu_system_guest_reset_request();
    } else if ((val & 0xff) == KBD_CCMD_WRITE_OUTPORT) {
        s->pending_cmd = KBD_CCMD_WRITE_OUTPORT;
    }
}

static uint64_t i8042_data_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

/* Data (0x60): the byte after command 0xD1 drives the output port. */
static void i8042_data_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    I8042State *s = opaque;

    if (s->pending_cmd == KBD_CCMD_WRITE_OUTPORT &&
        !(val & KBD_OUTPORT_RESET_N)) {
        qemu_system_guest_reset_request();
    }
    s->pending_cmd = 0;
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_write,
};

static void i8042_reset(void *opaque)
{
    I8042State *s = opaque;

    s->pending_cmd = 0;
}

void i8042_reset_init(void)
{
    /* 0x60 and 0x64 only: 0x61 (speaker) belongs to the PIT. */
    pio_register(I8042_DATA_PORT, 1, &i8042_data_ops, &i8042, "i8042-data");
    pio_register(I8042_CMD_PORT, 1, &i8042_cmd_ops, &i8042, "i8042-cmd");
    qemu_register_reset(i8042_reset, &i8042);
    vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmstate_i8042, &i8042);
}
