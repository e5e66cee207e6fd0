/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input visitor: json-glib nodes to QAPI C types (strict, QEMU texts). */
#include "qemu/osdep.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor-impl.h"

typedef struct StackObject {
    JsonNode *node;          /* the object or array being visited */
    char *name;              /* how it was reached from its parent */
    GHashTable *unvisited;   /* objects: member names not yet visited */
    guint index;             /* arrays: current element */
} StackObject;

typedef struct QObjectInputVisitor {
    Visitor visitor;
    JsonNode *root;
    bool keyval;
    GQueue stack;            /* of StackObject, head = innermost */
    GString *errname;
} QObjectInputVisitor;

static QObjectInputVisitor *to_qiv(Visitor *v)
{
    return (QObjectInputVisitor *)v;   /* visitor is the first member */
}

/* The dotted path of member name of the innermost container. */
static const char *full_name_nth(QObjectInputVisitor *qiv, const char *name,
                                 int n)
{
    GList *l;
    char buf[32];

    if (qiv->errname) {
        g_string_truncate(qiv->errname, 0);
    } else {
        qiv->errname = g_string_new("");
    }
    for (l = qiv->stack.head; l; l = l->next) {
        StackObject *so = l->data;

        if (n) {
            n--;
        } else if (JSON_NODE_HOLDS_OBJECT(so->node)) {
            g_string_prepend(qiv->errname, name ? name : "<anonymous>");
            g_string_prepend_c(qiv->errname, '.');
        } else {
            snprintf(buf, sizeof(buf), qiv->keyval ? ".%u" : "[%u]",
                     so->index);
            g_string_prepend(qiv->errname, buf);
        }
        name = so->name;
    }
    g_assert(!n);
    if (name) {
        g_string_prepend(qiv->errname, name);
    } else if (qiv->errname->str[0] == '.') {
        g_string_erase(qiv->errname, 0, 1);
    } else if (!qiv->errname->str[0]) {
        return "<anonymous>";
    }
    return qiv->errname->str;
}

static const char *full_name(QObjectInputVisitor *qiv, const char *name)
{
    return full_name_nth(qiv, name, 0);
}

static JsonNode *try_get(QObjectInputVisitor *qiv, const char *name,
                         bool consume)
{
    StackObject *so = g_queue_peek_head(&qiv->stack);

    if (!so) {
        return qiv->root;
    }
    if (JSON_NODE_HOLDS_OBJECT(so->node)) {
        JsonObject *obj = json_node_get_object(so->node);
        JsonNode *node;

        g_assert(name);
        node = json_object_get_member(obj, name);
        if (node && consume) {
            g_hash_table_remove(so->unvisited, name);
        }
        return node;
    }
    {
        JsonArray *arr = json_node_get_array(so->node);

        if (so->index >= json_array_get_length(arr)) {
            return NULL;
        }
        return json_array_get_element(arr, so->index);
    }
}

static JsonNode *get_node(QObjectInputVisitor *qiv, const char *name,
                          bool consume, Error **errp)
{
    JsonNode *node = try_get(qiv, name, consume);

    if (!node) {
        error_setg(errp, "Parameter '%s' is missing", full_name(qiv, name));
    }
    return node;
}

static void push(QObjectInputVisitor *qiv, const char *name, JsonNode *node)
{
    StackObject *so = g_new0(StackObject, 1);

    so->node = node;
    so->name = g_strdup(name);
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        GList *members = json_object_get_members(json_node_get_object(node));
        GList *l;

        so->unvisited = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
        for (l = members; l; l = l->next) {
            g_hash_table_add(so->unvisited, g_strdup(l->data));
        }
        g_list_free(members);
    }
    g_queue_push_head(&qiv->stack, so);
}

static void pop(QObjectInputVisitor *qiv)
{
    StackObject *so = g_queue_pop_head(&qiv->stack);

    g_assert(so);
    if (so->unvisited) {
        g_hash_table_destroy(so->unvisited);
    }
    g_free(so->name);
    g_free(so);
}

