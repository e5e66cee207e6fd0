# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for the live-migration functional tests: start a source guest
and a destination with -incoming, drive a migration over QMP, and check
that the long-mode guest's console goes on without a gap or a reset."""

import hashlib
import os
import re
import socket
import time

from guest import (GuestTestCase, Console, guest_image, KVM_ARGS,
                   MICROVM_BASE)
from qmp import QMPError, QMPTimeout

PASS_RX = re.compile(r'^pass (\d+) sum=([0-9a-f]+)$')
TICK_RX = re.compile(r'^tick (\d+) pit=(\d+) lapic=(\d+)$')
BANNER = 'ferry: long mode'
FINAL_STATES = ('completed', 'failed', 'cancelled')


def free_tcp_port():
    """A loopback TCP port nobody listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def parse_console(lines):
    """(pass numbers, tick numbers, [(pass, sum)], banners, fails)."""
    passes, ticks, sums, banners, fails = [], [], [], 0, []
    for text in lines:
        m = PASS_RX.match(text)
        if m:
            passes.append(int(m.group(1)))
            sums.append((int(m.group(1)), int(m.group(2), 16)))
        m = TICK_RX.match(text)
        if m:
            ticks.append(int(m.group(1)))
        if text == BANNER:
            banners += 1
        if text.startswith('FAIL'):
            fails.append(text)
    return passes, ticks, sums, banners, fails


class MigrationTestCase(GuestTestCase):
    """Source/destination pairs running longmode.elf under KVM."""

    DIRTY = 16
    MEM = '128'

    def vm_args(self, smp=1, mem=None, dirty=None, extra=()):
        """Arguments shared by source and destination (they must match)."""
        return (KVM_ARGS
                + ['-m', mem or self.MEM, '-smp', str(smp),
                   '-kernel', guest_image('longmode.elf'),
                   '-append', 'dirty=%d' % (dirty or self.DIRTY)]
                + list(extra))

    def start_vm(self, args, incoming=None, paused=False, pass_fds=(),
                 hmp=None, console=True):
        """Start one process with its COM1 on a unix socket we read.

        incoming: an -incoming URI (the guest does not run until the
        stream is loaded); otherwise the VM starts paused (-S), the
        console is connected, and unless paused it is continued."""
        n = len(self._machines)
        con_path = self.tmp('con%d.sock' % n)
        full = list(args)
        if console:
            full += ['-chardev', 'socket,path=%s,server=on,wait=off,id=con'
                     % con_path, '-serial', 'chardev:con']
        if incoming is not None:
            full += ['-incoming', incoming]
        if paused or incoming is None:
            full += ['-S']
        m = self.machine(full, base_args=MICROVM_BASE, hmp=hmp,
                         pass_fds=list(pass_fds))
        m.console = None
        m.console_path = con_path
        # a destination's first line may continue the source's last one:
        # pump() leaves it alone until check_continues() joined them
        m.incoming = incoming is not None
        if console:
            m.console = Console(con_path, m.is_running)
            self.addCleanup(m.console.close)
        if incoming is None and not paused:
            self.assertOk(m.cmd('cont'))
        return m

    def source(self, smp=1, mem=None, dirty=None, extra=(), passes=2,
               events=True, hmp=None, pass_fds=()):
        """A running source guest that has completed `passes` passes."""
        m = self.start_vm(self.vm_args(smp, mem, dirty, extra), hmp=hmp,
                          pass_fds=pass_fds)
        m.console.wait('^' + BANNER + '$')
        self.assertEqual(int(m.console.wait(r'^cpus: (\d+)').group(1)), smp)
        for _ in range(passes):
            m.console.wait(PASS_RX.pattern, timeout=30)
        if events:
            self.set_caps(m, events=True)
        return m

    def dest(self, incoming, smp=1, mem=None, dirty=None, extra=(),
             paused=False, pass_fds=(), events=True, hmp=None):
        m = self.start_vm(self.vm_args(smp, mem, dirty, extra),
                          incoming=incoming, paused=paused,
                          pass_fds=pass_fds, hmp=hmp)
        if events:
            self.set_caps(m, events=True)
        return m

    def set_caps(self, m, **caps):
        lst = [{'capability': k.replace('_', '-'), 'state': v}
               for k, v in caps.items()]
        self.assertOk(m.cmd('migrate-set-capabilities', capabilities=lst))

    def set_params(self, m, **params):
        self.assertOk(m.cmd('migrate-set-parameters',
                            {k.replace('_', '-'): v
                             for k, v in params.items()}))

    def pump(self, seconds=0.05):
        """Read every guest console for about `seconds`, so no guest
        ever waits for a console reader (lines are kept for checks)."""
        deadline = time.monotonic() + seconds
        for m in self._machines:
            con = getattr(m, 'console', None)
            if con is None or con.reader.eof or getattr(m, 'incoming',
                                                        False):
                continue
            while True:
                try:
                    con.line(max(deadline - time.monotonic(), 0.002))
                except QMPTimeout:
                    break
                except (QMPError, OSError):
                    break

    def wait_migration(self, m, states=FINAL_STATES, timeout=60):
        """Poll query-migrate until its status is one of states."""
        deadline = time.monotonic() + timeout
        while True:
            info = m.cmd_ok('query-migrate')
            if info.get('status') in states:
                return info
            if time.monotonic() > deadline:
                raise QMPTimeout('migration still %r after %ds: %r'
                                 % (info.get('status'), timeout, info))
            self.pump(0.05)

    def wait_status(self, m, status, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            st = m.cmd_ok('query-status')['status']
            if st == status:
                return
            if time.monotonic() > deadline:
                raise QMPTimeout('run state still %r, not %r'
                                 % (st, status))
            self.pump(0.05)

    def migrate(self, src, uri, timeout=60):
        """Run `migrate uri` and wait until the source completes."""
        self.assertOk(src.cmd('migrate', uri=uri))
        info = self.wait_migration(src, timeout=timeout)
        self.assertEqual(info['status'], 'completed', info)
        return info

    def migration_events(self, m, until='completed', timeout=30):
        """The MIGRATION event statuses up to `until` (inclusive)."""
        seen = []
        while not seen or seen[-1] != until:
            ev = m.qmp.wait_event('MIGRATION', timeout=timeout)
            seen.append(ev['data']['status'])
            if seen[-1] in ('failed', 'cancelled') and until not in (
                    'failed', 'cancelled'):
                break
        return seen

    def drain(self, console, quiet=0.3):
        """Read whatever the console still has until it is quiet."""
        try:
            while True:
                console.line(quiet)
        except QMPTimeout:
            pass
        except Exception:   # closed by the peer
            pass

    def check_continues(self, src, dst, passes=3, ticks=0, timeout=30,
                        src_booted=True):
        """The destination's console carries on from the source's.

        Pass numbers go on by exactly one from the source's last one,
        tick numbers keep increasing, no banner (= no reset), no FAIL.
        A line cut at switchover is joined from both consoles."""
        self.drain(src.console)
        partial = src.console.reader.buf.decode(errors='replace')
        src.console.reader.buf = b''
        dst.console.reader.buf = partial.encode() + dst.console.reader.buf
        s_pass, s_tick, _, s_banner, s_fail = parse_console(
            src.console.lines)
        self.assertEqual(s_fail, [])
        self.assertEqual(s_banner, 1 if src_booted else 0, src.console.lines)
        self.assertTrue(s_pass, 'the source never printed a pass line')
        deadline = time.monotonic() + timeout
        while True:
            d_pass, d_tick, _, d_banner, d_fail = parse_console(
                dst.console.lines)
            self.assertEqual(d_fail, [], 'guest failed on the destination')
            self.assertEqual(d_banner, 0, 'the guest restarted: %r'
                             % dst.console.lines[:5])
            if len(d_pass) >= passes and len(d_tick) >= ticks:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail('destination console stalled: %r'
                          % dst.console.lines[-5:])
            dst.console.line(remaining)
        dst.incoming = False
        allp = s_pass + d_pass
        self.assertEqual(allp, list(range(allp[0], allp[0] + len(allp))),
                         'pass numbers jump: source ends %r, destination '
                         'starts %r (partial line at switchover %r)'
                         % (src.console.lines[-6:], dst.console.lines[:6],
                            partial))
        allt = s_tick + d_tick
        if allt:
            self.assertEqual(allt, list(range(allt[0],
                                              allt[0] + len(allt))),
                             'tick numbers jump: source %r destination %r'
                             % (s_tick[-3:], d_tick[:3]))
        return d_pass

    # Ferry's pmemsave refuses 0xa0000-0xfffff on microvm (QEMU reads
    # holes as 0xff): hash the RAM around it
    RAM_RANGES_BELOW_1M = ((0, 0xa0000),)

    def pmem_hash(self, m, size):
        """sha256 of the guest's RAM [0, size) via pmemsave (without the
        legacy hole at 0xa0000-0xfffff)."""
        h = hashlib.sha256()
        ranges = self.RAM_RANGES_BELOW_1M + ((0x100000, size - 0x100000),)
        for addr, length in ranges:
            path = self.tmp('mem-%d.bin' % m.pid)
            self.assertOk(m.cmd('pmemsave', val=addr, size=length,
                                filename=path))
            self.assertEqual(os.path.getsize(path), length)
            h.update(file_sha256(path).encode())
            os.unlink(path)
        return h.hexdigest()


__all__ = ['MigrationTestCase', 'free_tcp_port', 'file_sha256',
           'parse_console', 'PASS_RX', 'TICK_RX', 'BANNER', 'FINAL_STATES']
