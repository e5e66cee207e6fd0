/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit test for the "ram" section: save/load round trips, dirty tracking. */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/accel-ops.h"
#include "system/memory.h"
#include "migration/register.h"
#include "migration/options.h"
#include "migration/qemu-file.h"
#include "migration/ram.h"

/* ---- what the migration core would provide ---- */

static const SaveVMHandlers *ram_ops;
static void *ram_opaque;
static uint64_t test_max_bandwidth;
static ZeroPageDetection test_zero_detection = ZERO_PAGE_DETECTION_MULTIFD;

int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque)
{
    g_assert_cmpstr(idstr, ==, "ram");
    g_assert_cmpint(instance_id, ==, 0);
    g_assert_cmpint(version_id, ==, 4);
    ram_ops = ops;
    ram_opaque = opaque;
    return 0;
}

uint64_t migrate_max_bandwidth(void)
{
    return test_max_bandwidth;
}

ZeroPageDetection migrate_zero_page_detection(void)
{
    return test_zero_detection;
}

static bool test_ignore_shared;

bool migrate_ignore_shared(void)
{
    return test_ignore_shared;
}

MigMode migrate_mode(void)
{
    return MIG_MODE_NORMAL;
}

/* the main stream alone: the loader's prefault helper runs */
bool migrate_multifd(void)
{
    return false;
}

/* ---- a fake accelerator with a dirty log the test writes through ---- */

#define RAM_SIZE (8 * 1024 * 1024)
#define ROM_SIZE (64 * 1024)
#define RAM_PAGES (RAM_SIZE / TARGET_PAGE_SIZE)

static RAMBlock *ram, *rom;
static unsigned long *guest_dirty;      /* by page of the RAM block */
static bool log_on;
static int nr_syncs;

static bool fake_map_memory(GuestMemMapping *m, Error **errp)
{
    m->slot = 0;
    return true;
}

static bool fake_log_start(Error **errp)
{
    log_on = true;
    return true;
}

static bool fake_log_sync(GuestMemMapping *m, unsigned long *bitmap,
                          Error **errp)
{
    uint64_t first = m->offset / TARGET_PAGE_SIZE;
    uint64_t pages = m->size / TARGET_PAGE_SIZE;

    g_assert_true(log_on);
    nr_syncs++;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t p = first + i;
        unsigned long bit = 1UL << (p % 64);

        if (p < RAM_PAGES && (guest_dirty[p / 64] & bit)) {
            guest_dirty[p / 64] &= ~bit;
            bitmap[i / 64] |= 1UL << (i % 64);
        }
    }
    return true;
}

static void fake_log_stop(void)
{
    log_on = false;
}

static const AccelOps fake_accel = {
    .name = "fake",
    .map_memory = fake_map_memory,
    .dirty_log_start = fake_log_start,
    .dirty_log_sync = fake_log_sync,
    .dirty_log_stop = fake_log_stop,
};

/* A guest write at RAM offset off: change RAM, let the dirty log see it. */
static void guest_write(uint64_t off, uint8_t val)
{
    ram->host[off] = val;
    if (log_on) {
        guest_dirty[off / TARGET_PAGE_SIZE / 64] |=
            1UL << (off / TARGET_PAGE_SIZE % 64);
    }
}

static void machine_setup(void)
{
    accel_set_current(&fake_accel);
    ram = ram_block_alloc("pc.ram", RAM_SIZE, &error_abort);
    rom = ram_block_alloc("pc.bios", ROM_SIZE, &error_abort);
    rom->readonly = true;
    /* RAM in two windows with a hole, as the PC's below/above 4 GiB. */
    memory_map_ram(0, ram, 0, RAM_SIZE / 2, false, &error_abort);
    memory_map_ram(0x100000000ULL, ram, RAM_SIZE / 2, RAM_SIZE / 2, false,
                   &error_abort);
    memory_map_ram(0xffff0000ULL, rom, 0, ROM_SIZE, true, &error_abort);
    guest_dirty = g_new0(unsigned long, RAM_PAGES / 64);
    ram_mig_init();
    g_assert_nonnull(ram_ops);
}

static uint64_t page_off(uint64_t page)
{
    return page * TARGET_PAGE_SIZE;
}

