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

#include "savevm-internal.h"

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

SaveStateEntry *savevm_find_se(const char *idstr, uint32_t instance_id)
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
    if (savevm_find_se(nse->idstr, nse->instance_id)) {
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

void qemu_savevm_non_migratable_list(strList **reasons)
{
    for (GList *l = savevm_state.entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->vmsd && se->vmsd->unmigratable) {
            strList *e = g_new0(strList, 1);

            e->value = g_strdup_printf("non-migratable device: %s",
                                       se->idstr);
            e->next = *reasons;
            *reasons = e;
        }
    }
}

/* ---- the configuration section ---- */


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

const char *savevm_local_machine_name(void)
{
    if (current_machine && current_machine->mc) {
        return current_machine->mc->name;
    }
    return "none";
}

static int configuration_pre_save(void *opaque)
{
    SaveConfiguration *c = opaque;
    const char *name = savevm_local_machine_name();

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
    const char *local = savevm_local_machine_name();

    if (c->len != strlen(local) || memcmp(c->name, local, c->len)) {
        error_setg(errp, "Machine type received is '%.*s' and local is "
                   "'%s'", (int)c->len, (char *)c->name, local);
        return false;
    }
    return configuration_validate_caps(c, errp);
}

const VMStateDescription vmstate_configuration = {
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


GList *savevm_entries(void)
{
    return savevm_state.entries;
}

