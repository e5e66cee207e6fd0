/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the x86 loaders: RAM layout, -bios, Multiboot. */
#include "qemu/osdep.h"
#include <elf.h>
#include "hw/i386/x86.h"
#include "system/accel-ops.h"

__attribute__((weak)) const AccelOps *current_accel(void)
{
    return NULL;
}

static char *tmpdir;

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);               /* x86 host: little-endian */
}

static uint32_t get32(uint64_t gpa)
{
    uint32_t v;

    g_assert_true(cpu_physical_memory_read(gpa, &v, 4));
    return v;
}

static void put_mb_header(uint8_t *p, uint32_t flags)
{
    put32(p, MULTIBOOT_HEADER_MAGIC);
    put32(p + 4, flags);
    put32(p + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/* An ELF32 with one segment: 0x100 bytes of file, 0x1000 in memory. */
static char *make_elf(const char *name, uint32_t paddr, bool elf64)
{
    uint8_t img[0x1100] = { 0 };
    Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
    Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));

    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = elf64 ? ELFCLASS64 : ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0xc0000010;       /* virtual: translated to physical */
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x1000;
    ph->p_vaddr = 0xc0000000;
    ph->p_paddr = paddr;
    ph->p_filesz = 0x100;
    ph->p_memsz = 0x1000;
    put_mb_header(img + 0x1000, 0x3);   /* page align + memory info */
    memset(img + 0x1010, 0x90, 0xf0);   /* "code" */
    return write_tmp(name, img, sizeof(img));
}

static void setup_ram(uint64_t size)
{
    RAMBlock *rb = ram_block_alloc("ram", size, &error_abort);

    g_assert_true(x86_map_ram(rb, size, &error_abort));
}

static void test_ram_layout(void)
{
    RAMBlock *rb;

    g_assert_cmpuint(x86_below_4g_mem_size(4ULL << 30), ==, 3ULL << 30);
    g_assert_cmpuint(x86_above_4g_mem_size(4ULL << 30), ==, 1ULL << 30);
    g_assert_cmpuint(x86_above_4g_mem_size(64 << 20), ==, 0);

    /* 4 GiB: 0-640K, 1M-3G, 4G-5G */
    rb = ram_block_alloc("ram", 4ULL << 30, &error_abort);
    g_assert_true(x86_map_ram(rb, 4ULL << 30, &error_abort));
    g_assert(gpa_to_host(0, 0xa0000) == rb->host);
    g_assert_null(gpa_to_host(0xa0000, 1));
    g_assert_null(gpa_to_host(0xfffff, 1));
    g_assert(gpa_to_host(0x100000, 1) == rb->host + 0x100000);
    g_assert_null(gpa_to_host(3ULL << 30, 1));
    g_assert(gpa_to_host(4ULL << 30, 1) == rb->host + (3ULL << 30));
    g_assert_nonnull(gpa_to_host((5ULL << 30) - 1, 1));
    g_assert_null(gpa_to_host(5ULL << 30, 1));
    memory_cleanup();
}

static void test_bios(void)
{
    g_autofree uint8_t *rom = g_malloc0(256 * 1024);
    g_autofree char *good = NULL, *odd = NULL;
    g_autofree char *msg = NULL;
    Error *err = NULL;
    uint8_t b;

    rom[0] = 0x11;                          /* first byte */
    rom[256 * 1024 - 128 * 1024] = 0x22;    /* start of the ISA alias */
    rom[256 * 1024 - 16] = 0xea;            /* reset vector: ljmp */
    good = write_tmp("bios.bin", rom, 256 * 1024);
    odd = write_tmp("odd.bin", rom, 1000);

    setup_ram(64 << 20);
    g_assert_true(x86_bios_load(good, &error_abort));
    g_assert_true(ram_block_find("pc.bios")->readonly);
    g_assert_cmphex(get32(0xfffc0000) & 0xff, ==, 0x11);
    g_assert_cmphex(get32(0xfffffff0) & 0xff, ==, 0xea);
    g_assert_cmphex(get32(0xe0000) & 0xff, ==, 0x22);
    g_assert_cmphex(get32(0xffff0) & 0xff, ==, 0xea);
    g_assert_null(gpa_to_host(0xa0000, 1));     /* not RAM, not ROM */
    /* ROM: guest writes are ignored */
    b = 0x99;
    cpu_physical_memory_write(0xffff0, &b, 1);
    g_assert_cmphex(get32(0xffff0) & 0xff, ==, 0xea);
    memory_cleanup();

    setup_ram(64 << 20);
    g_assert_false(x86_bios_load(odd, &err));
    msg = g_strdup_printf("could not load PC BIOS '%s': BIOS size must be a "
                          "multiple of 64 KiB (it is 1000 bytes)", odd);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    err = NULL;
    g_assert_false(x86_bios_load("/nonexistent/bios.bin", &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                  "could not load PC BIOS '/nonexistent/bios.bin': "));
    error_free(err);
    memory_cleanup();
}

