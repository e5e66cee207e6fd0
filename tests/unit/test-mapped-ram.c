/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mapped-ram: the block header's bytes and the page bitmap's layout. */
#include "qemu/osdep.h"
#include "migration/mapped-ram.h"

static void test_header_encoding(void)
{
    MappedRamHeader h = {
        .version = 1,
        .page_size = 4096,
        .bitmap_offset = 0x123456789aULL,
        .pages_offset = 0x200000,
    };
    static const uint8_t expect[MAPPED_RAM_HDR_LEN] = {
        0, 0, 0, 1,                                  /* be32 version */
        0, 0, 0, 0, 0, 0, 0x10, 0,                   /* be64 page_size */
        0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9a,       /* bitmap_offset */
        0, 0, 0, 0, 0, 0x20, 0, 0,                   /* pages_offset */
    };
    uint8_t buf[MAPPED_RAM_HDR_LEN];
    MappedRamHeader back;

    mapped_ram_header_encode(&h, buf);
    g_assert_cmpmem(buf, sizeof(buf), expect, sizeof(expect));
    mapped_ram_header_decode(buf, &back);
    g_assert_cmpuint(back.version, ==, 1);
    g_assert_cmpuint(back.page_size, ==, 4096);
    g_assert_cmpuint(back.bitmap_offset, ==, 0x123456789aULL);
    g_assert_cmpuint(back.pages_offset, ==, 0x200000);
}

static void test_header_check(void)
{
    MappedRamHeader h = {
        .version = 1, .page_size = 4096,
        .bitmap_offset = 0x100, .pages_offset = 0x100000,
    };
    Error *err = NULL;

    g_assert_true(mapped_ram_header_check(&h, "ram", &error_abort));
    h.version = 2;
    g_assert_false(mapped_ram_header_check(&h, "ram", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "version not supported"));
    error_free(err);
    err = NULL;
    h.version = 1;
    h.page_size = 65536;
    g_assert_false(mapped_ram_header_check(&h, "ram", &err));
    error_free(err);
    err = NULL;
    h.page_size = 4096;
    h.pages_offset = 0x100001;          /* not 1 MiB aligned */
    g_assert_false(mapped_ram_header_check(&h, "ram", &err));
    error_free(err);
}

static void test_bitmap_layout(void)
{
    /* host unsigned longs on a little-endian host: bit i of byte i / 8 */
    g_autofree uint8_t *bmap = NULL;

    g_assert_cmpuint(mapped_ram_bitmap_size(1), ==, sizeof(unsigned long));
    g_assert_cmpuint(mapped_ram_bitmap_size(64), ==, 8);
    g_assert_cmpuint(mapped_ram_bitmap_size(65), ==, 16);
    bmap = g_malloc0(mapped_ram_bitmap_size(100));
    mapped_ram_bitmap_change(bmap, 0, true);
    mapped_ram_bitmap_change(bmap, 9, true);
    mapped_ram_bitmap_change(bmap, 99, true);
    g_assert_cmphex(bmap[0], ==, 0x01);
    g_assert_cmphex(bmap[1], ==, 0x02);
    g_assert_cmphex(bmap[12], ==, 0x08);
    g_assert_true(mapped_ram_bitmap_test(bmap, 9));
    g_assert_false(mapped_ram_bitmap_test(bmap, 10));
    mapped_ram_bitmap_change(bmap, 9, false);
    g_assert_false(mapped_ram_bitmap_test(bmap, 9));
    g_assert_cmphex(bmap[1], ==, 0);
    g_assert_true(mapped_ram_bitmap_test(bmap, 99));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mapped-ram/header", test_header_encoding);
    g_test_add_func("/mapped-ram/header-check", test_header_check);
    g_test_add_func("/mapped-ram/bitmap", test_bitmap_layout);
    return g_test_run();
}
