/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-exec (docs/cpr.md): the old image saves the CPR state into a memfd
 * named QEMU_CPR_EXEC_STATE (fds as their numbers: they stay open across
 * exec), clears FD_CLOEXEC on every saved fd and execs cpr-exec-command
 * in the same process; the new image finds the memfd through the
 * environment variable of that name, loads the state and closes the fds
 * on exec again.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include "qemu/sockets.h"
#include "migration/cpr.h"
#include "migration/migration.h"
#include "migration/misc.h"
#include "migration/options.h"

#define CPR_EXEC_ENV "QEMU_CPR_EXEC_STATE"

static bool cloexec_off(int fd)
{
    return qemu_set_cloexec(fd, false) == 0;
}

static bool cloexec_on(int fd)
{
    return qemu_set_cloexec(fd, true) == 0;
}

/*
 * The CPR state into a fresh memfd, with the save hooks' entries (the
 * clients connected right now, whose fds must stay open across the exec
 * too): main thread, just before the exec.
 */
static int cpr_exec_save_state(Error **errp)
{
    int fd = memfd_create(CPR_EXEC_ENV, MFD_CLOEXEC);
    QEMUFile *f;
    int ret;

    if (fd < 0) {
        error_setg_errno(errp, errno, "cpr-exec: cannot create the state "
                         "memfd");
        return -1;
    }
    f = qemu_file_new_output_fd(dup(fd));
    cpr_run_save_hooks(MIG_MODE_CPR_EXEC);
    ret = cpr_state_save(f, errp);
    if (qemu_fclose(f) < 0 && ret >= 0) {
        error_setg(errp, "cpr-exec: cannot write the CPR state");
        ret = -EIO;
    }
    if (ret < 0) {
        cpr_drop_hook_entries();
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * The old image's teardown out of the guest's pause: exec closes the old
 * image's KVM VM, whose destruction (freeing every memslot's metadata)
 * costs time in proportion to guest RAM.  A detached heir process,
 * forked just before the exec, holds copies of all the old image's fds
 * until the exec has happened (the pipe closes on exec), then exits: the
 * last reference, and the destruction, are its, on another CPU while the
 * new image starts.  Returns the pipe's write end (close it if the exec
 * fails: the heir then exits and releases nothing that matters), or -1
 * when no heir could be made (the exec tears down as usual).
 */
static int cpr_exec_fork_heir(void)
{
    int pfd[2];
    pid_t child;

    if (pipe2(pfd, O_CLOEXEC) < 0) {
        return -1;
    }
    child = fork();
    if (child == 0) {
        /* async-signal-safe calls only: the parent has other threads */
        if (fork() == 0) {
            char c;

            close(pfd[1]);
            while (read(pfd[0], &c, 1) < 0 && errno == EINTR) {
                /* until the exec closes the write end */
            }
            _exit(0);
        }
        _exit(0);               /* the heir is reparented: no zombie */
    }
    close(pfd[0]);
    if (child < 0) {
        close(pfd[1]);
        return -1;
    }
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        /* the intermediate child exits at once */
    }
    return pfd[1];
}

bool cpr_exec(const strList *command, Error **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    int state_fd, heir;
    char num[16];

    for (const strList *a = command; a; a = a->next) {
        g_ptr_array_add(argv, a->value);
    }
    g_ptr_array_add(argv, NULL);
    state_fd = cpr_exec_save_state(errp);
    if (state_fd < 0) {
        return false;
    }
    snprintf(num, sizeof(num), "%d", state_fd);
    if (!cloexec_off(state_fd) || !cpr_walk_fd(cloexec_off)) {
        error_setg(errp, "cpr-exec: cannot keep the fds open across exec");
    } else {
        heir = cpr_exec_fork_heir();
        setenv(CPR_EXEC_ENV, num, 1);
        execvp(argv->pdata[0], (char **)argv->pdata);
        error_setg_errno(errp, errno, "cpr-exec: cannot exec %s",
                         (char *)argv->pdata[0]);
        unsetenv(CPR_EXEC_ENV);
        if (heir >= 0) {
            close(heir);
        }
    }
    /* still the old image: everything closes on exec again */
    cpr_walk_fd(cloexec_on);
    cpr_drop_hook_entries();
    close(state_fd);
    return false;
}

void cpr_exec_load_state(void)
{
    const char *env = getenv(CPR_EXEC_ENV);
    Error *err = NULL;
    QEMUFile *f;
    int fd;

    if (!env) {
        return;
    }
    fd = qemu_parse_fd(env);
    unsetenv(CPR_EXEC_ENV);
    if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        error_report("cpr-exec: %s=%s does not name the state memfd",
                     CPR_EXEC_ENV, env);
        exit(1);
    }
    f = qemu_file_new_input_fd(fd);
    if (cpr_state_load_mode(f, MIG_MODE_CPR_EXEC, &err) < 0) {
        error_report("cpr-exec: cannot load the CPR state: %s",
                     error_get_pretty(err));
        exit(1);
    }
    qemu_fclose(f);
    cpr_walk_fd(cloexec_on);
}
