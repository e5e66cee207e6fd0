/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP server: greeting, capabilities negotiation, request framing,
 * dispatch, responses and events.  See QEMU's docs/interop/qmp-spec.rst.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "monitor/qmp-commands-table.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qmp/json-writer.h"
#include "qapi/qmp-event.h"
#include "qapi/qapi-emit-events.h"

static JsonNode *qmp_greeting(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "QMP");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "version");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "qemu");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "micro");
    json_builder_add_int_value(b, FERRY_VERSION_MICRO);
    json_builder_set_member_name(b, "minor");
    json_builder_add_int_value(b, FERRY_VERSION_MINOR);
    json_builder_set_member_name(b, "major");
    json_builder_add_int_value(b, FERRY_VERSION_MAJOR);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "package");
    json_builder_add_string_value(b, FERRY_PACKAGE);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "capabilities");
    json_builder_begin_array(b);
    json_builder_add_string_value(b, "oob");
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

void qmp_send_response(Monitor *mon, JsonNode *rsp)
{
    g_autoptr(GString) text = g_string_new(NULL);

    qmp_json_write(text, rsp, mon->pretty);
    g_string_append(text, "\r\n");
    monitor_write(mon, text->str, text->len);
}

/* The request's "id", copied into a response that dispatch could not make. */
static JsonNode *error_response(Error *err, JsonNode *req)
{
    JsonNode *rsp = qmp_error_response(err);

    if (req && JSON_NODE_HOLDS_OBJECT(req)) {
        JsonObject *o = json_node_get_object(req);
        JsonNode *id = json_object_get_member(o, "id");

        if (id) {
            json_object_set_member(json_node_get_object(rsp), "id",
                                   json_node_copy(id));
        }
    }
    return rsp;
}

static void qmp_handle_request(Monitor *mon, JsonNode *req)
{
    JsonNode *rsp;
    Monitor *old;

    old = monitor_set_cur(mon);
    rsp = qmp_dispatch(mon->negotiated ? qmp_commands() : qmp_cap_negotiation_commands(),
                       req, mon->oob_enabled);
    monitor_set_cur(old);

    if (!mon->negotiated && rsp && JSON_NODE_HOLDS_OBJECT(rsp)) {
        /* Dispatch in negotiation mode answers CommandNotFound with the
         * generic text; QEMU's text explains what is expected. */
        JsonObject *o = json_node_get_object(rsp);
        JsonObject *e = json_object_get_object_member(o, "error");

        if (e && !g_strcmp0(json_object_get_string_member_with_default(
                                e, "class", ""), "CommandNotFound")) {
            json_object_set_string_member(
                e, "desc",
                "Expecting capabilities negotiation with 'qmp_capabilities'");
        }
    }
    if (rsp) {
        qmp_send_response(mon, rsp);
        json_node_unref(rsp);
    }
}

static void qmp_handle_text(void *opaque, const char *json, size_t len,
                            Error *err)
{
    Monitor *mon = opaque;
    g_autoptr(JsonParser) parser = NULL;
    GError *gerr = NULL;
    JsonNode *req;

    if (err) {
        JsonNode *rsp = error_response(err, NULL);
        qmp_send_response(mon, rsp);
        json_node_unref(rsp);
        return;
    }
    parser = json_parser_new_immutable();
    if (!json_parser_load_from_data(parser, json, len, &gerr)) {
        Error *perr = NULL;
        JsonNode *rsp;

        error_setg(&perr, "JSON parse error, %s", gerr->message);
        g_error_free(gerr);
        rsp = error_response(perr, NULL);
        qmp_send_response(mon, rsp);
        json_node_unref(rsp);
        return;
    }
    req = json_parser_get_root(parser);
    if (!req) {
        return;    /* only whitespace */
    }
    qmp_handle_request(mon, req);
}

static int qmp_can_read(void *opaque)
{
    return 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    json_streamer_feed(mon->parser, (const char *)buf, size);
    /* fds that arrived with bytes no command claimed are closed, never
     * leaked; keep them while a command is still half-received. */
    if (json_streamer_is_idle(mon->parser)) {
        monitor_close_unclaimed_fds(mon);
    }
}

static void qmp_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;
    JsonNode *greeting;

    switch (event) {
    case CHR_EVENT_OPENED:
        mon->negotiated = false;
        mon->oob_enabled = false;
        mon->connected = true;
        greeting = qmp_greeting();
        qmp_send_response(mon, greeting);
        json_node_unref(greeting);
        break;
    case CHR_EVENT_RESUMED:
        /* kept across cpr-exec: the session goes on, no new greeting */
        mon->connected = true;
        monitor_cpr_resume_qmp(mon);
        break;
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        mon->negotiated = false;
        mon->oob_enabled = false;
        json_streamer_free(mon->parser);
        mon->parser = json_streamer_new(qmp_handle_text, mon);
        monitor_fdsets_cleanup();
        break;
    default:
        break;
    }
}

void monitor_init_qmp(Monitor *mon)
{
    mon->parser = json_streamer_new(qmp_handle_text, mon);
    qemu_chr_fe_set_handlers(&mon->chr, qmp_can_read, qmp_read, qmp_event,
                             mon);
}

void qmp_monitor_destroy(Monitor *mon)
{
    json_streamer_free(mon->parser);
    mon->parser = NULL;
}

/* Called by qmp_capabilities through the negotiation command table. */
bool qmp_monitor_negotiate(Monitor *mon, bool enable_oob, Error **errp)
{
    if (!mon || !mon->is_qmp) {
        error_setg(errp, "qmp_capabilities is only valid on a QMP monitor");
        return false;
    }
    if (mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return false;
    }
    mon->oob_enabled = enable_oob;
    mon->negotiated = true;
    return true;
}

void qapi_event_emit(QAPIEvent event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *ev = json_object_new();
    JsonObject *ts = json_object_new();
    JsonNode *node;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", QAPIEvent_str(event));
    if (data) {
        json_object_set_object_member(ev, "data", json_object_ref(data));
    }
    node = json_node_init_object(json_node_alloc(), ev);
    json_object_unref(ev);

    for (GList *l = mon_list; l; l = l->next) {
        Monitor *mon = l->data;

        if (mon->is_qmp && mon->negotiated && mon->connected) {
            qmp_send_response(mon, node);
        }
    }
    json_node_unref(node);
}
