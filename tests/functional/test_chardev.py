# SPDX-License-Identifier: GPL-2.0-or-later
"""Character backends on the command line the way management stacks use
them: pre-opened listening/connected socket fds, unix and tcp servers
(wait=on blocks start-up), reconnecting clients, legacy flag spellings,
-serial shorthands, pty and file backends, and refused TLS."""

import os
import socket
import time
import unittest

from machine import (FerryTestCase, BASE_ARGS, QMPClient, run_binary,
                     listening_unix_socket)


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class ChardevTestCase(FerryTestCase):

    def spawn(self, args, pass_fds=()):
        """Start the binary with exactly these extra args (no QMP added)."""
        m = self.machine(args, launch=False, qmp=None, pass_fds=pass_fds)
        m.launch()
        return m


class PreopenedFds(ChardevTestCase):

    def test_listening_fd_single_connect(self):
        path = self.tmp('mon.sock')
        lsock = listening_unix_socket(path)
        m = self.spawn(['-chardev', 'socket,fd=%d,server=on,wait=off,id=mon0'
                        % lsock.fileno(), '-mon', 'chardev=mon0,mode=control'],
                       pass_fds=[lsock.fileno()])
        lsock.close()
        # one connect, immediately, before the process has even started
        # reading its options: the kernel queues it on the listening fd
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(path)
        qmp = QMPClient(c)
        self.addCleanup(qmp.close)
        qmp.negotiate()
        self.assertEqual(qmp.cmd('query-status')['return']['status'],
                         'running')
        m._qmp = qmp

    def test_connected_fd_socketpair(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        m = self.spawn(['-chardev', 'socket,fd=%d,id=mon0' % theirs.fileno(),
                        '-mon', 'chardev=mon0,mode=control'],
                       pass_fds=[theirs.fileno()])
        theirs.close()
        qmp = QMPClient(ours)
        self.addCleanup(qmp.close)
        qmp.negotiate()
        self.assertIn('return', qmp.cmd('query-name'))
        m._qmp = qmp

    def test_fd_not_a_socket(self):
        fd = os.open(self.tmp('plain'), os.O_RDWR | os.O_CREAT)
        self.addCleanup(os.close, fd)
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'socket,fd=%d,id=c0' % fd],
                         pass_fds=[fd])
        self.assertEqual(res.returncode, 1)
        self.assertIn("File descriptor '%d' is not a socket" % fd, res.stderr)


class Servers(ChardevTestCase):

    def test_unix_server_wait_blocks_startup(self):
        path = self.tmp('wait.sock')
        later = self.tmp('later.sock')
        m = self.spawn(['-chardev', 'socket,path=%s,server=on,wait=on,id=mon0'
                        % path, '-mon', 'chardev=mon0,mode=control',
                        '-qmp', 'unix:%s,server=on,wait=off' % later])
        self.assertTrue(wait_for(lambda: os.path.exists(path)))
        time.sleep(0.5)
        # start-up is blocked in the wait: nothing after it exists yet
        self.assertTrue(m.is_running())
        self.assertFalse(os.path.exists(later))
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(path)
        qmp = QMPClient(c)
        self.addCleanup(qmp.close)
        qmp.negotiate()
        m._qmp = qmp
        self.assertTrue(wait_for(lambda: os.path.exists(later)))
        self.assertEqual(qmp.cmd('query-status')['return']['status'],
                         'running')

    def test_tcp_server(self):
        port = free_tcp_port()
        m = self.spawn(['-chardev', 'socket,host=127.0.0.1,port=%d,'
                        'server=on,wait=off,id=mon0' % port,
                        '-mon', 'chardev=mon0,mode=control'])
        deadline = time.monotonic() + 10
        while True:
            try:
                c = socket.create_connection(('127.0.0.1', port), timeout=5)
                break
            except ConnectionRefusedError:
                self.assertTrue(m.is_running(), m.stderr_text())
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
        qmp = QMPClient(c)
        self.addCleanup(qmp.close)
        qmp.negotiate()
        m._qmp = qmp
        mon = [x for x in qmp.cmd('query-chardev')['return']
               if x['label'] == 'mon0'][0]
        self.assertIn('127.0.0.1:%d' % port, mon['filename'])

    def test_tcp_port_required(self):
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'socket,host=127.0.0.1,id=c0'])
        self.assertEqual(res.returncode, 1)
        self.assertIn('port', res.stderr)

    def test_legacy_server_nowait_flags(self):
        path = self.tmp('legacy.sock')
        m = self.spawn(['-chardev', 'socket,id=mon0,path=%s,server,nowait'
                        % path, '-mon', 'chardev=mon0,mode=control'])
        m._qmp = QMPClient(path, alive=m.is_running)
        m.qmp.negotiate()
        self.assertIn('return', m.cmd('query-status'))

    def test_legacy_qmp_unix_server_nowait(self):
        path = self.tmp('legacy2.sock')
        m = self.spawn(['-qmp', 'unix:%s,server,nowait' % path])
        m._qmp = QMPClient(path, alive=m.is_running)
        m.qmp.negotiate()
        self.assertIn('return', m.cmd('query-status'))

    def test_path_host_fd_exclusive(self):
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'socket,id=c0,path=%s,host=127.0.0.1,'
                                      'port=1' % self.tmp('p')])
        self.assertEqual(res.returncode, 1)
        self.assertIn("None or one of 'path', 'fd' or 'host' option "
                      "required.", res.stderr)


