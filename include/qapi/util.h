/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QAPI enum lookup tables and special features, used by generated code.
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

#include <stdbool.h>
#include "qapi/error.h"

/* Features with a meaning to the QMP core (bit numbers). */
typedef enum QapiSpecialFeature {
    QAPI_DEPRECATED,
    QAPI_UNSTABLE,
} QapiSpecialFeature;

/* Generated for every enum: names indexed by value. */
typedef struct QEnumLookup {
    const char *const *array;
    const unsigned char *special_features;   /* may be NULL */
    const int size;
} QEnumLookup;

/* The name of val; asserts that val is in range. */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);
/*
 * The value named buf; def if buf is NULL.  An unknown name sets
 * "Parameter 'null' does not accept value '...'"-style errors through
 * errp and returns def.
 */
int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def,
                    Error **errp);

/*
 * List helpers for generated FooList types (QEMU's names).
 * QAPI_LIST_PREPEND(list, v): push v in front of list.
 * QAPI_LIST_APPEND(tail, v): tail points at the last next pointer (start
 * with tail = &list); appends v and advances tail.
 */
#define QAPI_LIST_PREPEND(list, element) do {           \
        typeof(list) tmp_ = g_malloc(sizeof(*(list)));  \
        tmp_->value = (element);                        \
        tmp_->next = (list);                            \
        (list) = tmp_;                                  \
    } while (0)

#define QAPI_LIST_APPEND(tail, element) do {            \
        *(tail) = g_malloc0(sizeof(**(tail)));          \
        (*(tail))->value = (element);                   \
        (tail) = &(*(tail))->next;                      \
    } while (0)

/* Number of elements of a FooList. */
#define QAPI_LIST_LENGTH(list) ({                       \
        size_t len_ = 0;                                \
        typeof(list) elem_;                             \
        for (elem_ = list; elem_; elem_ = elem_->next) { \
            len_++;                                     \
        }                                               \
        len_;                                           \
    })

#endif