static void fill_pattern(uint32_t seed)
{
    GRand *r = g_rand_new_with_seed(seed);

    memset(ram->host, 0, RAM_SIZE);
    /* Every third page has data, the rest stay zero. */
    for (uint64_t p = 0; p < RAM_PAGES; p += 3) {
        for (int i = 0; i < 16; i++) {
            ram->host[p * TARGET_PAGE_SIZE + g_rand_int_range(r, 0, 4096)] =
                g_rand_int_range(r, 1, 256);
        }
    }
    for (int i = 0; i < ROM_SIZE; i++) {
        rom->host[i] = i * 7 + 1;
    }
    g_rand_free(r);
}

typedef struct Snapshot {
    uint8_t *ram, *rom;
} Snapshot;

static void snapshot_take(Snapshot *s)
{
    s->ram = g_memdup2(ram->host, RAM_SIZE);
    s->rom = g_memdup2(rom->host, ROM_SIZE);
}

static void snapshot_check_and_free(Snapshot *s)
{
    for (uint64_t p = 0; p < RAM_PAGES; p++) {
        if (memcmp(ram->host + p * TARGET_PAGE_SIZE,
                   s->ram + p * TARGET_PAGE_SIZE, TARGET_PAGE_SIZE)) {
            g_error("page %" PRIu64 " differs after the round trip", p);
        }
    }
    g_assert_true(memcmp(rom->host, s->rom, ROM_SIZE) == 0);
    g_free(s->ram);
    g_free(s->rom);
}

/* Scribble over RAM, as a destination with other contents would have. */
static void clobber(void)
{
    memset(ram->host, 0x5a, RAM_SIZE);
    memset(rom->host, 0xa5, ROM_SIZE);
}

/* Load a whole saved RAM stream: START, PARTs, END payloads in a row. */
static int load_all(GByteArray *buf, int sections)
{
    QEMUFile *f = qemu_file_new_input_buffer(buf->data, buf->len);
    int ret = ram_ops->load_setup(f, ram_opaque, &error_abort);

    for (int i = 0; !ret && i < sections; i++) {
        ret = ram_ops->load_state(f, ram_opaque, 4);
    }
    ram_ops->load_cleanup(ram_opaque);
    if (!ret) {
        /* Everything was consumed. */
        g_assert_cmpint(qemu_get_byte(f), ==, 0);
        g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    }
    qemu_fclose(f);
    return ret;
}

static int save_setup(QEMUFile *f)
{
    return ram_ops->save_setup(f, ram_opaque, &error_abort);
}

static uint64_t pending_exact(void)
{
    uint64_t must = 0, post = 0;

    ram_ops->state_pending_exact(ram_opaque, &must, &post);
    return must + post;
}

static uint64_t pending_estimate(void)
{
    uint64_t must = 0, post = 0;

    ram_ops->state_pending_estimate(ram_opaque, &must, &post);
    return must + post;
}

/* ---- tests ---- */

/* The START payload is MEM_SIZE, the block list, EOS (reference 3). */
static void test_setup_format(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    QEMUFile *in;
    uint8_t name[16];
    RAMStats st;

    fill_pattern(1);
    g_assert_cmpint(save_setup(f), ==, 0);
    g_assert_true(log_on);
    qemu_fflush(f);
    in = qemu_file_new_input_buffer(buf->data, buf->len);
    g_assert_cmphex(qemu_get_be64(in), ==,
                    (uint64_t)(RAM_SIZE + ROM_SIZE) | 0x4);
    g_assert_cmpint(qemu_get_byte(in), ==, 6);
    qemu_get_buffer(in, name, 6);
    g_assert_true(memcmp(name, "pc.ram", 6) == 0);
    g_assert_cmphex(qemu_get_be64(in), ==, RAM_SIZE);
    g_assert_cmpint(qemu_get_byte(in), ==, 7);
    qemu_get_buffer(in, name, 7);
    g_assert_true(memcmp(name, "pc.bios", 7) == 0);
    g_assert_cmphex(qemu_get_be64(in), ==, ROM_SIZE);
    g_assert_cmphex(qemu_get_be64(in), ==, 0x10);
    g_assert_cmpint(qemu_file_transferred(in), ==, buf->len);
    qemu_fclose(in);

    ram_stats_get(&st);
    g_assert_cmpint(st.dirty_sync_count, ==, 1);
    g_assert_cmpint(st.total, ==, RAM_SIZE + ROM_SIZE);
    g_assert_cmpint(st.remaining, ==, RAM_SIZE + ROM_SIZE);
    g_assert_cmpint(pending_estimate(), ==, RAM_SIZE + ROM_SIZE);
    g_assert_cmpint(ram_bytes_total(), ==, RAM_SIZE + ROM_SIZE);
    ram_ops->save_cleanup(ram_opaque);
    g_assert_false(log_on);
    qemu_fclose(f);
}

