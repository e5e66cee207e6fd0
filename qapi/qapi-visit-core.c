/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Visitor core: dispatch to the implementation, integer ranges, enums. */
#include "qemu/osdep.h"
#include "qapi/visitor-impl.h"

void visit_complete(Visitor *v, void *opaque)
{
    if (v->complete) {
        v->complete(v, opaque);
    }
}

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}

bool visit_is_input(Visitor *v)
{
    return v->type == VISITOR_INPUT;
}

bool visit_is_dealloc(Visitor *v)
{
    return v->type == VISITOR_DEALLOC;
}

bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp)
{
    bool ok = v->start_struct(v, name, obj, size, errp);

    if (obj && v->type == VISITOR_INPUT) {
        g_assert(ok != !*obj);
    }
    return ok;
}

bool visit_check_struct(Visitor *v, Error **errp)
{
    return v->check_struct ? v->check_struct(v, errp) : true;
}

void visit_end_struct(Visitor *v, void **obj)
{
    v->end_struct(v, obj);
}

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp)
{
    return v->start_list(v, name, list, size, errp);
}

GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return v->next_list(v, tail, size);
}

bool visit_check_list(Visitor *v, Error **errp)
{
    return v->check_list ? v->check_list(v, errp) : true;
}

void visit_end_list(Visitor *v, void **list)
{
    v->end_list(v, list);
}

bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           Error **errp)
{
    if (v->start_alternate) {
        return v->start_alternate(v, name, obj, size, errp);
    }
    return true;
}

void visit_end_alternate(Visitor *v, void **obj)
{
    if (v->end_alternate) {
        v->end_alternate(v, obj);
    }
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    if (v->optional) {
        v->optional(v, name, present);
    }
    return *present;
}

static bool visit_type_intN(Visitor *v, const char *name, int64_t *value,
                            int64_t min, int64_t max, const char *type,
                            Error **errp)
{
    if (!v->type_int64(v, name, value, errp)) {
        return false;
    }
    if (*value < min || *value > max) {
        error_setg(errp, "Parameter '%s' expects %s",
                   name ? name : "null", type);
        return false;
    }
    return true;
}

static bool visit_type_uintN(Visitor *v, const char *name, uint64_t *value,
                             uint64_t max, const char *type, Error **errp)
{
    if (!v->type_uint64(v, name, value, errp)) {
        return false;
    }
    if (*value > max) {
        error_setg(errp, "Parameter '%s' expects %s",
                   name ? name : "null", type);
        return false;
    }
    return true;
}

#define DEFINE_VISIT_INT(fn, ctype, min, max, tname)                        \
bool fn(Visitor *v, const char *name, ctype *obj, Error **errp)             \
{                                                                           \
    int64_t value = *obj;                                                   \
                                                                            \
    if (!visit_type_intN(v, name, &value, min, max, tname, errp)) {         \
        return false;                                                       \
    }                                                                       \
    *obj = value;                                                           \
    return true;                                                            \
}

#define DEFINE_VISIT_UINT(fn, ctype, max, tname)                            \
bool fn(Visitor *v, const char *name, ctype *obj, Error **errp)             \
{                                                                           \
    uint64_t value = *obj;                                                  \
                                                                            \
    if (!visit_type_uintN(v, name, &value, max, tname, errp)) {             \
        return false;                                                       \
    }                                                                       \
    *obj = value;                                                           \
    return true;                                                            \
}

DEFINE_VISIT_INT(visit_type_int8, int8_t, INT8_MIN, INT8_MAX, "int8_t")
DEFINE_VISIT_INT(visit_type_int16, int16_t, INT16_MIN, INT16_MAX, "int16_t")
DEFINE_VISIT_INT(visit_type_int32, int32_t, INT32_MIN, INT32_MAX, "int32_t")
DEFINE_VISIT_UINT(visit_type_uint8, uint8_t, UINT8_MAX, "uint8_t")
DEFINE_VISIT_UINT(visit_type_uint16, uint16_t, UINT16_MAX, "uint16_t")
DEFINE_VISIT_UINT(visit_type_uint32, uint32_t, UINT32_MAX, "uint32_t")

bool visit_type_int(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp)
{
    if (v->type_size) {
        return v->type_size(v, name, obj, errp);
    }
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp)
{
    return v->type_bool(v, name, obj, errp);
}

bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp)
{
    bool ok = v->type_str(v, name, obj, errp);

    if (v->type == VISITOR_INPUT) {
        g_assert(ok != !*obj);
    }
    return ok;
}

bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp)
{
    return v->type_number(v, name, obj, errp);
}

bool visit_type_any(Visitor *v, const char *name, JsonNode **obj,
                    Error **errp)
{
    return v->type_any(v, name, obj, errp);
}

bool visit_type_null(Visitor *v, const char *name, JsonNode **obj,
                     Error **errp)
{
    return v->type_null(v, name, obj, errp);
}

static bool output_type_enum(Visitor *v, const char *name, int *obj,
                             const QEnumLookup *lookup, Error **errp)
{
    char *enum_str = (char *)qapi_enum_lookup(lookup, *obj);

    return visit_type_str(v, name, &enum_str, errp);
}

static bool input_type_enum(Visitor *v, const char *name, int *obj,
                            const QEnumLookup *lookup, Error **errp)
{
    g_autofree char *enum_str = NULL;
    int value;

    if (!visit_type_str(v, name, &enum_str, errp)) {
        return false;
    }
    value = qapi_enum_parse(lookup, enum_str, -1, NULL);
    if (value < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   name ? name : "null", enum_str);
        return false;
    }
    *obj = value;
    return true;
}

bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp)
{
    switch (v->type) {
    case VISITOR_INPUT:
        return input_type_enum(v, name, obj, lookup, errp);
    case VISITOR_OUTPUT:
        return output_type_enum(v, name, obj, lookup, errp);
    case VISITOR_DEALLOC:
        /* nothing to free */
        return true;
    }
    g_assert_not_reached();
}
