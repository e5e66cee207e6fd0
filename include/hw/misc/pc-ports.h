/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small PC control ports of the microvm machine: the i8042's reset line
 * (0x60/0x64), the reset control register (0xCF9), ACPI PM1a_CNT power-off
 * (0x604) and the test harness' debug exit (0xF4, like QEMU's
 * isa-debug-exit,iobase=0xf4,iosize=4).
 */
#ifndef HW_MISC_PC_PORTS_H
#define HW_MISC_PC_PORTS_H

#include <stdint.h>

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define RCR_IOPORT 0xcf9
#define PM1A_CNT_IOPORT 0x604
#define DEBUG_EXIT_IOPORT 0xf4
#define DEBUG_EXIT_IOSIZE 4

/* i8042 stub: status reads "ready", command 0xFE pulses reset. */
void i8042_reset_init(void);
/* 0xCF9: writing a value with bit 2 (RST_CPU) set resets (0x06, 0x0E). */
void rcr_init(void);
/* 0x604: a write with SLP_EN (0x2000) set powers the guest off. */
void pm_poweroff_init(void);
/* Writing V exits the process with status (V << 1) | 1 at once. */
void debug_exit_init(uint16_t base, uint16_t size);

#endif
