/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vmstate field kinds (VMStateInfo): how each element is put and got. */
#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "migration/savevm.h"
#include "migration/cpr.h"
#include "migration/misc.h"

static __thread char *load_detail;

void vmstate_set_load_detail(const char *fmt, ...)
{
    va_list ap;

    g_free(load_detail);
    va_start(ap, fmt);
    load_detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

char *vmstate_take_load_detail(void)
{
    char *d = load_detail;

    load_detail = NULL;
    return d;
}

/* ---- bool ---- */

static int get_bool(QEMUFile *f, void *pv, size_t size,
                    const VMStateField *field)
{
    *(bool *)pv = qemu_get_byte(f) != 0;
    return 0;
}

static int put_bool(QEMUFile *f, void *pv, size_t size,
                    const VMStateField *field, JSONWriter *vmdesc)
{
    qemu_put_byte(f, *(bool *)pv);
    return 0;
}

const VMStateInfo vmstate_info_bool = {
    .name = "bool", .get = get_bool, .put = put_bool,
};

/* ---- integers: one get/put pair per width ---- */

#define DEFINE_INT_INFO(_name, _str, _ctype, _get, _put)                 \
    static int get_##_name(QEMUFile *f, void *pv, size_t size,           \
                           const VMStateField *field)                    \
    {                                                                    \
        *(_ctype *)pv = (_ctype)_get(f);                                 \
        return 0;                                                        \
    }                                                                    \
    static int put_##_name(QEMUFile *f, void *pv, size_t size,           \
                           const VMStateField *field, JSONWriter *vmdesc) \
    {                                                                    \
        _put(f, *(_ctype *)pv);                                          \
        return 0;                                                        \
    }                                                                    \
    const VMStateInfo vmstate_info_##_name = {                           \
        .name = _str, .get = get_##_name, .put = put_##_name,            \
    };

DEFINE_INT_INFO(int8, "int8", int8_t, qemu_get_byte, qemu_put_byte)
DEFINE_INT_INFO(int16, "int16", int16_t, qemu_get_be16, qemu_put_be16)
DEFINE_INT_INFO(int32, "int32", int32_t, qemu_get_be32, qemu_put_be32)
DEFINE_INT_INFO(int64, "int64", int64_t, qemu_get_be64, qemu_put_be64)
DEFINE_INT_INFO(uint8, "uint8", uint8_t, qemu_get_byte, qemu_put_byte)
DEFINE_INT_INFO(uint16, "uint16", uint16_t, qemu_get_be16, qemu_put_be16)
DEFINE_INT_INFO(uint32, "uint32", uint32_t, qemu_get_be32, qemu_put_be32)
DEFINE_INT_INFO(uint64, "uint64", uint64_t, qemu_get_be64, qemu_put_be64)

/*
 * EQUAL kinds: sent like the plain integer; on load the incoming value must
 * equal the local one, which is left unchanged.
 */
#define DEFINE_EQUAL_INFO(_name, _str, _ctype, _get, _put, _fmt)         \
    static int get_##_name(QEMUFile *f, void *pv, size_t size,           \
                           const VMStateField *field)                    \
    {                                                                    \
        _ctype v = (_ctype)_get(f);                                      \
                                                                         \
        if (qemu_file_get_error(f) || v == *(_ctype *)pv) {              \
            return 0;                                                    \
        }                                                                \
        vmstate_set_load_detail("%" _fmt " != %" _fmt "%s%s", v,         \
                                *(_ctype *)pv,                           \
                                field && field->err_hint ? ": " : "",    \
                                field && field->err_hint ?               \
                                    field->err_hint : "");               \
        return -EINVAL;                                                  \
    }                                                                    \
    static int put_##_name(QEMUFile *f, void *pv, size_t size,           \
                           const VMStateField *field, JSONWriter *vmdesc) \
    {                                                                    \
        _put(f, *(_ctype *)pv);                                          \
        return 0;                                                        \
    }                                                                    \
    const VMStateInfo vmstate_info_##_name = {                           \
        .name = _str, .get = get_##_name, .put = put_##_name,            \
    };

DEFINE_EQUAL_INFO(uint8_equal, "uint8 equal", uint8_t, qemu_get_byte,
                  qemu_put_byte, PRIu8)
