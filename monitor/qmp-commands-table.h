/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QMP command tables: every command, and the negotiation-mode one. */
#ifndef MONITOR_QMP_COMMANDS_TABLE_H
#define MONITOR_QMP_COMMANDS_TABLE_H

#include "qapi/qmp/dispatch.h"
#include "monitor/monitor.h"

const QmpCommandList *qmp_commands(void);
const QmpCommandList *qmp_cap_negotiation_commands(void);
bool qmp_monitor_negotiate(Monitor *mon, bool enable_oob, Error **errp);

#endif
