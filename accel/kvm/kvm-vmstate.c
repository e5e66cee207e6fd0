/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmstate of KVM's in-kernel PICs, IOAPIC, PIT and clock (ioctl get/put). */
#include "qemu/osdep.h"
#include "accel/kvm/kvm-vmstate.h"
#include "accel/kvm/kvm-int.h"
#include "system/kvm.h"
#include "migration/vmstate.h"

#define KVM_IOAPIC_PINS 24     /* KVM_IOAPIC_NUM_PINS */
#define KVM_PIT_CHANNELS 3

/*
 * Each device's state as it travels: the fields of KVM's structures under
 * QEMU's names.  pre_save fills it from the kernel, post_load reads the
 * kernel's current state, overlays it and writes it back (so fields the
 * stream does not carry, like the IOAPIC base address, stay valid).
 */
typedef struct KVMPICState {
    uint32_t chip_id;              /* KVM_IRQCHIP_PIC_MASTER or _SLAVE */
    uint8_t last_irr, irr, imr, isr, priority_add, irq_base;
    uint8_t read_reg_select, poll, special_mask, init_state, auto_eoi;
    uint8_t rotate_on_auto_eoi, special_fully_nested_mode, init4;
    uint8_t elcr, elcr_mask;
} KVMPICState;

typedef struct KVMIOAPICState {
    uint32_t id, ioregsel, irr;
    uint64_t ioredtbl[KVM_IOAPIC_PINS];
} KVMIOAPICState;

typedef struct KVMPITChannel {
    uint32_t count;
    uint16_t latched_count;
    uint8_t count_latched, status_latched, status, read_state, write_state;
    uint8_t write_latch, rw_mode, mode, bcd, gate;
    int64_t count_load_time;       /* host ns; KVM restarts the count */
} KVMPITChannel;

typedef struct KVMPITState {
    KVMPITChannel channels[KVM_PIT_CHANNELS];
    uint32_t flags;
} KVMPITState;

typedef struct KVMClockState {
    uint64_t clock;                /* guest ns at save */
} KVMClockState;

static KVMPICState kvm_pic[2] = {
    { .chip_id = KVM_IRQCHIP_PIC_MASTER },
    { .chip_id = KVM_IRQCHIP_PIC_SLAVE },
};
static KVMIOAPICState kvm_ioapic;
static KVMPITState kvm_pit;
static KVMClockState kvm_clock;
static bool kvm_devices_registered;

static int kvm_get_irqchip(uint32_t chip_id, struct kvm_irqchip *c)
{
    int ret;

    memset(c, 0, sizeof(*c));
    c->chip_id = chip_id;
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_GET_IRQCHIP, c);
    if (ret < 0) {
        error_report("kvm: KVM_GET_IRQCHIP (chip %u) failed: %s", chip_id,
                     strerror(-ret));
    }
    return ret;
}

static int kvm_set_irqchip(struct kvm_irqchip *c)
{
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_IRQCHIP, c);

    if (ret < 0) {
        error_report("kvm: KVM_SET_IRQCHIP (chip %u) failed: %s", c->chip_id,
                     strerror(-ret));
    }
    return ret;
}

/* --- 8259 PIC --- */

#define PIC_FIELDS(X) \
    X(last_irr) X(irr) X(imr) X(isr) X(priority_add) X(irq_base) \
    X(read_reg_select) X(poll) X(special_mask) X(init_state) X(auto_eoi) \
    X(rotate_on_auto_eoi) X(special_fully_nested_mode) X(init4) X(elcr) \
    X(elcr_mask)

static int kvm_pic_pre_save(void *opaque)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip c;
    int ret = kvm_get_irqchip(s->chip_id, &c);

    if (ret < 0) {
        return ret;
    }
#define X(f) s->f = c.chip.pic.f;
    PIC_FIELDS(X)
#undef X
    return 0;
}

static int kvm_pic_post_load(void *opaque, int version_id)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip c;
    int ret = kvm_get_irqchip(s->chip_id, &c);

    if (ret < 0) {
        return ret;
    }
#define X(f) c.chip.pic.f = s->f;
    PIC_FIELDS(X)
#undef X
    return kvm_set_irqchip(&c);
}

