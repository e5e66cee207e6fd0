/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The savevm stream: section registry, save and load of a whole stream. */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "system/machine.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/migration.h"

#ifndef TARGET_PAGE_SIZE
#define TARGET_PAGE_SIZE 4096
#endif

/* One registered section: a vmsd (devices) or SaveVMHandlers (RAM). */
typedef struct SaveStateEntry {
    char idstr[256];
    uint32_t instance_id;
    int version_id;
    uint32_t section_id;
    const VMStateDescription *vmsd;
    const SaveVMHandlers *ops;
    void *opaque;
    bool setup_done;            /* save_setup ran: save_cleanup owed */
    /* load side */
    uint32_t load_section_id;
    int load_version_id;
    bool load_seen;
} SaveStateEntry;

/*
 * The registry, saved and loaded in this order: priority high to low,
 * then registration order.  Devices register from the main thread at
 * start-up; migration reads it with the BQL held.
 */
static struct {
    GList *entries;             /* of SaveStateEntry * */
    uint32_t next_section_id;
    JSONWriter *vmdesc;         /* built from header to complete */
    bool vmdesc_devices_open;
} savevm_state;

static MigrationPriority se_priority(const SaveStateEntry *se)
{
    return se->vmsd ? vmstate_priority(se->vmsd) : MIG_PRI_DEFAULT;
}

static bool se_is_iterable(const SaveStateEntry *se)
{
    return se->ops && se->ops->save_setup;
}

static bool se_is_active(const SaveStateEntry *se)
{
    return !se->ops || !se->ops->is_active || se->ops->is_active(se->opaque);
}

static SaveStateEntry *find_se(const char *idstr, uint32_t instance_id)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!strcmp(se->idstr, idstr) && se->instance_id == instance_id) {
            return se;
        }
    }
    return NULL;
}

static uint32_t next_instance_id(const char *idstr)
{
    uint32_t id = 0;

    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!strcmp(se->idstr, idstr) && se->instance_id >= id) {
            id = se->instance_id + 1;
        }
    }
    return id;
}

static int se_insert(SaveStateEntry *nse, int64_t instance_id)
{
    GList *l;

    nse->instance_id = instance_id == VMSTATE_INSTANCE_ID_ANY ?
                       next_instance_id(nse->idstr) : (uint32_t)instance_id;
    if (find_se(nse->idstr, nse->instance_id)) {
        error_report("Section '%s' instance %" PRIu32 " is already "
                     "registered", nse->idstr, nse->instance_id);
        g_free(nse);
        return -1;
    }
    nse->section_id = savevm_state.next_section_id++;
    for (l = savevm_state.entries; l; l = l->next) {
        if (se_priority(l->data) < se_priority(nse)) {
            break;
        }
    }
    savevm_state.entries = g_list_insert_before(savevm_state.entries, l,
                                                nse);
    return 0;
}

int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    g_strlcpy(se->idstr, idstr, sizeof(se->idstr));
    se->version_id = version_id;
    se->ops = ops;
    se->opaque = opaque;
    return se_insert(se, instance_id == (uint32_t)VMSTATE_INSTANCE_ID_ANY ?
                     VMSTATE_INSTANCE_ID_ANY : (int64_t)instance_id);
}

int vmstate_register(void *obj, int instance_id,
                     const VMStateDescription *vmsd, void *opaque)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    g_strlcpy(se->idstr, vmsd->name, sizeof(se->idstr));
    se->version_id = vmsd->version_id;
    se->vmsd = vmsd;
    se->opaque = opaque;
    return se_insert(se, instance_id);
}

static void se_remove_if(bool (*match)(SaveStateEntry *, const void *,
                                       void *),
                         const void *key, void *opaque)
{
    GList *l = savevm_state.entries;

    while (l) {
        GList *next = l->next;

        if (match(l->data, key, opaque)) {
            g_free(l->data);
            savevm_state.entries = g_list_delete_link(savevm_state.entries,
                                                      l);
        }
        l = next;
    }
}

