/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state, start/stop, reset and shutdown requests, and the main loop.
 *
 * Requests may come from vCPU threads (a guest writing a reset or
 * power-off port, with the BQL held): they only record the request and
 * wake the main loop, which acts on it in the main thread.
 */
#include "qemu/osdep.h"
#include "system/runstate.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "qapi/qapi-events-run-state.h"
#include "qapi/qapi-commands-run-state.h"
#include "qapi/qapi-commands-machine.h"

static RunState current_run_state = RUN_STATE_PRELAUNCH;
/* Written by vCPU threads, read by the main loop. */
static volatile int shutdown_request = SHUTDOWN_CAUSE_NONE;
static volatile int reset_request = SHUTDOWN_CAUSE_NONE;
static volatile int vmstop_request = -1;
bool autostart = true;
bool no_reboot;
bool no_shutdown;
/* quit and signals end the process even with -no-shutdown (QEMU) */
static bool shutdown_forced;

RunState runstate_get(void)
{
    return current_run_state;
}

bool runstate_check(RunState state)
{
    return current_run_state == state;
}

bool runstate_is_running(void)
{
    return current_run_state == RUN_STATE_RUNNING;
}

void runstate_set(RunState state)
{
    current_run_state = state;
}

const char *runstate_name(RunState state)
{
    return RunState_str(state);
}

struct VMChangeStateEntry {
    VMChangeStateHandler *cb;
    void *opaque;
};

static GList *vm_change_handlers;

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque)
{
    VMChangeStateEntry *e = g_new(VMChangeStateEntry, 1);

    e->cb = cb;
    e->opaque = opaque;
    vm_change_handlers = g_list_append(vm_change_handlers, e);
    return e;
}

void qemu_del_vm_change_state_handler(VMChangeStateEntry *e)
{
    vm_change_handlers = g_list_remove(vm_change_handlers, e);
    g_free(e);
}

static void vm_state_notify(bool running, RunState state)
{
    for (GList *l = vm_change_handlers; l; l = l->next) {
        VMChangeStateEntry *e = l->data;

        e->cb(e->opaque, running, state);
    }
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    runstate_set(RUN_STATE_RUNNING);
    vm_state_notify(true, RUN_STATE_RUNNING);
    qapi_event_send_resume();
    resume_all_vcpus();
}

void vm_stop(RunState state)
{
    bool was_running = runstate_is_running();

    if (was_running) {
        pause_all_vcpus();
    }
    runstate_set(state);
    if (was_running) {
        vm_state_notify(false, state);
        qapi_event_send_stop();
    }
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    if (cause != SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
        cause != SHUTDOWN_CAUSE_GUEST_RESET &&
        cause != SHUTDOWN_CAUSE_GUEST_PANIC) {
        shutdown_forced = true;
    }
    shutdown_request = cause;
    g_main_context_wakeup(NULL);
}

ShutdownCause qemu_shutdown_requested(void)
{
    return shutdown_request;
}

void qemu_system_reset_request(ShutdownCause cause)
{
    if (no_reboot) {
        /* -no-reboot: every reset becomes a shutdown, as in QEMU */
        qemu_system_shutdown_request(cause);
        return;
    }
    reset_request = cause;
    g_main_context_wakeup(NULL);
}

void qemu_system_guest_reset_request(void)
{
    if (no_reboot) {
        shutdown_request = SHUTDOWN_CAUSE_GUEST_RESET;
        g_main_context_wakeup(NULL);
        return;
    }
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

void qemu_system_guest_poweroff_request(void)
{
    shutdown_request = SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
    g_main_context_wakeup(NULL);
}

void qemu_system_vmstop_request(RunState state)
{
    vmstop_request = state;
    g_main_context_wakeup(NULL);
}

static bool shutdown_caused_by_guest(ShutdownCause cause)
{
    return cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
}

/* Reset handlers: devices register theirs at machine init. */
typedef struct ResetEntry {
    QEMUResetHandler *fn;
    void *opaque;
} ResetEntry;

static GArray *reset_handlers;

void qemu_register_reset(QEMUResetHandler *fn, void *opaque)
{
    ResetEntry e = { fn, opaque };

    if (!reset_handlers) {
        reset_handlers = g_array_new(FALSE, FALSE, sizeof(ResetEntry));
    }
    g_array_append_val(reset_handlers, e);
}

void qemu_devices_reset(void)
{
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetEntry *e = &g_array_index(reset_handlers, ResetEntry, i);

        e->fn(e->opaque);
    }
}

