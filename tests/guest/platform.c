/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PC platform bits the guests program: CMOS/RTC, the 8259 PICs, the PIT. */
#include "guest.h"

#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xa0
#define PIC2_DATA   0xa1
#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define PIT_HZ      1193182

uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX_PORT, reg);
    return inb(CMOS_DATA_PORT);
}

unsigned cmos_cpu_count(void)
{
    return cmos_read(0x5f) + 1u;
}

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);               /* ICW1: edge, cascade, ICW4 */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, PIC_MASTER_VECTOR); /* ICW2: vector base */
    outb(PIC2_DATA, PIC_SLAVE_VECTOR);
    outb(PIC1_DATA, 0x04);              /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);              /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xfe);              /* only IRQ0 (the PIT) */
    outb(PIC2_DATA, 0xff);
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8) {
        outb(PIC2_CMD, 0x20);
    }
    outb(PIC1_CMD, 0x20);
}

void pit_init(unsigned hz)
{
    unsigned divisor = (PIT_HZ + hz / 2) / hz;

    outb(PIT_CMD, 0x34);                /* channel 0, lo/hi, mode 2 */
    outb(PIT_CH0, divisor & 0xff);
    outb(PIT_CH0, divisor >> 8);
}

void lapic_enable_extint(void)
{
    lapic_write(LAPIC_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_LVT_LINT0, 0x700);
    lapic_write(LAPIC_LVT_LINT1, 0x400);
}

void wait_count(volatile unsigned long *counter, unsigned long target,
                const char *what)
{
    unsigned long seen = *counter;
    uint8_t sec = cmos_read(0);
    unsigned still = 0;

    while ((long)(*counter - target) < 0) {
        uint8_t now = cmos_read(0);

        if (now != sec) {
            sec = now;
            if (*counter == seen) {
                if (++still >= 4) {
                    fail("no %s interrupts", what);
                }
            } else {
                still = 0;
                seen = *counter;
            }
        }
        cpu_relax();
    }
}
