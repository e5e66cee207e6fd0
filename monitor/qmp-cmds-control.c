/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP protocol-level commands: qmp_capabilities, query-version, query-commands. */
#include "qemu/osdep.h"
#include "monitor/qmp-commands-table.h"
#include "qapi/qapi-commands-control.h"
#include "qapi/qapi-init-commands.h"

static QmpCommandList *all_commands;
static QmpCommandList *negotiation_commands;

static void init_tables(void)
{
    const QmpCommand *cap;

    if (all_commands) {
        return;
    }
    all_commands = qmp_command_list_new();
    qmp_init_marshal(all_commands);
    /* In negotiation mode only qmp_capabilities exists. */
    negotiation_commands = qmp_command_list_new();
    cap = qmp_find_command(all_commands, "qmp_capabilities");
    g_assert(cap);
    qmp_register_command(negotiation_commands, "qmp_capabilities",
                         qmp_marshal_qmp_capabilities, QCO_ALLOW_PRECONFIG, 0);
}

const QmpCommandList *qmp_commands(void)
{
    init_tables();
    return all_commands;
}

const QmpCommandList *qmp_cap_negotiation_commands(void)
{
    init_tables();
    return negotiation_commands;
}

void qmp_qmp_capabilities(QMPCapabilityList *enable, Error **errp)
{
    bool oob = false;

    for (QMPCapabilityList *l = enable; l; l = l->next) {
        if (l->value == QMP_CAPABILITY_OOB) {
            oob = true;
        }
    }
    qmp_monitor_negotiate(monitor_cur(), oob, errp);
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = FERRY_VERSION_MAJOR;
    info->qemu->minor = FERRY_VERSION_MINOR;
    info->qemu->micro = FERRY_VERSION_MICRO;
    info->package = g_strdup(FERRY_PACKAGE);
    return info;
}

static void add_command_info(const QmpCommand *cmd, void *opaque)
{
    CommandInfoList **list = opaque;
    CommandInfo *info;

    if (!qmp_command_is_enabled(cmd)) {
        return;
    }
    info = g_new0(CommandInfo, 1);
    info->name = g_strdup(qmp_command_name(cmd));
    QAPI_LIST_PREPEND(*list, info);
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *list = NULL;

    qmp_for_each_command(qmp_commands(), add_command_info, &list);
    return list;
}
