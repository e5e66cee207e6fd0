/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMUFile: the buffered big-endian migration stream over an fd or memory. */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qemu/sockets.h"
#include "migration/qemu-file.h"

#define QEMU_FILE_BUF_SIZE 32768

typedef enum {
    QEMU_FILE_FD,
    QEMU_FILE_BUFFER,
} QEMUFileKind;

struct QEMUFile {
    QEMUFileKind kind;
    bool writable;
    int fd;                    /* QEMU_FILE_FD, else -1 */
    bool is_socket;            /* send(MSG_NOSIGNAL): no SIGPIPE */
    GByteArray *out;           /* output buffer QEMUFile: the caller's array */

    /*
     * Bytes not yet written (output) or not yet consumed (input):
     * buf[pos, len).  For input buffers buf borrows the caller's data.
     */
    uint8_t *buf;
    size_t pos;
    size_t len;
    uint8_t *own_buf;          /* buf when we allocated it */

    uint64_t transferred;
    int last_error;            /* 0 or negative errno; sticky */
    GQueue *fds;               /* input socket: SCM_RIGHTS fds not yet got */
    int shut;                  /* set by qemu_file_shutdown (any thread) */
};

static QEMUFile *qemu_file_new(QEMUFileKind kind, bool writable, int fd)
{
    QEMUFile *f = g_new0(QEMUFile, 1);

    f->kind = kind;
    f->writable = writable;
    f->fd = fd;
    if (kind == QEMU_FILE_FD) {
        struct stat st;

        f->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
        f->own_buf = g_malloc(QEMU_FILE_BUF_SIZE);
        f->buf = f->own_buf;
    }
    return f;
}

QEMUFile *qemu_file_new_output_fd(int fd)
{
    return qemu_file_new(QEMU_FILE_FD, true, fd);
}

QEMUFile *qemu_file_new_input_fd(int fd)
{
    return qemu_file_new(QEMU_FILE_FD, false, fd);
}

QEMUFile *qemu_file_new_output_buffer(GByteArray *buf)
{
    QEMUFile *f = qemu_file_new(QEMU_FILE_BUFFER, true, -1);

    f->out = buf;
    return f;
}

QEMUFile *qemu_file_new_input_buffer(const uint8_t *data, size_t len)
{
    QEMUFile *f = qemu_file_new(QEMU_FILE_BUFFER, false, -1);

    f->buf = (uint8_t *)data;
    f->len = len;
    return f;
}

int qemu_file_get_error(QEMUFile *f)
{
    return f->last_error;
}

void qemu_file_set_error(QEMUFile *f, int err)
{
    if (err < 0 && !f->last_error) {
        f->last_error = err;
    }
}

static bool qemu_file_is_shut(QEMUFile *f)
{
    if (__atomic_load_n(&f->shut, __ATOMIC_ACQUIRE)) {
        qemu_file_set_error(f, -EIO);
        return true;
    }
    return false;
}

uint64_t qemu_file_transferred(QEMUFile *f)
{
    return f->transferred;
}

int qemu_file_get_fd(QEMUFile *f)
{
    return f->fd;
}

void qemu_file_shutdown(QEMUFile *f)
{
    __atomic_store_n(&f->shut, 1, __ATOMIC_RELEASE);
    if (f->fd >= 0) {
        /* Not a socket (ENOTSOCK) is fine: the flag still fails later I/O. */
        shutdown(f->fd, SHUT_RDWR);
    }
}

/* ---- output ---- */