static const VMStateDescription vmstate_kvm_pic = {
    .name = "i8259",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = kvm_pic_pre_save,
    .post_load = kvm_pic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(last_irr, KVMPICState),
        VMSTATE_UINT8(irr, KVMPICState),
        VMSTATE_UINT8(imr, KVMPICState),
        VMSTATE_UINT8(isr, KVMPICState),
        VMSTATE_UINT8(priority_add, KVMPICState),
        VMSTATE_UINT8(irq_base, KVMPICState),
        VMSTATE_UINT8(read_reg_select, KVMPICState),
        VMSTATE_UINT8(poll, KVMPICState),
        VMSTATE_UINT8(special_mask, KVMPICState),
        VMSTATE_UINT8(init_state, KVMPICState),
        VMSTATE_UINT8(auto_eoi, KVMPICState),
        VMSTATE_UINT8(rotate_on_auto_eoi, KVMPICState),
        VMSTATE_UINT8(special_fully_nested_mode, KVMPICState),
        VMSTATE_UINT8(init4, KVMPICState),
        VMSTATE_UINT8(elcr, KVMPICState),
        VMSTATE_UINT8(elcr_mask, KVMPICState),
        VMSTATE_END_OF_LIST()
    },
};

/* --- IOAPIC --- */

static int kvm_ioapic_pre_save(void *opaque)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip c;
    int ret = kvm_get_irqchip(KVM_IRQCHIP_IOAPIC, &c);

    if (ret < 0) {
        return ret;
    }
    s->id = c.chip.ioapic.id;
    s->ioregsel = c.chip.ioapic.ioregsel;
    s->irr = c.chip.ioapic.irr;
    for (int i = 0; i < KVM_IOAPIC_PINS; i++) {
        s->ioredtbl[i] = c.chip.ioapic.redirtbl[i].bits;
    }
    return 0;
}

static int kvm_ioapic_post_load(void *opaque, int version_id)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip c;
    int ret = kvm_get_irqchip(KVM_IRQCHIP_IOAPIC, &c);

    if (ret < 0) {
        return ret;
    }
    c.chip.ioapic.id = s->id;
    c.chip.ioapic.ioregsel = s->ioregsel;
    c.chip.ioapic.irr = s->irr;
    for (int i = 0; i < KVM_IOAPIC_PINS; i++) {
        c.chip.ioapic.redirtbl[i].bits = s->ioredtbl[i];
    }
    return kvm_set_irqchip(&c);
}

static const VMStateDescription vmstate_kvm_ioapic = {
    .name = "ioapic",
    .version_id = 3,
    .minimum_version_id = 3,
    .pre_save = kvm_ioapic_pre_save,
    .post_load = kvm_ioapic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(id, KVMIOAPICState),
        VMSTATE_UINT32(ioregsel, KVMIOAPICState),
        VMSTATE_UINT32(irr, KVMIOAPICState),
        VMSTATE_UINT64_ARRAY(ioredtbl, KVMIOAPICState, KVM_IOAPIC_PINS),
        VMSTATE_END_OF_LIST()
    },
};

/* --- 8254 PIT --- */

#define PIT_CHANNEL_FIELDS(X) \
    X(count) X(latched_count) X(count_latched) X(status_latched) X(status) \
    X(read_state) X(write_state) X(write_latch) X(rw_mode) X(mode) X(bcd) \
    X(gate) X(count_load_time)

static int kvm_pit_get(struct kvm_pit_state2 *ps)
{
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_GET_PIT2, ps);

    if (ret < 0) {
        error_report("kvm: KVM_GET_PIT2 failed: %s", strerror(-ret));
    }
    return ret;
}

static int kvm_pit_pre_save(void *opaque)
{
    KVMPITState *s = opaque;
    struct kvm_pit_state2 ps;
    int ret = kvm_pit_get(&ps);

    if (ret < 0) {
        return ret;
    }
    for (int i = 0; i < KVM_PIT_CHANNELS; i++) {
#define X(f) s->channels[i].f = ps.channels[i].f;
        PIT_CHANNEL_FIELDS(X)
#undef X
    }
    s->flags = ps.flags;
    return 0;
}