DEFINE_EQUAL_INFO(uint16_equal, "uint16 equal", uint16_t, qemu_get_be16,
                  qemu_put_be16, PRIu16)
DEFINE_EQUAL_INFO(int32_equal, "int32 equal", int32_t, qemu_get_be32,
                  qemu_put_be32, PRId32)
DEFINE_EQUAL_INFO(uint32_equal, "uint32 equal", uint32_t, qemu_get_be32,
                  qemu_put_be32, PRIu32)
DEFINE_EQUAL_INFO(uint64_equal, "uint64 equal", uint64_t, qemu_get_be64,
                  qemu_put_be64, PRIu64)

/* int32 le: the incoming value must be in [0, local]; it replaces local. */
static int get_int32_le(QEMUFile *f, void *pv, size_t size,
                        const VMStateField *field)
{
    int32_t *cur = pv;
    int32_t v = qemu_get_be32(f);

    if (qemu_file_get_error(f)) {
        return 0;
    }
    if (v >= 0 && v <= *cur) {
        *cur = v;
        return 0;
    }
    vmstate_set_load_detail("Invalid value %" PRId32
                            " expecting positive value <= %" PRId32, v, *cur);
    return -EINVAL;
}

static int put_int32(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, JSONWriter *vmdesc);

const VMStateInfo vmstate_info_int32_le = {
    .name = "int32 le", .get = get_int32_le, .put = put_int32,
};

/* ---- raw bytes ---- */

static int get_buffer(QEMUFile *f, void *pv, size_t size,
                      const VMStateField *field)
{
    qemu_get_buffer(f, pv, size);
    return 0;
}

static int put_buffer(QEMUFile *f, void *pv, size_t size,
                      const VMStateField *field, JSONWriter *vmdesc)
{
    qemu_put_buffer(f, pv, size);
    return 0;
}

const VMStateInfo vmstate_info_buffer = {
    .name = "buffer", .get = get_buffer, .put = put_buffer,
};

/* Placeholder bytes: zeros on save, skipped on load. */
static int get_unused_buffer(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field)
{
    qemu_file_skip(f, size);
    return 0;
}

static int put_unused_buffer(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field, JSONWriter *vmdesc)
{
    static const uint8_t zeros[256];

    while (size > 0) {
        size_t n = MIN(size, sizeof(zeros));

        qemu_put_buffer(f, zeros, n);
        size -= n;
    }
    return 0;
}

const VMStateInfo vmstate_info_unused_buffer = {
    .name = "unused_buffer", .get = get_unused_buffer,
    .put = put_unused_buffer,
};

/* ---- fd: passed with SCM_RIGHTS over a unix socket (CPR state) ---- */

/* cpr-exec: the fd stays open across exec, its number is enough */
static bool fd_by_number(bool saving)
{
    return saving ? migrate_mode() == MIG_MODE_CPR_EXEC
                  : cpr_get_incoming_mode() == MIG_MODE_CPR_EXEC;
}

static int get_fd(QEMUFile *f, void *pv, size_t size,
                  const VMStateField *field)
{
    bool by_number = fd_by_number(false);
    int fd = by_number ? (int)qemu_get_be32(f) : qemu_file_recv_fd(f);

    /* by number, -1 is a record without an fd (cpr_save_fd) */
    if (by_number ? fd < -1 || qemu_file_get_error(f) : fd < 0) {
        vmstate_set_load_detail("no file descriptor came with field '%s'",
                                field->name);
        return by_number ? (qemu_file_get_error(f) ?: -EINVAL) : fd;
    }
    *(int32_t *)pv = fd;
    return 0;
}

static int put_fd(QEMUFile *f, void *pv, size_t size,
                  const VMStateField *field, JSONWriter *vmdesc)
{
    int ret;

    if (fd_by_number(true)) {
        qemu_put_be32(f, *(int32_t *)pv);
        return qemu_file_get_error(f);
    }
    ret = qemu_file_send_fd(f, *(int32_t *)pv);
    return ret < 0 ? ret : 0;
}

const VMStateInfo vmstate_info_fd = {
    .name = "fd",
    .get = get_fd,
    .put = put_fd,
};
