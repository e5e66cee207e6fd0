/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stdio chardev: stdin/stdout, raw terminal mode while in use. */
#include "qemu/osdep.h"
#include <termios.h>
#include "chardev/char.h"
#include "qemu/sockets.h"
#include "migration/cpr.h"
#include "char-internal.h"
#include "system/system.h"

typedef struct StdioChardev {
    FDChardev fd;
} StdioChardev;

static bool stdio_in_use;
static bool stdio_termios_saved;
static struct termios stdio_saved_tty;

static void stdio_restore_termios(void)
{
    if (stdio_termios_saved) {
        tcsetattr(0, TCSANOW, &stdio_saved_tty);
    }
}

/* No echo, no line editing; ^C stays a signal only if signal=on. */
static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    if (!isatty(0) || tcgetattr(0, &tty) < 0) {
        return;
    }
    if (!stdio_termios_saved) {
        stdio_saved_tty = tty;
        stdio_termios_saved = true;
        atexit(stdio_restore_termios);
    }
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tty);
}

static const char *const stdio_opt_keys[] = { "signal", NULL };

static void stdio_parse(QemuOpts *opts, ChardevBackend *backend,
                        Error **errp)
{
    ChardevStdio *stdio;
    bool sig;

    if (!chr_opt_bool(opts, "signal", true, &sig, errp)) {
        return;
    }
    backend->type = CHARDEV_BACKEND_KIND_STDIO;
    stdio = backend->u.stdio.data = g_new0(ChardevStdio, 1);
    qemu_chr_parse_common(opts, (ChardevCommon *)stdio);
    stdio->has_signal = true;
    stdio->signal = sig;
}

static bool stdio_open(Chardev *chr, ChardevBackend *backend,
                       bool *be_opened, Error **errp)
{
    ChardevStdio *opts = backend->u.stdio.data;
    int fd_in, fd_out;

    if (is_daemonized()) {
        /* A daemon's stdio is /dev/null. */
        error_setg(errp, "cannot use stdio with -daemonize");
        return false;
    }
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    /* Own copies, so closing the chardev leaves fds 0 and 1 alone. */
    fd_in = fcntl(0, F_DUPFD_CLOEXEC, 3);
    fd_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (fd_in < 0 || fd_out < 0) {
        error_setg_errno(errp, errno, "Cannot duplicate stdin/stdout");
        if (fd_in >= 0) {
            close(fd_in);
        }
        if (fd_out >= 0) {
            close(fd_out);
        }
        return false;
    }
    stdio_in_use = true;
    qemu_set_nonblock(fd_in);
    stdio_set_raw(opts->has_signal ? opts->signal : true);
    chr_fd_init((FDChardev *)chr, fd_in, fd_out);
    if (cpr_get_incoming_mode() == MIG_MODE_CPR_EXEC) {
        /* the same stdin and stdout across the exec: the session goes on */
        *be_opened = false;
        qemu_chr_be_event(chr, CHR_EVENT_RESUMED);
    }
    return true;
}

static void stdio_finalize(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    if (s->fd_in >= 0) {
        qemu_set_block(s->fd_in);   /* O_NONBLOCK is shared with fd 0 */
    }
    chr_fd_finalize(chr);
    stdio_restore_termios();
    stdio_in_use = false;
}

static const ChardevClass stdio_class = {
    .name = "stdio",
    .instance_size = sizeof(StdioChardev),
    .opt_keys = stdio_opt_keys,
    .parse = stdio_parse,
    .open = stdio_open,
    .chr_write = chr_fd_write,
    .update_read_handler = chr_fd_update_read_handler,
    .finalize = stdio_finalize,
};

void chr_register_stdio(void);
void chr_register_stdio(void)
{
    qemu_chr_register_class(&stdio_class);
}
