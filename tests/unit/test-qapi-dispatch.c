/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for QMP dispatch, the command table and generated marshallers. */
#include "qemu/osdep.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/test-qapi-commands.h"
#include "qapi/test-qapi-init-commands.h"
#include "qapi/test-qapi-introspect.h"
#include "qapi/test-qapi-emit-events.h"

/* ---- the commands the test schema declares ---- */
static int noargs_calls;

void qmp_test_noargs(Error **errp)
{
    noargs_calls++;
}

TestInner *qmp_test_args(int64_t a, const char *b, bool has_c, bool c,
                         bool has_e, TestEnum e, intList *l, Error **errp)
{
    TestInner *ret;
    int64_t sum = a;

    if (a < 0) {
        error_setg(errp, "Parameter 'a' must not be negative");
        return NULL;
    }
    for (; l; l = l->next) {
        sum += l->value;
    }
    ret = g_new0(TestInner, 1);
    ret->addr = g_strdup_printf("%s/%s/%s", b ? b : "-",
                                has_c ? (c ? "yes" : "no") : "-",
                                has_e ? TestEnum_str(e) : "-");
    ret->has_port = true;
    ret->port = sum;
    return ret;
}

TestInnerList *qmp_test_list_ret(Error **errp)
{
    TestInnerList *l = g_new0(TestInnerList, 1);

    l->value = g_new0(TestInner, 1);
    l->value->addr = g_strdup("only");
    return l;
}

char *qmp_test_str_ret(const char *s, Error **errp)
{
    return g_strdup_printf("<%s>", s);
}

static char *boxed_seen;

void qmp_test_boxed(TestUnion *arg, Error **errp)
{
    g_free(boxed_seen);
    boxed_seen = g_strdup_printf("%s:%s", TestEnum_str(arg->kind),
                                 arg->kind == TEST_ENUM_VALUE_ONE ?
                                 arg->u.value_one.data->addr : "");
}

void qmp_test_oob(Error **errp)
{
}

void qmp_test_no_resp(Error **errp)
{
}

void qmp_test_deprecated(Error **errp)
{
}

void qmp_test_cond(Error **errp)
{
}

void qmp_marshal_test_unimpl(JsonObject *args, JsonNode **ret, Error **errp)
{
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "hand-written");
}

void test_qapi_event_emit(test_QAPIEvent event, JsonObject *data)
{
}

/* ---- helpers ---- */
static QmpCommandList *cmds;

static JsonNode *parse(const char *json)
{
    g_autoptr(JsonParser) p = json_parser_new();

    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    return json_node_copy(json_parser_get_root(p));
}

/* Dispatch request text; returns the response as compact JSON text. */
static char *dispatch(const char *json, bool allow_oob)
{
    JsonNode *req = parse(json);
    JsonNode *rsp = qmp_dispatch(cmds, req, allow_oob);
    char *text = rsp ? json_to_string(rsp, FALSE) : g_strdup("(none)");

    if (rsp) {
        json_node_unref(rsp);
    }
    json_node_unref(req);
    return text;
}

static void check(const char *req, const char *expected)
{
    g_autofree char *rsp = dispatch(req, false);

    g_assert_cmpstr(rsp, ==, expected);
}

#define GENERIC(msg) "{\"error\":{\"class\":\"GenericError\",\"desc\":\"" \
    msg "\"}}"

static void test_protocol_errors(void)
{
    check("[1]", GENERIC("QMP input must be a JSON object"));
    check("{}", GENERIC("QMP input lacks member 'execute'"));
    check("{\"execute\": 1}",
          GENERIC("QMP input member 'execute' must be a string"));
    check("{\"execute\": \"test-noargs\", \"arguments\": []}",
          GENERIC("QMP input member 'arguments' must be an object"));
    check("{\"execute\": \"test-noargs\", \"foo\": 1}",
          GENERIC("QMP input member 'foo' is unexpected"));
    check("{\"exec-oob\": \"test-oob\"}",
          GENERIC("QMP input member 'exec-oob' is unexpected"));
    check("{\"execute\": \"nope\", \"id\": 5}",
          "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":"
          "\"The command nope has not been found\"},\"id\":5}");
    check("{\"execute\": \"test-never\"}",
          "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":"
          "\"The command test-never has not been found\"}}");
}

