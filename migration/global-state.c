/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "globalstate" section: the source's run state, for the destination. */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/vmstate.h"
#include "system/runstate.h"

/* Wire layout as QEMU's migration/global_state.c: be32 size, 100 bytes. */
typedef struct GlobalState {
    uint32_t size;
    uint8_t runstate[100];
    RunState state;
    bool received;
    bool vm_was_suspended;
} GlobalState;

/* Written in the main thread (store) or the loading thread (post_load),
 * never both at once: a process migrates one way at a time. */
static GlobalState global_state;

static void global_state_do_store(RunState state)
{
    const char *name = RunState_str(state);

    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    g_strlcpy((char *)global_state.runstate, name,
              sizeof(global_state.runstate));
    global_state.vm_was_suspended = state == RUN_STATE_SUSPENDED;
}

void global_state_store(void)
{
    global_state_do_store(runstate_get());
}

void global_state_store_running(void)
{
    global_state_do_store(RUN_STATE_RUNNING);
}

bool global_state_received(void)
{
    return global_state.received;
}

RunState global_state_get_runstate(void)
{
    return global_state.received ? global_state.state : RUN_STATE__MAX;
}

static bool global_state_needed(void *opaque)
{
    GlobalState *s = opaque;
    const char *runstate = (const char *)s->runstate;

    if (migrate_store_global_state()) {
        return true;
    }
    /* running and paused are what a destination assumes anyway */
    return strcmp(runstate, "running") != 0 && strcmp(runstate, "paused") != 0;
}

static int global_state_pre_save(void *opaque)
{
    GlobalState *s = opaque;

    s->size = strnlen((char *)s->runstate, sizeof(s->runstate)) + 1;
    return 0;
}

static int global_state_post_load(void *opaque, int version_id)
{
    GlobalState *s = opaque;
    const char *runstate = (const char *)s->runstate;
    int r;

    s->received = true;
    /* a hostile stream may leave no NUL: force one */
    s->runstate[sizeof(s->runstate) - 1] = '\0';
    for (r = 0; r < RUN_STATE__MAX; r++) {
        if (strcmp(runstate, RunState_str(r)) == 0) {
            break;
        }
    }
    if (r == RUN_STATE__MAX) {
        error_report("Invalid run state '%s' in the incoming global state",
                     runstate);
        return -EINVAL;
    }
    s->state = r;
    return 0;
}

static int global_state_pre_load(void *opaque)
{
    GlobalState *s = opaque;

    s->received = false;
    return 0;
}

static bool global_state_has_vm_was_suspended(void *opaque)
{
    return true;
}

static const VMStateDescription vmstate_vm_was_suspended = {
    .name = "globalstate/vm_was_suspended",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = global_state_has_vm_was_suspended,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(vm_was_suspended, GlobalState),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_globalstate = {
    .name = "globalstate",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_load = global_state_pre_load,
    .post_load = global_state_post_load,
    .pre_save = global_state_pre_save,
    .needed = global_state_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(size, GlobalState),
        VMSTATE_BUFFER(runstate, GlobalState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_vm_was_suspended,
        NULL
    },
};

void register_global_state(void)
{
    /* the default: a stream without it means "running" */
    global_state_do_store(RUN_STATE_RUNNING);
    global_state.received = false;
    vmstate_register(NULL, 0, &vmstate_globalstate, &global_state);
}
