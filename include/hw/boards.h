/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machines.  A machine class builds its board (RAM mappings, devices,
 * vCPUs, firmware) from the MachineState that the command line filled.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"
#include "system/memory.h"

typedef struct Chardev Chardev;
typedef struct AccelOps AccelOps;

#define MAX_SERIAL_PORTS 4

typedef struct MachineState {
    const struct MachineClass *mc;
    const AccelOps *accel;           /* NULL for -machine none w/o accel */
    uint64_t ram_size;               /* -m, bytes */
    const char *memory_backend;      /* -machine memory-backend=ID */
    RAMBlock *ram;                   /* the main RAM block */
    unsigned smp_cpus, max_cpus, sockets, dies, cores, threads;
    const char *cpu_model;           /* -cpu host[,+feat,-feat,feat=on] */
    const char *bios;                /* -bios FILE */
    const char *kernel;              /* -kernel FILE (multiboot) */
    const char *kernel_cmdline;      /* -append */
    bool no_reboot, no_shutdown;
    Chardev *serial[MAX_SERIAL_PORTS]; /* -serial, NULL where none */
} MachineState;

extern MachineState *current_machine;

/* Reset handlers, run in registration order on system_reset. */
typedef void QEMUResetHandler(void *opaque);
void qemu_register_reset(QEMUResetHandler *fn, void *opaque);
void qemu_devices_reset(void);

/* Guest-initiated requests from device code (vCPU thread, BQL held). */
void qemu_system_guest_reset_request(void);     /* honours -no-reboot */
void qemu_system_guest_poweroff_request(void);  /* honours -no-shutdown */

#endif
