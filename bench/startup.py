#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/startup: Ferry against Debian's qemu-system-x86_64, side by side.

Both run the same in-tree guest (realmode.bin: prints a banner on COM1,
takes 30 PIT ticks, prints "done", powers off) on -M microvm under KVM.
Measured per run: time from exec to the guest's first UART line, to its
"done" line, and the process's peak RSS (ru_maxrss).  QEMU's microvm has no
power-off port at 0x604, so QEMU is stopped with SIGTERM after "done";
Ferry exits by itself.  Prints medians and Ferry/QEMU ratios (goal: start-up
and RSS ratios <= 0.5).

Usage: bench/startup.py FERRY_BINARY GUEST_DIR [--runs N] [--qemu PATH]
"""
import os
import select
import signal
import statistics
import subprocess
import sys
import time

import benchlib

COMMON = ['-M', 'microvm', '-accel', 'kvm', '-cpu', 'host,-arch-capabilities',
          '-m', '256', '-smp', '1', '-nodefaults', '-display', 'none',
          '-serial', 'stdio']


def run_once(argv, stop_after_done):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    buf, first, done = b'', None, None
    deadline = t0 + 30
    while done is None and time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 1)
        if not r:
            continue
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        buf += chunk
        now = time.monotonic()
        if first is None and b'\n' in buf:
            first = now - t0
        if b'done\n' in buf:
            done = now - t0
    if stop_after_done or done is None:
        proc.send_signal(signal.SIGTERM)
    _, status, rusage = os.wait4(proc.pid, 0)
    proc.stdout.close()
    if first is None or done is None:
        raise RuntimeError('%s: the guest did not finish (output %r)'
                           % (argv[0], buf[-200:]))
    return first, done, rusage.ru_maxrss / 1024.0


def measure(name, argv, runs, stop_after_done):
    samples = [run_once(argv, stop_after_done) for _ in range(runs)]
    med = [statistics.median(s[i] for s in samples) for i in range(3)]
    print('%-6s first line %7.1f ms   done %7.1f ms   peak RSS %6.1f MiB'
          % (name, med[0] * 1000, med[1] * 1000, med[2]))
    return med


def main():
    ns = benchlib.parse_args('bench/startup', 10)
    if ns.exit_code is not None:
        return ns.exit_code
    ferry, qemu, runs = ns.ferry, ns.qemu, ns.runs
    guest = os.path.join(ns.guest_dir, 'realmode.bin')
    print('bench/startup: %d runs each, guest %s, medians' % (runs, guest))
    f = measure('ferry', [ferry] + COMMON + ['-bios', guest], runs, False)
    q = measure('qemu', [qemu] + COMMON + ['-bios', guest, '-device',
                                           'isa-debug-exit,iobase=0xf4,'
                                           'iosize=4'], runs, True)
    print('ratio  first line %.2f   done %.2f   peak RSS %.2f   '
          '(ferry/qemu; goal <= 0.5)' % (f[0] / q[0], f[1] / q[1], f[2] / q[2]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
