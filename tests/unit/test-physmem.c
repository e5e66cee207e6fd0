/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for guest memory: RAM blocks, mappings, dispatch, backends. */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/memory.h"
#include "system/hostmem.h"
#include "system/accel-ops.h"

/* A fake accelerator that records the slots it was asked to map. */
static int mapped_slots;
static bool fail_map;

static bool fake_map_memory(GuestMemMapping *m, Error **errp)
{
    if (fail_map) {
        error_setg(errp, "fake accelerator refuses");
        return false;
    }
    m->slot = mapped_slots++;
    return true;
}

static const AccelOps fake_accel = {
    .name = "fake",
    .map_memory = fake_map_memory,
};

/* Weak stand-ins: the real ones (accel/) win when the library has them. */
static const AccelOps *weak_accel;

__attribute__((weak)) const AccelOps *current_accel(void)
{
    return weak_accel;
}

__attribute__((weak)) void accel_set_current(const AccelOps *ops)
{
    weak_accel = ops;
}

static void test_ram_block_alloc(void)
{
    Error *err = NULL;
    RAMBlock *rb = ram_block_alloc("ram0", 5000, &error_abort);

    g_assert_cmpuint(rb->size, ==, 8192);       /* page aligned */
    g_assert_cmpint(rb->fd, ==, -1);
    g_assert_false(rb->shared);
    g_assert(ram_block_find("ram0") == rb);
    rb->host[8191] = 0x5a;                      /* writable */

    g_assert_null(ram_block_alloc("ram0", 4096, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "RAM block 'ram0' already exists");
    error_free(err);

    ram_block_free(rb);
    g_assert_null(ram_block_find("ram0"));
    memory_cleanup();
}

static void test_ram_block_from_fd(void)
{
    int fd = memfd_create("t", MFD_CLOEXEC);
    RAMBlock *rb;
    uint8_t *other;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 65536), ==, 0);
    rb = ram_block_from_fd("shared", fd, 65536, true, &error_abort);
    g_assert_true(rb->shared);
    g_assert_cmpint(rb->fd, ==, fd);
    /* Shared: another mapping of the fd sees the guest's writes. */
    other = mmap(NULL, 65536, PROT_READ, MAP_SHARED, fd, 0);
    g_assert(other != MAP_FAILED);
    rb->host[4096] = 0xab;
    g_assert_cmpuint(other[4096], ==, 0xab);
    munmap(other, 65536);
    memory_cleanup();                           /* closes fd */
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);
}

static void test_mappings(void)
{
    RAMBlock *rb = ram_block_alloc("ram", 0x4000, &error_abort);
    Error *err = NULL;
    uint8_t buf[8];

    mapped_slots = 0;
    g_assert_true(memory_map_ram(0x10000, rb, 0, 0x2000, false,
                                 &error_abort));
    g_assert_true(memory_map_ram(0x20000, rb, 0x2000, 0x2000, true,
                                 &error_abort));
    g_assert_cmpint(mapped_slots, ==, 2);

    /* gpa_to_host: inside one mapping only */
    g_assert(gpa_to_host(0x10000, 0x2000) == rb->host);
    g_assert(gpa_to_host(0x20010, 4) == rb->host + 0x2010);
    g_assert_null(gpa_to_host(0x11ffc, 8));     /* crosses the end */
    g_assert_null(gpa_to_host(0x30000, 1));

    /* read/write through mappings; ROM writes dropped; holes read 0xff */
    g_assert_true(cpu_physical_memory_write(0x10ffe, "abcd", 4));
    g_assert_cmpmem(rb->host + 0xffe, 4, "abcd", 4);
    g_assert_true(cpu_physical_memory_write(0x20000, "zz", 2));
    g_assert_cmpuint(rb->host[0x2000], ==, 0);
    g_assert_false(cpu_physical_memory_read(0x11ffe, buf, 4));
    g_assert_cmpuint(buf[0], ==, 0);
    g_assert_cmpuint(buf[2], ==, 0xff);
    g_assert_cmpuint(buf[3], ==, 0xff);

    /* overlap, misalignment and out-of-block mappings are refused */
    g_assert_false(memory_map_ram(0x11000, rb, 0, 0x1000, false, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "overlaps"));
    error_free(err);
    err = NULL;
    g_assert_false(memory_map_ram(0x40800, rb, 0, 0x1000, false, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "not page aligned"));
    error_free(err);
    err = NULL;
    g_assert_false(memory_map_ram(0x50000, rb, 0x3000, 0x2000, false, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "exceeds the block"));
    error_free(err);
    err = NULL;

    /* the accelerator's refusal is the caller's error, nothing mapped */
    fail_map = true;
    g_assert_false(memory_map_ram(0x60000, rb, 0, 0x1000, false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "fake accelerator refuses");
    error_free(err);
    fail_map = false;
    g_assert_null(gpa_to_host(0x60000, 1));
    memory_cleanup();
}

typedef struct FakeDev {
    uint64_t last_addr, last_val;
    unsigned last_size, writes;
} FakeDev;

static uint64_t fake_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0x1100 + addr;
}

