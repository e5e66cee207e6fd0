/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RAM migration against KVM's dirty log, with a guest writing all the time. */
#include "qemu/osdep.h"
#include "migration/misc.h"
#include "qapi/qapi-commands-migration.h"
#include "hw/core/cpu.h"
#include "system/accel-ops.h"
#include "system/kvm.h"
#include "system/memory.h"
#include "target/i386/cpu.h"
#include "migration/options.h"
#include "migration/register.h"
#include "migration/ram-internal.h"

#define RAM_SIZE   0xa0000ULL
#define ROM_BASE   0xf0000ULL
#define ROM_SIZE   0x10000ULL
#define CODE_ADDR  0x1000
#define COUNTER_PAGE0 0x10000

static RAMBlock *ram, *rom;

/*
 * Real mode, forever: edx++, then write edx into two dwords of every
 * 4 KiB page from 0x10000 to 0x9ffff, with a delay loop after each page
 * so that a sweep spans several dirty-log syncs: at any sync some pages
 * are clean and get written soon after.
 */
static const uint8_t dirtier[] = {
    0x66, 0x31, 0xd2,               /* 0:  xor edx, edx */
    0x66, 0x42,                     /* 3:  inc edx */
    0xb8, 0x00, 0x10,               /* 5:  mov ax, 0x1000 */
    0x8e, 0xd8,                     /* 8:  mov ds, ax */
    0x66, 0x89, 0x16, 0x00, 0x00,   /* 10: mov [0x0000], edx */
    0x66, 0x89, 0x16, 0x00, 0x08,   /* 15: mov [0x0800], edx */
    0xb9, 0x20, 0x00,               /* 20: mov cx, 0x20 */
    0xe2, 0xfe,                     /* 23: loop 23 */
    0x05, 0x00, 0x01,               /* 25: add ax, 0x100 */
    0x3d, 0x00, 0xa0,               /* 28: cmp ax, 0xa000 */
    0x72, 0xe7,                     /* 31: jb 8 */
    0xeb, 0xe0,                     /* 33: jmp 3 */
};

static bool vm_setup(void)
{
    Error *err = NULL;
    CPUState *bsp;

    if (!kvm_available()) {
        g_test_skip("/dev/kvm is not usable here");
        return false;
    }
    if (!kvm_init(&err)) {
        g_autofree char *msg = g_strdup_printf("KVM cannot be used: %s",
                                               error_get_pretty(err));
        error_free(err);
        g_test_skip(msg);
        return false;
    }
    x86_cpu_model_set_current(x86_cpu_model_parse("host,-arch-capabilities",
                                                  &error_abort));
    ram = ram_block_alloc("test.ram", RAM_SIZE, &error_abort);
    rom = ram_block_alloc("test.rom", ROM_SIZE, &error_abort);
    g_assert_true(memory_map_ram(0, ram, 0, RAM_SIZE, false, &error_abort));
    g_assert_true(memory_map_ram(ROM_BASE, rom, 0, ROM_SIZE, true,
                                 &error_abort));
    memset(rom->host, 0xf4, ROM_SIZE);       /* hlt */
    g_assert_true(cpus_create(1, &error_abort));
    memcpy(ram->host + CODE_ADDR, dirtier, sizeof(dirtier));
    bsp = qemu_get_cpu(0);
    bsp->arch->segs[R_CS].selector = 0;
    bsp->arch->segs[R_CS].base = 0;
    bsp->arch->rip = CODE_ADDR;
    bsp->vcpu_dirty = true;
    return true;
}

static void vm_teardown(void)
{
    cpus_destroy();
    memory_cleanup();
    kvm_cleanup();
    x86_cpu_model_set_current(NULL);
}

static uint32_t counter_at(const uint8_t *mem, uint64_t page_addr)
{
    uint32_t v;

    memcpy(&v, mem + page_addr, sizeof(v));
    return v;
}

/*
 * Migrate the running guest's RAM (setup, iterations with syncs, pause,
 * completion) into a buffer, load it back over clobbered RAM and compare
 * with what RAM held when the vCPU stopped.  Repeated, resuming the
 * guest from the loaded copy each time.
 */
