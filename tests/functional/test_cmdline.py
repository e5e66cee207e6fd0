# SPDX-License-Identifier: GPL-2.0-or-later
"""Command-line behaviour a management stack relies on: version/help,
option errors (one line naming the option, exit 1), -daemonize/-pidfile,
-name/-uuid/-S, -msg timestamp=on and -add-fd."""

import os
import re
import socket
import subprocess
import time
import unittest

from machine import (FerryTestCase, BASE_ARGS, binary_path, run_binary,
                     QMPClient)

VERSION_RE = re.compile(r'^QEMU emulator version (\d+)\.(\d+)\.(\d+)'
                        r'( \(.*\))?$')
TIMESTAMP_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z ')


def error_lines(stderr):
    return [line for line in stderr.splitlines() if line.strip()]


class VersionHelp(FerryTestCase):

    def check_version(self, option):
        res = run_binary([option])
        self.assertEqual(res.returncode, 0, res.stderr)
        lines = res.stdout.splitlines()
        self.assertRegex(lines[0], VERSION_RE)
        self.assertTrue(any(l.startswith('Copyright') for l in lines),
                        res.stdout)
        return VERSION_RE.match(lines[0])

    def test_version(self):
        self.check_version('-version')

    def test_double_dash_version(self):
        self.check_version('--version')

    def test_version_matches_qmp(self):
        match = self.check_version('-version')
        m = self.machine()
        ver = m.cmd_ok('query-version')['qemu']
        self.assertEqual((int(match.group(1)), int(match.group(2)),
                          int(match.group(3))),
                         (ver['major'], ver['minor'], ver['micro']))

    def test_help(self):
        res = run_binary(['-h'])
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertRegex(res.stdout.splitlines()[0], VERSION_RE)
        self.assertIn('usage: ', res.stdout)
        for opt in ('-machine', '-chardev', '-mon', '-qmp', '-daemonize'):
            self.assertIn(opt, res.stdout)


class OptionErrors(FerryTestCase):
    """Each start-up error: exit status 1, one error line naming the
    offending option (the QEMU message), nothing left running."""

    def run_err(self, args):
        res = run_binary(BASE_ARGS + ['-S'] + args)
        self.assertEqual(res.returncode, 1, res.stderr)
        return error_lines(res.stderr)

    def test_unknown_option(self):
        lines = self.run_err(['-bogus-option'])
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r'^\S+: -bogus-option: invalid option$')

    def test_unknown_double_dash_option(self):
        lines = self.run_err(['--bogus-option'])
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r'^\S+: --bogus-option: invalid option$')

    def test_option_missing_argument(self):
        lines = self.run_err(['-chardev'])
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r'-chardev: requires an argument$')

    def test_bad_machine_type(self):
        res = run_binary(['-machine', 'no-such-machine', '-nodefaults',
                          '-display', 'none', '-S'])
        self.assertEqual(res.returncode, 1, res.stderr)
        # QEMU 7.2 differs: it prints "unsupported machine type" without
        # the quoted name; current QEMU names it.
        self.assertIn('unsupported machine type: "no-such-machine"',
                      res.stderr)
        self.assertIn('Use -machine help to list supported machines',
                      res.stderr)

    def test_chardev_unknown_key(self):
        path = self.tmp('s')
        opt = 'socket,id=c0,path=%s,server=on,wait=off,foo=bar' % path
        lines = self.run_err(['-chardev', opt])
        self.assertEqual(lines, [lines[0]])
        self.assertRegex(lines[0], r'^\S+: -chardev %s: Invalid parameter '
                         r"'foo'$" % re.escape(opt))

    def test_chardev_bad_bool(self):
        opt = 'socket,id=c0,path=%s,server=maybe,wait=off' % self.tmp('s')
        lines = self.run_err(['-chardev', opt])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            "-chardev %s: Parameter 'server' expects 'on' or 'off'" % opt),
            lines)

    def test_chardev_missing_id(self):
        opt = 'socket,path=%s,server=on,wait=off' % self.tmp('s')
        lines = self.run_err(['-chardev', opt])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            '-chardev %s: chardev: no id specified' % opt), lines)

    def test_chardev_unknown_backend(self):
        lines = self.run_err(['-chardev', 'frobnicator,id=c0'])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            "'frobnicator' is not a valid char driver name"), lines)

    def test_chardev_duplicate_id(self):
        lines = self.run_err(['-chardev', 'null,id=dup',
                              '-chardev', 'null,id=dup'])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            "-chardev null,id=dup: Duplicate ID 'dup' for chardev"), lines)

    def test_mon_unknown_chardev(self):
        lines = self.run_err(['-mon', 'chardev=nope,mode=control'])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            '-mon chardev=nope,mode=control: chardev "nope" not found'),
            lines)

    def test_msg_timestamp(self):
        lines = self.run_err(['-msg', 'timestamp=on', '-mon', 'chardev=nope'])
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], TIMESTAMP_RE)
        self.assertTrue(lines[0].endswith('chardev "nope" not found'), lines)

    def test_msg_timestamp_off(self):
        lines = self.run_err(['-msg', 'timestamp=off', '-mon',
                              'chardev=nope'])
        self.assertNotRegex(lines[0], TIMESTAMP_RE)

    def test_msg_guest_name(self):
        # QEMU: -msg guest-name=on puts the -name before the program name
        lines = self.run_err(['-name', 'vm1', '-msg', 'guest-name=on',
                              '-mon', 'chardev=nope'])
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].startswith('vm1 '), lines)
        self.assertTrue(lines[0].endswith('chardev "nope" not found'), lines)


