/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON stream framer: cuts a QMP byte stream into complete top-level JSON
 * texts without parsing them (json-glib parses each text afterwards).
 *
 * Accepts what QEMU's JSON lexer accepts and json-glib does not:
 * 'single-quoted' strings are rewritten as "double-quoted" ones and the
 * escape \' becomes a plain quote.
 *
 * Errors (each reported as emit(opaque, NULL, 0, err)):
 *  - lexical errors: an ASCII control character other than \t \r \n
 *    outside strings, any control character inside a string, or a byte
 *    0xFE/0xFF ("JSON parse error, stray '...'").  The partial text is
 *    dropped and input is skipped up to the next structural character
 *    or control character.  This is QMP's documented "parser reset".
 *  - a stray '}' ']' ':' or ',' between texts
 *    ("JSON parse error, expecting value");
 *  - a text larger than the size limit ("JSON token size limit exceeded")
 *    or nested deeper than JSON_MAX_NESTING ("JSON nesting depth limit
 *    exceeded"): the rest of that value is discarded without buffering,
 *    up to where its nesting returns to zero.
 */
#ifndef QEMU_JSON_STREAMER_H
#define QEMU_JSON_STREAMER_H

#include <stddef.h>
#include "qapi/error.h"

#define JSON_MAX_TEXT_SIZE (64ULL << 20)
#define JSON_MAX_NESTING 1024

typedef struct JSONStreamer JSONStreamer;

/*
 * Called once per complete text (json NUL-terminated, valid only during
 * the call, err NULL) or once per error (json NULL, len 0).  The callee
 * owns err.  It may call json_streamer_feed() on another streamer, but
 * must not free the streamer that calls it.
 */
typedef void JSONStreamerEmit(void *opaque, const char *json, size_t len,
                              Error *err);

JSONStreamer *json_streamer_new(JSONStreamerEmit *emit, void *opaque);
void json_streamer_feed(JSONStreamer *js, const char *buf, size_t len);
/* End of input: a pending partial text is emitted as is (so the parser
 * reports what is wrong with it); the framer starts afresh. */
void json_streamer_flush(JSONStreamer *js);
void json_streamer_free(JSONStreamer *js);

/* True between texts: no partial text is buffered or being discarded. */
bool json_streamer_is_idle(JSONStreamer *js);

/* For tests: lower the per-text size limit (default JSON_MAX_TEXT_SIZE). */
void json_streamer_set_max_size(JSONStreamer *js, size_t max);

#endif
