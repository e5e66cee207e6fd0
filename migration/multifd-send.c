/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multifd source side: channel connections and one sender thread each. */
#include "qemu/osdep.h"
#include "qemu/iov.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include "qemu/bufferiszero.h"
#include "migration/mapped-ram.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/multifd.h"
#include "migration/ram-internal.h"
#include "monitor/fds.h"

/*
 * The migration thread fills one batch (pages of one RAM block) and hands
 * it to an idle channel; the channel's thread sorts zero pages out,
 * compresses, and writes the packet.  A sync request is served after the
 * channel's pending batch, so a SYNC packet follows every page queued
 * before it.  ms.lock guards every pending_* flag, quit and failed;
 * ms.cond is broadcast whenever one of them changes.
 */
typedef struct SendChannel {
    int id;
    int fd;
    GThread *thread;
    bool pending_job;
    bool pending_sync;
    /* the batch: owned by the thread while pending_job */
    RAMBlock *block;
    uint32_t num;
    uint64_t offset[MULTIFD_PAGE_COUNT];
    /* thread-local */
    void *codec_state;
    uint8_t *zbuf;
    uint8_t *stage;
    uint8_t pkt[MULTIFD_PACKET_LEN];
} SendChannel;

static struct {
    SendChannel *ch;
    int n;
    bool active;
    GMutex lock;
    GCond cond;
    bool quit;
    bool failed;
    int next;
    uint64_t packet_num;            /* atomic */
    const MultiFDCodec *codec;
    int level;
    bool zero_detect;
    bool mapped;                    /* mapped-ram: pwrite to a file */
    /* the batch being filled by the migration thread */
    RAMBlock *block;
    uint32_t num;
    uint64_t offset[MULTIFD_PAGE_COUNT];
} ms;

static bool write_all(int fd, const void *buf, size_t len, Error **errp)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t r = send(fd, p, len, MSG_NOSIGNAL);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            error_setg_errno(errp, r < 0 ? errno : EPIPE,
                             "multifd: unable to write to the channel");
            return false;
        }
        p += r;
        len -= r;
    }
    return true;
}

static bool writev_all(int fd, struct iovec *iov, int cnt, Error **errp)
{
    while (cnt) {
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = MIN(cnt, IOV_MAX) };
        ssize_t r = sendmsg(fd, &msg, MSG_NOSIGNAL);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            error_setg_errno(errp, r < 0 ? errno : EPIPE,
                             "multifd: unable to write to the channel");
            return false;
        }
        iov_advance(&iov, &cnt, r);
    }
    return true;
}

static void send_account(uint64_t bytes, uint32_t normal, uint32_t zero)
{
    ram_multifd_account(bytes, normal, zero);
    migration_rate_account(bytes);
}

static bool send_sync_packet(SendChannel *c, Error **errp)
{
    MultiFDPacket pkt = {
        .magic = MULTIFD_MAGIC,
        .version = MULTIFD_VERSION,
        .flags = MULTIFD_FLAG_SYNC,
    };

    if (ms.mapped) {
        return true;        /* a file: the sync is only with the threads */
    }
    pkt.packet_num = __atomic_fetch_add(&ms.packet_num, 1, __ATOMIC_RELAXED);
    multifd_packet_encode(&pkt, c->pkt);
    if (!write_all(c->fd, c->pkt, MULTIFD_PACKET_LEN, errp)) {
        return false;
    }
    send_account(MULTIFD_PACKET_LEN, 0, 0);
    return true;
}

/* mapped-ram: every page at its file offset, zero pages left out. */
static bool send_job_mapped(SendChannel *c, Error **errp)
{
    uint32_t nn = 0, nz = 0;

    for (uint32_t i = 0; i < c->num; i++) {
        uint8_t *p = c->block->host + c->offset[i];

        if (ms.zero_detect && buffer_is_zero(p, MULTIFD_PAGE_SIZE)) {
            mapped_ram_clear_page(c->block, c->offset[i]);
            nz++;
        } else {
            if (!mapped_ram_write_page(c->fd, c->block, c->offset[i],
                                       errp)) {
                return false;
            }
            nn++;
        }
    }
    send_account((uint64_t)nn * MULTIFD_PAGE_SIZE, nn, nz);
    return true;
}

