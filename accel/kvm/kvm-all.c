/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM accelerator: /dev/kvm, the VM, its irqchip, PIT and memory slots. */
#include "qemu/osdep.h"
#include "system/kvm.h"
#include "system/accel-ops.h"
#include "accel/kvm/kvm-int.h"
#include <sys/ioctl.h>
#include <sys/mman.h>

#define KVM_DEVICE "/dev/kvm"

/* Where QEMU puts the VMX real-mode helpers: just below the BIOS. */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR          0xfeffd000ULL

#define KVM_MAX_CPUID_ENTRIES 256
#define KVM_NR_GSIS 24

KVMState kvm_state = { .fd = -1, .vmfd = -1 };

/* Capabilities the accelerator cannot work without. */
static const struct { int cap; const char *name; } kvm_required_caps[] = {
    { KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
    { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
    { KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
    { KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
    { KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
    { KVM_CAP_PIT2, "KVM_CAP_PIT2" },
    { KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
    { KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
    { KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS" },
    { KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS" },
    { KVM_CAP_XSAVE, "KVM_CAP_XSAVE" },
    { KVM_CAP_XCRS, "KVM_CAP_XCRS" },
    { KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM" },
    { KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

int kvm_ioctl_retry(int fd, unsigned long req, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, req, arg);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

static int kvm_check_extension(int fd, int cap)
{
    int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return ret < 0 ? 0 : ret;
}

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

bool kvm_enabled(void)
{
    return kvm_state.enabled;
}

bool kvm_msr_supported(uint32_t index)
{
    for (unsigned i = 0; i < kvm_state.nr_msrs; i++) {
        if (kvm_state.msr_list[i] == index) {
            return true;
        }
    }
    return false;
}

static bool kvm_load_host_tables(Error **errp)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };
    struct kvm_msr_list *list;
    struct kvm_cpuid2 *cpuid;
    int ret;

    cpuid = g_malloc0(sizeof(*cpuid) +
                      KVM_MAX_CPUID_ENTRIES * sizeof(cpuid->entries[0]));
    cpuid->nent = KVM_MAX_CPUID_ENTRIES;
    ret = kvm_ioctl_retry(kvm_state.fd, KVM_GET_SUPPORTED_CPUID, cpuid);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_SUPPORTED_CPUID failed");
        g_free(cpuid);
        return false;
    }
    kvm_state.supported_cpuid = cpuid;

    ret = ioctl(kvm_state.fd, KVM_GET_MSR_INDEX_LIST, &probe);
    if (ret < 0 && errno != E2BIG) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_MSR_INDEX_LIST failed");
        return false;
    }
    list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
    list->nmsrs = probe.nmsrs;
    ret = kvm_ioctl_retry(kvm_state.fd, KVM_GET_MSR_INDEX_LIST, list);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_MSR_INDEX_LIST failed");
        g_free(list);
        return false;
    }
    kvm_state.nr_msrs = list->nmsrs;
    kvm_state.msr_list = g_memdup2(list->indices,
                                   list->nmsrs * sizeof(uint32_t));
    g_free(list);
    return true;
}

/*
 * GSI routing as QEMU's PC: ISA IRQ n is GSI n on the 8259s (except the
 * cascade, 2) and on IOAPIC pin n, but IRQ 0 goes to IOAPIC pin 2.
 */
static bool kvm_setup_irq_routing(Error **errp)
{
    struct kvm_irq_routing *r;
    unsigned n = 0;
    int ret;

    r = g_malloc0(sizeof(*r) + 64 * sizeof(r->entries[0]));
    for (unsigned gsi = 0; gsi < 16; gsi++) {
        if (gsi == 2) {
            continue;
        }
        r->entries[n].gsi = gsi;
        r->entries[n].type = KVM_IRQ_ROUTING_IRQCHIP;
        r->entries[n].u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
                                                  : KVM_IRQCHIP_PIC_SLAVE;
        r->entries[n].u.irqchip.pin = gsi % 8;
        n++;
    }
    for (unsigned gsi = 0; gsi < KVM_NR_GSIS; gsi++) {
        if (gsi == 2) {
            continue;
        }
        r->entries[n].gsi = gsi;
        r->entries[n].type = KVM_IRQ_ROUTING_IRQCHIP;
        r->entries[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
        r->entries[n].u.irqchip.pin = gsi == 0 ? 2 : gsi;
        n++;
    }
    r->nr = n;
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_GSI_ROUTING, r);
    g_free(r);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_GSI_ROUTING failed");
        return false;
    }
    return true;
}

static bool kvm_create_vm(Error **errp)
{
    struct kvm_pit_config pit = { .flags = 0 };   /* speaker emulated */
    uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
    int ret;

    do {
        kvm_state.vmfd = ioctl(kvm_state.fd, KVM_CREATE_VM, 0);
    } while (kvm_state.vmfd < 0 && errno == EINTR);
    if (kvm_state.vmfd < 0) {
        error_setg_errno(errp, errno, "ioctl(KVM_CREATE_VM) failed");
        return false;
    }
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_IDENTITY_MAP_ADDR failed");
        return false;
    }
    ret = ioctl(kvm_state.vmfd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_TSS_ADDR failed");
        return false;
    }
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_CREATE_IRQCHIP, NULL);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_CREATE_IRQCHIP failed");
        return false;
    }
    if (!kvm_setup_irq_routing(errp)) {
        return false;
    }
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_CREATE_PIT2, &pit);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_CREATE_PIT2 failed");
        return false;
    }
    return true;
}

/*
 * Manual dirty-log protection, if offered, without initially-set bitmaps:
 * with them KVM defers write protection to the first KVM_CLEAR_DIRTY_LOG,
 * which then walks every page of every slot (19 ms for a mostly empty
 * 8 GiB guest here); without them, enabling the log write-protects only
 * the pages that are mapped (about 1 ms).  Migration marks every page
 * dirty at setup itself, so nothing else changes.
 */
static void kvm_enable_manual_dirty_log(void)
{
    int flags = kvm_check_extension(kvm_state.vmfd,
                                    KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
    struct kvm_enable_cap cap = { .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 };

    flags &= KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
    if (!(flags & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)) {
        return;
    }
    cap.args[0] = flags;
    if (kvm_ioctl_retry(kvm_state.vmfd, KVM_ENABLE_CAP, &cap) == 0) {
        kvm_state.manual_dirty_protect = true;
    }
}

void kvm_cleanup(void)
{
    for (int i = 0; i < kvm_state.nr_slots; i++) {
        g_free(kvm_state.slots[i].dirty);
    }
    g_free(kvm_state.slots);
    g_free(kvm_state.supported_cpuid);
    g_free(kvm_state.msr_list);
    if (kvm_state.vmfd >= 0) {
        close(kvm_state.vmfd);
    }
    if (kvm_state.fd >= 0) {
        close(kvm_state.fd);
    }
    memset(&kvm_state, 0, sizeof(kvm_state));
    kvm_state.fd = kvm_state.vmfd = -1;
    if (current_accel() == &kvm_accel_ops) {
        accel_set_current(NULL);
    }
}

bool kvm_init(Error **errp)
{
    int ret;

    if (kvm_state.enabled) {
        return true;
    }
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
    for (size_t i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
        if (!kvm_check_extension(kvm_state.fd, kvm_required_caps[i].cap)) {
            error_set(errp, ERROR_CLASS_KVM_MISSING_CAP,
                      "kvm: missing capability %s",
                      kvm_required_caps[i].name);
            goto fail;
        }
    }
    kvm_state.vcpu_mmap_size = ioctl(kvm_state.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (kvm_state.vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "kvm: KVM_GET_VCPU_MMAP_SIZE failed");
        goto fail;
    }
    kvm_state.max_slots = kvm_check_extension(kvm_state.fd,
                                              KVM_CAP_NR_MEMSLOTS);
    if (kvm_state.max_slots <= 0) {
        kvm_state.max_slots = 32;
    }
    kvm_state.slots = g_new0(KVMSlot, kvm_state.max_slots);
    if (!kvm_load_host_tables(errp) || !kvm_create_vm(errp)) {
        goto fail;
    }
    ret = kvm_check_extension(kvm_state.vmfd, KVM_CAP_XSAVE2);
    kvm_state.xsave_size = ret > 0 ? MAX(ret, (int)sizeof(struct kvm_xsave))
                                   : 0;
    kvm_state.has_smm_events = kvm_check_extension(kvm_state.vmfd,
                                                   KVM_CAP_X86_SMM);
    kvm_enable_manual_dirty_log();
    kvm_state.enabled = true;
    accel_set_current(&kvm_accel_ops);
    return true;

fail:
    kvm_cleanup();
    return false;
}

static bool kvm_accel_init(MachineState *ms, Error **errp)
{
    return kvm_init(errp);
}

static bool kvm_set_slot(int id, const KVMSlot *s, Error **errp)
{
    struct kvm_userspace_memory_region r = {
        .slot = id,
        .flags = s->flags,
        .guest_phys_addr = s->gpa,
        .memory_size = s->size,
        .userspace_addr = (uintptr_t)s->host,
    };
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_SET_USER_MEMORY_REGION, &r);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot map guest memory at 0x%"
                         PRIx64 " (size 0x%" PRIx64 ")", s->gpa, s->size);
        return false;
    }
    return true;
}