static bool match_vmsd(SaveStateEntry *se, const void *vmsd, void *opaque)
{
    return se->vmsd == vmsd && se->opaque == opaque;
}

static bool match_idstr(SaveStateEntry *se, const void *idstr, void *opaque)
{
    return !se->vmsd && !strcmp(se->idstr, idstr) && se->opaque == opaque;
}

void vmstate_unregister(const VMStateDescription *vmsd, void *opaque)
{
    se_remove_if(match_vmsd, vmsd, opaque);
}

void unregister_savevm(void *obj, const char *idstr, void *opaque)
{
    se_remove_if(match_idstr, idstr, opaque);
}

bool qemu_savevm_state_blocked(Error **errp)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->vmsd && se->vmsd->unmigratable) {
            error_setg(errp, "State blocked by non-migratable device '%s'",
                       se->idstr);
            return true;
        }
    }
    return false;
}

/* ---- the configuration section ---- */

typedef struct {
    uint32_t len;
    uint8_t *name;              /* machine type name, no NUL */
    uint32_t caps_count;
    MigrationCapability *capabilities;  /* the validated ones that are on */
} SaveConfiguration;

/* Capabilities the destination must have set exactly as the source. */
static const MigrationCapability validated_caps[] = {
    MIGRATION_CAPABILITY_X_IGNORE_SHARED,
    MIGRATION_CAPABILITY_MAPPED_RAM,
};

static bool local_cap(MigrationCapability cap)
{
    MigrationState *s = migrate_get_current();

    return s && s->capabilities[cap];
}

/* One capability: u8 length, then its name (no NUL). */
static int put_capability(QEMUFile *f, void *pv, size_t size,
                          const VMStateField *field, JSONWriter *vmdesc)
{
    const char *name = MigrationCapability_str(*(MigrationCapability *)pv);
    size_t len = strlen(name);

    qemu_put_byte(f, len);
    qemu_put_buffer(f, (const uint8_t *)name, len);
    return 0;
}

static int get_capability(QEMUFile *f, void *pv, size_t size,
                          const VMStateField *field)
{
    char name[256];
    int len = qemu_get_byte(f);

    qemu_get_buffer(f, (uint8_t *)name, len);
    name[len] = '\0';
    if (qemu_file_get_error(f)) {
        return qemu_file_get_error(f);
    }
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        if (!strcmp(MigrationCapability_str(i), name)) {
            *(MigrationCapability *)pv = i;
            return 0;
        }
    }
    error_report("Received unknown capability %s", name);
    return -EINVAL;
}

static const VMStateInfo vmstate_info_capability = {
    .name = "capability",
    .get = get_capability,
    .put = put_capability,
};

static bool configuration_caps_needed(void *opaque)
{
    for (size_t i = 0; i < ARRAY_SIZE(validated_caps); i++) {
        if (local_cap(validated_caps[i])) {
            return true;
        }
    }
    return false;
}

static const VMStateDescription vmstate_configuration_capabilities = {
    .name = "configuration/capabilities",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = configuration_caps_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(caps_count, SaveConfiguration),
        VMSTATE_VARRAY_UINT32_ALLOC(capabilities, SaveConfiguration,
                                    caps_count, 1, vmstate_info_capability,
                                    MigrationCapability),
        VMSTATE_END_OF_LIST()
    },
};

/* Each validated capability must be on here iff it was on the source. */
static bool configuration_validate_caps(SaveConfiguration *c, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(validated_caps); i++) {
        MigrationCapability cap = validated_caps[i];
        bool source = false;

        for (uint32_t k = 0; k < c->caps_count; k++) {
            source |= c->capabilities[k] == cap;
        }
        if (source != local_cap(cap)) {
            error_setg(errp, "Capability %s is %s, but received capability "
                       "is %s", MigrationCapability_str(cap),
                       local_cap(cap) ? "on" : "off",
                       source ? "on" : "off");
            return false;
        }
    }
    return true;
}

