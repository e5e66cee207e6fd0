/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host memory backends (-object memory-backend-*) and "info ramblock". */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/vfs.h>
#include "system/hostmem.h"
#include "migration/blocker.h"
#include "migration/cpr.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define HUGETLBFS_MAGIC_NUMBER 0x958458f6

typedef enum HostMemType {
    HOSTMEM_RAM,
    HOSTMEM_MEMFD,
    HOSTMEM_FILE,
} HostMemType;

static const char *const hostmem_type_names[] = {
    [HOSTMEM_RAM] = "memory-backend-ram",
    [HOSTMEM_MEMFD] = "memory-backend-memfd",
    [HOSTMEM_FILE] = "memory-backend-file",
};

/* The block is found by name (the id), so physmem may free it first. */
typedef struct HostMemoryBackend {
    char *id;
    HostMemType type;
    bool mapped;
} HostMemoryBackend;

static GPtrArray *backends;

/* Keys every backend takes (QEMU's MemoryBackendProperties). */
#define HOSTMEM_COMMON_DESC \
    { .name = "qom-type", .type = QEMU_OPT_STRING }, \
    { .name = "size", .type = QEMU_OPT_SIZE }, \
    { .name = "share", .type = QEMU_OPT_BOOL }, \
    { .name = "prealloc", .type = QEMU_OPT_BOOL }, \
    { .name = "prealloc-threads", .type = QEMU_OPT_NUMBER }, \
    { .name = "reserve", .type = QEMU_OPT_BOOL }, \
    { .name = "merge", .type = QEMU_OPT_BOOL }, \
    { .name = "dump", .type = QEMU_OPT_BOOL }, \
    { .name = "x-use-canonical-path-for-ramblock-id", .type = QEMU_OPT_BOOL }

/* Static: validated options keep pointers into their desc. */
static const QemuOptDesc ram_desc[] = {
    HOSTMEM_COMMON_DESC,
    { NULL }
};

static const QemuOptDesc file_desc[] = {
    HOSTMEM_COMMON_DESC,
    { .name = "mem-path", .type = QEMU_OPT_STRING },
    { .name = "align", .type = QEMU_OPT_SIZE },
    { .name = "offset", .type = QEMU_OPT_SIZE },
    { .name = "readonly", .type = QEMU_OPT_BOOL },
    { .name = "discard-data", .type = QEMU_OPT_BOOL },
    { NULL }
};

static const QemuOptDesc memfd_desc[] = {
    HOSTMEM_COMMON_DESC,
    { .name = "hugetlb", .type = QEMU_OPT_BOOL },
    { .name = "hugetlbsize", .type = QEMU_OPT_SIZE },
    { .name = "seal", .type = QEMU_OPT_BOOL },
    { NULL }
};

static int hostmem_type_from_name(const char *name)
{
    for (unsigned i = 0; name && i < ARRAY_SIZE(hostmem_type_names); i++) {
        if (!strcmp(name, hostmem_type_names[i])) {
            return i;
        }
    }
    return -1;
}

bool host_memory_backend_is_type(const char *qom_type)
{
    return hostmem_type_from_name(qom_type) >= 0;
}

static HostMemoryBackend *backend_find(const char *id)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        HostMemoryBackend *b = g_ptr_array_index(backends, i);

        if (!strcmp(b->id, id)) {
            return b;
        }
    }
    return NULL;
}

