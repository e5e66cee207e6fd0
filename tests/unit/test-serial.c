/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the 16550A UART: registers, FIFO, interrupts, chardev. */
#include "qemu/osdep.h"
#include "hw/char/serial.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "chardev/char.h"
#include "system/accel-ops.h"
#include "system/memory.h"
#include "qapi/qapi-commands-char.h"

/* Fake accelerator: remember the level of each GSI. */
static int irq_level[24];

static void fake_set_irq(int gsi, int level)
{
    irq_level[gsi] = level;
}

static const AccelOps fake_accel = { .name = "fake", .set_irq = fake_set_irq };

/* Weak stand-ins: the real ones (accel/) win when the library has them. */
static const AccelOps *weak_accel;

__attribute__((weak)) const AccelOps *current_accel(void)
{
    return weak_accel;
}

__attribute__((weak)) void accel_set_current(const AccelOps *ops)
{
    weak_accel = ops;
}

__attribute__((weak)) void bql_lock(void)
{
}

__attribute__((weak)) void bql_unlock(void)
{
}

__attribute__((weak)) void qemu_register_reset(QEMUResetHandler *fn,
                                               void *opaque)
{
}

#define BASE 0x3f8
enum { THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
       MSR = 6, SCR = 7 };

static uint8_t inb(int reg)
{
    uint8_t v = 0;

    g_assert_true(pio_dispatch(BASE + reg, &v, 1, false));
    return v;
}

static void outb(int reg, uint8_t v)
{
    g_assert_true(pio_dispatch(BASE + reg, &v, 1, true));
}

static Chardev *ringbuf(const char *id)
{
    g_autofree char *spec = g_strdup_printf("ringbuf,id=%s,size=1024", id);
    QemuOpts *opts = qemu_opts_parse(qemu_chardev_opts(), spec, true,
                                     &error_abort);
    Chardev *chr = qemu_chr_new_from_opts(opts, &error_abort);

    qemu_opts_del(opts);
    return chr;
}

static void test_registers(void)
{
    SerialState *s = serial_isa_init(BASE, 4, NULL, &error_abort);

    /* power-on values */
    g_assert_cmphex(inb(IIR), ==, 0x01);
    g_assert_cmphex(inb(LSR), ==, 0x60);
    g_assert_cmphex(inb(MCR), ==, 0x08);
    g_assert_cmphex(inb(MSR) & 0xf0, ==, 0xb0);
    /* scratch */
    outb(SCR, 0xa5);
    g_assert_cmphex(inb(SCR), ==, 0xa5);
    /* DLAB: divisor latch instead of THR/IER */
    outb(LCR, 0x83);
    outb(THR, 0x01);
    outb(IER, 0x02);
    g_assert_cmphex(inb(THR), ==, 0x01);
    g_assert_cmphex(inb(IER), ==, 0x02);
    outb(LCR, 0x03);
    g_assert_cmphex(inb(LCR), ==, 0x03);
    g_assert_cmphex(inb(IER), ==, 0x00);
    memory_cleanup();
    serial_isa_free(s);
}

static void test_tx_and_thre_irq(void)
{
    Chardev *chr = ringbuf("ser-tx");
    g_autofree char *out = NULL;

    SerialState *s = serial_isa_init(BASE, 4, chr, &error_abort);
    memset(irq_level, 0, sizeof(irq_level));
    outb(LCR, 0x03);
    for (const char *p = "hello"; *p; p++) {
        g_assert_cmphex(inb(LSR) & 0x20, ==, 0x20);
        outb(THR, *p);
    }
    out = qmp_ringbuf_read("ser-tx", 100, false, 0, &error_abort);
    g_assert_cmpstr(out, ==, "hello");

    /* enabling THRI with THR empty raises IRQ 4 ... */
    outb(IER, 0x02);
    g_assert_cmpint(irq_level[4], ==, 1);
    /* ... reading IIR (which reports it) acknowledges it */
    g_assert_cmphex(inb(IIR), ==, 0x02);
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(inb(IIR), ==, 0x01);
    /* the next byte sent raises it again */
    outb(THR, '!');
    g_assert_cmpint(irq_level[4], ==, 1);
    outb(IER, 0);
    g_assert_cmpint(irq_level[4], ==, 0);
    memory_cleanup();
    serial_isa_free(s);
}