static void fake_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    FakeDev *d = opaque;

    d->last_addr = addr;
    d->last_val = val;
    d->last_size = size;
    d->writes++;
}

static const MemoryRegionOps fake_ops = {
    .read = fake_read,
    .write = fake_write,
};

static void test_dispatch(void)
{
    FakeDev dev = { 0 };
    uint32_t v = 0;
    uint16_t w = 0xbeef;
    uint64_t q = 0;

    pio_register(0x3f8, 8, &fake_ops, &dev, "fake-pio");
    mmio_register(0xfec00000, 0x1000, &fake_ops, &dev, "fake-mmio");

    g_assert_true(pio_dispatch(0x3fa, &v, 1, false));
    g_assert_cmphex(v, ==, 0x02);               /* 0x1102 & 0xff */
    g_assert_true(pio_dispatch(0x3fb, &w, 2, true));
    g_assert_cmpuint(dev.last_addr, ==, 3);
    g_assert_cmphex(dev.last_val, ==, 0xbeef);
    g_assert_cmpuint(dev.last_size, ==, 2);

    /* unclaimed: all ones, writes ignored */
    v = 0;
    g_assert_false(pio_dispatch(0x80, &v, 4, false));
    g_assert_cmphex(v, ==, 0xffffffff);
    g_assert_false(pio_dispatch(0x80, &v, 4, true));
    g_assert_cmpuint(dev.writes, ==, 1);

    g_assert_true(mmio_dispatch(0xfec00010, &q, 8, false));
    g_assert_cmphex(q, ==, 0x1110);
    g_assert_false(mmio_dispatch(0xfed00000, &q, 8, false));
    g_assert_cmphex(q, ==, UINT64_MAX);
    memory_cleanup();
}

