/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MC146818 real-time clock and CMOS RAM (ports 0x70/0x71). */
#include "qemu/osdep.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/boards.h"
#include "system/memory.h"
#include "migration/vmstate.h"

enum {
    RTC_SECONDS = 0, RTC_SECONDS_ALARM = 1, RTC_MINUTES = 2,
    RTC_MINUTES_ALARM = 3, RTC_HOURS = 4, RTC_HOURS_ALARM = 5,
    RTC_DAY_OF_WEEK = 6, RTC_DAY_OF_MONTH = 7, RTC_MONTH = 8, RTC_YEAR = 9,
    RTC_REG_A = 10, RTC_REG_B = 11, RTC_REG_C = 12, RTC_REG_D = 13,
    RTC_CENTURY = 0x32,
};

#define REG_A_UIP   0x80
#define REG_B_SET   0x80
#define REG_B_PIE   0x40
#define REG_B_AIE   0x20
#define REG_B_UIE   0x10
#define REG_B_DM    0x04        /* binary, not BCD */
#define REG_B_24H   0x02
#define REG_C_IRQF  0x80
#define REG_C_AF    0x20
#define REG_C_UF    0x10
#define REG_D_VRT   0x80
#define UIP_USEC    244         /* update cycle before each second */

struct RTCState {
    uint8_t cmos_data[RTC_CMOS_SIZE];
    uint8_t cmos_index;
    bool nmi_masked;
    int64_t offset_sec;         /* guest time - host UTC */
    int64_t last_sec;           /* guest second at the last C read */
    int64_t fake_usec;          /* tests: host time, or 0 */
};

static int64_t rtc_host_usec(RTCState *s)
{
    return s->fake_usec ? s->fake_usec : g_get_real_time();
}

static int64_t rtc_guest_sec(RTCState *s)
{
    return rtc_host_usec(s) / G_USEC_PER_SEC + s->offset_sec;
}

static uint8_t rtc_to_reg(RTCState *s, int v)
{
    return (s->cmos_data[RTC_REG_B] & REG_B_DM) ? v : ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(RTCState *s, uint8_t v)
{
    return (s->cmos_data[RTC_REG_B] & REG_B_DM) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t rtc_hour_to_reg(RTCState *s, int hour)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return rtc_to_reg(s, hour);
    }
    /* 12-hour mode: 12, 1..11 with bit 7 for PM */
    return rtc_to_reg(s, hour % 12 ? hour % 12 : 12) |
           (hour >= 12 ? 0x80 : 0);
}

static int rtc_hour_from_reg(RTCState *s, uint8_t v)
{
    int h;

    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return rtc_from_reg(s, v);
    }
    h = rtc_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* The time registers from the guest's clock. */
static void rtc_update_time_regs(RTCState *s)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(rtc_guest_sec(s));

    if (!dt) {
        return;
    }
    s->cmos_data[RTC_SECONDS] = rtc_to_reg(s, g_date_time_get_second(dt));
    s->cmos_data[RTC_MINUTES] = rtc_to_reg(s, g_date_time_get_minute(dt));
    s->cmos_data[RTC_HOURS] = rtc_hour_to_reg(s, g_date_time_get_hour(dt));
    /* 1 = Sunday */
    s->cmos_data[RTC_DAY_OF_WEEK] =
        rtc_to_reg(s, g_date_time_get_day_of_week(dt) % 7 + 1);
    s->cmos_data[RTC_DAY_OF_MONTH] = rtc_to_reg(s, g_date_time_get_day_of_month(dt));
    s->cmos_data[RTC_MONTH] = rtc_to_reg(s, g_date_time_get_month(dt));
    s->cmos_data[RTC_YEAR] = rtc_to_reg(s, g_date_time_get_year(dt) % 100);
    s->cmos_data[RTC_CENTURY] = rtc_to_reg(s, g_date_time_get_year(dt) / 100);
}

