/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for multifd: init/packet wire format, zlib and zstd round trips. */
#include "qemu/osdep.h"
#include "migration/multifd.h"

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t be64_at(const uint8_t *p)
{
    return ((uint64_t)be32_at(p) << 32) | be32_at(p + 4);
}

static void test_init_roundtrip(void)
{
    MultiFDInit in = { .magic = MULTIFD_MAGIC, .version = MULTIFD_VERSION,
                       .id = 3 }, out;
    uint8_t buf[MULTIFD_INIT_LEN];

    for (int i = 0; i < 16; i++) {
        in.uuid[i] = 0xa0 + i;
    }
    multifd_init_encode(&in, buf);
    /* QEMU's MultiFDInit_t: be32 magic, be32 version, uuid, id */
    g_assert_cmphex(be32_at(buf), ==, 0x11223344);
    g_assert_cmpuint(be32_at(buf + 4), ==, 1);
    g_assert_cmphex(buf[8], ==, 0xa0);
    g_assert_cmphex(buf[23], ==, 0xaf);
    g_assert_cmpuint(buf[24], ==, 3);
    for (int i = 25; i < MULTIFD_INIT_LEN; i++) {
        g_assert_cmpuint(buf[i], ==, 0);
    }
    g_assert_true(multifd_init_decode(buf, &out, &error_abort));
    g_assert_cmpuint(out.id, ==, 3);
    g_assert_cmpmem(out.uuid, 16, in.uuid, 16);
}

