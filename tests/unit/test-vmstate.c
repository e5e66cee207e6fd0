/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for QEMUFile and the vmstate engine (save/load/vmdesc). */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <json-glib/json-glib.h>
#include "migration/qemu-file.h"
#include "migration/vmstate.h"
#include "migration/savevm.h"

/* ---- QEMUFile ---- */

static void test_file_buffer_be(void)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);
    static const uint8_t expect[] = {
        0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 'h', 'i',
    };

    qemu_put_byte(f, 0xab);
    qemu_put_be16(f, 0x1234);
    qemu_put_be32(f, 0xdeadbeef);
    qemu_put_be64(f, 0x0102030405060708ULL);
    qemu_put_buffer(f, (const uint8_t *)"hi", 2);
    g_assert_cmpuint(qemu_file_transferred(f), ==, sizeof(expect));
    g_assert_cmpint(qemu_file_get_fd(f), ==, -1);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    g_assert_cmpmem(buf->data, buf->len, expect, sizeof(expect));

    f = qemu_file_new_input_buffer(buf->data, buf->len);
    g_assert_cmpint(qemu_peek_byte(f, 1), ==, 0x12);
    g_assert_cmpint(qemu_get_byte(f), ==, 0xab);
    g_assert_cmpuint(qemu_get_be16(f), ==, 0x1234);
    g_assert_cmphex(qemu_get_be32(f), ==, 0xdeadbeef);
    g_assert_cmphex(qemu_get_be64(f), ==, 0x0102030405060708ULL);
    g_assert_cmpint(qemu_get_byte(f), ==, 'h');
    g_assert_cmpint(qemu_get_byte(f), ==, 'i');
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
    /* Past the end: -EIO, zero value, and the error sticks. */
    g_assert_cmphex(qemu_get_be32(f), ==, 0);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    qemu_file_set_error(f, -EPIPE);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    g_assert_cmpint(qemu_fclose(f), ==, -EIO);
    g_byte_array_free(buf, TRUE);
}

static gpointer writer_thread(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    QEMUFile *f = qemu_file_new_output_fd(fd);
    uint8_t *data = g_malloc(100000);

    for (int i = 0; i < 100000; i++) {
        data[i] = i * 7;
    }
    for (uint32_t i = 0; i < 5000; i++) {
        qemu_put_be32(f, i);
    }
    qemu_put_buffer(f, data, 100000);
    qemu_put_be64(f, UINT64_MAX - 1);
    g_free(data);
    return GINT_TO_POINTER(qemu_fclose(f));
}

/* More than the 32 KiB buffer, through a socket, with partial reads. */
static void test_file_fd_roundtrip(void)
{
    int sv[2];
    GThread *t;
    QEMUFile *f;
    uint8_t *data = g_malloc(100000);

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    t = g_thread_new("writer", writer_thread, GINT_TO_POINTER(sv[0]));
    f = qemu_file_new_input_fd(sv[1]);
    g_assert_cmpint(qemu_file_get_fd(f), ==, sv[1]);
    for (uint32_t i = 0; i < 5000; i++) {
        g_assert_cmpuint(qemu_get_be32(f), ==, i);
    }
    g_assert_cmpuint(qemu_get_buffer(f, data, 100000), ==, 100000);
    for (int i = 0; i < 100000; i++) {
        g_assert_cmpuint(data[i], ==, (uint8_t)(i * 7));
    }
    g_assert_cmphex(qemu_get_be64(f), ==, UINT64_MAX - 1);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t)), ==, 0);
    g_assert_cmpuint(qemu_file_transferred(f), ==, 20000 + 100000 + 8);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    /* The writer closed: the next read hits EOF. */
    qemu_get_byte(f);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    qemu_fclose(f);
    g_free(data);
}

static gpointer shutdown_thread(gpointer opaque)
{
    g_usleep(100 * 1000);
    qemu_file_shutdown(opaque);
    return NULL;
}

/* migrate_cancel: a reader blocked on a silent peer wakes up failing. */
static void test_file_shutdown(void)
{
    int sv[2];
    QEMUFile *f;
    GThread *t;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    f = qemu_file_new_input_fd(sv[1]);
    t = g_thread_new("shutdown", shutdown_thread, f);
    qemu_get_be32(f);
    g_thread_join(t);
    g_assert_cmpint(qemu_file_get_error(f), <, 0);
    qemu_fclose(f);
    close(sv[0]);
}

