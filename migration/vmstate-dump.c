/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -dump-vmstate: every registered description as JSON, QEMU's format. */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/migration.h"
#include "savevm-internal.h"

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
    fprintf(out, "    \"Name\": \"%s\"\n", savevm_local_machine_name());
    fprintf(out, "  }");
    for (GList *l = savevm_entries(); l; l = l->next) {
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

