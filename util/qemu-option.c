/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QemuOpts: parsing and storing "key=value,..." option strings. */
#include "qemu/osdep.h"
#include "qemu/option.h"

/* One key=value of a QemuOpts, in the order given. */
typedef struct QemuOpt {
    char *name;
    char *str;
    const QemuOptDesc *desc;   /* NULL when the list accepts any key */
    union {
        bool boolean;
        uint64_t uint;
    } value;
} QemuOpt;

struct QemuOpts {
    char *id;
    QemuOptsList *list;
    GPtrArray *opts;           /* QemuOpt *, owned */
};

static void qemu_opt_free(gpointer p)
{
    QemuOpt *opt = p;

    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

static GQueue *list_head(QemuOptsList *list)
{
    if (!list->head) {
        list->head = g_queue_new();
    }
    return list->head;
}

static bool opts_accepts_any(const QemuOptsList *list)
{
    return list->desc[0].name == NULL;
}

static const QemuOptDesc *find_desc(const QemuOptDesc *desc, const char *name)
{
    for (; desc && desc->name; desc++) {
        if (!strcmp(desc->name, name)) {
            return desc;
        }
    }
    return NULL;
}

static bool is_help_option(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/* ---- value parsers ---- */

static bool parse_option_number(const char *name, const char *value,
                                uint64_t *ret, Error **errp)
{
    int err = qemu_strtou64(value, NULL, 0, ret);

    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    return true;
}

static bool parse_option_size(const char *name, const char *value,
                              uint64_t *ret, Error **errp)
{
    int err = qemu_strtosz(value, NULL, ret);

    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", name);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means"
                          " kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    return true;
}

static bool opt_parse_value(QemuOpt *opt, Error **errp)
{
    if (!opt->desc) {
        return true;
    }
    switch (opt->desc->type) {
    case QEMU_OPT_STRING:
        return true;
    case QEMU_OPT_BOOL:
        return qapi_bool_parse(opt->name, opt->str, &opt->value.boolean, errp);
    case QEMU_OPT_NUMBER:
        return parse_option_number(opt->name, opt->str, &opt->value.uint,
                                   errp);
    case QEMU_OPT_SIZE:
        return parse_option_size(opt->name, opt->str, &opt->value.uint, errp);
    }
    return true;
}

/* ---- QemuOpt access ---- */

static QemuOpt *opt_find(QemuOpts *opts, const char *name)
{
    guint i;

    if (!opts) {
        return NULL;
    }
    for (i = opts->opts->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i - 1);

        if (!strcmp(opt->name, name)) {
            return opt;
        }
    }
    return NULL;
}

static const char *opt_default(QemuOpts *opts, const char *name)
{
    const QemuOptDesc *desc = find_desc(opts->list->desc, name);

    return desc ? desc->def_value_str : NULL;
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;

    if (!opts) {
        return NULL;
    }
    opt = opt_find(opts, name);
    return opt ? opt->str : opt_default(opts, name);
}

bool qemu_opt_has(QemuOpts *opts, const char *name)
{
    return opt_find(opts, name) != NULL;
}

bool qemu_opt_get_bool_err(QemuOpts *opts, const char *name, bool defval,
                           bool *value, Error **errp)
{
    QemuOpt *opt = opt_find(opts, name);
    const char *str;

    *value = defval;
    if (opt && opt->desc && opt->desc->type == QEMU_OPT_BOOL) {
        *value = opt->value.boolean;
        return true;
    }
    str = opt ? opt->str : (opts ? opt_default(opts, name) : NULL);
    if (!str) {
        return true;
    }
    return qapi_bool_parse(name, str, value, errp);
}

bool qemu_opt_get_number_err(QemuOpts *opts, const char *name,
                             uint64_t defval, uint64_t *value, Error **errp)
{
    QemuOpt *opt = opt_find(opts, name);
    const char *str;

    *value = defval;
    if (opt && opt->desc && opt->desc->type == QEMU_OPT_NUMBER) {
        *value = opt->value.uint;
        return true;
    }
    str = opt ? opt->str : (opts ? opt_default(opts, name) : NULL);
    if (!str) {
        return true;
    }
    return parse_option_number(name, str, value, errp);
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval)
{
    bool v;

    if (!qemu_opt_get_bool_err(opts, name, defval, &v, NULL)) {
        return defval;
    }
    return v;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    uint64_t v;

    if (!qemu_opt_get_number_err(opts, name, defval, &v, NULL)) {
        return defval;
    }
    return v;
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval)
{
    QemuOpt *opt = opt_find(opts, name);
    const char *str;
    uint64_t v;

    if (opt && opt->desc && opt->desc->type == QEMU_OPT_SIZE) {
        return opt->value.uint;
    }
    str = opt ? opt->str : (opts ? opt_default(opts, name) : NULL);
    if (!str || !parse_option_size(name, str, &v, NULL)) {
        return defval;
    }
    return v;
}

/* Append name=value (value owned) after validating it against the list. */
static bool opt_add(QemuOpts *opts, const char *name, char *value,
                    Error **errp)
{
    QemuOpt *opt = g_new0(QemuOpt, 1);

    opt->name = g_strdup(name);
    opt->str = value;
    opt->desc = find_desc(opts->list->desc, name);
    if (!opt->desc && !opts_accepts_any(opts->list)) {
        error_setg(errp, "Invalid parameter '%s'", name);
        qemu_opt_free(opt);
        return false;
    }
    if (!opt_parse_value(opt, errp)) {
        qemu_opt_free(opt);
        return false;
    }
    g_ptr_array_add(opts->opts, opt);
    return true;
}

bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp)
{
    return opt_add(opts, name, g_strdup(value), errp);
}

bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp)
{
    return opt_add(opts, name, g_strdup(val ? "on" : "off"), errp);
}

bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp)
{
    return opt_add(opts, name, g_strdup_printf("%" PRId64, val), errp);
}

bool qemu_opt_unset(QemuOpts *opts, const char *name)
{
    bool found = false;
    guint i = 0;

    while (i < opts->opts->len) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        if (!strcmp(opt->name, name)) {
            g_ptr_array_remove_index(opts->opts, i);
            found = true;
        } else {
            i++;
        }
    }
    return found;
}

int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        int rc = func(opaque, opt->name, opt->str, errp);

        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* ---- QemuOpts ---- */

QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id)
{
    GList *l;

    for (l = list_head(list)->head; l; l = l->next) {
        QemuOpts *opts = l->data;

        if (!opts->id && !id) {
            return opts;
        }
        if (opts->id && id && !strcmp(opts->id, id)) {
            return opts;
        }
    }
    return NULL;
}

QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           int fail_if_exists, Error **errp)
{
    QemuOpts *opts;

    if (list->merge_lists) {
        if (id) {
            error_setg(errp, "Invalid parameter 'id'");
            return NULL;
        }
        opts = qemu_opts_find(list, NULL);
        if (opts) {
            return opts;
        }
    } else if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            return NULL;
        }
        opts = qemu_opts_find(list, id);
        if (opts) {
            if (fail_if_exists) {
                error_setg(errp, "Duplicate ID '%s' for %s", id, list->name);
                return NULL;
            }
            return opts;
        }
    }
    opts = g_new0(QemuOpts, 1);
    opts->id = g_strdup(id);
    opts->list = list;
    opts->opts = g_ptr_array_new_with_free_func(qemu_opt_free);
    g_queue_push_tail(list_head(list), opts);
    return opts;
}

void qemu_opts_del(QemuOpts *opts)
{
    if (!opts) {
        return;
    }
    g_queue_remove(list_head(opts->list), opts);
    g_ptr_array_free(opts->opts, true);
    g_free(opts->id);
    g_free(opts);
}

const char *qemu_opts_id(QemuOpts *opts)
{
    return opts->id;
}

void qemu_opts_set_id(QemuOpts *opts, char *id)
{
    g_free(opts->id);
    opts->id = id;
}

QemuOptsList *qemu_opts_list(QemuOpts *opts)
{
    return opts->list;
}

bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc, Error **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        opt->desc = find_desc(desc, opt->name);
        if (!opt->desc) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            return false;
        }
        if (!opt_parse_value(opt, errp)) {
            return false;
        }
    }
    return true;
}

int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp)
{
    GList *l = list_head(list)->head;

    while (l) {
        GList *next = l->next;     /* func may delete the current opts */
        int rc = func(opaque, l->data, errp);

        if (rc) {
            return rc;
        }
        l = next;
    }
    return 0;
}

/* ---- parsing ---- */

/*
 * A value runs to the next single ','; ",," stands for a literal comma.
 * Returns the position of the terminating ',' or NUL.
 */
static const char *get_opt_value(const char *p, char **value)
{
    GString *s = g_string_new(NULL);

    for (;;) {
        size_t n = strcspn(p, ",");

        g_string_append_len(s, p, n);
        p += n;
        if (p[0] == ',' && p[1] == ',') {
            g_string_append_c(s, ',');
            p += 2;
            continue;
        }
        break;
    }
    *value = g_string_free(s, false);
    return p;
}

/*
 * Split off one "name=value" (or a bare value for firstname, or a bare
 * flag) from params; returns where the next one starts.  *flag_prefix is
 * set to "" or "no" for bare flags, NULL otherwise.
 */