static void test_file_write_error(void)
{
    int sv[2];
    QEMUFile *f;
    uint8_t block[4096] = { 0 };

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    close(sv[1]);
    f = qemu_file_new_output_fd(sv[0]);
    for (int i = 0; i < 64; i++) {
        qemu_put_buffer(f, block, sizeof(block));
    }
    /* A dead peer is an error, not SIGPIPE. */
    g_assert_cmpint(qemu_fflush(f), ==, -EPIPE);
    g_assert_cmpint(qemu_fclose(f), ==, -EPIPE);
}

/* ---- vmstate ---- */

typedef struct Inner {
    uint16_t a;
    uint64_t b;
} Inner;

typedef struct Everything {
    bool flag;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t a8[3];
    uint16_t a16[2];
    uint32_t a32[2];
    uint64_t a64[2];
    int32_t ai32[2];
    uint8_t buf[5];
    uint32_t vbuf_len;
    uint8_t *vbuf;
    uint32_t magic;
    Inner inner;
    Inner inners[2];
    uint32_t var_n;
    uint32_t *var;
    uint32_t avar_n;
    uint16_t *avar;
    uint32_t newer;             /* version 2 only */
} Everything;

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(a, Inner),
        VMSTATE_UINT64(b, Inner),
        VMSTATE_END_OF_LIST()
    },
};

static int pre_save_calls, post_save_calls, pre_load_calls;
static int post_load_version;

static int everything_pre_save(void *opaque)
{
    pre_save_calls++;
    return 0;
}

static int everything_post_save(void *opaque)
{
    post_save_calls++;
    return 0;
}

static int everything_pre_load(void *opaque)
{
    pre_load_calls++;
    return 0;
}

static int everything_post_load(void *opaque, int version_id)
{
    post_load_version = version_id;
    return 0;
}

static const VMStateDescription vmstate_everything = {
    .name = "everything",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = everything_pre_save,
    .post_save = everything_post_save,
    .pre_load = everything_pre_load,
    .post_load = everything_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(flag, Everything),
        VMSTATE_INT8(i8, Everything),
        VMSTATE_INT16(i16, Everything),
        VMSTATE_INT32(i32, Everything),
        VMSTATE_INT64(i64, Everything),
        VMSTATE_UINT8(u8, Everything),
        VMSTATE_UINT16(u16, Everything),
        VMSTATE_UINT32(u32, Everything),
        VMSTATE_UINT64(u64, Everything),
        VMSTATE_UINT8_ARRAY(a8, Everything, 3),
        VMSTATE_UINT16_ARRAY(a16, Everything, 2),
        VMSTATE_UINT32_ARRAY(a32, Everything, 2),
        VMSTATE_UINT64_ARRAY(a64, Everything, 2),
        VMSTATE_INT32_ARRAY(ai32, Everything, 2),
        VMSTATE_BUFFER(buf, Everything),
        VMSTATE_UINT32(vbuf_len, Everything),
        VMSTATE_VBUFFER_ALLOC_UINT32(vbuf, Everything, 0, NULL, vbuf_len),
        VMSTATE_UINT32_EQUAL(magic, Everything),
        VMSTATE_STRUCT(inner, Everything, 1, vmstate_inner, Inner),
        VMSTATE_STRUCT_ARRAY(inners, Everything, 2, 1, vmstate_inner, Inner),
        VMSTATE_UINT32(var_n, Everything),
        VMSTATE_VARRAY_UINT32(var, Everything, var_n, 0,
                              vmstate_info_uint32, uint32_t),
        VMSTATE_UINT32(avar_n, Everything),
        VMSTATE_VARRAY_UINT32_ALLOC(avar, Everything, avar_n, 0,
                                    vmstate_info_uint16, uint16_t),
        VMSTATE_UNUSED(3),
        VMSTATE_UINT32_V(newer, Everything, 2),
        VMSTATE_END_OF_LIST()
    },
};

static uint32_t var_src[3] = { 7, 8, 9 };
static uint16_t avar_src[2] = { 0xaaaa, 0x5555 };

