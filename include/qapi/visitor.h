/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QAPI visitors: one walk over a QAPI type serves input (JSON to C),
 * output (C to JSON) and freeing, after QEMU's include/qapi/visitor.h.
 *
 * Generated code calls visit_type_Foo(v, name, &obj, errp).  An input
 * visitor allocates *obj and, on failure, frees it again and sets *obj to
 * NULL; an output visitor reads *obj; the dealloc visitor frees it.
 * Every visit_start_X() is paired with visit_end_X(), even after an error.
 */
#ifndef QAPI_VISITOR_H
#define QAPI_VISITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qapi/util.h"
#include "qapi/qapi-builtin-types.h"

typedef struct Visitor Visitor;

/* Every generated FooList starts like this. */
typedef struct GenericList {
    struct GenericList *next;
    char padding[];
} GenericList;

/* Every generated alternate starts like this. */
typedef struct GenericAlternate {
    QType type;
    char padding[];
} GenericAlternate;

/*
 * Start visiting an object.  With obj non-NULL an input visitor stores a
 * zeroed allocation of size bytes there; obj may be NULL to visit the
 * members into an existing C struct (command arguments).
 */
bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp);
/* Input: fail if the JSON object has members nobody visited. */
bool visit_check_struct(Visitor *v, Error **errp);
void visit_end_struct(Visitor *v, void **obj);

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp);
/* The next element after tail (allocated by input visitors), or NULL. */
GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size);
bool visit_check_list(Visitor *v, Error **errp);
void visit_end_list(Visitor *v, void **list);

/* Input: allocate *obj and set (*obj)->type from the JSON value's type. */
bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           Error **errp);
void visit_end_alternate(Visitor *v, void **obj);

/*
 * Optional member: input visitors set *present to whether the member is
 * there; others leave it.  Returns *present.
 */
bool visit_optional(Visitor *v, const char *name, bool *present);

bool visit_is_input(Visitor *v);
bool visit_is_dealloc(Visitor *v);

/* Finish an output visit: store the result in opaque (a JsonNode **). */
void visit_complete(Visitor *v, void *opaque);
void visit_free(Visitor *v);

/* Scalars. */
bool visit_type_int(Visitor *v, const char *name, int64_t *obj, Error **errp);
bool visit_type_int8(Visitor *v, const char *name, int8_t *obj, Error **errp);
bool visit_type_int16(Visitor *v, const char *name, int16_t *obj,
                      Error **errp);
bool visit_type_int32(Visitor *v, const char *name, int32_t *obj,
                      Error **errp);
bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp);
bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj,
                      Error **errp);
bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj,
                       Error **errp);
bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj,
                       Error **errp);
bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp);
bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp);
bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp);
bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp);
bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp);
/* Any JSON value (input: a new reference; dealloc: unref). */
bool visit_type_any(Visitor *v, const char *name, JsonNode **obj,
                    Error **errp);
/* JSON null (input: a new null node). */
bool visit_type_null(Visitor *v, const char *name, JsonNode **obj,
                     Error **errp);
/* Enum values travel as strings. */
bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp);

#endif
