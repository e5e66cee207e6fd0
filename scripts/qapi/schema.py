# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: the checked schema model (types, commands, events)."""

import re

from .common import QAPIError, c_name, camel_to_upper, ifcond_check

BUILTIN_MODULE = './builtin'

# name -> (C type, json type)
BUILTINS = [
    ('str', 'char *', 'string'),
    ('number', 'double', 'number'),
    ('int', 'int64_t', 'int'),
    ('int8', 'int8_t', 'int'),
    ('int16', 'int16_t', 'int'),
    ('int32', 'int32_t', 'int'),
    ('int64', 'int64_t', 'int'),
    ('uint8', 'uint8_t', 'int'),
    ('uint16', 'uint16_t', 'int'),
    ('uint32', 'uint32_t', 'int'),
    ('uint64', 'uint64_t', 'int'),
    ('size', 'uint64_t', 'int'),
    ('bool', 'bool', 'boolean'),
    ('any', 'JsonNode *', 'value'),
    ('null', 'JsonNode *', 'null'),
]

SPECIAL_FEATURES = ('deprecated', 'unstable')
_NAME_RE = re.compile(r'(__[a-z0-9.-]+_)?[A-Za-z][A-Za-z0-9_-]*$')
_ENUM_VALUE_RE = re.compile(r'(__[a-z0-9.-]+_)?[A-Za-z0-9][A-Za-z0-9_.-]*$')


class Feature:
    def __init__(self, name, ifcond):
        self.name = name
        self.ifcond = ifcond


def special_features_c(features):
    flags = ['(1u << QAPI_%s)' % f.name.upper() for f in features
             if f.name in SPECIAL_FEATURES]
    return ' | '.join(flags) if flags else '0'


class Entity:
    meta = None

    def __init__(self, name, info, module, ifcond=None, features=()):
        self.name = name
        self.info = info
        self.module = module
        self.ifcond = ifcond
        self.features = list(features)


class Type(Entity):
    implicit = False

    def c_name(self):
        return c_name(self.name)

    def c_type(self):
        return self.c_name() + ' *'

    def c_param_type(self):
        return self.c_type()

    def c_unboxed_type(self):
        return self.c_type()

    def is_pointer(self):
        return True

    def json_type(self):
        raise NotImplementedError


class BuiltinType(Type):
    meta = 'builtin'

    def __init__(self, name, ctype, json):
        super().__init__(name, None, BUILTIN_MODULE)
        self._ctype = ctype
        self._json = json

    def c_name(self):
        return self.name

    def c_type(self):
        return self._ctype

    def c_param_type(self):
        return 'const char *' if self.name == 'str' else self._ctype

    def c_unboxed_type(self):
        return self._ctype

    def is_pointer(self):
        return self._ctype.endswith('*')

    def json_type(self):
        return self._json


class EnumMember:
    def __init__(self, name, ifcond=None, features=()):
        self.name = name
        self.ifcond = ifcond
        self.features = list(features)


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, module, ifcond, features, members,
                 prefix=None):
        super().__init__(name, info, module, ifcond, features)
        self.members = members
        self.prefix = prefix

    def c_type(self):
        return self.c_name()

    def c_param_type(self):
        return self.c_name()

    def c_unboxed_type(self):
        return self.c_name()

    def is_pointer(self):
        return False

    def json_type(self):
        return 'string'

    def const(self, member_name):
        if self.prefix is not None:
            return self.prefix + '_' + c_name(member_name, False).upper()
        return camel_to_upper(self.name) + '_' + \
            c_name(member_name, False).upper()

    def max_const(self):
        if self.prefix is not None:
            return self.prefix + '__MAX'
        return camel_to_upper(self.name) + '__MAX'


class ArrayType(Type):
    meta = 'array'

    def __init__(self, element, info):
        super().__init__(element.name + 'List', info,
                         element.module, element.ifcond)
        self.element = element

    def c_name(self):
        return c_name(self.element.name, self.element.meta != 'builtin') \
            + 'List'

    def json_type(self):
        return 'array'


class Member:
    def __init__(self, name, typ, optional, ifcond, features, info):
        self.name = name
        self.type = typ            # a type name until resolved
        self.optional = optional
        self.ifcond = ifcond
        self.features = list(features)
        self.info = info

    def c_name(self):
        return c_name(self.name)

    def need_has(self):
        return self.optional and not self.type.is_pointer()


class Variant:
    def __init__(self, name, typ, ifcond, info):
        self.name = name
        self.type = typ
        self.ifcond = ifcond
        self.info = info


class ObjectType(Type):
    meta = 'object'

    def __init__(self, name, info, module, ifcond, features, base,
                 local_members, tag_name=None, variants=None,
                 implicit=False):
        super().__init__(name, info, module, ifcond, features)
        self.base = base                   # type name / ObjectType / None
        self.local_members = local_members
        self.tag_name = tag_name
        self.variants = variants or []     # flat union branches
        self.implicit = implicit
        self.members = None                # all members, after check
        self.tag_member = None
        self.intro_variants = []           # incl. implicit empty branches
        self._checking = False

    def json_type(self):
        return 'object'

    def c_unboxed_type(self):
        return self.c_name()

    def is_union(self):
        return self.tag_name is not None

    def is_empty(self):
        return not self.members and not self.variants


class AlternateType(Type):
    meta = 'alternate'

    def __init__(self, name, info, module, ifcond, features, variants):
        super().__init__(name, info, module, ifcond, features)
        self.variants = variants

    def json_type(self):
        return 'value'


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, module, ifcond, features, arg_type,
                 ret_type, boxed, gen, success_response, allow_oob,
                 allow_preconfig):
        super().__init__(name, info, module, ifcond, features)
        self.arg_type = arg_type
        self.ret_type = ret_type
        self.boxed = boxed
        self.gen = gen
        self.success_response = success_response
        self.allow_oob = allow_oob
        self.allow_preconfig = allow_preconfig


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, module, ifcond, features, arg_type, boxed):
        super().__init__(name, info, module, ifcond, features)
        self.arg_type = arg_type
        self.boxed = boxed
