# SPDX-License-Identifier: GPL-2.0-or-later
"""Start and drive ferry-system-x86_64 the way a management stack does.

Modelled on QEMU's python/qemu/machine (stdlib only).  The binary comes
from the FERRY_BINARY environment variable (meson sets it), so the same
tests can be pointed at /usr/bin/qemu-system-x86_64 for comparison.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from qmp import (QMPClient, QMPDisconnected, QMPError, QMPTimeout,
                 LineReader, connect_unix, DEFAULT_TIMEOUT)

SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BASE_ARGS = ['-machine', 'none', '-nodefaults', '-display', 'none']
HMP_PROMPT = b'(qemu) '


def binary_path():
    path = os.environ.get('FERRY_BINARY')
    if not path:
        path = os.path.join(SRC_ROOT, 'build', 'ferry-system-x86_64')
    return path


def run_binary(args, timeout=20, **kwargs):
    """Run the binary to completion; returns CompletedProcess (text)."""
    return subprocess.run([binary_path()] + list(args), capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def listening_unix_socket(path):
    """A bound, listening unix socket (inheritable by the child)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(8)
    return sock


def fd_targets(pid):
    """{fd: readlink target} of every open fd of process pid."""
    out = {}
    base = '/proc/%d/fd' % pid
    for name in os.listdir(base):
        try:
            out[int(name)] = os.readlink(os.path.join(base, name))
        except OSError:
            pass
    return out


