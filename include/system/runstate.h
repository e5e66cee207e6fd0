/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM's run state (QEMU's RunState names) and shutdown requests.
 * Main thread only.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include <stdbool.h>
#include "qapi/qapi-types-run-state.h"

RunState runstate_get(void);
bool runstate_check(RunState state);
bool runstate_is_running(void);
/* Move to a new state (no events). */
void runstate_set(RunState state);
const char *runstate_name(RunState state);

/* Start the VM: state running, RESUME event.  No-op if running. */
void vm_start(void);
/* Stop the VM in state (paused, postmigrate, ...): STOP event if it ran. */
void vm_stop(RunState state);

/*
 * Called in the main thread, BQL not held: on start before the vCPUs run,
 * on stop after they have all left guest mode.  Devices use it to hold
 * back work a stopped guest must not see done (QEMU's vm change state
 * handlers).
 */
typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
typedef struct VMChangeStateEntry VMChangeStateEntry;
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque);
void qemu_del_vm_change_state_handler(VMChangeStateEntry *e);

/* -S: do not start at launch; cont in prelaunch starts. */
extern bool autostart;

/* -no-reboot: resets become shutdowns; -no-shutdown: guest power-off
 * stops the VM in "shutdown" instead of exiting. */
extern bool no_reboot;
extern bool no_shutdown;

/* Ask the main loop to reset the machine (RESET event of this cause). */
void qemu_system_reset_request(ShutdownCause cause);
/* From a vCPU thread: stop the VM in state (e.g. internal-error). */
void qemu_system_vmstop_request(RunState state);

/* Ask the main loop to exit with a SHUTDOWN event of this cause. */
void qemu_system_shutdown_request(ShutdownCause cause);
/* The pending request, SHUTDOWN_CAUSE_NONE if none. */
ShutdownCause qemu_shutdown_requested(void);

/* Run the GLib main loop until a shutdown request; emits SHUTDOWN. */
void main_loop_run(void);

#endif