static const char *local_machine_name(void)
{
    if (current_machine && current_machine->mc) {
        return current_machine->mc->name;
    }
    return "none";
}

static int configuration_pre_save(void *opaque)
{
    SaveConfiguration *c = opaque;
    const char *name = local_machine_name();

    g_free(c->name);
    c->len = strlen(name);
    c->name = (uint8_t *)g_strndup(name, c->len);
    g_free(c->capabilities);
    c->capabilities = g_new0(MigrationCapability, ARRAY_SIZE(validated_caps));
    c->caps_count = 0;
    for (size_t i = 0; i < ARRAY_SIZE(validated_caps); i++) {
        if (local_cap(validated_caps[i])) {
            c->capabilities[c->caps_count++] = validated_caps[i];
        }
    }
    return 0;
}

static bool configuration_post_load(void *opaque, int version_id,
                                    Error **errp)
{
    SaveConfiguration *c = opaque;
    const char *local = local_machine_name();

    if (c->len != strlen(local) || memcmp(c->name, local, c->len)) {
        error_setg(errp, "Machine type received is '%.*s' and local is "
                   "'%s'", (int)c->len, (char *)c->name, local);
        return false;
    }
    return configuration_validate_caps(c, errp);
}

static const VMStateDescription vmstate_configuration = {
    .name = "configuration",
    .version_id = 1,
    .pre_save = configuration_pre_save,
    .post_load_errp = configuration_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(len, SaveConfiguration),
        VMSTATE_VBUFFER_ALLOC_UINT32(name, SaveConfiguration, 0, NULL, len),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_configuration_capabilities,
        NULL
    },
};

/* ---- save ---- */

static void save_section_header(QEMUFile *f, SaveStateEntry *se,
                                uint8_t type)
{
    qemu_put_byte(f, type);
    qemu_put_be32(f, se->section_id);
    if (type == QEMU_VM_SECTION_START || type == QEMU_VM_SECTION_FULL) {
        size_t len = strlen(se->idstr);

        qemu_put_byte(f, len);
        qemu_put_buffer(f, (const uint8_t *)se->idstr, len);
        qemu_put_be32(f, se->instance_id);
        qemu_put_be32(f, se->version_id);
    }
}

static void save_section_footer(QEMUFile *f, SaveStateEntry *se)
{
    qemu_put_byte(f, QEMU_VM_SECTION_FOOTER);
    qemu_put_be32(f, se->section_id);
}

static JSONWriter *vmdesc_get(void)
{
    if (!savevm_state.vmdesc) {
        savevm_state.vmdesc = json_writer_new();
        json_writer_start_object(savevm_state.vmdesc, NULL);
    }
    return savevm_state.vmdesc;
}

static void vmdesc_reset(void)
{
    json_writer_free(savevm_state.vmdesc);
    savevm_state.vmdesc = NULL;
    savevm_state.vmdesc_devices_open = false;
}

void qemu_savevm_state_header(QEMUFile *f)
{
    SaveConfiguration conf = { 0 };
    JSONWriter *vmdesc;

    vmdesc_reset();
    vmdesc = vmdesc_get();
    qemu_put_be32(f, QEMU_VM_FILE_MAGIC);
    qemu_put_be32(f, QEMU_VM_FILE_VERSION);
    qemu_put_byte(f, QEMU_VM_CONFIGURATION);
    json_writer_start_object(vmdesc, "configuration");
    vmstate_save_state(f, &vmstate_configuration, &conf, vmdesc);
    json_writer_end_object(vmdesc);
    g_free(conf.name);
    g_free(conf.capabilities);
}

