#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run Ferry's test suites (what `make check` runs).

Usage: scripts/run-tests.py BUILD_DIR [extra meson test args...]

Runs `meson test -C BUILD_DIR --print-errorlogs` for the unit and
functional suites (and style, when the build defines it), echoes meson's
output, then prints one final line exactly:
    N passed, N failed, N skipped
and exits non-zero if anything failed (or meson itself failed).
"""

import json
import re
import subprocess
import sys

SUITES = ['unit', 'functional', 'style']
SUMMARY_RE = re.compile(r'^\s*(Ok|Expected Fail|Fail|Unexpected Pass|'
                        r'Skipped|Timeout):\s+(\d+)\s*$')


def defined_suites(build_dir):
    """Suite names (without project prefix) that have at least one test."""
    try:
        out = subprocess.run(['meson', 'introspect', '--tests', build_dir],
                             capture_output=True, text=True, check=True)
        tests = json.loads(out.stdout)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None
    names = set()
    for test in tests:
        for suite in test.get('suite', []):
            names.add(suite.split(':', 1)[-1])
    return names


def parse_summary(lines):
    counts = {}
    for line in lines:
        match = SUMMARY_RE.match(line)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 2
    build_dir = argv[1]
    available = defined_suites(build_dir)
    suites = [s for s in SUITES if available is None or s in available]
    if available is not None and not suites:
        print('No tests defined in %s' % build_dir)
        print('0 passed, 0 failed, 0 skipped')
        return 0
    cmd = ['meson', 'test', '-C', build_dir, '--print-errorlogs']
    for suite in suites:
        cmd += ['--suite', suite]
    cmd += argv[2:]
    print('+ ' + ' '.join(cmd), flush=True)
    lines = []
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                errors='replace', bufsize=1)
    except OSError as exc:
        print('cannot run meson: %s' % exc)
        print('0 passed, 1 failed, 0 skipped')
        return 1
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line.rstrip('\n'))
    rc = proc.wait()

    counts = parse_summary(lines)
    passed = counts.get('Ok', 0) + counts.get('Expected Fail', 0)
    failed = (counts.get('Fail', 0) + counts.get('Unexpected Pass', 0) +
              counts.get('Timeout', 0))
    skipped = counts.get('Skipped', 0)
    if rc != 0 and failed == 0:
        # meson failed before or outside the tests (e.g. a build error)
        failed = 1
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
