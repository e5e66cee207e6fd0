/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for query-qmp-schema over Ferry's real schema. */
#include "qemu/osdep.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qapi-commands-introspect.h"

static JsonArray *schema;
static GHashTable *by_name;   /* name -> JsonObject */

static JsonObject *entity(const char *name)
{
    JsonObject *o = g_hash_table_lookup(by_name, name);

    g_assert_nonnull(o);
    return o;
}

static const char *str(JsonObject *o, const char *key)
{
    return json_object_get_string_member(o, key);
}

/* The member named name of an object type entry (NULL if none). */
static JsonObject *member(JsonObject *type, const char *name)
{
    JsonArray *m = json_object_get_array_member(type, "members");
    guint i;

    for (i = 0; i < json_array_get_length(m); i++) {
        JsonObject *o = json_array_get_object_element(m, i);

        if (!strcmp(str(o, "name"), name)) {
            return o;
        }
    }
    return NULL;
}

static void test_shape(void)
{
    guint i;

    g_assert_cmpuint(json_array_get_length(schema), >, 50);
    for (i = 0; i < json_array_get_length(schema); i++) {
        JsonObject *o = json_array_get_object_element(schema, i);
        const char *name = str(o, "name");
        const char *meta = str(o, "meta-type");

        g_assert_nonnull(name);
        g_assert_nonnull(meta);
        if (!strcmp(meta, "enum") || !strcmp(meta, "object") ||
            !strcmp(meta, "alternate")) {
            /* masked type names */
            g_assert_true(g_ascii_isdigit(name[0]));
        } else if (!strcmp(meta, "array")) {
            g_assert_true(name[0] == '[');
        } else if (!strcmp(meta, "builtin")) {
            /* all integer types show up as "int" */
            g_assert_true(strcmp(name, "int8") && strcmp(name, "uint16") &&
                          strcmp(name, "size"));
        }
    }
}

static void test_commands(void)
{
    JsonObject *cmd = entity("chardev-add");
    JsonObject *args = entity(str(cmd, "arg-type"));
    JsonObject *backend, *tag_type, *sock;
    JsonArray *variants;
    guint i;
    bool saw_socket = false;

    g_assert_cmpstr(str(cmd, "meta-type"), ==, "command");
    g_assert_false(json_object_has_member(cmd, "allow-oob"));
    g_assert_cmpstr(str(member(args, "id"), "type"), ==, "str");
    g_assert_false(json_object_has_member(member(args, "id"), "default"));
    backend = entity(str(member(args, "backend"), "type"));
    g_assert_cmpstr(str(backend, "tag"), ==, "type");
    tag_type = entity(str(member(backend, "type"), "type"));
    g_assert_cmpstr(str(tag_type, "meta-type"), ==, "enum");
    variants = json_object_get_array_member(backend, "variants");
    for (i = 0; i < json_array_get_length(variants); i++) {
        JsonObject *v = json_array_get_object_element(variants, i);

        if (!strcmp(str(v, "case"), "socket")) {
            JsonObject *wrapper = entity(str(v, "type"));

            sock = entity(str(member(wrapper, "data"), "type"));
            g_assert_nonnull(member(sock, "reconnect-ms"));
            g_assert_nonnull(member(sock, "tls-creds"));
            /* optional members carry "default": null */
            g_assert_true(json_object_has_member(member(sock, "server"),
                                                 "default"));
            g_assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(
                member(sock, "server"), "default")));
            g_assert_cmpstr(str(member(sock, "server"), "type"), ==, "bool");
            saw_socket = true;
        }
    }
    g_assert_true(saw_socket);

    /* a command without arguments points at the empty object */
    cmd = entity("query-status");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
        entity(str(cmd, "arg-type")), "members")), ==, 0);
    /* list returns are arrays of masked names */
    g_assert_true(str(entity("query-chardev"), "ret-type")[0] == '[');
    g_assert_cmpstr(str(entity("ringbuf-read"), "ret-type"), ==, "str");
    g_assert_cmpstr(str(entity("str"), "json-type"), ==, "string");
    g_assert_cmpstr(str(entity("int"), "json-type"), ==, "int");
}

static void test_events(void)
{
    JsonObject *ev = entity("SHUTDOWN");
    JsonObject *args = entity(str(ev, "arg-type"));
    JsonObject *reason;
    g_autofree char *values = NULL;

    g_assert_cmpstr(str(ev, "meta-type"), ==, "event");
    g_assert_cmpstr(str(member(args, "guest"), "type"), ==, "bool");
    reason = entity(str(member(args, "reason"), "type"));
    values = json_to_string(json_object_get_member(reason, "values"), FALSE);
    g_assert_nonnull(strstr(values, "\"host-qmp-quit\""));
}

static void test_marshal(void)
{
    JsonNode *ret = NULL;
    Error *err = NULL;

    qmp_marshal_query_qmp_schema(NULL, &ret, &err);
    g_assert_null(err);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), ==,
                     json_array_get_length(schema));
    json_node_unref(ret);
}

int main(int argc, char **argv)
{
    g_autoptr(JsonParser) p = json_parser_new();
    guint i;

    g_test_init(&argc, &argv, NULL);
    g_assert_true(json_parser_load_from_data(p, qmp_schema_json, -1, NULL));
    schema = json_node_get_array(json_parser_get_root(p));
    by_name = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < json_array_get_length(schema); i++) {
        JsonObject *o = json_array_get_object_element(schema, i);

        g_hash_table_insert(by_name,
                            (char *)json_object_get_string_member(o, "name"),
                            o);
    }
    g_test_add_func("/qapi/introspect/shape", test_shape);
    g_test_add_func("/qapi/introspect/commands", test_commands);
    g_test_add_func("/qapi/introspect/events", test_events);
    g_test_add_func("/qapi/introspect/marshal", test_marshal);
    return g_test_run();
}
