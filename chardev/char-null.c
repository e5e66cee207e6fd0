/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The null chardev: discards output, never produces input. */
#include "qemu/osdep.h"
#include "chardev/char.h"

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static const ChardevClass null_class = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .chr_write = null_chr_write,
};

void chr_register_null(void);
void chr_register_null(void)
{
    qemu_chr_register_class(&null_class);
}
