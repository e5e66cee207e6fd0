/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multifd destination side: one receiver thread per extra connection. */
#include "qemu/osdep.h"
#include "qemu/iov.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include "qemu/bufferiszero.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/multifd.h"
#include "migration/ram-internal.h"

/*
 * A connection's thread reads the init packet (its channel id), then
 * packets until EOF.  At a SYNC packet it counts itself in mr.arrived and
 * waits for the loading thread's multifd_recv_sync_main() to start a new
 * generation.  mr.lock guards arrived, gen, gone, exiting and err.
 */
typedef struct RecvChannel {
    int fd;
    int id;                         /* -1 until the init packet is read */
    GThread *thread;
    void *codec_state;
    uint8_t *zbuf;
    uint8_t pkt[MULTIFD_PACKET_LEN];
    MultiFDPacket packet;
} RecvChannel;

static struct {
    bool active;
    int n;                          /* expected channels */
    GPtrArray *conns;               /* RecvChannel *, in arrival order */
    RecvChannel **slots;            /* by channel id */
    const MultiFDCodec *codec;
    GMutex lock;
    GCond cond;
    int arrived;
    uint64_t gen;
    int gone;
    bool exiting;
    Error *err;
} mr;

/* 1: len bytes read, 0: EOF before the first byte, -1: error (errp). */
static int read_all(int fd, void *buf, size_t len, Error **errp)
{
    uint8_t *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            error_setg_errno(errp, errno,
                             "multifd: unable to read from the channel");
            return -1;
        }
        if (r == 0) {
            if (!got) {
                return 0;
            }
            error_setg(errp, "multifd: the channel ends in the middle of a "
                       "packet");
            return -1;
        }
        got += r;
    }
    return 1;
}

static bool readv_all(int fd, struct iovec *iov, int cnt, Error **errp)
{
    while (cnt) {
        ssize_t r = readv(fd, iov, MIN(cnt, IOV_MAX));

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            if (r < 0) {
                error_setg_errno(errp, errno, "multifd: unable to read pages");
            } else {
                error_setg(errp, "multifd: the channel ends in the middle "
                           "of the pages of a packet");
            }
            return false;
        }
        iov_advance(&iov, &cnt, r);
    }
    return true;
}

static void recv_fail(Error *err)
{
    g_mutex_lock(&mr.lock);
    if (!mr.err && !mr.exiting) {
        mr.err = err;
        err = NULL;
    }
    mr.exiting = true;
    g_cond_broadcast(&mr.cond);
    g_mutex_unlock(&mr.lock);
    error_free(err);
}

static bool recv_pages(RecvChannel *c, Error **errp)
{
    MultiFDPacket *p = &c->packet;
    uint32_t comp = p->flags & MULTIFD_FLAG_COMPRESSION_MASK;
    uint32_t expected = mr.codec ? mr.codec->flag : MULTIFD_FLAG_NOCOMP;
    uint8_t *pages[MULTIFD_PAGE_COUNT];
    struct iovec iov[MULTIFD_PAGE_COUNT];
    RAMBlock *rb;

    if (comp != expected) {
        error_setg(errp, "multifd %d: flags received %x flags expected %x",
                   c->id, comp, expected);
        return false;
    }
    rb = ram_block_find(p->ramblock);
    if (!rb || !ram_block_is_migratable(rb)) {
        error_setg(errp, "multifd: unknown ram block %s", p->ramblock);
        return false;
    }
    for (uint32_t i = 0; i < p->normal_pages + p->zero_pages; i++) {
        uint64_t off = p->offset[i];

        if (off > rb->size - MULTIFD_PAGE_SIZE ||
            off % MULTIFD_PAGE_SIZE) {
            error_setg(errp, "multifd: offset too long %" PRIu64
                       " (max %" PRIu64 ")", off, rb->size);
            return false;
        }
    }
    for (uint32_t i = 0; i < p->normal_pages; i++) {
        pages[i] = rb->host + p->offset[i];
    }
    if (p->normal_pages) {
        if (mr.codec) {
            int r = read_all(c->fd, c->zbuf, p->next_packet_size, errp);

            if (r <= 0) {
                if (!r) {
                    error_setg(errp, "multifd: the channel ends before the "
                               "compressed pages of a packet");
                }
                return false;
            }
            if (!mr.codec->decompress(c->codec_state, c->zbuf,
                                      p->next_packet_size, pages,
                                      p->normal_pages, errp)) {
                return false;
            }
        } else {
            if (p->next_packet_size !=
                p->normal_pages * (uint32_t)MULTIFD_PAGE_SIZE) {
                error_setg(errp, "multifd: packet of %u pages has %u bytes "
                           "of data", p->normal_pages, p->next_packet_size);
                return false;
            }
            for (uint32_t i = 0; i < p->normal_pages; i++) {
                iov[i].iov_base = pages[i];
                iov[i].iov_len = MULTIFD_PAGE_SIZE;
            }
            if (!readv_all(c->fd, iov, p->normal_pages, errp)) {
                return false;
            }
        }
    }
    for (uint32_t i = 0; i < p->zero_pages; i++) {
        uint8_t *host = rb->host + p->offset[p->normal_pages + i];

        /* leave untouched zero pages unallocated */
        if (!buffer_is_zero(host, MULTIFD_PAGE_SIZE)) {
            memset(host, 0, MULTIFD_PAGE_SIZE);
        }
    }
    return true;
}

