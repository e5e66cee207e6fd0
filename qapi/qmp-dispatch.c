/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP request dispatch: validate the request object, find the command,
 * run its marshaller and build the response, with QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "qapi/qmp/dispatch.h"

JsonNode *qmp_args_node_new(JsonObject *args)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    if (args) {
        json_node_set_object(node, args);
    } else {
        json_node_take_object(node, json_object_new());
    }
    return node;
}

JsonNode *qmp_error_response(Error *err)
{
    JsonObject *desc = json_object_new();
    JsonObject *rsp = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_object_set_string_member(desc, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(desc, "desc", error_get_pretty(err));
    json_object_set_object_member(rsp, "error", desc);
    json_node_take_object(node, rsp);
    error_free(err);
    return node;
}

static bool node_is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING;
}

/* Check the request's members; returns the command name or NULL. */
static const char *check_request(JsonObject *req, bool allow_oob,
                                 bool *oob, Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(req);
    const char *exec_key = NULL;
    GList *l;

    for (l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *val = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (allow_oob && !strcmp(key, "exec-oob"))) {
            if (!node_is_string(val)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                return NULL;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'",
                           key, exec_key);
                return NULL;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(val)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return NULL;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return NULL;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    *oob = !strcmp(exec_key, "exec-oob");
    return json_object_get_string_member(req, exec_key);
}

JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       bool allow_oob)
{
    Error *err = NULL;
    JsonObject *req = NULL;
    JsonNode *id = NULL;
    JsonNode *ret = NULL;
    JsonNode *rsp;
    const QmpCommand *cmd;
    const char *name;
    bool oob = false;

    if (!request || !JSON_NODE_HOLDS_OBJECT(request)) {
        error_setg(&err, "QMP input must be a JSON object");
        goto out;
    }
    req = json_node_get_object(request);
    id = json_object_get_member(req, "id");
    name = check_request(req, allow_oob, &oob, &err);
    if (!name) {
        goto out;
    }
    cmd = qmp_find_command(cmds, name);
    if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        goto out;
    }
    if (!cmd->enabled) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Command %s has been disabled%s%s", name,
                  cmd->disable_reason ? ": " : "",
                  cmd->disable_reason ? cmd->disable_reason : "");
        goto out;
    }
    if (oob && !(cmd->options & QCO_ALLOW_OOB)) {
        error_setg(&err, "The command %s does not support OOB", name);
        goto out;
    }
    cmd->fn(json_object_has_member(req, "arguments") ?
            json_object_get_object_member(req, "arguments") : NULL,
            &ret, &err);
    if (err) {
        if (ret) {
            json_node_unref(ret);
            ret = NULL;
        }
        goto out;
    }
    if (!(cmd->options & QCO_NO_SUCCESS_RESP)) {
        JsonObject *obj = json_object_new();

        if (!ret) {
            ret = json_node_new(JSON_NODE_OBJECT);
            json_node_take_object(ret, json_object_new());
        }
        json_object_set_member(obj, "return", ret);
        rsp = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(rsp, obj);
        goto add_id;
    }
    if (ret) {
        json_node_unref(ret);
    }
    return NULL;

out:
    rsp = qmp_error_response(err);
add_id:
    if (id) {
        json_object_set_member(json_node_get_object(rsp), "id",
                               json_node_copy(id));
    }
    return rsp;
}
