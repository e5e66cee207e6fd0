/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vmstate engine: a device describes its migratable state once, as a
 * VMStateDescription (a table of fields plus optional subsections), and
 * registers it; the engine saves and loads it in QEMU's wire encoding and
 * describes it in the stream's JSON vmdesc.  Names follow QEMU's
 * include/migration/vmstate.h so device code reads the same.
 *
 * Ownership: descriptions are static const data owned by the device; the
 * registry keeps pointers to the description and the opaque until
 * vmstate_unregister().
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qapi/error.h"
#include "migration/qemu-file.h"

/* Writer of the JSON vmdesc (opaque; see migration/savevm.h).  May be NULL. */
typedef struct JSONWriter JSONWriter;

typedef struct VMStateInfo VMStateInfo;
typedef struct VMStateField VMStateField;
typedef struct VMStateDescription VMStateDescription;

/*
 * How to put/get one element of a field.  pv points at the element, size
 * is its size in bytes.  get/put return 0 or a negative errno.  name is
 * the "type" written to the vmdesc ("uint32", "buffer", ...).
 */
struct VMStateInfo {
    const char *name;
    int (*get)(QEMUFile *f, void *pv, size_t size, const VMStateField *field);
    int (*put)(QEMUFile *f, void *pv, size_t size, const VMStateField *field,
               JSONWriter *vmdesc);
};

enum VMStateFlags {
    VMS_SINGLE            = 0x001,  /* one element at offset */
    VMS_POINTER           = 0x002,  /* the field is a pointer to the data */
    VMS_ARRAY             = 0x004,  /* num elements */
    VMS_STRUCT            = 0x008,  /* element(s) described by field->vmsd */
    VMS_VARRAY_INT32      = 0x010,  /* element count in an int32 at num_offset */
    VMS_BUFFER            = 0x020,  /* raw bytes, size (+ start) */
    VMS_ARRAY_OF_POINTER  = 0x040,  /* elements are pointers */
    VMS_VARRAY_UINT16     = 0x080,  /* element count in a uint16 at num_offset */
    VMS_VBUFFER           = 0x100,  /* byte count in an int32 at size_offset */
    VMS_MULTIPLY          = 0x200,  /* byte count = size * *(int32 *)size_offset */
    VMS_VARRAY_UINT8      = 0x400,  /* element count in a uint8 at num_offset */
    VMS_VARRAY_UINT32     = 0x800,  /* element count in a uint32 at num_offset */
    VMS_MUST_EXIST        = 0x1000, /* loading without it is an error */
    VMS_ALLOC             = 0x2000, /* g_malloc the pointer target on load */
    VMS_MULTIPLY_ELEMENTS = 0x4000, /* element count = num * *(num_offset) */
    VMS_VSTRUCT           = 0x8000, /* struct version in struct_version_id */
    VMS_END               = 0x10000,
};

/* Higher is saved (and loaded) first. */
typedef enum {
    MIG_PRI_UNINITIALIZED = 0,  /* treated as MIG_PRI_DEFAULT */
    MIG_PRI_LOW,
    MIG_PRI_DEFAULT,
    MIG_PRI_IOMMU,
    MIG_PRI_PCI_BUS,
    MIG_PRI_VIRTIO_MEM,
    MIG_PRI_APIC,
    MIG_PRI_GICV3_ITS,
    MIG_PRI_GICV3,
    MIG_PRI_MAX,
} MigrationPriority;

struct VMStateField {
    const char *name;
    const char *err_hint;       /* appended to load errors for this field */
    size_t offset;
    size_t size;
    size_t start;               /* VMS_BUFFER: first byte within the field */
    int num;                    /* VMS_ARRAY element count */
    size_t num_offset;          /* VMS_VARRAY_*: offset of the count */
    size_t size_offset;         /* VMS_VBUFFER/VMS_MULTIPLY: offset of the size */
    const VMStateInfo *info;
    enum VMStateFlags flags;
    const VMStateDescription *vmsd;
    int version_id;             /* present from this stream version on */
    int struct_version_id;      /* VMS_VSTRUCT */
    bool (*field_exists)(void *opaque, int version_id);
};

