/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multifd zstd compression: one zstd stream per channel, flushed per packet. */
#include "qemu/osdep.h"
#include <zstd.h>
#include "migration/multifd.h"

static void *zstd_send_new(int level, Error **errp)
{
    ZSTD_CStream *cs = ZSTD_createCStream();
    size_t r;

    if (!cs) {
        error_setg(errp, "multifd: cannot create the zstd compressor");
        return NULL;
    }
    r = ZSTD_initCStream(cs, level);
    if (ZSTD_isError(r)) {
        error_setg(errp, "multifd: zstd init failed: %s", ZSTD_getErrorName(r));
        ZSTD_freeCStream(cs);
        return NULL;
    }
    return cs;
}

static void zstd_send_free(void *st)
{
    ZSTD_freeCStream(st);
}

static bool zstd_compress(void *st, uint8_t *const *pages, uint32_t n,
                          uint8_t *out, size_t cap, size_t *out_len,
                          Error **errp)
{
    ZSTD_outBuffer ob = { .dst = out, .size = cap, .pos = 0 };

    for (uint32_t i = 0; i < n; i++) {
        ZSTD_inBuffer ib = { .src = pages[i], .size = MULTIFD_PAGE_SIZE };
        ZSTD_EndDirective mode = i == n - 1 ? ZSTD_e_flush : ZSTD_e_continue;
        size_t r;

        do {
            r = ZSTD_compressStream2(st, &ob, &ib, mode);
        } while (!ZSTD_isError(r) && ob.pos < ob.size &&
                 (ib.pos < ib.size || (mode == ZSTD_e_flush && r > 0)));
        if (ZSTD_isError(r)) {
            error_setg(errp, "multifd: zstd compression failed: %s",
                       ZSTD_getErrorName(r));
            return false;
        }
        if (ib.pos < ib.size || (mode == ZSTD_e_flush && r > 0)) {
            error_setg(errp, "multifd: zstd output does not fit %zu bytes",
                       cap);
            return false;
        }
    }
    *out_len = ob.pos;
    return true;
}

static void *zstd_recv_new(Error **errp)
{
    ZSTD_DStream *ds = ZSTD_createDStream();
    size_t r;

    if (!ds) {
        error_setg(errp, "multifd: cannot create the zstd decompressor");
        return NULL;
    }
    r = ZSTD_initDStream(ds);
    if (ZSTD_isError(r)) {
        error_setg(errp, "multifd: zstd init failed: %s", ZSTD_getErrorName(r));
        ZSTD_freeDStream(ds);
        return NULL;
    }
    return ds;
}

static void zstd_recv_free(void *st)
{
    ZSTD_freeDStream(st);
}

static bool zstd_decompress(void *st, const uint8_t *in, size_t in_len,
                            uint8_t *const *pages, uint32_t n, Error **errp)
{
    ZSTD_inBuffer ib = { .src = in, .size = in_len, .pos = 0 };

    for (uint32_t i = 0; i < n; i++) {
        ZSTD_outBuffer ob = { .dst = pages[i], .size = MULTIFD_PAGE_SIZE };
        size_t r;

        do {
            r = ZSTD_decompressStream(st, &ob, &ib);
        } while (!ZSTD_isError(r) && ob.pos < ob.size && ib.pos < ib.size);
        if (ZSTD_isError(r)) {
            error_setg(errp, "multifd: zstd decompression failed on page %u "
                       "of %u: %s", i + 1, n, ZSTD_getErrorName(r));
            return false;
        }
        if (ob.pos < ob.size) {
            error_setg(errp, "multifd: zstd data ends in page %u of %u",
                       i + 1, n);
            return false;
        }
    }
    if (ib.pos < ib.size) {
        /* the end of the flushed block needs no output: let zstd eat it */
        ZSTD_outBuffer none = { .dst = NULL, .size = 0, .pos = 0 };

        ZSTD_decompressStream(st, &none, &ib);
    }
    if (ib.pos < ib.size) {
        error_setg(errp, "multifd: %zu bytes of compressed data left over "
                   "after %u pages", ib.size - ib.pos, n);
        return false;
    }
    return true;
}

const MultiFDCodec multifd_zstd_codec = {
    .name = "zstd",
    .flag = MULTIFD_FLAG_ZSTD,
    .send_new = zstd_send_new,
    .send_free = zstd_send_free,
    .compress = zstd_compress,
    .recv_new = zstd_recv_new,
    .recv_free = zstd_recv_free,
    .decompress = zstd_decompress,
};