static bool kvm_map_memory(GuestMemMapping *m, Error **errp)
{
    KVMSlot *s;
    int id;

    if (!kvm_state.enabled) {
        error_setg(errp, "kvm: the accelerator is not initialized");
        return false;
    }
    if (kvm_state.nr_slots >= kvm_state.max_slots) {
        error_setg(errp, "kvm: no free memory slot for guest memory at 0x%"
                   PRIx64 " (KVM allows %d)", m->gpa, kvm_state.max_slots);
        return false;
    }
    if ((m->gpa | m->size | m->offset) & (TARGET_PAGE_SIZE - 1)) {
        error_setg(errp, "kvm: guest memory at 0x%" PRIx64 " is not "
                   "page aligned", m->gpa);
        return false;
    }
    id = kvm_state.nr_slots;
    s = &kvm_state.slots[id];
    s->m = m;
    s->gpa = m->gpa;
    s->size = m->size;
    s->host = m->block->host + m->offset;
    s->flags = (m->readonly || m->block->readonly) ? KVM_MEM_READONLY : 0;
    if (kvm_state.dirty_logging && !(s->flags & KVM_MEM_READONLY)) {
        s->flags |= KVM_MEM_LOG_DIRTY_PAGES;
    }
    if (!kvm_set_slot(id, s, errp)) {
        memset(s, 0, sizeof(*s));
        return false;
    }
    kvm_state.nr_slots++;
    m->slot = id;
    return true;
}

