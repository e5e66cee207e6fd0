/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMUFile: the buffered, big-endian byte stream that carries migration
 * data, over a file descriptor (blocking I/O) or a memory buffer.
 *
 * Errors are sticky: the first failure (I/O error, read past the end of
 * the data) is recorded as a negative errno; later writes are dropped and
 * later reads return zeros, so a caller can do a run of puts/gets and
 * check qemu_file_get_error() once.  A QEMUFile is used by one thread at
 * a time, except qemu_file_shutdown(), which any thread may call.
 */
#ifndef MIGRATION_QEMU_FILE_H
#define MIGRATION_QEMU_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef struct QEMUFile QEMUFile;

/* Over an fd: the QEMUFile owns fd and closes it in qemu_fclose(). */
QEMUFile *qemu_file_new_output_fd(int fd);
QEMUFile *qemu_file_new_input_fd(int fd);

/*
 * Over memory.  Output appends to buf, which the caller owns and which must
 * outlive the QEMUFile.  Input reads a borrowed [data, data + len).
 */
QEMUFile *qemu_file_new_output_buffer(GByteArray *buf);
QEMUFile *qemu_file_new_input_buffer(const uint8_t *data, size_t len);

/*
 * Flush (output), close the fd if any and free f.  Returns 0 or the
 * stream's negative errno (the sticky error, or the flush/close failure).
 * NULL is accepted and returns 0.
 */
int qemu_fclose(QEMUFile *f);

/* Writers: big-endian, buffered.  Dropped once the stream has an error. */
void qemu_put_byte(QEMUFile *f, int v);
void qemu_put_be16(QEMUFile *f, unsigned int v);
void qemu_put_be32(QEMUFile *f, uint32_t v);
void qemu_put_be64(QEMUFile *f, uint64_t v);
void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len);

/*
 * Readers: big-endian.  A read past the end of the data sets -EIO and
 * returns 0 (qemu_get_buffer returns the bytes actually read; the rest of
 * buf is left as it was).
 */
int qemu_get_byte(QEMUFile *f);
unsigned int qemu_get_be16(QEMUFile *f);
uint32_t qemu_get_be32(QEMUFile *f);
uint64_t qemu_get_be64(QEMUFile *f);
size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len);

/*
 * Look ahead without consuming (for subsection detection): the byte at
 * offset bytes ahead, or -1 at the end of the data; qemu_peek_buffer
 * points *buf at up to size bytes starting offset bytes ahead (offset +
 * size <= 32 KiB) and returns how many there are.  Never sets an error.
 */
int qemu_peek_byte(QEMUFile *f, int offset);
size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset);
/* Consume size bytes (as a get whose data is discarded). */
void qemu_file_skip(QEMUFile *f, size_t size);

/* Write out the buffer.  Returns 0 or the stream's negative errno. */
int qemu_fflush(QEMUFile *f);

/* 0 or the first error (negative errno). */
int qemu_file_get_error(QEMUFile *f);
/* Record err (negative errno) unless an error is already recorded. */
void qemu_file_set_error(QEMUFile *f, int err);

/* Bytes put (output, including still-buffered ones) or got (input). */
uint64_t qemu_file_transferred(QEMUFile *f);

/* The fd, or -1 for a buffer QEMUFile. */
int qemu_file_get_fd(QEMUFile *f);

/*
 * Pass an fd through a unix-socket QEMUFile, as QEMU's VMSTATE_FD does:
 * flush, then one byte ' ' carrying fd in SCM_RIGHTS.  The receiver gets
 * the byte in order and takes the fd that came with it (a new fd number,
 * CLOEXEC, owned by the caller).  0 / the fd, or a negative errno (also
 * recorded as the stream's error).  Fds that arrive and are never taken
 * are closed by qemu_fclose().
 */
int qemu_file_send_fd(QEMUFile *f, int fd);
int qemu_file_recv_fd(QEMUFile *f);

/*
 * Wake a peer (or ourselves) blocked on the fd: shutdown(2) both
 * directions and make later I/O fail with -EIO.  Thread-safe; used by
 * migrate_cancel.  No-op for buffer QEMUFiles (besides the error).
 */
void qemu_file_shutdown(QEMUFile *f);

#endif
