/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-transfer's cpr channel (docs/cpr.md).  The new process waits on it
 * at start-up and loads the CPR state; the old process sends the state,
 * shuts its side and waits until the new one closes the channel, which
 * it does once it listens on the main channel.
 */
#include "qemu/osdep.h"
#include "qemu/sockets.h"
#include "migration/cpr.h"
#include "migration/migration.h"

typedef struct CprSend {
    QEMUFile *f;
    Error **errp;
    int ret;
} CprSend;

/* Main thread: the save hooks read monitor and chardev state. */
static void cpr_send_in_main(void *opaque)
{
    CprSend *c = opaque;

    c->ret = cpr_state_save_mode(c->f, MIG_MODE_CPR_TRANSFER, c->errp);
}

/*
 * cpr-transfer: hand the CPR state (fds by SCM_RIGHTS) to the new process
 * over the cpr channel, then wait until it closes the channel: it has
 * loaded the state and listens on the main channel.  Migration thread.
 */
bool cpr_transfer_output(MigrationState *s, Error **errp)
{
    int fd = unix_connect(s->cpr_addr->u.socket.u.q_unix.path, errp);
    CprSend send = { .errp = errp };
    char c;
    ssize_t n;

    if (fd < 0) {
        error_prepend(errp, "cpr channel: ");
        return false;
    }
    g_atomic_int_set(&s->cpr_fd, fd);
    if (migration_has_failed(s)) {              /* cancelled meanwhile */
        shutdown(fd, SHUT_RDWR);
    }
    send.f = qemu_file_new_output_fd(dup(fd));
    migration_run_in_main(cpr_send_in_main, &send);
    qemu_fclose(send.f);
    if (send.ret < 0) {
        goto fail;
    }
    shutdown(fd, SHUT_WR);
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 0 || migration_has_failed(s)) {
        error_setg(errp, "cpr channel: the new process did not take the CPR "
                   "state");
        goto fail;
    }
    g_atomic_int_set(&s->cpr_fd, -1);
    close(fd);
    return true;

fail:
    g_atomic_int_set(&s->cpr_fd, -1);
    close(fd);
    return false;
}

/* The cpr channel's connection, open until the main channel listens. */
static int cpr_conn = -1;

/*
 * Listen on path such that the path appears only once it listens (bound
 * under a temporary name, then renamed): a management app that waits for
 * the file and then migrates never finds it refusing connections.
 */
static int cpr_listen(const char *path, Error **errp)
{
    g_autofree char *tmp = g_strdup_printf("%s.%d", path, (int)getpid());
    int fd = unix_listen(tmp, 1, errp);

    if (fd >= 0 && rename(tmp, path) < 0) {
        error_setg_errno(errp, errno, "cannot create the cpr socket %s",
                         path);
        close(fd);
        unlink(tmp);
        return -1;
    }
    return fd;
}

void cpr_transfer_input(const MigrationChannel *ch, const char *str,
                        bool has_main)
{
    Error *err = NULL;
    QEMUFile *f;
    int lfd;

    if (!has_main) {
        error_report("-incoming %s: a cpr channel needs a main channel "
                     "(-incoming URI or defer) too", str);
        exit(1);
    }
    if (ch->addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET ||
        ch->addr->u.socket.type != SOCKET_ADDRESS_TYPE_UNIX) {
        error_report("-incoming %s: the cpr channel must be a unix socket",
                     str);
        exit(1);
    }
    /* Wait for the old process here, before any backend exists: memory
     * backends and devices then find their fds in the CPR state. */
    lfd = cpr_listen(ch->addr->u.socket.u.q_unix.path, &err);
    if (lfd < 0) {
        error_report("-incoming %s: %s", str, error_get_pretty(err));
        exit(1);
    }
    cpr_conn = qemu_accept(lfd);
    close(lfd);
    unlink(ch->addr->u.socket.u.q_unix.path);     /* used once */
    if (cpr_conn < 0) {
        error_report("-incoming %s: accept: %s", str, g_strerror(errno));
        exit(1);
    }
    f = qemu_file_new_input_fd(dup(cpr_conn));
    if (cpr_state_load(f, &err) < 0) {
        error_report("-incoming %s: cannot load the CPR state: %s", str,
                     error_get_pretty(err));
        exit(1);
    }
    qemu_fclose(f);
    cpr_set_incoming_mode(MIG_MODE_CPR_TRANSFER);
}

/* The main channel listens: closing tells the old process to connect. */
void cpr_transfer_input_close(void)
{
    if (cpr_conn >= 0) {
        close(cpr_conn);
        cpr_conn = -1;
    }
}
