/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vmstate engine: save/load a VMStateDescription, and its JSON vmdesc. */
#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "migration/savevm.h"

/* ---- the vmdesc JSON writer (QEMU's compact style) ---- */

struct JSONWriter {
    GString *out;
    GArray *need_comma;        /* one gboolean per open container */
};

JSONWriter *json_writer_new(void)
{
    JSONWriter *w = g_new0(JSONWriter, 1);

    w->out = g_string_new(NULL);
    w->need_comma = g_array_new(FALSE, FALSE, sizeof(gboolean));
    return w;
}

void json_writer_free(JSONWriter *w)
{
    if (w) {
        g_string_free(w->out, TRUE);
        g_array_free(w->need_comma, TRUE);
        g_free(w);
    }
}

const char *json_writer_get(JSONWriter *w)
{
    return w->out->str;
}

static void json_writer_quoted(JSONWriter *w, const char *s)
{
    g_string_append_c(w->out, '"');
    for (; *s; s++) {
        unsigned char c = *s;

        if (c == '"' || c == '\\') {
            g_string_append_c(w->out, '\\');
            g_string_append_c(w->out, c);
        } else if (c < 0x20) {
            g_string_append_printf(w->out, "\\u%04x", c);
        } else {
            g_string_append_c(w->out, c);
        }
    }
    g_string_append_c(w->out, '"');
}

static void json_writer_member(JSONWriter *w, const char *name)
{
    guint depth = w->need_comma->len;

    if (depth) {
        gboolean *comma = &g_array_index(w->need_comma, gboolean, depth - 1);

        if (*comma) {
            g_string_append(w->out, ", ");
        }
        *comma = TRUE;
    }
    if (name) {
        json_writer_quoted(w, name);
        g_string_append(w->out, ": ");
    }
}

static void json_writer_open(JSONWriter *w, const char *name, char c)
{
    gboolean no = FALSE;

    json_writer_member(w, name);
    g_string_append_c(w->out, c);
    g_array_append_val(w->need_comma, no);
}

static void json_writer_close(JSONWriter *w, char c)
{
    g_assert(w->need_comma->len > 0);
    g_array_set_size(w->need_comma, w->need_comma->len - 1);
    g_string_append_c(w->out, c);
}

void json_writer_start_object(JSONWriter *w, const char *name)
{
    json_writer_open(w, name, '{');
}

void json_writer_end_object(JSONWriter *w)
{
    json_writer_close(w, '}');
}

void json_writer_start_list(JSONWriter *w, const char *name)
{
    json_writer_open(w, name, '[');
}

void json_writer_end_list(JSONWriter *w)
{
    json_writer_close(w, ']');
}

void json_writer_bool(JSONWriter *w, const char *name, bool val)
{
    json_writer_member(w, name);
    g_string_append(w->out, val ? "true" : "false");
}

void json_writer_int64(JSONWriter *w, const char *name, int64_t val)
{
    json_writer_member(w, name);
    g_string_append_printf(w->out, "%" PRId64, val);
}

void json_writer_str(JSONWriter *w, const char *name, const char *str)
{
    json_writer_member(w, name);
    json_writer_quoted(w, str);
}

/* ---- field geometry ---- */

MigrationPriority vmstate_priority(const VMStateDescription *vmsd)
{
    return vmsd->priority == MIG_PRI_UNINITIALIZED ? MIG_PRI_DEFAULT
                                                   : vmsd->priority;
}

bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque)
{
    return !vmsd->needed || vmsd->needed(opaque);
}

static bool vmstate_field_exists(const VMStateField *field, void *opaque,
                                 int version_id)
{
    if (field->field_exists) {
        return field->field_exists(opaque, version_id);
    }
    return field->version_id <= version_id;
}