/* A FULL section for a non-iterable entry, described in the vmdesc. */
static int save_full_section(QEMUFile *f, SaveStateEntry *se, Error **errp)
{
    JSONWriter *vmdesc = vmdesc_get();
    uint64_t start;
    int ret = 0;

    if (se->vmsd && !vmstate_section_needed(se->vmsd, se->opaque)) {
        return 0;
    }
    if (!savevm_state.vmdesc_devices_open) {
        json_writer_int64(vmdesc, "page_size", TARGET_PAGE_SIZE);
        json_writer_start_list(vmdesc, "devices");
        savevm_state.vmdesc_devices_open = true;
    }
    json_writer_start_object(vmdesc, NULL);
    json_writer_str(vmdesc, "name", se->idstr);
    json_writer_int64(vmdesc, "instance_id", se->instance_id);

    save_section_header(f, se, QEMU_VM_SECTION_FULL);
    if (se->vmsd) {
        ret = vmstate_save_state_with_err(f, se->vmsd, se->opaque, vmdesc,
                                          errp);
    } else {
        start = qemu_file_transferred(f);
        se->ops->save_state(f, se->opaque);
        json_writer_start_list(vmdesc, "fields");
        json_writer_start_object(vmdesc, NULL);
        json_writer_str(vmdesc, "name", "data");
        json_writer_str(vmdesc, "type", "buffer");
        json_writer_int64(vmdesc, "size", qemu_file_transferred(f) - start);
        json_writer_end_object(vmdesc);
        json_writer_end_list(vmdesc);
    }
    json_writer_end_object(vmdesc);
    if (ret < 0) {
        return ret;
    }
    save_section_footer(f, se);
    return 0;
}

static int savevm_file_error(QEMUFile *f, Error **errp)
{
    int ret = qemu_file_get_error(f);

    if (ret < 0 && errp && !*errp) {
        error_setg_errno(errp, -ret, "Failed to write the migration stream");
    }
    return ret;
}

int qemu_savevm_state_setup(QEMUFile *f, Error **errp)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->vmsd && se->vmsd->early_setup) {
            int ret = save_full_section(f, se, errp);

            if (ret < 0) {
                return ret;
            }
        }
    }
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;
        int ret;

        if (!se_is_iterable(se) || !se_is_active(se)) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_START);
        se->setup_done = true;
        ret = se->ops->save_setup(f, se->opaque, errp);
        if (ret < 0) {
            if (errp && !*errp) {
                error_setg(errp, "Failed to set up section '%s'", se->idstr);
            }
            qemu_file_set_error(f, ret);
            return ret;
        }
        save_section_footer(f, se);
    }
    return savevm_file_error(f, errp);
}

int qemu_savevm_state_iterate(QEMUFile *f)
{
    bool all_done = true;

    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;
        int ret;

        if (!se_is_iterable(se) || !se->ops->save_live_iterate ||
            !se_is_active(se)) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_PART);
        ret = se->ops->save_live_iterate(f, se->opaque);
        if (ret < 0) {
            qemu_file_set_error(f, ret);
            return ret;
        }
        save_section_footer(f, se);
        if (ret == 0) {
            all_done = false;
        }
    }
    if (qemu_file_get_error(f)) {
        return qemu_file_get_error(f);
    }
    return all_done ? 1 : 0;
}

static void pending_sum(bool exact, uint64_t *must_precopy,
                        uint64_t *can_postcopy)
{
    *must_precopy = 0;
    *can_postcopy = 0;
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;
        void (*fn)(void *, uint64_t *, uint64_t *);

        if (!se_is_iterable(se) || !se_is_active(se)) {
            continue;
        }
        fn = exact ? se->ops->state_pending_exact
                   : se->ops->state_pending_estimate;
        if (fn) {
            fn(se->opaque, must_precopy, can_postcopy);
        }
    }
}

void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy)
{
    pending_sum(false, must_precopy, can_postcopy);
}

void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy)
{
    pending_sum(true, must_precopy, can_postcopy);
}