class Identity(FerryTestCase):

    def test_name(self):
        m = self.machine(['-name', 'guest-one'])
        self.assertEqual(m.cmd_ok('query-name'), {'name': 'guest-one'})

    def test_name_guest_key(self):
        m = self.machine(['-name', 'guest=guest-two,debug-threads=on'])
        self.assertEqual(m.cmd_ok('query-name'), {'name': 'guest-two'})

    def test_no_name(self):
        m = self.machine()
        self.assertEqual(m.cmd_ok('query-name'), {})

    def test_uuid(self):
        uuid = '1b4e28ba-2fa1-11d2-883f-0016d3cca427'
        m = self.machine(['-uuid', uuid])
        self.assertEqual(m.cmd_ok('query-uuid'), {'UUID': uuid})

    def test_default_uuid(self):
        m = self.machine()
        self.assertEqual(m.cmd_ok('query-uuid'),
                         {'UUID': '00000000-0000-0000-0000-000000000000'})

    def test_bad_uuid(self):
        res = run_binary(BASE_ARGS + ['-S', '-uuid', 'not-a-uuid'])
        self.assertEqual(res.returncode, 1)
        self.assertIn('-uuid not-a-uuid: failed to parse UUID string: '
                      'wrong format', res.stderr)


class Prelaunch(FerryTestCase):

    def test_S_then_cont(self):
        m = self.machine(['-S'])
        # QEMU 7.2 differs: it also returns "singlestep"; current QEMU
        # returns only running and status.
        self.assertEqual(m.cmd_ok('query-status'),
                         {'running': False, 'status': 'prelaunch'})
        self.assertEqual(m.cmd_ok('cont'), {})
        ev = m.qmp.wait_event('RESUME')
        self.assertIn('timestamp', ev)
        st = m.cmd_ok('query-status')
        self.assertEqual((st['running'], st['status']), (True, 'running'))

    def test_running_without_S(self):
        m = self.machine()
        st = m.cmd_ok('query-status')
        self.assertEqual((st['running'], st['status']), (True, 'running'))


