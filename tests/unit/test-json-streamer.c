/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the QMP JSON stream framer. */
#include "qemu/osdep.h"
#include "qemu/json-streamer.h"

/* What the framer emitted: texts as is, errors as "ERR:<message>". */
typedef struct Sink {
    GPtrArray *out;
} Sink;

static void sink_emit(void *opaque, const char *json, size_t len, Error *err)
{
    Sink *s = opaque;

    if (err) {
        g_assert_null(json);
        g_ptr_array_add(s->out, g_strdup_printf("ERR:%s",
                                                error_get_pretty(err)));
        error_free(err);
        return;
    }
    g_assert_nonnull(json);
    g_assert_cmpuint(strlen(json), ==, len);
    g_ptr_array_add(s->out, g_strndup(json, len));
}

static void sink_init(Sink *s)
{
    s->out = g_ptr_array_new_with_free_func(g_free);
}

/* Feed input whole, then byte by byte; both must give `want`. */
static void check_stream(const char *input, size_t len, bool flush,
                         const char *const *want)
{
    int pass;

    for (pass = 0; pass < 2; pass++) {
        Sink s;
        JSONStreamer *js;
        size_t i, n = 0;

        sink_init(&s);
        js = json_streamer_new(sink_emit, &s);
        if (pass == 0) {
            json_streamer_feed(js, input, len);
        } else {
            for (i = 0; i < len; i++) {
                json_streamer_feed(js, input + i, 1);
            }
        }
        if (flush) {
            json_streamer_flush(js);
        }
        while (want[n]) {
            n++;
        }
        if (s.out->len != n) {
            for (i = 0; i < s.out->len; i++) {
                g_printerr("got[%zu] = %s\n", i,
                           (char *)g_ptr_array_index(s.out, i));
            }
        }
        g_assert_cmpuint(s.out->len, ==, n);
        for (i = 0; i < n; i++) {
            g_assert_cmpstr(g_ptr_array_index(s.out, i), ==, want[i]);
        }
        json_streamer_free(js);
        g_ptr_array_free(s.out, true);
    }
}

#define CHECK(input, flush, ...) do {                                    \
        static const char *const want_[] = { __VA_ARGS__, NULL };       \
        check_stream((input), sizeof(input) - 1, (flush), want_);       \
    } while (0)

static void test_several_texts(void)
{
    CHECK("{\"execute\": \"qmp_capabilities\"}\r\n"
          "  {\"execute\":\"query-status\",\"id\":[1,{}]}{}[]",
          false,
          "{\"execute\": \"qmp_capabilities\"}",
          "{\"execute\":\"query-status\",\"id\":[1,{}]}",
          "{}", "[]");
}

static void test_incomplete_waits(void)
{
    static const char *const none[] = { NULL };
    static const char input[] = "{\"a\": [1, 2";

    check_stream(input, sizeof(input) - 1, false, none);
    /* at EOF the partial text goes to the parser as is */
    CHECK("{\"a\": [1, 2", true, "{\"a\": [1, 2");
}

static void test_brackets_in_strings(void)
{
    CHECK("{\"a\": \"}]{[\", \"b\": \"\\\"}\"}", false,
          "{\"a\": \"}]{[\", \"b\": \"\\\"}\"}");
}

static void test_single_quotes(void)
{
    /* 'x' becomes "x"; a " inside becomes \"; \' becomes ' */
    CHECK("{'execute': 'say \"hi\"', 'id': 'it\\'s'}", false,
          "{\"execute\": \"say \\\"hi\\\"\", \"id\": \"it's\"}");
    /* \' is accepted in double-quoted strings too */
    CHECK("[\"a\\'b\", '\\\\', '\\n']", false,
          "[\"a'b\", \"\\\\\", \"\\n\"]");
}

static void test_top_level_scalars(void)
{
    CHECK("123 true\n'str' \"s2\"null", true,
          "123", "true", "\"str\"", "\"s2\"", "null");
    /* a number waits for its delimiter until EOF */
    CHECK("42", true, "42");
    CHECK("7{}", false, "7", "{}");
}

static void test_stray_closers(void)
{
    CHECK("}{\"a\":1}]", false,
          "ERR:JSON parse error, expecting value", "{\"a\":1}",
          "ERR:JSON parse error, expecting value");
    /* mismatched pair is still one text; the parser rejects it */
    CHECK("{]\n", false, "{]");
}

static void test_reset_bytes(void)
{
    /* a control character drops the partial text, once per byte */
    CHECK("{\"execute\": \x01{\"execute\":\"x\"}", false,
          "ERR:JSON parse error, stray '\\x01'", "{\"execute\":\"x\"}");
    CHECK("{\xff{}", false, "ERR:JSON parse error, stray '\\xFF'", "{}");
    CHECK("{'bad \xff{}", false, "ERR:JSON parse error, stray '\\xFF'",
          "{}");
    /* a raw newline may not appear inside a string */
    CHECK("{'execute': 'x', 'id':'\n{'execute': 'y'}", false,
          "ERR:JSON parse error, stray '\\x0A'", "{\"execute\": \"y\"}");
    /* after an error, junk up to a structural character is skipped */
    CHECK("\x1b garbage {}", false, "ERR:JSON parse error, stray '\\x1B'",
          "{}");
    /* tab, CR and LF are whitespace between texts */
    CHECK("\t\r\n{}\t", false, "{}");
}

