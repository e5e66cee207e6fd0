/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting, after QEMU's include/qapi/error.h.
 *
 * Rules: a function that can fail takes "Error **errp" last and returns
 * bool/pointer/negative errno.  On failure it sets exactly one error through
 * errp; on success it leaves *errp alone.  Callers pass NULL (ignore),
 * &error_abort (abort on failure) or &error_fatal (print and exit(1)).
 * Read *errp only after ERRP_GUARD().
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include <stdbool.h>
#include <stdarg.h>
#include <glib.h>

/* QMP error classes, in QEMU's order (qapi/error.json). */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX,
} ErrorClass;

typedef struct Error Error;

extern Error *error_abort;
extern Error *error_fatal;

const char *error_class_name(ErrorClass cls);
const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass cls, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#define error_setg(errp, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define error_set(errp, cls, ...) \
    error_set_internal((errp), __FILE__, __LINE__, __func__, (cls), __VA_ARGS__)
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), __VA_ARGS__)

/* Convert a GError (consumed) into an Error, with an optional prefix. */
void error_from_gerror(Error **errp, GError *gerr, const char *prefix);

/* Move *local_err into *dst_errp (honouring abort/fatal); frees if dst NULL. */
void error_propagate(Error **dst_errp, Error *local_err);
void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void error_prepend(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void error_append_hint(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
Error *error_copy(const Error *err);
void error_free(Error *err);
void error_free_or_abort(Error **errp);
/* Print "ferry-system-x86_64: msg" through error_report, then free. */
void error_report_err(Error *err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

/*
 * Make *errp safe to read even when the caller passed NULL or
 * &error_fatal: errors are collected locally and propagated on return.
 */
typedef struct ErrorPropagator {
    Error *local_err;
    Error **errp;
} ErrorPropagator;

static inline void error_propagator_cleanup(ErrorPropagator *prop)
{
    error_propagate(prop->errp, prop->local_err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ErrorPropagator, error_propagator_cleanup)

#define ERRP_GUARD()                                            \
    g_auto(ErrorPropagator) _auto_errp_prop = {.errp = errp};   \
    do {                                                        \
        if (!errp || errp == &error_fatal) {                    \
            errp = &_auto_errp_prop.local_err;                  \
        }                                                       \
    } while (0)

/* error_report(): the one way subsystems tell the user something. */
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Raw text, no prefix (hints, help output of the error path). */
void error_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_vreport(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* -msg timestamp=on */
void error_report_set_timestamp(bool on);
/* -msg guest-name=on with -name: messages start with the guest's name. */
void error_report_set_guest_name(const char *name);
/*
 * Where in the configuration we are ("-chardev socket,id=x"): printed
 * after the program name while set, as QEMU's Location does.  NULL clears.
 */
void error_report_set_location(const char *loc);
/* Program name prefix ("ferry-system-x86_64"). */
void error_set_progname(const char *name);
/*
 * Where reports go: by default stderr; a monitor running an HMP command
 * may redirect them to its own output (set to NULL to restore).
 */
typedef void ErrorReportSink(void *opaque, const char *msg);
void error_report_set_sink(ErrorReportSink *sink, void *opaque);

#endif
