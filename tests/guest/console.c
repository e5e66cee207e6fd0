/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guests' console: COM1 16550 with polled THRE, a tiny printf. */
#include "guest.h"

#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;

    while (n--) {
        *d++ = (uint8_t)c;
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

void serial_init(void)
{
    outb(COM1_BASE + UART_IER, 0x00);       /* no UART interrupts */
    outb(COM1_BASE + UART_LCR, 0x80);       /* DLAB */
    outb(COM1_BASE + UART_DLL, 0x01);       /* 115200 baud */
    outb(COM1_BASE + UART_DLM, 0x00);
    outb(COM1_BASE + UART_LCR, 0x03);       /* 8N1 */
    outb(COM1_BASE + UART_FCR, 0x07);       /* FIFOs on and cleared */
    outb(COM1_BASE + UART_MCR, 0x03);       /* DTR, RTS */
}

void serial_putc(char c)
{
    /* bounded, so that a missing UART cannot hang the guest */
    for (unsigned i = 0; i < 1000000; i++) {
        if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE) {
            break;
        }
        cpu_relax();
    }
    outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s) {
        serial_putc(*s++);
    }
}

static void put_uint(unsigned long long v, unsigned base)
{
    char buf[24];
    int i = 0;

    if (base == 16) {
        do {
            buf[i++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
    } else {
        /* native-width division only: no libgcc in 32-bit builds */
        unsigned long n = (unsigned long)v;

        do {
            buf[i++] = (char)('0' + n % 10);
            n /= 10;
        } while (n);
    }
    while (i) {
        serial_putc(buf[--i]);
    }
}

static void vprintf(const char *fmt, __builtin_va_list ap)
{
    for (; *fmt; fmt++) {
        int longs = 0;

        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        fmt++;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'c':
            serial_putc((char)__builtin_va_arg(ap, int));
            break;
        case 's': {
            const char *s = __builtin_va_arg(ap, const char *);
            serial_puts(s ? s : "(null)");
            break;
        }
        case 'u':
        case 'x': {
            unsigned long long v;

            if (longs >= 2) {
                v = __builtin_va_arg(ap, unsigned long long);
            } else if (longs == 1) {
                v = __builtin_va_arg(ap, unsigned long);
            } else {
                v = __builtin_va_arg(ap, unsigned int);
            }
            put_uint(v, *fmt == 'x' ? 16 : 10);
            break;
        }
        case '%':
            serial_putc('%');
            break;
        default:
            serial_putc('?');
            if (!*fmt) {
                return;
            }
        }
    }
}

void printf(const char *fmt, ...)
{
    __builtin_va_list ap;

    __builtin_va_start(ap, fmt);
    vprintf(fmt, ap);
    __builtin_va_end(ap);
}

void halt_forever(void)
{
    for (;;) {
        __asm__ volatile("cli; hlt" : : : "memory");
    }
}

void fail(const char *fmt, ...)
{
    __builtin_va_list ap;

    irq_disable();
    serial_puts("FAIL: ");
    __builtin_va_start(ap, fmt);
    vprintf(fmt, ap);
    __builtin_va_end(ap);
    serial_putc('\n');
    outl(DEBUG_EXIT_PORT, 1);           /* exit status 3 */
    halt_forever();
}

void power_off(void)
{
    irq_disable();
    outw(POWER_OFF_PORT, POWER_OFF_VALUE);
    halt_forever();
}
