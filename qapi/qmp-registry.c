/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QMP command table: registration, lookup, enable/disable. */
#include "qemu/osdep.h"
#include "qapi/qmp/dispatch.h"

struct QmpCommandList {
    GPtrArray *cmds;         /* QmpCommand *, in registration order */
    GHashTable *by_name;     /* name -> QmpCommand * (borrowed) */
};

static void qmp_command_free(gpointer p)
{
    QmpCommand *cmd = p;

    g_free((char *)cmd->name);
    g_free(cmd->disable_reason);
    g_free(cmd);
}

QmpCommandList *qmp_command_list_new(void)
{
    QmpCommandList *cmds = g_new0(QmpCommandList, 1);

    cmds->cmds = g_ptr_array_new_with_free_func(qmp_command_free);
    cmds->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    return cmds;
}

void qmp_command_list_free(QmpCommandList *cmds)
{
    if (!cmds) {
        return;
    }
    g_hash_table_destroy(cmds->by_name);
    g_ptr_array_free(cmds->cmds, TRUE);
    g_free(cmds);
}

void qmp_unregister_command(QmpCommandList *cmds, const char *name)
{
    QmpCommand *cmd = g_hash_table_lookup(cmds->by_name, name);

    if (cmd) {
        g_hash_table_remove(cmds->by_name, name);
        g_ptr_array_remove(cmds->cmds, cmd);
    }
}

void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, unsigned options,
                          unsigned special_features)
{
    QmpCommand *cmd = g_new0(QmpCommand, 1);

    /* QCO_NO_SUCCESS_RESP and QCO_ALLOW_OOB don't go together */
    g_assert(!((options & QCO_NO_SUCCESS_RESP) &&
               (options & QCO_ALLOW_OOB)));
    qmp_unregister_command(cmds, name);
    cmd->name = g_strdup(name);
    cmd->fn = fn;
    cmd->options = options;
    cmd->special_features = special_features;
    cmd->enabled = true;
    g_ptr_array_add(cmds->cmds, cmd);
    g_hash_table_insert(cmds->by_name, (char *)cmd->name, cmd);
}

const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name)
{
    return g_hash_table_lookup(cmds->by_name, name);
}

static void set_enabled(QmpCommandList *cmds, const char *name, bool on,
                        const char *reason)
{
    QmpCommand *cmd = g_hash_table_lookup(cmds->by_name, name);

    if (cmd) {
        cmd->enabled = on;
        g_free(cmd->disable_reason);
        cmd->disable_reason = g_strdup(reason);
    }
}

void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason)
{
    set_enabled(cmds, name, false, reason);
}

void qmp_enable_command(QmpCommandList *cmds, const char *name)
{
    set_enabled(cmds, name, true, NULL);
}

void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque),
                          void *opaque)
{
    guint i;

    for (i = 0; i < cmds->cmds->len; i++) {
        fn(g_ptr_array_index(cmds->cmds, i), opaque);
    }
}

const char *qmp_command_name(const QmpCommand *cmd)
{
    return cmd->name;
}

bool qmp_command_is_enabled(const QmpCommand *cmd)
{
    return cmd->enabled;
}

bool qmp_has_success_response(const QmpCommand *cmd)
{
    return !(cmd->options & QCO_NO_SUCCESS_RESP);
}