static void test_init_bad(void)
{
    MultiFDInit in = { .magic = MULTIFD_MAGIC, .version = 2 }, out;
    uint8_t buf[MULTIFD_INIT_LEN];
    Error *err = NULL;

    multifd_init_encode(&in, buf);
    g_assert_false(multifd_init_decode(buf, &out, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "multifd: received packet version 2 expected 1");
    error_free(err);
    err = NULL;
    memcpy(buf, "QEVM", 4);
    g_assert_false(multifd_init_decode(buf, &out, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "multifd: received packet magic 5145564d expected "
                    "11223344");
    error_free(err);
}

static MultiFDPacket *sample_packet(void)
{
    MultiFDPacket *p = g_new0(MultiFDPacket, 1);

    p->magic = MULTIFD_MAGIC;
    p->version = MULTIFD_VERSION;
    p->flags = MULTIFD_FLAG_ZLIB;
    p->pages_alloc = MULTIFD_PAGE_COUNT;
    p->normal_pages = 3;
    p->zero_pages = 2;
    p->next_packet_size = 12345;
    p->packet_num = 0x0102030405060708ULL;
    strcpy(p->ramblock, "pc.ram");
    for (int i = 0; i < 5; i++) {
        p->offset[i] = (uint64_t)(i * 7 + 1) << 12;
    }
    return p;
}

static void test_packet_roundtrip(void)
{
    g_autofree MultiFDPacket *p = sample_packet();
    g_autofree MultiFDPacket *q = g_new0(MultiFDPacket, 1);
    g_autofree uint8_t *buf = g_malloc(MULTIFD_PACKET_LEN);

    multifd_packet_encode(p, buf);
    /* QEMU's MultiFDPacket_t layout */
    g_assert_cmphex(be32_at(buf), ==, MULTIFD_MAGIC);
    g_assert_cmpuint(be32_at(buf + 4), ==, MULTIFD_VERSION);
    g_assert_cmphex(be32_at(buf + 8), ==, MULTIFD_FLAG_ZLIB);
    g_assert_cmpuint(be32_at(buf + 12), ==, 128);          /* pages_alloc */
    g_assert_cmpuint(be32_at(buf + 16), ==, 3);            /* normal */
    g_assert_cmpuint(be32_at(buf + 20), ==, 12345);        /* next size */
    g_assert_cmphex(be64_at(buf + 24), ==, 0x0102030405060708ULL);
    g_assert_cmpuint(be32_at(buf + 32), ==, 2);            /* zero */
    g_assert_cmpstr((char *)buf + 64, ==, "pc.ram");
    g_assert_cmphex(be64_at(buf + 320), ==, 1 << 12);
    g_assert_cmphex(be64_at(buf + 320 + 4 * 8), ==, 29 << 12);
    g_assert_cmphex(be64_at(buf + 320 + 5 * 8), ==, 0);
    g_assert_cmpuint(MULTIFD_PACKET_LEN, ==, 320 + 128 * 8);

    g_assert_true(multifd_packet_decode(buf, q, &error_abort));
    g_assert_cmpuint(q->flags, ==, p->flags);
    g_assert_cmpuint(q->normal_pages, ==, 3);
    g_assert_cmpuint(q->zero_pages, ==, 2);
    g_assert_cmpuint(q->next_packet_size, ==, 12345);
    g_assert_cmpuint(q->packet_num, ==, p->packet_num);
    g_assert_cmpstr(q->ramblock, ==, "pc.ram");
    g_assert_cmpmem(q->offset, 5 * 8, p->offset, 5 * 8);
}

static void expect_decode_error(MultiFDPacket *p, const char *msg)
{
    g_autofree uint8_t *buf = g_malloc(MULTIFD_PACKET_LEN);
    g_autofree MultiFDPacket *q = g_new0(MultiFDPacket, 1);
    Error *err = NULL;

    multifd_packet_encode(p, buf);
    g_assert_false(multifd_packet_decode(buf, q, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_packet_bad(void)
{
    g_autofree MultiFDPacket *p = sample_packet();

    p->pages_alloc = 129;
    expect_decode_error(p, "multifd: received packet with 129 pages, "
                        "expected 128");
    p->pages_alloc = 4;
    p->zero_pages = 0;
    p->normal_pages = 5;
    expect_decode_error(p, "multifd: received packet with 5 non-zero pages, "
                        "which exceeds maximum expected pages 4");
    p->normal_pages = 3;
    p->zero_pages = 2;
    expect_decode_error(p, "multifd: received packet with 2 zero pages, "
                        "expected maximum 1");
    p->zero_pages = 1;
    p->magic = 0x11223345;
    expect_decode_error(p, "multifd: received packet magic 11223345, "
                        "expected 11223344");
}

/* A sync packet: flags SYNC only, no pages (what QEMU sends). */
static void test_packet_sync(void)
{
    MultiFDPacket p = { .magic = MULTIFD_MAGIC, .version = MULTIFD_VERSION,
                        .flags = MULTIFD_FLAG_SYNC, .packet_num = 9 };
    g_autofree MultiFDPacket *q = g_new0(MultiFDPacket, 1);
    g_autofree uint8_t *buf = g_malloc(MULTIFD_PACKET_LEN);

    multifd_packet_encode(&p, buf);
    g_assert_true(multifd_packet_decode(buf, q, &error_abort));
    g_assert_cmpuint(q->flags, ==, MULTIFD_FLAG_SYNC);
    g_assert_cmpuint(q->normal_pages + q->zero_pages, ==, 0);
    g_assert_cmpstr(q->ramblock, ==, "");
}

/* Pages that compress to different degrees: text, noise, a pattern. */
static void fill_pages(uint8_t *mem, uint32_t n, uint32_t seed)
{
    GRand *r = g_rand_new_with_seed(seed);

    for (uint32_t i = 0; i < n; i++) {
        uint8_t *pg = mem + (size_t)i * MULTIFD_PAGE_SIZE;

        switch (i % 3) {
        case 0:
            for (int j = 0; j < MULTIFD_PAGE_SIZE; j++) {
                pg[j] = g_rand_int(r);
            }
            break;
        case 1:
            memset(pg, 0, MULTIFD_PAGE_SIZE);
            snprintf((char *)pg, 64, "page %u seed %u", i, seed);
            break;
        default:
            for (int j = 0; j < MULTIFD_PAGE_SIZE; j++) {
                pg[j] = (j * seed) >> 3;
            }
            break;
        }
    }
    g_rand_free(r);
}

static void codec_roundtrip(const MultiFDCodec *codec, int level)
{
    const uint32_t counts[] = { 1, 128, 37, 128 };
    void *tx = codec->send_new(level, &error_abort);
    void *rx = codec->recv_new(&error_abort);
    g_autofree uint8_t *src = g_malloc(MULTIFD_PACKET_SIZE);
    g_autofree uint8_t *dst = g_malloc(MULTIFD_PACKET_SIZE);
    g_autofree uint8_t *z = g_malloc(MULTIFD_COMPRESS_CAP);
    uint8_t *sp[MULTIFD_PAGE_COUNT], *dp[MULTIFD_PAGE_COUNT];

    /* several packets through the same per-channel state, in order */
    for (size_t k = 0; k < G_N_ELEMENTS(counts); k++) {
        uint32_t n = counts[k];
        size_t len = 0;

        fill_pages(src, n, k + 1);
        memset(dst, 0xee, MULTIFD_PACKET_SIZE);
        for (uint32_t i = 0; i < n; i++) {
            sp[i] = src + (size_t)i * MULTIFD_PAGE_SIZE;
            /* scatter the destination pages, as in guest RAM */
            dp[i] = dst + (size_t)(n - 1 - i) * MULTIFD_PAGE_SIZE;
        }
        g_assert_true(codec->compress(tx, sp, n, z, MULTIFD_COMPRESS_CAP,
                                      &len, &error_abort));
        g_assert_cmpuint(len, >, 0);
        if (n == 128 && level > 0) {
            /* a third of the pages are noise, the rest compress well */
            g_assert_cmpuint(len, <, (size_t)n * MULTIFD_PAGE_SIZE * 2 / 3);
        }
        g_assert_true(codec->decompress(rx, z, len, dp, n, &error_abort));
        for (uint32_t i = 0; i < n; i++) {
            g_assert_cmpmem(dp[i], MULTIFD_PAGE_SIZE, sp[i],
                            MULTIFD_PAGE_SIZE);
        }
    }
    codec->send_free(tx);
    codec->recv_free(rx);
}

static void codec_corrupt(const MultiFDCodec *codec)
{
    void *tx = codec->send_new(1, &error_abort);
    void *rx = codec->recv_new(&error_abort);
    g_autofree uint8_t *src = g_malloc(4 * MULTIFD_PAGE_SIZE);
    g_autofree uint8_t *dst = g_malloc(4 * MULTIFD_PAGE_SIZE);
    g_autofree uint8_t *z = g_malloc(MULTIFD_COMPRESS_CAP);
    uint8_t *sp[4], *dp[4];
    Error *err = NULL;
    size_t len;

    fill_pages(src, 4, 7);
    for (int i = 0; i < 4; i++) {
        sp[i] = src + i * MULTIFD_PAGE_SIZE;
        dp[i] = dst + i * MULTIFD_PAGE_SIZE;
    }
    g_assert_true(codec->compress(tx, sp, 4, z, MULTIFD_COMPRESS_CAP, &len,
                                  &error_abort));
    /* the receiver expects more pages than were sent: an error, no crash */
    g_assert_false(codec->decompress(rx, z, len / 2, dp, 4, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err), "multifd"));
    error_free(err);
    codec->send_free(tx);
    codec->recv_free(rx);
}

static void test_zlib(void)
{
    g_assert_true(multifd_codec_get(MULTIFD_COMPRESSION_ZLIB) ==
                  &multifd_zlib_codec);
    g_assert_cmphex(multifd_zlib_codec.flag, ==, 1 << 1);
    codec_roundtrip(&multifd_zlib_codec, 1);
    codec_roundtrip(&multifd_zlib_codec, 9);
    codec_roundtrip(&multifd_zlib_codec, 0);
    codec_corrupt(&multifd_zlib_codec);
}

#ifdef CONFIG_ZSTD
static void test_zstd(void)
{
    g_assert_true(multifd_codec_get(MULTIFD_COMPRESSION_ZSTD) ==
                  &multifd_zstd_codec);
    g_assert_cmphex(multifd_zstd_codec.flag, ==, 2 << 1);
    codec_roundtrip(&multifd_zstd_codec, 1);
    codec_roundtrip(&multifd_zstd_codec, 20);
    codec_corrupt(&multifd_zstd_codec);
}
#endif

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/multifd/init/roundtrip", test_init_roundtrip);
    g_test_add_func("/multifd/init/bad", test_init_bad);
    g_test_add_func("/multifd/packet/roundtrip", test_packet_roundtrip);
    g_test_add_func("/multifd/packet/bad", test_packet_bad);
    g_test_add_func("/multifd/packet/sync", test_packet_sync);
    g_test_add_func("/multifd/zlib", test_zlib);
#ifdef CONFIG_ZSTD
    g_test_add_func("/multifd/zstd", test_zstd);
#endif
    return g_test_run();
}