static bool recv_init(RecvChannel *c, Error **errp)
{
    uint8_t buf[MULTIFD_INIT_LEN], uuid[16];
    MultiFDInit msg;
    int r = read_all(c->fd, buf, sizeof(buf), errp);

    if (r <= 0) {
        if (!r) {
            error_setg(errp, "multifd: a channel closed before its init "
                       "packet");
        }
        return false;
    }
    if (!multifd_init_decode(buf, &msg, errp)) {
        return false;
    }
    multifd_local_uuid(uuid);
    if (memcmp(uuid, msg.uuid, sizeof(uuid))) {
        error_setg(errp, "multifd: received a uuid that is not this VM's "
                   "for channel %u", msg.id);
        return false;
    }
    g_mutex_lock(&mr.lock);
    if (msg.id >= mr.n) {
        g_mutex_unlock(&mr.lock);
        error_setg(errp, "multifd: received channel id %u, but "
                   "multifd-channels is %d", msg.id, mr.n);
        return false;
    }
    if (mr.slots[msg.id]) {
        g_mutex_unlock(&mr.lock);
        error_setg(errp, "multifd: channel %u connected twice", msg.id);
        return false;
    }
    mr.slots[msg.id] = c;
    c->id = msg.id;
    g_mutex_unlock(&mr.lock);
    return true;
}

static gpointer recv_thread(gpointer opaque)
{
    RecvChannel *c = opaque;
    Error *err = NULL;

    if (!recv_init(c, &err)) {
        goto fail;
    }
    for (;;) {
        int r = read_all(c->fd, c->pkt, MULTIFD_PACKET_LEN, &err);

        if (r == 0) {
            break;                          /* the source closed: done */
        }
        if (r < 0 || !multifd_packet_decode(c->pkt, &c->packet, &err)) {
            goto fail;
        }
        if ((c->packet.normal_pages || c->packet.zero_pages) &&
            !recv_pages(c, &err)) {
            goto fail;
        }
        if (c->packet.flags & MULTIFD_FLAG_SYNC) {
            uint64_t gen;

            g_mutex_lock(&mr.lock);
            mr.arrived++;
            gen = mr.gen;
            g_cond_broadcast(&mr.cond);
            while (mr.gen == gen && !mr.exiting) {
                g_cond_wait(&mr.cond, &mr.lock);
            }
            g_mutex_unlock(&mr.lock);
        }
    }
    g_mutex_lock(&mr.lock);
    mr.gone++;
    g_cond_broadcast(&mr.cond);
    g_mutex_unlock(&mr.lock);
    return NULL;

fail:
    if (c->id >= 0) {
        error_prepend(&err, "multifd channel %d: ", c->id);
    }
    recv_fail(err);
    return NULL;
}

void multifd_recv_setup(void)
{
    multifd_recv_cleanup();
    mr.n = migrate_multifd_channels();
    mr.slots = g_new0(RecvChannel *, mr.n);
    mr.conns = g_ptr_array_new();
    mr.codec = multifd_codec_get(migrate_multifd_compression());
    mr.arrived = 0;
    mr.gen = 0;
    mr.gone = 0;
    mr.exiting = false;
    mr.active = true;
}

bool multifd_recv_active(void)
{
    return mr.active;
}

void multifd_recv_new_channel(int fd)
{
    RecvChannel *c = g_new0(RecvChannel, 1);
    Error *err = NULL;

    c->fd = fd;
    c->id = -1;
    g_ptr_array_add(mr.conns, c);
    if (mr.codec) {
        c->codec_state = mr.codec->recv_new(&err);
        if (!c->codec_state) {
            recv_fail(err);
            return;
        }
        c->zbuf = g_malloc(MULTIFD_COMPRESS_CAP);
    }
    c->thread = g_thread_new("mig/dst/recv", recv_thread, c);
}

bool multifd_recv_all_channels_created(void)
{
    return mr.active && mr.conns && (int)mr.conns->len >= mr.n;
}

int multifd_recv_sync_main(void)
{
    Error *err = NULL;

    if (!mr.active) {
        return 0;           /* pages came in the main stream */
    }
    g_mutex_lock(&mr.lock);
    while (mr.arrived < mr.n && !mr.exiting && !mr.gone) {
        g_cond_wait(&mr.cond, &mr.lock);
    }
    if (mr.arrived >= mr.n && !mr.exiting) {
        mr.arrived = 0;
        mr.gen++;
        g_cond_broadcast(&mr.cond);
        g_mutex_unlock(&mr.lock);
        return 0;
    }
    if (mr.err) {
        err = error_copy(mr.err);
    } else if (mr.gone) {
        error_setg(&err, "multifd: a channel closed before its sync packet");
    } else {
        error_setg(&err, "multifd: receiving was stopped");
    }
    mr.exiting = true;
    g_cond_broadcast(&mr.cond);
    g_mutex_unlock(&mr.lock);
    error_report_err(err);
    return -EIO;
}

void multifd_recv_shutdown(void)
{
    if (!mr.active) {
        return;
    }
    g_mutex_lock(&mr.lock);
    mr.exiting = true;
    g_cond_broadcast(&mr.cond);
    g_mutex_unlock(&mr.lock);
    for (guint i = 0; i < mr.conns->len; i++) {
        RecvChannel *c = g_ptr_array_index(mr.conns, i);

        shutdown(c->fd, SHUT_RDWR);
    }
}

void multifd_recv_cleanup(void)
{
    if (!mr.active) {
        return;
    }
    multifd_recv_shutdown();
    for (guint i = 0; i < mr.conns->len; i++) {
        RecvChannel *c = g_ptr_array_index(mr.conns, i);

        if (c->thread) {
            g_thread_join(c->thread);
        }
        if (c->codec_state) {
            mr.codec->recv_free(c->codec_state);
        }
        g_free(c->zbuf);
        close(c->fd);
        g_free(c);
    }
    g_ptr_array_free(mr.conns, true);
    mr.conns = NULL;
    g_free(mr.slots);
    mr.slots = NULL;
    error_free(mr.err);
    mr.err = NULL;
    mr.active = false;
}
