/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multiboot (v1) kernel loader: ELF32 or a.out kludge, info struct, mmap. */
#include "qemu/osdep.h"
#include <elf.h>
#include "hw/i386/x86.h"

/* Multiboot header flags */
#define MB_FLAG_PAGE_ALIGN  (1u << 0)
#define MB_FLAG_MEMORY_INFO (1u << 1)
#define MB_FLAG_VIDEO_MODE  (1u << 2)
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
#define MB_REQUIRED_KNOWN   (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | \
                             MB_FLAG_VIDEO_MODE)

/* Multiboot info flags and layout (offsets in the info structure) */
#define MBI_FLAG_MEM        (1u << 0)
#define MBI_FLAG_CMDLINE    (1u << 2)
#define MBI_FLAG_MODS       (1u << 3)
#define MBI_FLAG_MMAP       (1u << 6)
#define MBI_FLAG_LOADER     (1u << 9)
enum {
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_CMDLINE = 16,
    MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_MMAP_LENGTH = 44,
    MBI_MMAP_ADDR = 48, MBI_BOOT_LOADER_NAME = 64, MBI_SIZE = 88,
};
#define MB_MMAP_ENTRY_SIZE 24       /* size field (20) + 20 bytes */
#define MB_INFO_END 0xa0000u        /* the info area ends at the hole */

typedef struct MultibootHeader {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} MultibootHeader;

