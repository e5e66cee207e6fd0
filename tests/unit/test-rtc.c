/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the MC146818 RTC: BCD clock, setting it, CMOS bytes. */
#include "qemu/osdep.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/boards.h"
#include "system/memory.h"
#include "system/accel-ops.h"

/* Weak stand-ins: the real ones win when the library provides them. */
__attribute__((weak)) const AccelOps *current_accel(void)
{
    return NULL;
}

__attribute__((weak)) void qemu_register_reset(QEMUResetHandler *fn,
                                               void *opaque)
{
}

static uint8_t cmos_read(int idx)
{
    uint8_t v = idx, r = 0;

    g_assert_true(pio_dispatch(0x70, &v, 1, true));
    g_assert_true(pio_dispatch(0x71, &r, 1, false));
    return r;
}

static void cmos_write(int idx, uint8_t val)
{
    uint8_t v = idx;

    g_assert_true(pio_dispatch(0x70, &v, 1, true));
    g_assert_true(pio_dispatch(0x71, &val, 1, true));
}

/* 2024-02-29 13:45:56.5 UTC, a Thursday */
#define T0 ((int64_t)1709214356 * G_USEC_PER_SEC + 500000)

static void test_clock_bcd(void)
{
    RTCState *s = mc146818_rtc_init(0x70);

    rtc_set_host_time_for_test(s, T0);
    g_assert_cmphex(cmos_read(0), ==, 0x56);
    g_assert_cmphex(cmos_read(2), ==, 0x45);
    g_assert_cmphex(cmos_read(4), ==, 0x13);
    g_assert_cmphex(cmos_read(6), ==, 0x05);    /* Sunday = 1 */
    g_assert_cmphex(cmos_read(7), ==, 0x29);
    g_assert_cmphex(cmos_read(8), ==, 0x02);
    g_assert_cmphex(cmos_read(9), ==, 0x24);
    g_assert_cmphex(cmos_read(0x32), ==, 0x20);
    g_assert_cmphex(cmos_read(0x0a), ==, 0x26);   /* no UIP mid-second */
    g_assert_cmphex(cmos_read(0x0b), ==, 0x02);   /* 24h, BCD */
    g_assert_cmphex(cmos_read(0x0d), ==, 0x80);   /* valid RAM/time */
    /* UIP in the last 244 us before the tick */
    rtc_set_host_time_for_test(s, T0 + 499900);
    g_assert_cmphex(cmos_read(0x0a), ==, 0xa6);

    /* binary, 12-hour mode */
    rtc_set_host_time_for_test(s, T0);
    cmos_write(0x0b, 0x04);
    g_assert_cmpuint(cmos_read(0), ==, 56);
    g_assert_cmphex(cmos_read(4), ==, 0x81);      /* 1 PM */
    cmos_write(0x0b, 0x02);

    /* the clock runs with the host */
    rtc_set_host_time_for_test(s, T0 + 2 * G_USEC_PER_SEC);
    g_assert_cmphex(cmos_read(0), ==, 0x58);

    /* the guest sets the clock: SET, write, clear SET; it keeps running */
    cmos_write(0x0b, 0x82);
    cmos_write(4, 0x08);
    cmos_write(2, 0x00);
    cmos_write(0, 0x00);
    cmos_write(0x0b, 0x02);
    g_assert_cmphex(cmos_read(4), ==, 0x08);
    g_assert_cmphex(cmos_read(7), ==, 0x29);
    rtc_set_host_time_for_test(s, T0 + 62 * G_USEC_PER_SEC);
    g_assert_cmphex(cmos_read(2), ==, 0x01);
    g_assert_cmphex(cmos_read(0), ==, 0x00);

    /* NMI mask bit of the index port does not change the register */
    {
        uint8_t v = 0x80 | 0x0d, r;

        pio_dispatch(0x70, &v, 1, true);
        pio_dispatch(0x71, &r, 1, false);
        g_assert_cmphex(r, ==, 0x80);
    }
    memory_cleanup();
    mc146818_rtc_free(s);
}

static void test_memory_bytes(void)
{
    RTCState *s = mc146818_rtc_init(0x70);

    /* 6 GiB, 2 CPUs: 3 GiB low, 3 GiB high */
    rtc_set_pc_memory_sizes(s, 3ULL << 30, 3ULL << 30, 2);
    g_assert_cmpuint(cmos_read(0x15) | cmos_read(0x16) << 8, ==, 640);
    g_assert_cmpuint(cmos_read(0x17) | cmos_read(0x18) << 8, ==, 65535);
    g_assert_cmpuint(cmos_read(0x30) | cmos_read(0x31) << 8, ==, 65535);
    g_assert_cmpuint(cmos_read(0x34) | cmos_read(0x35) << 8, ==,
                     ((3ULL << 30) - (16 << 20)) / 65536);
    g_assert_cmpuint(cmos_read(0x5b) | cmos_read(0x5c) << 8 |
                     cmos_read(0x5d) << 16, ==, (3ULL << 30) / 65536);
    g_assert_cmpuint(cmos_read(0x5f), ==, 1);

    /* 32 MiB, 1 CPU */
    rtc_set_pc_memory_sizes(s, 32 << 20, 0, 1);
    g_assert_cmpuint(cmos_read(0x17) | cmos_read(0x18) << 8, ==, 31 * 1024);
    g_assert_cmpuint(cmos_read(0x34) | cmos_read(0x35) << 8, ==, 256);
    g_assert_cmpuint(cmos_read(0x5b), ==, 0);
    g_assert_cmpuint(cmos_read(0x5f), ==, 0);

    /* plain CMOS RAM keeps what the guest writes */
    cmos_write(0x40, 0x5a);
    g_assert_cmphex(cmos_read(0x40), ==, 0x5a);
    g_assert_cmphex(rtc_get_memory(s, 0x40), ==, 0x5a);
    memory_cleanup();
    mc146818_rtc_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rtc/clock-bcd", test_clock_bcd);
    g_test_add_func("/rtc/memory-bytes", test_memory_bytes);
    return g_test_run();
}