static const QemuOptDesc *desc_find(const QemuOptDesc *d, const char *name)
{
    for (; d && d->name; d++) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

static int check_key(void *opaque, const char *name, const char *value,
                     Error **errp)
{
    if (!desc_find(opaque, name)) {
        error_setg(errp, "Parameter '%s' is unexpected", name);
        return -1;
    }
    return 0;
}

/* Refuse unknown keys, then parse every value by its type. */
static bool backend_check_opts(QemuOpts *opts, HostMemType type,
                               Error **errp)
{
    const QemuOptDesc *desc = type == HOSTMEM_FILE ? file_desc :
                              type == HOSTMEM_MEMFD ? memfd_desc : ram_desc;

    if (qemu_opt_foreach(opts, check_key, (void *)desc, errp)) {
        return false;
    }
    return qemu_opts_validate(opts, desc, errp);
}

static bool backend_prealloc(RAMBlock *rb, const char *id, Error **errp)
{
    long psize = sysconf(_SC_PAGESIZE);

    if (madvise(rb->host, rb->size, MADV_POPULATE_WRITE) == 0) {
        return true;
    }
    if (errno != EINVAL) {
        error_setg_errno(errp, errno, "preallocating memory for '%s' "
                         "failed", id);
        return false;
    }
    /* Older kernels: touch every page (keeping its content). */
    for (uint64_t off = 0; off < rb->size; off += psize) {
        volatile uint8_t *p = rb->host + off;
        *p = *p;
    }
    return true;
}

static int memfd_open(const char *id, uint64_t size, bool hugetlb,
                      uint64_t hugetlbsize, bool seal, Error **errp)
{
    unsigned flags = MFD_CLOEXEC | (seal ? MFD_ALLOW_SEALING : 0);
    int fd;

    if (hugetlb) {
        flags |= MFD_HUGETLB;
        if (hugetlbsize) {
            /* log2 of the page size in the flag bits 26..31 */
            flags |= (unsigned)(63 - __builtin_clzll(hugetlbsize)) << 26;
        }
    }
    fd = memfd_create(id, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd with flags "
                         "0x%x", flags);
        if (hugetlb) {
            error_append_hint(errp, "This host's kernel or configuration "
                              "does not offer huge pages to memfd; "
                              "use hugetlb=off.\n");
        }
        return -1;
    }
    if (ftruncate(fd, size) < 0) {
        error_setg_errno(errp, errno, "failed to resize memfd to %" PRIu64,
                         size);
        close(fd);
        return -1;
    }
    if (seal && fcntl(fd, F_ADD_SEALS,
                      F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "failed to add seals");
        close(fd);
        return -1;
    }
    return fd;
}

/* A regular file (created if missing), or a temp file in a directory. */
static int file_open(const char *path, const char *id, uint64_t size,
                     bool readonly, Error **errp)
{
    struct stat st;
    int fd;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        g_autofree char *name = g_strdup_printf("%s/qemu_back_mem.%s.XXXXXX",
                                                path, id);
        fd = mkostemp(name, O_CLOEXEC);
        if (fd < 0) {
            error_setg_errno(errp, errno, "unable to create backing store "
                             "for guest RAM in '%s'", path);
            return -1;
        }
        unlink(name);
    } else {
        fd = open(path, (readonly ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC,
                  0644);
        if (fd < 0) {
            error_setg_errno(errp, errno, "can't open backing store %s for "
                             "guest RAM", path);
            return -1;
        }
    }
    if (fstat(fd, &st) == 0 && (uint64_t)st.st_size < size && !readonly &&
        ftruncate(fd, size) < 0) {
        error_setg_errno(errp, errno, "can't resize backing store %s to %"
                         PRIu64 " bytes", path, size);
        close(fd);
        return -1;
    }
    return fd;
}

bool ram_block_add_cpr_blocker(RAMBlock *rb, Error **errp)
{
    if ((rb->fd >= 0 && rb->shared) || rb->cpr_blocker) {
        return true;
    }
    error_setg(&rb->cpr_blocker, "Memory region %s is not compatible with "
               "CPR. share=on is required for memory-backend objects: use "
               "memory-backend-memfd, or memory-backend-file with share=on, "
               "and -machine memory-backend=ID", rb->idstr);
    return migrate_add_blocker_modes(&rb->cpr_blocker,
                                     MIG_MODE_BIT(MIG_MODE_CPR_TRANSFER) |
                                     MIG_MODE_BIT(MIG_MODE_CPR_EXEC),
                                     errp) == 0;
}

/*
 * The memfd behind backend id: after CPR, the old process's own (guest RAM
 * kept in place), else a new one.  Either way it is saved under (id, 0) for
 * the next CPR.
 */
static int backend_memfd(const char *id, uint64_t size, bool hugetlb,
                         uint64_t hugetlbsize, bool seal, Error **errp)
{
    int fd = cpr_is_incoming() ? cpr_find_fd(id, 0) : -1;
    struct stat st;

    if (fd >= 0) {
        if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != size) {
            error_setg(errp, "memory backend '%s': the memfd from CPR state "
                       "has %" PRIu64 " bytes, the backend %" PRIu64, id,
                       (uint64_t)st.st_size, size);
            return -1;
        }
        return fd;
    }
    fd = memfd_open(id, size, hugetlb, hugetlbsize, seal, errp);
    if (fd >= 0) {
        cpr_resave_fd(id, 0, fd);
    }
    return fd;
}