/* The guest finished setting the clock (SET cleared): new offset. */
static void rtc_set_time_from_regs(RTCState *s)
{
    int year = rtc_from_reg(s, s->cmos_data[RTC_CENTURY]) * 100 +
               rtc_from_reg(s, s->cmos_data[RTC_YEAR]);
    g_autoptr(GDateTime) dt = NULL;

    if (year < 1970) {
        year = 2000 + rtc_from_reg(s, s->cmos_data[RTC_YEAR]);
    }
    dt = g_date_time_new_utc(year, rtc_from_reg(s, s->cmos_data[RTC_MONTH]),
                             rtc_from_reg(s, s->cmos_data[RTC_DAY_OF_MONTH]),
                             rtc_hour_from_reg(s, s->cmos_data[RTC_HOURS]),
                             rtc_from_reg(s, s->cmos_data[RTC_MINUTES]),
                             rtc_from_reg(s, s->cmos_data[RTC_SECONDS]));
    if (dt) {
        s->offset_sec = g_date_time_to_unix(dt) -
                        rtc_host_usec(s) / G_USEC_PER_SEC;
    }
}

static bool rtc_alarm_matches(RTCState *s)
{
    /* A value with the top two bits set is "don't care". */
    static const int pairs[][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS }, { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(pairs); i++) {
        uint8_t a = s->cmos_data[pairs[i][0]];

        if ((a & 0xc0) != 0xc0 && a != s->cmos_data[pairs[i][1]]) {
            return false;
        }
    }
    return true;
}

static uint8_t rtc_read_data(RTCState *s)
{
    int idx = s->cmos_index;
    uint8_t ret;

    switch (idx) {
    case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
    case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
    case RTC_YEAR: case RTC_CENTURY:
        if (!(s->cmos_data[RTC_REG_B] & REG_B_SET)) {
            rtc_update_time_regs(s);
        }
        return s->cmos_data[idx];
    case RTC_REG_A: {
        int64_t frac = rtc_host_usec(s) % G_USEC_PER_SEC;

        ret = s->cmos_data[RTC_REG_A] & ~REG_A_UIP;
        if (!(s->cmos_data[RTC_REG_B] & REG_B_SET) &&
            frac >= G_USEC_PER_SEC - UIP_USEC) {
            ret |= REG_A_UIP;
        }
        return ret;
    }
    case RTC_REG_C: {
        /* Flags of events since the last read (no IRQ 8 is raised). */
        int64_t now = rtc_guest_sec(s);

        ret = s->cmos_data[RTC_REG_C];
        if (now != s->last_sec && !(s->cmos_data[RTC_REG_B] & REG_B_SET)) {
            ret |= REG_C_UF;
            rtc_update_time_regs(s);
            if (rtc_alarm_matches(s)) {
                ret |= REG_C_AF;
            }
        }
        s->last_sec = now;
        if (ret & s->cmos_data[RTC_REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE)) {
            ret |= REG_C_IRQF;
        }
        s->cmos_data[RTC_REG_C] = 0;
        return ret;
    }
    default:
        return s->cmos_data[idx];
    }
}

static void rtc_write_data(RTCState *s, uint8_t val)
{
    int idx = s->cmos_index;

    switch (idx) {
    case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
    case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
    case RTC_YEAR: case RTC_CENTURY:
        s->cmos_data[idx] = val;
        if (!(s->cmos_data[RTC_REG_B] & REG_B_SET)) {
            rtc_set_time_from_regs(s);
        }
        break;
    case RTC_REG_A:
        s->cmos_data[RTC_REG_A] = val & ~REG_A_UIP;
        break;
    case RTC_REG_B: {
        uint8_t old = s->cmos_data[RTC_REG_B];

        if (!(old & REG_B_SET) && (val & REG_B_SET)) {
            /* Freeze the registers at the current time for editing. */
            rtc_update_time_regs(s);
        }
        if ((val & REG_B_SET) && (val & REG_B_UIE)) {
            val &= ~REG_B_UIE;  /* SET inhibits update interrupts */
        }
        s->cmos_data[RTC_REG_B] = val;
        if ((old & REG_B_SET) && !(val & REG_B_SET)) {
            rtc_set_time_from_regs(s);
        }
        break;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        break;                  /* read-only */
    default:
        s->cmos_data[idx] = val;
    }
}

static uint64_t rtc_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    RTCState *s = opaque;

    if ((addr & 1) == 0) {
        return 0xff;            /* the index register is write-only */
    }
    return rtc_read_data(s);
}