static void everything_fill(Everything *e)
{
    memset(e, 0, sizeof(*e));
    e->flag = true;
    e->i8 = -5;
    e->i16 = -300;
    e->i32 = -70000;
    e->i64 = -5000000000LL;
    e->u8 = 200;
    e->u16 = 60000;
    e->u32 = 4000000000U;
    e->u64 = 0x8877665544332211ULL;
    memcpy(e->a8, "\x01\x02\x03", 3);
    e->a16[0] = 0x1111;
    e->a16[1] = 0x2222;
    e->a32[0] = 0x33333333;
    e->a32[1] = 0x44444444;
    e->a64[0] = 0x5555555555555555ULL;
    e->a64[1] = 0x6666666666666666ULL;
    e->ai32[0] = -1;
    e->ai32[1] = -2;
    memcpy(e->buf, "abcde", 5);
    e->vbuf_len = 4;
    e->vbuf = (uint8_t *)g_strdup("WXYZ");
    e->magic = 0xfeedf00d;
    e->inner.a = 0x0102;
    e->inner.b = 0x0304050607080910ULL;
    e->inners[0].a = 11;
    e->inners[0].b = 12;
    e->inners[1].a = 13;
    e->inners[1].b = 14;
    e->var_n = 3;
    e->var = var_src;
    e->avar_n = 2;
    e->avar = g_memdup2(avar_src, sizeof(avar_src));
    e->newer = 0xabcdef01;
}

static GByteArray *save_to_buffer(const VMStateDescription *vmsd,
                                  void *opaque, JSONWriter *vmdesc)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = qemu_file_new_output_buffer(buf);

    g_assert_cmpint(vmstate_save_state(f, vmsd, opaque, vmdesc), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    return buf;
}

static int load_from_buffer(GByteArray *buf, const VMStateDescription *vmsd,
                            void *opaque, int version, Error **errp,
                            size_t *left)
{
    QEMUFile *f = qemu_file_new_input_buffer(buf->data, buf->len);
    int ret = vmstate_load_state_with_err(f, vmsd, opaque, version, errp);

    if (left) {
        *left = buf->len - qemu_file_transferred(f);
    }
    qemu_fclose(f);
    return ret;
}

static void test_roundtrip_all_kinds(void)
{
    Everything src, dst;
    uint32_t var_dst[3] = { 0 };
    GByteArray *buf;
    size_t left;
    /* Wire size: the sum of the field sizes, big-endian, nothing else. */
    size_t expect = 1 + 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 3 + 4 + 8 + 16 + 8 +
                    5 + 4 + 4 + 4 + 10 + 20 + 4 + 12 + 4 + 4 + 3 + 4;

    everything_fill(&src);
    pre_save_calls = post_save_calls = pre_load_calls = 0;
    buf = save_to_buffer(&vmstate_everything, &src, NULL);
    g_assert_cmpint(pre_save_calls, ==, 1);
    g_assert_cmpint(post_save_calls, ==, 1);
    g_assert_cmpuint(buf->len, ==, expect);
    /* bool, int8, then int16 -300 big-endian */
    g_assert_cmpuint(buf->data[0], ==, 1);
    g_assert_cmpuint(buf->data[1], ==, 0xfb);
    g_assert_cmpuint(buf->data[2], ==, 0xfe);
    g_assert_cmpuint(buf->data[3], ==, 0xd4);

    memset(&dst, 0, sizeof(dst));
    dst.magic = 0xfeedf00d;
    dst.var = var_dst;
    dst.vbuf = g_malloc(1);     /* replaced by the load */
    post_load_version = -1;
    g_assert_cmpint(load_from_buffer(buf, &vmstate_everything, &dst, 2,
                                     &error_abort, &left), ==, 0);
    g_assert_cmpuint(left, ==, 0);
    g_assert_cmpint(pre_load_calls, ==, 1);
    g_assert_cmpint(post_load_version, ==, 2);
    g_assert_true(dst.flag);
    g_assert_cmpint(dst.i8, ==, -5);
    g_assert_cmpint(dst.i16, ==, -300);
    g_assert_cmpint(dst.i32, ==, -70000);
    g_assert_cmpint(dst.i64, ==, -5000000000LL);
    g_assert_cmpuint(dst.u8, ==, 200);
    g_assert_cmpuint(dst.u16, ==, 60000);
    g_assert_cmpuint(dst.u32, ==, 4000000000U);
    g_assert_cmphex(dst.u64, ==, 0x8877665544332211ULL);
    g_assert_cmpmem(dst.a8, 3, src.a8, 3);
    g_assert_cmpmem(dst.a16, 4, src.a16, 4);
    g_assert_cmpmem(dst.a32, 8, src.a32, 8);
    g_assert_cmpmem(dst.a64, 16, src.a64, 16);
    g_assert_cmpmem(dst.ai32, 8, src.ai32, 8);
    g_assert_cmpmem(dst.buf, 5, "abcde", 5);
    g_assert_cmpuint(dst.vbuf_len, ==, 4);
    g_assert_cmpmem(dst.vbuf, 4, "WXYZ", 4);
    g_assert_cmpuint(dst.inner.a, ==, 0x0102);
    g_assert_cmphex(dst.inner.b, ==, 0x0304050607080910ULL);
    g_assert_cmpuint(dst.inners[1].a, ==, 13);
    g_assert_cmpuint(dst.inners[1].b, ==, 14);
    g_assert_cmpuint(dst.var_n, ==, 3);
    g_assert_cmpmem(var_dst, sizeof(var_dst), var_src, sizeof(var_src));
    g_assert_cmpuint(dst.avar_n, ==, 2);
    g_assert_nonnull(dst.avar);
    g_assert_cmpmem(dst.avar, 4, avar_src, 4);
    g_assert_cmphex(dst.newer, ==, 0xabcdef01);

    g_free(src.vbuf);
    g_free(src.avar);
    g_free(dst.vbuf);
    g_free(dst.avar);
    g_byte_array_free(buf, TRUE);
}

