/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the QAPI visitors and generated types (test schema). */
#include "qemu/osdep.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/dealloc-visitor.h"
#include "qapi/test-qapi-types-test-schema.h"
#include "qapi/test-qapi-visit-test-schema.h"
#include "qapi/test-qapi-events-test-schema.h"
#include "qapi/test-qapi-emit-events.h"

static JsonNode *parse(const char *json)
{
    g_autoptr(JsonParser) p = json_parser_new();

    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    return json_node_copy(json_parser_get_root(p));
}

static char *to_json(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

/* Visit json as a TestStruct; returns it, or NULL with *msg set. */
static TestStruct *input_struct(const char *json, bool keyval, char **msg)
{
    JsonNode *node = parse(json);
    Visitor *v = keyval ? qobject_input_visitor_new_keyval(node)
                        : qobject_input_visitor_new(node);
    TestStruct *s = NULL;
    Error *err = NULL;

    if (!visit_type_TestStruct(v, NULL, &s, &err)) {
        g_assert_null(s);
        *msg = g_strdup(error_get_pretty(err));
        error_free(err);
    } else {
        g_assert_null(err);
    }
    visit_free(v);
    json_node_unref(node);
    return s;
}

static void assert_input_error(const char *json, const char *expected)
{
    g_autofree char *msg = NULL;
    TestStruct *s = input_struct(json, false, &msg);

    g_assert_null(s);
    g_assert_cmpstr(msg, ==, expected);
}

static void test_input_struct(void)
{
    g_autofree char *msg = NULL;
    g_autoptr(TestStruct) s = input_struct(
        "{\"id\": \"x\", \"tag\": \"value2\", \"count\": -5, \"flag\": false,"
        " \"default\": true, \"names\": [\"a\", \"b\"], \"ints\": [1, 2, 3],"
        " \"inner\": {\"addr\": \"h\", \"port\": 80},"
        " \"inners\": [{\"addr\": \"p\"}], \"enums\": [\"old\"],"
        " \"ratio\": 2, \"size\": 4096, \"extra\": {\"k\": [1]}}",
        false, &msg);

    g_assert_nonnull(s);
    g_assert_cmpstr(s->id, ==, "x");
    g_assert_true(s->has_tag);
    g_assert_cmpint(s->tag, ==, TEST_ENUM_VALUE2);
    g_assert_cmpint(s->count, ==, -5);
    g_assert_true(s->has_flag);
    g_assert_false(s->flag);
    g_assert_false(s->has_small);
    g_assert_null(s->name);
    g_assert_true(s->q_default);
    g_assert_cmpstr(s->names->value, ==, "a");
    g_assert_cmpstr(s->names->next->value, ==, "b");
    g_assert_null(s->names->next->next);
    g_assert_cmpint(s->ints->next->next->value, ==, 3);
    g_assert_cmpstr(s->inner->addr, ==, "h");
    g_assert_true(s->inner->has_port);
    g_assert_cmpint(s->inner->port, ==, 80);
    g_assert_false(s->inners->value->has_port);
    g_assert_cmpint(s->enums->value, ==, TEST_ENUM_OLD);
    g_assert_true(s->has_ratio);
    g_assert_cmpfloat(s->ratio, ==, 2.0);
    g_assert_cmpuint(s->size, ==, 4096);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(s->extra));
    g_assert_true(qapi_TestStruct_base(s) == (TestBase *)s);
}

static void test_input_errors(void)
{
    assert_input_error("{\"id\": \"x\", \"default\": true}",
                       "Parameter 'count' is missing");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"bogus\": 1}",
                       "Parameter 'bogus' is unexpected");
    assert_input_error("{\"id\": \"x\", \"count\": \"1\", \"default\": true}",
                       "Invalid parameter type for 'count', expected: "
                       "integer");
    assert_input_error("{\"id\": 1, \"count\": 1, \"default\": true}",
                       "Invalid parameter type for 'id', expected: string");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": 1}",
                       "Invalid parameter type for 'default', expected: "
                       "boolean");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"inner\": {\"addr\": \"a\", \"port\": 70000}}",
                       "Parameter 'port' expects uint16_t");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"inner\": {\"addr\": 5}}",
                       "Invalid parameter type for 'inner.addr', expected: "
                       "string");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"inner\": {\"port\": 5}}",
                       "Parameter 'inner.addr' is missing");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"inner\": {\"addr\": \"a\", \"x\": 5}}",
                       "Parameter 'inner.x' is unexpected");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"names\": [\"a\", 2]}",
                       "Invalid parameter type for 'names[1]', expected: "
                       "string");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"inners\": [{\"addr\": \"a\"}, {}]}",
                       "Parameter 'inners[1].addr' is missing");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"tag\": \"zzz\"}",
                       "Parameter 'tag' does not accept value 'zzz'");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"small\": 200}",
                       "Parameter 'small' expects int8_t");
    assert_input_error("{\"id\": \"x\", \"count\": 1, \"default\": true,"
                       " \"names\": {}}",
                       "Invalid parameter type for 'names', expected: array");
    assert_input_error("[1]",
                       "Invalid parameter type for '<anonymous>', expected: "
                       "object");
}

