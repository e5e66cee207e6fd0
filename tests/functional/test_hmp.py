# SPDX-License-Identifier: GPL-2.0-or-later
"""HMP (the human monitor) over a socket: prompt, help, info commands,
stop/cont, getfd/closefd with SCM_RIGHTS, chardev-add/remove, unknown
commands, human-monitor-command and quit."""

import os
import re
import unittest

from machine import FerryTestCase, HMP_PROMPT


class HMPTestCase(FerryTestCase):

    hmp_mode = 'chardev'
    args = ['-name', 'hmp-guest']

    def setUp(self):
        super().setUp()
        self.m = self.machine(self.args, hmp=self.hmp_mode)
        self.h = self.m.hmp()
        self.addCleanup(self.h.close)


class Basics(HMPTestCase):

    def test_banner_and_prompt(self):
        self.assertTrue(self.h.banner.endswith(HMP_PROMPT.decode()))
        self.assertRegex(self.h.banner,
                         r"^QEMU \d+\.\d+\.\d+ monitor - type 'help' for "
                         r"more information\n")

    def test_help(self):
        out = self.h.hmp('help')
        lines = out.splitlines()
        self.assertTrue(any(l.startswith('info ') for l in lines), out)
        # entries look like "q|quit  -- quit the emulator"
        for cmd in ('quit', 'getfd', 'closefd', 'chardev-add',
                    'chardev-remove', 'stop', 'cont'):
            pattern = r'^([\w-]+\|)*%s(\|[\w-]+)*( |$)' % re.escape(cmd)
            self.assertTrue(any(re.match(pattern, l) for l in lines), cmd)

    def test_info_lists_subcommands(self):
        out = self.h.hmp('info')
        for sub in ('status', 'version', 'name', 'chardev'):
            self.assertIn('info %s' % sub, out)

    def test_info_status(self):
        self.assertEqual(self.h.hmp('info status'), 'VM status: running\n')

    def test_stop_cont(self):
        self.assertEqual(self.h.hmp('stop'), '')
        self.assertEqual(self.h.hmp('info status'), 'VM status: paused\n')
        self.assertFalse(self.m.cmd_ok('query-status')['running'])
        self.m.qmp.wait_event('STOP')
        self.assertEqual(self.h.hmp('cont'), '')
        self.assertEqual(self.h.hmp('info status'), 'VM status: running\n')
        self.m.qmp.wait_event('RESUME')

    def test_info_version(self):
        out = self.h.hmp('info version')
        self.assertRegex(out, r'^\d+\.\d+\.\d+')
        ver = self.m.cmd_ok('query-version')
        self.assertEqual(out, '%d.%d.%d%s\n' % (
            ver['qemu']['major'], ver['qemu']['minor'], ver['qemu']['micro'],
            ver['package']))

    def test_info_name(self):
        self.assertEqual(self.h.hmp('info name'), 'hmp-guest\n')

    def test_info_chardev(self):
        lines = self.h.hmp('info chardev').splitlines()
        labels = [l.split(':', 1)[0] for l in lines]
        self.assertIn('hmp0', labels)
        self.assertIn('mon0', labels)
        hmp0 = [l for l in lines if l.startswith('hmp0: ')][0]
        self.assertTrue(hmp0.startswith('hmp0: filename=unix:%s'
                                        % self.m.hmp_path), hmp0)

    def test_unknown_command(self):
        self.assertEqual(self.h.hmp('foo'), "unknown command: 'foo'\n")
        # and the monitor keeps prompting
        self.assertEqual(self.h.hmp('info status'), 'VM status: running\n')

    def test_unknown_info_command(self):
        self.assertEqual(self.h.hmp('info bogus'),
                         "unknown command: 'info bogus'\n")

    def test_missing_argument(self):
        out = self.h.hmp('getfd')
        self.assertIn('getfd: string expected', out)
        self.assertEqual(self.h.hmp('info status'), 'VM status: running\n')


class Fds(HMPTestCase):

    def test_getfd_closefd(self):
        base = self.m.fd_count()
        path = self.tmp('a')
        fd = os.open(path, os.O_RDWR | os.O_CREAT)
        self.addCleanup(os.close, fd)
        self.assertEqual(self.h.hmp_fds('getfd myfd', [fd]), '')
        self.assertEqual(list(self.m.fd_targets().values()).count(path), 1)
        self.assertEqual(self.h.hmp('closefd myfd'), '')
        self.assertEqual(self.m.fd_count(), base)

    def test_getfd_without_fd(self):
        self.assertEqual(self.h.hmp('getfd x'),
                         'Error: No file descriptor supplied via '
                         'SCM_RIGHTS\n')

    def test_closefd_unknown(self):
        self.assertEqual(self.h.hmp('closefd nope'),
                         "Error: File descriptor named 'nope' not found\n")


class Chardevs(HMPTestCase):

    def labels(self):
        return [c['label'] for c in self.m.cmd_ok('query-chardev')]

    def test_chardev_add_remove(self):
        self.assertEqual(self.h.hmp('chardev-add null,id=n1'), '')
        self.assertIn('n1', self.labels())
        self.assertIn('n1: filename=null', self.h.hmp('info chardev'))
        self.assertEqual(self.h.hmp('chardev-remove n1'), '')
        self.assertNotIn('n1', self.labels())

    def test_chardev_add_duplicate(self):
        self.assertEqual(self.h.hmp('chardev-add null,id=n1'), '')
        out = self.h.hmp('chardev-add null,id=n1')
        self.assertTrue(out.startswith('Error: '), out)

    def test_chardev_remove_unknown(self):
        self.assertEqual(self.h.hmp('chardev-remove n9'),
                         "Error: Chardev 'n9' not found\n")

    def test_chardev_add_socket(self):
        path = self.tmp('extra.sock')
        self.assertEqual(self.h.hmp('chardev-add socket,id=s1,path=%s,'
                                    'server=on,wait=off' % path), '')
        self.assertTrue(os.path.exists(path))
        self.assertEqual(self.h.hmp('chardev-remove s1'), '')


class Quit(HMPTestCase):

    def test_quit(self):
        self.h.send_raw(b'quit\n')
        self.assertEqual(self.m.wait(10), 0)

    def test_q(self):
        self.h.send_raw(b'q\n')
        self.assertEqual(self.m.wait(10), 0)


class LegacyMonitorOption(HMPTestCase):
    """-monitor unix:PATH,server=on,wait=off (compat chardev)."""

    hmp_mode = 'unix'

    def test_info_status(self):
        self.assertEqual(self.h.hmp('info status'), 'VM status: running\n')


class HumanMonitorCommand(FerryTestCase):

    def test_info_status_text(self):
        m = self.machine()
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'info status'})
        self.assertEqual(out.replace('\r\n', '\n'), 'VM status: running\n')
        m.cmd_ok('stop')
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'info status'})
        self.assertEqual(out.replace('\r\n', '\n'), 'VM status: paused\n')

    def test_error_text(self):
        m = self.machine()
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'closefd nope'})
        self.assertEqual(out.replace('\r\n', '\n'),
                         "Error: File descriptor named 'nope' not found\n")


if __name__ == '__main__':
    unittest.main()