static uint32_t ldl(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void stl(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static void stq(uint8_t *p, uint64_t v)
{
    stl(p, v);
    stl(p + 4, v >> 32);
}

/* The header: 4-byte aligned in the first 8 KiB, checksum adding to 0. */
static bool mb_find_header(const uint8_t *data, gsize size,
                           MultibootHeader *mh, uint32_t *offset)
{
    gsize limit = MIN(size, (gsize)MULTIBOOT_SEARCH);

    for (gsize i = 0; i + 12 <= limit; i += 4) {
        const uint8_t *p = data + i;

        if (ldl(p) != MULTIBOOT_HEADER_MAGIC ||
            (uint32_t)(ldl(p) + ldl(p + 4) + ldl(p + 8)) != 0) {
            continue;
        }
        memset(mh, 0, sizeof(*mh));
        mh->magic = ldl(p);
        mh->flags = ldl(p + 4);
        mh->checksum = ldl(p + 8);
        if ((mh->flags & MB_FLAG_AOUT_KLUDGE) && i + 32 <= size) {
            mh->header_addr = ldl(p + 12);
            mh->load_addr = ldl(p + 16);
            mh->load_end_addr = ldl(p + 20);
            mh->bss_end_addr = ldl(p + 24);
            mh->entry_addr = ldl(p + 28);
        }
        *offset = i;
        return true;
    }
    return false;
}

/* Guest RAM for [addr, addr+len): writable RAM, in one mapping. */
static uint8_t *mb_ram(uint64_t addr, uint64_t len)
{
    return len ? gpa_to_host(addr, len) : gpa_to_host(addr, 1);
}

/* Where the image went, to keep the info structure clear of it. */
static uint64_t mb_loaded_start, mb_loaded_end;

static bool mb_place(const char *file, uint64_t addr, const uint8_t *src,
                     uint64_t filesz, uint64_t memsz, Error **errp)
{
    uint8_t *host = mb_ram(addr, memsz);

    if (!host || addr + memsz > X86_4GIB) {
        error_setg(errp, "multiboot image '%s': segment at 0x%" PRIx64
                   "-0x%" PRIx64 " is not in guest RAM", file, addr,
                   addr + memsz);
        return false;
    }
    memcpy(host, src, filesz);
    memset(host + filesz, 0, memsz - filesz);
    mb_loaded_start = MIN(mb_loaded_start, addr);
    mb_loaded_end = MAX(mb_loaded_end, addr + memsz);
    return true;
}

static bool mb_load_aout(const char *file, const uint8_t *data, gsize size,
                         const MultibootHeader *mh, uint32_t mh_offset,
                         uint32_t *entry, Error **errp)
{
    uint64_t file_off, load_size, mem_size;

    if (mh->header_addr < mh->load_addr ||
        mh->header_addr - mh->load_addr > mh_offset) {
        error_setg(errp, "multiboot image '%s': header_addr 0x%x and "
                   "load_addr 0x%x do not fit the header's file offset",
                   file, mh->header_addr, mh->load_addr);
        return false;
    }
    file_off = mh_offset - (mh->header_addr - mh->load_addr);
    if (mh->load_end_addr) {
        if (mh->load_end_addr < mh->load_addr ||
            mh->load_end_addr - mh->load_addr > size - file_off) {
            error_setg(errp, "multiboot image '%s': load_end_addr 0x%x is "
                       "invalid", file, mh->load_end_addr);
            return false;
        }
        load_size = mh->load_end_addr - mh->load_addr;
    } else {
        load_size = size - file_off;
    }
    mem_size = load_size;
    if (mh->bss_end_addr) {
        if (mh->bss_end_addr < mh->load_addr + load_size) {
            error_setg(errp, "multiboot image '%s': bss_end_addr 0x%x is "
                       "below the end of the loaded image", file,
                       mh->bss_end_addr);
            return false;
        }
        mem_size = mh->bss_end_addr - mh->load_addr;
    }
    *entry = mh->entry_addr;
    return mb_place(file, mh->load_addr, data + file_off, load_size,
                    mem_size, errp);
}

static bool mb_load_elf(const char *file, const uint8_t *data, gsize size,
                        uint32_t *entry, Error **errp)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)data;
    bool entry_mapped = false;

    if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG)) {
        error_setg(errp, "multiboot image '%s' is not ELF and its header "
                   "gives no load addresses (flag bit 16)", file);
        return false;
    }
    if (data[EI_CLASS] == ELFCLASS64) {
        error_setg(errp, "multiboot image '%s' is a 64-bit ELF: Multiboot "
                   "needs a 32-bit image", file);
        return false;
    }
    if (size < sizeof(*eh) || data[EI_CLASS] != ELFCLASS32 ||
        data[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_386 ||
        eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf32_Phdr) ||
        eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > size - eh->e_phoff) {
        error_setg(errp, "multiboot image '%s' is not a valid 32-bit x86 "
                   "ELF executable", file);
        return false;
    }
    *entry = eh->e_entry;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf32_Phdr ph;

        memcpy(&ph, data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || !ph.p_memsz) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
            ph.p_filesz > size - ph.p_offset) {
            error_setg(errp, "multiboot image '%s': program header %u "
                       "lies outside the file", file, i);
            return false;
        }
        /* Loaded at the physical address; the entry may be virtual. */
        if (!entry_mapped && eh->e_entry >= ph.p_vaddr &&
            eh->e_entry - ph.p_vaddr < ph.p_memsz) {
            *entry = eh->e_entry - ph.p_vaddr + ph.p_paddr;
            entry_mapped = true;
        }
        if (!mb_place(file, ph.p_paddr, data + ph.p_offset, ph.p_filesz,
                      ph.p_memsz, errp)) {
            return false;
        }
    }
    return true;
}

