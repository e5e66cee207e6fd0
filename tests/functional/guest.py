# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the in-tree bare-metal test guests on the microvm machine.

The guest's COM1 is a unix socket the test connects to before the guest
starts (-S, connect, cont), so no console output is lost; lines are read
with deadlines, never blocking forever.
"""

import os
import re
import time
import unittest

from machine import FerryTestCase, Machine, SRC_ROOT
from qmp import LineReader, QMPTimeout, connect_unix

KVM_ARGS = ['-machine', 'microvm', '-accel', 'kvm',
            '-cpu', 'host,-arch-capabilities']
MICROVM_BASE = ['-nodefaults', '-display', 'none']


def guest_image(name):
    d = os.environ.get('FERRY_GUEST_DIR') or os.path.join(
        SRC_ROOT, 'build', 'tests', 'guest')
    return os.path.join(d, name)


def kvm_unusable_reason():
    """Why /dev/kvm cannot run guests here, or None if it can."""
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return '/dev/kvm is not usable: %s' % e.strerror
    os.close(fd)
    return None


class Console:
    """The guest's serial console over a unix socket."""

    def __init__(self, path, alive, interval=0.02):
        self.sock = connect_unix(path, alive=alive, interval=interval)
        self.reader = LineReader(self.sock)
        self.lines = []

    def line(self, timeout=10.0):
        raw = self.reader.read_line(timeout)
        text = raw.decode(errors='replace').rstrip('\r\n')
        self.lines.append(text)
        return text

    def wait(self, pattern, timeout=20.0):
        """Read until a line matches pattern (regex); return the match.
        A guest-reported FAIL line fails at once."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QMPTimeout('no console line matching %r; last lines: %r'
                                 % (pattern, self.lines[-5:]))
            text = self.line(remaining)
            if text.startswith('FAIL'):
                raise AssertionError('guest reported: %s' % text)
            m = rx.search(text)
            if m:
                return m

    def quiet_for(self, seconds):
        """True if no line arrives for seconds."""
        try:
            self.line(seconds)
        except QMPTimeout:
            return True
        return False

    def close(self):
        self.sock.close()


class GuestTestCase(FerryTestCase):
    """Skips with the reason when KVM cannot run guests here."""

    def setUp(self):
        reason = kvm_unusable_reason()
        if reason:
            self.skipTest(reason)
        super().setUp()

    def guest(self, image, args=(), smp=1, mem='256', kernel=False,
              start=True, qmp='fd'):
        """Start image on microvm, paused; connect its console; cont."""
        con_path = self.tmp('con%d.sock' % len(self._machines))
        flag = '-kernel' if kernel else '-bios'
        m = self.machine(KVM_ARGS + ['-m', mem, '-smp', str(smp),
                                     flag, guest_image(image),
                                     '-chardev', 'socket,path=%s,server=on,'
                                     'wait=off,id=con' % con_path,
                                     '-serial', 'chardev:con', '-S']
                         + list(args),
                         base_args=MICROVM_BASE, qmp=qmp)
        m.console = Console(con_path, m.is_running)
        self.addCleanup(m.console.close)
        if start:
            self.assertOk(m.cmd('cont'))
        return m


__all__ = ['GuestTestCase', 'Console', 'guest_image', 'kvm_unusable_reason',
           'KVM_ARGS', 'MICROVM_BASE', 'Machine', 'unittest']
