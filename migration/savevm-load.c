/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading a savevm stream: header, configuration, sections, footers, vmdesc. */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/migration.h"
#include "savevm-internal.h"

/* Section ids are per stream: the source numbers them, we map them. */
static SaveStateEntry *find_se_by_load_id(uint32_t section_id)
{
    for (GList *l = savevm_entries(); l; l = l->next) {
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
    se = savevm_find_se(idstr, instance_id);
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

    for (l = savevm_entries(); l; l = l->next) {
        ((SaveStateEntry *)l->data)->load_seen = false;
    }
    ret = load_header(f, errp);
    if (ret < 0) {
        return ret;
    }
    for (l = savevm_entries(); l && ret >= 0; l = l->next) {
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
    for (l = savevm_entries(); l; l = l->next) {
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

