/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for qapi-gen.py's schema checking ("file:line: message"). */
#include "qemu/osdep.h"
#include <glib/gstdio.h>

static char *tmpdir;

/* Run the generator on schema text; returns exit status, *err = stderr. */
static int run_gen(const char *text, char **err)
{
    g_autofree char *schema = g_build_filename(tmpdir, "s.json", NULL);
    g_autofree char *out = g_build_filename(tmpdir, "out", NULL);
    g_autofree char *gen = g_build_filename(CONFIG_SRCDIR, "scripts",
                                            "qapi-gen.py", NULL);
    g_autofree char *python = g_find_program_in_path("python3");
    const char *argv[] = { python, gen, "-o", out, schema, NULL };
    int status;

    g_assert_nonnull(python);
    g_assert_true(g_file_set_contents(schema, text, -1, NULL));
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
                               NULL, err, &status, NULL));
    return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}

static void expect_error(const char *text, int line, const char *msg)
{
    g_autofree char *err = NULL;
    g_autofree char *prefix = g_strdup_printf("%s/s.json:%d: ", tmpdir, line);

    g_assert_cmpint(run_gen(text, &err), ==, 1);
    g_assert_true(g_str_has_prefix(err, prefix));
    g_assert_nonnull(strstr(err, msg));
}

static void test_good(void)
{
    g_autofree char *err = NULL;
    g_autofree char *h = g_build_filename(tmpdir, "out",
                                          "qapi-types-s.h", NULL);
    g_autofree char *text = NULL;

    g_assert_cmpint(run_gen("# comment\n{ 'enum': 'E', 'data': ['a'] }\n"
                            "{ 'struct': 'S', 'data': { '*e': 'E' } }\n",
                            &err), ==, 0);
    g_assert_true(g_file_get_contents(h, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "bool has_e;"));
    g_assert_nonnull(strstr(text, "E_A,"));
}

static void test_errors(void)
{
    expect_error("{ 'struct': 'S',\n  'data': { 'a': 'Nope' } }\n", 1,
                 "unknown type 'Nope'");
    expect_error("{ 'enum': 'E', 'data': ['a'] }\n\n"
                 "{ 'enum': 'E', 'data': ['b'] }\n", 3,
                 "'E' is already defined");
    expect_error("\n{ 'struct': 'S' 'data': {} }\n", 2, "expected ','");
    expect_error("{ 'struct': 'S', 'dta': {} }\n", 1,
                 "unknown key 'dta'");
    expect_error("{ 'enum': 'K', 'data': ['a'] }\n"
                 "{ 'struct': 'W', 'data': {} }\n"
                 "{ 'union': 'U', 'base': { 'type': 'K' },\n"
                 "  'discriminator': 'type', 'data': { 'b': 'W' } }\n", 3,
                 "branch 'b' is not a value of K");
    expect_error("{ \"struct\": \"S\" }\n", 1, "single-quoted");
    expect_error("{ 'command': 'c', 'if': { 'nand': ['A'] } }\n", 1,
                 "unknown 'if' operator 'nand'");
}

static void rm_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *sub = g_build_filename(path, name, NULL);

            rm_tree(sub);
        }
        g_dir_close(dir);
    }
    g_remove(path);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-qapi-gen-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_func("/qapi/gen/good", test_good);
    g_test_add_func("/qapi/gen/errors", test_errors);
    ret = g_test_run();
    rm_tree(tmpdir);
    g_free(tmpdir);
    return ret;
}