static bool type_error(QObjectInputVisitor *qiv, const char *name,
                       const char *expected, Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               full_name(qiv, name), expected);
    return false;
}

static bool qiv_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_node(qiv, name, true, errp);

    if (obj) {
        *obj = NULL;
    }
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        return type_error(qiv, name, "object", errp);
    }
    push(qiv, name, node);
    if (obj) {
        *obj = g_malloc0(size);
    }
    return true;
}

static bool qiv_check_struct(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *so = g_queue_peek_head(&qiv->stack);
    GHashTableIter iter;
    const char *key;

    g_assert(so && so->unvisited);
    g_hash_table_iter_init(&iter, so->unvisited);
    if (g_hash_table_iter_next(&iter, (void **)&key, NULL)) {
        error_setg(errp, "Parameter '%s' is unexpected",
                   full_name(qiv, key));
        return false;
    }
    return true;
}

static void qiv_end_struct(Visitor *v, void **obj)
{
    pop(to_qiv(v));
}

static bool qiv_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_node(qiv, name, true, errp);

    if (list) {
        *list = NULL;
    }
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        return type_error(qiv, name, "array", errp);
    }
    push(qiv, name, node);
    if (list && json_array_get_length(json_node_get_array(node))) {
        *list = g_malloc0(size);
    }
    return true;
}

static GenericList *qiv_next_list(Visitor *v, GenericList *tail, size_t size)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *so = g_queue_peek_head(&qiv->stack);

    so->index++;
    if (so->index >= json_array_get_length(json_node_get_array(so->node))) {
        return NULL;
    }
    tail->next = g_malloc0(size);
    return tail->next;
}

static bool qiv_check_list(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *so = g_queue_peek_head(&qiv->stack);
    guint len = json_array_get_length(json_node_get_array(so->node));

    if (so->index < len) {
        /* a virtual walk stopped before the end */
        error_setg(errp, "Only %u list elements expected in %s",
                   so->index + 1, full_name_nth(qiv, NULL, 1));
        return false;
    }
    return true;
}

static void qiv_end_list(Visitor *v, void **obj)
{
    pop(to_qiv(v));
}

static QType node_qtype(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        return QTYPE_QDICT;
    case JSON_NODE_ARRAY:
        return QTYPE_QLIST;
    case JSON_NODE_NULL:
        return QTYPE_QNULL;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_BOOLEAN:
            return QTYPE_QBOOL;
        case G_TYPE_STRING:
            return QTYPE_QSTRING;
        default:
            return QTYPE_QNUM;
        }
    }
    return QTYPE_NONE;
}

static bool qiv_start_alternate(Visitor *v, const char *name,
                                GenericAlternate **obj, size_t size,
                                Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_node(qiv, name, false, errp);

    if (!node) {
        *obj = NULL;
        return false;
    }
    *obj = g_malloc0(size);
    (*obj)->type = node_qtype(node);
    return true;
}

/* A scalar (consumed); NULL with an error if missing. */
static JsonNode *get_scalar(QObjectInputVisitor *qiv, const char *name,
                            Error **errp)
{
    return get_node(qiv, name, true, errp);
}

static bool node_is(JsonNode *node, GType type)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == type;
}

/* In keyval mode a string scalar is parsed; returns it or NULL. */
static const char *keyval_str(QObjectInputVisitor *qiv, JsonNode *node)
{
    if (qiv->keyval && node_is(node, G_TYPE_STRING)) {
        return json_node_get_string(node);
    }
    return NULL;
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;

    errno = 0;
    *out = g_ascii_strtoll(s, &end, 0);
    return *s && !*end && !errno;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;

    while (g_ascii_isspace(*s)) {
        s++;
    }
    if (*s == '-') {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, 0);
    return *s && !*end && !errno;
}