struct VMStateDescription {
    const char *name;
    bool unmigratable;          /* blocks migration ("State blocked by ...") */
    bool early_setup;           /* sent as a FULL section in the setup phase */
    int version_id;
    int minimum_version_id;
    MigrationPriority priority;
    int (*pre_load)(void *opaque);
    bool (*pre_load_errp)(void *opaque, Error **errp);
    int (*post_load)(void *opaque, int version_id);
    bool (*post_load_errp)(void *opaque, int version_id, Error **errp);
    int (*pre_save)(void *opaque);
    bool (*pre_save_errp)(void *opaque, Error **errp);
    int (*post_save)(void *opaque);
    /* Subsections, and whole sections: sent only if this returns true. */
    bool (*needed)(void *opaque);
    bool (*dev_unplug_pending)(void *opaque);
    const VMStateField *fields;                 /* VMSTATE_END_OF_LIST() ends */
    const VMStateDescription * const *subsections; /* NULL-terminated */
};

/* Field kinds (migration/vmstate-types.c).  .name is the vmdesc "type". */
extern const VMStateInfo vmstate_info_bool;
extern const VMStateInfo vmstate_info_int8;
extern const VMStateInfo vmstate_info_int16;
extern const VMStateInfo vmstate_info_int32;
extern const VMStateInfo vmstate_info_int32_le;
extern const VMStateInfo vmstate_info_int64;
extern const VMStateInfo vmstate_info_uint8;
extern const VMStateInfo vmstate_info_uint16;
extern const VMStateInfo vmstate_info_uint32;
extern const VMStateInfo vmstate_info_uint64;
extern const VMStateInfo vmstate_info_uint8_equal;
extern const VMStateInfo vmstate_info_uint16_equal;
extern const VMStateInfo vmstate_info_int32_equal;
extern const VMStateInfo vmstate_info_uint32_equal;
extern const VMStateInfo vmstate_info_uint64_equal;
extern const VMStateInfo vmstate_info_buffer;
extern const VMStateInfo vmstate_info_unused_buffer;
/* An int32 fd: SCM_RIGHTS over a unix-socket QEMUFile (qemu_file_send_fd) */
extern const VMStateInfo vmstate_info_fd;

/*
 * Compile-time type checks: the macros below refuse a field whose C type
 * differs from the macro's (a pointer-difference of unrelated types).
 */
#define vmstate_type_check(t1, t2) ((typeof(t1) *)0 - (typeof(t2) *)0)
#define vmstate_typeof_field(_state, _field) typeof(((_state *)0)->_field)
#define vmstate_offset_value(_state, _field, _type)                      \
    (offsetof(_state, _field) +                                          \
     vmstate_type_check(_type, vmstate_typeof_field(_state, _field)))
#define vmstate_offset_pointer(_state, _field, _type)                    \
    (offsetof(_state, _field) +                                          \
     vmstate_type_check(_type *, vmstate_typeof_field(_state, _field)))
#define vmstate_offset_array(_state, _field, _type, _num)                \
    (offsetof(_state, _field) +                                          \
     vmstate_type_check(_type[_num], vmstate_typeof_field(_state, _field)))
#define vmstate_offset_buffer(_state, _field)                            \
    vmstate_offset_array(_state, _field, uint8_t,                        \
                         sizeof(vmstate_typeof_field(_state, _field)))
#define vmstate_sizeof_field(_state, _field)                             \
    sizeof(vmstate_typeof_field(_state, _field))

/* Building blocks */
#define VMSTATE_SINGLE_TEST(_field, _state, _test, _version, _info, _type) { \
    .name         = (stringify(_field)),                                 \
    .version_id   = (_version),                                          \
    .field_exists = (_test),                                             \
    .size         = sizeof(_type),                                       \
    .info         = &(_info),                                            \
    .flags        = VMS_SINGLE,                                          \
    .offset       = vmstate_offset_value(_state, _field, _type),         \
}

#define VMSTATE_SINGLE(_field, _state, _version, _info, _type)           \
    VMSTATE_SINGLE_TEST(_field, _state, NULL, _version, _info, _type)

#define VMSTATE_ARRAY_TEST(_field, _state, _num, _test, _info, _type) {  \
    .name         = (stringify(_field)),                                 \
    .field_exists = (_test),                                             \
    .num          = (_num),                                              \
    .info         = &(_info),                                            \
    .size         = sizeof(_type),                                       \
    .flags        = VMS_ARRAY,                                           \
    .offset       = vmstate_offset_array(_state, _field, _type, _num),   \
}

#define VMSTATE_ARRAY(_field, _state, _num, _version, _info, _type) {   \
    .name       = (stringify(_field)),                                   \
    .version_id = (_version),                                            \
    .num        = (_num),                                                \
    .info       = &(_info),                                              \
    .size       = sizeof(_type),                                         \
    .flags      = VMS_ARRAY,                                             \
    .offset     = vmstate_offset_array(_state, _field, _type, _num),     \
}

#ifndef stringify
#define xstringify(s) #s
#define stringify(s) xstringify(s)
#endif

