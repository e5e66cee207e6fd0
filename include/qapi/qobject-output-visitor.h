/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output visitor: QAPI C types to JSON (a json-glib node).  After the
 * visit, visit_complete(v, result) stores the new node (caller owns it).
 */
#ifndef QAPI_QOBJECT_OUTPUT_VISITOR_H
#define QAPI_QOBJECT_OUTPUT_VISITOR_H

#include <json-glib/json-glib.h>
#include "qapi/visitor.h"

Visitor *qobject_output_visitor_new(JsonNode **result);

#endif
