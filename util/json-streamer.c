/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cut a QMP byte stream into complete top-level JSON texts. */
#include "qemu/osdep.h"
#include "qemu/json-streamer.h"

/*
 * The framer is a small lexer: it follows strings (to ignore brackets in
 * them) and the nesting of {} and [], and copies each text into buf.  A
 * text is complete when its nesting returns to zero, when a top-level
 * string closes, or when a top-level bare token (number, keyword) meets a
 * delimiter.
 */
struct JSONStreamer {
    JSONStreamerEmit *emit;
    void *opaque;
    GString *buf;          /* the text so far, rewritten to standard JSON */
    size_t size;           /* input bytes of the current text */
    size_t max_size;
    unsigned depth;        /* open { and [ */
    char quote;            /* in a string: its quote; else 0 */
    bool escape;           /* in a string, after a backslash */
    bool scalar;           /* in a top-level bare token */
    bool discarding;       /* over a limit: swallow until depth 0 */
    bool recovering;       /* after a lexical error: skip to a sync point */
};

JSONStreamer *json_streamer_new(JSONStreamerEmit *emit, void *opaque)
{
    JSONStreamer *js = g_new0(JSONStreamer, 1);

    js->emit = emit;
    js->opaque = opaque;
    js->buf = g_string_new(NULL);
    js->max_size = JSON_MAX_TEXT_SIZE;
    return js;
}

void json_streamer_free(JSONStreamer *js)
{
    if (js) {
        g_string_free(js->buf, true);
        g_free(js);
    }
}

void json_streamer_set_max_size(JSONStreamer *js, size_t max)
{
    js->max_size = max;
}

/* Forget the current text (not the recovery state). */
static void js_reset(JSONStreamer *js)
{
    g_string_truncate(js->buf, 0);
    js->size = 0;
    js->depth = 0;
    js->quote = 0;
    js->escape = false;
    js->scalar = false;
    js->discarding = false;
}

static void js_error(JSONStreamer *js, const char *msg)
{
    Error *err = NULL;

    error_setg(&err, "%s", msg);
    js->emit(js->opaque, NULL, 0, err);
}

/* The current text is complete: hand it over unless it was discarded. */
static void js_complete(JSONStreamer *js)
{
    if (!js->discarding && js->buf->len) {
        js->emit(js->opaque, js->buf->str, js->buf->len, NULL);
    }
    js_reset(js);
}

/* Add to the text; false if that went over the size limit. */
static bool js_append(JSONStreamer *js, const char *s, size_t n)
{
    if (js->discarding) {
        return true;
    }
    if (js->size + 1 > js->max_size) {
        js_error(js, "JSON token size limit exceeded");
        g_string_truncate(js->buf, 0);
        js->discarding = true;
        return false;
    }
    js->size++;
    g_string_append_len(js->buf, s, n);
    return true;
}

static void js_lexical_error(JSONStreamer *js, unsigned char c)
{
    if (!js->discarding) {
        char msg[64];

        if (c >= 0x20 && c < 0x7f) {
            snprintf(msg, sizeof(msg), "JSON parse error, stray '%c'", c);
        } else {
            snprintf(msg, sizeof(msg), "JSON parse error, stray '\\x%02X'",
                     c);
        }
        js_error(js, msg);
    }
    js_reset(js);
    js->recovering = true;
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_structural(unsigned char c)
{
    return c == '{' || c == '}' || c == '[' || c == ']' ||
           c == ':' || c == ',';
}

/* Bytes that are errors wherever they appear outside strings. */
static bool is_bad_byte(unsigned char c)
{
    return c >= 0xfe || (c < 0x20 && !is_ws(c));
}

static void js_string_byte(JSONStreamer *js, unsigned char c)
{
    char ch = (char)c;

    if (c < 0x20 || c >= 0xfe) {
        js_lexical_error(js, c);
        return;
    }
    if (js->escape) {
        js->escape = false;
        if (c == '\'') {
            js_append(js, "'", 1);      /* \' is not standard JSON */
        } else {
            char esc[2] = { '\\', ch };

            js_append(js, esc, 2);
        }
        return;
    }
    if (c == '\\') {
        js->escape = true;
        return;
    }
    if (ch == js->quote) {
        js->quote = 0;
        js_append(js, "\"", 1);
        if (js->depth == 0) {
            js_complete(js);
        }
        return;
    }
    if (c == '"') {
        js_append(js, "\\\"", 2);       /* inside a 'single-quoted' string */
        return;
    }
    js_append(js, &ch, 1);
}

static void js_byte(JSONStreamer *js, unsigned char c)
{
    char ch = (char)c;

    if (js->recovering) {
        /* resynchronise on structure, line ends and reset bytes */
        if (!is_structural(c) && !(c < 0x20 && c != '\t') && c < 0xfe) {
            return;
        }
        js->recovering = false;
    }
    if (js->quote) {
        js_string_byte(js, c);
        return;
    }
    if (is_bad_byte(c)) {
        js_lexical_error(js, c);
        return;
    }
    if (js->scalar) {
        if (!is_ws(c) && !is_structural(c) && c != '"' && c != '\'') {
            js_append(js, &ch, 1);
            return;
        }
        js_complete(js);
        /* the delimiter starts afresh below */
    }

    switch (c) {
    case '{':
    case '[':
        js->depth++;
        if (js->depth > JSON_MAX_NESTING && !js->discarding) {
            js_error(js, "JSON nesting depth limit exceeded");
            g_string_truncate(js->buf, 0);
            js->discarding = true;
            return;
        }
        js_append(js, &ch, 1);
        return;
    case '}':
    case ']':
    case ':':
    case ',':
        if (js->depth == 0) {
            js_error(js, "JSON parse error, expecting value");
            js_reset(js);
            return;
        }
        js_append(js, &ch, 1);
        if (c == '}' || c == ']') {
            js->depth--;
            if (js->depth == 0) {
                js_complete(js);
            }
        }
        return;
    case '"':
    case '\'':
        js->quote = ch;
        js->escape = false;
        js_append(js, "\"", 1);
        return;
    }
    if (is_ws(c)) {
        if (js->depth > 0) {
            js_append(js, &ch, 1);
        }
        return;
    }
    if (js->depth == 0) {
        js->scalar = true;
    }
    js_append(js, &ch, 1);
}

void json_streamer_feed(JSONStreamer *js, const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        js_byte(js, (unsigned char)buf[i]);
    }
}

bool json_streamer_is_idle(JSONStreamer *js)
{
    return !js->buf->len && !js->depth && !js->quote && !js->scalar &&
           !js->discarding;
}

void json_streamer_flush(JSONStreamer *js)
{
    if (js->escape) {
        g_string_append_c(js->buf, '\\');
    }
    js_complete(js);
    js->recovering = false;
}