/* Scalars */
#define VMSTATE_BOOL_V(_f, _s, _v)   VMSTATE_SINGLE(_f, _s, _v, vmstate_info_bool, bool)
#define VMSTATE_INT8_V(_f, _s, _v)   VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int8, int8_t)
#define VMSTATE_INT16_V(_f, _s, _v)  VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int16, int16_t)
#define VMSTATE_INT32_V(_f, _s, _v)  VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_V(_f, _s, _v)  VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int64, int64_t)
#define VMSTATE_UINT8_V(_f, _s, _v)  VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_V(_f, _s, _v) VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_V(_f, _s, _v) VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_V(_f, _s, _v) VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint64, uint64_t)

#define VMSTATE_BOOL(_f, _s)   VMSTATE_BOOL_V(_f, _s, 0)
#define VMSTATE_INT8(_f, _s)   VMSTATE_INT8_V(_f, _s, 0)
#define VMSTATE_INT16(_f, _s)  VMSTATE_INT16_V(_f, _s, 0)
#define VMSTATE_INT32(_f, _s)  VMSTATE_INT32_V(_f, _s, 0)
#define VMSTATE_INT64(_f, _s)  VMSTATE_INT64_V(_f, _s, 0)
#define VMSTATE_UINT8(_f, _s)  VMSTATE_UINT8_V(_f, _s, 0)
#define VMSTATE_UINT16(_f, _s) VMSTATE_UINT16_V(_f, _s, 0)
#define VMSTATE_UINT32(_f, _s) VMSTATE_UINT32_V(_f, _s, 0)
#define VMSTATE_UINT64(_f, _s) VMSTATE_UINT64_V(_f, _s, 0)
#define VMSTATE_FD(_f, _s)     VMSTATE_SINGLE(_f, _s, 0, vmstate_info_fd, int32_t)

#define VMSTATE_BOOL_TEST(_f, _s, _t)   VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_bool, bool)
#define VMSTATE_UINT8_TEST(_f, _s, _t)  VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_TEST(_f, _s, _t) VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_TEST(_f, _s, _t) VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_TEST(_f, _s, _t) VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint64, uint64_t)
#define VMSTATE_INT32_TEST(_f, _s, _t)  VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_int32, int32_t)

/* Checked on load: the incoming value must equal the local one. */
#define VMSTATE_UINT8_EQUAL(_f, _s)  VMSTATE_SINGLE(_f, _s, 0, vmstate_info_uint8_equal, uint8_t)
#define VMSTATE_UINT16_EQUAL(_f, _s) VMSTATE_SINGLE(_f, _s, 0, vmstate_info_uint16_equal, uint16_t)
#define VMSTATE_INT32_EQUAL(_f, _s)  VMSTATE_SINGLE(_f, _s, 0, vmstate_info_int32_equal, int32_t)
#define VMSTATE_UINT32_EQUAL(_f, _s) VMSTATE_SINGLE(_f, _s, 0, vmstate_info_uint32_equal, uint32_t)
#define VMSTATE_UINT64_EQUAL(_f, _s) VMSTATE_SINGLE(_f, _s, 0, vmstate_info_uint64_equal, uint64_t)
/* Incoming value must be <= the local one (and >= 0). */
#define VMSTATE_INT32_POSITIVE_LE(_f, _s) \
    VMSTATE_SINGLE(_f, _s, 0, vmstate_info_int32_le, int32_t)

/* Fixed-size arrays */
#define VMSTATE_BOOL_ARRAY_V(_f, _s, _n, _v)   VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_bool, bool)
#define VMSTATE_UINT8_ARRAY_V(_f, _s, _n, _v)  VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_ARRAY_V(_f, _s, _n, _v) VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_ARRAY_V(_f, _s, _n, _v) VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_ARRAY_V(_f, _s, _n, _v) VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint64, uint64_t)
#define VMSTATE_INT16_ARRAY_V(_f, _s, _n, _v)  VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_int16, int16_t)
#define VMSTATE_INT32_ARRAY_V(_f, _s, _n, _v)  VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_ARRAY_V(_f, _s, _n, _v)  VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_int64, int64_t)

#define VMSTATE_BOOL_ARRAY(_f, _s, _n)   VMSTATE_BOOL_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT8_ARRAY(_f, _s, _n)  VMSTATE_UINT8_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT16_ARRAY(_f, _s, _n) VMSTATE_UINT16_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT32_ARRAY(_f, _s, _n) VMSTATE_UINT32_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT64_ARRAY(_f, _s, _n) VMSTATE_UINT64_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT16_ARRAY(_f, _s, _n)  VMSTATE_INT16_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT32_ARRAY(_f, _s, _n)  VMSTATE_INT32_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT64_ARRAY(_f, _s, _n)  VMSTATE_INT64_ARRAY_V(_f, _s, _n, 0)