static const VMStateDescription vmstate_ev1 = {
    .name = "everything", .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(u32, Everything),
        VMSTATE_END_OF_LIST()
    },
};
static const VMStateDescription vmstate_ev2 = {
    .name = "everything", .version_id = 2, .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(u32, Everything),
        VMSTATE_UINT32_V(newer, Everything, 2),
        VMSTATE_END_OF_LIST()
    },
};

/* A version 1 stream has no 'newer' field: it is skipped, not read. */
static void test_field_version(void)
{
    Everything src = { .u32 = 42 }, dst = { .newer = 99 };
    GByteArray *buf = save_to_buffer(&vmstate_ev1, &src, NULL);
    size_t left;

    g_assert_cmpuint(buf->len, ==, 4);
    g_assert_cmpint(load_from_buffer(buf, &vmstate_ev2, &dst, 1, &error_abort,
                                     &left), ==, 0);
    g_assert_cmpuint(left, ==, 0);
    g_assert_cmpuint(dst.u32, ==, 42);
    g_assert_cmpuint(dst.newer, ==, 99);
    g_byte_array_free(buf, TRUE);
}

static void test_version_checks(void)
{
    Everything e;
    GByteArray *buf = g_byte_array_new();
    Error *err = NULL;

    everything_fill(&e);
    g_assert_cmpint(load_from_buffer(buf, &vmstate_everything, &e, 3, &err,
                                     NULL), ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "everything: incoming version_id 3 is too new for local "
                    "version_id 2");
    error_free(err);
    err = NULL;
    g_assert_cmpint(load_from_buffer(buf, &vmstate_everything, &e, 0, &err,
                                     NULL), ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "everything: incoming version_id 0 is too old for local "
                    "minimum version_id 1");
    error_free(err);
    g_free(e.vbuf);
    g_free(e.avar);
    g_byte_array_free(buf, TRUE);
}

static void test_equal_mismatch(void)
{
    Everything src, dst;
    GByteArray *buf;
    Error *err = NULL;

    everything_fill(&src);
    buf = save_to_buffer(&vmstate_everything, &src, NULL);
    everything_fill(&dst);
    dst.magic = 5;
    g_assert_cmpint(load_from_buffer(buf, &vmstate_everything, &dst, 2,
                                     &err, NULL), ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to load everything:magic: 4277006349 != 5");
    g_assert_cmpuint(dst.magic, ==, 5);
    error_free(err);
    g_free(src.vbuf);
    g_free(src.avar);
    g_free(dst.vbuf);
    g_free(dst.avar);
    g_byte_array_free(buf, TRUE);
}

/* Every prefix of a valid encoding fails cleanly (no crash, an error). */
static void test_truncated(void)
{
    Everything src, dst;
    uint32_t var_dst[3];
    GByteArray *buf;

    everything_fill(&src);
    buf = save_to_buffer(&vmstate_everything, &src, NULL);
    for (guint len = 0; len < buf->len; len++) {
        QEMUFile *f = qemu_file_new_input_buffer(buf->data, len);
        Error *err = NULL;

        memset(&dst, 0, sizeof(dst));
        dst.magic = src.magic;
        dst.var = var_dst;
        g_assert_cmpint(vmstate_load_state_with_err(f, &vmstate_everything,
                                                    &dst, 2, &err), <, 0);
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                       "Failed to load everything:"));
        error_free(err);
        qemu_fclose(f);
        g_free(dst.vbuf);
        g_free(dst.avar);
    }
    g_free(src.vbuf);
    g_free(src.avar);
    g_byte_array_free(buf, TRUE);
}