static void test_loopback_fifo_and_priority(void)
{
    Chardev *chr = ringbuf("ser-loop");
    g_autofree char *out = NULL;

    SerialState *s = serial_isa_init(BASE, 4, chr, &error_abort);
    memset(irq_level, 0, sizeof(irq_level));
    outb(LCR, 0x03);
    /* loopback: modem outputs appear as inputs, bytes come back */
    outb(MCR, 0x10 | 0x02 | 0x01);              /* LOOP|RTS|DTR */
    g_assert_cmphex(inb(MSR) & 0xf0, ==, 0x30);  /* CTS|DSR */
    outb(THR, 'x');
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0x01);
    g_assert_cmphex(inb(THR), ==, 'x');
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0x00);
    out = qmp_ringbuf_read("ser-loop", 100, false, 0, &error_abort);
    g_assert_cmpstr(out, ==, "");               /* nothing on the line */

    /* without FIFO a second byte overruns the first */
    outb(THR, 'a');
    outb(THR, 'b');
    g_assert_cmphex(inb(LSR) & 0x03, ==, 0x03); /* DR|OE */
    g_assert_cmphex(inb(LSR) & 0x02, ==, 0x00); /* OE clears on read */
    inb(THR);

    /* FIFO on, trigger level 4: IIR shows FIFOs, timeout below 4 bytes */
    outb(FCR, 0x47);
    g_assert_cmphex(inb(IIR) & 0xc0, ==, 0xc0);
    outb(IER, 0x01 | 0x02 | 0x04);
    g_assert_cmphex(inb(IIR), ==, 0xc2);        /* THRE only, now acked */
    for (int i = 0; i < 3; i++) {
        outb(THR, '0' + i);
    }
    /* data beats THRE; below the trigger: character timeout */
    g_assert_cmphex(inb(IIR), ==, 0xcc);
    outb(THR, '3');
    g_assert_cmphex(inb(IIR), ==, 0xc4);        /* trigger reached */
    g_assert_cmpint(irq_level[4], ==, 1);
    for (int i = 0; i < 4; i++) {
        g_assert_cmphex(inb(THR), ==, '0' + i);
    }
    /* 17 bytes overflow the 16-byte FIFO: line status beats data */
    for (int i = 0; i < 17; i++) {
        outb(THR, 'A' + i);
    }
    g_assert_cmphex(inb(IIR), ==, 0xc6);
    g_assert_cmphex(inb(LSR) & 0x03, ==, 0x03);
    g_assert_cmphex(inb(IIR), ==, 0xc4);
    for (int i = 0; i < 16; i++) {
        g_assert_cmphex(inb(THR), ==, 'A' + i);
    }
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
    /* FCR bit 1 clears the receive FIFO */
    outb(THR, 'q');
    outb(FCR, 0x03);
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
    memory_cleanup();
    serial_isa_free(s);
}

static void test_rx_from_chardev(void)
{
    Chardev *chr = ringbuf("ser-rx");

    SerialState *s = serial_isa_init(BASE, 4, chr, &error_abort);
    memset(irq_level, 0, sizeof(irq_level));
    outb(LCR, 0x03);
    outb(IER, 0x01);
    g_assert_cmpint(chr->be->chr_can_read(chr->be->opaque), ==, 1);
    chr->be->chr_read(chr->be->opaque, (const uint8_t *)"k", 1);
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(inb(IIR), ==, 0x04);
    g_assert_cmpint(chr->be->chr_can_read(chr->be->opaque), ==, 0);
    g_assert_cmphex(inb(THR), ==, 'k');
    g_assert_cmpint(irq_level[4], ==, 0);
    outb(FCR, 0x01);
    g_assert_cmpint(chr->be->chr_can_read(chr->be->opaque), ==, 16);
    memory_cleanup();
    serial_isa_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    accel_set_current(&fake_accel);
    qemu_chr_init_backends();
    g_test_add_func("/serial/registers", test_registers);
    g_test_add_func("/serial/tx-thre-irq", test_tx_and_thre_irq);
    g_test_add_func("/serial/loopback-fifo-priority",
                    test_loopback_fifo_and_priority);
    g_test_add_func("/serial/rx", test_rx_from_chardev);
    return g_test_run();
}