int qemu_savevm_state_complete_precopy_with_err(QEMUFile *f, Error **errp)
{
    JSONWriter *vmdesc;
    size_t len;
    int ret;

    qemu_put_byte(f, QEMU_VM_COMMAND);
    qemu_put_be16(f, MIG_CMD_SWITCHOVER_START);
    qemu_put_be16(f, 0);

    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!se_is_iterable(se) || !se->ops->save_live_complete_precopy ||
            !se_is_active(se)) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_END);
        ret = se->ops->save_live_complete_precopy(f, se->opaque);
        if (ret < 0) {
            error_setg(errp, "Failed to complete section '%s'", se->idstr);
            qemu_file_set_error(f, ret);
            return ret;
        }
        save_section_footer(f, se);
    }

    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se_is_iterable(se) || (se->vmsd && se->vmsd->early_setup) ||
            (!se->vmsd && !se->ops->save_state)) {
            continue;
        }
        ret = save_full_section(f, se, errp);
        if (ret < 0) {
            qemu_file_set_error(f, ret);
            return ret;
        }
    }

    vmdesc = vmdesc_get();
    if (!savevm_state.vmdesc_devices_open) {
        json_writer_int64(vmdesc, "page_size", TARGET_PAGE_SIZE);
        json_writer_start_list(vmdesc, "devices");
    }
    json_writer_end_list(vmdesc);
    json_writer_end_object(vmdesc);

    qemu_put_byte(f, QEMU_VM_EOF);
    len = strlen(json_writer_get(vmdesc));
    qemu_put_byte(f, QEMU_VM_VMDESCRIPTION);
    qemu_put_be32(f, len);
    qemu_put_buffer(f, (const uint8_t *)json_writer_get(vmdesc), len);
    vmdesc_reset();

    qemu_fflush(f);
    return savevm_file_error(f, errp);
}

int qemu_savevm_state_complete_precopy(QEMUFile *f)
{
    Error *err = NULL;
    int ret = qemu_savevm_state_complete_precopy_with_err(f, &err);

    if (err) {
        error_report_err(err);
    }
    return ret;
}

void qemu_savevm_state_cleanup(void)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->setup_done) {
            se->setup_done = false;
            if (se->ops->save_cleanup) {
                se->ops->save_cleanup(se->opaque);
            }
        }
    }
    vmdesc_reset();
}

int qemu_savevm_state(QEMUFile *f, Error **errp)
{
    int ret;

    if (qemu_savevm_state_blocked(errp)) {
        return -EINVAL;
    }
    qemu_savevm_state_header(f);
    ret = qemu_savevm_state_setup(f, errp);
    while (ret >= 0) {
        ret = qemu_savevm_state_iterate(f);
        if (ret > 0) {
            break;
        }
        if (ret < 0) {
            savevm_file_error(f, errp);
            if (errp && !*errp) {
                error_setg(errp, "Failed to save the iterable sections");
            }
        }
    }
    if (ret >= 0) {
        ret = qemu_savevm_state_complete_precopy_with_err(f, errp);
    }
    qemu_savevm_state_cleanup();
    return ret;
}

/* ---- load ---- */

/* Section ids are per stream: the source numbers them, we map them. */
static SaveStateEntry *find_se_by_load_id(uint32_t section_id)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->load_seen && se->load_section_id == section_id) {
            return se;
        }
    }
    return NULL;
}

static int check_section_footer(QEMUFile *f, SaveStateEntry *se,
                                Error **errp)
{
    int type = qemu_get_byte(f);
    uint32_t id;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Missing section footer for %s: the stream ends "
                   "early", se->idstr);
        return -EIO;
    }
    if (type != QEMU_VM_SECTION_FOOTER) {
        error_setg(errp, "Missing section footer for %s", se->idstr);
        return -EINVAL;
    }
    id = qemu_get_be32(f);
    if (id != se->load_section_id) {
        error_setg(errp, "Mismatched section id in footer for %s - read "
                   "0x%" PRIx32 " expected 0x%" PRIx32, se->idstr, id,
                   se->load_section_id);
        return -EINVAL;
    }
    return 0;
}

