/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * longmode.bin / longmode.elf: the main test guest.  In long mode with
 * identity paging over all RAM it prints "ferry: long mode" and
 * "mem: <N> MiB", starts the APs (INIT-SIPI-SIPI) and prints "cpus: <N>",
 * runs the PIT (through the 8259) and the LAPIC timer at 100 Hz, printing
 * "tick <n> pit=<a> lapic=<b>" about every second, and dirties memory
 * (longmode-dirty.c).  Multiboot command line: dirty=<MiB> passes=<k>.
 */
#include "longmode.h"

#define AP_TRAMP_BASE   0x8000      /* longmode-ap.S */
#define MAX_GIB         64          /* physical address space mapped */

struct frame64 {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct gate64 {
    uint16_t offset0;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset1;
    uint32_t offset2;
    uint32_t reserved;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern char isr_stubs[];                        /* longmode-entry.S */
extern char ap_tramp_start[], ap_tramp_end[];   /* longmode-ap.S */
extern uint64_t pdpt[512];
extern volatile uint32_t ap_checked_in;

volatile unsigned long pit_ticks;
volatile unsigned long lapic_ticks;
unsigned long beat_pit, beat_lapic;
struct idt_desc idt_desc64;                     /* the APs load it too */

static struct gate64 idt[256];
static uint64_t pd_high[MAX_GIB - 4][512] __attribute__((aligned(4096)));
static struct boot_info boot_info;
static unsigned long beats;
static unsigned pit_still, lapic_still;

void lm_main(uint32_t magic, uint32_t info);
void isr_dispatch(struct frame64 *f);

static void idt_set(unsigned vec, const void *handler)
{
    uint64_t addr = (uint64_t)(uintptr_t)handler;

    idt[vec].offset0 = addr & 0xffff;
    idt[vec].selector = 0x08;
    idt[vec].ist = 0;
    idt[vec].type = 0x8e;           /* present, DPL 0, interrupt gate */
    idt[vec].offset1 = (addr >> 16) & 0xffff;
    idt[vec].offset2 = addr >> 32;
    idt[vec].reserved = 0;
}

static void idt_init(void)
{
    for (unsigned v = 0; v < 49; v++) {
        idt_set(v, isr_stubs + 16 * v);
    }
    idt_set(LAPIC_SPURIOUS_VECTOR, isr_stubs + 16 * 49);
    idt_desc64.limit = sizeof(idt) - 1;
    idt_desc64.base = (uint64_t)(uintptr_t)idt;
    __asm__ volatile("lidt %0" : : "m"(idt_desc64));
}

void isr_dispatch(struct frame64 *f)
{
    switch (f->vector) {
    case PIC_MASTER_VECTOR:
        pit_ticks++;
        pic_eoi(0);
        return;
    case LAPIC_TIMER_VECTOR:
        lapic_ticks++;
        lapic_write(LAPIC_EOI, 0);
        return;
    case PIC_MASTER_VECTOR + 7:     /* spurious IRQ7: no EOI */
    case LAPIC_SPURIOUS_VECTOR:
        return;
    case PIC_SLAVE_VECTOR + 7:      /* spurious IRQ15: the master's EOI */
        pic_eoi(0);
        return;
    }
    if (f->vector < 32) {
        fail("exception %lu error 0x%lx at 0x%lx", (unsigned long)f->vector,
             (unsigned long)f->error, (unsigned long)f->rip);
    }
    fail("unexpected interrupt %lu", (unsigned long)f->vector);
}

/* longmode-entry.S mapped 0-4 GiB; map the RAM above, 1 GiB per PD. */
static void map_high_ram(const struct boot_info *bi)
{
    uint64_t gib = (bi->top + GiB - 1) / GiB;

    if (gib > MAX_GIB) {
        fail("RAM ends at %lu MiB, above the %u GiB the guest maps",
             (unsigned long)(bi->top >> 20), MAX_GIB);
    }
    for (uint64_t g = 4; g < gib; g++) {
        uint64_t *pd = pd_high[g - 4];

        for (unsigned i = 0; i < 512; i++) {
            pd[i] = (g * GiB + i * 2 * MiB) | 0x83;
        }
        pdpt[g] = (uint64_t)(uintptr_t)pd | 3;
    }
    __asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
}

static void icr_wait(void)
{
    for (unsigned i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & 0x1000);
         i++) {
        cpu_relax();
    }
}

static void ipi_all_but_self(uint32_t icr)
{
    lapic_write(LAPIC_ICR_HI, 0);
    lapic_write(LAPIC_ICR_LO, 0xc0000 | icr);
    icr_wait();
}

/* INIT-SIPI-SIPI to every other CPU; they check in from ap_entry64. */
static void start_aps(void)
{
    unsigned expected = cmos_cpu_count();
    bool known = expected <= 255;   /* CMOS 0x5f = 0xff: no information */
    unsigned long deadline;
    unsigned cpus;

    memcpy((void *)AP_TRAMP_BASE, ap_tramp_start,
           ap_tramp_end - ap_tramp_start);
    ipi_all_but_self(0x4500);                       /* INIT, assert */
    wait_count(&pit_ticks, pit_ticks + 2, "PIT");   /* >= 10 ms */
    for (int i = 0; i < 2; i++) {
        ipi_all_but_self(0x4600 | (AP_TRAMP_BASE >> 12));   /* SIPI */
        wait_count(&pit_ticks, pit_ticks + 1, "PIT");
    }
    /* up to 100 ms for them all, 500 ms when some are late */
    deadline = pit_ticks + 10;
    while ((long)(pit_ticks - deadline) < 0 ||
           (known && ap_checked_in + 1 < expected &&
            (long)(pit_ticks - deadline) < 40)) {
        if (known && ap_checked_in + 1 >= expected) {
            break;
        }
        cpu_relax();
    }
    cpus = ap_checked_in + 1;
    printf("cpus: %u\n", cpus);
    if (known && cpus < expected) {
        fail("cpus: %u of %u CPUs checked in", cpus, expected);
    }
}

/* Periodic at 100 Hz, its rate measured against 10 PIT ticks. */
static void lapic_timer_start(void)
{
    unsigned long t;
    uint32_t elapsed;

    lapic_write(LAPIC_TIMER_DCR, 0x3);              /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, 0x10000 | LAPIC_TIMER_VECTOR); /* masked */
    t = pit_ticks;
    wait_count(&pit_ticks, t + 1, "PIT");
    lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
    wait_count(&pit_ticks, t + 11, "PIT");
    elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CCR);
    if (elapsed < 1000) {
        fail("the LAPIC timer counted %u in 100 ms", elapsed);
    }
    lapic_write(LAPIC_LVT_TIMER, (1 << 17) | LAPIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_ICR, elapsed / 10);
    wait_count(&lapic_ticks, 2, "LAPIC timer");
}

