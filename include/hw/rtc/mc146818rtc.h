/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 RTC and CMOS RAM at ports 0x70 (index, bit 7 = NMI mask) and
 * 0x71 (data).  The clock follows host UTC plus whatever offset the guest
 * set.  The machine fills the memory-size bytes at init.
 * Register accesses run under the BQL.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_ISA_BASE 0x70
#define RTC_CMOS_SIZE 128

typedef struct RTCState RTCState;

/* Create at base (2 ports), register its reset handler. */
RTCState *mc146818_rtc_init(uint16_t base);
/* Free (tests: after memory_cleanup()). */
void mc146818_rtc_free(RTCState *s);
void rtc_set_memory(RTCState *s, int addr, uint8_t val);
uint8_t rtc_get_memory(RTCState *s, int addr);
/* QEMU pc's CMOS memory bytes (0x15-0x18, 0x30/0x31, 0x34/0x35,
 * 0x5B-0x5D) and CPU count (0x5F). */
void rtc_set_pc_memory_sizes(RTCState *s, uint64_t below_4g_mem,
                             uint64_t above_4g_mem, unsigned smp_cpus);
void rtc_reset(void *opaque);
/* For tests: pretend the host clock reads this (0 = real time). */
void rtc_set_host_time_for_test(RTCState *s, int64_t unix_usec);

#endif