static RAMBlock *backend_alloc(QemuOpts *opts, const char *id,
                               HostMemType type, uint64_t size,
                               Error **errp)
{
    bool share = qemu_opt_get_bool(opts, "share", type == HOSTMEM_MEMFD);
    RAMBlock *rb;
    int fd;

    switch (type) {
    case HOSTMEM_RAM:
        if (!share) {
            return ram_block_alloc(id, size, errp);
        }
        /* Shared anonymous memory: a memfd, so it has an fd. */
        fd = backend_memfd(id, size, false, 0, false, errp);
        break;
    case HOSTMEM_MEMFD:
        fd = backend_memfd(id, size,
                           qemu_opt_get_bool(opts, "hugetlb", false),
                           qemu_opt_get_size(opts, "hugetlbsize", 0),
                           qemu_opt_get_bool(opts, "seal", true), errp);
        break;
    case HOSTMEM_FILE: {
        const char *path = qemu_opt_get(opts, "mem-path");

        if (!path) {
            error_setg(errp, "Parameter 'mem-path' is missing");
            return NULL;
        }
        if (qemu_opt_get_size(opts, "offset", 0)) {
            error_setg(errp, "Parameter 'offset' is not supported by Ferry "
                       "yet; use offset=0");
            return NULL;
        }
        fd = file_open(path, id, size, qemu_opt_get_bool(opts, "readonly",
                                                         false), errp);
        if (fd < 0) {
            return NULL;
        }
        rb = ram_block_from_fd(id, fd, size, share, errp);
        if (rb) {
            rb->mem_path = g_strdup(path);
        } else {
            close(fd);
        }
        return rb;
    }
    default:
        g_assert_not_reached();
    }
    if (fd < 0) {
        return NULL;
    }
    rb = ram_block_from_fd(id, fd, size, share, errp);
    if (!rb) {
        close(fd);
    }
    return rb;
}

