# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: visitor functions (qapi-visit-M.[ch])."""

from .common import c_name, wrap_if
from .gen_types import has_c_struct, module_types
from .schema import AlternateType, ArrayType, EnumType, ObjectType
from .build import alternate_qtype


def gen_visit_member(m, errp='errp'):
    cn = m.c_name()
    call = 'visit_type_%s(v, "%s", &obj->%s, %s)' % (
        m.type.c_name(), m.name, cn, errp)
    if not m.optional:
        out = '    if (!%s) {\n        return false;\n    }\n' % call
    else:
        flag = '&obj->has_%s' % cn if m.need_has() else '&has_%s' % cn
        out = ('    if (visit_optional(v, "%s", %s)) {\n'
               '        if (!%s) {\n            return false;\n        }\n'
               '    }\n' % (m.name, flag, call))
    return wrap_if(m.ifcond, out)


def gen_members_decl(t):
    return wrap_if(t.ifcond, 'bool visit_type_%s_members(Visitor *v, %s *obj, '
                   'Error **errp);\n\n' % (t.c_name(), t.c_name()))


def gen_members_def(t):
    out = 'bool visit_type_%s_members(Visitor *v, %s *obj, Error **errp)\n{\n' \
        % (t.c_name(), t.c_name())
    for m in t.members:
        if m.optional and not m.need_has():
            out += wrap_if(m.ifcond, '    bool has_%s = !!obj->%s;\n'
                           % (m.c_name(), m.c_name()))
    for m in t.members:
        out += gen_visit_member(m)
    if t.is_union():
        tag = t.tag_member
        out += '    switch (obj->%s) {\n' % tag.c_name()
        for v in t.variants:
            out += wrap_if(v.ifcond, '    case %s:\n        return '
                           'visit_type_%s_members(v, &obj->u.%s, errp);\n'
                           % (tag.type.const(v.name), v.type.c_name(),
                              c_name(v.name)))
        out += '    default:\n        break;\n    }\n'
    out += '    return true;\n}\n\n'
    return wrap_if(t.ifcond, out)


def gen_visit_decl(t):
    if isinstance(t, EnumType):
        sig = 'bool visit_type_%s(Visitor *v, const char *name, %s *obj, ' \
              'Error **errp);\n' % (t.c_name(), t.c_name())
    else:
        sig = 'bool visit_type_%s(Visitor *v, const char *name, %s **obj, ' \
              'Error **errp);\n' % (t.c_name(), t.c_name())
    return wrap_if(t.ifcond, sig)


def gen_visit_enum(t):
    n = t.c_name()
    return wrap_if(t.ifcond, '''bool visit_type_%s(Visitor *v, const char *name, %s *obj, Error **errp)
{
    int value = *obj;
    bool ok = visit_type_enum(v, name, &value, &%s_lookup, errp);

    *obj = value;
    return ok;
}

''' % (n, n, n))


_EPILOGUE = '''
out_obj:
    %s(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%s(*obj);
        *obj = NULL;
    }
    return ok;
}

'''


def gen_visit_object(t):
    n = t.c_name()
    out = '''bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(%s), errp)) {
        return false;
    }
    if (!*obj) {
        /* incomplete */
        g_assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_%s_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);''' % (n, n, n, n)
    out += _EPILOGUE % ('visit_end_struct', n)
    return wrap_if(t.ifcond, out)


def gen_visit_list(t):
    n = t.c_name()
    elem = t.element
    out = '''bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)
{
    bool ok = false;
    %s *tail;
    size_t size = sizeof(**obj);

    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
        return false;
    }

    for (tail = *obj; tail;
         tail = (%s *)visit_next_list(v, (GenericList *)tail, size)) {
        if (!visit_type_%s(v, NULL, &tail->value, errp)) {
            goto out_obj;
        }
    }

    ok = visit_check_list(v, errp);''' % (n, n, n, n, elem.c_name())
    out += _EPILOGUE % ('visit_end_list', n)
    return wrap_if(t.ifcond, out)


def gen_visit_alternate(t):
    n = t.c_name()
    out = '''bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)
{
    bool ok = false;

    if (!visit_start_alternate(v, name, (GenericAlternate **)obj,
                               sizeof(**obj), errp)) {
        return false;
    }
    if (!*obj) {
        /* incomplete */
        g_assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    switch ((*obj)->type) {
''' % (n, n)
    for v in t.variants:
        vn = c_name(v.name)
        case = '    case %s:\n' % alternate_qtype(v.type)
        if isinstance(v.type, ObjectType):
            case += '''        if (!visit_start_struct(v, name, NULL, 0, errp)) {
            break;
        }
        if (visit_type_%s_members(v, &(*obj)->u.%s, errp)) {
            ok = visit_check_struct(v, errp);
        }
        visit_end_struct(v, NULL);
        break;
''' % (v.type.c_name(), vn)
        else:
            case += ('        ok = visit_type_%s(v, name, &(*obj)->u.%s, '
                     'errp);\n        break;\n' % (v.type.c_name(), vn))
        out += wrap_if(v.ifcond, case)
    out += '''    case QTYPE_NONE:
        abort();
    default:
        g_assert(visit_is_input(v));
        error_setg(errp, "Invalid parameter type for '%%s', expected: %%s",
                   name ? name : "null", "%s");
        /* Avoid passing invalid *obj to qapi_free_%s() */
        g_free(*obj);
        *obj = NULL;
    }''' % (t.name, n)
    out += _EPILOGUE % ('visit_end_alternate', n)
    return wrap_if(t.ifcond, out)


def gen_visit_module(schema, module, prefix):
    types = module_types(schema, module)
    builtin = module == './builtin'
    h = ''
    c = ''
    for t in types:
        if isinstance(t, ObjectType):
            if not has_c_struct(t):
                continue
            h += gen_members_decl(t)
            c += gen_members_def(t)
            if not t.implicit:
                h += gen_visit_decl(t)
                c += gen_visit_object(t)
        elif isinstance(t, EnumType):
            h += gen_visit_decl(t)
            c += gen_visit_enum(t)
        elif isinstance(t, ArrayType):
            h += gen_visit_decl(t)
            c += gen_visit_list(t)
        elif isinstance(t, AlternateType):
            h += gen_visit_decl(t)
            c += gen_visit_alternate(t)
        h += '\n' if h and not h.endswith('\n\n') else ''
    if builtin:
        hinc = ['"qapi/qapi-builtin-types.h"', '"qapi/visitor.h"']
        cinc = ['"qapi/qapi-builtin-visit.h"']
    else:
        hinc = ['"qapi/qapi-builtin-visit.h"',
                '"qapi/%sqapi-types-%s.h"' % (prefix, module)] + [
            '"qapi/%sqapi-visit-%s.h"' % (prefix, m)
            for m in schema.module_includes(module)]
        cinc = ['"qapi/%sqapi-visit-%s.h"' % (prefix, module)]
    return h, hinc, c, cinc
