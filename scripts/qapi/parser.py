# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: reads schema files (QEMU's schema language)."""

import os

from .common import QAPIError


class Expr:
    """One top-level definition with where it came from."""

    def __init__(self, data, info, module):
        self.data = data
        self.info = info          # (file name, line)
        self.module = module      # module name (file base name)


class SchemaParser:
    """Parse a schema file and its includes into a flat list of Expr.

    Also records the order in which modules are first seen, QEMU-style:
    an include creates the included module before the including one.
    """

    def __init__(self, fname):
        self.exprs = []
        self.modules = []         # module names in creation order
        self.includes = {}        # module -> list of directly included modules
        self.main_module = self._module_name(fname)
        self._seen = set()
        self._parse_file(fname, None)

    @staticmethod
    def _module_name(fname):
        return os.path.splitext(os.path.basename(fname))[0]

    def _make_module(self, name):
        if name not in self.modules:
            self.modules.append(name)
            self.includes.setdefault(name, [])

    def _parse_file(self, fname, incl_info):
        real = os.path.realpath(fname)
        if real in self._seen:
            return
        self._seen.add(real)
        try:
            with open(fname, encoding='utf-8') as f:
                text = f.read()
        except OSError as e:
            raise QAPIError(incl_info, "can't read schema file '%s': %s"
                            % (fname, e.strerror))
        module = self._module_name(fname)
        for data, info in _Lexer(fname, text).top_level():
            if 'include' in data:
                inc = data['include']
                if len(data) != 1 or not isinstance(inc, str):
                    raise QAPIError(info, "'include' needs a file name and "
                                    "nothing else")
                path = os.path.join(os.path.dirname(fname), inc)
                incmod = self._module_name(inc)
                self._make_module(incmod)
                self._make_module(module)
                if incmod not in self.includes[module]:
                    self.includes[module].append(incmod)
                self._parse_file(path, info)
                continue
            if 'pragma' in data:
                if len(data) != 1 or not isinstance(data['pragma'], dict):
                    raise QAPIError(info, "'pragma' needs an object")
                continue
            self._make_module(module)
            self.exprs.append(Expr(data, info, module))


class _Lexer:
    def __init__(self, fname, text):
        self.fname = fname
        self.text = text
        self.pos = 0
        self.line = 1

    def _info(self, line=None):
        return (self.fname, self.line if line is None else line)

    def _error(self, msg):
        raise QAPIError(self._info(), msg)

    def _skip_space(self):
        t = self.text
        while self.pos < len(t):
            ch = t[self.pos]
            if ch == '\n':
                self.line += 1
                self.pos += 1
            elif ch in ' \t\r\f':
                self.pos += 1
            elif ch == '#':
                end = t.find('\n', self.pos)
                self.pos = len(t) if end < 0 else end
            else:
                return

    def _peek(self):
        self._skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ''

    def _expect(self, ch):
        if self._peek() != ch:
            got = self._peek() or 'end of file'
            self._error("expected '%s', got '%s'" % (ch, got))
        self.pos += 1

    def _string(self):
        self._expect("'")
        out = []
        t = self.text
        while True:
            if self.pos >= len(t) or t[self.pos] == '\n':
                self._error('missing terminating "\'"')
            ch = t[self.pos]
            self.pos += 1
            if ch == "'":
                return ''.join(out)
            if ch == '\\':
                if self.pos >= len(t):
                    self._error('unterminated escape sequence')
                esc = t[self.pos]
                self.pos += 1
                if esc not in '\\\'"/':
                    self._error("unknown escape \\%s" % esc)
                ch = esc
            if not (' ' <= ch <= '~'):
                self._error('funny character in string')
            out.append(ch)

    def _value(self):
        ch = self._peek()
        if ch == '{':
            return self._object()
        if ch == '[':
            return self._array()
        if ch == "'":
            return self._string()
        if ch == '"':
            self._error('strings must be single-quoted')
        for word, val in (('true', True), ('false', False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return val
        self._error("stray '%s'" % (ch or 'end of file'))
        return None

    def _object(self):
        self._expect('{')
        obj = {}
        if self._peek() == '}':
            self.pos += 1
            return obj
        while True:
            if self._peek() == '"':
                self._error('strings must be single-quoted')
            if self._peek() != "'":
                self._error('expected string key')
            key = self._string()
            if key in obj:
                self._error("duplicate key '%s'" % key)
            self._expect(':')
            obj[key] = self._value()
            ch = self._peek()
            if ch == '}':
                self.pos += 1
                return obj
            self._expect(',')

    def _array(self):
        self._expect('[')
        arr = []
        if self._peek() == ']':
            self.pos += 1
            return arr
        while True:
            arr.append(self._value())
            ch = self._peek()
            if ch == ']':
                self.pos += 1
                return arr
            self._expect(',')

    def top_level(self):
        while self._peek():
            line = self.line
            if self._peek() != '{':
                self._error('expected a definition (an object)')
            yield self._object(), self._info(line)
