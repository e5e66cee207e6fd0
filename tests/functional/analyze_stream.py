#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Parse a saved migration stream by the rules of QEMU's
scripts/analyze-migration.py (standard library only).

Used by tests to check Ferry's streams: header, configuration, sections
with footers, the RAM section's records, and the JSON vmdesc, found the
way analyze-migration.py finds it (the last NUL byte of the file, then
the first '{' after it, preceded by 0x06 and a be32 length).

    python3 analyze_stream.py FILE [-d state|desc]
"""

import argparse
import json
import struct
import sys

MAGIC = 0x5145564D
EOF_ = 0x00
SECTION_START = 0x01
SECTION_PART = 0x02
SECTION_END = 0x03
SECTION_FULL = 0x04
SUBSECTION = 0x05
VMDESCRIPTION = 0x06
CONFIGURATION = 0x07
COMMAND = 0x08
SECTION_FOOTER = 0x7E
CMD_SWITCHOVER_START = 0x0B

RAM_ZERO = 0x02
RAM_MEM_SIZE = 0x04
RAM_PAGE = 0x08
RAM_EOS = 0x10
RAM_CONTINUE = 0x20
RAM_MULTIFD_FLUSH = 0x200
RAM_KNOWN = (RAM_ZERO | RAM_MEM_SIZE | RAM_PAGE | RAM_EOS | RAM_CONTINUE |
             RAM_MULTIFD_FLUSH)


class StreamError(Exception):
    """The stream breaks a rule analyze-migration.py relies on."""


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise StreamError('stream ends at %d, wanted %d more bytes'
                              % (len(self.data), n))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def be16(self):
        return struct.unpack('>H', self.take(2))[0]

    def be32(self):
        return struct.unpack('>I', self.take(4))[0]

    def be64(self):
        return struct.unpack('>Q', self.take(8))[0]

    def name(self):
        return self.take(self.u8()).decode('utf-8', 'replace')


def find_vmdesc(data):
    """The JSON vmdesc, as analyze-migration.py locates it."""
    tail_start = max(0, len(data) - 10 * 1024 * 1024)
    tail = data[tail_start:]
    nul = tail.rfind(b'\0')
    if nul < 0:
        raise StreamError('no NUL byte in the stream tail')
    brace = tail.find(b'{', nul)
    if brace < 5 or tail[brace - 5] != VMDESCRIPTION:
        raise StreamError('No Debug Migration device found')
    (length,) = struct.unpack('>I', tail[brace - 4:brace])
    text = tail[brace:brace + length]
    if len(text) != length:
        raise StreamError('vmdesc is truncated')
    return json.loads(text.decode('utf-8'))


def read_field_value(r, field):
    ftype = field['type']
    size = field['size']
    if ftype == 'struct':
        return read_vmsd(r, field['struct'])
    raw = r.take(size)
    if ftype == 'bool':
        return bool(raw[0])
    signed = ftype.startswith('int')
    if ftype.split(' ')[0] in ('int8', 'int16', 'int32', 'int64', 'uint8',
                               'uint16', 'uint32', 'uint64'):
        return int.from_bytes(raw, 'big', signed=signed)
    return raw.hex()


def read_vmsd(r, desc):
    """Fields by the JSON description, then its subsections in order."""
    out = {}
    for field in desc.get('fields', []):
        count = field.get('array_len', 1)
        values = [read_field_value(r, field) for _ in range(count)]
        name = field['name']
        if 'array_len' in field:
            out[name] = values
        elif 'index' in field:
            out.setdefault(name, []).append(values[0])
        else:
            out[name] = values[0]
    for sub in desc.get('subsections', []):
        if r.u8() != SUBSECTION:
            raise StreamError('subsection %s missing' % sub['vmsd_name'])
        name = r.name()
        if name != sub['vmsd_name']:
            raise StreamError('subsection %s found, %s expected'
                              % (name, sub['vmsd_name']))
        version = r.be32()
        if version != sub['version']:
            raise StreamError('subsection %s version %d, described %d'
                              % (name, version, sub['version']))
        out[name] = read_vmsd(r, sub)
    return out


class RamSection:
    """Records of the "ram" section (version 4)."""

    def __init__(self, page_size):
        self.page_size = page_size
        self.blocks = {}
        self.pages = 0
        self.zero_pages = 0
        self.block = None

    def read(self, r):
        while True:
            rec = r.be64()
            flags = rec & (self.page_size - 1)
            addr = rec & ~(self.page_size - 1)
            if flags & ~RAM_KNOWN:
                raise StreamError('Unknown RAM flags: 0x%x' % flags)
            if flags & RAM_MEM_SIZE:
                total = addr
                while total > 0:
                    name = r.name()
                    length = r.be64()
                    self.blocks[name] = length
                    total -= length
                if total != 0:
                    raise StreamError('RAM block sizes do not add up')
            if flags & (RAM_ZERO | RAM_PAGE):
                if not flags & RAM_CONTINUE:
                    self.block = r.name()
                if self.block not in self.blocks:
                    raise StreamError('page of unknown block %r'
                                      % self.block)
                if addr + self.page_size > self.blocks[self.block]:
                    raise StreamError('page 0x%x beyond block %s'
                                      % (addr, self.block))
                if flags & RAM_ZERO:
                    r.u8()
                    self.zero_pages += 1
                else:
                    r.take(self.page_size)
                    self.pages += 1
            if flags & RAM_EOS:
                return


def analyze(data):
    """Parse a whole stream; returns a summary dict, raises StreamError."""
    vmdesc = find_vmdesc(data)
    for dev in vmdesc.get('devices', []):
        if 'fields' not in dev:
            raise StreamError('vmstate for device %s has no fields'
                              % dev['name'])
    devices = {(d['name'], d['instance_id']): d
               for d in vmdesc.get('devices', [])}
    page_size = vmdesc.get('page_size', 4096)
    r = Reader(data)
    if r.be32() != MAGIC:
        raise StreamError('Invalid magic')
    if r.be32() != 3:
        raise StreamError('Invalid version')
    summary = {'sections': [], 'commands': [], 'ram': None}
    section_type = r.u8()
    if section_type == CONFIGURATION:
        conf = read_vmsd(r, vmdesc['configuration'])
        summary['configuration'] = conf
        name = conf.get('name')
        summary['machine'] = bytes.fromhex(name).decode() if name else None
        section_type = r.u8()
    ram = None
    sections = {}
    while section_type != EOF_:
        if section_type in (SECTION_START, SECTION_FULL):
            section_id = r.be32()
            idstr = r.name()
            instance_id = r.be32()
            version_id = r.be32()
            entry = {'type': section_type, 'section_id': section_id,
                     'name': idstr, 'instance_id': instance_id,
                     'version_id': version_id}
            if idstr == 'ram':
                if version_id != 4:
                    raise StreamError('RAM version %d' % version_id)
                ram = ram or RamSection(page_size)
                sections[section_id] = ram
                ram.read(r)
            elif (idstr, instance_id) in devices:
                dev = devices[(idstr, instance_id)]
                sections[section_id] = dev
                entry['state'] = read_vmsd(r, dev)
            else:
                raise StreamError('no description for section %s %d'
                                  % (idstr, instance_id))
            summary['sections'].append(entry)
        elif section_type in (SECTION_PART, SECTION_END):
            section_id = r.be32()
            target = sections.get(section_id)
            if not isinstance(target, RamSection):
                raise StreamError('PART/END for non-RAM section %d'
                                  % section_id)
            target.read(r)
            summary['sections'].append({'type': section_type,
                                        'section_id': section_id})
        elif section_type == COMMAND:
            cmd = r.be16()
            length = r.be16()
            if cmd != CMD_SWITCHOVER_START or length != 0:
                raise StreamError('Unknown QEMU_VM_COMMAND: %d' % cmd)
            summary['commands'].append(cmd)
            section_type = r.u8()
            continue
        else:
            raise StreamError('unknown section type 0x%x' % section_type)
        if r.u8() != SECTION_FOOTER:
            raise StreamError('missing footer after section %d' % section_id)
        footer_id = r.be32()
        if footer_id != section_id:
            raise StreamError('footer id %d after section %d'
                              % (footer_id, section_id))
        section_type = r.u8()
    if r.u8() != VMDESCRIPTION:
        raise StreamError('no vmdesc after EOF')
    length = r.be32()
    if r.pos + length != len(data):
        raise StreamError('data after the vmdesc')
    if ram:
        summary['ram'] = {'blocks': ram.blocks, 'pages': ram.pages,
                          'zero_pages': ram.zero_pages}
    summary['vmdesc'] = vmdesc
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file')
    parser.add_argument('-d', '--dump', choices=['state', 'desc'],
                        default='state')
    args = parser.parse_args()
    with open(args.file, 'rb') as f:
        data = f.read()
    try:
        summary = analyze(data)
    except (StreamError, ValueError, KeyError) as e:
        print('%s: %s' % (args.file, e), file=sys.stderr)
        return 1
    if args.dump == 'desc':
        print(json.dumps(summary['vmdesc'], indent=4))
    else:
        del summary['vmdesc']
        print(json.dumps(summary, indent=4))
    return 0


if __name__ == '__main__':
    sys.exit(main())
