# SPDX-License-Identifier: GPL-2.0-or-later
"""CPR modes.  cpr-reboot (QEMU 8.2): the guest stops, its state goes to a
file, a new process restores it; with x-ignore-shared, RAM that lives in a
shared named file is not copied at all (the new process maps the same
file).  x-ignore-shared also works for a live migration between two
processes sharing the file.  cpr-transfer and cpr-exec are refused until
they land."""

import os
import unittest

from migration_util import MigrationTestCase, FINAL_STATES

MIB = 1 << 20


class CprReboot(MigrationTestCase):

    def backend(self, path):
        """RAM in a shared file: the same file for source and destination."""
        return ['-object', 'memory-backend-file,id=ram0,size=%sM,'
                'mem-path=%s,share=on' % (self.MEM, path),
                '-machine', 'memory-backend=ram0']

    def save(self, src, path, ignore_shared):
        self.set_params(src, mode='cpr-reboot')
        if ignore_shared:
            self.set_caps(src, x_ignore_shared=True)
        info = self.migrate(src, 'file:' + path)
        self.wait_status(src, 'postmigrate', timeout=10)
        # the guest stopped before the copy began: setup, STOP, active
        seen = [e['event'] if e['event'] != 'MIGRATION'
                else e['data']['status'] for e in src.qmp.events
                if e['event'] in ('MIGRATION', 'STOP')]
        self.assertLess(seen.index('STOP'), seen.index('active'), seen)
        return info

    def restore(self, path, ignore_shared, extra=()):
        dst = self.dest('defer', extra=extra)
        self.set_params(dst, mode='cpr-reboot')
        if ignore_shared:
            self.set_caps(dst, x_ignore_shared=True)
        self.assertOk(dst.cmd('migrate-incoming', uri='file:' + path,
                              **{'exit-on-error': False}))
        return dst, self.wait_migration(dst, timeout=30)

    def test_shared_file_ram_not_copied(self):
        ram = self.tmp('guest.ram')
        state = self.tmp('vm.state')
        src = self.source(extra=self.backend(ram))
        info = self.save(src, state, ignore_shared=True)
        # 128 MiB of guest RAM stayed in its file: only the firmware
        # mapping and the device state travel
        self.assertLess(info['ram']['transferred'], 2 * MIB, info)
        self.assertLess(os.path.getsize(state), 2 * MIB)
        src.shutdown()
        dst, info = self.restore(state, True, extra=self.backend(ram))
        self.assertEqual(info['status'], 'completed', info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_anonymous_ram_is_copied(self):
        state = self.tmp('vm.state')
        src = self.source()
        info = self.save(src, state, ignore_shared=False)
        # the guest's data pages (most of its 16 MiB region) are in the
        # stream, each once: the guest stood still, nothing was re-sent
        self.assertGreater(info['ram']['normal-bytes'], 8 * MIB, info)
        self.assertLess(info['ram']['normal-bytes'], 17 * MIB, info)
        src.shutdown()
        dst, info = self.restore(state, False)
        self.assertEqual(info['status'], 'completed', info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_destination_without_ignore_shared_refuses(self):
        ram = self.tmp('guest.ram')
        state = self.tmp('vm.state')
        src = self.source(passes=1, extra=self.backend(ram))
        self.save(src, state, ignore_shared=True)
        src.shutdown()
        dst, info = self.restore(state, False, extra=self.backend(ram))
        self.assertEqual(info['status'], 'failed', info)
        self.assertIn('Capability x-ignore-shared is off, but received '
                      'capability is on', info.get('error-desc', ''))

    def test_failed_save_resumes_the_guest(self):
        src = self.source(passes=1)
        self.set_params(src, mode='cpr-reboot')
        # an exec: whose command exits at once: the stream cannot go
        self.assertOk(src.cmd('migrate', uri='exec:exit 0'))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.wait_status(src, 'running')
        src.qmp.wait_event('RESUME', timeout=5)


class IgnoreShared(MigrationTestCase):
    """x-ignore-shared in a live migration: both processes map the same
    file, so only the block list and the device state are sent."""

    def test_live_between_processes_sharing_ram(self):
        ram = self.tmp('guest.ram')
        backend = ['-object', 'memory-backend-file,id=ram0,size=%sM,'
                   'mem-path=%s,share=on' % (self.MEM, ram),
                   '-machine', 'memory-backend=ram0']
        src = self.source(extra=backend)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path, extra=backend)
        for m in (src, dst):
            self.set_caps(m, x_ignore_shared=True)
        info = self.migrate(src, 'unix:' + path)
        self.assertLess(info['ram']['transferred'], 2 * MIB, info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)


class Unsupported(MigrationTestCase):

    def test_cpr_transfer_and_exec_refused(self):
        src = self.source(passes=1, events=False)
        for mode in ('cpr-transfer', 'cpr-exec'):
            with self.subTest(mode=mode):
                self.set_params(src, mode=mode)
                self.assertError(
                    src.cmd('migrate', uri='file:' + self.tmp('x')),
                    desc="Migration mode '%s' is not supported by Ferry yet"
                         % mode)
                self.assertEqual(src.cmd_ok('query-status')['status'],
                                 'running')


if __name__ == '__main__':
    unittest.main()