static void test_migrate_busy_guest(void)
{
    RAMState rs = { 0 };

    if (!vm_setup()) {
        return;
    }
    resume_all_vcpus();
    for (int round = 0; round < 8; round++) {
        g_autoptr(GByteArray) buf = g_byte_array_new();
        QEMUFile *f = qemu_file_new_output_buffer(buf);
        g_autofree uint8_t *snap = NULL;
        uint64_t must = 0, post = 0;
        uint32_t first, last;
        int sections = 1;
        QEMUFile *in;
        RAMStats st;

        g_assert_cmpint(ram_save_setup(f, &rs, &error_abort), ==, 0);
        gint64 end = g_get_monotonic_time() + 60 * 1000;

        /* at least 60 ms of guest time, 10 exact syncs and three guest
         * sweeps, however slowly a loaded machine runs the iterations
         * or the vCPU (10 s at most: then the checks below fail) */
        gint64 limit = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        for (int it = 0; it < 40 || g_get_monotonic_time() < end ||
             (counter_at(ram->host, COUNTER_PAGE0) <= 2 &&
              g_get_monotonic_time() < limit); it++) {
            g_assert_cmpint(ram_save_iterate(f, &rs), >=, 0);
            sections++;
            if (it % 4 == 1) {
                ram_state_pending_exact(&rs, &must, &post);
            }
            g_usleep(300);
        }
        pause_all_vcpus();
        snap = g_memdup2(ram->host, RAM_SIZE);
        g_assert_cmpint(ram_save_complete(f, &rs), ==, 0);
        sections++;
        ram_stats_get(&st);
        ram_save_cleanup(&rs);
        qemu_fclose(f);

        /* The guest really ran and dirtied pages between syncs. */
        first = counter_at(snap, COUNTER_PAGE0);
        last = counter_at(snap, RAM_SIZE - TARGET_PAGE_SIZE);
        if (g_test_verbose()) {
            g_test_message("round %d: sweep %u, %" PRIu64 " syncs, %" PRIu64
                           " pages sent", round, first, st.dirty_sync_count,
                           st.normal);
        }
        g_assert_cmpint(first, >, 2);
        g_assert_cmpint((int64_t)first - last, <=, 1);
        g_assert_cmpint(st.dirty_sync_count, >=, 11);
        /* Pages were sent again after the guest rewrote them. */
        g_assert_cmpint(st.normal, >, (RAM_SIZE - COUNTER_PAGE0) /
                        TARGET_PAGE_SIZE + 16);

        memset(ram->host, 0x5a, RAM_SIZE);
        memset(rom->host, 0x00, ROM_SIZE);
        in = qemu_file_new_input_buffer(buf->data, buf->len);
        g_assert_cmpint(ram_load_setup(in, NULL, &error_abort), ==, 0);
        for (int s = 0; s < sections; s++) {
            g_assert_cmpint(ram_load(in, NULL, 4), ==, 0);
        }
        ram_load_cleanup(NULL);
        g_assert_cmpint(qemu_file_transferred(in), ==, buf->len);
        qemu_fclose(in);
        for (uint64_t p = 0; p < RAM_SIZE; p += TARGET_PAGE_SIZE) {
            if (memcmp(ram->host + p, snap + p, TARGET_PAGE_SIZE)) {
                g_error("round %d: page 0x%" PRIx64 " was lost (counter "
                        "%u, expected %u)", round, p, counter_at(ram->host, p),
                        counter_at(snap, p));
            }
        }
        for (uint64_t i = 0; i < ROM_SIZE; i++) {
            g_assert_cmpint(rom->host[i], ==, 0xf4);
        }
        /* The guest goes on from the loaded copy. */
        resume_all_vcpus();
    }
    pause_all_vcpus();
    vm_teardown();
}

int main(int argc, char **argv)
{
    MigrationParameters unlimited = { .has_max_bandwidth = true,
                                      .max_bandwidth = 0 };

    g_test_init(&argc, &argv, NULL);
    /* The real migration core, with no rate limit: the test drives the
     * RAM handlers itself. */
    migration_object_init();
    qmp_migrate_set_parameters(&unlimited, &error_abort);
    g_test_add_func("/ram/kvm/migrate-busy-guest", test_migrate_busy_guest);
    return g_test_run();
}
