/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP server: a line discipline on the chardev (echo, backspace, CR/LF),
 * the "(qemu) " prompt, and command-line parsing against the tables in
 * hmp-commands.c.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "monitor/hmp.h"

#define HMP_PROMPT "(qemu) "
#define HMP_MAX_LINE 4096

struct HMPArgs {
    GHashTable *values;
};

const char *hmp_arg_str(const HMPArgs *args, const char *name)
{
    return g_hash_table_lookup(args->values, name);
}

bool hmp_arg_flag(const HMPArgs *args, const char *name)
{
    return g_hash_table_contains(args->values, name);
}

void hmp_handle_error(Monitor *mon, Error *err)
{
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static const HMPCommand *find_command(const HMPCommand *table,
                                      const char *name)
{
    for (const HMPCommand *c = table; c->name; c++) {
        g_auto(GStrv) names = g_strsplit(c->name, "|", -1);

        for (char **n = names; *n; n++) {
            if (!strcmp(*n, name)) {
                return c;
            }
        }
    }
    return NULL;
}

static const char *skip_spaces(const char *p)
{
    while (*p && g_ascii_isspace(*p)) {
        p++;
    }
    return p;
}

/* A word, or a "quoted string" with \" and \\ escapes; NULL on error. */
static char *get_word(const char **pp)
{
    const char *p = skip_spaces(*pp);
    GString *s = g_string_new(NULL);

    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
            }
            g_string_append_c(s, *p++);
        }
        if (*p != '"') {
            g_string_free(s, TRUE);
            return NULL;
        }
        p++;
    } else {
        while (*p && !g_ascii_isspace(*p)) {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, FALSE);
}

static bool parse_arguments(Monitor *mon, const HMPCommand *cmd,
                            const char *p, HMPArgs *args)
{
    g_auto(GStrv) specs = NULL;

    if (!cmd->args_type || !*cmd->args_type) {
        p = skip_spaces(p);
        if (*p) {
            monitor_printf(mon, "%s: extraneous characters at the end of "
                           "line\n", cmd->name);
            return false;
        }
        return true;
    }
    specs = g_strsplit(cmd->args_type, ",", -1);
    for (char **s = specs; *s; s++) {
        g_autofree char *name = g_strdup(*s);
        char *type = strchr(name, ':');
        bool optional;

        g_assert(type);
        *type++ = '\0';
        optional = type[strlen(type) - 1] == '?';
        p = skip_spaces(p);
        if (type[0] == '/') {
            /* optional "/fmt" (x, xp) */
            if (*p == '/') {
                g_hash_table_insert(args->values, g_strdup(name),
                                    get_word(&p));
            }
            continue;
        }
        if (type[0] == '-') {
            /* flag: "-d" */
            if (p[0] == '-' && p[1] == type[1] &&
                (!p[2] || g_ascii_isspace(p[2]))) {
                g_hash_table_insert(args->values, g_strdup(name),
                                    g_strdup("on"));
                p += 2;
            }
            continue;
        }
        if (!*p) {
            if (optional) {
                continue;
            }
            monitor_printf(mon, "%s: string expected\n", cmd->name);
            return false;
        }
        if (type[0] == 'S') {
            g_autofree char *rest = g_strchomp(g_strdup(p));
            g_hash_table_insert(args->values, g_strdup(name),
                                g_steal_pointer(&rest));
            p += strlen(p);
        } else {
            char *word = get_word(&p);

            if (!word) {
                monitor_printf(mon, "%s: unterminated string\n", cmd->name);
                return false;
            }
            g_hash_table_insert(args->values, g_strdup(name), word);
        }
    }
    p = skip_spaces(p);
    if (*p) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmd->name);
        return false;
    }
    return true;
}

/* error_report() during an HMP command goes to that monitor, as in QEMU. */
static void hmp_report_sink(void *opaque, const char *msg)
{
    monitor_puts(opaque, msg);
}

void handle_hmp_command(Monitor *mon, const char *cmdline)
{
    const HMPCommand *table = hmp_cmds;
    const HMPCommand *cmd = NULL;
    const char *p = skip_spaces(cmdline);
    const char *start = p;
    HMPArgs args;
    Monitor *old;

    if (!*p) {
        return;
    }
    for (;;) {
        g_autofree char *name = NULL;
        const char *q = p;

        while (*q && !g_ascii_isspace(*q)) {
            q++;
        }
        name = g_strndup(p, q - p);
        cmd = find_command(table, name);
        if (!cmd) {
            monitor_printf(mon, "unknown command: '%.*s'\n",
                           (int)(q - start), start);
            return;
        }
        p = q;
        if (!cmd->sub_table || !*skip_spaces(p)) {
            break;
        }
        table = cmd->sub_table;
        p = skip_spaces(p);
    }

    args.values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
    if (parse_arguments(mon, cmd, p, &args)) {
        old = monitor_set_cur(mon);
        error_report_set_sink(hmp_report_sink, mon);
        cmd->cmd(mon, &args);
        error_report_set_sink(NULL, NULL);
        monitor_set_cur(old);
    }
    g_hash_table_destroy(args.values);
}