class HMPClient:
    """An HMP (readline monitor) connection over a stream socket."""

    ESCAPES = re.compile(rb'\x1b\[[0-9;]*[A-Za-z]')

    def __init__(self, sock_or_path, timeout=DEFAULT_TIMEOUT, alive=None):
        if isinstance(sock_or_path, socket.socket):
            self.sock = sock_or_path
        else:
            self.sock = connect_unix(sock_or_path, timeout, alive)
        self.reader = LineReader(self.sock, timeout)
        self.banner = self._clean(self.reader.read_until(HMP_PROMPT))

    def _clean(self, data):
        data = self.ESCAPES.sub(b'', data)
        return data.decode(errors='replace').replace('\r', '')

    def _strip(self, text, cmdline):
        assert text.endswith(HMP_PROMPT.decode())
        text = text[:-len(HMP_PROMPT)]
        # readline echoes the typed line back (redrawn as it is typed,
        # so the echo line ends with the full command); drop it
        first, sep, rest = text.partition('\n')
        if sep and cmdline.strip() and first.rstrip().endswith(
                cmdline.strip()):
            text = rest
        return text

    def hmp(self, cmdline, timeout=None):
        """Run one command line; return its output (without echo/prompt)."""
        self.sock.sendall(cmdline.encode() + b'\n')
        return self._strip(self._clean(self.reader.read_until(HMP_PROMPT,
                                                              timeout)),
                           cmdline)

    def hmp_fds(self, cmdline, fds, timeout=None):
        """As hmp(), with fds attached to the command bytes (SCM_RIGHTS)."""
        data = cmdline.encode() + b'\n'
        sent = socket.send_fds(self.sock, [data], list(fds))
        if sent < len(data):
            self.sock.sendall(data[sent:])
        return self._strip(self._clean(self.reader.read_until(HMP_PROMPT,
                                                              timeout)),
                           cmdline)

    def send_raw(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Machine:
    """One emulator process.

    qmp: 'fd'   - a listening unix socket created here, inherited by the
                  child and named with -chardev socket,fd=N (default);
         'unix' - -qmp unix:PATH,server=on,wait=off;
         None   - no QMP monitor.
    hmp: None, 'unix' (-monitor unix:PATH,server=on,wait=off) or
         'chardev' (-chardev socket,path=...,server=on,wait=off
         -mon chardev=hmp0,mode=readline)."""

    def __init__(self, tmpdir, args=(), qmp='fd', hmp=None, name='vm',
                 base_args=None, pass_fds=()):
        self.tmpdir = tmpdir
        self.name = name
        self.extra_args = list(args)
        self.base_args = list(BASE_ARGS if base_args is None else base_args)
        self.qmp_mode = qmp
        self.hmp_mode = hmp
        self.pass_fds = list(pass_fds)
        self.proc = None
        self._qmp = None
        self._listen_sock = None
        self.qmp_path = os.path.join(tmpdir, name + '-qmp.sock')
        self.hmp_path = os.path.join(tmpdir, name + '-hmp.sock')
        self.stdout_path = os.path.join(tmpdir, name + '.out')
        self.stderr_path = os.path.join(tmpdir, name + '.err')
        self.exitcode = None

    # -- start -----------------------------------------------------------
    def command_line(self):
        args = [binary_path()] + self.base_args
        if self.qmp_mode == 'fd':
            self._listen_sock = listening_unix_socket(self.qmp_path)
            fd = self._listen_sock.fileno()
            self.pass_fds.append(fd)
            args += ['-chardev',
                     'socket,fd=%d,server=on,wait=off,id=mon0' % fd,
                     '-mon', 'chardev=mon0,mode=control']
        elif self.qmp_mode == 'unix':
            args += ['-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path]
        if self.hmp_mode == 'unix':
            args += ['-monitor', 'unix:%s,server=on,wait=off' % self.hmp_path]
        elif self.hmp_mode == 'chardev':
            args += ['-chardev',
                     'socket,path=%s,server=on,wait=off,id=hmp0'
                     % self.hmp_path,
                     '-mon', 'chardev=hmp0,mode=readline']
        return args + self.extra_args

    def launch(self, negotiate=True):
        args = self.command_line()
        self.args = args
        with open(self.stdout_path, 'wb') as out, \
                open(self.stderr_path, 'wb') as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err,
                                         pass_fds=self.pass_fds)
        if self._listen_sock is not None:
            # the child owns the listening socket now
            self._listen_sock.close()
            self._listen_sock = None
        if self.qmp_mode is not None:
            self._qmp = QMPClient(self.qmp_path, alive=self.is_running)
            if negotiate:
                self._qmp.negotiate()
        return self

    @property
    def pid(self):
        return self.proc.pid

    @property
    def qmp(self):
        if self._qmp is None:
            raise QMPError('no QMP connection')
        return self._qmp

    def cmd(self, name, args=None, **kwargs):
        return self.qmp.cmd(name, args, **kwargs)

    def cmd_ok(self, name, args=None, **kwargs):
        return self.qmp.cmd_ok(name, args, **kwargs)

    def new_qmp(self, negotiate=True, path=None):
        """Open another connection to the QMP socket (a new client)."""
        client = QMPClient(path or self.qmp_path, alive=self.is_running)
        if negotiate:
            client.negotiate()
        return client

    def hmp(self, path=None):
        return HMPClient(path or self.hmp_path, alive=self.is_running)

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    # -- inspection ------------------------------------------------------
    def fd_targets(self):
        return fd_targets(self.proc.pid)

    def fd_count(self):
        return len(self.fd_targets())

    def wait_fd_count(self, expected, timeout=5.0):
        """Poll until the process has `expected` fds; return the count."""
        deadline = time.monotonic() + timeout
        count = self.fd_count()
        while count != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            count = self.fd_count()
        return count

    def stderr_text(self):
        with open(self.stderr_path, 'r', errors='replace') as f:
            return f.read()

    def stdout_text(self):
        with open(self.stdout_path, 'r', errors='replace') as f:
            return f.read()

    # -- stop ------------------------------------------------------------
    def wait(self, timeout=10.0):
        try:
            self.exitcode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exitcode

    def shutdown(self, timeout=10.0):
        """quit over QMP, wait; SIGTERM then SIGKILL as last resorts."""
        if self.proc is None:
            return None
        if self.is_running() and self._qmp is not None:
            try:
                self._qmp.cmd('quit', timeout=timeout)
            except (QMPError, OSError):
                pass
        if self.wait(timeout) is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.proc.kill()
                self.wait(timeout)
        if self._qmp is not None:
            self._qmp.close()
            self._qmp = None
        return self.exitcode

    def kill(self):
        if self.proc is not None and self.is_running():
            self.proc.kill()
            self.wait()
        if self._qmp is not None:
            self._qmp.close()
            self._qmp = None
        if self._listen_sock is not None:
            self._listen_sock.close()
            self._listen_sock = None


class FerryTestCase(unittest.TestCase):
    """Base class: a private tmpdir and automatic cleanup of machines."""

    def setUp(self):
        path = binary_path()
        if not os.access(path, os.X_OK):
            self.fail('emulator binary %s not found (set FERRY_BINARY)'
                      % path)
        # short path: unix socket names are limited to 108 bytes
        self.tmpdir = tempfile.mkdtemp(prefix='ferry-')
        self.addCleanup(shutil.rmtree, self.tmpdir, True)
        self._machines = []
        self.addCleanup(self._kill_machines)

    def _kill_machines(self):
        for m in self._machines:
            m.kill()

    def tmp(self, name):
        return os.path.join(self.tmpdir, name)

    def machine(self, args=(), launch=True, **kwargs):
        m = Machine(self.tmpdir, args, name='vm%d' % len(self._machines),
                    **kwargs)
        self._machines.append(m)
        if launch:
            m.launch()
        return m

    def assertError(self, reply, klass='GenericError', desc=None):
        """reply is a QMP error of class klass (and desc, exact or regex)."""
        self.assertIn('error', reply,
                      'expected an error, got %.300r' % (reply,))
        self.assertEqual(reply['error']['class'], klass, reply)
        self.assertIsInstance(reply['error']['desc'], str)
        if desc is not None:
            if isinstance(desc, re.Pattern):
                self.assertRegex(reply['error']['desc'], desc)
            else:
                self.assertEqual(reply['error']['desc'], desc)

    def assertOk(self, reply):
        self.assertIn('return', reply,
                      'expected success, got %.300r' % (reply,))
        return reply['return']


__all__ = ['Machine', 'HMPClient', 'FerryTestCase', 'QMPClient', 'QMPError',
           'QMPTimeout', 'QMPDisconnected', 'run_binary', 'binary_path',
           'fd_targets', 'listening_unix_socket', 'connect_unix',
           'BASE_ARGS', 'SRC_ROOT', 'HMP_PROMPT']