/* Idle guest: setup, iterate to the end, complete; the copy is exact and
 * the first page records name the block, later ones CONTINUE. */
static void test_round_trip_idle(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    int sections = 1, ret;
    uint64_t zero_pages = 0;
    Snapshot snap;
    RAMStats st;

    fill_pattern(2);
    for (uint64_t p = 0; p < RAM_PAGES; p++) {
        zero_pages += p % 3 != 0;
    }
    snapshot_take(&snap);
    g_assert_cmpint(save_setup(f), ==, 0);
    do {
        ret = ram_ops->save_live_iterate(f, ram_opaque);
        g_assert_cmpint(ret, >=, 0);
        sections++;
    } while (ret == 0);
    g_assert_cmpint(pending_estimate(), ==, 0);
    g_assert_cmpint(pending_exact(), ==, 0);
    g_assert_cmpint(ram_ops->save_live_complete_precopy(f, ram_opaque), ==, 0);
    sections++;
    ram_stats_get(&st);
    g_assert_cmpint(st.duplicate, ==, zero_pages);
    g_assert_cmpint(st.normal, ==, RAM_PAGES - zero_pages +
                    ROM_SIZE / TARGET_PAGE_SIZE);
    g_assert_cmpint(st.normal_bytes, ==, st.normal * TARGET_PAGE_SIZE);
    g_assert_cmpint(st.remaining, ==, 0);
    g_assert_cmpint(st.dirty_sync_count, ==, 3);
    g_assert_cmpint(st.transferred, ==, qemu_file_transferred(f));
    g_assert_cmpint(st.precopy_bytes + st.downtime_bytes, ==, st.transferred);
    ram_ops->save_cleanup(ram_opaque);
    qemu_fclose(f);
    /* Pages are sent once, with a CONTINUE header after the first of a
     * section: the stream is barely larger than the data pages. */
    g_assert_cmpint(buf->len, <, (st.normal + 64) * (TARGET_PAGE_SIZE + 8) +
                    zero_pages * 9 + 4096);

    clobber();
    g_assert_cmpint(load_all(buf, sections), ==, 0);
    snapshot_check_and_free(&snap);
}

/*
 * Never-populated pages (pagemap) are zero pages without being read: an
 * idle guest's RAM after MADV_DONTNEED, a few pages with data.  The copy
 * is exact and the untouched pages count as duplicates.
 */