static void kvm_set_irq(int gsi, int level)
{
    struct kvm_irq_level irq = { .irq = gsi, .level = level };
    int ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_IRQ_LINE, &irq);

    if (ret < 0) {
        error_report("kvm: KVM_IRQ_LINE for GSI %d failed: %s", gsi,
                     strerror(-ret));
    }
}

/* Is a guest write to gpa one to ROM (a read-only slot)? */
bool kvm_gpa_is_rom(uint64_t gpa)
{
    for (int i = 0; i < kvm_state.nr_slots; i++) {
        const KVMSlot *s = &kvm_state.slots[i];

        if ((s->flags & KVM_MEM_READONLY) && gpa >= s->gpa &&
            gpa - s->gpa < s->size) {
            return true;
        }
    }
    return false;
}

/* --- dirty logging --- */

static bool kvm_slot_log_dirty(int id, bool on, Error **errp)
{
    KVMSlot *s = &kvm_state.slots[id];
    KVMSlot want = *s;

    if (s->flags & KVM_MEM_READONLY) {
        return true;
    }
    want.flags = on ? s->flags | KVM_MEM_LOG_DIRTY_PAGES
                    : s->flags & ~KVM_MEM_LOG_DIRTY_PAGES;
    if (want.flags == s->flags) {
        return true;
    }
    if (!kvm_set_slot(id, &want, errp)) {
        return false;
    }
    s->flags = want.flags;
    return true;
}

static bool kvm_dirty_log_start(Error **errp)
{
    for (int i = 0; i < kvm_state.nr_slots; i++) {
        if (!kvm_slot_log_dirty(i, true, errp)) {
            return false;
        }
    }
    kvm_state.dirty_logging = true;
    return true;
}

static void kvm_dirty_log_stop(void)
{
    Error *err = NULL;

    kvm_state.dirty_logging = false;
    for (int i = 0; i < kvm_state.nr_slots; i++) {
        if (!kvm_slot_log_dirty(i, false, &err)) {
            error_report_err(err);
            err = NULL;
        }
    }
}

static bool kvm_dirty_log_sync(GuestMemMapping *m, unsigned long *bitmap,
                               Error **errp)
{
    KVMSlot *s;
    uint64_t pages;
    size_t longs;
    struct kvm_dirty_log log = { 0 };
    int ret;

    if (m->slot < 0 || m->slot >= kvm_state.nr_slots ||
        kvm_state.slots[m->slot].m != m) {
        error_setg(errp, "kvm: guest memory at 0x%" PRIx64 " has no slot",
                   m->gpa);
        return false;
    }
    s = &kvm_state.slots[m->slot];
    if (!(s->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        return true;      /* ROM, or logging off: nothing is dirtied */
    }
    pages = s->size >> TARGET_PAGE_BITS;
    /* KVM's bitmap is in 64-bit words. */
    longs = DIV_ROUND_UP(pages, 64) * (64 / (8 * sizeof(long)));
    if (!s->dirty) {
        s->dirty = g_new0(unsigned long, longs);
    }
    memset(s->dirty, 0, longs * sizeof(long));
    log.slot = m->slot;
    log.dirty_bitmap = s->dirty;
    ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_GET_DIRTY_LOG, &log);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_DIRTY_LOG failed");
        return false;
    }
    for (size_t i = 0; i < longs; i++) {
        bitmap[i] |= s->dirty[i];
    }
    if (kvm_state.manual_dirty_protect) {
        struct kvm_clear_dirty_log clear = {
            .slot = m->slot,
            .first_page = 0,
            .num_pages = pages,
            .dirty_bitmap = s->dirty,
        };

        ret = kvm_ioctl_retry(kvm_state.vmfd, KVM_CLEAR_DIRTY_LOG, &clear);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_CLEAR_DIRTY_LOG failed");
            return false;
        }
    }
    return true;
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_accel_init,
    .map_memory = kvm_map_memory,
    .vcpu_init = kvm_vcpu_init,
    .vcpu_destroy = kvm_vcpu_destroy,
    .vcpu_exec = kvm_cpu_exec,
    .vcpu_kick = kvm_vcpu_kick,
    .get_state = kvm_arch_get_state,
    .put_state = kvm_arch_put_state,
    .set_irq = kvm_set_irq,
    .dirty_log_start = kvm_dirty_log_start,
    .dirty_log_sync = kvm_dirty_log_sync,
    .dirty_log_stop = kvm_dirty_log_stop,
};
