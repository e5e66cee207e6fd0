/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Error object (see include/qapi/error.h for the rules). */
#include "qemu/osdep.h"

struct Error {
    char *msg;
    ErrorClass err_class;
    const char *src, *func;
    int line;
    GString *hint;
};

Error *error_abort;
Error *error_fatal;

static const char *const error_class_names[ERROR_CLASS__MAX] = {
    [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
    [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
    [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *error_class_name(ErrorClass cls)
{
    g_assert(cls < ERROR_CLASS__MAX);
    return error_class_names[cls];
}

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error in %s() at %s:%d:\n",
                err->func, err->src, err->line);
        error_report("%s", error_get_pretty(err));
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    g_assert(*errp == NULL);
    *errp = err;
}

static void error_setv(Error **errp, const char *src, int line,
                       const char *func, ErrorClass cls,
                       const char *fmt, va_list ap, const char *suffix)
{
    Error *err;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    err->msg = g_strdup_vprintf(fmt, ap);
    if (suffix) {
        char *m = g_strdup_printf("%s: %s", err->msg, suffix);
        g_free(err->msg);
        err->msg = m;
    }
    err->err_class = cls;
    err->src = src;
    err->line = line;
    err->func = func;
    error_handle(errp, err);
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, ERROR_CLASS_GENERIC_ERROR, fmt, ap,
               NULL);
    va_end(ap);
}

void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, cls, fmt, ap, NULL);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, ERROR_CLASS_GENERIC_ERROR, fmt, ap,
               os_errno != 0 ? g_strerror(os_errno) : NULL);
    va_end(ap);
    errno = saved;
}

void error_from_gerror(Error **errp, GError *gerr, const char *prefix)
{
    if (prefix) {
        error_setg(errp, "%s: %s", prefix, gerr->message);
    } else {
        error_setg(errp, "%s", gerr->message);
    }
    g_error_free(gerr);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

ErrorClass error_get_class(const Error *err)
{
    return err->err_class;
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp == &error_abort || dst_errp == &error_fatal) {
        error_handle(dst_errp, local_err);
        return;
    }
    if (dst_errp && !*dst_errp) {
        *dst_errp = local_err;
    } else {
        error_free(local_err);
    }
}

static void error_vprepend(Error *err, const char *fmt, va_list ap)
{
    char *pre = g_strdup_vprintf(fmt, ap);
    char *m = g_strconcat(pre, err->msg, NULL);

    g_free(pre);
    g_free(err->msg);
    err->msg = m;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    error_vprepend(*errp, fmt, ap);
    va_end(ap);
}

void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...)
{
    va_list ap;

    if (dst_errp && !*dst_errp) {
        va_start(ap, fmt);
        error_vprepend(local_err, fmt, ap);
        va_end(ap);
    }
    error_propagate(dst_errp, local_err);
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

Error *error_copy(const Error *err)
{
    Error *c = g_new0(Error, 1);

    c->msg = g_strdup(err->msg);
    c->err_class = err->err_class;
    c->src = err->src;
    c->line = err->line;
    c->func = err->func;
    if (err->hint) {
        c->hint = g_string_new(err->hint->str);
    }
    return c;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, TRUE);
        }
        g_free(err);
    }
}

void error_free_or_abort(Error **errp)
{
    g_assert(errp && *errp);
    error_free(*errp);
    *errp = NULL;
}

void error_report_err(Error *err)
{
    error_report("%s", error_get_pretty(err));
    if (err->hint) {
        error_printf("%s", err->hint->str);
    }
    error_free(err);
}