static void print_table(Monitor *mon, const HMPCommand *table,
                        const char *prefix)
{
    for (const HMPCommand *c = table; c->name; c++) {
        monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name,
                       c->params ? c->params : "", c->help);
    }
}

void hmp_help(Monitor *mon, const HMPArgs *args)
{
    const char *name = hmp_arg_str(args, "name");

    if (name && !strcmp(name, "info")) {
        print_table(mon, hmp_info_cmds, "info ");
        return;
    }
    if (name) {
        const HMPCommand *c = find_command(hmp_cmds, name);

        if (!c) {
            monitor_printf(mon, "unknown command: '%s'\n", name);
            return;
        }
        monitor_printf(mon, "%s %s -- %s\n", c->name,
                       c->params ? c->params : "", c->help);
        return;
    }
    print_table(mon, hmp_cmds, "");
}

void hmp_info_help(Monitor *mon, const HMPArgs *args)
{
    print_table(mon, hmp_info_cmds, "info ");
}

static void hmp_prompt(Monitor *mon)
{
    monitor_write(mon, HMP_PROMPT, strlen(HMP_PROMPT));
}

static int hmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    return mon->suspended ? 0 : 1024;
}

bool monitor_suspend(Monitor *mon)
{
    if (!mon || mon->is_qmp || !mon->has_chr || mon->capture) {
        return false;
    }
    mon->suspended = true;
    return true;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size);

void monitor_resume(Monitor *mon)
{
    g_autoptr(GString) rest = NULL;

    if (!mon->suspended) {
        return;
    }
    mon->suspended = false;
    if (mon->connected) {
        hmp_prompt(mon);
    }
    rest = mon->pending;
    mon->pending = NULL;
    if (rest && rest->len) {
        hmp_read(mon, (const uint8_t *)rest->str, rest->len);
    }
    qemu_chr_fe_accept_input(&mon->chr);
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t c = buf[i];

        if (c == '\n' && mon->last_was_cr) {
            mon->last_was_cr = false;
            continue;
        }
        mon->last_was_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            g_autofree char *line = g_strdup(mon->line->str);

            g_string_truncate(mon->line, 0);
            monitor_write(mon, "\r\n", 2);
            handle_hmp_command(mon, line);
            if (!mon->connected) {
                return;
            }
            if (mon->suspended) {
                /* the rest waits for monitor_resume() */
                mon->pending = g_string_new_len((const char *)buf + i + 1,
                                                size - i - 1);
                return;
            }
            hmp_prompt(mon);
        } else if (c == 0x7f || c == 0x08) {
            if (mon->line->len) {
                g_string_truncate(mon->line, mon->line->len - 1);
                monitor_write(mon, "\b \b", 3);
            }
        } else if (c >= 0x20 && mon->line->len < HMP_MAX_LINE) {
            g_string_append_c(mon->line, c);
            monitor_write(mon, (const char *)&c, 1);
        }
    }
    /* fds that no command on this line claimed are closed */
    if (!mon->line->len) {
        monitor_close_unclaimed_fds(mon);
    }
}

static void hmp_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        mon->connected = true;
        g_string_truncate(mon->line, 0);
        monitor_printf(mon, "QEMU %s monitor - type 'help' for more "
                       "information\n", FERRY_VERSION_STRING);
        hmp_prompt(mon);
        break;
    case CHR_EVENT_RESUMED:
        /* kept across cpr-exec: no banner; a prompt if one is owed */
        mon->connected = true;
        g_string_truncate(mon->line, 0);
        if (monitor_cpr_resume_hmp_prompt(mon)) {
            hmp_prompt(mon);
        }
        break;
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        g_string_truncate(mon->line, 0);
        if (mon->pending) {
            g_string_free(mon->pending, TRUE);
            mon->pending = NULL;
        }
        monitor_fdsets_cleanup();
        break;
    default:
        break;
    }
}

void monitor_init_hmp(Monitor *mon)
{
    mon->line = g_string_new(NULL);
    qemu_chr_fe_set_handlers(&mon->chr, hmp_can_read, hmp_read, hmp_event,
                             mon);
}

void hmp_monitor_destroy(Monitor *mon)
{
    if (mon->line) {
        g_string_free(mon->line, TRUE);
        mon->line = NULL;
    }
}