void heartbeat(void)
{
    unsigned long p = pit_ticks, l = lapic_ticks;

    printf("tick %lu pit=%lu lapic=%lu\n", ++beats, p, l);
    pit_still = p == beat_pit ? pit_still + 1 : 0;
    lapic_still = l == beat_lapic ? lapic_still + 1 : 0;
    beat_pit = p;
    beat_lapic = l;
    /* tolerant: a timer may catch up in bursts after the VM was stopped */
    if (pit_still >= 10) {
        fail("PIT interrupts stopped");
    }
    if (lapic_still >= 10) {
        fail("LAPIC timer interrupts stopped");
    }
}

void lm_main(uint32_t magic, uint32_t info)
{
    unsigned long dirty_mib = 100, passes = 0;

    serial_init();
    idt_init();                     /* exceptions report from here on */
    printf("ferry: long mode\n");
    boot_info_init(&boot_info, magic, info);
    printf("mem: %lu MiB\n", (unsigned long)(boot_info.ram_size >> 20));
    if (boot_info.multiboot) {
        cmdline_get_uint(boot_info.cmdline, "dirty", &dirty_mib);
        cmdline_get_uint(boot_info.cmdline, "passes", &passes);
    }
    map_high_ram(&boot_info);

    lapic_enable_extint();
    pic_init();
    pit_init(100);
    irq_enable();
    start_aps();
    lapic_timer_start();

    beat_pit = pit_ticks;
    beat_lapic = lapic_ticks;
    dirty_run(&boot_info, dirty_mib, passes);
}
