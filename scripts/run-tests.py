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


UNITTEST_RAN = re.compile(r'^Ran (\d+) tests? in ', re.M)
UNITTEST_END = re.compile(r'^(OK|FAILED)(?: \((.*)\))?\s*$', re.M)
TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$', re.M)


def cases_of(test):
    """(passed, failed, skipped) of one test program's cases, from its
    TAP lines (gtest --tap) or unittest's closing lines; None if neither."""
    out = (test.get('stdout') or '') + (test.get('stderr') or '')
    ran = UNITTEST_RAN.findall(out)
    if ran:
        total = int(ran[-1])
        end = UNITTEST_END.findall(out)
        detail = dict(re.findall(r'(\w+)=(\d+)', end[-1][1])) if end else {}
        bad = int(detail.get('failures', 0)) + int(detail.get('errors', 0)) \
            + int(detail.get('unexpected_successes', 0))
        skip = int(detail.get('skipped', 0))
        return total - bad - skip, bad, skip
    taps = TAP_LINE.findall(out)
    if taps:
        bad = sum(1 for res, _ in taps if res == 'not ok')
        skip = sum(1 for res, rest in taps
                   if res == 'ok' and '# SKIP' in rest.upper())
        return len(taps) - bad - skip, bad, skip
    return None


def count_cases(build_dir):
    """Sum the cases of every test program in meson's JSON log; a program
    that failed without a failing case (a crash) counts as one failure."""
    try:
        with open('%s/meson-logs/testlog.json' % build_dir) as f:
            tests = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return None
    passed = failed = skipped = 0
    for test in tests:
        cases = cases_of(test)
        result = test.get('result', '')
        if cases is None:
            cases = {'OK': (1, 0, 0), 'SKIP': (0, 0, 1),
                     'EXPECTEDFAIL': (1, 0, 0)}.get(result, (0, 1, 0))
        elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not cases[1]:
            cases = (cases[0], 1, cases[2])
        passed += cases[0]
        failed += cases[1]
        skipped += cases[2]
    return passed, failed, skipped


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
    cases = count_cases(build_dir)
    if cases:
        print('(%d test programs; the counts below are their test cases)'
              % sum(counts.values()))
        passed, failed, skipped = cases
    if rc != 0 and failed == 0:
        # meson failed before or outside the tests (e.g. a build error)
        failed = 1
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