static void test_nesting_limit(void)
{
    GString *in = g_string_new(NULL);
    GString *ok = g_string_new(NULL);
    int i;

    for (i = 0; i < JSON_MAX_NESTING; i++) {
        g_string_append_c(ok, '[');
    }
    for (i = 0; i < JSON_MAX_NESTING; i++) {
        g_string_append_c(ok, ']');
    }
    /* exactly at the limit is fine */
    {
        const char *want[] = { ok->str, NULL };

        check_stream(ok->str, ok->len, false, want);
    }
    /* one deeper fails once; the rest of that value is swallowed */
    for (i = 0; i <= JSON_MAX_NESTING; i++) {
        g_string_append(in, i % 2 ? "[" : "{\"a\":");
    }
    g_string_append(in, "\"}}]]\"");
    for (i = JSON_MAX_NESTING; i >= 0; i--) {
        g_string_append(in, i % 2 ? "]" : "}");
    }
    g_string_append(in, "{\"next\":1}");
    {
        const char *want[] = { "ERR:JSON nesting depth limit exceeded",
                               "{\"next\":1}", NULL };

        check_stream(in->str, in->len, false, want);
    }
    g_string_free(in, true);
    g_string_free(ok, true);
}

static void test_size_limit(void)
{
    Sink s;
    JSONStreamer *js;
    static const char big[] = "{\"data\": \"0123456789abcdef}{\"}";
    static const char small[] = "{\"ok\": 1}";
    size_t i;

    sink_init(&s);
    js = json_streamer_new(sink_emit, &s);
    json_streamer_set_max_size(js, 16);
    json_streamer_feed(js, small, strlen(small));
    for (i = 0; big[i]; i++) {
        json_streamer_feed(js, big + i, 1);
    }
    json_streamer_feed(js, small, strlen(small));
    g_assert_cmpuint(s.out->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(s.out, 0), ==, small);
    g_assert_cmpstr(g_ptr_array_index(s.out, 1), ==,
                    "ERR:JSON token size limit exceeded");
    g_assert_cmpstr(g_ptr_array_index(s.out, 2), ==, small);

    /* an over-long top-level string is dropped the same way */
    g_ptr_array_set_size(s.out, 0);
    json_streamer_feed(js, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaa'[1]", 33);
    g_assert_cmpuint(s.out->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(s.out, 0), ==,
                    "ERR:JSON token size limit exceeded");
    g_assert_cmpstr(g_ptr_array_index(s.out, 1), ==, "[1]");
    json_streamer_free(js);
    g_ptr_array_free(s.out, true);
}

static void test_flush_resets(void)
{
    Sink s;
    JSONStreamer *js;

    sink_init(&s);
    js = json_streamer_new(sink_emit, &s);
    g_assert_true(json_streamer_is_idle(js));
    json_streamer_feed(js, "{'a", 3);
    g_assert_false(json_streamer_is_idle(js));
    json_streamer_flush(js);
    g_assert_true(json_streamer_is_idle(js));
    json_streamer_feed(js, "{}", 2);
    g_assert_true(json_streamer_is_idle(js));
    json_streamer_feed(js, " 12", 3);
    g_assert_false(json_streamer_is_idle(js));   /* a number may go on */
    json_streamer_feed(js, "\n", 1);
    g_assert_true(json_streamer_is_idle(js));
    json_streamer_flush(js);     /* nothing pending: no emission */
    g_assert_cmpuint(s.out->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(s.out, 0), ==, "{\"a");
    g_assert_cmpstr(g_ptr_array_index(s.out, 1), ==, "{}");
    g_assert_cmpstr(g_ptr_array_index(s.out, 2), ==, "12");
    json_streamer_free(js);
    g_ptr_array_free(s.out, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-streamer/several-texts", test_several_texts);
    g_test_add_func("/json-streamer/incomplete", test_incomplete_waits);
    g_test_add_func("/json-streamer/brackets-in-strings",
                    test_brackets_in_strings);
    g_test_add_func("/json-streamer/single-quotes", test_single_quotes);
    g_test_add_func("/json-streamer/scalars", test_top_level_scalars);
    g_test_add_func("/json-streamer/stray-closers", test_stray_closers);
    g_test_add_func("/json-streamer/reset-bytes", test_reset_bytes);
    g_test_add_func("/json-streamer/nesting-limit", test_nesting_limit);
    g_test_add_func("/json-streamer/size-limit", test_size_limit);
    g_test_add_func("/json-streamer/flush", test_flush_resets);
    return g_test_run();
}