static void rtc_ioport_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    RTCState *s = opaque;

    if ((addr & 1) == 0) {
        s->cmos_index = val & 0x7f;
        s->nmi_masked = val & 0x80;
    } else {
        rtc_write_data(s, val);
    }
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_ioport_read,
    .write = rtc_ioport_write,
};

void rtc_set_memory(RTCState *s, int addr, uint8_t val)
{
    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos_data[addr] = val;
    }
}

uint8_t rtc_get_memory(RTCState *s, int addr)
{
    return addr >= 0 && addr < RTC_CMOS_SIZE ? s->cmos_data[addr] : 0xff;
}

void rtc_set_pc_memory_sizes(RTCState *s, uint64_t below_4g_mem,
                             uint64_t above_4g_mem, unsigned smp_cpus)
{
    uint64_t val;

    rtc_set_memory(s, 0x15, 640 & 0xff);
    rtc_set_memory(s, 0x16, 640 >> 8);
    /* KiB above 1 MiB, up to 64 MiB */
    val = below_4g_mem > 1024 * 1024 ? below_4g_mem / 1024 - 1024 : 0;
    val = MIN(val, 65535);
    rtc_set_memory(s, 0x17, val);
    rtc_set_memory(s, 0x18, val >> 8);
    rtc_set_memory(s, 0x30, val);
    rtc_set_memory(s, 0x31, val >> 8);
    /* 64 KiB blocks between 16 MiB and the end of low RAM */
    val = below_4g_mem > 16 * 1024 * 1024 ?
          (below_4g_mem - 16 * 1024 * 1024) / 65536 : 0;
    val = MIN(val, 65535);
    rtc_set_memory(s, 0x34, val);
    rtc_set_memory(s, 0x35, val >> 8);
    /* 64 KiB blocks above 4 GiB */
    val = above_4g_mem / 65536;
    rtc_set_memory(s, 0x5b, val);
    rtc_set_memory(s, 0x5c, val >> 8);
    rtc_set_memory(s, 0x5d, val >> 16);
    rtc_set_memory(s, 0x5f, smp_cpus ? smp_cpus - 1 : 0);
}

void rtc_reset(void *opaque)
{
    RTCState *s = opaque;

    /* CMOS RAM and the clock survive a reset; the control state does not. */
    s->cmos_data[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SET);
    s->cmos_data[RTC_REG_C] = 0;
    s->nmi_masked = false;
}

void rtc_set_host_time_for_test(RTCState *s, int64_t unix_usec)
{
    s->fake_usec = unix_usec;
}

/*
 * Migration: QEMU's "mc146818rtc" section name.  The clock is carried as
 * the guest's offset from host UTC, so guest time goes on counting across
 * the move (the hosts' clocks are assumed in sync, as QEMU's base=utc).
 */
static int rtc_post_load(void *opaque, int version_id)
{
    RTCState *s = opaque;

    if (s->cmos_index >= RTC_CMOS_SIZE) {
        error_report("mc146818rtc: CMOS index 0x%x out of range in the "
                     "migration stream", s->cmos_index);
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_rtc = {
    .name = "mc146818rtc",
    .version_id = 3,
    .minimum_version_id = 3,
    .post_load = rtc_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER(cmos_data, RTCState),
        VMSTATE_UINT8(cmos_index, RTCState),
        VMSTATE_BOOL(nmi_masked, RTCState),
        VMSTATE_INT64(offset_sec, RTCState),
        VMSTATE_INT64(last_sec, RTCState),
        VMSTATE_END_OF_LIST()
    },
};

RTCState *mc146818_rtc_init(uint16_t base)
{
    RTCState *s = g_new0(RTCState, 1);

    s->cmos_data[RTC_REG_A] = 0x26;  /* 32.768 kHz time base, 1024 Hz rate */
    s->cmos_data[RTC_REG_B] = REG_B_24H;
    s->cmos_data[RTC_REG_D] = REG_D_VRT;
    s->last_sec = rtc_guest_sec(s);
    pio_register(base, 2, &rtc_io_ops, s, "rtc");
    qemu_register_reset(rtc_reset, s);
    vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmstate_rtc, s);
    return s;
}

void mc146818_rtc_free(RTCState *s)
{
    vmstate_unregister(&vmstate_rtc, s);
    g_free(s);
}
