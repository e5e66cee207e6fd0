/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator as the rest of the emulator sees it. */
#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include <stdbool.h>
#include "qapi/error.h"

typedef struct AccelOps AccelOps;

/* /dev/kvm can be opened and speaks the stable API. */
bool kvm_available(void);
/*
 * Open /dev/kvm, check the capabilities Ferry needs, create the VM with
 * its in-kernel irqchip and PIT, and make KVM the current accelerator
 * (accel_set_current).  Idempotent.  Errors name what failed; a missing
 * capability has class KVMMissingCap.  Same as kvm_accel_ops.init.
 */
bool kvm_init(Error **errp);
bool kvm_enabled(void);
/* Close the VM (vCPUs must be destroyed first): tests, exit. */
void kvm_cleanup(void);

extern const AccelOps kvm_accel_ops;

#endif
