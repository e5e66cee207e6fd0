#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's first command: boot the long-mode test guest with its
console on this terminal, driven over QMP the way a management app does.

The app creates the listening QMP socket itself, lets Ferry inherit it
(-chardev socket,fd=N), connects once, negotiates, passes a file
descriptor with getfd and another into an fd set with add-fd (SCM_RIGHTS),
and asks about the running guest.  The guest keeps printing its heartbeat
until you press Ctrl-C (or send quit on the QMP socket).

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
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.rfile = self.sock.makefile('rb')

    def recv(self):
        line = self.rfile.readline()
        if not line:
            raise EOFError('Ferry closed the QMP connection')
        print('  <- ' + line.decode().rstrip(), flush=True)
        return json.loads(line)

    def send(self, cmd, fds=()):
        text = json.dumps(cmd)
        print('  -> ' + text + ('   [fd %s over SCM_RIGHTS]' % list(fds)
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
    path = os.path.join(tmp, 'qmp.sock')
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    fd = listener.fileno()
    with_guest = kvm_usable()
    argv = [binary, '-nodefaults', '-display', 'none', '-name', 'demo',
            '-chardev', 'socket,fd=%d,server=on,wait=off,id=mon0' % fd,
            '-mon', 'chardev=mon0,mode=control']
    if with_guest:
        argv += ['-machine', 'microvm', '-accel', 'kvm',
                 '-cpu', 'host,-arch-capabilities', '-m', '256', '-smp', '2',
                 '-bios', os.path.join(guest_dir, 'longmode.bin'),
                 '-serial', 'stdio']
    else:
        print('demo: /dev/kvm is not usable here, so no guest can run; '
              'playing the QMP session against -machine none')
        argv += ['-machine', 'none']
    print('$ ' + ' '.join(argv))
    print('QMP socket: %s' % path)
    print('The guest console follows. Quit with Ctrl-C, or send '
          '{"execute": "quit"} on the QMP socket.\n', flush=True)
    proc = subprocess.Popen(argv, pass_fds=[fd])
    listener.close()

    qmp = Qmp(path)
    time.sleep(1 if with_guest else 0)          # let the guest say hello
    session(qmp, tmp, with_guest)
    if seconds is not None or not with_guest:
        if seconds:
            time.sleep(seconds)
        qmp.send({'execute': 'quit'})
    else:
        # keep reading events until Ctrl-C ends Ferry
        qmp.sock.settimeout(None)

        def drain():
            try:
                while True:
                    qmp.recv()
            except (EOFError, OSError, ValueError):
                pass
        threading.Thread(target=drain, daemon=True).start()
    try:
        rc = proc.wait()
    except KeyboardInterrupt:
        rc = proc.wait()          # Ferry got the SIGINT too and shuts down
    print('\nFerry exited with status %d' % rc)
    return rc


if __name__ == '__main__':
    sys.exit(main())
