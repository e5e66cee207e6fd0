/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ferry-system-x86_64: start-up, main loop, exit. */
#include "qemu/osdep.h"
#include "system/system.h"
#include "system/runstate.h"
#include <signal.h>

int main(int argc, char **argv)
{
    /* A peer that hangs up must not kill us while we write to it. */
    signal(SIGPIPE, SIG_IGN);
    qemu_init(argc, argv);
    main_loop_run();
    qemu_cleanup();
    return 0;
}