/* Info structure, memory map, command line and loader name at 0x9000. */
static bool mb_build_info(const char *file, const char *cmdline,
                          uint64_t ram_size, Error **errp)
{
    uint64_t below = x86_below_4g_mem_size(ram_size);
    uint64_t above = x86_above_4g_mem_size(ram_size);
    static const char loader[] = "qemu";
    g_autofree char *kcmdline = g_strdup_printf("%s %s", file,
                                                cmdline ? cmdline : "");
    size_t clen = strlen(kcmdline) + 1;
    uint32_t mmap_addr = MULTIBOOT_INFO_ADDR + MBI_SIZE + 8;
    uint32_t mmap_len = 0, cmd_addr, name_addr;
    uint8_t *info, *mmap;
    uint64_t ranges[3][2] = {
        { 0, MIN(below, X86_VGA_HOLE_START) },
        { X86_HOLE_END, below > X86_HOLE_END ? below - X86_HOLE_END : 0 },
        { X86_4GIB, above },
    };

    cmd_addr = mmap_addr + 3 * MB_MMAP_ENTRY_SIZE;
    name_addr = cmd_addr + clen;
    if (name_addr + sizeof(loader) > MB_INFO_END ||
        !(info = mb_ram(MULTIBOOT_INFO_ADDR,
                        name_addr + sizeof(loader) - MULTIBOOT_INFO_ADDR))) {
        error_setg(errp, "multiboot: the command line of '%s' (%zu bytes) "
                   "does not fit below 640 KiB", file, clen);
        return false;
    }
    if (mb_loaded_start < name_addr + sizeof(loader) &&
        mb_loaded_end > MULTIBOOT_INFO_ADDR) {
        error_setg(errp, "multiboot image '%s' (0x%" PRIx64 "-0x%" PRIx64
                   ") overlaps the boot information at 0x%x-0x%zx", file,
                   mb_loaded_start, mb_loaded_end, MULTIBOOT_INFO_ADDR,
                   name_addr + sizeof(loader));
        return false;
    }
    memset(info, 0, MBI_SIZE);
    mmap = info + (mmap_addr - MULTIBOOT_INFO_ADDR);
    for (unsigned i = 0; i < 3; i++) {
        if (!ranges[i][1]) {
            continue;
        }
        stl(mmap + mmap_len, MB_MMAP_ENTRY_SIZE - 4);
        stq(mmap + mmap_len + 4, ranges[i][0]);
        stq(mmap + mmap_len + 12, ranges[i][1]);
        stl(mmap + mmap_len + 20, 1);       /* available RAM */
        mmap_len += MB_MMAP_ENTRY_SIZE;
    }
    memcpy(info + (cmd_addr - MULTIBOOT_INFO_ADDR), kcmdline, clen);
    memcpy(info + (name_addr - MULTIBOOT_INFO_ADDR), loader, sizeof(loader));

    stl(info + MBI_FLAGS, MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
                          MBI_FLAG_MMAP | MBI_FLAG_LOADER);
    stl(info + MBI_MEM_LOWER, MIN(below, X86_VGA_HOLE_START) / 1024);
    stl(info + MBI_MEM_UPPER,
        below > X86_HOLE_END ? (below - X86_HOLE_END) / 1024 : 0);
    stl(info + MBI_CMDLINE, cmd_addr);
    stl(info + MBI_MODS_COUNT, 0);
    stl(info + MBI_MODS_ADDR, 0);
    stl(info + MBI_MMAP_LENGTH, mmap_len);
    stl(info + MBI_MMAP_ADDR, mmap_addr);
    stl(info + MBI_BOOT_LOADER_NAME, name_addr);
    return true;
}

bool multiboot_load(const char *filename, const char *cmdline,
                    uint64_t ram_size, X86BootRegs *regs, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree uint8_t *data = NULL;
    MultibootHeader mh;
    uint32_t mh_offset, entry = 0;
    gsize size;

    mb_loaded_start = UINT64_MAX;
    mb_loaded_end = 0;
    if (!g_file_get_contents(filename, (char **)&data, &size, &gerr)) {
        error_setg(errp, "could not load kernel '%s': %s", filename,
                   gerr->message);
        return false;
    }
    if (!mb_find_header(data, size, &mh, &mh_offset)) {
        error_setg(errp, "kernel '%s' is not a Multiboot image (no header "
                   "in the first 8 KiB)", filename);
        return false;
    }
    if (mh.flags & 0xffff & ~MB_REQUIRED_KNOWN) {
        error_setg(errp, "multiboot image '%s' requires features this "
                   "loader does not know (flags 0x%x)", filename, mh.flags);
        return false;
    }
    if (mh.flags & MB_FLAG_AOUT_KLUDGE) {
        if (mh_offset + 32 > size) {
            error_setg(errp, "multiboot image '%s': the header's address "
                       "fields are cut off", filename);
            return false;
        }
        if (!mb_load_aout(filename, data, size, &mh, mh_offset, &entry,
                          errp)) {
            return false;
        }
    } else if (!mb_load_elf(filename, data, size, &entry, errp)) {
        return false;
    }
    if (!mb_build_info(filename, cmdline, ram_size, errp)) {
        return false;
    }
    regs->eax = MULTIBOOT_BOOTLOADER_MAGIC;
    regs->ebx = MULTIBOOT_INFO_ADDR;
    regs->eip = entry;
    return true;
}