static void test_multiboot_elf(void)
{
    g_autofree char *elf = make_elf("kernel.elf", 0x100000, false);
    g_autofree char *want_cmd = g_strdup_printf("%s console=ttyS0", elf);
    X86BootRegs regs;
    uint32_t mmap_addr, mmap_len;
    char cmd[256];
    uint64_t v;

    setup_ram(64 << 20);
    memset(gpa_to_host(0x100000, 0x1000), 0xcc, 0x1000);
    g_assert_true(multiboot_load(elf, "console=ttyS0", 64 << 20, &regs,
                                 &error_abort));
    g_assert_cmphex(regs.eax, ==, 0x2badb002);
    g_assert_cmphex(regs.ebx, ==, 0x9000);
    g_assert_cmphex(regs.eip, ==, 0x100010);
    /* the segment, and its bss zeroed */
    g_assert_cmphex(get32(0x100000), ==, MULTIBOOT_HEADER_MAGIC);
    g_assert_cmphex(get32(0x100010), ==, 0x90909090);
    g_assert_cmphex(get32(0x100ffc), ==, 0);

    /* info: flags, memory, cmdline, mmap */
    g_assert_cmphex(get32(0x9000) & 0x245, ==, 0x245);
    g_assert_cmpuint(get32(0x9004), ==, 640);
    g_assert_cmpuint(get32(0x9008), ==, 63 * 1024);
    cpu_physical_memory_read(get32(0x9010), cmd, sizeof(cmd));
    cmd[sizeof(cmd) - 1] = 0;
    g_assert_cmpstr(cmd, ==, want_cmd);
    mmap_len = get32(0x902c);
    mmap_addr = get32(0x9030);
    g_assert_cmpuint(mmap_len, ==, 2 * 24);
    g_assert_cmpuint(get32(mmap_addr), ==, 20);
    cpu_physical_memory_read(mmap_addr + 4, &v, 8);
    g_assert_cmphex(v, ==, 0);
    cpu_physical_memory_read(mmap_addr + 12, &v, 8);
    g_assert_cmphex(v, ==, 0xa0000);
    g_assert_cmpuint(get32(mmap_addr + 20), ==, 1);
    cpu_physical_memory_read(mmap_addr + 24 + 4, &v, 8);
    g_assert_cmphex(v, ==, 0x100000);
    cpu_physical_memory_read(mmap_addr + 24 + 12, &v, 8);
    g_assert_cmphex(v, ==, (64 << 20) - 0x100000);
    memory_cleanup();
}

static void test_multiboot_aout(void)
{
    uint8_t img[0x3000] = { 0 };
    g_autofree char *path = NULL;
    X86BootRegs regs;

    /* header at file offset 0x40; file loads at 0x200000 */
    put_mb_header(img + 0x40, 0x10003);
    put32(img + 0x40 + 12, 0x200040);       /* header_addr */
    put32(img + 0x40 + 16, 0x200000);       /* load_addr */
    put32(img + 0x40 + 20, 0x202000);       /* load_end_addr */
    put32(img + 0x40 + 24, 0x204000);       /* bss_end_addr */
    put32(img + 0x40 + 28, 0x200100);       /* entry */
    img[0x100] = 0xf4;
    img[0x2000] = 0x77;                     /* beyond load_end: not loaded */
    path = write_tmp("kernel.aout", img, sizeof(img));

    setup_ram(16 << 20);
    memset(gpa_to_host(0x200000, 0x5000), 0xcc, 0x5000);
    g_assert_true(multiboot_load(path, NULL, 16 << 20, &regs, &error_abort));
    g_assert_cmphex(regs.eip, ==, 0x200100);
    g_assert_cmphex(get32(0x200100) & 0xff, ==, 0xf4);
    g_assert_cmphex(get32(0x202000), ==, 0);     /* bss */
    g_assert_cmphex(get32(0x203ffc), ==, 0);
    g_assert_cmphex(get32(0x204000), ==, 0xcccccccc);
    memory_cleanup();
}

static void expect_mb_error(const char *path, uint64_t ram, const char *fmt)
{
    g_autofree char *want = g_strdup_printf(fmt, path);
    Error *err = NULL;
    X86BootRegs regs;

    setup_ram(ram);
    g_assert_false(multiboot_load(path, "", ram, &regs, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    memory_cleanup();
}

static void test_multiboot_bad(void)
{
    uint8_t junk[16384] = { 0 };
    g_autofree char *nohdr = NULL, *late = NULL;
    g_autofree char *elf64 = make_elf("k64.elf", 0x100000, true);
    g_autofree char *high = make_elf("khigh.elf", 0x8000000, false);

    nohdr = write_tmp("nohdr", junk, sizeof(junk));
    put_mb_header(junk + 8192, 0);          /* just past the 8 KiB */
    late = write_tmp("late", junk, sizeof(junk));

    expect_mb_error(nohdr, 16 << 20, "kernel '%s' is not a Multiboot image "
                    "(no header in the first 8 KiB)");
    expect_mb_error(late, 16 << 20, "kernel '%s' is not a Multiboot image "
                    "(no header in the first 8 KiB)");
    expect_mb_error(elf64, 16 << 20, "multiboot image '%s' is a 64-bit "
                    "ELF: Multiboot needs a 32-bit image");
    /* 128 MiB physical address in a 16 MiB guest */
    expect_mb_error(high, 16 << 20, "multiboot image '%s': segment at "
                    "0x8000000-0x8001000 is not in guest RAM");
    {
        Error *err = NULL;
        X86BootRegs regs;

        g_assert_false(multiboot_load("/nonexistent/k", "", 16 << 20, &regs,
                                      &err));
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                      "could not load kernel '/nonexistent/k': "));
        error_free(err);
    }
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-loader-XXXXXX", NULL);
    g_test_add_func("/loader/ram-layout", test_ram_layout);
    g_test_add_func("/loader/bios", test_bios);
    g_test_add_func("/loader/multiboot/elf", test_multiboot_elf);
    g_test_add_func("/loader/multiboot/aout", test_multiboot_aout);
    g_test_add_func("/loader/multiboot/bad", test_multiboot_bad);
    ret = g_test_run();
    {
        g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
        const char *n;

        while (d && (n = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(tmpdir, n, NULL);
            unlink(p);
        }
    }
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
