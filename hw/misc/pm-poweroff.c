/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI PM1a control at port 0x604: SLP_EN powers the guest off. */
#include "qemu/osdep.h"
#include "hw/misc/pc-ports.h"
#include "hw/boards.h"
#include "system/memory.h"

#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000

static uint16_t pm1_cnt;

static uint64_t pm1_cnt_read(void *opaque, uint64_t addr, unsigned size)
{
    return (pm1_cnt >> (addr * 8)) & (size == 1 ? 0xff : 0xffff);
}

static void pm1_cnt_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    uint16_t v = val << (addr * 8);

    if (size == 1) {
        v = (pm1_cnt & ~(0xff << (addr * 8))) | v;
    }
    if (v & PM1_CNT_SLP_EN) {
        /* Any sleep type: there is no S3 here, so it is S5 (off). */
        qemu_system_guest_poweroff_request();
    }
    pm1_cnt = v & ~PM1_CNT_SLP_EN;  /* SLP_EN always reads 0 */
}

static const MemoryRegionOps pm1_cnt_ops = {
    .read = pm1_cnt_read,
    .write = pm1_cnt_write,
};

static void pm1_cnt_reset(void *opaque)
{
    pm1_cnt = 0;
}

void pm_poweroff_init(void)
{
    pio_register(PM1A_CNT_IOPORT, 2, &pm1_cnt_ops, NULL, "acpi-cnt");
    qemu_register_reset(pm1_cnt_reset, NULL);
}