bool host_memory_backend_create(QemuOpts *opts, Error **errp)
{
    const char *qom_type = qemu_opt_get(opts, "qom-type");
    const char *id = qemu_opts_id(opts);
    int type = hostmem_type_from_name(qom_type);
    HostMemoryBackend *b;
    RAMBlock *rb;
    uint64_t size;

    if (type < 0) {
        error_setg(errp, "invalid object type: %s", qom_type ? qom_type : "");
        return false;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!backend_check_opts(opts, type, errp)) {
        return false;
    }
    if (!qemu_opt_has(opts, "size")) {
        error_setg(errp, "Parameter 'size' is missing");
        return false;
    }
    if (type == HOSTMEM_FILE && !qemu_opt_has(opts, "mem-path")) {
        error_setg(errp, "Parameter 'mem-path' is missing");
        return false;
    }
    if (backend_find(id) || ram_block_find(id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return false;
    }
    size = qemu_opt_get_size(opts, "size", 0);
    if (!size) {
        error_setg(errp, "can't create backend with size 0");
        return false;
    }
    if (type == HOSTMEM_MEMFD && qemu_opt_get_bool(opts, "hugetlb", false) &&
        qemu_opt_has(opts, "hugetlbsize") &&
        (qemu_opt_get_size(opts, "hugetlbsize", 0) &
         (qemu_opt_get_size(opts, "hugetlbsize", 0) - 1))) {
        error_setg(errp, "Parameter 'hugetlbsize' must be a power of two");
        return false;
    }
    rb = backend_alloc(opts, id, type, size, errp);
    if (!rb) {
        return false;
    }
    if (!qemu_opt_get_bool(opts, "dump", true)) {
        madvise(rb->host, rb->size, MADV_DONTDUMP);
    }
    if (qemu_opt_get_bool(opts, "merge", true)) {
        madvise(rb->host, rb->size, MADV_MERGEABLE);
    }
    if (qemu_opt_get_bool(opts, "prealloc", false) &&
        !backend_prealloc(rb, id, errp)) {
        ram_block_free(rb);
        return false;
    }
    b = g_new0(HostMemoryBackend, 1);
    b->id = g_strdup(id);
    b->type = type;
    if (!backends) {
        backends = g_ptr_array_new();
    }
    g_ptr_array_add(backends, b);
    return true;
}

RAMBlock *host_memory_backend_get_block(const char *id)
{
    return backend_find(id) ? ram_block_find(id) : NULL;
}

bool host_memory_backend_is_mapped(const char *id)
{
    HostMemoryBackend *b = backend_find(id);

    return b && b->mapped;
}

void host_memory_backend_set_mapped(const char *id, bool mapped)
{
    HostMemoryBackend *b = backend_find(id);

    if (b) {
        b->mapped = mapped;
    }
}

RAMBlock *host_memory_backend_claim(const char *id, Error **errp)
{
    RAMBlock *rb = host_memory_backend_get_block(id);

    if (!rb) {
        error_setg(errp, "Memory backend '%s' not found", id);
        return NULL;
    }
    if (host_memory_backend_is_mapped(id)) {
        error_setg(errp, "memory backend %s can't be used multiple times.",
                   id);
        return NULL;
    }
    host_memory_backend_set_mapped(id, true);
    return rb;
}

static void backend_free(HostMemoryBackend *b)
{
    RAMBlock *rb = ram_block_find(b->id);

    cpr_delete_fd(b->id, 0);
    if (rb && rb->cpr_blocker) {
        migrate_del_blocker(&rb->cpr_blocker);
    }
    ram_block_free(rb);
    g_free(b->id);
    g_free(b);
}

bool host_memory_backend_delete(const char *id, Error **errp)
{
    HostMemoryBackend *b = backend_find(id);

    if (!b) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (b->mapped) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    g_ptr_array_remove(backends, b);
    backend_free(b);
    return true;
}

void host_memory_backend_cleanup(void)
{
    while (backends && backends->len) {
        HostMemoryBackend *b = g_ptr_array_index(backends, backends->len - 1);

        g_ptr_array_remove_index(backends, backends->len - 1);
        backend_free(b);
    }
    g_clear_pointer(&backends, g_ptr_array_unref);
}

uint64_t ram_block_page_size(RAMBlock *rb)
{
    struct statfs fs;

    if (rb->fd >= 0 && fstatfs(rb->fd, &fs) == 0 &&
        (unsigned long)fs.f_type == HUGETLBFS_MAGIC_NUMBER) {
        return fs.f_bsize;
    }
    return sysconf(_SC_PAGESIZE);
}

/* As QEMU's size_to_str: 3 significant digits, "4 KiB", "2 MiB". */
static char *size_to_str(uint64_t val)
{
    static const char *const prefixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
                                            "Ei" };
    double scaled = val * 1.024;    /* 1000 KiB already prints as MiB */
    unsigned i = 0;

    while (i + 1 < ARRAY_SIZE(prefixes) && scaled >= 1024.0) {
        scaled /= 1024.0;
        i++;
    }
    return g_strdup_printf("%0.3g %sB",
                           (double)val / (double)(1ULL << (i * 10)),
                           prefixes[i]);
}

typedef struct RamblockPrint {
    GString *out;
    uint64_t offset;
} RamblockPrint;

static void ramblock_print_one(RAMBlock *rb, void *opaque)
{
    RamblockPrint *p = opaque;
    g_autofree char *psize = size_to_str(ram_block_page_size(rb));

    g_string_append_printf(p->out, "%24s %8s  0x%016" PRIx64 " 0x%016" PRIx64
                           " 0x%016" PRIx64 " 0x%016" PRIx64 " %3s\n",
                           rb->idstr, psize, p->offset, rb->size, rb->size,
                           (uint64_t)(uintptr_t)rb->host,
                           rb->readonly ? "ro" : "rw");
    p->offset += rb->size;
}

void hmp_info_ramblock_print(GString *out)
{
    RamblockPrint p = { .out = out };

    g_string_append_printf(out, "%24s %8s  %18s %18s %18s %18s %3s\n",
                           "Block Name", "PSize", "Offset", "Used", "Total",
                           "HVA", "RO");
    ram_block_foreach(ramblock_print_one, &p);
}
