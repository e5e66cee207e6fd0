/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chardev core: backend classes, the chardev registry, -chardev options. */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "monitor/fds.h"
#include "migration/cpr.h"
#include "char-internal.h"

/*
 * Core bookkeeping lives in a hidden header in front of each Chardev, so
 * the public struct stays as the contract defines it.
 */
typedef struct ChardevPriv {
    int logfd;
    bool fe_open;           /* the frontend installed handlers */
    guint opened_idle;      /* pending OPENED for a late frontend */
    bool resumed;           /* ... which is a RESUMED (CHR_EVENT_RESUMED) */
} ChardevPriv;

#define CHR_PRIV_SIZE \
    ((sizeof(ChardevPriv) + _Alignof(max_align_t) - 1) & \
     ~(_Alignof(max_align_t) - 1))

static inline ChardevPriv *chr_priv(Chardev *chr)
{
    return (ChardevPriv *)((char *)chr - CHR_PRIV_SIZE);
}

static GPtrArray *chr_classes;
static GQueue chr_list = G_QUEUE_INIT;   /* creation order */

const char *const chr_common_opt_keys[] = {
    "id", "backend", "logfile", "logappend", "mux", NULL
};

/*
 * Every key QEMU's -chardev knows.  A key outside this list is "Invalid
 * parameter"; a known key the backend does not take is refused naming the
 * backend.
 */
static const char *const chr_all_opt_keys[] = {
    "backend", "path", "input-path", "host", "port", "fd", "localaddr",
    "localport", "to", "ipv4", "ipv6", "wait", "server", "delay", "nodelay",
    "reconnect-ms", "telnet", "tn3270", "tls-creds",
    "tls-authz", "websocket", "width", "height", "cols", "rows", "mux",
    "signal", "name", "debug", "size", "chardev", "append", "logfile",
    "logappend", "mouse", "clipboard", "tight", "abstract", NULL
};

/* ---- classes ---- */

void qemu_chr_register_class(const ChardevClass *cls)
{
    if (!chr_classes) {
        chr_classes = g_ptr_array_new();
    }
    if (!qemu_chr_find_class(cls->name)) {
        g_ptr_array_add(chr_classes, (gpointer)cls);
    }
}

const ChardevClass *qemu_chr_find_class(const char *name)
{
    if (!chr_classes || !name) {
        return NULL;
    }
    for (guint i = 0; i < chr_classes->len; i++) {
        const ChardevClass *cls = g_ptr_array_index(chr_classes, i);
        if (!strcmp(cls->name, name)) {
            return cls;
        }
    }
    return NULL;
}

void chr_register_null(void);
void chr_register_ringbuf(void);
void chr_register_socket(void);
void chr_register_stdio(void);
void chr_register_file(void);
void chr_register_pipe(void);
void chr_register_pty(void);

char *chr_cpr_name(Chardev *chr)
{
    return g_strdup_printf("chardev/%s", chr->label);
}

static void chr_cpr_save_one(Chardev *chr, void *opaque)
{
    if (chr->cls->cpr_save) {
        chr->cls->cpr_save(chr, *(MigMode *)opaque);
    }
}

/* Every chardev whose backend keeps fds across CPR saves them. */
static void chr_cpr_save(MigMode mode)
{
    qemu_chr_foreach(chr_cpr_save_one, &mode);
}

void qemu_chr_init_backends(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    cpr_add_save_hook(chr_cpr_save);
    chr_register_file();
    chr_register_pipe();
    chr_register_socket();
    chr_register_pty();
    chr_register_null();
    chr_register_stdio();
    chr_register_ringbuf();
}

/* For query-chardev-backends: names in registration order. */
void qemu_chr_foreach_class(void (*fn)(const ChardevClass *cls, void *opaque),
                            void *opaque)
{
    qemu_chr_init_backends();
    for (guint i = 0; i < chr_classes->len; i++) {
        fn(g_ptr_array_index(chr_classes, i), opaque);
    }
}

static const ChardevClass *chr_get_class(const char *driver, Error **errp)
{
    const ChardevClass *cls;

    qemu_chr_init_backends();
    cls = qemu_chr_find_class(driver);
    if (!cls) {
        error_setg(errp, "'%s' is not a valid char driver name", driver);
    }
    return cls;
}

/* ---- instances ---- */

Chardev *qemu_chr_find(const char *label)
{
    for (GList *l = chr_list.head; l; l = l->next) {
        Chardev *chr = l->data;
        if (!strcmp(chr->label, label)) {
            return chr;
        }
    }
    return NULL;
}

void qemu_chr_foreach(ChardevIterFunc *fn, void *opaque)
{
    GList *l = chr_list.head;

    while (l) {
        GList *next = l->next;   /* fn may not delete, but be safe */
        fn(l->data, opaque);
        l = next;
    }
}

