# SPDX-License-Identifier: GPL-2.0-or-later
"""A small QMP client (standard library only) for Ferry's functional tests.

Modelled on QEMU's python/qemu/qmp, but synchronous and stdlib-only.
Every read has a deadline so a misbehaving server can never hang a test.
"""

import json
import select
import socket
import time

DEFAULT_TIMEOUT = 10.0


class QMPError(Exception):
    """Base class for client-side QMP failures."""


class QMPTimeout(QMPError):
    """Nothing (or not the expected thing) arrived before the deadline."""


class QMPDisconnected(QMPError):
    """The server closed the connection."""


class QMPProtocolError(QMPError):
    """The server sent something that is not a QMP message."""


def connect_unix(path, timeout=DEFAULT_TIMEOUT, alive=None, interval=0.02):
    """Connect to a unix socket, retrying until it accepts or timeout.

    alive: optional callable; when it returns False we stop retrying
    (the process we wait for has died)."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if alive is not None and not alive():
                raise QMPDisconnected('process exited before %s accepted'
                                      % path)
            if time.monotonic() > deadline:
                raise QMPTimeout('%s did not accept within %.1fs'
                                 % (path, timeout))
            time.sleep(interval)


class LineReader:
    """Buffered line reader over a socket with per-call deadlines."""

    def __init__(self, sock, timeout=DEFAULT_TIMEOUT):
        self.sock = sock
        self.timeout = timeout
        self.buf = b''
        self.eof = False

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QMPTimeout('timed out waiting for data')
        ready, _, _ = select.select([self.sock], [], [], remaining)
        if not ready:
            raise QMPTimeout('timed out waiting for data')
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b''
        if not data:
            self.eof = True
            raise QMPDisconnected('connection closed by peer')
        self.buf += data

    def read_line(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while b'\n' not in self.buf:
            self._fill(deadline)
        line, self.buf = self.buf.split(b'\n', 1)
        return line + b'\n'

    def read_until(self, marker, timeout=None):
        """Read until the buffer ends with marker (bytes); return it all."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while not self.buf.endswith(marker):
            self._fill(deadline)
        data, self.buf = self.buf, b''
        return data


class QMPClient:
    """A QMP connection.

    sock_or_path: a connected socket object or the path of a unix socket.
    The greeting is read at once and kept in .greeting; call negotiate()
    to enter command mode.  Events seen while waiting for replies are
    appended to .events (and stay there until consumed by wait_event or
    cleared by clear_events)."""

    def __init__(self, sock_or_path, timeout=DEFAULT_TIMEOUT, alive=None,
                 read_greeting=True):
        if isinstance(sock_or_path, socket.socket):
            self.sock = sock_or_path
        else:
            self.sock = connect_unix(sock_or_path, timeout, alive)
        self.timeout = timeout
        self.reader = LineReader(self.sock, timeout)
        self.events = []
        self.greeting = None
        self._next_id = 0
        if read_greeting:
            self.greeting = self.recv(timeout)
            if 'QMP' not in self.greeting:
                raise QMPProtocolError('no greeting: %r' % (self.greeting,))

    # -- low level -------------------------------------------------------
    def recv(self, timeout=None):
        """Read one message (any kind) and return it as a dict."""
        while True:
            line = self.reader.read_line(timeout)
            if not line.strip():
                continue
            try:
                msg = json.loads(line)
            except ValueError as exc:
                raise QMPProtocolError('bad JSON from server: %r (%s)'
                                       % (line[:200], exc))
            if not isinstance(msg, dict):
                raise QMPProtocolError('non-object from server: %r' % (msg,))
            return msg

    def recv_reply(self, timeout=None, msg_id=None, any_id=False):
        """Read until a non-event message arrives (queueing events).

        With msg_id, skip replies whose id differs (and queue nothing for
        them); with any_id False and msg_id None, return the first one."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            msg = self.recv(max(0.0, deadline - time.monotonic()))
            if 'event' in msg:
                self.events.append(msg)
                continue
            if msg_id is not None and not any_id:
                if msg.get('id') != msg_id:
                    continue
            return msg

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def cmd_raw(self, data, timeout=None):
        """Send raw bytes, return the next reply (events are queued)."""
        self.send_raw(data)
        return self.recv_reply(timeout)

    def _new_id(self):
        self._next_id += 1
        return 'ferry-%d' % self._next_id

    def _encode(self, name, args, msg_id):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        if msg_id is not None:
            msg['id'] = msg_id
        return json.dumps(msg).encode() + b'\n'

    # -- commands --------------------------------------------------------
    def cmd(self, name, args=None, timeout=None, **kwargs):
        """Run a command and return the whole reply dict.

        Arguments come from args (a dict, for names that are not Python
        identifiers) and/or keyword arguments (underscores become dashes)."""
        full = dict(args or {})
        for key, value in kwargs.items():
            full[key.replace('_', '-')] = value
        msg_id = self._new_id()
        self.send_raw(self._encode(name, full, msg_id))
        return self.recv_reply(timeout, msg_id=msg_id)

    def cmd_ok(self, name, args=None, timeout=None, **kwargs):
        """Run a command, fail unless it succeeds, return its 'return'."""
        reply = self.cmd(name, args, timeout, **kwargs)
        if 'return' not in reply:
            raise QMPError('%s failed: %r' % (name, reply))
        return reply['return']

    def send_fds(self, name, fds, args=None, timeout=None, **kwargs):
        """Send a command with fds attached (SCM_RIGHTS) in one sendmsg."""
        full = dict(args or {})
        for key, value in kwargs.items():
            full[key.replace('_', '-')] = value
        msg_id = self._new_id()
        data = self._encode(name, full, msg_id)
        sent = socket.send_fds(self.sock, [data], list(fds))
        if sent < len(data):
            self.sock.sendall(data[sent:])
        return self.recv_reply(timeout, msg_id=msg_id)

    def negotiate(self, enable=None):
        args = {'enable': enable} if enable is not None else None
        reply = self.cmd('qmp_capabilities', args)
        if reply.get('return') != {}:
            raise QMPError('negotiation failed: %r' % (reply,))
        return reply

    # -- events ----------------------------------------------------------
    def wait_event(self, name, timeout=None):
        """Return (and remove from .events) the first event called name,
        reading more messages until it arrives or timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev.get('event') == name:
                    return self.events.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QMPTimeout('event %s did not arrive' % name)
            msg = self.recv(remaining)
            if 'event' in msg:
                self.events.append(msg)

    def clear_events(self):
        self.events = []

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