static void test_untouched_pages(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    int sections = 1;
    Snapshot snap;
    RAMStats st;

    fill_pattern(5);
    g_assert_cmpint(madvise(ram->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    ram->host[page_off(7) + 3] = 0x77;
    ram->host[page_off(RAM_PAGES - 1)] = 0x99;
    snapshot_take(&snap);
    g_assert_cmpint(save_setup(f), ==, 0);
    while (ram_ops->save_live_iterate(f, ram_opaque) == 0) {
        sections++;
    }
    sections++;
    g_assert_cmpint(ram_ops->save_live_complete_precopy(f, ram_opaque), ==, 0);
    sections++;
    ram_stats_get(&st);
    g_assert_cmpint(st.normal, ==, 2 + ROM_SIZE / TARGET_PAGE_SIZE);
    g_assert_cmpint(st.duplicate, ==, RAM_PAGES - 2);
    ram_ops->save_cleanup(ram_opaque);
    qemu_fclose(f);
    clobber();
    g_assert_cmpint(load_all(buf, sections), ==, 0);
    snapshot_check_and_free(&snap);
}

static unsigned resident_pages(void)
{
    unsigned char vec[RAM_PAGES];
    unsigned n = 0;

    g_assert_cmpint(mincore(ram->host, RAM_SIZE, vec), ==, 0);
    for (uint64_t p = 0; p < RAM_PAGES; p++) {
        n += vec[p] & 1;
    }
    return n;
}

/*
 * Loading into fresh RAM (never populated, as a destination's): the
 * helper faults RAM in ahead of the dense run while the loader writes it;
 * the copy is exact, and past the run's end no more than the run's own
 * length is populated (the zero pages after it stay unallocated).
 */
static void test_prefault_fresh_ram(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    const uint64_t run = 256;                   /* 1 MiB of data pages */
    int sections = 1;
    Snapshot snap;

    /* 4 KiB pages, so resident pages count what was faulted in */
    g_assert_cmpint(madvise(ram->host, RAM_SIZE, MADV_NOHUGEPAGE), ==, 0);
    g_assert_cmpint(madvise(ram->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    for (uint64_t p = 0; p < run; p++) {
        memset(ram->host + page_off(p), (int)(p % 255) + 1, 64);
    }
    ram->host[page_off(RAM_PAGES - 1)] = 0x42;
    snapshot_take(&snap);
    g_assert_cmpint(save_setup(f), ==, 0);
    while (ram_ops->save_live_iterate(f, ram_opaque) == 0) {
        sections++;
    }
    g_assert_cmpint(ram_ops->save_live_complete_precopy(f, ram_opaque), ==, 0);
    sections += 2;
    ram_ops->save_cleanup(ram_opaque);
    qemu_fclose(f);
    for (int i = 0; i < 5; i++) {
        g_assert_cmpint(madvise(ram->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
        g_assert_cmpint(resident_pages(), ==, 0);
        g_assert_cmpint(load_all(buf, sections), ==, 0);
        g_assert_cmpint(resident_pages(), >=, run + 1);
        g_assert_cmpint(resident_pages(), <=, 2 * run + 1);
    }
    snapshot_check_and_free(&snap);
    madvise(ram->host, RAM_SIZE, MADV_HUGEPAGE);
}

/* zero-page-detection=none sends every page whole. */
static void test_zero_detection_none(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    int sections = 1;
    Snapshot snap;
    RAMStats st;

    test_zero_detection = ZERO_PAGE_DETECTION_NONE;
    fill_pattern(3);
    snapshot_take(&snap);
    g_assert_cmpint(save_setup(f), ==, 0);
    while (ram_ops->save_live_iterate(f, ram_opaque) == 0) {
        sections++;
    }
    sections++;
    g_assert_cmpint(ram_ops->save_live_complete_precopy(f, ram_opaque), ==, 0);
    sections++;
    ram_stats_get(&st);
    g_assert_cmpint(st.duplicate, ==, 0);
    g_assert_cmpint(st.normal, ==, (RAM_SIZE + ROM_SIZE) / TARGET_PAGE_SIZE);
    ram_ops->save_cleanup(ram_opaque);
    qemu_fclose(f);
    test_zero_detection = ZERO_PAGE_DETECTION_LEGACY;
    clobber();
    g_assert_cmpint(load_all(buf, sections), ==, 0);
    snapshot_check_and_free(&snap);
}

/*
 * A busy guest: between every iteration it rewrites random pages, some
 * already sent, some not; the final copy must still match what RAM held
 * when the guest stopped (no page is ever lost).
 */
static void test_round_trip_dirtying(void)
{
    for (int round = 0; round < 20; round++) {
        g_autoptr(GByteArray) buf = g_byte_array_new();
        QEMUFile *f = qemu_file_new_output_buffer(buf);
        GRand *r = g_rand_new_with_seed(100 + round);
        int sections = 1, passes = 0;
        Snapshot snap;

        fill_pattern(round);
        test_max_bandwidth = 0;
        g_assert_cmpint(save_setup(f), ==, 0);
        for (int it = 0; it < 200 && passes < 6; it++) {
            int writes = g_rand_int_range(r, 0, 400);

            for (int w = 0; w < writes; w++) {
                uint64_t page = g_rand_int_range(r, 0, RAM_PAGES);
                uint64_t off = g_rand_int_range(r, 0, TARGET_PAGE_SIZE);

                /* Zero some pages whole, to exercise ZERO after PAGE. */
                if (g_rand_int_range(r, 0, 10) == 0) {
                    for (uint64_t i = 0; i < TARGET_PAGE_SIZE; i++) {
                        guest_write(page_off(page) + i, 0);
                    }
                } else {
                    guest_write(page_off(page) + off,
                                g_rand_int_range(r, 0, 256));
                }
            }
            if (pending_estimate() < 64 * TARGET_PAGE_SIZE) {
                pending_exact();
                passes++;
            }
            g_assert_cmpint(ram_ops->save_live_iterate(f, ram_opaque), >=, 0);
            sections++;
        }
        /* The guest stops: last writes, then the final pass. */
        for (int w = 0; w < 50; w++) {
            guest_write(page_off(g_rand_int_range(r, 0, RAM_PAGES)) + w,
                        0xee);
        }
        snapshot_take(&snap);
        g_assert_cmpint(ram_ops->save_live_complete_precopy(f, ram_opaque),
                        ==, 0);
        sections++;
        ram_ops->save_cleanup(ram_opaque);
        qemu_fclose(f);
        g_rand_free(r);

        clobber();
        g_assert_cmpint(load_all(buf, sections), ==, 0);
        snapshot_check_and_free(&snap);
    }
}

/* max-bandwidth caps what one iteration sends (100 ms windows). */
static void test_rate_limit(void)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    uint64_t before, per_window;
    gint64 start;
    int ret;

    fill_pattern(4);
    test_zero_detection = ZERO_PAGE_DETECTION_NONE;
    test_max_bandwidth = 10 * 1024 * 1024;        /* 10 MiB/s */
    per_window = test_max_bandwidth / 10;
    g_assert_cmpint(save_setup(f), ==, 0);
    before = qemu_file_transferred(f);
    g_assert_cmpint(ram_ops->save_live_iterate(f, ram_opaque), ==, 0);
    g_assert_cmpint(qemu_file_transferred(f) - before, <=,
                    per_window + TARGET_PAGE_SIZE + 64);
    g_assert_cmpint(qemu_file_transferred(f) - before, >=, per_window / 2);
    /* Three more iterations take at least two more windows. */
    start = g_get_monotonic_time();
    for (int i = 0; i < 3; i++) {
        ret = ram_ops->save_live_iterate(f, ram_opaque);
        g_assert_cmpint(ret, ==, 0);
    }
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 190 * 1000);
    g_assert_cmpint(qemu_file_transferred(f) - before, <=,
                    4 * (per_window + TARGET_PAGE_SIZE + 64));
    ram_ops->save_cleanup(ram_opaque);
    qemu_fclose(f);
    test_max_bandwidth = 0;
    test_zero_detection = ZERO_PAGE_DETECTION_LEGACY;
}

/* ---- load-side errors ---- */

static void put_name(QEMUFile *f, const char *name)
{
    qemu_put_byte(f, strlen(name));
    qemu_put_buffer(f, (const uint8_t *)name, strlen(name));
}

static int load_crafted(void (*build)(QEMUFile *f))
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    QEMUFile *in;
    int ret;

    build(f);
    qemu_fclose(f);
    in = qemu_file_new_input_buffer(buf->data, buf->len);
    ram_ops->load_setup(in, ram_opaque, &error_abort);
    ret = ram_ops->load_state(in, ram_opaque, 4);
    ram_ops->load_cleanup(ram_opaque);
    qemu_fclose(in);
    return ret;
}

static void build_unknown_block(QEMUFile *f)
{
    qemu_put_be64(f, (RAM_SIZE + ROM_SIZE) | 0x4);
    put_name(f, "pc.ram");
    qemu_put_be64(f, RAM_SIZE);
    put_name(f, "nope");
    qemu_put_be64(f, ROM_SIZE);
    qemu_put_be64(f, 0x10);
}

static void build_size_mismatch(QEMUFile *f)
{
    qemu_put_be64(f, (RAM_SIZE * 2) | 0x4);
    put_name(f, "pc.ram");
    qemu_put_be64(f, RAM_SIZE * 2);
    qemu_put_be64(f, 0x10);
}

static void build_good_block_list(QEMUFile *f)
{
    qemu_put_be64(f, (RAM_SIZE + ROM_SIZE) | 0x4);
    put_name(f, "pc.ram");
    qemu_put_be64(f, RAM_SIZE);
    put_name(f, "pc.bios");
    qemu_put_be64(f, ROM_SIZE);
    qemu_put_be64(f, 0x10);
}

static void build_unknown_flag(QEMUFile *f)
{
    qemu_put_be64(f, 0x1000 | 0x040);          /* XBZRLE */
}

static void build_continue_first(QEMUFile *f)
{
    qemu_put_be64(f, 0x2000 | 0x8 | 0x20);
    qemu_put_buffer(f, ram->host, TARGET_PAGE_SIZE);
    qemu_put_be64(f, 0x10);
}

static void build_truncated(QEMUFile *f)
{
    qemu_put_be64(f, 0x2000 | 0x8);
    put_name(f, "pc.ram");
    qemu_put_buffer(f, ram->host, 100);
}

static void build_offset_too_big(QEMUFile *f)
{
    qemu_put_be64(f, (uint64_t)RAM_SIZE | 0x2);
    put_name(f, "pc.ram");
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x10);
}

static void build_zero_nonzero_fill(QEMUFile *f)
{
    qemu_put_be64(f, 0x3000 | 0x2);
    put_name(f, "pc.ram");
    qemu_put_byte(f, 7);
    qemu_put_be64(f, 0x10);
}

static void build_unknown_page_block(QEMUFile *f)
{
    qemu_put_be64(f, 0x3000 | 0x2);
    put_name(f, "pc.rom");
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x10);
}

static void build_zero_and_page(QEMUFile *f)
{
    uint8_t page[TARGET_PAGE_SIZE];

    memset(page, 0x42, sizeof(page));
    qemu_put_be64(f, 0x4000 | 0x2);
    put_name(f, "pc.ram");
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x5000 | 0x8 | 0x20);
    qemu_put_buffer(f, page, sizeof(page));
    qemu_put_be64(f, 0x10);
}