/* Variable arrays: _field is a pointer to _type, the count in _field_num. */
#define VMSTATE_VARRAY_UINT32(_field, _state, _field_num, _version, _info, _type) { \
    .name       = (stringify(_field)),                                   \
    .version_id = (_version),                                            \
    .num_offset = vmstate_offset_value(_state, _field_num, uint32_t),    \
    .info       = &(_info),                                              \
    .size       = sizeof(_type),                                         \
    .flags      = VMS_VARRAY_UINT32 | VMS_POINTER,                       \
    .offset     = vmstate_offset_pointer(_state, _field, _type),         \
}

/* As above, and the destination g_mallocs the array (freeing any old one). */
#define VMSTATE_VARRAY_UINT32_ALLOC(_field, _state, _field_num, _version, _info, _type) { \
    .name       = (stringify(_field)),                                   \
    .version_id = (_version),                                            \
    .num_offset = vmstate_offset_value(_state, _field_num, uint32_t),    \
    .info       = &(_info),                                              \
    .size       = sizeof(_type),                                         \
    .flags      = VMS_VARRAY_UINT32 | VMS_POINTER | VMS_ALLOC,           \
    .offset     = vmstate_offset_pointer(_state, _field, _type),         \
}

#define VMSTATE_VARRAY_INT32(_field, _state, _field_num, _version, _info, _type) { \
    .name       = (stringify(_field)),                                   \
    .version_id = (_version),                                            \
    .num_offset = vmstate_offset_value(_state, _field_num, int32_t),     \
    .info       = &(_info),                                              \
    .size       = sizeof(_type),                                         \
    .flags      = VMS_VARRAY_INT32 | VMS_POINTER,                        \
    .offset     = vmstate_offset_pointer(_state, _field, _type),         \
}

/* Structs: the nested vmsd's fields inline, then its subsections. */
#define VMSTATE_STRUCT_TEST(_field, _state, _test, _version, _vmsd, _type) { \
    .name         = (stringify(_field)),                                 \
    .version_id   = (_version),                                          \
    .field_exists = (_test),                                             \
    .vmsd         = &(_vmsd),                                            \
    .size         = sizeof(_type),                                       \
    .flags        = VMS_STRUCT,                                          \
    .offset       = vmstate_offset_value(_state, _field, _type),         \
}
#define VMSTATE_STRUCT_V(_field, _state, _version, _vmsd, _type)        \
    VMSTATE_STRUCT_TEST(_field, _state, NULL, _version, _vmsd, _type)
#define VMSTATE_STRUCT(_field, _state, _version, _vmsd, _type)          \
    VMSTATE_STRUCT_TEST(_field, _state, NULL, _version, _vmsd, _type)

#define VMSTATE_STRUCT_POINTER_V(_field, _state, _version, _vmsd, _type) { \
    .name       = (stringify(_field)),                                   \
    .version_id = (_version),                                            \
    .vmsd       = &(_vmsd),                                              \
    .size       = sizeof(_type),                                         \
    .flags      = VMS_STRUCT | VMS_POINTER,                              \
    .offset     = vmstate_offset_pointer(_state, _field, _type),         \
}
#define VMSTATE_STRUCT_POINTER(_field, _state, _vmsd, _type)            \
    VMSTATE_STRUCT_POINTER_V(_field, _state, 0, _vmsd, _type)

#define VMSTATE_STRUCT_ARRAY_TEST(_field, _state, _num, _test, _version, _vmsd, _type) { \
    .name         = (stringify(_field)),                                 \
    .num          = (_num),                                              \
    .field_exists = (_test),                                             \
    .version_id   = (_version),                                          \
    .vmsd         = &(_vmsd),                                            \
    .size         = sizeof(_type),                                       \
    .flags        = VMS_STRUCT | VMS_ARRAY,                              \
    .offset       = vmstate_offset_array(_state, _field, _type, _num),   \
}
#define VMSTATE_STRUCT_ARRAY(_field, _state, _num, _version, _vmsd, _type) \
    VMSTATE_STRUCT_ARRAY_TEST(_field, _state, _num, NULL, _version, _vmsd, _type)