static TestHolder *input_holder(const char *json, char **msg)
{
    JsonNode *node = parse(json);
    Visitor *v = qobject_input_visitor_new(node);
    TestHolder *h = NULL;
    Error *err = NULL;

    if (!visit_type_TestHolder(v, NULL, &h, &err)) {
        *msg = g_strdup(error_get_pretty(err));
        error_free(err);
    }
    visit_free(v);
    json_node_unref(node);
    return h;
}

static void test_input_union_alternate(void)
{
    g_autofree char *msg = NULL;
    g_autofree char *msg2 = NULL;
    g_autofree char *msg3 = NULL;
    TestHolder *h;
    TestAltList *l;

    h = input_holder("{\"u\": {\"kind\": \"value-one\", \"common\": 3,"
                     " \"data\": {\"addr\": \"a\"}}, \"alt\": \"s\","
                     " \"alts\": [null, 7, {\"addr\": \"o\"}]}", &msg);
    g_assert_nonnull(h);
    g_assert_cmpint(h->u->kind, ==, TEST_ENUM_VALUE_ONE);
    g_assert_true(h->u->has_common);
    g_assert_cmpint(h->u->common, ==, 3);
    g_assert_cmpstr(h->u->u.value_one.data->addr, ==, "a");
    g_assert_cmpint(h->alt->type, ==, QTYPE_QSTRING);
    g_assert_cmpstr(h->alt->u.s, ==, "s");
    l = h->alts;
    g_assert_cmpint(l->value->type, ==, QTYPE_QNULL);
    g_assert_cmpint(l->next->value->type, ==, QTYPE_QNUM);
    g_assert_cmpint(l->next->value->u.i, ==, 7);
    g_assert_cmpint(l->next->next->value->type, ==, QTYPE_QDICT);
    g_assert_cmpstr(l->next->next->value->u.o.addr, ==, "o");
    qapi_free_TestHolder(h);

    /* a branch without data ('old' has no branch) */
    h = input_holder("{\"u\": {\"kind\": \"old\"}}", &msg);
    g_assert_nonnull(h);
    g_assert_cmpint(h->u->kind, ==, TEST_ENUM_OLD);
    qapi_free_TestHolder(h);

    h = input_holder("{\"u\": {\"kind\": \"value2\", \"data\": "
                     "{\"id\": 1}}}", &msg2);
    g_assert_null(h);
    g_assert_cmpstr(msg2, ==,
                    "Invalid parameter type for 'u.data.id', expected: "
                    "string");

    h = input_holder("{\"u\": {\"kind\": \"old\"}, \"alt\": true}", &msg3);
    g_assert_null(h);
    g_assert_cmpstr(msg3, ==,
                    "Invalid parameter type for 'alt', expected: TestAlt");
}

static void test_output(void)
{
    g_autoptr(TestStruct) s = g_new0(TestStruct, 1);
    JsonNode *out = NULL;
    Visitor *v;
    g_autofree char *text = NULL;
    JsonObject *o;

    s->id = g_strdup("me");
    s->count = 42;
    s->has_flag = true;
    s->flag = true;
    s->q_default = false;
    s->has_tag = true;
    s->tag = TEST_ENUM_VALUE_ONE;
    s->names = g_new0(strList, 1);
    s->names->value = g_strdup("n1");
    s->inner = g_new0(TestInner, 1);
    s->inner->addr = g_strdup("a");

    v = qobject_output_visitor_new(&out);
    g_assert_true(visit_type_TestStruct(v, "unused", &s, &error_abort));
    visit_complete(v, &out);
    visit_free(v);

    o = json_node_get_object(out);
    g_assert_cmpstr(json_object_get_string_member(o, "id"), ==, "me");
    g_assert_cmpint(json_object_get_int_member(o, "count"), ==, 42);
    g_assert_true(json_object_get_boolean_member(o, "flag"));
    g_assert_false(json_object_get_boolean_member(o, "default"));
    g_assert_cmpstr(json_object_get_string_member(o, "tag"), ==,
                    "value-one");
    g_assert_false(json_object_has_member(o, "small"));
    g_assert_false(json_object_has_member(o, "name"));
    g_assert_false(json_object_has_member(o, "inners"));
    text = to_json(json_object_get_member(o, "names"));
    g_assert_cmpstr(text, ==, "[\"n1\"]");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(o, "inner"), "addr"),
                    ==, "a");
    json_node_unref(out);
}