/* ZERO for page 1 (untouched), PAGE for it, ZERO again, one section. */
static void build_zero_page_zero(QEMUFile *f)
{
    uint8_t page[TARGET_PAGE_SIZE];

    memset(page, 0x42, sizeof(page));
    qemu_put_be64(f, 0x1000 | 0x2);
    put_name(f, "pc.ram");
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x1000 | 0x8 | 0x20);
    qemu_put_buffer(f, page, sizeof(page));
    qemu_put_be64(f, 0x1000 | 0x2 | 0x20);
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x10);
}

static void test_load_errors(void)
{
    g_assert_cmpint(load_crafted(build_good_block_list), ==, 0);
    g_assert_cmpint(load_crafted(build_unknown_block), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_size_mismatch), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_unknown_flag), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_continue_first), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_truncated), ==, -EIO);
    g_assert_cmpint(load_crafted(build_offset_too_big), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_zero_nonzero_fill), ==, -EINVAL);
    g_assert_cmpint(load_crafted(build_unknown_page_block), ==, -EINVAL);

    memset(ram->host + 0x4000, 0x11, 2 * TARGET_PAGE_SIZE);
    g_assert_cmpint(load_crafted(build_zero_and_page), ==, 0);
    for (uint64_t i = 0; i < TARGET_PAGE_SIZE; i++) {
        g_assert_cmpint(ram->host[0x4000 + i], ==, 0);
        g_assert_cmpint(ram->host[0x5000 + i], ==, 0x42);
    }
    /* the loader's own write makes an untouched page one to clear */
    g_assert_cmpint(madvise(ram->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    g_assert_cmpint(load_crafted(build_zero_page_zero), ==, 0);
    for (uint64_t i = 0; i < TARGET_PAGE_SIZE; i++) {
        g_assert_cmpint(ram->host[0x1000 + i], ==, 0);
    }
    /* A version other than 4 is refused. */
    {
        QEMUFile *in = qemu_file_new_input_buffer((const uint8_t *)"", 0);

        g_assert_cmpint(ram_ops->load_state(in, ram_opaque, 3), <, 0);
        qemu_fclose(in);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    machine_setup();
    test_zero_detection = ZERO_PAGE_DETECTION_LEGACY;
    g_test_add_func("/ram/setup-format", test_setup_format);
    g_test_add_func("/ram/round-trip-idle", test_round_trip_idle);
    g_test_add_func("/ram/untouched-pages", test_untouched_pages);
    g_test_add_func("/ram/zero-detection-none", test_zero_detection_none);
    g_test_add_func("/ram/round-trip-dirtying", test_round_trip_dirtying);
    g_test_add_func("/ram/rate-limit", test_rate_limit);
    g_test_add_func("/ram/load-errors", test_load_errors);
    g_test_add_func("/ram/prefault-fresh-ram", test_prefault_fresh_ram);
    return g_test_run();
}
