/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON text in QEMU's QMP format: ", " and ": " separators, pretty mode
 * with 4-space indentation, and pure ASCII output (non-ASCII characters
 * as \uXXXX escapes, surrogate pairs beyond the BMP), as QEMU's
 * qobject/json-writer does.  json-glib's generator differs on all three.
 */
#ifndef QAPI_QMP_JSON_WRITER_H
#define QAPI_QMP_JSON_WRITER_H

#include <stdbool.h>
#include <json-glib/json-glib.h>

/* Append node's text to out. */
void qmp_json_write(GString *out, JsonNode *node, bool pretty);
/* The text, newly allocated. */
char *qmp_json_to_string(JsonNode *node, bool pretty);

#endif
