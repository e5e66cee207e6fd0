/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the socket chardev: option parsing and validation, kept apart
 * from the connection state machine in char-socket.c.
 */
#ifndef CHARDEV_CHAR_SOCKET_H
#define CHARDEV_CHAR_SOCKET_H

#include "chardev/char.h"

/* -chardev socket,... to a ChardevSocket (CLI defaults: server=off, wait=on). */
void socket_parse(QemuOpts *opts, ChardevBackend *backend, Error **errp);
/* QEMU's cross-option checks, then refuse what Ferry does not implement. */
bool socket_validate(ChardevSocket *sock, bool is_listen, Error **errp);

#endif