class Clients(ChardevTestCase):

    def test_reconnect_ms_client_finds_late_server(self):
        # QEMU 7.2 differs: it only knows reconnect= (seconds);
        # current QEMU only reconnect-ms= (since 9.2).
        path = self.tmp('late.sock')
        m = self.spawn(['-chardev', 'socket,path=%s,reconnect-ms=100,id=mon0'
                        % path, '-mon', 'chardev=mon0,mode=control'])
        time.sleep(0.3)
        self.assertTrue(m.is_running(), m.stderr_text())
        server = listening_unix_socket(path)
        self.addCleanup(server.close)
        server.settimeout(10)
        conn, _ = server.accept()
        qmp = QMPClient(conn)
        self.addCleanup(qmp.close)
        qmp.negotiate()
        m._qmp = qmp
        self.assertIn('return', qmp.cmd('query-name'))

    def test_reconnect_seconds_removed(self):
        # QEMU 7.2 differs: reconnect= (seconds) was removed in 10.x
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'socket,path=%s,reconnect=1,id=c0'
                                      % self.tmp('x')], timeout=5)
        self.assertEqual(res.returncode, 1)
        self.assertIn("Invalid parameter 'reconnect'", res.stderr)

    def test_client_without_server_fails(self):
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'socket,path=%s,id=c0' % self.tmp('x')])
        self.assertEqual(res.returncode, 1)
        self.assertIn('Failed to connect to', res.stderr)


class Serial(ChardevTestCase):

    def check_serial(self, spec):
        m = self.machine(['-serial', spec])
        self.assertIn('return', m.cmd('query-status'))
        return m

    def test_serial_null(self):
        self.check_serial('null')

    def test_serial_none(self):
        self.check_serial('none')

    def test_serial_pty(self):
        self.check_serial('pty')

    def test_serial_file(self):
        self.check_serial('file:%s' % self.tmp('serial.log'))
        self.assertTrue(os.path.exists(self.tmp('serial.log')))

    def test_serial_unix(self):
        self.check_serial('unix:%s,server=on,wait=off' % self.tmp('ser.sock'))
        self.assertTrue(os.path.exists(self.tmp('ser.sock')))

    def test_serial_chardev_ref(self):
        m = self.machine(['-chardev', 'null,id=ser0', '-serial',
                          'chardev:ser0'])
        self.assertIn('ser0', [c['label'] for c in
                               m.cmd_ok('query-chardev')])


class Backends(ChardevTestCase):

    def test_pty_path_reported(self):
        m = self.machine(['-chardev', 'pty,id=p0'])
        p0 = [c for c in m.cmd_ok('query-chardev') if c['label'] == 'p0'][0]
        self.assertTrue(p0['filename'].startswith('pty:/dev/pts/'), p0)
        pts = p0['filename'][len('pty:'):]
        self.assertTrue(os.path.exists(pts))
        # printed with qemu_printf: stdout when no monitor is current
        self.assertIn('char device redirected to %s (label p0)' % pts,
                      m.stdout_text())

    def test_file_backend_created(self):
        path = self.tmp('out.log')
        m = self.machine(['-chardev', 'file,id=f0,path=%s' % path])
        self.assertTrue(os.path.exists(path))
        f0 = [c for c in m.cmd_ok('query-chardev') if c['label'] == 'f0']
        self.assertEqual(len(f0), 1)

    def test_file_backend_bad_path(self):
        res = run_binary(BASE_ARGS + ['-S', '-chardev',
                                      'file,id=f0,path=/nonexistent/x'])
        self.assertEqual(res.returncode, 1)
        # qemu_open_old() + error_setg_file_open(): "Could not open"
        self.assertIn("Could not open '/nonexistent/x': No such file or "
                      "directory", res.stderr)

    def test_null_and_ringbuf(self):
        m = self.machine(['-chardev', 'null,id=n0',
                          '-chardev', 'ringbuf,id=r0,size=64'])
        m.cmd_ok('ringbuf-write', device='r0', data='abc')
        self.assertEqual(m.cmd_ok('ringbuf-read', device='r0', size=10),
                         'abc')

    def test_tls_creds_refused(self):
        opt = 'socket,id=c0,path=%s,server=on,wait=off,tls-creds=tls0' % \
            self.tmp('tls.sock')
        res = run_binary(BASE_ARGS + ['-S', '-chardev', opt])
        self.assertEqual(res.returncode, 1)
        self.assertIn("-chardev %s: No TLS credentials with id 'tls0'" % opt,
                      res.stderr)


if __name__ == '__main__':
    unittest.main()
