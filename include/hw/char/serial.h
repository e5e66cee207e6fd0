/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART on ISA port I/O (COM1: 0x3F8, IRQ 4).
 *
 * Register accesses come from vCPU threads under the BQL; bytes from the
 * chardev arrive in the main thread, which takes the BQL around them.
 * The interrupt line is driven through AccelOps.set_irq (none without an
 * accelerator).
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

typedef struct Chardev Chardev;
typedef struct SerialState SerialState;

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ 4

/*
 * Create a UART at base (8 ports) raising GSI irq, attached to chr (may be
 * NULL: output is dropped, nothing is received).  Registers its reset
 * handler.  Fails if chr already has a frontend.
 */
SerialState *serial_isa_init(uint16_t base, int irq, Chardev *chr,
                             Error **errp);
/* Detach from the chardev and free (tests: after memory_cleanup()). */
void serial_isa_free(SerialState *s);
/* Power-on register values (also the reset handler). */
void serial_reset(void *opaque);

#endif
