/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the long-mode guest's main program and its dirtier. */
#ifndef LONGMODE_H
#define LONGMODE_H

#include "guest.h"

extern volatile unsigned long pit_ticks;
extern volatile unsigned long lapic_ticks;
extern unsigned long beat_pit, beat_lapic;

/* Prints "tick <n> pit=<a> lapic=<b>" when either timer ticked 100 times. */
void heartbeat(void);

static inline void heartbeat_poll(void)
{
    if (pit_ticks - beat_pit >= 100 || lapic_ticks - beat_lapic >= 100) {
        heartbeat();
    }
}

/*
 * Dirties RAM from 1 MiB up to dirty_mib MiB of RAM (as counted by -m),
 * forever, or until `passes` passes are done when passes is non-zero.
 */
NORETURN void dirty_run(const struct boot_info *bi, unsigned long dirty_mib,
                        unsigned long passes);

#endif
