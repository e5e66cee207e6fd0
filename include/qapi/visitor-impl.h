/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a visitor implementation provides (only visitor .c files include
 * this; users go through qapi/visitor.h).
 */
#ifndef QAPI_VISITOR_IMPL_H
#define QAPI_VISITOR_IMPL_H

#include "qapi/visitor.h"

typedef enum VisitorType {
    VISITOR_INPUT = 1 << 0,
    VISITOR_OUTPUT = 1 << 1,
    VISITOR_DEALLOC = 1 << 2,
} VisitorType;

struct Visitor {
    bool (*start_struct)(Visitor *v, const char *name, void **obj,
                         size_t size, Error **errp);
    bool (*check_struct)(Visitor *v, Error **errp);         /* optional */
    void (*end_struct)(Visitor *v, void **obj);
    bool (*start_list)(Visitor *v, const char *name, GenericList **list,
                       size_t size, Error **errp);
    GenericList *(*next_list)(Visitor *v, GenericList *tail, size_t size);
    bool (*check_list)(Visitor *v, Error **errp);           /* optional */
    void (*end_list)(Visitor *v, void **list);
    bool (*start_alternate)(Visitor *v, const char *name,
                            GenericAlternate **obj, size_t size,
                            Error **errp);                  /* optional */
    void (*end_alternate)(Visitor *v, void **obj);          /* optional */
    bool (*type_int64)(Visitor *v, const char *name, int64_t *obj,
                       Error **errp);
    bool (*type_uint64)(Visitor *v, const char *name, uint64_t *obj,
                        Error **errp);
    bool (*type_size)(Visitor *v, const char *name, uint64_t *obj,
                      Error **errp);                        /* optional */
    bool (*type_bool)(Visitor *v, const char *name, bool *obj, Error **errp);
    bool (*type_str)(Visitor *v, const char *name, char **obj, Error **errp);
    bool (*type_number)(Visitor *v, const char *name, double *obj,
                        Error **errp);
    bool (*type_any)(Visitor *v, const char *name, JsonNode **obj,
                     Error **errp);
    bool (*type_null)(Visitor *v, const char *name, JsonNode **obj,
                      Error **errp);
    void (*optional)(Visitor *v, const char *name, bool *present);
    void (*complete)(Visitor *v, void *opaque);             /* optional */
    void (*free)(Visitor *v);
    VisitorType type;
};

#endif