/* Element count, or -1 if the count field holds a negative number. */
static int64_t vmstate_n_elems(void *opaque, const VMStateField *field)
{
    int64_t n = 1;

    if (field->flags & VMS_ARRAY) {
        n = field->num;
    } else if (field->flags & VMS_VARRAY_INT32) {
        n = *(int32_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT32) {
        n = *(uint32_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT16) {
        n = *(uint16_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT8) {
        n = *(uint8_t *)((char *)opaque + field->num_offset);
    }
    if (field->flags & VMS_MULTIPLY_ELEMENTS) {
        n *= field->num;
    }
    return n < 0 ? -1 : n;
}

/* Element size in bytes, or -1 if a VBUFFER size field is out of range. */
static int64_t vmstate_size(void *opaque, const VMStateField *field)
{
    int64_t size = field->size;

    if (field->flags & VMS_VBUFFER) {
        size = *(uint32_t *)((char *)opaque + field->size_offset);
        if (size > INT32_MAX) {
            return -1;
        }
        if (field->flags & VMS_MULTIPLY) {
            size *= field->size;
        }
    }
    return size;
}

/* The first element, following VMS_POINTER (allocating for VMS_ALLOC). */
static bool vmstate_first_elem(void *opaque, const VMStateField *field,
                               int64_t n, int64_t size, bool load,
                               void **first, Error **errp)
{
    void **slot = (void **)((char *)opaque + field->offset);

    if (!(field->flags & VMS_POINTER)) {
        *first = slot;
        return true;
    }
    if (load && (field->flags & VMS_ALLOC)) {
        g_free(*slot);
        *slot = NULL;
        if (n * size > 0) {
            *slot = g_try_malloc(n * size);
            if (!*slot) {
                error_setg(errp, "Cannot allocate %" PRId64 " bytes for "
                           "field '%s'", n * size, field->name);
                return false;
            }
        }
    }
    *first = *slot;
    if (!*first && n * size > 0) {
        error_setg(errp, "Field '%s' points nowhere", field->name);
        return false;
    }
    return true;
}

static const char *vmstate_type_name(const VMStateField *field)
{
    if (field->flags & VMS_STRUCT) {
        return "struct";
    }
    if (field->flags & VMS_VSTRUCT) {
        return "vstruct";
    }
    return field->info && field->info->name ? field->info->name : "unknown";
}

/* An array whose vmdesc lists only its first element, with array_len. */
static bool vmstate_can_compress(const VMStateField *field)
{
    if (field->field_exists) {
        return false;
    }
    if (field->flags & VMS_STRUCT) {
        const VMStateField *f;

        if (field->vmsd->subsections) {
            return false;
        }
        for (f = field->vmsd->fields; f->name; f++) {
            if (!vmstate_can_compress(f)) {
                return false;
            }
        }
    }
    return true;
}

/* Field name in the vmdesc: "name", or "name[N]" if the name repeats. */
static char *vmstate_desc_name(const VMStateDescription *vmsd,
                               const VMStateField *field)
{
    const VMStateField *f;
    int count = 0, index = 0;

    for (f = vmsd->fields; f->name; f++) {
        if (!strcmp(f->name, field->name)) {
            if (f == field) {
                index = count;
            }
            count++;
        }
    }
    if (count > 1) {
        return g_strdup_printf("%s[%d]", field->name, index);
    }
    return g_strdup(field->name);
}

/* ---- save ---- */

static int vmstate_subsection_save(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, JSONWriter *vmdesc,
                                   Error **errp);

static int vmstate_save_elem(QEMUFile *f, const VMStateField *field,
                             void *elem, int64_t size, JSONWriter *vmdesc,
                             Error **errp)
{
    if (field->flags & VMS_STRUCT) {
        return vmstate_save_state_with_err(f, field->vmsd, elem, vmdesc,
                                           errp);
    }
    if (field->flags & VMS_VSTRUCT) {
        return vmstate_save_state_with_err(f, field->vmsd, elem, vmdesc,
                                           errp);
    }
    return field->info->put(f, elem, size, field, vmdesc);
}

static int vmstate_save_field(QEMUFile *f, const VMStateDescription *vmsd,
                              const VMStateField *field, void *opaque,
                              JSONWriter *vmdesc, Error **errp)
{
    int64_t n = vmstate_n_elems(opaque, field);
    int64_t size = vmstate_size(opaque, field);
    bool compress = vmstate_can_compress(field);
    void *first;
    int64_t i;

    if (n < 0 || size < 0) {
        error_setg(errp, "Field %s/%s has an invalid length", vmsd->name,
                   field->name);
        return -EINVAL;
    }
    if (!vmstate_first_elem(opaque, field, n, size, false, &first, errp)) {
        return -EINVAL;
    }
    for (i = 0; i < n; i++) {
        void *elem = (char *)first + size * i;
        uint64_t start = qemu_file_transferred(f);
        bool describe = vmdesc && (i == 0 || !compress);
        JSONWriter *w = describe ? vmdesc : NULL;
        int ret;

        if (field->flags & VMS_ARRAY_OF_POINTER) {
            elem = *(void **)elem;
            if (!elem) {
                error_setg(errp, "Field %s/%s has a null element",
                           vmsd->name, field->name);
                return -EINVAL;
            }
        }
        if (w) {
            g_autofree char *name = vmstate_desc_name(vmsd, field);

            json_writer_start_object(w, NULL);
            json_writer_str(w, "name", name);
            if (n > 1) {
                json_writer_int64(w, compress ? "array_len" : "index",
                                  compress ? n : i);
            }
            json_writer_str(w, "type", vmstate_type_name(field));
            if (field->flags & (VMS_STRUCT | VMS_VSTRUCT)) {
                json_writer_start_object(w, "struct");
            }
        }
        ret = vmstate_save_elem(f, field, elem, size, w, errp);
        if (ret < 0) {
            if (errp && !*errp) {
                error_setg(errp, "Save of field %s/%s failed", vmsd->name,
                           field->name);
            }
            return ret;
        }
        if (w) {
            if (field->flags & (VMS_STRUCT | VMS_VSTRUCT)) {
                json_writer_end_object(w);
            }
            json_writer_int64(w, "size", qemu_file_transferred(f) - start);
            json_writer_end_object(w);
        }
    }
    return 0;
}

static int vmstate_save_fields(QEMUFile *f, const VMStateDescription *vmsd,
                               void *opaque, JSONWriter *vmdesc,
                               Error **errp)
{
    const VMStateField *field;
    int ret = 0;

    if (vmdesc) {
        json_writer_str(vmdesc, "vmsd_name", vmsd->name);
        json_writer_int64(vmdesc, "version", vmsd->version_id);
        json_writer_start_list(vmdesc, "fields");
    }
    for (field = vmsd->fields; field && field->name; field++) {
        if (!vmstate_field_exists(field, opaque, vmsd->version_id)) {
            if (field->flags & VMS_MUST_EXIST) {
                error_setg(errp, "Output state validation failed: %s/%s",
                           vmsd->name, field->name);
                return -EINVAL;
            }
            continue;
        }
        ret = vmstate_save_field(f, vmsd, field, opaque, vmdesc, errp);
        if (ret < 0) {
            return ret;
        }
    }
    if (vmdesc) {
        json_writer_end_list(vmdesc);
    }
    return vmstate_subsection_save(f, vmsd, opaque, vmdesc, errp);
}

int vmstate_save_state_with_err(QEMUFile *f, const VMStateDescription *vmsd,
                                void *opaque, JSONWriter *vmdesc,
                                Error **errp)
{
    int ret;

    if (vmsd->pre_save_errp) {
        Error *local_err = NULL;

        if (!vmsd->pre_save_errp(opaque, &local_err)) {
            error_propagate_prepend(errp, local_err, "pre-save for %s "
                                    "failed: ", vmsd->name);
            return -EINVAL;
        }
    } else if (vmsd->pre_save) {
        ret = vmsd->pre_save(opaque);
        if (ret) {
            error_setg(errp, "pre-save failed: %s", vmsd->name);
            return ret < 0 ? ret : -EINVAL;
        }
    }
    ret = vmstate_save_fields(f, vmsd, opaque, vmdesc, errp);
    if (vmsd->post_save) {
        int ps = vmsd->post_save(opaque);

        if (!ret && ps) {
            error_setg(errp, "post-save failed: %s", vmsd->name);
            ret = ps < 0 ? ps : -EINVAL;
        }
    }
    if (!ret && qemu_file_get_error(f)) {
        ret = qemu_file_get_error(f);
        error_setg_errno(errp, -ret, "Failed to write %s", vmsd->name);
    }
    return ret;
}

int vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, JSONWriter *vmdesc)
{
    Error *err = NULL;
    int ret = vmstate_save_state_with_err(f, vmsd, opaque, vmdesc, &err);

    if (err) {
        error_report_err(err);
    }
    return ret;
}

static int vmstate_subsection_save(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, JSONWriter *vmdesc,
                                   Error **errp)
{
    const VMStateDescription * const *sub;
    bool listed = false;

    for (sub = vmsd->subsections; sub && *sub; sub++) {
        size_t len = strlen((*sub)->name);
        int ret;

        if (!vmstate_section_needed(*sub, opaque)) {
            continue;
        }
        if (len > 255) {
            error_setg(errp, "Subsection name '%s' is too long",
                       (*sub)->name);
            return -EINVAL;
        }
        if (vmdesc) {
            if (!listed) {
                json_writer_start_list(vmdesc, "subsections");
                listed = true;
            }
            json_writer_start_object(vmdesc, NULL);
        }
        qemu_put_byte(f, QEMU_VM_SUBSECTION);
        qemu_put_byte(f, len);
        qemu_put_buffer(f, (const uint8_t *)(*sub)->name, len);
        qemu_put_be32(f, (*sub)->version_id);
        ret = vmstate_save_state_with_err(f, *sub, opaque, vmdesc, errp);
        if (ret) {
            return ret;
        }
        if (vmdesc) {
            json_writer_end_object(vmdesc);
        }
    }
    if (listed) {
        json_writer_end_list(vmdesc);
    }
    return 0;
}

/* ---- load ---- */

static int vmstate_subsection_load(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, Error **errp);

static int vmstate_load_field(QEMUFile *f, const VMStateDescription *vmsd,
                              const VMStateField *field, void *opaque,
                              Error **errp)
{
    int64_t n = vmstate_n_elems(opaque, field);
    int64_t size = vmstate_size(opaque, field);
    void *first;
    int64_t i;

    if (n < 0 || size < 0) {
        error_setg(errp, "Failed to load %s:%s: invalid length",
                   vmsd->name, field->name);
        return -EINVAL;
    }
    if (!vmstate_first_elem(opaque, field, n, size, true, &first, errp)) {
        error_prepend(errp, "Failed to load %s:%s: ", vmsd->name,
                      field->name);
        return -EINVAL;
    }
    for (i = 0; i < n; i++) {
        void *elem = (char *)first + size * i;
        Error *local_err = NULL;
        int ret;

        if (field->flags & VMS_ARRAY_OF_POINTER) {
            elem = *(void **)elem;
            if (!elem) {
                error_setg(errp, "Failed to load %s:%s: null element",
                           vmsd->name, field->name);
                return -EINVAL;
            }
        }
        if (field->flags & VMS_STRUCT) {
            ret = vmstate_load_state_with_err(f, field->vmsd, elem,
                                              field->vmsd->version_id,
                                              &local_err);
        } else if (field->flags & VMS_VSTRUCT) {
            ret = vmstate_load_state_with_err(f, field->vmsd, elem,
                                              field->struct_version_id,
                                              &local_err);
        } else {
            ret = field->info->get(f, elem, size, field);
        }
        if (ret >= 0) {
            ret = qemu_file_get_error(f);
        }
        if (ret < 0) {
            g_autofree char *detail = vmstate_take_load_detail();

            qemu_file_set_error(f, ret);
            if (local_err) {
                error_propagate_prepend(errp, local_err,
                                        "Failed to load %s:%s: ",
                                        vmsd->name, field->name);
            } else if (detail) {
                error_setg(errp, "Failed to load %s:%s: %s", vmsd->name,
                           field->name, detail);
            } else {
                error_setg(errp, "Failed to load %s:%s: %s", vmsd->name,
                           field->name, ret == -EIO ?
                           "unexpected end of stream" : g_strerror(-ret));
            }
            return ret;
        }
    }
    return 0;
}

int vmstate_load_state_with_err(QEMUFile *f, const VMStateDescription *vmsd,
                                void *opaque, int version_id, Error **errp)
{
    const VMStateField *field;
    int ret;

    if (version_id > vmsd->version_id) {
        error_setg(errp, "%s: incoming version_id %d is too new for local "
                   "version_id %d", vmsd->name, version_id,
                   vmsd->version_id);
        return -EINVAL;
    }
    if (version_id < vmsd->minimum_version_id) {
        error_setg(errp, "%s: incoming version_id %d is too old for local "
                   "minimum version_id %d", vmsd->name, version_id,
                   vmsd->minimum_version_id);
        return -EINVAL;
    }
    if (vmsd->pre_load_errp) {
        Error *local_err = NULL;

        if (!vmsd->pre_load_errp(opaque, &local_err)) {
            /* The hook's own sentence says what is wrong. */
            error_propagate(errp, local_err);
            return -EINVAL;
        }
    } else if (vmsd->pre_load) {
        ret = vmsd->pre_load(opaque);
        if (ret) {
            error_setg(errp, "pre load hook failed for: '%s', version_id: "
                       "%d, minimum_version: %d, ret: %d", vmsd->name,
                       vmsd->version_id, vmsd->minimum_version_id, ret);
            return ret < 0 ? ret : -EINVAL;
        }
    }
    for (field = vmsd->fields; field && field->name; field++) {
        if (!vmstate_field_exists(field, opaque, version_id)) {
            if (field->flags & VMS_MUST_EXIST) {
                error_setg(errp, "Input validation failed: %s/%s",
                           vmsd->name, field->name);
                return -EINVAL;
            }
            continue;
        }
        ret = vmstate_load_field(f, vmsd, field, opaque, errp);
        if (ret < 0) {
            return ret;
        }
    }
    ret = vmstate_subsection_load(f, vmsd, opaque, errp);
    if (ret < 0) {
        qemu_file_set_error(f, ret);
        return ret;
    }
    if (vmsd->post_load_errp) {
        Error *local_err = NULL;

        if (!vmsd->post_load_errp(opaque, version_id, &local_err)) {
            error_propagate(errp, local_err);
            return -EINVAL;
        }
    } else if (vmsd->post_load) {
        ret = vmsd->post_load(opaque, version_id);
        if (ret) {
            error_setg(errp, "post load hook failed for: %s, version_id: "
                       "%d, minimum_version: %d, ret: %d", vmsd->name,
                       vmsd->version_id, vmsd->minimum_version_id, ret);
            return ret < 0 ? ret : -EINVAL;
        }
    }
    return 0;
}

int vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, int version_id)
{
    Error *err = NULL;
    int ret = vmstate_load_state_with_err(f, vmsd, opaque, version_id, &err);

    if (err) {
        error_report_err(err);
    }
    return ret;
}

static const VMStateDescription *
vmstate_find_subsection(const VMStateDescription * const *sub,
                        const char *name)
{
    for (; sub && *sub; sub++) {
        if (!strcmp((*sub)->name, name)) {
            return *sub;
        }
    }
    return NULL;
}

/*
 * Subsections follow the fields: 0x05, u8 len, name, be32 version.  A
 * 0x05 whose name does not start with our name belongs to an enclosing
 * description, so we stop there.
 */
static int vmstate_subsection_load(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, Error **errp)
{
    size_t prefix = strlen(vmsd->name);

    while (qemu_peek_byte(f, 0) == QEMU_VM_SUBSECTION) {
        const VMStateDescription *sub;
        char name[256];
        uint8_t *p;
        int len = qemu_peek_byte(f, 1);
        uint32_t version_id;
        int ret;

        if (len < 0 || (size_t)len < prefix + 1) {
            return 0;
        }
        if (qemu_peek_buffer(f, &p, len, 2) != (size_t)len) {
            return 0;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if (strncmp(vmsd->name, name, prefix) != 0) {
            return 0;
        }
        sub = vmstate_find_subsection(vmsd->subsections, name);
        if (!sub) {
            error_setg(errp, "VMState subsection '%s' not found in '%s'",
                       name, vmsd->name);
            return -ENOENT;
        }
        qemu_file_skip(f, 2 + len);
        version_id = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            error_setg(errp, "Failed to load subsection '%s': unexpected "
                       "end of stream", name);
            return qemu_file_get_error(f);
        }
        if (version_id > INT_MAX) {
            error_setg(errp, "%s: incoming version_id %" PRIu32 " is too "
                       "new for local version_id %d", sub->name, version_id,
                       sub->version_id);
            return -EINVAL;
        }
        ret = vmstate_load_state_with_err(f, sub, opaque, version_id, errp);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}