static const char *get_opt_name_value(const char *params,
                                      const char *firstname,
                                      char **name, char **value,
                                      const char **flag_prefix)
{
    size_t len = strcspn(params, "=,");
    const char *p;

    *flag_prefix = NULL;
    if (params[len] != '=') {
        if (firstname) {
            *name = g_strdup(firstname);
            p = get_opt_value(params, value);
        } else {
            *name = g_strndup(params, len);
            p = params + len;
            if (g_str_has_prefix(*name, "no")) {
                memmove(*name, *name + 2, strlen(*name + 2) + 1);
                *value = g_strdup("off");
                *flag_prefix = "no";
            } else {
                *value = g_strdup("on");
                *flag_prefix = "";
            }
        }
    } else {
        *name = g_strndup(params, len);
        p = get_opt_value(params + len + 1, value);
    }
    if (*p == ',') {
        p++;
    }
    return p;
}

static void warn_short_flag(const char *prefix, const char *name,
                            const char *value)
{
    if (!strcmp(name, "delay")) {
        warn_report("short-form boolean option '%s%s' deprecated\n"
                    "Please use nodelay=%s instead", prefix, name,
                    prefix[0] ? "on" : "off");
    } else {
        warn_report("short-form boolean option '%s%s' deprecated\n"
                    "Please use %s=%s instead", prefix, name, name, value);
    }
}

static bool opts_do_parse(QemuOpts *opts, const char *params,
                          const char *firstname, bool warn_on_flag,
                          bool *help_wanted, Error **errp)
{
    const char *p = params ? params : "";

    while (*p) {
        char *name, *value;
        const char *prefix;
        bool ok;

        p = get_opt_name_value(p, firstname, &name, &value, &prefix);
        firstname = NULL;
        if (prefix && !prefix[0] && is_help_option(name) && help_wanted) {
            *help_wanted = true;
            g_free(name);
            g_free(value);
            return false;
        }
        if (prefix && warn_on_flag && !is_help_option(name)) {
            warn_short_flag(prefix, name, value);
        }
        if (!strcmp(name, "id")) {
            /* handled by the caller before parsing */
            g_free(name);
            g_free(value);
            continue;
        }
        ok = opt_add(opts, name, value, errp);
        g_free(name);
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp)
{
    return opts_do_parse(opts, params, firstname, false, NULL, errp);
}

/* The value of the first "id=" in params, or NULL. */
static char *opts_parse_id(const char *params)
{
    const char *p = params ? params : "";

    while (*p) {
        char *name, *value;
        const char *prefix;

        p = get_opt_name_value(p, NULL, &name, &value, &prefix);
        if (!strcmp(name, "id") && !prefix) {
            g_free(name);
            return value;
        }
        g_free(name);
        g_free(value);
    }
    return NULL;
}

static QemuOpts *opts_parse(QemuOptsList *list, const char *params,
                            bool permit_abbrev, bool warn_on_flag,
                            bool *help_wanted, Error **errp)
{
    const char *firstname = permit_abbrev ? list->implied_opt_name : NULL;
    char *id = opts_parse_id(params);
    QemuOpts *opts;

    opts = qemu_opts_create(list, id, !list->merge_lists, errp);
    g_free(id);
    if (!opts) {
        return NULL;
    }
    if (!opts_do_parse(opts, params, firstname, warn_on_flag, help_wanted,
                       errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    return opts;
}

QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp)
{
    return opts_parse(list, params, permit_abbrev, false, NULL, errp);
}

QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev)
{
    Error *err = NULL;
    bool help_wanted = false;
    QemuOpts *opts;

    opts = opts_parse(list, params, permit_abbrev, true,
                      opts_accepts_any(list) ? NULL : &help_wanted, &err);
    if (!opts) {
        if (help_wanted) {
            error_free(err);
            qemu_opts_print_help(list, true);
        } else if (err) {
            error_report_err(err);
        }
    }
    return opts;
}

/* ---- help ---- */

static const char *opt_type_name(QemuOptType type)
{
    switch (type) {
    case QEMU_OPT_STRING:
        return "str";
    case QEMU_OPT_BOOL:
        return "bool (on/off)";
    case QEMU_OPT_NUMBER:
        return "num";
    case QEMU_OPT_SIZE:
        return "size";
    }
    return "str";
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

void qemu_opts_print_help(QemuOptsList *list, bool print_caption)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    const QemuOptDesc *desc;
    guint i;

    for (desc = list->desc; desc->name; desc++) {
        GString *s = g_string_new(NULL);

        g_string_append_printf(s, "  %s=<%s>", desc->name,
                               opt_type_name(desc->type));
        if (desc->help) {
            if (s->len < 24) {
                g_string_append_printf(s, "%*s", 24 - (int)s->len, "");
            }
            g_string_append_printf(s, " - %s", desc->help);
        }
        g_ptr_array_add(lines, g_string_free(s, false));
    }
    g_ptr_array_sort(lines, cmp_str);
    if (print_caption && lines->len > 0) {
        if (list->name) {
            printf("%s options:\n", list->name);
        } else {
            printf("Options:\n");
        }
    } else if (lines->len == 0) {
        if (list->name) {
            printf("There are no options for %s.\n", list->name);
        } else {
            printf("No options available.\n");
        }
    }
    for (i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}