int qemu_fflush(QEMUFile *f)
{
    if (!f->writable || f->kind != QEMU_FILE_FD) {
        return f->last_error;
    }
    while (f->pos < f->len && !f->last_error) {
        ssize_t n;

        if (qemu_file_is_shut(f)) {
            break;
        }
        if (f->is_socket) {
            n = send(f->fd, f->buf + f->pos, f->len - f->pos, MSG_NOSIGNAL);
        } else {
            n = write(f->fd, f->buf + f->pos, f->len - f->pos);
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            qemu_file_set_error(f, -errno);
            break;
        }
        if (n == 0) {
            qemu_file_set_error(f, -EIO);
            break;
        }
        f->pos += n;
    }
    f->pos = 0;
    f->len = 0;
    return f->last_error;
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len)
{
    if (f->last_error || !f->writable) {
        qemu_file_set_error(f, f->writable ? 0 : -EBADF);
        return;
    }
    f->transferred += len;
    if (f->kind == QEMU_FILE_BUFFER) {
        if (!qemu_file_is_shut(f)) {
            g_byte_array_append(f->out, buf, len);
        }
        return;
    }
    while (len > 0 && !f->last_error) {
        size_t room = QEMU_FILE_BUF_SIZE - f->len;
        size_t n = MIN(room, len);

        memcpy(f->buf + f->len, buf, n);
        f->len += n;
        buf += n;
        len -= n;
        if (f->len == QEMU_FILE_BUF_SIZE) {
            qemu_fflush(f);
        }
    }
}

void qemu_put_byte(QEMUFile *f, int v)
{
    uint8_t b = v;

    qemu_put_buffer(f, &b, 1);
}

void qemu_put_be16(QEMUFile *f, unsigned int v)
{
    uint8_t b[2] = { v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be32(QEMUFile *f, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    qemu_put_be32(f, v >> 32);
    qemu_put_be32(f, v);
}

/* ---- input ---- */

/*
 * Make at least want bytes available in buf[pos, len) if the source has
 * them (want <= QEMU_FILE_BUF_SIZE).  Returns how many are available.
 */
/* read(), or on a socket recvmsg() keeping any fds that come along. */
static ssize_t qemu_file_read(QEMUFile *f, uint8_t *buf, size_t len)
{
    int fds[16];
    size_t nfds = G_N_ELEMENTS(fds);
    ssize_t n;

    if (!f->is_socket) {
        return read(f->fd, buf, len);
    }
    n = qemu_recvmsg_fds(f->fd, buf, len, fds, &nfds);
    for (size_t i = 0; n >= 0 && i < nfds; i++) {
        if (!f->fds) {
            f->fds = g_queue_new();
        }
        g_queue_push_tail(f->fds, GINT_TO_POINTER(fds[i]));
    }
    return n;
}

static size_t qemu_file_fill(QEMUFile *f, size_t want)
{
    if (f->writable) {
        return 0;
    }
    if (f->kind == QEMU_FILE_FD && f->len - f->pos < want &&
        !f->last_error) {
        if (f->pos > 0) {
            memmove(f->buf, f->buf + f->pos, f->len - f->pos);
            f->len -= f->pos;
            f->pos = 0;
        }
        while (f->len < want) {
            ssize_t n;

            if (qemu_file_is_shut(f)) {
                break;
            }
            n = qemu_file_read(f, f->buf + f->len,
                               QEMU_FILE_BUF_SIZE - f->len);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                qemu_file_set_error(f, -errno);
                break;
            }
            if (n == 0) {
                break;          /* end of file: the caller decides */
            }
            f->len += n;
        }
    }
    return f->len - f->pos;
}

size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len)
{
    size_t done = 0;

    if (!f->last_error && !f->writable && !qemu_file_is_shut(f)) {
        while (done < len) {
            size_t want = MIN(len - done, (size_t)QEMU_FILE_BUF_SIZE);
            size_t avail = qemu_file_fill(f, want);
            size_t n = MIN(avail, len - done);

            if (n == 0) {
                break;
            }
            memcpy(buf + done, f->buf + f->pos, n);
            f->pos += n;
            done += n;
        }
    }
    f->transferred += done;
    if (done < len) {
        qemu_file_set_error(f, f->writable ? -EBADF : -EIO);
    }
    return done;
}

void qemu_file_skip(QEMUFile *f, size_t size)
{
    uint8_t tmp[256];

    while (size > 0 && !f->last_error) {
        size_t n = MIN(size, sizeof(tmp));

        qemu_get_buffer(f, tmp, n);
        size -= n;
    }
}

int qemu_peek_byte(QEMUFile *f, int offset)
{
    uint8_t *p;

    if (offset < 0 || qemu_peek_buffer(f, &p, 1, offset) != 1) {
        return -1;
    }
    return *p;
}

