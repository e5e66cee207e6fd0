/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multifd zlib compression: one deflate stream per channel, synced per packet. */
#include "qemu/osdep.h"
#include <zlib.h>
#include "migration/multifd.h"

typedef struct ZlibState {
    z_stream zs;
    bool deflating;
} ZlibState;

static void *zlib_send_new(int level, Error **errp)
{
    ZlibState *z = g_new0(ZlibState, 1);

    if (deflateInit(&z->zs, level) != Z_OK) {
        error_setg(errp, "multifd: deflate init failed");
        g_free(z);
        return NULL;
    }
    z->deflating = true;
    return z;
}

static void zlib_free(void *st)
{
    ZlibState *z = st;

    if (!z) {
        return;
    }
    if (z->deflating) {
        deflateEnd(&z->zs);
    } else {
        inflateEnd(&z->zs);
    }
    g_free(z);
}

static bool zlib_compress(void *st, uint8_t *const *pages, uint32_t n,
                          uint8_t *out, size_t cap, size_t *out_len,
                          Error **errp)
{
    z_stream *zs = &((ZlibState *)st)->zs;
    size_t used = 0;

    for (uint32_t i = 0; i < n; i++) {
        int flush = i == n - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        int ret;

        zs->next_in = pages[i];
        zs->avail_in = MULTIFD_PAGE_SIZE;
        zs->next_out = out + used;
        zs->avail_out = cap - used;
        do {
            ret = deflate(zs, flush);
        } while (ret == Z_OK && zs->avail_in && zs->avail_out);
        if (ret != Z_OK || zs->avail_in) {
            error_setg(errp, "multifd: deflate failed (%d) with %u bytes "
                       "left to compress", ret, zs->avail_in);
            return false;
        }
        used = cap - zs->avail_out;
    }
    *out_len = used;
    return true;
}

static void *zlib_recv_new(Error **errp)
{
    ZlibState *z = g_new0(ZlibState, 1);

    if (inflateInit(&z->zs) != Z_OK) {
        error_setg(errp, "multifd: inflate init failed");
        g_free(z);
        return NULL;
    }
    return z;
}

static bool zlib_decompress(void *st, const uint8_t *in, size_t in_len,
                            uint8_t *const *pages, uint32_t n, Error **errp)
{
    z_stream *zs = &((ZlibState *)st)->zs;

    zs->next_in = (uint8_t *)in;
    zs->avail_in = in_len;
    for (uint32_t i = 0; i < n; i++) {
        int flush = i == n - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        int ret;

        zs->next_out = pages[i];
        zs->avail_out = MULTIFD_PAGE_SIZE;
        do {
            ret = inflate(zs, flush);
        } while (ret == Z_OK && zs->avail_in && zs->avail_out);
        if ((ret != Z_OK && ret != Z_STREAM_END) || zs->avail_out) {
            error_setg(errp, "multifd: inflate failed (%d) on page %u of %u",
                       ret, i + 1, n);
            return false;
        }
    }
    if (zs->avail_in) {
        uint8_t none;

        /* the end of the sync flush needs no output: let inflate eat it */
        zs->next_out = &none;
        zs->avail_out = 0;
        inflate(zs, Z_SYNC_FLUSH);
    }
    if (zs->avail_in) {
        error_setg(errp, "multifd: %u bytes of compressed data left over "
                   "after %u pages", zs->avail_in, n);
        return false;
    }
    return true;
}

const MultiFDCodec multifd_zlib_codec = {
    .name = "zlib",
    .flag = MULTIFD_FLAG_ZLIB,
    .send_new = zlib_send_new,
    .send_free = zlib_free,
    .compress = zlib_compress,
    .recv_new = zlib_recv_new,
    .recv_free = zlib_free,
    .decompress = zlib_decompress,
};
