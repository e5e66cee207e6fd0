# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: C type definitions (qapi-types-M.[ch])."""

from .common import c_name, gen_endif, gen_if, wrap_if
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType,
                     ObjectType, special_features_c)


def has_c_struct(t):
    """Implicit union bases are flattened into the union: no C struct."""
    return isinstance(t, ObjectType) and t.name != 'q_empty' and \
        not (t.implicit and t.name.endswith('-base'))


def module_types(schema, module):
    """Types owned by a module, in definition order."""
    out = [t for t in schema.types.values()
           if t.module == module and not isinstance(t, (BuiltinType,
                                                        ArrayType))]
    out += [a for a in schema.arrays if a.module == module]
    return out


def gen_enum_decl(t, name=None, cname=None):
    name = name or t.c_name()
    lines = ['typedef enum %s {\n' % name]
    for m in t.members:
        lines.append(wrap_if(m.ifcond, '    %s,\n' % t.const(m.name)))
    lines.append('    %s,\n} %s;\n\n' % (t.max_const(), name))
    lines.append('#define %s_str(val) \\\n    qapi_enum_lookup(&%s_lookup, '
                 '(val))\n\n' % (name, name))
    lines.append('extern const QEnumLookup %s_lookup;\n\n' % name)
    return wrap_if(t.ifcond, ''.join(lines))


def gen_enum_lookup(t, name=None):
    name = name or t.c_name()
    out = 'const QEnumLookup %s_lookup = {\n' % name
    out += '    .array = (const char *const[]) {\n'
    for m in t.members:
        out += wrap_if(m.ifcond, '        [%s] = "%s",\n'
                       % (t.const(m.name), m.name))
    out += '    },\n'
    special = [m for m in t.members
               if special_features_c(m.features) != '0']
    if special:
        out += '    .special_features = (const unsigned char[%s]) {\n' \
            % t.max_const()
        for m in special:
            out += wrap_if(m.ifcond, '        [%s] = %s,\n' % (
                t.const(m.name), special_features_c(m.features)))
        out += '    },\n'
    out += '    .size = %s\n};\n\n' % t.max_const()
    return wrap_if(t.ifcond, out)


def gen_member(m):
    out = ''
    if m.need_has():
        out += '    bool has_%s;\n' % m.c_name()
    out += '    %s%s;\n' % (_decl_type(m.type.c_type()), m.c_name())
    return wrap_if(m.ifcond, out)


def _decl_type(ctype):
    return ctype if ctype.endswith('*') else ctype + ' '


def gen_object(t):
    out = 'struct %s {\n' % t.c_name()
    if t.base is not None and t.base.members and not t.base.implicit:
        out += '    /* Members inherited from %s: */\n' % t.base.name
    for m in t.members:
        out += gen_member(m)
    if t.is_union():
        out += '    union { /* union tag is @%s */\n' % t.tag_member.name
        for v in t.variants:
            if v.type.name == 'q_empty':
                continue
            out += wrap_if(v.ifcond, '        %s %s;\n'
                           % (v.type.c_name(), c_name(v.name)))
        out += '    } u;\n'
    if not t.members and not t.variants:
        out += '    char qapi_dummy_for_empty_struct;\n'
    out += '};\n\n'
    if t.base is not None and not t.base.implicit:
        out += ('static inline %s *qapi_%s_base(const %s *obj)\n{\n'
                '    return (%s *)obj;\n}\n\n'
                % (t.base.c_name(), t.c_name(), t.c_name(),
                   t.base.c_name()))
    return wrap_if(t.ifcond, out)


def gen_alternate(t):
    out = 'struct %s {\n    QType type;\n    union { /* union tag is @type */\n' \
        % t.c_name()
    for v in t.variants:
        out += wrap_if(v.ifcond, '        %s%s;\n'
                       % (_decl_type(v.type.c_unboxed_type()),
                          c_name(v.name)))
    out += '    } u;\n};\n\n'
    return wrap_if(t.ifcond, out)


def gen_array(t):
    elem = t.element
    if isinstance(elem, (ObjectType, AlternateType)):
        vtype = elem.c_type()
    else:
        vtype = elem.c_unboxed_type()
    out = 'struct %s {\n    %s *next;\n    %s%s;\n};\n\n' % (
        t.c_name(), t.c_name(), _decl_type(vtype), 'value')
    return wrap_if(t.ifcond, out)


def needs_free(t):
    if isinstance(t, ObjectType):
        return has_c_struct(t) and not t.implicit
    return isinstance(t, (AlternateType, ArrayType))


def gen_free_decl(t):
    n = t.c_name()
    return wrap_if(t.ifcond, 'void qapi_free_%s(%s *obj);\n'
                   'G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, qapi_free_%s)\n\n'
                   % (n, n, n, n))


def gen_free_def(t):
    n = t.c_name()
    return wrap_if(t.ifcond, '''void qapi_free_%s(%s *obj)
{
    Visitor *v;

    if (!obj) {
        return;
    }
    v = qapi_dealloc_visitor_new();
    visit_type_%s(v, NULL, &obj, NULL);
    visit_free(v);
}

''' % (n, n, n))


class _Orderer:
    """Emit struct definitions so by-value members come first."""

    def __init__(self, module):
        self.module = module
        self.done = set()
        self.out = []

    def emit(self, t):
        if t.name in self.done or t.module != self.module:
            return
        self.done.add(t.name)
        if isinstance(t, ObjectType):
            for v in t.variants:
                self.emit(v.type)
            self.out.append(gen_object(t))
        elif isinstance(t, AlternateType):
            for v in t.variants:
                if isinstance(v.type, ObjectType):
                    self.emit(v.type)
            self.out.append(gen_alternate(t))


def gen_types_module(schema, module, prefix):
    """Returns (header body, header includes, source body, source includes)."""
    types = module_types(schema, module)
    builtin = module == './builtin'
    h = ''
    # forward declarations
    for t in types:
        if has_c_struct(t) or isinstance(t, (AlternateType, ArrayType)):
            h += wrap_if(t.ifcond, 'typedef struct %s %s;\n'
                         % (t.c_name(), t.c_name()))
    h += '\n'
    c = ''
    for t in types:
        if isinstance(t, EnumType):
            h += gen_enum_decl(t)
            c += gen_enum_lookup(t)
    order = _Orderer(module)
    for t in types:
        if has_c_struct(t) or isinstance(t, AlternateType):
            order.emit(t)
    h += ''.join(order.out)
    for t in types:
        if isinstance(t, ArrayType):
            h += gen_array(t)
    for t in types:
        if needs_free(t):
            h += gen_free_decl(t)
            c += gen_free_def(t)
    if builtin:
        hinc = ['<json-glib/json-glib.h>', '"qapi/util.h"']
        cinc = ['"qapi/dealloc-visitor.h"', '"qapi/qapi-builtin-types.h"',
                '"qapi/qapi-builtin-visit.h"']
    else:
        hinc = ['"qapi/qapi-builtin-types.h"'] + [
            '"qapi/%sqapi-types-%s.h"' % (prefix, m)
            for m in schema.module_includes(module)]
        cinc = ['"qapi/dealloc-visitor.h"',
                '"qapi/%sqapi-types-%s.h"' % (prefix, module),
                '"qapi/%sqapi-visit-%s.h"' % (prefix, module)]
    return h, hinc, c, cinc


def gen_if_block(cond, text):
    return gen_if(cond) + text + gen_endif(cond)
