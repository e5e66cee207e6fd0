/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Freestanding helpers shared by the bare-metal test guests (32- and
 * 64-bit builds): port I/O, the COM1 console, CMOS, PIC/PIT, boot info.
 * No libc and no host headers: built with -ffreestanding -nostdinc.
 */
#ifndef GUEST_H
#define GUEST_H

typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __SIZE_TYPE__ size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define NORETURN __attribute__((noreturn))
#define PRINTF_FMT(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Ports of the guest/machine contract (see README.md). */
#define COM1_BASE           0x3f8
#define DEBUG_EXIT_PORT     0xf4
#define POWER_OFF_PORT      0x604
#define POWER_OFF_VALUE     0x2000
#define CMOS_INDEX_PORT     0x70
#define CMOS_DATA_PORT      0x71

/* EAX at the payload's 32-bit entry: multiboot, or our -bios stub. */
#define MULTIBOOT_BOOT_MAGIC 0x2badb002
#define BIOS_BOOT_MAGIC      0x46455252     /* "FERR" */

/* Interrupt vectors used by the protected- and long-mode guests. */
#define PIC_MASTER_VECTOR   0x20
#define PIC_SLAVE_VECTOR    0x28
#define LAPIC_TIMER_VECTOR  0x30
#define LAPIC_SPURIOUS_VECTOR 0xff

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)
#define PAGE_SIZE 4096

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

/* console.c: COM1 with polled THRE; lines end in "\n". */
void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
void printf(const char *fmt, ...) PRINTF_FMT(1, 2);
/* Prints "FAIL: <why>", writes 1 to the debug-exit port, halts. */
NORETURN void fail(const char *fmt, ...) PRINTF_FMT(1, 2);
/* Guest power-off through port 0x604 (16-bit 0x2000), then halts. */
NORETURN void power_off(void);
NORETURN void halt_forever(void);

/* platform.c: CMOS/RTC, 8259 PIC, 8254 PIT. */
uint8_t cmos_read(uint8_t reg);
unsigned cmos_cpu_count(void);
/* Remaps the PICs to PIC_MASTER_VECTOR/PIC_SLAVE_VECTOR, only IRQ0 open. */
void pic_init(void);
void pic_eoi(unsigned irq);
void pit_init(unsigned hz);
/*
 * Waits until *counter reaches target (interrupts must be on).  Fails
 * with "no <what> interrupts" when it stays still for several RTC seconds.
 */
void wait_count(volatile unsigned long *counter, unsigned long target,
                const char *what);

/* platform.c: the local APIC (xAPIC MMIO, identity-mapped). */
#define LAPIC_BASE      0xfee00000u
#define LAPIC_ID        0x020
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0

static inline uint32_t lapic_read(uint32_t reg)
{
    return *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t val)
{
    *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg) = val;
}

/* As a BIOS does: APIC on, LINT0 = ExtINT (the 8259), LINT1 = NMI. */
void lapic_enable_extint(void);

/* bootinfo.c: where RAM is, from the multiboot info or from CMOS. */
#define MAX_RAM_RANGES 16
struct ram_range {
    uint64_t start, end;
};

struct boot_info {
    bool multiboot;
    bool has_cmdline;
    unsigned nr_ranges;
    struct ram_range ram[MAX_RAM_RANGES];
    uint64_t low_end;       /* end of the RAM below 4 GiB */
    uint64_t ram_size;      /* low_end + RAM above 4 GiB, as with -m */
    uint64_t top;           /* highest RAM address + 1 */
    char cmdline[256];
};

/* Fills bi from EAX/EBX as the payload entry received them. */
void boot_info_init(struct boot_info *bi, uint32_t magic, uint32_t info);
/* Finds "key=<decimal>" among the space-separated words of cmdline. */
bool cmdline_get_uint(const char *cmdline, const char *key,
                      unsigned long *val);

#endif
