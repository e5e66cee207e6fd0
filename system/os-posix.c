/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -daemonize and -pidfile, as management stacks rely on them: the parent
 * exits 0 only once the child says it is ready (monitors listening, pidfile
 * written); a start-up error in the child reaches the parent's stderr and
 * makes the parent exit non-zero.
 */
#include "qemu/osdep.h"
#include "system/system.h"
#include <sys/file.h>

static bool daemonize_requested;
static int daemon_pipe = -1;
static char *pidfile_path;

bool is_daemonized(void)
{
    return daemonize_requested;
}

void os_daemonize(void)
{
    int fds[2];
    pid_t pid;

    daemonize_requested = true;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        error_report("cannot daemonize: pipe: %s", g_strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: fork: %s", g_strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        uint8_t status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        /* EOF without a status byte: the child failed during start-up. */
        _exit(n == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    if (setsid() < 0) {
        error_report("cannot daemonize: setsid: %s", g_strerror(errno));
        exit(1);
    }
    /* Second fork: the daemon is not a session leader, so it can never
     * acquire a controlling terminal. */
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: fork: %s", g_strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        _exit(0);
    }
    umask(027);
}

void os_setup_post(void)
{
    int null_fd;
    uint8_t status = 0;
    ssize_t n;

    if (!daemonize_requested) {
        return;
    }
    if (chdir("/") < 0) {
        error_report("cannot chdir to /: %s", g_strerror(errno));
        exit(1);
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        error_report("cannot open /dev/null: %s", g_strerror(errno));
        exit(1);
    }
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    close(null_fd);
    do {
        n = write(daemon_pipe, &status, 1);
    } while (n < 0 && errno == EINTR);
    close(daemon_pipe);
    daemon_pipe = -1;
}

bool qemu_write_pidfile(const char *path, Error **errp)
{
    g_autofree char *content = NULL;
    int fd;

    fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Cannot open pid file");
        return false;
    }
    /* Held for our lifetime: a second instance with the same file fails. */
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_setg_errno(errp, errno, "Cannot lock pid file");
        close(fd);
        return false;
    }
    content = g_strdup_printf("%d\n", getpid());
    if (ftruncate(fd, 0) < 0 ||
        write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
        error_setg_errno(errp, errno, "Failed to write pid file");
        close(fd);
        return false;
    }
    /* fd stays open to keep the lock. */
    pidfile_path = g_strdup(path);
    return true;
}

void qemu_remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        g_clear_pointer(&pidfile_path, g_free);
    }
}