/* ---- subsections ---- */

typedef struct Dev {
    uint32_t base;
    bool want_extra;
    uint16_t extra;
    uint8_t more;
} Dev;

static bool extra_needed(void *opaque)
{
    return ((Dev *)opaque)->want_extra;
}

static const VMStateDescription vmstate_dev_extra = {
    .name = "dev/extra",
    .version_id = 1,
    .needed = extra_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(extra, Dev),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_dev_more = {
    .name = "dev/more",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(more, Dev),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_dev = {
    .name = "dev",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(base, Dev),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const[]) {
        &vmstate_dev_extra,
        NULL
    },
};

/* The same device, knowing a subsection "dev/more" as well. */
static const VMStateDescription vmstate_dev_with_more = {
    .name = "dev",
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(base, Dev),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const[]) {
        &vmstate_dev_extra,
        &vmstate_dev_more,
        NULL
    },
};

static void test_subsection_present(void)
{
    Dev src = { .base = 1, .want_extra = true, .extra = 0x4242 };
    Dev dst = { 0 };
    GByteArray *buf = save_to_buffer(&vmstate_dev, &src, NULL);
    static const uint8_t expect[] = {
        0, 0, 0, 1,
        0x05, 9, 'd', 'e', 'v', '/', 'e', 'x', 't', 'r', 'a', 0, 0, 0, 1,
        0x42, 0x42,
    };
    size_t left;

    g_assert_cmpmem(buf->data, buf->len, expect, sizeof(expect));
    g_assert_cmpint(load_from_buffer(buf, &vmstate_dev, &dst, 1,
                                     &error_abort, &left), ==, 0);
    g_assert_cmpuint(left, ==, 0);
    g_assert_cmpuint(dst.base, ==, 1);
    g_assert_cmpuint(dst.extra, ==, 0x4242);
    g_byte_array_free(buf, TRUE);
}

static void test_subsection_absent(void)
{
    Dev src = { .base = 7, .want_extra = false, .extra = 0x4242 };
    Dev dst = { .extra = 3 };
    GByteArray *buf = save_to_buffer(&vmstate_dev, &src, NULL);

    g_assert_cmpuint(buf->len, ==, 4);
    g_assert_cmpint(load_from_buffer(buf, &vmstate_dev, &dst, 1,
                                     &error_abort, NULL), ==, 0);
    g_assert_cmpuint(dst.base, ==, 7);
    g_assert_cmpuint(dst.extra, ==, 3);
    g_byte_array_free(buf, TRUE);
}

static void test_subsection_unknown(void)
{
    Dev src = { .base = 7, .more = 9 };
    Dev dst = { 0 };
    GByteArray *buf = save_to_buffer(&vmstate_dev_with_more, &src, NULL);
    Error *err = NULL;

    g_assert_cmpint(load_from_buffer(buf, &vmstate_dev, &dst, 1, &err,
                                     NULL), ==, -ENOENT);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "VMState subsection 'dev/more' not found in 'dev'");
    error_free(err);
    g_byte_array_free(buf, TRUE);
}

/* A 0x05 byte after our fields that belongs to someone else is left alone. */
static void test_subsection_foreign(void)
{
    Dev src = { .base = 7 }, dst = { 0 };
    GByteArray *buf = save_to_buffer(&vmstate_dev, &src, NULL);
    QEMUFile *f;

    g_byte_array_append(buf, (const uint8_t *)"\x05\x09other/abc", 11);
    f = qemu_file_new_input_buffer(buf->data, buf->len);
    g_assert_cmpint(vmstate_load_state_with_err(f, &vmstate_dev, &dst, 1,
                                                &error_abort), ==, 0);
    g_assert_cmpint(qemu_get_byte(f), ==, 0x05);
    qemu_fclose(f);
    g_byte_array_free(buf, TRUE);
}

/* ---- vmdesc ---- */

static JsonObject *array_obj(JsonArray *a, guint i)
{
    return json_array_get_object_element(a, i);
}

