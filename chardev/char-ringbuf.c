/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ringbuf chardev and its QMP commands ringbuf-write/ringbuf-read. */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qapi/qapi-commands-char.h"
#include "char-internal.h"

#define RINGBUF_DEFAULT_SIZE 65536

typedef struct RingBufChardev {
    Chardev parent;
    size_t size;        /* a power of two */
    size_t prod;        /* total bytes ever written */
    size_t cons;        /* total bytes ever consumed */
    uint8_t *cbuf;
} RingBufChardev;

static const ChardevClass ringbuf_class;
static const ChardevClass memory_class;

static size_t ringbuf_count(RingBufChardev *d)
{
    return d->prod - d->cons;
}

/* Appends; the oldest bytes are overwritten when it is full. */
static int ringbuf_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    RingBufChardev *d = (RingBufChardev *)chr;

    if (!buf || len < 0) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < len; i++) {
        d->cbuf[d->prod++ & (d->size - 1)] = buf[i];
        if (d->prod - d->cons > d->size) {
            d->cons = d->prod - d->size;
        }
    }
    return len;
}

static size_t ringbuf_chr_read(RingBufChardev *d, uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len && d->cons != d->prod; i++) {
        buf[i] = d->cbuf[d->cons++ & (d->size - 1)];
    }
    return i;
}

static const char *const ringbuf_opt_keys[] = { "size", NULL };

static void ringbuf_parse(QemuOpts *opts, ChardevBackend *backend,
                          Error **errp)
{
    ChardevRingbuf *rb;
    uint64_t size;

    if (qemu_opt_has(opts, "size")) {
        const char *str = qemu_opt_get(opts, "size");
        if (qemu_strtosz(str, NULL, &size) < 0 || size > INT64_MAX) {
            error_setg(errp, "Parameter 'size' expects a non-negative "
                       "number below 2^64");
            return;
        }
    } else {
        size = 0;
    }
    backend->type = CHARDEV_BACKEND_KIND_RINGBUF;
    rb = backend->u.ringbuf.data = g_new0(ChardevRingbuf, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)rb);
    if (size) {
        rb->has_size = true;
        rb->size = size;
    }
}

static bool ringbuf_open(Chardev *chr, ChardevBackend *backend,
                         bool *be_opened, Error **errp)
{
    ChardevRingbuf *opts = backend->u.ringbuf.data;
    RingBufChardev *d = (RingBufChardev *)chr;
    int64_t size = opts->has_size ? opts->size : RINGBUF_DEFAULT_SIZE;

    if (size <= 0 || (size & (size - 1))) {
        error_setg(errp, "size of ringbuf chardev must be power of two");
        return false;
    }
    d->size = size;
    d->cbuf = g_try_malloc0(d->size);
    if (!d->cbuf) {
        error_setg(errp, "Cannot allocate %zu bytes for ringbuf chardev",
                   d->size);
        return false;
    }
    return true;
}

static void ringbuf_finalize(Chardev *chr)
{
    g_free(((RingBufChardev *)chr)->cbuf);
}

static const ChardevClass ringbuf_class = {
    .name = "ringbuf",
    .instance_size = sizeof(RingBufChardev),
    .opt_keys = ringbuf_opt_keys,
    .parse = ringbuf_parse,
    .open = ringbuf_open,
    .chr_write = ringbuf_chr_write,
    .finalize = ringbuf_finalize,
};

/* "memory": QEMU's deprecated alias of ringbuf. */
static const ChardevClass memory_class = {
    .name = "memory",
    .instance_size = sizeof(RingBufChardev),
    .opt_keys = ringbuf_opt_keys,
    .parse = ringbuf_parse,
    .open = ringbuf_open,
    .chr_write = ringbuf_chr_write,
    .finalize = ringbuf_finalize,
};

void chr_register_ringbuf(void);
void chr_register_ringbuf(void)
{
    qemu_chr_register_class(&ringbuf_class);
    qemu_chr_register_class(&memory_class);
}

static RingBufChardev *ringbuf_lookup(const char *device, Error **errp)
{
    Chardev *chr = qemu_chr_find(device);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", device);
        return NULL;
    }
    if (chr->cls != &ringbuf_class && chr->cls != &memory_class) {
        error_setg(errp, "%s is not a ringbuf device", device);
        return NULL;
    }
    return (RingBufChardev *)chr;
}

static const char base64_valid_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n";

void qmp_ringbuf_write(const char *device, const char *data,
                       bool has_format, DataFormat format, Error **errp)
{
    RingBufChardev *d = ringbuf_lookup(device, errp);
    g_autofree uint8_t *decoded = NULL;
    const uint8_t *bytes = (const uint8_t *)data;
    gsize count = strlen(data);

    if (!d) {
        return;
    }
    if (has_format && format == DATA_FORMAT_BASE64) {
        if (strspn(data, base64_valid_chars) != count) {
            error_setg(errp, "Base64 data contains invalid characters");
            return;
        }
        decoded = g_base64_decode(data, &count);
        bytes = decoded;
    }
    if (count && ringbuf_chr_write(&d->parent, bytes, count) < 0) {
        error_setg(errp, "Failed to write to device %s", device);
        return;
    }
}

char *qmp_ringbuf_read(const char *device, int64_t size, bool has_format,
                       DataFormat format, Error **errp)
{
    RingBufChardev *d = ringbuf_lookup(device, errp);
    uint8_t *buf;
    size_t count;

    if (!d) {
        return NULL;
    }
    if (size <= 0) {
        error_setg(errp, "size must be greater than zero");
        return NULL;
    }
    count = MIN((size_t)size, ringbuf_count(d));
    buf = g_malloc(count + 1);
    count = ringbuf_chr_read(d, buf, count);
    if (has_format && format == DATA_FORMAT_BASE64) {
        char *enc = g_base64_encode(buf, count);
        g_free(buf);
        return enc;
    }
    /* As QEMU: returned as a string (invalid UTF-8 is not repaired). */
    buf[count] = 0;
    return (char *)buf;
}
