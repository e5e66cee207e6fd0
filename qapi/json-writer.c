/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON text in QEMU's QMP format (see include/qapi/qmp/json-writer.h). */
#include "qemu/osdep.h"
#include "qapi/qmp/json-writer.h"

static void write_string(GString *out, const char *s)
{
    const char *p = s;

    g_string_append_c(out, '"');
    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            /* Invalid UTF-8: QEMU writes U+FFFD for each bad byte. */
            g_string_append(out, "\\uFFFD");
            p++;
            continue;
        }
        p = g_utf8_next_char(p);
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                g_string_append_printf(out, "\\u%04X", c);
            } else if (c < 0x80) {
                g_string_append_c(out, c);
            } else if (c < 0x10000) {
                g_string_append_printf(out, "\\u%04X", c);
            } else {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 | (c >> 10),
                                       0xDC00 | (c & 0x3FF));
            }
        }
    }
    g_string_append_c(out, '"');
}

static void newline(GString *out, bool pretty, int level)
{
    if (pretty) {
        g_string_append_c(out, '\n');
        for (int i = 0; i < level; i++) {
            g_string_append(out, "    ");
        }
    }
}

static void write_node(GString *out, JsonNode *node, bool pretty, int level);

static void write_object(GString *out, JsonObject *obj, bool pretty,
                         int level)
{
    JsonObjectIter iter;
    const char *name;
    JsonNode *member;
    bool first = true;

    g_string_append_c(out, '{');
    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &name, &member)) {
        if (!first) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        first = false;
        newline(out, pretty, level + 1);
        write_string(out, name);
        g_string_append(out, ": ");
        write_node(out, member, pretty, level + 1);
    }
    if (!first) {
        newline(out, pretty, level);
    }
    g_string_append_c(out, '}');
}

static void write_array(GString *out, JsonArray *arr, bool pretty, int level)
{
    guint n = json_array_get_length(arr);

    g_string_append_c(out, '[');
    for (guint i = 0; i < n; i++) {
        if (i) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        newline(out, pretty, level + 1);
        write_node(out, json_array_get_element(arr, i), pretty, level + 1);
    }
    if (n) {
        newline(out, pretty, level);
    }
    g_string_append_c(out, ']');
}

static void write_node(GString *out, JsonNode *node, bool pretty, int level)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        write_object(out, json_node_get_object(node), pretty, level);
        break;
    case JSON_NODE_ARRAY:
        write_array(out, json_node_get_array(node), pretty, level);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
            break;
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        case G_TYPE_DOUBLE:
            /* Shortest text that reads back as the same double. */
            g_ascii_formatd(buf, sizeof(buf), "%.17g",
                            json_node_get_double(node));
            g_string_append(out, buf);
            break;
        case G_TYPE_STRING:
            write_string(out, json_node_get_string(node));
            break;
        default:
            g_string_append(out, "null");
        }
        break;
    }
}

void qmp_json_write(GString *out, JsonNode *node, bool pretty)
{
    write_node(out, node, pretty, 0);
}

char *qmp_json_to_string(JsonNode *node, bool pretty)
{
    GString *out = g_string_new(NULL);

    write_node(out, node, pretty, 0);
    return g_string_free(out, FALSE);
}