static bool send_job(SendChannel *c, Error **errp)
{
    MultiFDPacket pkt = {
        .magic = MULTIFD_MAGIC,
        .version = MULTIFD_VERSION,
        .pages_alloc = MULTIFD_PAGE_COUNT,
    };
    uint8_t *pages[MULTIFD_PAGE_COUNT];
    struct iovec iov[MULTIFD_PAGE_COUNT + 1];
    uint64_t zero[MULTIFD_PAGE_COUNT];
    uint32_t nn = 0, nz = 0;
    size_t data_len;

    if (ms.mapped) {
        return send_job_mapped(c, errp);
    }

    for (uint32_t i = 0; i < c->num; i++) {
        uint8_t *p = c->block->host + c->offset[i];

        if (ms.zero_detect && buffer_is_zero(p, MULTIFD_PAGE_SIZE)) {
            zero[nz++] = c->offset[i];
        } else {
            pkt.offset[nn] = c->offset[i];
            pages[nn++] = p;
        }
    }
    memcpy(&pkt.offset[nn], zero, nz * sizeof(zero[0]));
    pkt.normal_pages = nn;
    pkt.zero_pages = nz;
    g_strlcpy(pkt.ramblock, c->block->idstr, sizeof(pkt.ramblock));
    pkt.flags = ms.codec ? ms.codec->flag : MULTIFD_FLAG_NOCOMP;
    data_len = (size_t)nn * MULTIFD_PAGE_SIZE;
    if (ms.codec && nn) {
        /* compress a stable copy: the guest keeps writing its RAM */
        for (uint32_t i = 0; i < nn; i++) {
            memcpy(c->stage + i * MULTIFD_PAGE_SIZE, pages[i],
                   MULTIFD_PAGE_SIZE);
            pages[i] = c->stage + i * MULTIFD_PAGE_SIZE;
        }
        if (!ms.codec->compress(c->codec_state, pages, nn, c->zbuf,
                                MULTIFD_COMPRESS_CAP, &data_len, errp)) {
            return false;
        }
    }
    pkt.next_packet_size = data_len;
    pkt.packet_num = __atomic_fetch_add(&ms.packet_num, 1, __ATOMIC_RELAXED);
    multifd_packet_encode(&pkt, c->pkt);

    iov[0].iov_base = c->pkt;
    iov[0].iov_len = MULTIFD_PACKET_LEN;
    if (ms.codec) {
        iov[1].iov_base = c->zbuf;
        iov[1].iov_len = data_len;
        if (!writev_all(c->fd, iov, data_len ? 2 : 1, errp)) {
            return false;
        }
    } else {
        for (uint32_t i = 0; i < nn; i++) {
            iov[i + 1].iov_base = pages[i];
            iov[i + 1].iov_len = MULTIFD_PAGE_SIZE;
        }
        if (!writev_all(c->fd, iov, nn + 1, errp)) {
            return false;
        }
    }
    send_account(MULTIFD_PACKET_LEN + data_len, nn, nz);
    return true;
}

static void send_fail(Error *err)
{
    MigrationState *s = migrate_get_current();

    g_mutex_lock(&ms.lock);
    ms.failed = true;
    g_cond_broadcast(&ms.cond);
    g_mutex_unlock(&ms.lock);
    if (s && err) {
        migrate_set_error(s, err);
    }
    error_free(err);
}

static gpointer send_thread(gpointer opaque)
{
    SendChannel *c = opaque;

    g_mutex_lock(&ms.lock);
    for (;;) {
        Error *err = NULL;
        bool ok;

        while (!c->pending_job && !c->pending_sync && !ms.quit &&
               !ms.failed) {
            g_cond_wait(&ms.cond, &ms.lock);
        }
        if (ms.quit || ms.failed) {
            break;
        }
        if (c->pending_job) {
            g_mutex_unlock(&ms.lock);
            ok = send_job(c, &err);
            g_mutex_lock(&ms.lock);
            c->pending_job = false;
        } else {
            g_mutex_unlock(&ms.lock);
            ok = send_sync_packet(c, &err);
            g_mutex_lock(&ms.lock);
            c->pending_sync = false;
        }
        g_cond_broadcast(&ms.cond);
        if (!ok) {
            g_mutex_unlock(&ms.lock);
            error_prepend(&err, "multifd channel %d: ", c->id);
            send_fail(err);
            return NULL;
        }
    }
    g_mutex_unlock(&ms.lock);
    return NULL;
}

