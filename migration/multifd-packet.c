/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multifd wire format: the init packet and the page-batch packet header. */
#include "qemu/osdep.h"
#include "system/system.h"
#include "migration/multifd.h"

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, v >> 32);
    put_be32(p + 4, v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
}

void multifd_local_uuid(uint8_t uuid[16])
{
    const char *s = qemu_uuid_str;

    memset(uuid, 0, 16);
    for (int i = 0; s && *s && i < 16; s++) {
        int hi, lo;

        if (*s == '-') {
            continue;
        }
        hi = g_ascii_xdigit_value(s[0]);
        lo = s[1] ? g_ascii_xdigit_value(s[1]) : -1;
        if (hi < 0 || lo < 0) {
            break;
        }
        uuid[i++] = hi << 4 | lo;
        s++;
    }
}

void multifd_init_encode(const MultiFDInit *msg, uint8_t buf[MULTIFD_INIT_LEN])
{
    memset(buf, 0, MULTIFD_INIT_LEN);
    put_be32(buf, msg->magic);
    put_be32(buf + 4, msg->version);
    memcpy(buf + 8, msg->uuid, 16);
    buf[24] = msg->id;
}

bool multifd_init_decode(const uint8_t buf[MULTIFD_INIT_LEN], MultiFDInit *msg,
                         Error **errp)
{
    msg->magic = get_be32(buf);
    msg->version = get_be32(buf + 4);
    memcpy(msg->uuid, buf + 8, 16);
    msg->id = buf[24];
    if (msg->magic != MULTIFD_MAGIC) {
        error_setg(errp, "multifd: received packet magic %x expected %x",
                   msg->magic, MULTIFD_MAGIC);
        return false;
    }
    if (msg->version != MULTIFD_VERSION) {
        error_setg(errp, "multifd: received packet version %u expected %u",
                   msg->version, MULTIFD_VERSION);
        return false;
    }
    return true;
}

/*
 * MultiFDPacket_t (packed): be32 magic, version, flags, pages_alloc,
 * normal_pages, next_packet_size, be64 packet_num, be32 zero_pages,
 * be32 unused, 3 x be64 unused, char ramblock[256], be64 offset[].
 */
void multifd_packet_encode(const MultiFDPacket *p,
                           uint8_t buf[MULTIFD_PACKET_LEN])
{
    uint32_t n = p->normal_pages + p->zero_pages;

    memset(buf, 0, MULTIFD_PACKET_LEN);
    put_be32(buf, p->magic);
    put_be32(buf + 4, p->version);
    put_be32(buf + 8, p->flags);
    put_be32(buf + 12, p->pages_alloc);
    put_be32(buf + 16, p->normal_pages);
    put_be32(buf + 20, p->next_packet_size);
    put_be64(buf + 24, p->packet_num);
    put_be32(buf + 32, p->zero_pages);
    memcpy(buf + 64, p->ramblock,
           strnlen(p->ramblock, MULTIFD_RAMBLOCK_LEN));
    for (uint32_t i = 0; i < n && i < MULTIFD_PAGE_COUNT; i++) {
        put_be64(buf + MULTIFD_PACKET_HDR_LEN + 8 * i, p->offset[i]);
    }
}

bool multifd_packet_decode(const uint8_t buf[MULTIFD_PACKET_LEN],
                           MultiFDPacket *p, Error **errp)
{
    uint32_t n;

    p->magic = get_be32(buf);
    p->version = get_be32(buf + 4);
    p->flags = get_be32(buf + 8);
    p->pages_alloc = get_be32(buf + 12);
    p->normal_pages = get_be32(buf + 16);
    p->next_packet_size = get_be32(buf + 20);
    p->packet_num = get_be64(buf + 24);
    p->zero_pages = get_be32(buf + 32);
    if (p->magic != MULTIFD_MAGIC) {
        error_setg(errp, "multifd: received packet magic %x, expected %x",
                   p->magic, MULTIFD_MAGIC);
        return false;
    }
    if (p->version != MULTIFD_VERSION) {
        error_setg(errp, "multifd: received packet version %u, expected %u",
                   p->version, MULTIFD_VERSION);
        return false;
    }
    if (p->pages_alloc > MULTIFD_PAGE_COUNT) {
        error_setg(errp, "multifd: received packet with %u pages, "
                   "expected %u", p->pages_alloc, MULTIFD_PAGE_COUNT);
        return false;
    }
    if (p->normal_pages > p->pages_alloc) {
        error_setg(errp, "multifd: received packet with %u non-zero pages, "
                   "which exceeds maximum expected pages %u",
                   p->normal_pages, p->pages_alloc);
        return false;
    }
    if (p->zero_pages > p->pages_alloc - p->normal_pages) {
        error_setg(errp, "multifd: received packet with %u zero pages, "
                   "expected maximum %u", p->zero_pages,
                   p->pages_alloc - p->normal_pages);
        return false;
    }
    if (p->next_packet_size > MULTIFD_COMPRESS_CAP) {
        error_setg(errp, "multifd: received packet with %u bytes of data, "
                   "expected at most %u", p->next_packet_size,
                   (unsigned)MULTIFD_COMPRESS_CAP);
        return false;
    }
    memcpy(p->ramblock, buf + 64, MULTIFD_RAMBLOCK_LEN);
    p->ramblock[MULTIFD_RAMBLOCK_LEN] = '\0';
    n = p->normal_pages + p->zero_pages;
    for (uint32_t i = 0; i < n; i++) {
        p->offset[i] = get_be64(buf + MULTIFD_PACKET_HDR_LEN + 8 * i);
    }
    return true;
}

const MultiFDCodec *multifd_codec_get(MultiFDCompression method)
{
    switch (method) {
    case MULTIFD_COMPRESSION_ZLIB:
        return &multifd_zlib_codec;
#ifdef CONFIG_ZSTD
    case MULTIFD_COMPRESSION_ZSTD:
        return &multifd_zstd_codec;
#endif
    default:
        return NULL;
    }
}
