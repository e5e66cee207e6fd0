# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: turn parsed expressions into a checked Schema."""

from .common import QAPIError, c_name, ifcond_check
from .schema import (BUILTINS, BUILTIN_MODULE, _NAME_RE, _ENUM_VALUE_RE,
                     AlternateType, ArrayType, BuiltinType, Command,
                     EnumMember, EnumType, Event, Feature, Member,
                     ObjectType, Variant)

_KEYS = {
    'struct': {'struct', 'data', 'base', 'if', 'features'},
    'union': {'union', 'base', 'discriminator', 'data', 'if', 'features'},
    'enum': {'enum', 'data', 'prefix', 'if', 'features'},
    'alternate': {'alternate', 'data', 'if', 'features'},
    'command': {'command', 'data', 'returns', 'boxed', 'gen',
                'success-response', 'allow-oob', 'allow-preconfig',
                'coroutine', 'if', 'features'},
    'event': {'event', 'data', 'boxed', 'if', 'features'},
}


class Schema:
    def __init__(self, parser):
        self.main_module = parser.main_module
        self.modules = [BUILTIN_MODULE] + parser.modules
        self.includes = parser.includes
        self.types = {}
        self.entities = []       # definitions in schema order
        self.arrays = []         # array types in creation order
        for name, ctype, json in BUILTINS:
            self._add(BuiltinType(name, ctype, json))
        self.qtype = EnumType('QType', None, BUILTIN_MODULE, None, [],
                              [EnumMember(n) for n in
                               ('none', 'qnull', 'qnum', 'qstring', 'qdict',
                                'qlist', 'qbool')], 'QTYPE')
        self._add(self.qtype)
        self.the_empty_object = ObjectType('q_empty', None, BUILTIN_MODULE,
                                           None, [], None, [],
                                           implicit=True)
        self._add(self.the_empty_object)
        for e in parser.exprs:
            self._define(e)
        self._check()

    # ---- helpers ----
    def _add(self, ent):
        if ent.name in self.types:
            other = self.types[ent.name]
            where = (' (already defined at %s:%d)' % other.info
                     if other.info else '')
            raise QAPIError(ent.info, "'%s' is already defined%s"
                            % (ent.name, where))
        self.types[ent.name] = ent

    def _entity(self, ent):
        self._add(ent)
        if ent.module != BUILTIN_MODULE:
            self.entities.append(ent)

    @staticmethod
    def _check_keys(data, meta, info, name):
        for k in data:
            if k not in _KEYS[meta]:
                raise QAPIError(info, "%s '%s' has unknown key '%s'"
                                % (meta, name, k))

    @staticmethod
    def _check_name(info, name, what, regex=_NAME_RE):
        if not isinstance(name, str) or not regex.match(name):
            raise QAPIError(info, "%s has an invalid name '%s'"
                            % (what, name))

    @staticmethod
    def _bool(data, key, info, what, default=False):
        val = data.get(key, default)
        if not isinstance(val, bool):
            raise QAPIError(info, "%s: '%s' must be true or false"
                            % (what, key))
        return val

    def _features(self, data, info, what):
        feats = data.get('features', [])
        if not isinstance(feats, list):
            raise QAPIError(info, "%s: 'features' must be a list" % what)
        out = []
        for f in feats:
            if isinstance(f, str):
                f = {'name': f}
            if not isinstance(f, dict) or 'name' not in f or \
                    set(f) - {'name', 'if'}:
                raise QAPIError(info, "%s: a feature needs 'name' and "
                                "optionally 'if'" % what)
            self._check_name(info, f['name'], "%s's feature" % what)
            out.append(Feature(f['name'],
                               ifcond_check(info, f.get('if'), what)))
        return out

    def _members(self, data, info, what):
        if not isinstance(data, dict):
            raise QAPIError(info, "%s: 'data' must be an object" % what)
        out = []
        for key, val in data.items():
            opt = key.startswith('*')
            name = key[1:] if opt else key
            self._check_name(info, name, "%s's member" % what)
            ifcond, feats = None, []
            if isinstance(val, dict):
                if 'type' not in val or set(val) - {'type', 'if', 'features'}:
                    raise QAPIError(info, "%s: member '%s' needs 'type' and "
                                    "optionally 'if' and 'features'"
                                    % (what, name))
                ifcond = ifcond_check(info, val.get('if'), "member " + name)
                feats = self._features(val, info, "member " + name)
                val = val['type']
            self._check_type_expr(info, val, "%s's member '%s'" % (what, name))
            if any(m.name == name for m in out):
                raise QAPIError(info, "%s: duplicate member '%s'"
                                % (what, name))
            out.append(Member(name, val, opt, ifcond, feats, info))
        return out

    @staticmethod
    def _check_type_expr(info, val, what):
        if isinstance(val, list):
            if len(val) != 1 or not isinstance(val[0], str):
                raise QAPIError(info, "%s: an array type must contain "
                                "exactly one type name" % what)
        elif not isinstance(val, str):
            raise QAPIError(info, "%s should be a type name" % what)

    def _implicit_object(self, name, data, info, module, ifcond, what):
        obj = ObjectType(name, info, module, ifcond, [], None,
                         self._members(data, info, what), implicit=True)
        self._add(obj)
        return obj

    # ---- definitions ----
    def _define(self, expr):
        data, info, module = expr.data, expr.info, expr.module
        metas = [m for m in _KEYS if m in data]
        if len(metas) != 1:
            raise QAPIError(info, "definition needs exactly one of "
                            "'struct', 'union', 'enum', 'alternate', "
                            "'command', 'event', 'include', 'pragma'")
        meta = metas[0]
        name = data[meta]
        self._check_name(info, name, meta)
        self._check_keys(data, meta, info, name)
        what = "%s '%s'" % (meta, name)
        ifcond = ifcond_check(info, data.get('if'), what)
        feats = self._features(data, info, what)
        getattr(self, '_def_' + meta)(data, info, module, name, ifcond,
                                      feats, what)

    def _def_enum(self, data, info, module, name, ifcond, feats, what):
        vals = data.get('data')
        if not isinstance(vals, list):
            raise QAPIError(info, "%s: 'data' must be a list" % what)
        members = []
        for v in vals:
            mif, mfeats = None, []
            if isinstance(v, dict):
                if 'name' not in v or set(v) - {'name', 'if', 'features'}:
                    raise QAPIError(info, "%s: value needs 'name' and "
                                    "optionally 'if' and 'features'" % what)
                mif = ifcond_check(info, v.get('if'), what)
                mfeats = self._features(v, info, what)
                v = v['name']
            self._check_name(info, v, "%s's value" % what, _ENUM_VALUE_RE)
            if any(m.name == v for m in members):
                raise QAPIError(info, "%s: duplicate value '%s'" % (what, v))
            members.append(EnumMember(v, mif, mfeats))
        prefix = data.get('prefix')
        if prefix is not None and not isinstance(prefix, str):
            raise QAPIError(info, "%s: 'prefix' must be a string" % what)
        self._entity(EnumType(name, info, module, ifcond, feats, members,
                              prefix))

    def _def_struct(self, data, info, module, name, ifcond, feats, what):
        base = data.get('base')
        if base is not None and not isinstance(base, str):
            raise QAPIError(info, "%s: 'base' must be a type name" % what)
        self._entity(ObjectType(name, info, module, ifcond, feats, base,
                                self._members(data.get('data', {}), info,
                                              what)))

    def _def_union(self, data, info, module, name, ifcond, feats, what):
        base = data.get('base')
        disc = data.get('discriminator')
        if base is None or not isinstance(disc, str):
            raise QAPIError(info, "%s needs 'base' and 'discriminator'"
                            % what)
        if isinstance(base, dict):
            base = self._implicit_object('q_obj_%s-base' % name, base, info,
                                         module, ifcond, what)
        elif not isinstance(base, str):
            raise QAPIError(info, "%s: 'base' must be a type name or an "
                            "object" % what)
        branches = data.get('data')
        if not isinstance(branches, dict):
            raise QAPIError(info, "%s: 'data' must be an object" % what)
        variants = []
        for bname, val in branches.items():
            bif = None
            if isinstance(val, dict):
                if 'type' not in val or set(val) - {'type', 'if'}:
                    raise QAPIError(info, "%s: branch '%s' needs 'type' and "
                                    "optionally 'if'" % (what, bname))
                bif = ifcond_check(info, val.get('if'), what)
                val = val['type']
            if not isinstance(val, str):
                raise QAPIError(info, "%s: branch '%s' must name a struct "
                                "type" % (what, bname))
            variants.append(Variant(bname, val, bif, info))
        self._entity(ObjectType(name, info, module, ifcond, feats, base, [],
                                disc, variants))

    def _def_alternate(self, data, info, module, name, ifcond, feats, what):
        alts = data.get('data')
        if not isinstance(alts, dict) or not alts:
            raise QAPIError(info, "%s: 'data' must be a non-empty object"
                            % what)
        variants = []
        for aname, val in alts.items():
            aif = None
            if isinstance(val, dict):
                aif = ifcond_check(info, val.get('if'), what)
                val = val.get('type')
            self._check_type_expr(info, val, "%s's branch '%s'"
                                  % (what, aname))
            variants.append(Variant(aname, val, aif, info))
        self._entity(AlternateType(name, info, module, ifcond, feats,
                                   variants))

    def _args(self, data, info, module, name, ifcond, what):
        args = data.get('data')
        boxed = self._bool(data, 'boxed', info, what)
        if isinstance(args, dict):
            if boxed:
                raise QAPIError(info, "%s: 'boxed' needs 'data' to be a "
                                "type name" % what)
            if not args:
                return None, boxed
            return self._implicit_object('q_obj_%s-arg' % name, args, info,
                                         module, ifcond, what), boxed
        if args is not None and not isinstance(args, str):
            raise QAPIError(info, "%s: 'data' must be an object or a type "
                            "name" % what)
        if boxed and args is None:
            raise QAPIError(info, "%s: 'boxed' needs 'data'" % what)
        return args, boxed

    def _def_command(self, data, info, module, name, ifcond, feats, what):
        args, boxed = self._args(data, info, module, name, ifcond, what)
        ret = data.get('returns')
        if ret is not None:
            self._check_type_expr(info, ret, "%s's 'returns'" % what)
        self._entity(Command(
            name, info, module, ifcond, feats, args, ret, boxed,
            self._bool(data, 'gen', info, what, True),
            self._bool(data, 'success-response', info, what, True),
            self._bool(data, 'allow-oob', info, what),
            self._bool(data, 'allow-preconfig', info, what)))
        if 'coroutine' in data:
            self._bool(data, 'coroutine', info, what)

    def _def_event(self, data, info, module, name, ifcond, feats, what):
        args, boxed = self._args(data, info, module, name, ifcond, what)
        self._entity(Event(name, info, module, ifcond, feats, args, boxed))

    # ---- resolution and checks ----
    def lookup(self, ref, info, what):
        if isinstance(ref, list):
            elem = self.lookup(ref[0], info, what)
            return self._array(elem, info)
        if not isinstance(ref, str):
            return ref
        t = self.types.get(ref)
        if t is None or t.meta in ('command', 'event'):
            raise QAPIError(info, "%s uses unknown type '%s'" % (what, ref))
        return t

    def _array(self, elem, info):
        name = elem.name + 'List'
        t = self.types.get(name)
        if t is None:
            t = ArrayType(elem, info)
            self.types[name] = t
            self.arrays.append(t)
        return t

    def _check(self):
        # builtin lists exist whether used or not
        for name, _, _ in BUILTINS:
            self._array(self.types[name], None)
        self._array(self.qtype, None)
        for t in list(self.types.values()):
            if isinstance(t, ObjectType):
                self._check_object(t)
        for t in list(self.types.values()):
            if isinstance(t, AlternateType):
                self._check_alternate(t)
        for e in self.entities:
            if isinstance(e, (Command, Event)):
                self._check_cmd_event(e)

    def _check_object(self, obj):
        if obj.members is not None:
            return
        if obj._checking:
            raise QAPIError(obj.info, "object '%s' contains itself"
                            % obj.name)
        obj._checking = True
        what = "'%s'" % obj.name
        members = []
        if obj.base is not None:
            base = self.lookup(obj.base, obj.info, what + "'s base")
            if not isinstance(base, ObjectType) or base.is_union():
                raise QAPIError(obj.info, "%s: 'base' must be a struct type"
                                % what)
            self._check_object(base)
            obj.base = base
            members = list(base.members)
        for m in obj.local_members:
            m.type = self.lookup(m.type, m.info, "member '%s' of %s"
                                 % (m.name, what))
            if any(o.name == m.name for o in members):
                raise QAPIError(m.info, "member '%s' of %s collides with a "
                                "base member" % (m.name, what))
            members.append(m)
        obj.members = members
        if obj.is_union():
            self._check_union(obj, what)
        obj._checking = False

    def _check_union(self, obj, what):
        tag = [m for m in obj.members if m.name == obj.tag_name]
        if not tag:
            raise QAPIError(obj.info, "%s: discriminator '%s' is not a "
                            "member of 'base'" % (what, obj.tag_name))
        tag = tag[0]
        if not isinstance(tag.type, EnumType) or tag.optional:
            raise QAPIError(obj.info, "%s: discriminator '%s' must be a "
                            "mandatory enum member" % (what, obj.tag_name))
        obj.tag_member = tag
        values = [v.name for v in tag.type.members]
        for v in obj.variants:
            if v.name not in values:
                raise QAPIError(v.info, "%s: branch '%s' is not a value of "
                                "%s" % (what, v.name, tag.type.name))
            v.type = self.lookup(v.type, v.info, "branch '%s' of %s"
                                 % (v.name, what))
            if not isinstance(v.type, ObjectType):
                raise QAPIError(v.info, "%s: branch '%s' must be a struct "
                                "type" % (what, v.name))
            self._check_object(v.type)
        seen = {v.name for v in obj.variants}
        obj.intro_variants = list(obj.variants) + [
            Variant(m.name, self.the_empty_object, m.ifcond, obj.info)
            for m in tag.type.members if m.name not in seen]

    def _check_alternate(self, alt):
        seen = {}
        for v in alt.variants:
            v.type = self.lookup(v.type, v.info, "branch '%s' of '%s'"
                                 % (v.name, alt.name))
            qt = alternate_qtype(v.type)
            if qt is None:
                raise QAPIError(v.info, "alternate '%s': branch '%s' cannot "
                                "have type '%s'" % (alt.name, v.name,
                                                    v.type.name))
            if qt in seen:
                raise QAPIError(v.info, "alternate '%s': branches '%s' and "
                                "'%s' can't be distinguished"
                                % (alt.name, seen[qt], v.name))
            seen[qt] = v.name

    def _check_cmd_event(self, ent):
        what = "%s '%s'" % (ent.meta, ent.name)
        if ent.arg_type is not None:
            ent.arg_type = self.lookup(ent.arg_type, ent.info, what)
            if not isinstance(ent.arg_type, ObjectType):
                raise QAPIError(ent.info, "%s: 'data' must name an object "
                                "type" % what)
            if ent.arg_type.is_union() and not ent.boxed:
                raise QAPIError(ent.info, "%s: a union as 'data' needs "
                                "'boxed': true" % what)
        if isinstance(ent, Command) and ent.ret_type is not None:
            ent.ret_type = self.lookup(ent.ret_type, ent.info, what)

    # ---- queries used by the generators ----
    def module_entities(self, module):
        return [e for e in self.entities if e.module == module]

    def user_modules(self):
        return [m for m in self.modules if m != BUILTIN_MODULE]

    def module_includes(self, module):
        return self.includes.get(module, [])


def alternate_qtype(t):
    if isinstance(t, BuiltinType):
        return {'string': 'QTYPE_QSTRING', 'number': 'QTYPE_QNUM',
                'int': 'QTYPE_QNUM', 'boolean': 'QTYPE_QBOOL',
                'null': 'QTYPE_QNULL'}.get(t.json_type())
    if isinstance(t, EnumType):
        return 'QTYPE_QSTRING'
    if isinstance(t, ObjectType):
        return 'QTYPE_QDICT'
    if isinstance(t, ArrayType):
        return 'QTYPE_QLIST'
    return None


def c_member_names(obj):
    return [c_name(m.name) for m in obj.members]
