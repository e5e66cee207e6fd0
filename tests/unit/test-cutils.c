/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the number parsers in util/cutils.c. */
#include "qemu/osdep.h"
#include "qemu/option.h"

static void check_sz(const char *s, int want_err, uint64_t want)
{
    uint64_t v = 12345;
    int err = qemu_strtosz(s, NULL, &v);

    if (err != want_err) {
        g_error("qemu_strtosz(\"%s\") returned %d, expected %d", s, err,
                want_err);
    }
    if (want_err == 0 && v != want) {
        g_error("qemu_strtosz(\"%s\") = %" PRIu64 ", expected %" PRIu64,
                s, v, want);
    }
    if (want_err) {
        g_assert_cmpuint(v, ==, 0);
    }
}

static void test_strtosz_plain(void)
{
    check_sz("0", 0, 0);
    check_sz("12345", 0, 12345);
    check_sz("1b", 0, 1);
    check_sz("1B", 0, 1);
    check_sz("0x1b", 0, 0x1b);         /* hex: b is a digit, not bytes */
    check_sz("0X10", 0, 16);
    check_sz("08", 0, 8);              /* decimal, not octal */
    check_sz("18446744073709551615", 0, UINT64_MAX);
}

static void test_strtosz_suffixes(void)
{
    check_sz("1k", 0, 1024);
    check_sz("1K", 0, 1024);
    check_sz("1M", 0, 1ULL << 20);
    check_sz("1m", 0, 1ULL << 20);
    check_sz("2G", 0, 2ULL << 30);
    check_sz("1T", 0, 1ULL << 40);
    check_sz("1P", 0, 1ULL << 50);
    check_sz("1E", 0, 1ULL << 60);
    check_sz("15E", 0, 15ULL << 60);
}

static void test_strtosz_fractions(void)
{
    check_sz("1.5G", 0, 3ULL << 29);
    check_sz("0.5k", 0, 512);
    check_sz(".5k", 0, 512);
    check_sz("1.k", 0, 1024);
    check_sz("1.", 0, 1);
    check_sz("12.345M", 0, 12944671);  /* 12.345 * 2^20 rounded */
    check_sz("1.5", -EINVAL, 0);       /* a fraction needs a scale */
    check_sz("1.5b", -EINVAL, 0);
    check_sz("0x1.8k", -EINVAL, 0);
}

static void test_strtosz_errors(void)
{
    check_sz("", -EINVAL, 0);
    check_sz(" ", -EINVAL, 0);
    check_sz("k", -EINVAL, 0);
    check_sz("abc", -EINVAL, 0);
    check_sz("1kk", -EINVAL, 0);
    check_sz("1x", -EINVAL, 0);
    check_sz("0x20M", -EINVAL, 0);     /* no suffix on hex */
    check_sz("1e3", -EINVAL, 0);       /* 1E then garbage */
    check_sz("-1", -ERANGE, 0);
    check_sz("-0", -ERANGE, 0);
    check_sz("16E", -ERANGE, 0);
    check_sz("18446744073709551616", -ERANGE, 0);
    check_sz("18446744073709551615k", -ERANGE, 0);
    check_sz("inf", -EINVAL, 0);
}

static void test_strtosz_end(void)
{
    const char *s = "123kfoo";
    const char *end = NULL;
    uint64_t v;

    g_assert_cmpint(qemu_strtosz(s, &end, &v), ==, 0);
    g_assert_cmpuint(v, ==, 123 * 1024);
    g_assert_true(end == s + 4);

    s = "junk";
    g_assert_cmpint(qemu_strtosz(s, &end, &v), ==, -EINVAL);
    g_assert_true(end == s);
}