/* Free what the core owns (after the backend's finalize, if any). */
static void chr_free_core(Chardev *chr)
{
    ChardevPriv *priv = chr_priv(chr);

    if (priv->opened_idle) {
        g_source_remove(priv->opened_idle);
        priv->opened_idle = 0;
    }
    if (chr->be) {
        chr->be->chr = NULL;
    }
    if (priv->logfd >= 0) {
        qemu_close(priv->logfd);
    }
    g_free(chr->label);
    g_free(chr->filename);
    g_free(priv);
}

static void chr_free(Chardev *chr)
{
    if (chr->cls->finalize) {
        chr->cls->finalize(chr);
    }
    chr_free_core(chr);
}

static Chardev *chr_create(const char *id, const ChardevClass *cls,
                           ChardevBackend *backend, Error **errp)
{
    ChardevCommon *common = chr_backend_common(backend);
    size_t size = MAX(cls->instance_size, sizeof(Chardev));
    ChardevPriv *priv = g_malloc0(CHR_PRIV_SIZE + size);
    Chardev *chr = (Chardev *)((char *)priv + CHR_PRIV_SIZE);
    bool be_opened = true;

    priv->logfd = -1;
    chr->cls = cls;
    chr->label = g_strdup(id);

    if (common && common->logfile) {
        int flags = O_WRONLY;

        flags |= common->has_logappend && common->logappend ?
                 O_APPEND : O_TRUNC;
        priv->logfd = qemu_create(common->logfile, flags, 0666, errp);
        if (priv->logfd < 0) {
            goto fail;
        }
    }
    if (cls->open && !cls->open(chr, backend, &be_opened, errp)) {
        /* A failed open has released what it took: no finalize. */
        chr_free_core(chr);
        return NULL;
    }
    if (!chr->filename) {
        chr->filename = g_strdup(cls->name);
    }
    if (be_opened) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
    return chr;

fail:
    chr_free_core(chr);
    return NULL;
}

Chardev *qemu_chardev_new(const char *id, ChardevBackend *backend,
                          Error **errp)
{
    const ChardevClass *cls;
    Chardev *chr;

    if (qemu_chr_find(id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        return NULL;
    }
    cls = chr_get_class(ChardevBackendKind_str(backend->type), errp);
    if (!cls) {
        return NULL;
    }
    chr = chr_create(id, cls, backend, errp);
    if (chr) {
        g_queue_push_tail(&chr_list, chr);
    }
    return chr;
}

bool qemu_chr_delete(const char *label, Error **errp)
{
    Chardev *chr = qemu_chr_find(label);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", label);
        return false;
    }
    if (chr->be) {
        error_setg(errp, "Chardev '%s' is busy", label);
        return false;
    }
    g_queue_remove(&chr_list, chr);
    chr_free(chr);
    return true;
}

void qemu_chr_cleanup(void)
{
    Chardev *chr;

    while ((chr = g_queue_pop_tail(&chr_list))) {
        chr_free(chr);
    }
}

/* ---- backend side ---- */