/* QEMU's size syntax: a number, optional fraction, optional B/K/M/G/T/P/E. */
static bool parse_size(const char *s, uint64_t *out)
{
    static const char suffixes[] = "BKMGTPE";
    const char *p;
    char *end;
    double val;
    uint64_t mult = 1;

    while (g_ascii_isspace(*s)) {
        s++;
    }
    if (!*s || *s == '-') {
        return false;
    }
    errno = 0;
    if (strchr(s, '.')) {
        val = g_ascii_strtod(s, &end);
    } else {
        uint64_t iv = g_ascii_strtoull(s, &end, 10);

        val = (double)iv;
        if (!*end && !errno) {
            *out = iv;
            return true;
        }
    }
    if (errno || end == s) {
        return false;
    }
    if (*end) {
        p = strchr(suffixes, g_ascii_toupper(*end));
        if (!p || end[1]) {
            return false;
        }
        mult = 1ULL << (10 * (p - suffixes));
    }
    val *= (double)mult;
    if (val < 0 || val >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)val;
    return true;
}

static bool qiv_type_int64(Visitor *v, const char *name, int64_t *obj,
                           Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);
    const char *s;

    if (!node) {
        return false;
    }
    s = keyval_str(qiv, node);
    if (s) {
        if (!parse_i64(s, obj)) {
            error_setg(errp, "Parameter '%s' expects %s",
                       full_name(qiv, name), "int");
            return false;
        }
        return true;
    }
    if (!node_is(node, G_TYPE_INT64)) {
        return type_error(qiv, name, "integer", errp);
    }
    *obj = json_node_get_int(node);
    return true;
}

static bool qiv_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);
    const char *s;

    if (!node) {
        return false;
    }
    s = keyval_str(qiv, node);
    if (s) {
        if (!parse_u64(s, obj)) {
            error_setg(errp, "Parameter '%s' expects %s",
                       full_name(qiv, name), "uint64");
            return false;
        }
        return true;
    }
    if (node_is(node, G_TYPE_INT64)) {
        /* negative values are accepted for backward compatibility */
        *obj = (uint64_t)json_node_get_int(node);
        return true;
    }
    if (node_is(node, G_TYPE_DOUBLE)) {
        double d = json_node_get_double(node);

        /* json-glib reads integers above INT64_MAX as doubles */
        if (d >= 9223372036854775808.0 && d < 18446744073709551616.0 &&
            d == (double)(uint64_t)d) {
            *obj = (uint64_t)d;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
               "uint64");
    return false;
}

static bool qiv_type_size(Visitor *v, const char *name, uint64_t *obj,
                          Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = try_get(qiv, name, false);
    const char *s = node ? keyval_str(qiv, node) : NULL;

    if (!s) {
        return qiv_type_uint64(v, name, obj, errp);
    }
    get_scalar(qiv, name, NULL);
    if (!parse_size(s, obj)) {
        error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
                   "size");
        return false;
    }
    return true;
}

static bool qiv_type_bool(Visitor *v, const char *name, bool *obj,
                          Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);
    const char *s;

    if (!node) {
        return false;
    }
    s = keyval_str(qiv, node);
    if (s) {
        if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
            *obj = true;
        } else if (!strcmp(s, "off") || !strcmp(s, "no") ||
                   !strcmp(s, "false")) {
            *obj = false;
        } else {
            error_setg(errp, "Parameter '%s' expects %s",
                       full_name(qiv, name), "'on' or 'off'");
            return false;
        }
        return true;
    }
    if (!node_is(node, G_TYPE_BOOLEAN)) {
        return type_error(qiv, name, "boolean", errp);
    }
    *obj = json_node_get_boolean(node);
    return true;
}

static bool qiv_type_str(Visitor *v, const char *name, char **obj,
                         Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);

    *obj = NULL;
    if (!node) {
        return false;
    }
    if (!node_is(node, G_TYPE_STRING)) {
        return type_error(qiv, name, "string", errp);
    }
    *obj = g_strdup(json_node_get_string(node));
    return true;
}

