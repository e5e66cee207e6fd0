/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM accelerator: /dev/kvm and the VM file descriptor. */
#include "qemu/osdep.h"
#include "system/kvm.h"
#include <sys/ioctl.h>
#include <linux/kvm.h>

#define KVM_DEVICE "/dev/kvm"

static struct {
    int fd;
    int vmfd;
    bool enabled;
} kvm_state = { -1, -1, false };

bool kvm_available(void)
{
    int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
    close(fd);
    return ok;
}

bool kvm_init(Error **errp)
{
    int ret;

    kvm_state.fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (kvm_state.fd < 0) {
        error_setg_errno(errp, errno, "Could not access KVM kernel module");
        return false;
    }
    ret = ioctl(kvm_state.fd, KVM_GET_API_VERSION, 0);
    if (ret != KVM_API_VERSION) {
        error_setg(errp, "kvm version (%d) is not the expected version (%d)",
                   ret, KVM_API_VERSION);
        goto fail;
    }
    do {
        kvm_state.vmfd = ioctl(kvm_state.fd, KVM_CREATE_VM, 0);
    } while (kvm_state.vmfd < 0 && errno == EINTR);
    if (kvm_state.vmfd < 0) {
        error_setg_errno(errp, errno, "failed to initialize kvm: "
                         "ioctl(KVM_CREATE_VM) failed");
        goto fail;
    }
    kvm_state.enabled = true;
    return true;

fail:
    close(kvm_state.fd);
    kvm_state.fd = -1;
    return false;
}

bool kvm_enabled(void)
{
    return kvm_state.enabled;
}
