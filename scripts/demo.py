#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's first command: boot the long-mode test guest with its
console on this terminal, then live-migrate it to a second Ferry process,
driven over QMP the way a management app does.

The app creates each listening QMP socket itself, lets Ferry inherit it
(-chardev socket,fd=N), connects once, negotiates, passes a file
descriptor with getfd and another into an fd set with add-fd (SCM_RIGHTS),
and asks about the running guest.  It then starts the destination with
-incoming, migrates with a progress line per poll (pass, transferred,
remaining, dirty rate), quits the source, and the guest's heartbeat goes on
from the destination until you press Ctrl-C (or send quit on its QMP
socket).

Usage: demo.py BINARY GUEST_DIR [--seconds N]
Where /dev/kvm is unusable the guest cannot run: the QMP session is then
played against -machine none."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def kvm_usable():
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        return True
    except OSError:
        return False


class Qmp:
    def __init__(self, path, label):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.rfile = self.sock.makefile('rb')
        self.label = label
        self.verbose = True

    def quiet(self, on=True):
        """Stop (or restart) printing exchanges; returns the old setting."""
        old = not self.verbose
        self.verbose = not on
        return old

    def recv(self):
        line = self.rfile.readline()
        if not line:
            raise EOFError('Ferry closed the QMP connection')
        if self.verbose:
            print('  %s <- %s' % (self.label, line.decode().rstrip()),
                  flush=True)
        return json.loads(line)

    def send(self, cmd, fds=()):
        text = json.dumps(cmd)
        if self.verbose:
            print('  %s -> %s%s' % (self.label, text,
                                    '   [fd %s over SCM_RIGHTS]' % list(fds)
                                    if fds else ''), flush=True)
        socket.send_fds(self.sock, [text.encode() + b'\n'], list(fds))
        while True:
            msg = self.recv()
            if 'event' not in msg:
                return msg


def session(qmp, tmp, with_guest):
    qmp.recv()                                   # greeting
    qmp.send({'execute': 'qmp_capabilities'})
    qmp.send({'execute': 'query-status'})
    with open(os.path.join(tmp, 'data.txt'), 'w+') as f1, \
            open(os.path.join(tmp, 'log.txt'), 'w+') as f2:
        qmp.send({'execute': 'getfd', 'arguments': {'fdname': 'disk0'}},
                 [f1.fileno()])
        qmp.send({'execute': 'add-fd',
                  'arguments': {'fdset-id': 1, 'opaque': 'log file'}},
                 [f2.fileno()])
    qmp.send({'execute': 'query-fdsets'})
    qmp.send({'execute': 'closefd', 'arguments': {'fdname': 'disk0'}})
    if with_guest:
        qmp.send({'execute': 'query-cpus-fast'})
        qmp.send({'execute': 'human-monitor-command',
                  'arguments': {'command-line': 'info registers'}})


def start_ferry(binary, extra, tmp, name):
    """Ferry with a QMP socket the caller created and Ferry inherits."""
    path = os.path.join(tmp, name + '-qmp.sock')
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    fd = listener.fileno()
    argv = [binary, '-nodefaults', '-display', 'none', '-name', name,
            '-chardev', 'socket,fd=%d,server=on,wait=off,id=mon0' % fd,
            '-mon', 'chardev=mon0,mode=control'] + extra
    print('$ ' + ' '.join(argv), flush=True)
    proc = subprocess.Popen(argv, pass_fds=[fd])
    listener.close()
    return proc, path


def migrate(src, dst_qmp, uri):
    """Live-migrate, printing progress; returns query-migrate's result."""
    for q in (src, dst_qmp):
        q.send({'execute': 'migrate-set-capabilities', 'arguments': {
            'capabilities': [{'capability': 'events', 'state': True}]}})
    src.send({'execute': 'migrate', 'arguments': {'uri': uri}})
    quiet = src.quiet()
    while True:
        info = src.send({'execute': 'query-migrate'})['return']
        ram = info.get('ram', {})
        print('migration: %-9s pass %d, transferred %d MiB, remaining %d MiB, '
              'dirty rate %d pages/s' % (
                  info.get('status'), ram.get('dirty-sync-count', 0),
                  ram.get('transferred', 0) >> 20,
                  ram.get('remaining', 0) >> 20,
                  ram.get('dirty-pages-rate', 0)), flush=True)
        if info.get('status') in ('completed', 'failed', 'cancelled'):
            src.quiet(quiet)
            return info
        time.sleep(0.25)


def main():
    args = sys.argv[1:]
    seconds = None
    if '--seconds' in args:
        i = args.index('--seconds')
        seconds = float(args[i + 1])
        del args[i:i + 2]
    binary = args[0] if args else 'build/ferry-system-x86_64'
    guest_dir = args[1] if len(args) > 1 else 'build/tests/guest'
    tmp = tempfile.mkdtemp(prefix='ferry-demo-')
    with_guest = kvm_usable()
    guest_args = ['-machine', 'microvm', '-accel', 'kvm',
                  '-cpu', 'host,-arch-capabilities', '-m', '256', '-smp', '2',
                  '-bios', os.path.join(guest_dir, 'longmode.bin'),
                  '-serial', 'stdio']
    if not with_guest:
        print('demo: /dev/kvm is not usable here, so no guest can run; '
              'playing the QMP session against -machine none')
        proc, path = start_ferry(binary, ['-machine', 'none'], tmp, 'src')
        qmp = Qmp(path, 'src')
        session(qmp, tmp, False)
        qmp.send({'execute': 'quit'})
        return proc.wait()

    src, src_path = start_ferry(binary, guest_args, tmp, 'src')
    print('source QMP socket: %s' % src_path)
    print('The guest console follows.\n', flush=True)
    qmp = Qmp(src_path, 'src')
    time.sleep(1)                               # let the guest say hello
    session(qmp, tmp, True)
    time.sleep(2)

    mig = os.path.join(tmp, 'migration.sock')
    dst, dst_path = start_ferry(binary, guest_args +
                                ['-incoming', 'unix:' + mig], tmp, 'dst')
    print('destination QMP socket: %s' % dst_path, flush=True)
    dqmp = Qmp(dst_path, 'dst')
    dqmp.recv()
    dqmp.send({'execute': 'qmp_capabilities'})
    info = migrate(qmp, dqmp, 'unix:' + mig)
    if info.get('status') != 'completed':
        print('demo: migration %s: %s' % (info.get('status'),
                                          info.get('error-desc')))
        return 1
    print('migration completed in %d ms, guest paused for %d ms '
          '(setup %d ms); the console now comes from the destination'
          % (info['total-time'], info['downtime'], info['setup-time']),
          flush=True)
    qmp.send({'execute': 'quit'})
    src.wait()
    print('Quit with Ctrl-C, or send {"execute": "quit"} on %s\n'
          % dst_path, flush=True)
    if seconds is not None:
        time.sleep(seconds)
        dqmp.send({'execute': 'quit'})
    else:
        dqmp.sock.settimeout(None)
        dqmp.quiet()

        def drain():
            try:
                while True:
                    dqmp.recv()
            except (EOFError, OSError, ValueError):
                pass
        threading.Thread(target=drain, daemon=True).start()
    try:
        rc = dst.wait()
    except KeyboardInterrupt:
        rc = dst.wait()           # Ferry got the SIGINT too and shuts down
    print('\nFerry exited with status %d' % rc)
    return rc


if __name__ == '__main__':
    sys.exit(main())