/* The whole machine back to power-on: devices, then every vCPU. */
static void qemu_system_reset(ShutdownCause cause)
{
    CPUState *cpu;
    bool was_running = runstate_is_running();

    if (was_running) {
        pause_all_vcpus();
    }
    /* CPUs first: a device's reset (the Multiboot loader) may set the
     * BSP's entry state, as in QEMU. */
    CPU_FOREACH(cpu) {
        cpu_reset(cpu);
    }
    bql_lock();
    qemu_devices_reset();
    bql_unlock();
    if (cause != SHUTDOWN_CAUSE_NONE) {
        qapi_event_send_reset(shutdown_caused_by_guest(cause), cause);
    }
    if (runstate_check(RUN_STATE_SHUTDOWN) ||
        runstate_check(RUN_STATE_INTERNAL_ERROR)) {
        /* a reset makes a shut-down VM startable again (paused) */
        runstate_set(RUN_STATE_PAUSED);
    }
    if (was_running) {
        resume_all_vcpus();
    }
}

/* Act on a pending shutdown; true when the process should exit. */
static bool handle_shutdown_request(void)
{
    ShutdownCause cause = shutdown_request;

    shutdown_request = SHUTDOWN_CAUSE_NONE;
    qapi_event_send_shutdown(shutdown_caused_by_guest(cause), cause);
    if (no_shutdown && !shutdown_forced) {
        /* -no-shutdown: stop in "shutdown"; system_reset + cont restart */
        vm_stop(RUN_STATE_SHUTDOWN);
        return false;
    }
    return true;
}

/* A vCPU hit an exit nothing can resolve: QEMU's "internal-error". */
static void on_vcpu_fatal(CPUState *cpu, int excp)
{
    qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
}

static gboolean on_term_signal(gpointer opaque)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

void main_loop_run(void)
{
    cpus_set_fatal_handler(on_vcpu_fatal);
    g_unix_signal_add(SIGTERM, on_term_signal, NULL);
    g_unix_signal_add(SIGINT, on_term_signal, NULL);
    g_unix_signal_add(SIGHUP, on_term_signal, NULL);
    for (;;) {
        if (shutdown_request != SHUTDOWN_CAUSE_NONE) {
            if (handle_shutdown_request()) {
                break;
            }
        }
        if (vmstop_request >= 0) {
            RunState state = vmstop_request;

            vmstop_request = -1;
            vm_stop(state);
            continue;
        }
        if (reset_request != SHUTDOWN_CAUSE_NONE) {
            ShutdownCause cause = reset_request;

            reset_request = SHUTDOWN_CAUSE_NONE;
            qemu_system_reset(cause);
            continue;
        }
        g_main_context_iteration(NULL, TRUE);
    }
    if (runstate_is_running()) {
        pause_all_vcpus();
    }
    runstate_set(RUN_STATE_SHUTDOWN);
}

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->status = current_run_state;
    return info;
}

void qmp_stop(Error **errp)
{
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        /* QEMU: in inmigrate, stop only clears autostart. */
        autostart = false;
        return;
    }
    vm_stop(RUN_STATE_PAUSED);
}

void qmp_cont(Error **errp)
{
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        autostart = true;
        return;
    }
    if (runstate_check(RUN_STATE_INTERNAL_ERROR) ||
        runstate_check(RUN_STATE_SHUTDOWN)) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        error_setg(errp, "Migration is not finalized yet");
        return;
    }
    if (runstate_check(RUN_STATE_SUSPENDED)) {
        return;
    }
    vm_start();
}

void qmp_quit(Error **errp)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

void qmp_system_reset(Error **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}