static int kvm_pit_post_load(void *opaque, int version_id)
{
    KVMPITState *s = opaque;
    struct kvm_pit_state2 ps;
    int ret = kvm_pit_get(&ps);

    if (ret < 0) {
        return ret;
    }
    for (int i = 0; i < KVM_PIT_CHANNELS; i++) {
#define X(f) ps.channels[i].f = s->channels[i].f;
        PIT_CHANNEL_FIELDS(X)
#undef X
    }
    ps.flags = s->flags;
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_PIT2, &ps);
    if (ret < 0) {
        error_report("kvm: KVM_SET_PIT2 failed: %s", strerror(-ret));
    }
    return ret;
}

static const VMStateDescription vmstate_kvm_pit_channel = {
    .name = "pit channel",
    .version_id = 2,
    .minimum_version_id = 2,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(count, KVMPITChannel),
        VMSTATE_UINT16(latched_count, KVMPITChannel),
        VMSTATE_UINT8(count_latched, KVMPITChannel),
        VMSTATE_UINT8(status_latched, KVMPITChannel),
        VMSTATE_UINT8(status, KVMPITChannel),
        VMSTATE_UINT8(read_state, KVMPITChannel),
        VMSTATE_UINT8(write_state, KVMPITChannel),
        VMSTATE_UINT8(write_latch, KVMPITChannel),
        VMSTATE_UINT8(rw_mode, KVMPITChannel),
        VMSTATE_UINT8(mode, KVMPITChannel),
        VMSTATE_UINT8(bcd, KVMPITChannel),
        VMSTATE_UINT8(gate, KVMPITChannel),
        VMSTATE_INT64(count_load_time, KVMPITChannel),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_kvm_pit = {
    .name = "i8254",
    .version_id = 3,
    .minimum_version_id = 3,
    .pre_save = kvm_pit_pre_save,
    .post_load = kvm_pit_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(flags, KVMPITState),
        VMSTATE_STRUCT_ARRAY(channels, KVMPITState, KVM_PIT_CHANNELS, 2,
                             vmstate_kvm_pit_channel, KVMPITChannel),
        VMSTATE_END_OF_LIST()
    },
};

/* --- kvmclock --- */

static int kvm_clock_pre_save(void *opaque)
{
    KVMClockState *s = opaque;
    struct kvm_clock_data data = { 0 };
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_GET_CLOCK, &data);

    if (ret < 0) {
        error_report("kvm: KVM_GET_CLOCK failed: %s", strerror(-ret));
        return ret;
    }
    s->clock = data.clock;
    return 0;
}

static int kvm_clock_post_load(void *opaque, int version_id)
{
    KVMClockState *s = opaque;
    struct kvm_clock_data data = { .clock = s->clock };
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_CLOCK, &data);

    if (ret < 0) {
        error_report("kvm: KVM_SET_CLOCK failed: %s", strerror(-ret));
    }
    return ret;
}

static const VMStateDescription vmstate_kvm_clock = {
    .name = "kvmclock",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = kvm_clock_pre_save,
    .post_load = kvm_clock_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(clock, KVMClockState),
        VMSTATE_END_OF_LIST()
    },
};

void kvm_devices_vmstate_register(void)
{
    if (kvm_devices_registered || !kvm_enabled()) {
        return;
    }
    vmstate_register(NULL, 0, &vmstate_kvm_pic, &kvm_pic[0]);
    vmstate_register(NULL, 1, &vmstate_kvm_pic, &kvm_pic[1]);
    vmstate_register(NULL, 0, &vmstate_kvm_ioapic, &kvm_ioapic);
    vmstate_register(NULL, 0, &vmstate_kvm_pit, &kvm_pit);
    vmstate_register(NULL, 0, &vmstate_kvm_clock, &kvm_clock);
    kvm_devices_registered = true;
}

void kvm_devices_vmstate_unregister(void)
{
    if (!kvm_devices_registered) {
        return;
    }
    vmstate_unregister(&vmstate_kvm_pic, &kvm_pic[0]);
    vmstate_unregister(&vmstate_kvm_pic, &kvm_pic[1]);
    vmstate_unregister(&vmstate_kvm_ioapic, &kvm_ioapic);
    vmstate_unregister(&vmstate_kvm_pit, &kvm_pit);
    vmstate_unregister(&vmstate_kvm_clock, &kvm_clock);
    kvm_devices_registered = false;
}