/* Buffers: raw bytes of a uint8_t array member. */
#define VMSTATE_STATIC_BUFFER(_field, _state, _version, _test, _start, _size) { \
    .name         = (stringify(_field)),                                 \
    .version_id   = (_version),                                          \
    .field_exists = (_test),                                             \
    .size         = (_size - _start),                                    \
    .info         = &vmstate_info_buffer,                                \
    .flags        = VMS_BUFFER,                                          \
    .offset       = vmstate_offset_buffer(_state, _field) + _start,      \
}
#define VMSTATE_BUFFER_V(_f, _s, _v)                                     \
    VMSTATE_STATIC_BUFFER(_f, _s, _v, NULL, 0, vmstate_sizeof_field(_s, _f))
#define VMSTATE_BUFFER(_f, _s) VMSTATE_BUFFER_V(_f, _s, 0)
#define VMSTATE_BUFFER_TEST(_f, _s, _test)                               \
    VMSTATE_STATIC_BUFFER(_f, _s, 0, _test, 0, vmstate_sizeof_field(_s, _f))
#define VMSTATE_PARTIAL_BUFFER(_f, _s, _size)                            \
    VMSTATE_STATIC_BUFFER(_f, _s, 0, NULL, 0, _size)

/*
 * _field is a uint8_t * whose byte count is the uint32_t _field_size;
 * the destination g_mallocs it (freeing any old buffer).
 */
#define VMSTATE_VBUFFER_ALLOC_UINT32(_field, _state, _version, _test, _field_size) { \
    .name         = (stringify(_field)),                                 \
    .version_id   = (_version),                                          \
    .field_exists = (_test),                                             \
    .size_offset  = vmstate_offset_value(_state, _field_size, uint32_t), \
    .info         = &vmstate_info_buffer,                                \
    .flags        = VMS_VBUFFER | VMS_POINTER | VMS_ALLOC,               \
    .offset       = offsetof(_state, _field),                            \
}
#define VMSTATE_VBUFFER_UINT32(_field, _state, _version, _test, _field_size) { \
    .name         = (stringify(_field)),                                 \
    .version_id   = (_version),                                          \
    .field_exists = (_test),                                             \
    .size_offset  = vmstate_offset_value(_state, _field_size, uint32_t), \
    .info         = &vmstate_info_buffer,                                \
    .flags        = VMS_VBUFFER | VMS_POINTER,                           \
    .offset       = offsetof(_state, _field),                            \
}

/* _size bytes in the stream that carry nothing (zeros sent, skipped). */
#define VMSTATE_UNUSED_BUFFER(_test, _version, _size) {                  \
    .name         = "unused",                                            \
    .field_exists = (_test),                                             \
    .version_id   = (_version),                                          \
    .size         = (_size),                                             \
    .info         = &vmstate_info_unused_buffer,                         \
    .flags        = VMS_BUFFER,                                          \
}
#define VMSTATE_UNUSED_V(_v, _size) VMSTATE_UNUSED_BUFFER(NULL, _v, _size)
#define VMSTATE_UNUSED(_size)       VMSTATE_UNUSED_V(0, _size)
#define VMSTATE_UNUSED_TEST(_test, _size) VMSTATE_UNUSED_BUFFER(_test, 0, _size)

#define VMSTATE_END_OF_LIST() { .flags = VMS_END, }

/*
 * Save opaque's state as vmsd describes it (pre_save, fields,
 * subsections, post_save), describing it to vmdesc unless NULL.
 * Returns 0 or a negative errno; the _with_err variant says why in errp.
 */
int vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, JSONWriter *vmdesc);
int vmstate_save_state_with_err(QEMUFile *f, const VMStateDescription *vmsd,
                                void *opaque, JSONWriter *vmdesc,
                                Error **errp);

/*
 * Load state saved at version_id (checked against version_id and
 * minimum_version_id), then its subsections, then post_load.  Returns 0
 * or a negative errno; the plain variant reports errors with
 * error_report(), the _with_err variant sets errp instead.
 */
int vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, int version_id);
int vmstate_load_state_with_err(QEMUFile *f, const VMStateDescription *vmsd,
                                void *opaque, int version_id, Error **errp);

/* Whether vmsd->needed (if any) wants opaque's state sent. */
bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque);

#define VMSTATE_INSTANCE_ID_ANY -1

/*
 * Register a device's state for migration under section idstr vmsd->name.
 * instance_id VMSTATE_INSTANCE_ID_ANY takes the next free instance of that
 * name (0, 1, ...).  obj is unused (QEMU's qdev path prefix); pass NULL.
 * Returns 0, or -1 if (name, instance_id) is already registered.
 */
int vmstate_register(void *obj, int instance_id,
                     const VMStateDescription *vmsd, void *opaque);
/* Remove the registration of (vmsd, opaque), if any. */
void vmstate_unregister(const VMStateDescription *vmsd, void *opaque);

#endif