/* Two devices on the same port is a board bug: an assertion. */
static void test_pio_overlap_asserts(void)
{
    if (g_test_subprocess()) {
        pio_register(0x60, 1, &fake_ops, NULL, "a");
        pio_register(0x60, 4, &fake_ops, NULL, "b");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
}

static bool backend_create(const char *spec, Error **errp)
{
    static QemuOptsList object_opts = {
        .name = "object",
        .implied_opt_name = "qom-type",
        .desc = { { NULL } },
    };
    QemuOpts *opts = qemu_opts_parse(&object_opts, spec, true, errp);
    bool ok;

    if (!opts) {
        return false;
    }
    ok = host_memory_backend_create(opts, errp);
    qemu_opts_del(opts);
    return ok;
}

static void expect_backend_error(const char *spec, const char *want)
{
    Error *err = NULL;

    g_assert_false(backend_create(spec, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
}

static void test_backends(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-physmem-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "ram", NULL);
    g_autofree char *spec = NULL;
    Error *err = NULL;
    RAMBlock *rb;
    struct stat st;

    g_assert_true(backend_create("memory-backend-ram,id=r,size=1M",
                                 &error_abort));
    rb = host_memory_backend_get_block("r");
    g_assert_cmpuint(rb->size, ==, 1 << 20);
    g_assert_false(rb->shared);

    /* memfd: shared and sealed by default */
    g_assert_true(backend_create("memory-backend-memfd,id=m,size=2M,"
                                 "prealloc=on", &error_abort));
    rb = host_memory_backend_get_block("m");
    g_assert_true(rb->shared);
    g_assert_cmpint(rb->fd, >=, 0);
    g_assert_cmpint(fcntl(rb->fd, F_GET_SEALS) & F_SEAL_GROW, !=, 0);
    g_assert_true(backend_create("memory-backend-memfd,id=m2,size=64k,"
                                 "seal=off,share=off", &error_abort));
    rb = host_memory_backend_get_block("m2");
    g_assert_false(rb->shared);
    g_assert_cmpint(fcntl(rb->fd, F_GET_SEALS) & F_SEAL_GROW, ==, 0);

    /* file: created and sized; a directory gets an unlinked temp file */
    spec = g_strdup_printf("memory-backend-file,id=f,size=128k,share=on,"
                           "mem-path=%s", file);
    g_assert_true(backend_create(spec, &error_abort));
    g_assert_cmpint(stat(file, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 128 * 1024);
    rb = host_memory_backend_get_block("f");
    g_assert_cmpstr(rb->mem_path, ==, file);
    g_free(spec);
    spec = g_strdup_printf("memory-backend-file,id=d,size=64k,mem-path=%s",
                           dir);
    g_assert_true(backend_create(spec, &error_abort));
    g_assert_cmpint(fstat(host_memory_backend_get_block("d")->fd, &st),
                    ==, 0);
    g_assert_cmpint(st.st_nlink, ==, 0);

    /* QEMU's messages */
    expect_backend_error("memory-backend-ram,id=x", "Parameter 'size' is "
                         "missing");
    expect_backend_error("memory-backend-ram,id=x,size=0",
                         "can't create backend with size 0");
    expect_backend_error("memory-backend-ram,size=1M", "Parameter 'id' is "
                         "missing");
    expect_backend_error("memory-backend-ram,id=x,size=1M,mem-path=/tmp",
                         "Parameter 'mem-path' is unexpected");
    expect_backend_error("memory-backend-file,id=x,size=1M",
                         "Parameter 'mem-path' is missing");
    expect_backend_error("memory-backend-ram,id=x,size=1M,share=maybe",
                         "Parameter 'share' expects 'on' or 'off'");
    expect_backend_error("memory-backend-ram,id=r,size=1M",
                         "attempt to add duplicate property 'r' to object "
                         "(type 'container')");
    expect_backend_error("memory-backend-file,id=x,size=1M,"
                         "mem-path=/nonexistent/dir/f",
                         "can't open backing store /nonexistent/dir/f for "
                         "guest RAM: No such file or directory");

    /* a machine claims a backend once */
    g_assert_nonnull(host_memory_backend_claim("m", &error_abort));
    g_assert_true(host_memory_backend_is_mapped("m"));
    g_assert_null(host_memory_backend_claim("m", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory backend m can't be used multiple times.");
    error_free(err);
    err = NULL;
    g_assert_false(host_memory_backend_delete("m", &err));
    error_free(err);
    err = NULL;
    g_assert_null(host_memory_backend_claim("nope", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Memory backend 'nope' not found");
    error_free(err);
    g_assert_true(host_memory_backend_delete("r", &error_abort));
    g_assert_null(ram_block_find("r"));

    host_memory_backend_cleanup();
    memory_cleanup();
    unlink(file);
    rmdir(dir);
}

static void test_info_ramblock(void)
{
    g_autoptr(GString) out = g_string_new("");
    RAMBlock *a = ram_block_alloc("pc.ram", 0x200000, &error_abort);
    RAMBlock *b = ram_block_alloc("pc.bios", 0x40000, &error_abort);
    g_auto(GStrv) lines = NULL;
    g_autofree char *want_b = NULL;

    b->readonly = true;
    hmp_info_ramblock_print(out);
    lines = g_strsplit(out->str, "\n", -1);
    g_assert_cmpstr(lines[0], ==, "              Block Name    PSize      "
                    "        Offset               Used              Total"
                    "                HVA  RO");
    g_assert_true(g_str_has_prefix(lines[1], "                  pc.ram    "
                  "4 KiB  0x0000000000000000 0x0000000000200000 "
                  "0x0000000000200000 0x"));
    g_assert_true(g_str_has_suffix(lines[1], "  rw"));
    want_b = g_strdup_printf("                 pc.bios    4 KiB  "
                             "0x0000000000200000 0x0000000000040000 "
                             "0x0000000000040000 0x%016" PRIx64 "  ro",
                             (uint64_t)(uintptr_t)b->host);
    g_assert_cmpstr(lines[2], ==, want_b);
    g_assert_cmpstr(lines[3], ==, "");
    (void)a;
    memory_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    accel_set_current(&fake_accel);
    g_test_add_func("/physmem/ram-block/alloc", test_ram_block_alloc);
    g_test_add_func("/physmem/ram-block/from-fd", test_ram_block_from_fd);
    g_test_add_func("/physmem/mappings", test_mappings);
    g_test_add_func("/physmem/dispatch", test_dispatch);
    g_test_add_func("/physmem/pio-overlap", test_pio_overlap_asserts);
    g_test_add_func("/physmem/backends", test_backends);
    g_test_add_func("/physmem/info-ramblock", test_info_ramblock);
    return g_test_run();
}
