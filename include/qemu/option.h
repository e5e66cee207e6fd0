/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuOpts: "key=value,key=value" option strings, as QEMU's command line
 * takes them.
 *
 *  - An implied first key: "-chardev socket,id=x" gives backend=socket when
 *    the list's implied_opt_name is "backend".
 *  - ",," inside a value is a literal comma.
 *  - Booleans accept on/off, yes/no, true/false.
 *  - QEMU's legacy bare flags: a key without '=' means key=on, and "noKEY"
 *    means KEY=off (e.g. "server,nowait"), if KEY is a known boolean.
 *  - The special key "id" names the QemuOpts; ids are unique within a list
 *    (unless merge_lists) and must be well-formed (letter first, then
 *    letters, digits, '-', '.', '_').
 *  - A list with a desc table refuses unknown keys ("Invalid parameter 'k'")
 *    and values that do not parse as the declared type; a list with an
 *    empty desc accepts any key (checked later by its consumer with
 *    qemu_opts_validate()).
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

typedef enum QemuOptType {
    QEMU_OPT_STRING = 0,  /* no parsing, any string */
    QEMU_OPT_BOOL,        /* on/off, yes/no, true/false */
    QEMU_OPT_NUMBER,      /* unsigned decimal/hex/octal number */
    QEMU_OPT_SIZE,        /* size with optional K/M/G/T/P/E suffix (binary) */
} QemuOptType;

typedef struct QemuOptDesc {
    const char *name;
    QemuOptType type;
    const char *help;
    const char *def_value_str;
} QemuOptDesc;

typedef struct QemuOpt QemuOpt;
typedef struct QemuOpts QemuOpts;

typedef struct QemuOptsList {
    const char *name;              /* "chardev", used in messages */
    const char *implied_opt_name;  /* key of a bare first value, or NULL */
    bool merge_lists;              /* -machine a=1 -machine b=2 merge */
    /* internal: list of QemuOpts created from this list */
    GQueue *head;
    QemuOptDesc desc[];            /* terminated by {NULL}; empty = any key */
} QemuOptsList;

/* Parsing.  "params" is the whole option argument. */
QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp);
/* Parse and, on failure, error_report() the error and return NULL. */
QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev);
/* Create an empty QemuOpts in list (id may be NULL). */
QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           int fail_if_exists, Error **errp);
QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id);
void qemu_opts_del(QemuOpts *opts);
/* Check every key of opts against desc (NULL-name-terminated). */
bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc, Error **errp);
/* Parse "a=b,c=d" into existing opts. */
bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp);

/* Access.  Lookups return the last value set for a key. */
const char *qemu_opts_id(QemuOpts *opts);
void qemu_opts_set_id(QemuOpts *opts, char *id); /* takes ownership */
QemuOptsList *qemu_opts_list(QemuOpts *opts);
const char *qemu_opt_get(QemuOpts *opts, const char *name);
bool qemu_opt_has(QemuOpts *opts, const char *name);
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval);
/* Typed getters that report a malformed value (for lists without desc). */
bool qemu_opt_get_bool_err(QemuOpts *opts, const char *name, bool defval,
                           bool *value, Error **errp);
bool qemu_opt_get_number_err(QemuOpts *opts, const char *name,
                             uint64_t defval, uint64_t *value, Error **errp);
bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp);
bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp);
bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp);
/* Remove all values of a key; returns true if any was present. */
bool qemu_opt_unset(QemuOpts *opts, const char *name);

typedef int (*qemu_opt_loopfunc)(void *opaque, const char *name,
                                 const char *value, Error **errp);
int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp);
typedef int (*qemu_opts_loopfunc)(void *opaque, QemuOpts *opts, Error **errp);
/* Stops at the first non-zero return and returns it. */
int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp);

/* Value parsers shared with other code. */
bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp);
/* 0 on success, -EINVAL malformed, -ERANGE overflow */
int qemu_strtosz(const char *nptr, const char **end, uint64_t *result);
/* As qemu_strtosz but a suffix-less number is in MiB. */
int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result);
int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result);
int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result);
int qemu_strtoi(const char *nptr, const char **endptr, int base, int *result);

/* True if id is well formed (letter, then [A-Za-z0-9._-]*). */
bool id_wellformed(const char *id);

/* Print the keys of a list for "-chardev help"-style requests. */
void qemu_opts_print_help(QemuOptsList *list, bool print_caption);

#endif