size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset)
{
    size_t avail;

    *buf = NULL;
    if (f->last_error || f->writable ||
        size + offset > QEMU_FILE_BUF_SIZE) {
        return 0;
    }
    avail = qemu_file_fill(f, size + offset);
    if (avail <= offset) {
        return 0;
    }
    *buf = f->buf + f->pos + offset;
    return MIN(size, avail - offset);
}

int qemu_get_byte(QEMUFile *f)
{
    uint8_t b = 0;

    qemu_get_buffer(f, &b, 1);
    return b;
}

unsigned int qemu_get_be16(QEMUFile *f)
{
    uint8_t b[2] = { 0 };

    qemu_get_buffer(f, b, sizeof(b));
    return (b[0] << 8) | b[1];
}

uint32_t qemu_get_be32(QEMUFile *f)
{
    uint8_t b[4] = { 0 };

    qemu_get_buffer(f, b, sizeof(b));
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | b[3];
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    uint64_t hi = qemu_get_be32(f);

    return (hi << 32) | qemu_get_be32(f);
}

int qemu_fclose(QEMUFile *f)
{
    int ret;

    if (!f) {
        return 0;
    }
    if (f->writable) {
        qemu_fflush(f);
    }
    ret = f->last_error;
    if (f->fd >= 0 && close(f->fd) < 0 && !ret) {
        ret = -errno;
    }
    while (f->fds && !g_queue_is_empty(f->fds)) {
        close(GPOINTER_TO_INT(g_queue_pop_head(f->fds)));   /* unclaimed */
    }
    if (f->fds) {
        g_queue_free(f->fds);
    }
    g_free(f->own_buf);
    g_free(f);
    return ret;
}

/* ---- seeking (mapped-ram over a file) ---- */

int64_t qemu_file_get_offset(QEMUFile *f)
{
    off_t cur;

    if (f->kind != QEMU_FILE_FD) {
        return -ENOTSUP;
    }
    cur = lseek(f->fd, 0, SEEK_CUR);
    if (cur < 0) {
        return -errno;
    }
    /* output: buffered bytes come after cur; input: they were read ahead */
    return f->writable ? cur + (int64_t)(f->len - f->pos)
                       : cur - (int64_t)(f->len - f->pos);
}

int qemu_file_set_offset(QEMUFile *f, int64_t offset)
{
    if (f->kind != QEMU_FILE_FD) {
        qemu_file_set_error(f, -ENOTSUP);
        return -ENOTSUP;
    }
    if (f->writable && qemu_fflush(f) < 0) {
        return f->last_error;
    }
    f->pos = 0;
    f->len = 0;
    if (lseek(f->fd, offset, SEEK_SET) < 0) {
        qemu_file_set_error(f, -errno);
        return f->last_error;
    }
    return 0;
}

/* ---- fds over a unix socket (CPR state) ---- */

#define QEMU_FILE_FD_SERVICE ' '

int qemu_file_send_fd(QEMUFile *f, int fd)
{
    static const char service = QEMU_FILE_FD_SERVICE;
    ssize_t n;

    if (qemu_fflush(f) < 0) {
        return f->last_error;
    }
    if (f->kind != QEMU_FILE_FD || !f->is_socket) {
        qemu_file_set_error(f, -EINVAL);
        return f->last_error;
    }
    do {
        n = qemu_sendmsg_fds(f->fd, &service, 1, &fd, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        qemu_file_set_error(f, n < 0 ? -errno : -EIO);
        return f->last_error;
    }
    f->transferred++;
    return 0;
}

int qemu_file_recv_fd(QEMUFile *f)
{
    int c = qemu_get_byte(f);

    if (f->last_error) {
        return f->last_error;
    }
    if (c != QEMU_FILE_FD_SERVICE || !f->fds || g_queue_is_empty(f->fds)) {
        qemu_file_set_error(f, -EINVAL);
        return f->last_error;
    }
    return GPOINTER_TO_INT(g_queue_pop_head(f->fds));
}
