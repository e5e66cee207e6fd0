/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query-qmp-schema: the generated schema JSON, parsed once. */
#include "qemu/osdep.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qapi-commands-introspect.h"

static JsonNode *schema_node(void)
{
    static JsonNode *node;

    if (!node) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) gerr = NULL;

        if (!json_parser_load_from_data(parser, qmp_schema_json, -1,
                                        &gerr)) {
            g_error("generated QMP schema is not valid JSON: %s",
                    gerr->message);
        }
        node = json_node_copy(json_parser_get_root(parser));
    }
    return node;
}

void qmp_marshal_query_qmp_schema(JsonObject *args, JsonNode **ret,
                                  Error **errp)
{
    /* Like QEMU, arguments are not examined. */
    *ret = json_node_copy(schema_node());
}
