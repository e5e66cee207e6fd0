# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: query-qmp-schema data (qapi-introspect.[ch]).

Follows QEMU's introspection: commands and events in schema order, then
every type they use (transitively), in order of first use.  Type names
other than builtins are masked as "0", "1", ...; integer types all show
as "int".
"""

import json

from .common import c_name, ifcond_expr
from .schema import (AlternateType, ArrayType, BuiltinType, Command,
                     EnumType, Event, ObjectType)


class Ann:
    """A value with an 'if' condition (None = unconditional)."""

    def __init__(self, value, ifcond=None):
        self.value = value
        self.ifcond = ifcond


class _Introspector:
    def __init__(self, schema, unmask=False):
        self.schema = schema
        self.unmask = unmask
        self.trees = []
        self.used = []
        self.names = {}

    def _name(self, name):
        if self.unmask:
            return name
        if name not in self.names:
            self.names[name] = '%d' % len(self.names)
        return self.names[name]

    def use(self, t):
        if t.json_type() == 'int':
            t = self.schema.types['int']
        elif isinstance(t, ArrayType) and t.element.json_type() == 'int':
            t = self.schema.types['intList']
        if t not in self.used:
            self.used.append(t)
        if isinstance(t, BuiltinType):
            return t.name
        if isinstance(t, ArrayType):
            return '[' + self.use(t.element) + ']'
        return self._name(t.name)

    @staticmethod
    def _features(features):
        return [Ann(f.name, f.ifcond) for f in features]

    def _tree(self, name, mtype, obj, ifcond=None, features=()):
        if mtype not in ('command', 'event', 'builtin', 'array'):
            name = self._name(name)
        obj['name'] = name
        obj['meta-type'] = mtype
        if features:
            obj['features'] = self._features(features)
        self.trees.append(Ann(obj, ifcond))

    def _member(self, m):
        obj = {'name': m.name, 'type': self.use(m.type)}
        if m.optional:
            obj['default'] = None
        if m.features:
            obj['features'] = self._features(m.features)
        return Ann(obj, m.ifcond)

    def visit_type(self, t):
        if isinstance(t, BuiltinType):
            self._tree(t.name, 'builtin', {'json-type': t.json_type()})
        elif isinstance(t, EnumType):
            members = []
            for m in t.members:
                mo = {'name': m.name}
                if m.features:
                    mo['features'] = self._features(m.features)
                members.append(Ann(mo, m.ifcond))
            self._tree(t.name, 'enum', {
                'members': members,
                'values': [Ann(m.name, m.ifcond) for m in t.members]},
                t.ifcond, t.features)
        elif isinstance(t, ArrayType):
            elem = self.use(t.element)
            self._tree('[' + elem + ']', 'array', {'element-type': elem},
                       t.ifcond)
        elif isinstance(t, ObjectType):
            obj = {'members': [self._member(m) for m in t.members]}
            if t.is_union():
                obj['tag'] = t.tag_member.name
                obj['variants'] = [
                    Ann({'case': v.name, 'type': self.use(v.type)}, v.ifcond)
                    for v in t.intro_variants]
            self._tree(t.name, 'object', obj, t.ifcond, t.features)
        elif isinstance(t, AlternateType):
            self._tree(t.name, 'alternate', {'members': [
                Ann({'type': self.use(v.type)}, v.ifcond)
                for v in t.variants]}, t.ifcond, t.features)

    def run(self):
        empty = self.schema.the_empty_object
        for mod in self.schema.modules:
            for e in self.schema.module_entities(mod):
                if isinstance(e, Command):
                    obj = {'arg-type': self.use(e.arg_type or empty),
                           'ret-type': self.use(e.ret_type or empty)}
                    if e.allow_oob:
                        obj['allow-oob'] = True
                    self._tree(e.name, 'command', obj, e.ifcond, e.features)
                elif isinstance(e, Event):
                    self._tree(e.name, 'event',
                               {'arg-type': self.use(e.arg_type or empty)},
                               e.ifcond, e.features)
        i = 0
        while i < len(self.used):
            self.visit_type(self.used[i])
            i += 1
        return self.trees


# ---- rendering JSON text as C string literals with #if ----

class _Out:
    def __init__(self):
        self.lines = []
        self.cur = ''

    def text(self, s):
        self.cur += s

    def flush(self):
        if self.cur:
            esc = self.cur.replace('\\', '\\\\').replace('"', '\\"')
            self.lines.append('    "%s"' % esc)
            self.cur = ''

    def directive(self, d):
        self.flush()
        self.lines.append(d)


def _render(out, val):
    if isinstance(val, Ann):
        val = val.value
    if isinstance(val, dict):
        out.text('{')
        for i, (k, v) in enumerate(val.items()):
            out.text('%s%s: ' % (', ' if i else '', json.dumps(k)))
            _render(out, v)
        out.text('}')
    elif isinstance(val, list):
        _render_list(out, val)
    else:
        out.text(json.dumps(val))


def _render_list(out, items, toplevel=False):
    out.text('[')
    conds = []
    for i, item in enumerate(items):
        cond = item.ifcond if isinstance(item, Ann) else None
        if cond is not None:
            out.directive('#if %s' % ifcond_expr(cond))
        if i > 0:
            if None in conds:
                out.text(', ')
            else:
                out.directive('#if %s' % ' || '.join(
                    '(%s)' % ifcond_expr(c) for c in conds))
                out.text(', ')
                out.directive('#endif')
        if toplevel:
            out.flush()
        _render(out, item)
        if toplevel:
            out.flush()
        if cond is not None:
            out.directive('#endif')
        conds.append(cond)
    out.text(']')


def gen_introspect(schema, prefix, unmask=False):
    trees = _Introspector(schema, unmask).run()
    var = c_name(prefix + 'qmp_schema_json', False)
    out = _Out()
    _render_list(out, trees, toplevel=True)
    out.flush()
    h = ('/* The [SchemaInfo] list that query-qmp-schema returns, as JSON. */\n'
         'extern const char %s[];\n' % var)
    c = 'const char %s[] =\n%s;\n' % (var, '\n'.join(out.lines))
    return h, [], c, ['"qapi/%sqapi-introspect.h"' % prefix]
