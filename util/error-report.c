/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error_report() and friends: one place where messages reach the user. */
#include "qemu/osdep.h"

static const char *progname = "ferry-system-x86_64";
static bool with_timestamp;
static char *location;
static char *guest_name;
static ErrorReportSink *report_sink;
static void *report_sink_opaque;

void error_set_progname(const char *name)
{
    progname = name;
}

void error_report_set_location(const char *loc)
{
    g_free(location);
    location = g_strdup(loc);
}

void error_report_set_guest_name(const char *name)
{
    g_free(guest_name);
    guest_name = g_strdup(name);
}

void error_report_set_timestamp(bool on)
{
    with_timestamp = on;
}

void error_report_set_sink(ErrorReportSink *sink, void *opaque)
{
    report_sink = sink;
    report_sink_opaque = opaque;
}

static void vreport(const char *level, const char *fmt, va_list ap)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (report_sink) {
        /* A monitor shows the message without the program prefix. */
        if (level) {
            g_string_append(s, level);
        }
        g_string_append_vprintf(s, fmt, ap);
        g_string_append_c(s, '\n');
        report_sink(report_sink_opaque, s->str);
        return;
    }
    if (with_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ ");
        g_string_append(s, ts);
    }
    if (guest_name) {
        g_string_append_printf(s, "%s ", guest_name);
    }
    g_string_append_printf(s, "%s: ", progname);
    if (location) {
        g_string_append_printf(s, "%s: ", location);
    }
    if (level) {
        g_string_append(s, level);
    }
    g_string_append_vprintf(s, fmt, ap);
    g_string_append_c(s, '\n');
    fputs(s->str, stderr);
    fflush(stderr);
}

void error_vreport(const char *fmt, va_list ap)
{
    vreport(NULL, fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(NULL, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("info: ", fmt, ap);
    va_end(ap);
}

void error_printf(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (report_sink) {
        report_sink(report_sink_opaque, msg);
        return;
    }
    fputs(msg, stderr);
    fflush(stderr);
}