static int load_section_data(QEMUFile *f, SaveStateEntry *se, Error **errp)
{
    int ret;

    if (se->vmsd) {
        Error *local_err = NULL;

        ret = vmstate_load_state_with_err(f, se->vmsd, se->opaque,
                                          se->load_version_id, &local_err);
        if (ret < 0) {
            error_propagate_prepend(errp, local_err, "error while loading "
                                    "state for instance 0x%" PRIx32
                                    " of device '%s': ", se->instance_id,
                                    se->idstr);
        }
        return ret;
    }
    if (!se->ops->load_state) {
        error_setg(errp, "Section '%s' cannot be loaded", se->idstr);
        return -EINVAL;
    }
    ret = se->ops->load_state(f, se->opaque, se->load_version_id);
    if (ret >= 0 && qemu_file_get_error(f)) {
        ret = qemu_file_get_error(f);
    }
    if (ret < 0) {
        error_setg(errp, "error while loading state section id %" PRIu32
                   "(%s)%s", se->load_section_id, se->idstr,
                   ret == -EIO ? ": the stream ends early" : "");
    }
    return ret;
}

static int load_section_start_full(QEMUFile *f, Error **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    uint8_t len = qemu_get_byte(f);
    char idstr[256];
    uint32_t instance_id, version_id;
    SaveStateEntry *se;
    int ret;

    qemu_get_buffer(f, (uint8_t *)idstr, len);
    idstr[len] = '\0';
    instance_id = qemu_get_be32(f);
    version_id = qemu_get_be32(f);
    if (qemu_file_get_error(f)) {
        error_setg(errp, "The migration stream ends in a section header");
        return -EIO;
    }
    se = find_se(idstr, instance_id);
    if (!se) {
        error_setg(errp, "Unknown savevm section or instance '%s' %" PRIu32
                   ". Make sure that your current VM setup matches your "
                   "saved VM setup, including any hotplugged devices",
                   idstr, instance_id);
        return -EINVAL;
    }
    if (version_id > (uint32_t)se->version_id) {
        error_setg(errp, "savevm: unsupported version %" PRIu32 " for "
                   "'%s' v%d", version_id, idstr, se->version_id);
        return -EINVAL;
    }
    se->load_section_id = section_id;
    se->load_version_id = version_id;
    se->load_seen = true;
    ret = load_section_data(f, se, errp);
    if (ret < 0) {
        return ret;
    }
    return check_section_footer(f, se, errp);
}

static int load_section_part_end(QEMUFile *f, Error **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    SaveStateEntry *se;
    int ret;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "The migration stream ends in a section header");
        return -EIO;
    }
    se = find_se_by_load_id(section_id);
    if (!se) {
        error_setg(errp, "Unknown savevm section %" PRIu32, section_id);
        return -EINVAL;
    }
    ret = load_section_data(f, se, errp);
    if (ret < 0) {
        return ret;
    }
    return check_section_footer(f, se, errp);
}

static int load_command(QEMUFile *f, Error **errp)
{
    unsigned int cmd = qemu_get_be16(f);
    unsigned int len = qemu_get_be16(f);

    if (qemu_file_get_error(f)) {
        error_setg(errp, "The migration stream ends in a command");
        return -EIO;
    }
    switch (cmd) {
    case MIG_CMD_SWITCHOVER_START:
        if (len != 0) {
            error_setg(errp, "SWITCHOVER_START: bad command length %u",
                       len);
            return -EINVAL;
        }
        return 0;
    case 2: /* PING: a u32 the source wants echoed on the return path */
        if (len != 4) {
            error_setg(errp, "PING: bad command length %u", len);
            return -EINVAL;
        }
        qemu_get_be32(f);
        return 0;
    default:
        error_setg(errp, "VM_COMMAND %u not supported", cmd);
        return -EINVAL;
    }
}

/*
 * The vmdesc after EOF: read and dropped (it is for tools).  As in QEMU,
 * a stream that ends before it is truncated.
 */