static void test_strtosz_mib(void)
{
    uint64_t v;

    g_assert_cmpint(qemu_strtosz_MiB("16", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 16ULL << 20);
    g_assert_cmpint(qemu_strtosz_MiB("0.5", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 512 * 1024);
    g_assert_cmpint(qemu_strtosz_MiB("4k", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 4096);
    g_assert_cmpint(qemu_strtosz_MiB("100b", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 100);
}

static void test_strtou64(void)
{
    uint64_t v;
    const char *end;

    g_assert_cmpint(qemu_strtou64("42", NULL, 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 42);
    g_assert_cmpint(qemu_strtou64("0x10", NULL, 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 16);
    g_assert_cmpint(qemu_strtou64("010", NULL, 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 8);
    g_assert_cmpint(qemu_strtou64("42x", NULL, 10, &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("", NULL, 10, &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("x", &end, 10, &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64(NULL, NULL, 10, &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("42x", &end, 10, &v), ==, 0);
    g_assert_cmpstr(end, ==, "x");
    g_assert_cmpint(qemu_strtou64("18446744073709551616", NULL, 10, &v),
                    ==, -ERANGE);
    g_assert_cmpuint(v, ==, UINT64_MAX);
    /* like strtoull: a minus sign wraps */
    g_assert_cmpint(qemu_strtou64("-1", NULL, 10, &v), ==, 0);
    g_assert_cmpuint(v, ==, UINT64_MAX);
}

static void test_strtoi64(void)
{
    int64_t v;

    g_assert_cmpint(qemu_strtoi64("-42", NULL, 10, &v), ==, 0);
    g_assert_cmpint(v, ==, -42);
    g_assert_cmpint(qemu_strtoi64("9223372036854775808", NULL, 10, &v),
                    ==, -ERANGE);
    g_assert_cmpint(v, ==, INT64_MAX);
    g_assert_cmpint(qemu_strtoi64("-9223372036854775809", NULL, 10, &v),
                    ==, -ERANGE);
    g_assert_cmpint(v, ==, INT64_MIN);
    g_assert_cmpint(qemu_strtoi64("1 ", NULL, 10, &v), ==, -EINVAL);
}

static void test_strtoi(void)
{
    int v;

    g_assert_cmpint(qemu_strtoi("2147483647", NULL, 10, &v), ==, 0);
    g_assert_cmpint(v, ==, INT_MAX);
    g_assert_cmpint(qemu_strtoi("2147483648", NULL, 10, &v), ==, -ERANGE);
    g_assert_cmpint(v, ==, INT_MAX);
    g_assert_cmpint(qemu_strtoi("-2147483649", NULL, 10, &v), ==, -ERANGE);
    g_assert_cmpint(v, ==, INT_MIN);
    g_assert_cmpint(qemu_strtoi("12a", NULL, 10, &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtoi("ff", NULL, 16, &v), ==, 0);
    g_assert_cmpint(v, ==, 255);
}

static void test_bool_parse(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    Error *err = NULL;
    bool b;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        b = false;
        g_assert_true(qapi_bool_parse("x", yes[i], &b, &error_abort));
        g_assert_true(b);
        g_assert_true(qapi_bool_parse("x", no[i], &b, &error_abort));
        g_assert_false(b);
    }
    g_assert_false(qapi_bool_parse("server", "maybe", &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'server' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    g_assert_false(qapi_bool_parse("server", "ON", &b, &err));
    error_free(err);
}

static void test_id_wellformed(void)
{
    g_assert_true(id_wellformed("a"));
    g_assert_true(id_wellformed("char0"));
    g_assert_true(id_wellformed("A-b.c_d"));
    g_assert_false(id_wellformed(""));
    g_assert_false(id_wellformed("0abc"));
    g_assert_false(id_wellformed("_abc"));
    g_assert_false(id_wellformed("a b"));
    g_assert_false(id_wellformed("a,b"));
    g_assert_false(id_wellformed("a/b"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtosz/plain", test_strtosz_plain);
    g_test_add_func("/cutils/strtosz/suffixes", test_strtosz_suffixes);
    g_test_add_func("/cutils/strtosz/fractions", test_strtosz_fractions);
    g_test_add_func("/cutils/strtosz/errors", test_strtosz_errors);
    g_test_add_func("/cutils/strtosz/end", test_strtosz_end);
    g_test_add_func("/cutils/strtosz/MiB", test_strtosz_mib);
    g_test_add_func("/cutils/strtou64", test_strtou64);
    g_test_add_func("/cutils/strtoi64", test_strtoi64);
    g_test_add_func("/cutils/strtoi", test_strtoi);
    g_test_add_func("/cutils/bool-parse", test_bool_parse);
    g_test_add_func("/cutils/id-wellformed", test_id_wellformed);
    return g_test_run();
}
