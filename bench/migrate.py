#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/migrate: live migration, Ferry against Debian's qemu-system-x86_64.

Both emulators run the same in-tree guest (longmode.elf, Multiboot) on
-M microvm under KVM (-cpu host,-arch-capabilities) and migrate over a
unix socket with the same parameters (max-bandwidth effectively unlimited,
downtime-limit 300 ms, QEMU's default).  Cases:
  a) idle:  1 GiB, the guest rewrites a 1 MiB region
  b) busy:  1 GiB, the guest rewrites 64 MiB continuously
  c) zero:  8 GiB, mostly zero, 1 MiB rewritten
  d) full:  1 GiB with every page written, guest stopped before migrate:
            the stream is 1000 MiB of normal pages in one pass, for the
            throughput (on these nested machines the bound is the
            destination's first touch of fresh memory, not the socket)
For each: total time, downtime (query-migrate's, whole milliseconds),
pause (what the guest sees: the source's STOP event to the destination's
RESUME event, from their microsecond timestamps; both emulators report
downtime in whole ms, too coarse for a ratio at these sizes), setup time
and throughput (bytes on the wire / total time), medians of --runs, and
Ferry/QEMU ratios (goal: <= 0.5 for downtime and total time).  The busy
case is bimodal on these 2-core machines for both emulators (the guest's
vCPU spins on one core, the migration threads of both processes share the
other): runs land near 45 or 200 ms for Ferry, 80 or 260 ms for QEMU, so
take 7 runs or more before reading its ratio.  The unix-socket copy limit of this machine
is measured first, for scale.

Usage: bench/migrate.py FERRY_BINARY GUEST_DIR [--runs N] [--qemu PATH]
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import benchlib

CASES = [('idle 1 GiB', '1024', 'dirty=2', False),
         ('busy 1 GiB, 64 MiB dirtied', '1024', 'dirty=65', False),
         ('8 GiB mostly zero', '8192', 'dirty=2', False),
         ('full 1 GiB, guest stopped', '1024', 'dirty=1000', True)]
UNLIMITED = 100 << 30          # bytes/s: the link, not the limit, decides


def socket_copy_limit(total=2 << 30, chunk=4 << 20):
    """Bytes/s one thread pair moves through a unix socketpair."""
    a, b = socket.socketpair()
    buf = bytearray(chunk)

    def reader():
        view = memoryview(bytearray(chunk))
        got = 0
        while got < total:
            n = b.recv_into(view)
            if not n:
                break
            got += n

    t = threading.Thread(target=reader)
    t0 = time.monotonic()
    t.start()
    sent = 0
    while sent < total:
        a.sendall(buf)
        sent += chunk
    t.join()
    dt = time.monotonic() - t0
    a.close()
    b.close()
    return total / dt


class Qmp:
    def __init__(self, path, proc):
        deadline = time.monotonic() + 20
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError('%s did not start' % path)
                time.sleep(0.02)
        self.f = self.sock.makefile('rb')
        self.f.readline()
        self.events = []
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            r = json.loads(self.f.readline())
            if 'event' in r:
                self.events.append(r)
                continue
            if 'error' in r:
                raise RuntimeError('%s: %s' % (name, r['error']['desc']))
            return r['return']

    def event_time(self, name, timeout=20):
        """The QMP timestamp (seconds) of the first event `name`."""
        self.sock.settimeout(timeout)
        while not any(e['event'] == name for e in self.events):
            self.events.append(json.loads(self.f.readline()))
        ts = next(e for e in self.events if e['event'] == name)['timestamp']
        return ts['seconds'] + ts['microseconds'] / 1e6


def spawn(binary, mem, append, guest, tmp, name, extra=(), qmp_fd=None):
    """Start one emulator (QMP on tmp/NAME.qmp, console in tmp/NAME.con).
    qmp_fd: a listening socket already bound there, inherited (so a
    client can connect before the monitor exists)."""
    qmp = os.path.join(tmp, name + '.qmp')
    con = os.path.join(tmp, name + '.con')
    mon = (['-chardev', 'socket,fd=%d,server=on,wait=off,id=mon0' % qmp_fd,
            '-mon', 'chardev=mon0,mode=control'] if qmp_fd is not None
           else ['-qmp', 'unix:%s,server=on,wait=off' % qmp])
    argv = [binary, '-M', 'microvm', '-accel', 'kvm',
            '-cpu', 'host,-arch-capabilities', '-m', mem, '-smp', '1',
            '-nodefaults', '-display', 'none', '-kernel', guest,
            '-append', append, '-serial', 'file:' + con] + mon + list(extra)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            pass_fds=() if qmp_fd is None else (qmp_fd,))
    proc.args = argv
    return proc


def launch(binary, mem, append, guest, tmp, name, extra=()):
    proc = spawn(binary, mem, append, guest, tmp, name, extra)
    return (proc, Qmp(os.path.join(tmp, name + '.qmp'), proc),
            os.path.join(tmp, name + '.con'))


def wait_console(path, text, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                data = f.read()
            if text in data:
                return data
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError('no %r on %s' % (text, path))


def migrate_once(binary, mem, append, guest, stopped=False):
    with tempfile.TemporaryDirectory(prefix='ferry-bench-') as tmp:
        src, sq, scon = launch(binary, mem, append, guest, tmp, 'src')
        mig = os.path.join(tmp, 'mig.sock')
        dst, dq, dcon = launch(binary, mem, append, guest, tmp, 'dst',
                               ['-incoming', 'unix:' + mig])
        try:
            wait_console(scon, 'pass 2 ')
            if stopped:
                sq.cmd('stop')
            sq.cmd('migrate-set-parameters', **{'max-bandwidth': UNLIMITED})
            sq.cmd('migrate', uri='unix:' + mig)
            while True:
                info = sq.cmd('query-migrate')
                if info.get('status') in ('completed', 'failed', 'cancelled'):
                    break
                time.sleep(0.02)
            if info['status'] != 'completed':
                raise RuntimeError('%s: migration %s: %s' % (
                    binary, info['status'], info.get('error-desc')))
            total = info['total-time'] / 1000.0
            if stopped:
                # no pause to speak of: the guest was stopped throughout;
                # its state must still be intact once continued.  The
                # destination may still be loading the last bytes: a
                # `cont` then would only set autostart, and the source's
                # "paused" wins (QEMU's rule too)
                while dq.cmd('query-status')['status'] == 'inmigrate':
                    time.sleep(0.01)
                dq.cmd('cont')
                pause = float('nan')
            else:
                # the guest's own pause: the source's STOP to the
                # destination's RESUME, from the events' microsecond stamps
                pause = (dq.event_time('RESUME') - sq.event_time('STOP')) * 1000
            # the guest goes on at the destination (which printed nothing
            # before), its self-check intact
            after = wait_console(dcon, 'pass', 20)
            if 'FAIL' in after:
                raise RuntimeError('%s: guest failed after migration' % binary)
            return (info['total-time'], info['downtime'], info['setup-time'],
                    info['ram']['transferred'] / total if total else 0, pause)
        finally:
            for p in (src, dst):
                p.kill()
                p.wait()


def main():
    ns = benchlib.parse_args('bench/migrate', 7)
    if ns.exit_code is not None:
        return ns.exit_code
    ferry, qemu, runs = ns.ferry, ns.qemu, ns.runs
    guest = os.path.join(ns.guest_dir, 'longmode.elf')
    limit = socket_copy_limit()
    print('bench/migrate: unix socket copy limit %.0f MiB/s; %d runs each, '
          'medians' % (limit / (1 << 20), runs))
    emus = (('ferry', ferry), ('qemu', qemu))
    for name, mem, append, stopped in CASES:
        res = {}
        samples = {emu: [] for emu, _ in emus}
        # One discarded warm-up each, then the two alternate: memory the
        # kernel hands a process for the first time since boot is far
        # slower to touch on these (nested) machines than reused memory,
        # and must not fall on one emulator's runs only.
        for emu, binary in emus:
            migrate_once(binary, mem, append, guest, stopped)
        for _ in range(runs):
            for emu, binary in emus:
                samples[emu].append(migrate_once(binary, mem, append, guest,
                                                 stopped))
        for emu, binary in emus:
            res[emu] = [statistics.median(s[i] for s in samples[emu])
                        for i in range(5)]
            print('%-28s %-5s total %6.0f ms  downtime %5.0f ms  pause %6.2f ms'
                  '  setup %4.0f ms  throughput %6.0f MiB/s'
                  % (name, emu, res[emu][0], res[emu][1], res[emu][4],
                     res[emu][2], res[emu][3] / (1 << 20)), flush=True)
        f, q = res['ferry'], res['qemu']
        ratio = lambda a, b: a / b if b else float('nan')
        print('%-28s ratio total %.2f  downtime %.2f  pause %.2f  '
              'throughput %.2f (ferry/qemu; goal <= 0.5 for total and '
              'downtime)' % (name, ratio(f[0], q[0]), ratio(f[1], q[1]),
                             ratio(f[4], q[4]), ratio(f[3], q[3])),
              flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