static void channel_free(SendChannel *c)
{
    if (c->codec_state) {
        ms.codec->send_free(c->codec_state);
    }
    g_free(c->zbuf);
    g_free(c->stage);
    if (c->fd >= 0) {
        close(c->fd);
    }
}

bool multifd_transport_ok(const MigrationAddress *addr, Error **errp)
{
    bool ok = (addr->transport == MIGRATION_ADDRESS_TYPE_SOCKET &&
               (addr->u.socket.type == SOCKET_ADDRESS_TYPE_INET ||
                addr->u.socket.type == SOCKET_ADDRESS_TYPE_UNIX)) ||
              (addr->transport == MIGRATION_ADDRESS_TYPE_FILE &&
               migrate_mapped_ram());

    if (!ok) {
        /* QEMU's message; file: would need mapped-ram */
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
    }
    return ok;
}

bool multifd_send_active(void)
{
    return ms.active;
}

/* mapped-ram: one more fd of the migration file (not truncated). */
static bool mapped_channel_open(SendChannel *c, MigrationAddress *addr,
                                Error **errp)
{
    const char *name = addr->u.file.filename;
    int fd = qemu_open(name, O_WRONLY, errp);

    if (fd < 0) {
        error_prepend(errp, "multifd: cannot open channel %d: ", c->id);
        return false;
    }
    /* a /dev/fdset dup is tracked by its set: keep a plain dup, or with
     * direct-io a description of our own with O_DIRECT (pages only) */
    if (migrate_direct_io()) {
        c->fd = mapped_ram_direct_fd(fd, O_WRONLY, errp);
        qemu_close(fd);
        if (c->fd < 0) {
            error_prepend(errp, "multifd: channel %d: ", c->id);
            return false;
        }
        return true;
    }
    c->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    qemu_close(fd);
    if (c->fd < 0) {
        error_setg_errno(errp, errno, "multifd: cannot duplicate the fd of "
                         "%s", name);
        return false;
    }
    return true;
}

bool multifd_send_setup(MigrationAddress *addr, Error **errp)
{
    MultiFDInit init = { .magic = MULTIFD_MAGIC, .version = MULTIFD_VERSION };
    uint8_t buf[MULTIFD_INIT_LEN];

    g_assert(!ms.active);
    ms.n = migrate_multifd_channels();
    ms.ch = g_new0(SendChannel, ms.n);
    ms.quit = ms.failed = false;
    ms.next = 0;
    ms.num = 0;
    ms.block = NULL;
    ms.packet_num = 0;
    ms.codec = multifd_codec_get(migrate_multifd_compression());
    ms.level = migrate_multifd_compression() == MULTIFD_COMPRESSION_ZLIB ?
               migrate_multifd_zlib_level() : migrate_multifd_zstd_level();
    ms.zero_detect =
        migrate_zero_page_detection() == ZERO_PAGE_DETECTION_MULTIFD;
    ms.mapped = migrate_mapped_ram();
    if (ms.mapped && ms.codec) {
        error_setg(errp, "Mapped-ram migration is incompatible with "
                   "multifd compression");
        g_free(ms.ch);
        ms.ch = NULL;
        return false;
    }
    multifd_local_uuid(init.uuid);
    for (int i = 0; i < ms.n; i++) {
        ms.ch[i].id = i;
        ms.ch[i].fd = -1;
    }
    ms.active = true;   /* from here on, multifd_send_cleanup() undoes it */
    for (int i = 0; i < ms.n; i++) {
        SendChannel *c = &ms.ch[i];

        if (ms.mapped) {
            if (!mapped_channel_open(c, addr, errp)) {
                return false;
            }
            c->thread = g_thread_new("mig/src/send", send_thread, c);
            continue;
        }
        c->fd = migration_channel_connect(addr, errp);
        if (c->fd < 0) {
            error_prepend(errp, "multifd: cannot connect channel %d: ", i);
            return false;
        }
        init.id = i;
        multifd_init_encode(&init, buf);
        if (!write_all(c->fd, buf, sizeof(buf), errp)) {
            error_prepend(errp, "multifd: channel %d: ", i);
            return false;
        }
        if (ms.codec) {
            c->codec_state = ms.codec->send_new(ms.level, errp);
            if (!c->codec_state) {
                return false;
            }
            c->zbuf = g_malloc(MULTIFD_COMPRESS_CAP);
            c->stage = g_malloc(MULTIFD_PACKET_SIZE);
        }
        g_autofree char *name = g_strdup_printf("mig/src/send_%d", i);

        c->thread = g_thread_new(name, send_thread, c);
    }
    return true;
}

