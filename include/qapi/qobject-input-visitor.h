/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input visitor: JSON (a json-glib node) to QAPI C types.  Strict: extra
 * members, missing members and wrong types are errors, reported with
 * QEMU's texts and the member's dotted path ("backend.data.addr").
 */
#ifndef QAPI_QOBJECT_INPUT_VISITOR_H
#define QAPI_QOBJECT_INPUT_VISITOR_H

#include <json-glib/json-glib.h>
#include "qapi/visitor.h"

/* root is borrowed (ref'd while the visitor lives). */
Visitor *qobject_input_visitor_new(JsonNode *root);
/* QMP flavour: the same as qobject_input_visitor_new(). */
Visitor *qobject_input_visitor_new_qmp(JsonNode *root);
/*
 * Keyval flavour (command-line options): scalars may be strings that are
 * parsed as QEMU's keyval visitor does (numbers, sizes with K/M/G/...
 * suffixes, on/off booleans).  Non-string scalars are accepted as is.
 */
Visitor *qobject_input_visitor_new_keyval(JsonNode *root);

#endif
