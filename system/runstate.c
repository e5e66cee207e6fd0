/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run state, start/stop, shutdown requests and the main loop. */
#include "qemu/osdep.h"
#include "system/runstate.h"
#include "qapi/qapi-events-run-state.h"
#include "qapi/qapi-commands-run-state.h"

static RunState current_run_state = RUN_STATE_PRELAUNCH;
static ShutdownCause shutdown_request = SHUTDOWN_CAUSE_NONE;
bool autostart = true;

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

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    runstate_set(RUN_STATE_RUNNING);
    qapi_event_send_resume();
}

void vm_stop(RunState state)
{
    bool was_running = runstate_is_running();

    runstate_set(state);
    if (was_running) {
        qapi_event_send_stop();
    }
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    shutdown_request = cause;
    g_main_context_wakeup(NULL);
}

ShutdownCause qemu_shutdown_requested(void)
{
    return shutdown_request;
}

static bool shutdown_caused_by_guest(ShutdownCause cause)
{
    return cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
}

static gboolean on_term_signal(gpointer opaque)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

void main_loop_run(void)
{
    g_unix_signal_add(SIGTERM, on_term_signal, NULL);
    g_unix_signal_add(SIGINT, on_term_signal, NULL);
    g_unix_signal_add(SIGHUP, on_term_signal, NULL);
    while (shutdown_request == SHUTDOWN_CAUSE_NONE) {
        g_main_context_iteration(NULL, TRUE);
    }
    qapi_event_send_shutdown(shutdown_caused_by_guest(shutdown_request),
                             shutdown_request);
    /* A vCPU-less VM that was running stops on the way out. */
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
