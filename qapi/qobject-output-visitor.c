/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output visitor: QAPI C types to json-glib nodes. */
#include "qemu/osdep.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/visitor-impl.h"

typedef struct QObjectOutputVisitor {
    Visitor visitor;
    GQueue stack;            /* JsonNode containers, head = innermost */
    JsonNode *root;
    JsonNode **result;
} QObjectOutputVisitor;

static QObjectOutputVisitor *to_qov(Visitor *v)
{
    return (QObjectOutputVisitor *)v;   /* visitor is the first member */
}

/* Add node (ownership taken) to the current container, or make it root. */
static void add(QObjectOutputVisitor *qov, const char *name, JsonNode *node)
{
    JsonNode *top = g_queue_peek_head(&qov->stack);

    if (!top) {
        g_assert(!qov->root);
        qov->root = node;
    } else if (JSON_NODE_HOLDS_OBJECT(top)) {
        g_assert(name);
        json_object_set_member(json_node_get_object(top), name, node);
    } else {
        json_array_add_element(json_node_get_array(top), node);
    }
}

static bool qov_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, Error **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, json_object_new());
    add(qov, name, node);
    g_queue_push_head(&qov->stack, node);
    return true;
}

static void qov_end_struct(Visitor *v, void **obj)
{
    JsonNode *node = g_queue_pop_head(&to_qov(v)->stack);

    g_assert(node && JSON_NODE_HOLDS_OBJECT(node));
}

static bool qov_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, Error **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, json_array_new());
    add(qov, name, node);
    g_queue_push_head(&qov->stack, node);
    return true;
}

static GenericList *qov_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return tail->next;
}

static void qov_end_list(Visitor *v, void **obj)
{
    JsonNode *node = g_queue_pop_head(&to_qov(v)->stack);

    g_assert(node && JSON_NODE_HOLDS_ARRAY(node));
}

static bool qov_type_int64(Visitor *v, const char *name, int64_t *obj,
                           Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(node, *obj);
    add(to_qov(v), name, node);
    return true;
}

static bool qov_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    if (*obj > INT64_MAX) {
        /* json-glib integers are signed 64-bit */
        json_node_set_double(node, (double)*obj);
    } else {
        json_node_set_int(node, (int64_t)*obj);
    }
    add(to_qov(v), name, node);
    return true;
}

static bool qov_type_bool(Visitor *v, const char *name, bool *obj,
                          Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_boolean(node, *obj);
    add(to_qov(v), name, node);
    return true;
}

static bool qov_type_str(Visitor *v, const char *name, char **obj,
                         Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, *obj ? *obj : "");
    add(to_qov(v), name, node);
    return true;
}

static bool qov_type_number(Visitor *v, const char *name, double *obj,
                            Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_double(node, *obj);
    add(to_qov(v), name, node);
    return true;
}

static bool qov_type_any(Visitor *v, const char *name, JsonNode **obj,
                         Error **errp)
{
    add(to_qov(v), name,
        *obj ? json_node_copy(*obj) : json_node_new(JSON_NODE_NULL));
    return true;
}

static bool qov_type_null(Visitor *v, const char *name, JsonNode **obj,
                          Error **errp)
{
    add(to_qov(v), name, json_node_new(JSON_NODE_NULL));
    return true;
}

static void qov_complete(Visitor *v, void *opaque)
{
    QObjectOutputVisitor *qov = to_qov(v);
    JsonNode **result = opaque;

    g_assert(g_queue_is_empty(&qov->stack));
    g_assert(qov->root);
    *result = qov->root;
    qov->root = NULL;
}

static void qov_free(Visitor *v)
{
    QObjectOutputVisitor *qov = to_qov(v);

    g_queue_clear(&qov->stack);
    if (qov->root) {
        json_node_unref(qov->root);
    }
    g_free(qov);
}

Visitor *qobject_output_visitor_new(JsonNode **result)
{
    QObjectOutputVisitor *qov = g_new0(QObjectOutputVisitor, 1);

    g_queue_init(&qov->stack);
    qov->result = result;
    *result = NULL;
    qov->visitor.type = VISITOR_OUTPUT;
    qov->visitor.start_struct = qov_start_struct;
    qov->visitor.end_struct = qov_end_struct;
    qov->visitor.start_list = qov_start_list;
    qov->visitor.next_list = qov_next_list;
    qov->visitor.end_list = qov_end_list;
    qov->visitor.type_int64 = qov_type_int64;
    qov->visitor.type_uint64 = qov_type_uint64;
    qov->visitor.type_bool = qov_type_bool;
    qov->visitor.type_str = qov_type_str;
    qov->visitor.type_number = qov_type_number;
    qov->visitor.type_any = qov_type_any;
    qov->visitor.type_null = qov_type_null;
    qov->visitor.complete = qov_complete;
    qov->visitor.free = qov_free;
    return &qov->visitor;
}