static bool qiv_type_number(Visitor *v, const char *name, double *obj,
                            Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);
    const char *s;

    if (!node) {
        return false;
    }
    s = keyval_str(qiv, node);
    if (s) {
        char *end;

        errno = 0;
        *obj = g_ascii_strtod(s, &end);
        if (!*s || *end || errno) {
            error_setg(errp, "Parameter '%s' expects %s",
                       full_name(qiv, name), "number");
            return false;
        }
        return true;
    }
    if (node_is(node, G_TYPE_INT64)) {
        *obj = json_node_get_int(node);
    } else if (node_is(node, G_TYPE_DOUBLE)) {
        *obj = json_node_get_double(node);
    } else {
        return type_error(qiv, name, "number", errp);
    }
    return true;
}

static bool qiv_type_any(Visitor *v, const char *name, JsonNode **obj,
                         Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);

    *obj = NULL;
    if (!node) {
        return false;
    }
    *obj = json_node_copy(node);
    return true;
}

static bool qiv_type_null(Visitor *v, const char *name, JsonNode **obj,
                          Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    JsonNode *node = get_scalar(qiv, name, errp);
    const char *s;

    *obj = NULL;
    if (!node) {
        return false;
    }
    s = keyval_str(qiv, node);
    if (!JSON_NODE_HOLDS_NULL(node) && !(s && !*s)) {
        return type_error(qiv, name, "null", errp);
    }
    *obj = json_node_new(JSON_NODE_NULL);
    return true;
}

static void qiv_optional(Visitor *v, const char *name, bool *present)
{
    *present = try_get(to_qiv(v), name, false) != NULL;
}

static void qiv_free(Visitor *v)
{
    QObjectInputVisitor *qiv = to_qiv(v);

    while (!g_queue_is_empty(&qiv->stack)) {
        pop(qiv);
    }
    if (qiv->errname) {
        g_string_free(qiv->errname, TRUE);
    }
    if (qiv->root) {
        json_node_unref(qiv->root);
    }
    g_free(qiv);
}

static Visitor *input_visitor_new(JsonNode *root, bool keyval)
{
    QObjectInputVisitor *qiv = g_new0(QObjectInputVisitor, 1);

    g_assert(root);
    qiv->root = json_node_ref(root);
    qiv->keyval = keyval;
    g_queue_init(&qiv->stack);
    qiv->visitor.type = VISITOR_INPUT;
    qiv->visitor.start_struct = qiv_start_struct;
    qiv->visitor.check_struct = qiv_check_struct;
    qiv->visitor.end_struct = qiv_end_struct;
    qiv->visitor.start_list = qiv_start_list;
    qiv->visitor.next_list = qiv_next_list;
    qiv->visitor.check_list = qiv_check_list;
    qiv->visitor.end_list = qiv_end_list;
    qiv->visitor.start_alternate = qiv_start_alternate;
    qiv->visitor.type_int64 = qiv_type_int64;
    qiv->visitor.type_uint64 = qiv_type_uint64;
    qiv->visitor.type_size = qiv_type_size;
    qiv->visitor.type_bool = qiv_type_bool;
    qiv->visitor.type_str = qiv_type_str;
    qiv->visitor.type_number = qiv_type_number;
    qiv->visitor.type_any = qiv_type_any;
    qiv->visitor.type_null = qiv_type_null;
    qiv->visitor.optional = qiv_optional;
    qiv->visitor.free = qiv_free;
    return &qiv->visitor;
}

Visitor *qobject_input_visitor_new(JsonNode *root)
{
    return input_visitor_new(root, false);
}

Visitor *qobject_input_visitor_new_qmp(JsonNode *root)
{
    return input_visitor_new(root, false);
}

Visitor *qobject_input_visitor_new_keyval(JsonNode *root)
{
    return input_visitor_new(root, true);
}
