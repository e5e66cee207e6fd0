#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""House rules as a test (STYLE.md section 6.6): an SPDX line atop every
source file, .c files first include qemu/osdep.h, headers never do, no file
over the hard size flag, and no KVM headers under migration/."""
import os
import re
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE_DIRS = ["accel", "chardev", "include", "migration", "monitor", "qapi",
               "system", "target", "util", "hw", "tests/unit"]
HARD_LIMIT = 1500


def sources(exts):
    for d in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            for f in files:
                if f.endswith(exts):
                    yield os.path.join(dirpath, f)


class StyleTest(unittest.TestCase):
    def test_spdx_header(self):
        bad = [p for p in sources((".c", ".h", ".py"))
               if "SPDX-License-Identifier" not in open(p).read(400)]
        self.assertEqual(bad, [], "files without an SPDX line")

    def test_osdep_first(self):
        bad = []
        for p in sources((".c",)):
            incs = re.findall(r'^#include\s+([<"][^>"]+[>"])', open(p).read(),
                              re.M)
            if incs and incs[0] != '"qemu/osdep.h"':
                bad.append(os.path.relpath(p, ROOT))
        self.assertEqual(bad, [], ".c files whose first include is not "
                         "qemu/osdep.h")

    def test_headers_do_not_include_osdep(self):
        bad = [p for p in sources((".h",))
               if not p.endswith("qemu/osdep.h")
               and '#include "qemu/osdep.h"' in open(p).read()]
        self.assertEqual(bad, [])

    def test_file_size_budget(self):
        big = [(os.path.relpath(p, ROOT), n) for p in sources((".c", ".h"))
               for n in [sum(1 for _ in open(p))] if n > HARD_LIMIT]
        self.assertEqual(big, [], f"files over {HARD_LIMIT} lines")

    def test_migration_knows_no_kvm(self):
        bad = []
        for p in sources((".c", ".h")):
            if "/migration/" in p and re.search(
                    r'#include\s+[<"](linux/kvm\.h|system/kvm\.h|accel/kvm)',
                    open(p).read()):
                bad.append(p)
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