static void test_oob(void)
{
    g_autofree char *a = dispatch("{\"exec-oob\": \"test-noargs\"}", true);
    g_autofree char *b = dispatch("{\"exec-oob\": \"test-oob\"}", true);
    g_autofree char *c = dispatch("{\"exec-oob\": \"test-oob\","
                                  " \"execute\": \"test-oob\"}", true);

    g_assert_cmpstr(a, ==,
                    GENERIC("The command test-noargs does not support OOB"));
    g_assert_cmpstr(b, ==, "{\"return\":{}}");
    g_assert_cmpstr(c, ==, GENERIC("QMP input member 'execute' clashes "
                                   "with 'exec-oob'"));
}

static void test_success(void)
{
    noargs_calls = 0;
    check("{\"execute\": \"test-noargs\"}", "{\"return\":{}}");
    check("{\"execute\": \"test-noargs\", \"arguments\": {},"
          " \"id\": {\"a\": [1, \"x\"]}}",
          "{\"return\":{},\"id\":{\"a\":[1,\"x\"]}}");
    g_assert_cmpint(noargs_calls, ==, 2);
    check("{\"execute\": \"test-args\", \"arguments\": {\"a\": 1,"
          " \"b\": \"B\", \"e\": \"value2\", \"l\": [2, 3]}, \"id\": \"i\"}",
          "{\"return\":{\"addr\":\"B/-/value2\",\"port\":6},\"id\":\"i\"}");
    check("{\"execute\": \"test-args\", \"arguments\": {\"a\": 0,"
          " \"c\": false}}",
          "{\"return\":{\"addr\":\"-/no/-\",\"port\":0}}");
    check("{\"execute\": \"test-list-ret\"}",
          "{\"return\":[{\"addr\":\"only\"}]}");
    check("{\"execute\": \"test-str-ret\", \"arguments\": {\"s\": \"q\"}}",
          "{\"return\":\"<q>\"}");
    check("{\"execute\": \"test-boxed\", \"arguments\": {\"kind\":"
          " \"value-one\", \"data\": {\"addr\": \"bx\"}}}",
          "{\"return\":{}}");
    g_assert_cmpstr(boxed_seen, ==, "value-one:bx");
    check("{\"execute\": \"test-cond\"}", "{\"return\":{}}");
    check("{\"execute\": \"test-no-resp\"}", "(none)");
}

static void test_argument_errors(void)
{
    check("{\"execute\": \"test-noargs\", \"arguments\": {\"x\": 1}}",
          GENERIC("Parameter 'x' is unexpected"));
    check("{\"execute\": \"test-args\", \"arguments\": {}, \"id\": 1}",
          "{\"error\":{\"class\":\"GenericError\",\"desc\":"
          "\"Parameter 'a' is missing\"},\"id\":1}");
    check("{\"execute\": \"test-args\", \"arguments\": {\"a\": true}}",
          GENERIC("Invalid parameter type for 'a', expected: integer"));
    check("{\"execute\": \"test-args\", \"arguments\": {\"a\": 1,"
          " \"l\": [1, \"2\"]}}",
          GENERIC("Invalid parameter type for 'l[1]', expected: integer"));
    check("{\"execute\": \"test-args\", \"arguments\": {\"a\": -1}}",
          GENERIC("Parameter 'a' must not be negative"));
    check("{\"execute\": \"test-boxed\", \"arguments\": {\"kind\": \"x\"}}",
          GENERIC("Parameter 'kind' does not accept value 'x'"));
    check("{\"execute\": \"test-unimpl\"}",
          "{\"error\":{\"class\":\"DeviceNotFound\",\"desc\":"
          "\"hand-written\"}}");
}

static void count_cb(const QmpCommand *cmd, void *opaque)
{
    GString *s = opaque;

    g_string_append_printf(s, "%s%s", s->len ? "," : "",
                           qmp_command_name(cmd));
}

