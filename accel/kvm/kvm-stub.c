/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM left out of the build (./configure --disable-kvm). */
#include "qemu/osdep.h"
#include "system/kvm.h"
#include "system/accel-ops.h"

bool kvm_available(void)
{
    return false;
}

bool kvm_init(Error **errp)
{
    error_setg(errp, "KVM support is disabled in this build of Ferry");
    return false;
}

bool kvm_enabled(void)
{
    return false;
}

void kvm_cleanup(void)
{
}

static bool kvm_stub_init(MachineState *ms, Error **errp)
{
    return kvm_init(errp);
}

/* Only init: it always fails, so nothing else is ever called. */
const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_stub_init,
};