static int load_vmdesc(QEMUFile *f, Error **errp)
{
    uint8_t chunk[4096];
    uint32_t size;
    int type = qemu_get_byte(f);

    if (qemu_file_get_error(f)) {
        error_setg(errp, "The migration stream ends before its vmdesc");
        return qemu_file_get_error(f);
    }
    if (type != QEMU_VM_VMDESCRIPTION) {
        warn_report("Expected vmdescription section, but got %d", type);
        return 0;
    }
    size = qemu_get_be32(f);
    while (size > 0 && !qemu_file_get_error(f)) {
        uint32_t n = MIN(size, sizeof(chunk));

        qemu_get_buffer(f, chunk, n);
        size -= n;
    }
    if (qemu_file_get_error(f)) {
        error_setg(errp, "The migration stream ends in its vmdesc");
        return qemu_file_get_error(f);
    }
    return 0;
}

static int load_header(QEMUFile *f, Error **errp)
{
    SaveConfiguration conf = { 0 };
    uint32_t v;
    int ret;

    v = qemu_get_be32(f);
    if (qemu_file_get_error(f) || v != QEMU_VM_FILE_MAGIC) {
        error_setg(errp, "Not a migration stream");
        return -EINVAL;
    }
    v = qemu_get_be32(f);
    if (v == QEMU_VM_FILE_VERSION_COMPAT) {
        error_setg(errp, "SaveVM v2 format is obsolete and don't work "
                   "anymore");
        return -ENOTSUP;
    }
    if (v != QEMU_VM_FILE_VERSION) {
        error_setg(errp, "Unsupported migration stream version");
        return -ENOTSUP;
    }
    if (qemu_get_byte(f) != QEMU_VM_CONFIGURATION) {
        error_setg(errp, "Configuration section missing");
        return -EINVAL;
    }
    ret = vmstate_load_state_with_err(f, &vmstate_configuration, &conf,
                                      vmstate_configuration.version_id,
                                      errp);
    g_free(conf.name);
    g_free(conf.capabilities);
    return ret;
}

static int load_sections(QEMUFile *f, Error **errp)
{
    for (;;) {
        int type = qemu_get_byte(f);
        int ret;

        if (qemu_file_get_error(f)) {
            error_setg(errp, "The migration stream ends before its EOF "
                       "marker");
            return -EIO;
        }
        switch (type) {
        case QEMU_VM_SECTION_START:
        case QEMU_VM_SECTION_FULL:
            ret = load_section_start_full(f, errp);
            break;
        case QEMU_VM_SECTION_PART:
        case QEMU_VM_SECTION_END:
            ret = load_section_part_end(f, errp);
            break;
        case QEMU_VM_COMMAND:
            ret = load_command(f, errp);
            break;
        case QEMU_VM_EOF:
            return 0;
        default:
            error_setg(errp, "Unknown savevm section type %d", type);
            return -EINVAL;
        }
        if (ret < 0) {
            return ret;
        }
    }
}

int qemu_loadvm_state(QEMUFile *f, Error **errp)
{
    GList *l;
    int ret;

    for (l = savevm_state.entries; l; l = l->next) {
        ((SaveStateEntry *)l->data)->load_seen = false;
    }
    ret = load_header(f, errp);
    if (ret < 0) {
        return ret;
    }
    for (l = savevm_state.entries; l && ret >= 0; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->ops && se->ops->load_setup) {
            ret = se->ops->load_setup(f, se->opaque, errp);
            if (ret < 0 && errp && !*errp) {
                error_setg(errp, "Load state of device %s failed",
                           se->idstr);
            }
        }
    }
    if (ret >= 0) {
        ret = load_sections(f, errp);
    }
    if (ret >= 0) {
        ret = load_vmdesc(f, errp);
    }
    for (l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->ops && se->ops->load_cleanup) {
            se->ops->load_cleanup(se->opaque);
        }
    }
    if (ret < 0) {
        qemu_file_set_error(f, ret);
    }
    return ret;
}

/* ---- -dump-vmstate ---- */

static void dump_vmsd(FILE *out, const VMStateDescription *vmsd, int indent,
                      bool is_subsection);

