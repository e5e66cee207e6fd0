# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: command line and output files."""

import argparse
import os
import sys

from .build import Schema
from .common import QAPIError, header, source, write_file
from .gen_commands import (gen_commands_module, gen_emit_events,
                           gen_events_module, gen_init_commands)
from .gen_introspect import gen_introspect
from .gen_types import gen_types_module
from .gen_visit import gen_visit_module
from .parser import SchemaParser

_PER_MODULE = (('types', gen_types_module), ('visit', gen_visit_module),
               ('commands', gen_commands_module),
               ('events', gen_events_module))


def output_modules(schema):
    """User modules that get their own files (the main file only if it
    has definitions of its own)."""
    out = []
    for m in schema.user_modules():
        if m == schema.main_module and not schema.module_entities(m):
            continue
        out.append(m)
    return out


def _emit(outdir, base, parts):
    h, hinc, c, cinc = parts
    write_file(outdir, base + '.h', header(base + '.h', h, hinc))
    write_file(outdir, base + '.c', source(c, cinc))


def generate(schema, outdir, prefix, builtins, unmask):
    mods = output_modules(schema)
    for kind, fn in _PER_MODULE:
        for m in mods:
            _emit(outdir, '%sqapi-%s-%s' % (prefix, kind, m),
                  fn(schema, m, prefix))
        umbrella = '%sqapi-%s.h' % (prefix, kind)
        write_file(outdir, umbrella, header(umbrella, '', [
            '"qapi/%sqapi-%s-%s.h"' % (prefix, kind, m) for m in mods]))
    if builtins:
        _emit(outdir, 'qapi-builtin-types',
              gen_types_module(schema, './builtin', prefix))
        _emit(outdir, 'qapi-builtin-visit',
              gen_visit_module(schema, './builtin', prefix))
    _emit(outdir, prefix + 'qapi-init-commands',
          gen_init_commands(schema, prefix, mods))
    _emit(outdir, prefix + 'qapi-emit-events',
          gen_emit_events(schema, prefix))
    _emit(outdir, prefix + 'qapi-introspect',
          gen_introspect(schema, prefix, unmask))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Generate C code from a QAPI schema.')
    ap.add_argument('-o', '--output-dir', default='.',
                    help='write output files to this directory')
    ap.add_argument('-p', '--prefix', default='',
                    help='prefix for output file and global symbol names')
    ap.add_argument('-b', '--builtins', action='store_true',
                    help='also generate code for builtin types')
    ap.add_argument('-u', '--unmask-non-abi-names', action='store_true',
                    help='do not mask type names in introspection')
    ap.add_argument('schema', help='the top-level schema file')
    args = ap.parse_args(argv)
    try:
        schema = Schema(SchemaParser(args.schema))
        os.makedirs(args.output_dir, exist_ok=True)
        generate(schema, args.output_dir, args.prefix, args.builtins,
                 args.unmask_non_abi_names)
    except QAPIError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0