class AddFd(FerryTestCase):

    def test_cloexec_fd_refused(self):
        # An fd the parent holds with FD_CLOEXEC never reaches the child,
        # exactly like a CLOEXEC fd of the child itself: refused.
        fd = os.open(self.tmp('f'), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC)
        self.addCleanup(os.close, fd)
        opt = 'fd=%d,set=1' % fd
        res = run_binary(BASE_ARGS + ['-S', '-add-fd', opt])
        self.assertEqual(res.returncode, 1)
        lines = error_lines(res.stderr)
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(
            '-add-fd %s: fd is not valid or already in use' % opt), lines)

    def test_stdio_fd_refused(self):
        res = run_binary(BASE_ARGS + ['-S', '-add-fd', 'fd=1,set=1'])
        self.assertEqual(res.returncode, 1)
        self.assertIn('fd cannot be a standard I/O stream', res.stderr)

    def test_set_required(self):
        fd = os.open(self.tmp('f'), os.O_RDWR | os.O_CREAT)
        self.addCleanup(os.close, fd)
        res = run_binary(BASE_ARGS + ['-S', '-add-fd', 'fd=%d' % fd],
                         pass_fds=[fd])
        self.assertEqual(res.returncode, 1)
        self.assertIn('set option is required and must be non-negative',
                      res.stderr)

    def test_good_fd_in_fdset(self):
        path = self.tmp('f')
        fd = os.open(path, os.O_RDWR | os.O_CREAT)
        self.addCleanup(os.close, fd)
        m = self.machine(['-add-fd', 'fd=%d,set=2,opaque=hello' % fd],
                         pass_fds=[fd])
        sets = m.cmd_ok('query-fdsets')
        self.assertEqual(len(sets), 1, sets)
        self.assertEqual(sets[0]['fdset-id'], 2)
        self.assertEqual(len(sets[0]['fds']), 1)
        entry = sets[0]['fds'][0]
        self.assertEqual(entry['opaque'], 'hello')
        targets = m.fd_targets()
        # the set holds a duplicate of our file; the original number
        # named on the command line is closed once options are processed
        # (so exactly one fd of the process refers to the file)
        self.assertEqual(targets.get(entry['fd']), path)
        self.assertEqual([n for n, t in targets.items() if t == path],
                         [entry['fd']])


class Daemonize(FerryTestCase):

    def wait_gone(self, pid, timeout=10):
        deadline = time.monotonic() + timeout
        while os.path.exists('/proc/%d' % pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def test_daemonize_pidfile(self):
        pidfile = self.tmp('pid')
        qmp_path = self.tmp('qmp.sock')
        with open(self.tmp('out'), 'w') as out, \
                open(self.tmp('err'), 'w') as err:
            parent = subprocess.run(
                [binary_path()] + BASE_ARGS +
                ['-daemonize', '-pidfile', pidfile,
                 '-qmp', 'unix:%s,server=on,wait=off' % qmp_path],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=20)
        self.assertEqual(parent.returncode, 0, open(self.tmp('err')).read())
        # by the time the parent exits, the pidfile names the daemon and
        # the QMP socket already listens: no retry needed.
        with open(pidfile) as f:
            pid = int(f.read().strip())
        self.assertTrue(os.path.exists('/proc/%d' % pid))
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(qmp_path)
            qmp = QMPClient(sock)
            qmp.negotiate()
            self.assertEqual(qmp.cmd('query-status')['return']['status'],
                             'running')
            self.assertEqual(qmp.cmd('quit').get('return', {}), {})
            qmp.close()
            self.assertTrue(self.wait_gone(pid))
        finally:
            if os.path.exists('/proc/%d' % pid):
                os.kill(pid, 9)   # the daemon we started, by its pid

    def test_daemonize_startup_error(self):
        pidfile = self.tmp('pid')
        res = run_binary(BASE_ARGS + ['-daemonize', '-pidfile', pidfile,
                                      '-mon', 'chardev=nope'])
        self.assertNotEqual(res.returncode, 0)
        self.assertIn('chardev "nope" not found', res.stderr)

    def test_daemonize_refuses_stdio(self):
        # A daemon's stdio is /dev/null: QEMU refuses a stdio chardev.
        res = run_binary(BASE_ARGS + ['-daemonize', '-serial', 'stdio'])
        self.assertEqual(res.returncode, 1)
        self.assertIn('-serial stdio: cannot use stdio with -daemonize',
                      res.stderr)
        res = run_binary(BASE_ARGS + ['-daemonize', '-nographic'])
        self.assertEqual(res.returncode, 1)
        self.assertIn('-nographic cannot be used with -daemonize',
                      res.stderr)


if __name__ == '__main__':
    unittest.main()