static void dump_field(FILE *out, const VMStateField *field, int indent)
{
    fprintf(out, "%*s{\n", indent, "");
    indent += 2;
    fprintf(out, "%*s\"field\": \"%s\",\n", indent, "", field->name);
    fprintf(out, "%*s\"version_id\": %d,\n", indent, "", field->version_id);
    fprintf(out, "%*s\"field_exists\": %s,\n", indent, "",
            field->field_exists ? "true" : "false");
    if (field->flags & VMS_ARRAY) {
        fprintf(out, "%*s\"num\": %d,\n", indent, "", field->num);
    }
    fprintf(out, "%*s\"size\": %zu", indent, "", field->size);
    if (field->vmsd) {
        fprintf(out, ",\n");
        dump_vmsd(out, field->vmsd, indent, false);
    }
    fprintf(out, "\n%*s}", indent - 2, "");
}

static void dump_vmsd(FILE *out, const VMStateDescription *vmsd, int indent,
                      bool is_subsection)
{
    if (is_subsection) {
        fprintf(out, "%*s{\n", indent, "");
    } else {
        fprintf(out, "%*s\"Description\": {\n", indent, "");
    }
    indent += 2;
    fprintf(out, "%*s\"name\": \"%s\",\n", indent, "", vmsd->name);
    fprintf(out, "%*s\"version_id\": %d,\n", indent, "", vmsd->version_id);
    fprintf(out, "%*s\"minimum_version_id\": %d", indent, "",
            vmsd->minimum_version_id);
    if (vmsd->fields) {
        bool first = true;

        fprintf(out, ",\n%*s\"Fields\": [\n", indent, "");
        for (const VMStateField *f = vmsd->fields; f->name; f++) {
            if (f->flags & VMS_MUST_EXIST) {
                continue;       /* validation only, nothing on the wire */
            }
            if (!first) {
                fprintf(out, ",\n");
            }
            dump_field(out, f, indent + 2);
            first = false;
        }
        fprintf(out, "\n%*s]", indent, "");
    }
    if (vmsd->subsections) {
        fprintf(out, ",\n%*s\"Subsections\": [\n", indent, "");
        for (const VMStateDescription * const *s = vmsd->subsections; *s;
             s++) {
            if (s != vmsd->subsections) {
                fprintf(out, ",\n");
            }
            dump_vmsd(out, *s, indent + 2, true);
        }
        fprintf(out, "\n%*s]", indent, "");
    }
    fprintf(out, "\n%*s}", indent - 2, "");
}

/*
 * QEMU keys each entry by its device class name; Ferry has no classes, so
 * each registered description appears once, keyed by its name.
 */
void vmstate_dump_json(FILE *out)
{
    GPtrArray *seen = g_ptr_array_new();

    fprintf(out, "{\n");
    fprintf(out, "  \"vmschkmachine\": {\n");
    fprintf(out, "    \"Name\": \"%s\"\n", local_machine_name());
    fprintf(out, "  }");
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;
        const VMStateDescription *vmsd = se->vmsd;
        bool dup = false;

        if (!vmsd) {
            continue;
        }
        for (guint i = 0; i < seen->len; i++) {
            dup |= !strcmp(((const VMStateDescription *)
                            g_ptr_array_index(seen, i))->name, vmsd->name);
        }
        if (dup) {
            continue;
        }
        g_ptr_array_add(seen, (gpointer)vmsd);
        fprintf(out, ",\n  \"%s\": {\n", vmsd->name);
        fprintf(out, "    \"Name\": \"%s\",\n", vmsd->name);
        fprintf(out, "    \"version_id\": %d,\n", vmsd->version_id);
        fprintf(out, "    \"minimum_version_id\": %d,\n",
                vmsd->minimum_version_id);
        dump_vmsd(out, vmsd, 4, false);
        fprintf(out, "\n  }");
    }
    fprintf(out, "\n}\n");
    g_ptr_array_free(seen, TRUE);
}
