/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration state of the devices KVM emulates in the kernel: the two
 * 8259 PICs ("i8259", instances 0 and 1), the IOAPIC ("ioapic"), the PIT
 * ("i8254") and the VM clock ("kvmclock").  Their pre_save/post_load get
 * and put the state with KVM_GET/SET_IRQCHIP, _PIT2 and _CLOCK.
 *
 * No KVM headers here: a machine may call these whatever the build.
 * Main thread only.
 */
#ifndef ACCEL_KVM_VMSTATE_H
#define ACCEL_KVM_VMSTATE_H

#include <stdbool.h>

#ifdef CONFIG_KVM
/* Register the sections if KVM is the accelerator (else nothing).
 * Idempotent. */
void kvm_devices_vmstate_register(void);
/* Remove them (before kvm_cleanup(); tests). */
void kvm_devices_vmstate_unregister(void);
#else
static inline void kvm_devices_vmstate_register(void)
{
}

static inline void kvm_devices_vmstate_unregister(void)
{
}
#endif

#endif