static void test_output_union(void)
{
    TestUnion *u = g_new0(TestUnion, 1);
    JsonNode *out = NULL;
    Visitor *v;
    g_autofree char *text = NULL;

    u->kind = TEST_ENUM_VALUE_ONE;
    u->u.value_one.data = g_new0(TestInner, 1);
    u->u.value_one.data->addr = g_strdup("x");
    u->u.value_one.data->has_port = true;
    u->u.value_one.data->port = 9;
    v = qobject_output_visitor_new(&out);
    visit_type_TestUnion(v, NULL, &u, &error_abort);
    visit_complete(v, &out);
    visit_free(v);
    text = to_json(out);
    g_assert_cmpstr(text, ==,
                    "{\"kind\":\"value-one\",\"data\":{\"addr\":\"x\","
                    "\"port\":9}}");
    json_node_unref(out);
    qapi_free_TestUnion(u);
}

static void test_keyval(void)
{
    g_autofree char *msg = NULL;
    g_autofree char *msg2 = NULL;
    g_autofree char *msg3 = NULL;
    g_autoptr(TestStruct) s = input_struct(
        "{\"id\": \"k\", \"count\": \"0x10\", \"default\": \"on\","
        " \"flag\": \"off\", \"size\": \"2M\", \"ratio\": \"1.5\","
        " \"small\": \"-3\"}", true, &msg);

    g_assert_nonnull(s);
    g_assert_cmpint(s->count, ==, 16);
    g_assert_true(s->q_default);
    g_assert_false(s->flag);
    g_assert_cmpuint(s->size, ==, 2 * 1024 * 1024);
    g_assert_cmpfloat(s->ratio, ==, 1.5);
    g_assert_cmpint(s->small, ==, -3);

    g_assert_null(input_struct("{\"id\": \"k\", \"count\": \"x1\","
                               " \"default\": \"on\"}", true, &msg2));
    g_assert_cmpstr(msg2, ==, "Parameter 'count' expects int");
    g_assert_null(input_struct("{\"id\": \"k\", \"count\": \"1\","
                               " \"default\": \"maybe\"}", true, &msg3));
    g_assert_cmpstr(msg3, ==, "Parameter 'default' expects 'on' or 'off'");
}

static void test_enum_lookup(void)
{
    Error *err = NULL;

    g_assert_cmpstr(TestEnum_str(TEST_ENUM_VALUE_ONE), ==, "value-one");
    g_assert_cmpint(TEST_ENUM__MAX, ==, 3);    /* 'never' is compiled out */
    g_assert_cmpint(TPFX_A_B, ==, 0);
    g_assert_cmpstr(TestPrefixed_str(TPFX_C), ==, "c");
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "value2", -1, NULL),
                    ==, TEST_ENUM_VALUE2);
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "nope", 7, &err),
                    ==, 7);
    g_assert_nonnull(err);
    error_free(err);
    g_assert_nonnull(TestEnum_lookup.special_features);
    g_assert_cmpint(TestEnum_lookup.special_features[TEST_ENUM_OLD], ==,
                    1u << QAPI_DEPRECATED);
    g_assert_cmpstr(QType_str(QTYPE_QDICT), ==, "qdict");
}

static void test_dealloc_partial(void)
{
    /* qapi_free_* tolerates NULL and partially filled objects */
    TestStruct *s = g_new0(TestStruct, 1);

    qapi_free_TestStruct(NULL);
    s->names = g_new0(strList, 1);
    qapi_free_TestStruct(s);
}

/* ---- events ---- */
static int last_event = -1;
static char *last_data;

void test_qapi_event_emit(test_QAPIEvent event, JsonObject *data)
{
    last_event = event;
    g_free(last_data);
    last_data = NULL;
    if (data) {
        JsonNode *n = json_node_new(JSON_NODE_OBJECT);

        json_node_set_object(n, data);
        last_data = json_to_string(n, FALSE);
        json_node_unref(n);
    }
}

static void test_events(void)
{
    qapi_event_send_test_event(true, "because", TEST_ENUM_VALUE2);
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EVENT);
    g_assert_cmpstr(last_data, ==,
                    "{\"guest\":true,\"why\":\"because\","
                    "\"reason\":\"value2\"}");
    qapi_event_send_test_event(false, NULL, TEST_ENUM_OLD);
    g_assert_cmpstr(last_data, ==, "{\"guest\":false,\"reason\":\"old\"}");
    qapi_event_send_test_empty();
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EMPTY);
    g_assert_null(last_data);
    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_TEST_EVENT), ==,
                    "TEST_EVENT");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/visit/input-struct", test_input_struct);
    g_test_add_func("/qapi/visit/input-errors", test_input_errors);
    g_test_add_func("/qapi/visit/input-union-alternate",
                    test_input_union_alternate);
    g_test_add_func("/qapi/visit/output", test_output);
    g_test_add_func("/qapi/visit/output-union", test_output_union);
    g_test_add_func("/qapi/visit/keyval", test_keyval);
    g_test_add_func("/qapi/visit/enum-lookup", test_enum_lookup);
    g_test_add_func("/qapi/visit/dealloc-partial", test_dealloc_partial);
    g_test_add_func("/qapi/visit/events", test_events);
    return g_test_run();
}
