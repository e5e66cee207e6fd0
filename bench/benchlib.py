# SPDX-License-Identifier: GPL-2.0-or-later
"""What every benchmark here shares: its command line and the checks that
decide whether it can run (a usable /dev/kvm, Debian's QEMU)."""
import argparse
import os


def parse_args(name, default_runs):
    """FERRY_BINARY GUEST_DIR [--runs N] [--qemu PATH]; returns the
    namespace, or None (after saying why) when the benchmark cannot run
    here.  The caller exits 0 for a missing /dev/kvm, 1 for missing QEMU
    (ns.exit_code)."""
    p = argparse.ArgumentParser(prog=name)
    p.add_argument('ferry', nargs='?', default='build/ferry-system-x86_64')
    p.add_argument('guest_dir', nargs='?', default='build/tests/guest')
    p.add_argument('--runs', type=int, default=default_runs)
    p.add_argument('--qemu', default='/usr/bin/qemu-system-x86_64')
    ns = p.parse_args()
    ns.exit_code = None
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
    except OSError as e:
        print('%s: skipped: /dev/kvm is not usable: %s' % (name, e.strerror))
        ns.exit_code = 0
        return ns
    if not os.access(ns.qemu, os.X_OK):
        print("%s: %s not found (scripts/install-deps.sh --bench installs "
              "Debian's qemu-system-x86)" % (name, ns.qemu))
        ns.exit_code = 1
    return ns
