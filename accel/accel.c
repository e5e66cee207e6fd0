/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The current accelerator (AccelOps), set when one initializes. */
#include "qemu/osdep.h"
#include "system/accel-ops.h"

static const AccelOps *accel_current;

const AccelOps *current_accel(void)
{
    return accel_current;
}

void accel_set_current(const AccelOps *ops)
{
    accel_current = ops;
}
