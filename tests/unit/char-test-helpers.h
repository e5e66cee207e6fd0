/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the chardev unit tests: a recording frontend and helpers. */
#ifndef TESTS_UNIT_CHAR_TEST_HELPERS_H
#define TESTS_UNIT_CHAR_TEST_HELPERS_H

#include "chardev/char.h"

extern char *tmpdir;

/* A frontend that records what it sees. */
typedef struct FeState {
    CharBackend be;
    GString *data;
    int opened;
    int resumed;        /* CHR_EVENT_RESUMED: kept across cpr-exec */
    int closed;
    int breaks;
    int can_read;
    int fd_seen;        /* fd claimed while handling a read, or -1 */
    bool grab_fd;
} FeState;

/* Run the main loop until cond holds (or fail after a few seconds). */
#define WAIT_FOR(cond)                                                  \
    do {                                                                \
        gint64 deadline_ = g_get_monotonic_time() + 5 * G_USEC_PER_SEC; \
        while (!(cond)) {                                               \
            g_assert_cmpint(g_get_monotonic_time(), <, deadline_);      \
            g_main_context_iteration(NULL, false);                      \
            g_usleep(1000);                                             \
        }                                                               \
    } while (0)

int fe_can_read(void *opaque);
void fe_read(void *opaque, const uint8_t *buf, int size);
void fe_event(void *opaque, QEMUChrEvent event);
void fe_attach(FeState *fe, Chardev *chr);
void fe_detach(FeState *fe);
void spin(int n);
Chardev *new_chr(const char *spec, Error **errp);
void expect_error(const char *spec, const char *want);
char *tmp_path(const char *name);
int client_connect(const char *path);
void read_exact(int fd, char *buf, size_t len);
/* Common set-up and tear-down of a test program. */
void char_test_init(int *argc, char ***argv);
int char_test_finish(int ret);

#endif