static void test_registry(void)
{
    g_autoptr(GString) names = g_string_new("");
    const QmpCommand *cmd;

    qmp_for_each_command(cmds, count_cb, names);
    g_assert_cmpstr(names->str, ==,
                    "test-noargs,test-args,test-list-ret,test-str-ret,"
                    "test-boxed,test-oob,test-no-resp,test-deprecated,"
                    "test-unimpl,test-cond");
    cmd = qmp_find_command(cmds, "test-oob");
    g_assert_nonnull(cmd);
    g_assert_true(cmd->options & QCO_ALLOW_OOB);
    g_assert_true(qmp_command_is_enabled(cmd));
    cmd = qmp_find_command(cmds, "test-no-resp");
    g_assert_false(qmp_has_success_response(cmd));
    cmd = qmp_find_command(cmds, "test-deprecated");
    g_assert_cmpuint(cmd->special_features, ==, 1u << QAPI_DEPRECATED);
    g_assert_null(qmp_find_command(cmds, "test-never"));

    qmp_disable_command(cmds, "test-noargs", "not now");
    check("{\"execute\": \"test-noargs\"}",
          "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":"
          "\"Command test-noargs has been disabled: not now\"}}");
    qmp_enable_command(cmds, "test-noargs");
    check("{\"execute\": \"test-noargs\"}", "{\"return\":{}}");
}

static void test_error_response(void)
{
    Error *err = NULL;
    JsonNode *rsp;
    g_autofree char *text = NULL;

    error_set(&err, ERROR_CLASS_KVM_MISSING_CAP, "no %s", "kvm");
    rsp = qmp_error_response(err);
    text = json_to_string(rsp, FALSE);
    g_assert_cmpstr(text, ==, "{\"error\":{\"class\":\"KVMMissingCap\","
                    "\"desc\":\"no kvm\"}}");
    json_node_unref(rsp);
}

/* Introspection of the test schema: conditions and masking. */
static void test_introspect_test_schema(void)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonArray *arr;
    bool saw_oob = false, saw_cond = false, saw_unimpl = false;
    guint i;

    g_assert_true(json_parser_load_from_data(p, test_qmp_schema_json, -1,
                                             NULL));
    arr = json_node_get_array(json_parser_get_root(p));
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);
        const char *name = json_object_get_string_member(o, "name");
        const char *meta = json_object_get_string_member(o, "meta-type");

        g_assert_cmpstr(name, !=, "test-never");
        if (!strcmp(name, "test-oob")) {
            saw_oob = json_object_get_boolean_member(o, "allow-oob");
        }
        if (!strcmp(name, "test-args") || !strcmp(name, "test-noargs")) {
            g_assert_false(json_object_has_member(o, "allow-oob"));
        }
        saw_cond |= !strcmp(name, "test-cond");
        saw_unimpl |= !strcmp(name, "test-unimpl");
        if (!strcmp(meta, "enum")) {
            g_autofree char *vals = json_to_string(
                json_object_get_member(o, "values"), FALSE);

            g_assert_null(strstr(vals, "never"));
            g_assert_true(g_ascii_isdigit(name[0]));
        }
        if (!strcmp(meta, "object")) {
            g_assert_true(g_ascii_isdigit(name[0]));
        }
    }
    g_assert_true(saw_oob);
    g_assert_true(saw_cond);
    g_assert_true(saw_unimpl);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    cmds = qmp_command_list_new();
    test_qmp_init_marshal(cmds);
    g_test_add_func("/qapi/dispatch/protocol-errors", test_protocol_errors);
    g_test_add_func("/qapi/dispatch/oob", test_oob);
    g_test_add_func("/qapi/dispatch/success", test_success);
    g_test_add_func("/qapi/dispatch/argument-errors", test_argument_errors);
    g_test_add_func("/qapi/dispatch/registry", test_registry);
    g_test_add_func("/qapi/dispatch/error-response", test_error_response);
    g_test_add_func("/qapi/dispatch/introspect-test-schema",
                    test_introspect_test_schema);
    return g_test_run();
}
