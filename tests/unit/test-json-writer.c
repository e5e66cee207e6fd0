/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP's JSON text: QEMU's separators, pretty form and ASCII-only output. */
#include "qemu/osdep.h"
#include "qapi/qmp/json-writer.h"

static JsonNode *parse(const char *text)
{
    g_autoptr(JsonParser) p = json_parser_new();

    g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
    return json_node_copy(json_parser_get_root(p));
}

static void check(const char *in, bool pretty, const char *want)
{
    JsonNode *n = parse(in);
    g_autofree char *out = qmp_json_to_string(n, pretty);

    g_assert_cmpstr(out, ==, want);
    json_node_unref(n);
}

static void test_compact(void)
{
    check("{\"return\":{}}", false, "{\"return\": {}}");
    check("{\"a\":[1,true,null,\"x\"],\"b\":{\"c\":-2}}", false,
          "{\"a\": [1, true, null, \"x\"], \"b\": {\"c\": -2}}");
    check("[]", false, "[]");
    check("1.5", false, "1.5");
}

static void test_pretty(void)
{
    check("{\"return\":{\"a\":[1,2],\"b\":{}}}", true,
          "{\n    \"return\": {\n        \"a\": [\n            1,\n"
          "            2\n        ],\n        \"b\": {}\n    }\n}");
}

static void test_ascii_escapes(void)
{
    /* é is U+00E9, 😀 is U+1F600 (a surrogate pair), \x01 a control */
    check("\"caf\\u00e9 \\ud83d\\ude00 \\u0001 \\\"q\\\" \\\\ \\n\"", false,
          "\"caf\\u00E9 \\uD83D\\uDE00 \\u0001 \\\"q\\\" \\\\ \\n\"");
}

static void test_member_order_kept(void)
{
    check("{\"z\":1,\"a\":2,\"m\":3}", false, "{\"z\": 1, \"a\": 2, \"m\": 3}");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-writer/compact", test_compact);
    g_test_add_func("/json-writer/pretty", test_pretty);
    g_test_add_func("/json-writer/ascii-escapes", test_ascii_escapes);
    g_test_add_func("/json-writer/member-order", test_member_order_kept);
    return g_test_run();
}
