/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * protmode.bin / protmode.elf: 32-bit protected mode with a GDT and IDT.
 * Prints "ferry: protected mode", "mem: <N> MiB" (and, under multiboot,
 * "cmdline: <text>"), takes PIT IRQ0 at 100 Hz through the IDT, prints
 * "tick <n>" every 10 ticks, and after 30 ticks "done", then powers off.
 */
#include "guest.h"

struct frame32 {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;   /* pushal */
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

struct gate32 {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offset_hi;
} __attribute__((packed));

struct idt_desc32 {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern char isr_stubs[];            /* protmode-entry.S: 16 bytes each */

static struct gate32 idt[256];
static volatile unsigned long pit_ticks;
static struct boot_info boot_info;

void pm_main(uint32_t magic, uint32_t info);
void isr_dispatch(struct frame32 *f);

static void idt_set(unsigned vec, const void *handler)
{
    uint32_t addr = (uint32_t)(uintptr_t)handler;

    idt[vec].offset_lo = addr & 0xffff;
    idt[vec].selector = 0x08;
    idt[vec].zero = 0;
    idt[vec].type = 0x8e;           /* present, DPL 0, 32-bit interrupt gate */
    idt[vec].offset_hi = addr >> 16;
}

static void idt_init(void)
{
    struct idt_desc32 desc = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

    for (unsigned v = 0; v < 48; v++) {
        idt_set(v, isr_stubs + 16 * v);
    }
    idt_set(LAPIC_SPURIOUS_VECTOR, isr_stubs + 16 * 48);
    __asm__ volatile("lidt %0" : : "m"(desc));
}

void isr_dispatch(struct frame32 *f)
{
    switch (f->vector) {
    case PIC_MASTER_VECTOR:
        pit_ticks++;
        pic_eoi(0);
        return;
    case PIC_MASTER_VECTOR + 7:     /* spurious IRQ7: no EOI */
    case LAPIC_SPURIOUS_VECTOR:
        return;
    case PIC_SLAVE_VECTOR + 7:      /* spurious IRQ15: the master's EOI */
        pic_eoi(0);
        return;
    }
    if (f->vector < 32) {
        fail("exception %u error 0x%x at 0x%x", f->vector, f->error, f->eip);
    }
    fail("unexpected interrupt %u", f->vector);
}

void pm_main(uint32_t magic, uint32_t info)
{
    serial_init();
    idt_init();                     /* exceptions report from here on */
    printf("ferry: protected mode\n");
    boot_info_init(&boot_info, magic, info);
    printf("mem: %lu MiB\n", (unsigned long)(boot_info.ram_size >> 20));
    if (boot_info.multiboot) {
        printf("cmdline: %s\n", boot_info.cmdline);
    }

    lapic_enable_extint();
    pic_init();
    pit_init(100);
    irq_enable();
    for (unsigned beat = 1; beat <= 3; beat++) {
        wait_count(&pit_ticks, 10 * beat, "PIT");
        printf("tick %u\n", beat);
    }
    printf("done\n");
    power_off();
}