void qemu_chr_be_event(Chardev *s, QEMUChrEvent event)
{
    CharBackend *be = s->be;

    switch (event) {
    case CHR_EVENT_OPENED:
        s->be_open = true;
        break;
    case CHR_EVENT_RESUMED:
        s->be_open = true;
        /* a frontend that attaches later is told so (chr_opened_idle) */
        chr_priv(s)->resumed = !(be && be->chr_event);
        break;
    case CHR_EVENT_CLOSED:
        s->be_open = false;
        chr_priv(s)->resumed = false;
        /*
         * The frontend has not been told about the open yet: drop both
         * the pending OPENED and this CLOSED.
         */
        if (chr_priv(s)->opened_idle) {
            g_source_remove(chr_priv(s)->opened_idle);
            chr_priv(s)->opened_idle = 0;
            return;
        }
        break;
    default:
        break;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

int qemu_chr_be_can_write(Chardev *s)
{
    CharBackend *be = s->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *s, const uint8_t *buf, int len)
{
    CharBackend *be = s->be;

    if (be && be->chr_read) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_write_log(Chardev *chr, const uint8_t *buf, size_t len)
{
    int fd = chr_priv(chr)->logfd;
    size_t done = 0;

    while (fd >= 0 && done < len) {
        ssize_t ret = write(fd, buf + done, len - done);
        if (ret < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (ret <= 0) {
            return;     /* logs are best effort */
        }
        done += ret;
    }
}

bool qemu_chr_fe_is_open(Chardev *chr)
{
    return chr->be && chr_priv(chr)->fe_open;
}

void qemu_chr_set_fe_open(Chardev *chr, bool open)
{
    chr_priv(chr)->fe_open = open;
}

static gboolean chr_opened_idle(gpointer opaque)
{
    Chardev *chr = opaque;

    chr_priv(chr)->opened_idle = 0;
    if (chr->be_open && chr->be) {
        qemu_chr_be_event(chr, chr_priv(chr)->resumed ? CHR_EVENT_RESUMED
                                                      : CHR_EVENT_OPENED);
    }
    return G_SOURCE_REMOVE;
}

void qemu_chr_schedule_opened(Chardev *chr)
{
    ChardevPriv *priv = chr_priv(chr);

    if (!priv->opened_idle) {
        /* Before any read watch fires: the frontend sees OPENED first. */
        priv->opened_idle = g_idle_add_full(G_PRIORITY_HIGH, chr_opened_idle,
                                            chr, NULL);
    }
}

/* ---- -chardev options ---- */

static QemuOptsList chr_opts_list = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .desc = { { NULL } },
};

QemuOptsList *qemu_chardev_opts(void)
{
    return &chr_opts_list;
}

static bool key_in(const char *const *keys, const char *key)
{
    for (; keys && *keys; keys++) {
        if (!strcmp(*keys, key)) {
            return true;
        }
    }
    return false;
}

typedef struct KeyCheck {
    const ChardevClass *cls;
} KeyCheck;

static int chr_check_key(void *opaque, const char *name, const char *value,
                         Error **errp)
{
    KeyCheck *kc = opaque;

    if (key_in(chr_common_opt_keys, name) ||
        key_in(kc->cls->opt_keys, name)) {
        return 0;
    }
    if (!key_in(chr_all_opt_keys, name)) {
        error_setg(errp, "Invalid parameter '%s'", name);
    } else {
        error_setg(errp, "Parameter '%s' is not supported by chardev "
                   "backend '%s'", name, kc->cls->name);
    }
    return -1;
}

bool chr_opt_bool(QemuOpts *opts, const char *key, bool defval, bool *val,
                  Error **errp)
{
    return qemu_opt_get_bool_err(opts, key, defval, val, errp);
}

bool chr_opt_number(QemuOpts *opts, const char *key, uint64_t defval,
                    uint64_t *val, Error **errp)
{
    return qemu_opt_get_number_err(opts, key, defval, val, errp);
}

void qemu_chr_parse_common(QemuOpts *opts, ChardevCommon *common)
{
    common->logfile = g_strdup(qemu_opt_get(opts, "logfile"));
    common->has_logappend = true;
    common->logappend = qemu_opt_get_bool(opts, "logappend", false);
}

static ChardevBackendKind chr_kind_from_name(const char *name)
{
    for (int i = 0; i < CHARDEV_BACKEND_KIND__MAX; i++) {
        if (!strcmp(ChardevBackendKind_str(i), name)) {
            return i;
        }
    }
    return CHARDEV_BACKEND_KIND_NULL;
}

/* Options to a QAPI backend description, checking every key. */
static ChardevBackend *chr_parse_opts(QemuOpts *opts,
                                      const ChardevClass **pcls,
                                      Error **errp)
{
    const char *name = qemu_opt_get(opts, "backend");
    ChardevBackend *backend;
    const ChardevClass *cls;
    Error *local_err = NULL;
    KeyCheck kc;
    bool b;

    if (!name) {
        error_setg(errp, "chardev: \"%s\" missing backend",
                   qemu_opts_id(opts));
        return NULL;
    }
    cls = chr_get_class(name, errp);
    if (!cls) {
        return NULL;
    }
    kc.cls = cls;
    if (qemu_opt_foreach(opts, chr_check_key, &kc, errp)) {
        return NULL;
    }
    if (!chr_opt_bool(opts, "logappend", false, &b, errp) ||
        !chr_opt_bool(opts, "mux", false, &b, errp)) {
        return NULL;
    }
    if (b) {
        error_setg(errp, "Chardev '%s': 'mux' is not supported yet",
                   qemu_opts_id(opts));
        return NULL;
    }

    backend = g_new0(ChardevBackend, 1);
    backend->type = chr_kind_from_name(cls->name);
    if (cls->parse) {
        cls->parse(opts, backend, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            /* Parsers fail before allocating their branch, or after. */
            if (backend->u.null.data) {
                qapi_free_ChardevBackend(backend);
            } else {
                g_free(backend);
            }
            return NULL;
        }
    } else {
        ChardevCommon *common = g_new0(ChardevCommon, 1);
        qemu_chr_parse_common(opts, common);
        backend->u.null.data = common;
    }
    *pcls = cls;
    return backend;
}

static void append_class_name(const ChardevClass *cls, void *opaque)
{
    g_string_append_printf(opaque, "\n  %s", cls->name);
}

Chardev *qemu_chr_new_from_opts(QemuOpts *opts, Error **errp)
{
    const char *name = qemu_opt_get(opts, "backend");
    const char *id = qemu_opts_id(opts);
    const ChardevClass *cls;
    ChardevBackend *backend;
    Chardev *chr;

    if (name && (!strcmp(name, "help") || !strcmp(name, "?"))) {
        GString *str = g_string_new("");

        qemu_chr_foreach_class(append_class_name, str);
        printf("Available chardev backend types: %s\n", str->str);
        g_string_free(str, true);
        return NULL;    /* no error: the caller exits successfully */
    }
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    backend = chr_parse_opts(opts, &cls, errp);
    if (!backend) {
        return NULL;
    }
    chr = qemu_chardev_new(id, backend, errp);
    qapi_free_ChardevBackend(backend);
    return chr;
}

/* ---- legacy strings ---- */

static QemuOpts *compat_tcp(QemuOpts *opts, const char *spec, const char *p,
                            Error **errp)
{
    const char *colon = strchr(p, ':');
    const char *comma;
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;

    if (!colon) {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    host = g_strndup(p, colon - p);
    comma = strchr(colon + 1, ',');
    port = comma ? g_strndup(colon + 1, comma - colon - 1)
                 : g_strdup(colon + 1);
    if (!*port) {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    if (!qemu_opt_set(opts, "backend", "socket", errp) ||
        !qemu_opt_set(opts, "host", host, errp) ||
        !qemu_opt_set(opts, "port", port, errp)) {
        return NULL;
    }
    if (comma && !qemu_opts_do_parse(opts, comma + 1, NULL, errp)) {
        return NULL;
    }
    return opts;
}

static QemuOpts *chr_compat_fill(QemuOpts *opts, const char *spec,
                                 Error **errp)
{
    static const char *const simple[] = { "null", "pty", "stdio", NULL };
    static const struct {
        const char *prefix;
        const char *backend;
    } pathlike[] = {
        { "file:", "file" }, { "pipe:", "pipe" }, { "pty:", "pty" },
    };
    static const char *const unsupported[] = {
        "telnet:", "tn3270:", "websocket:", "udp:", "vc", "msmouse",
        "wctablet", "braille", "testdev", "/dev/", NULL
    };

    if (key_in(simple, spec)) {
        return qemu_opt_set(opts, "backend", spec, errp) ? opts : NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(pathlike); i++) {
        if (g_str_has_prefix(spec, pathlike[i].prefix)) {
            const char *path = spec + strlen(pathlike[i].prefix);
            if (!qemu_opt_set(opts, "backend", pathlike[i].backend, errp) ||
                !qemu_opt_set(opts, "path", path, errp)) {
                return NULL;
            }
            return opts;
        }
    }
    if (g_str_has_prefix(spec, "tcp:")) {
        return compat_tcp(opts, spec, spec + 4, errp);
    }
    if (g_str_has_prefix(spec, "unix:")) {
        if (!qemu_opt_set(opts, "backend", "socket", errp) ||
            !qemu_opts_do_parse(opts, spec + 5, "path", errp)) {
            return NULL;
        }
        return opts;
    }
    if (g_str_has_prefix(spec, "mon:")) {
        error_setg(errp, "'%s': multiplexing a monitor (mon:) is not "
                   "supported yet", spec);
        return NULL;
    }
    for (size_t i = 0; unsupported[i]; i++) {
        if (g_str_has_prefix(spec, unsupported[i])) {
            error_setg(errp, "'%s': character device type '%.*s' is not "
                       "supported", spec,
                       (int)strcspn(unsupported[i], ":"), unsupported[i]);
            return NULL;
        }
    }
    error_setg(errp, "'%s' is not a valid char driver", spec);
    return NULL;
}

QemuOpts *qemu_chr_parse_compat(const char *label, const char *spec,
                                Error **errp)
{
    QemuOpts *opts = qemu_opts_create(&chr_opts_list, label, 1, errp);

    if (!opts) {
        return NULL;
    }
    if (!chr_compat_fill(opts, spec, errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    return opts;
}

Chardev *qemu_chr_new(const char *label, const char *spec, Error **errp)
{
    QemuOpts *opts;
    Chardev *chr;

    if (g_str_has_prefix(spec, "chardev:")) {
        chr = qemu_chr_find(spec + 8);
        if (!chr) {
            error_setg(errp, "Chardev '%s' not found", spec + 8);
        }
        return chr;
    }
    if (!strcmp(spec, "none")) {
        error_setg(errp, "'none' does not create a character device");
        return NULL;
    }
    opts = qemu_chr_parse_compat(label, spec, errp);
    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    qemu_opts_del(opts);
    return chr;
}