/* Hand the filled batch to an idle channel (migration thread). */
static bool send_batch(void)
{
    SendChannel *c = NULL;

    g_mutex_lock(&ms.lock);
    while (!ms.failed) {
        for (int k = 0; k < ms.n; k++) {
            SendChannel *t = &ms.ch[(ms.next + k) % ms.n];

            if (!t->pending_job && !t->pending_sync) {
                c = t;
                break;
            }
        }
        if (c) {
            break;
        }
        g_cond_wait(&ms.cond, &ms.lock);
    }
    if (!c) {
        g_mutex_unlock(&ms.lock);
        return false;
    }
    c->block = ms.block;
    c->num = ms.num;
    memcpy(c->offset, ms.offset, ms.num * sizeof(ms.offset[0]));
    c->pending_job = true;
    ms.next = (c->id + 1) % ms.n;
    g_cond_broadcast(&ms.cond);
    g_mutex_unlock(&ms.lock);
    ms.num = 0;
    ms.block = NULL;
    return true;
}

bool multifd_queue_page(RAMBlock *rb, uint64_t offset)
{
    if (ms.num && ms.block != rb && !send_batch()) {
        return false;
    }
    ms.block = rb;
    ms.offset[ms.num++] = offset;
    if (ms.num == MULTIFD_PAGE_COUNT) {
        return send_batch();
    }
    return true;
}

int multifd_ram_flush_and_sync(QEMUFile *f)
{
    bool failed;

    if (!ms.active) {
        return 0;
    }
    if (ms.num && !send_batch()) {
        return -EIO;
    }
    g_mutex_lock(&ms.lock);
    for (int i = 0; i < ms.n; i++) {
        ms.ch[i].pending_sync = true;
    }
    g_cond_broadcast(&ms.cond);
    for (;;) {
        bool busy = false;

        for (int i = 0; i < ms.n; i++) {
            busy |= ms.ch[i].pending_sync;
        }
        if (!busy || ms.failed) {
            break;
        }
        g_cond_wait(&ms.cond, &ms.lock);
    }
    failed = ms.failed;
    g_mutex_unlock(&ms.lock);
    if (failed) {
        return -EIO;
    }
    if (ms.mapped) {
        return 0;           /* file migrations only sync with the threads */
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_MULTIFD_FLUSH);
    return qemu_fflush(f);
}

void multifd_send_shutdown(void)
{
    if (!ms.active) {
        return;
    }
    g_mutex_lock(&ms.lock);
    ms.failed = true;
    g_cond_broadcast(&ms.cond);
    g_mutex_unlock(&ms.lock);
    for (int i = 0; i < ms.n; i++) {
        if (ms.ch[i].fd >= 0) {
            shutdown(ms.ch[i].fd, SHUT_RDWR);
        }
    }
}

void multifd_send_cleanup(void)
{
    if (!ms.active) {
        return;
    }
    g_mutex_lock(&ms.lock);
    ms.quit = true;
    g_cond_broadcast(&ms.cond);
    g_mutex_unlock(&ms.lock);
    for (int i = 0; i < ms.n; i++) {
        if (ms.ch[i].thread) {
            g_thread_join(ms.ch[i].thread);
        }
        channel_free(&ms.ch[i]);
    }
    g_free(ms.ch);
    ms.ch = NULL;
    ms.n = 0;
    ms.active = false;
}

const RAMMultifdOps multifd_ram_ops = {
    .active = multifd_send_active,
    .queue_page = multifd_queue_page,
    .flush_and_sync = multifd_ram_flush_and_sync,
    .recv_sync = multifd_recv_sync_main,
};
