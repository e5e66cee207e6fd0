/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands of the chardev area (query-chardev, chardev-add, ...). */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qapi/qapi-commands-char.h"
#include "char-internal.h"

typedef struct InfoBuilder {
    ChardevInfoList *head;
    ChardevInfoList **tail;
} InfoBuilder;

static void add_chardev_info(Chardev *chr, void *opaque)
{
    InfoBuilder *b = opaque;
    ChardevInfoList *elem = g_new0(ChardevInfoList, 1);

    elem->value = g_new0(ChardevInfo, 1);
    elem->value->label = g_strdup(chr->label);
    elem->value->filename = g_strdup(chr->filename);
    elem->value->frontend_open = qemu_chr_fe_is_open(chr);
    *b->tail = elem;
    b->tail = &elem->next;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    InfoBuilder b = { .head = NULL, .tail = &b.head };

    qemu_chr_foreach(add_chardev_info, &b);
    return b.head;
}

static void add_backend_info(const ChardevClass *cls, void *opaque)
{
    ChardevBackendInfoList ***tail = opaque;
    ChardevBackendInfoList *elem = g_new0(ChardevBackendInfoList, 1);

    elem->value = g_new0(ChardevBackendInfo, 1);
    elem->value->name = g_strdup(cls->name);
    **tail = elem;
    *tail = &elem->next;
}

ChardevBackendInfoList *qmp_query_chardev_backends(Error **errp)
{
    ChardevBackendInfoList *head = NULL;
    ChardevBackendInfoList **tail = &head;

    qemu_chr_foreach_class(add_backend_info, &tail);
    return head;
}

static ChardevReturn *chardev_return(Chardev *chr)
{
    ChardevReturn *ret = g_new0(ChardevReturn, 1);

    if (!strcmp(chr->cls->name, "pty") &&
        g_str_has_prefix(chr->filename, "pty:")) {
        ret->pty = g_strdup(chr->filename + 4);
    }
    return ret;
}

ChardevReturn *qmp_chardev_add(const char *id, ChardevBackend *backend,
                               Error **errp)
{
    Error *local_err = NULL;
    Chardev *chr;

    if (qemu_chr_find(id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        return NULL;
    }
    chr = qemu_chardev_new(id, backend, &local_err);
    if (!chr) {
        error_propagate_prepend(errp, local_err,
                                "Failed to add chardev '%s': ", id);
        return NULL;
    }
    return chardev_return(chr);
}

ChardevReturn *qmp_chardev_change(const char *id, ChardevBackend *backend,
                                  Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' does not exist", id);
        return NULL;
    }
    if (chr->be) {
        /* No Ferry frontend can switch backends under its feet yet. */
        error_setg(errp, "Chardev user does not support chardev hotswap");
        return NULL;
    }
    if (!qemu_chr_delete(id, errp)) {
        return NULL;
    }
    return qmp_chardev_add(id, backend, errp);
}

void qmp_chardev_remove(const char *id, Error **errp)
{
    qemu_chr_delete(id, errp);
}

void qmp_chardev_send_break(const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return;
    }
    qemu_chr_be_event(chr, CHR_EVENT_BREAK);
}