static void test_vmdesc(void)
{
    Everything src;
    JSONWriter *w = json_writer_new();
    JsonParser *p = json_parser_new();
    GError *gerr = NULL;
    JsonObject *root, *field, *st;
    JsonArray *fields;
    GByteArray *buf;
    int64_t total = 0;

    everything_fill(&src);
    json_writer_start_object(w, NULL);
    buf = save_to_buffer(&vmstate_everything, &src, w);
    json_writer_end_object(w);
    g_assert_true(json_parser_load_from_data(p, json_writer_get(w), -1,
                                             &gerr));
    root = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpstr(json_object_get_string_member(root, "vmsd_name"), ==,
                    "everything");
    g_assert_cmpint(json_object_get_int_member(root, "version"), ==, 2);
    fields = json_object_get_array_member(root, "fields");

    field = array_obj(fields, 0);
    g_assert_cmpstr(json_object_get_string_member(field, "name"), ==, "flag");
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==, "bool");
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 1);
    field = array_obj(fields, 4);
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==,
                    "int64");
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 8);
    /* A compressible array appears once, with array_len. */
    field = array_obj(fields, 9);
    g_assert_cmpstr(json_object_get_string_member(field, "name"), ==, "a8");
    g_assert_cmpint(json_object_get_int_member(field, "array_len"), ==, 3);
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 1);
    field = array_obj(fields, 14);
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==,
                    "buffer");
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 5);
    field = array_obj(fields, 17);
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==,
                    "uint32 equal");
    field = array_obj(fields, 18);
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==,
                    "struct");
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 10);
    st = json_object_get_object_member(field, "struct");
    g_assert_cmpstr(json_object_get_string_member(st, "vmsd_name"), ==,
                    "inner");
    g_assert_cmpuint(json_array_get_length(
                     json_object_get_array_member(st, "fields")), ==, 2);
    /* The unused buffer near the end, then 'newer'. */
    field = array_obj(fields, json_array_get_length(fields) - 2);
    g_assert_cmpstr(json_object_get_string_member(field, "type"), ==,
                    "unused_buffer");
    g_assert_cmpint(json_object_get_int_member(field, "size"), ==, 3);

    /* Sizes times array lengths add up to the bytes on the wire. */
    for (guint i = 0; i < json_array_get_length(fields); i++) {
        JsonObject *o = array_obj(fields, i);
        int64_t n = json_object_has_member(o, "array_len") ?
                    json_object_get_int_member(o, "array_len") : 1;

        total += n * json_object_get_int_member(o, "size");
    }
    g_assert_cmpint(total, ==, buf->len);

    g_object_unref(p);
    json_writer_free(w);
    g_free(src.vbuf);
    g_free(src.avar);
    g_byte_array_free(buf, TRUE);
}

static void test_vmdesc_subsections(void)
{
    Dev src = { .base = 1, .want_extra = true };
    JSONWriter *w = json_writer_new();
    GByteArray *buf;

    json_writer_start_object(w, NULL);
    buf = save_to_buffer(&vmstate_dev, &src, w);
    json_writer_end_object(w);
    g_assert_cmpstr(json_writer_get(w), ==,
        "{\"vmsd_name\": \"dev\", \"version\": 1, \"fields\": "
        "[{\"name\": \"base\", \"type\": \"uint32\", \"size\": 4}], "
        "\"subsections\": [{\"vmsd_name\": \"dev/extra\", \"version\": 1, "
        "\"fields\": [{\"name\": \"extra\", \"type\": \"uint16\", "
        "\"size\": 2}]}]}");
    json_writer_free(w);
    g_byte_array_free(buf, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-file/buffer-big-endian", test_file_buffer_be);
    g_test_add_func("/qemu-file/fd-roundtrip", test_file_fd_roundtrip);
    g_test_add_func("/qemu-file/shutdown-wakes-reader", test_file_shutdown);
    g_test_add_func("/qemu-file/write-error", test_file_write_error);
    g_test_add_func("/vmstate/roundtrip-all-kinds", test_roundtrip_all_kinds);
    g_test_add_func("/vmstate/field-version", test_field_version);
    g_test_add_func("/vmstate/version-checks", test_version_checks);
    g_test_add_func("/vmstate/equal-mismatch", test_equal_mismatch);
    g_test_add_func("/vmstate/truncated", test_truncated);
    g_test_add_func("/vmstate/subsection/present", test_subsection_present);
    g_test_add_func("/vmstate/subsection/absent", test_subsection_absent);
    g_test_add_func("/vmstate/subsection/unknown", test_subsection_unknown);
    g_test_add_func("/vmstate/subsection/foreign", test_subsection_foreign);
    g_test_add_func("/vmstate/vmdesc", test_vmdesc);
    g_test_add_func("/vmstate/vmdesc-subsections", test_vmdesc_subsections);
    return g_test_run();
}
