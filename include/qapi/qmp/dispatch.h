/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP command table and dispatcher, after QEMU's qapi/qmp/dispatch.h.
 *
 * The generated qmp_init_marshal() registers every schema command; the
 * monitor calls qmp_dispatch() for each request it reads.
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include <stdbool.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

/* args may be NULL (no arguments); on success *ret is the reply value. */
typedef void QmpCommandFunc(JsonObject *args, JsonNode **ret, Error **errp);

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
    QCO_NO_SUCCESS_RESP = 1 << 0,
    QCO_ALLOW_OOB = 1 << 1,
    QCO_ALLOW_PRECONFIG = 1 << 2,
} QmpCommandOptions;

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
    unsigned options;            /* QmpCommandOptions */
    unsigned special_features;   /* 1u << QAPI_DEPRECATED etc. */
    bool enabled;
    char *disable_reason;
} QmpCommand;

typedef struct QmpCommandList QmpCommandList;

QmpCommandList *qmp_command_list_new(void);
void qmp_command_list_free(QmpCommandList *cmds);
/* Registering a name twice replaces the earlier entry. */
void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, unsigned options,
                          unsigned special_features);
void qmp_unregister_command(QmpCommandList *cmds, const char *name);
const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name);
/* Disabled commands fail with CommandNotFound "Command X has been
 * disabled[: reason]". */
void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason);
void qmp_enable_command(QmpCommandList *cmds, const char *name);
/* In registration order. */
void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque),
                          void *opaque);
const char *qmp_command_name(const QmpCommand *cmd);
bool qmp_command_is_enabled(const QmpCommand *cmd);
bool qmp_has_success_response(const QmpCommand *cmd);

/*
 * Run one request (the parsed JSON value) and return the response object
 * node (caller owns it): {"return": ..., "id": ...} or {"error": {"class",
 * "desc"}, "id": ...}.  NULL when the command has QCO_NO_SUCCESS_RESP and
 * succeeded.  allow_oob: accept "exec-oob" (the monitor negotiated oob).
 */
JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       bool allow_oob);
/* {"error": {"class": ..., "desc": ...}}; consumes err. */
JsonNode *qmp_error_response(Error *err);

/* For generated marshallers: an object node for args (NULL = {}). */
JsonNode *qmp_args_node_new(JsonObject *args);

#endif
