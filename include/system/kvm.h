/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator as the rest of the emulator sees it. */
#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include <stdbool.h>
#include "qapi/error.h"

/* /dev/kvm can be opened and speaks the stable API. */
bool kvm_available(void);
/* Open /dev/kvm and create the VM; errors name what failed. */
bool kvm_init(Error **errp);
bool kvm_enabled(void);

#endif
