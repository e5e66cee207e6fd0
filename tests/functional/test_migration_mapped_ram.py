# SPDX-License-Identifier: GPL-2.0-or-later
"""mapped-ram: save the long-mode guest to a file with pages at fixed
offsets (with and without multifd), quit, restore in a new process, and
the guest goes on; the file is sparse; bad files and transports fail
cleanly."""

import os
import unittest

from migration_util import MigrationTestCase

MIB = 1 << 20


class MappedRam(MigrationTestCase):

    def save(self, src, uri, channels=0):
        caps = {'mapped_ram': True}
        if channels:
            caps['multifd'] = True
            self.set_params(src, multifd_channels=channels)
        self.set_caps(src, **caps)
        info = self.migrate(src, uri)
        self.wait_status(src, 'postmigrate', timeout=10)
        return info

    def restore(self, uri, smp=1, channels=0, exit_on_error=True):
        dst = self.dest('defer', smp=smp)
        caps = {'mapped_ram': True}
        if channels:
            caps['multifd'] = True
            self.set_params(dst, multifd_channels=channels)
        self.set_caps(dst, **caps)
        self.assertOk(dst.cmd('migrate-incoming', uri=uri,
                              **{'exit-on-error': exit_on_error}))
        return dst

    def check_sparse(self, path):
        st = os.stat(path)
        ram = int(self.MEM) * MIB
        # the pages region spans guest RAM, but zero pages are holes
        self.assertGreaterEqual(st.st_size, ram)
        self.assertLess(st.st_blocks * 512, ram // 2,
                        'allocated %d bytes of %d' % (st.st_blocks * 512,
                                                      st.st_size))

    def round_trip(self, smp=1, channels=0, suffix=''):
        src = self.source(smp=smp)
        path = self.tmp('vm.mig')
        info = self.save(src, 'file:' + path + suffix, channels)
        if channels:
            self.assertGreater(info['ram']['multifd-bytes'], 0, info)
        self.check_sparse(path)
        src.shutdown()
        dst = self.restore('file:' + path + suffix, smp, channels)
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_save_restore(self):
        self.round_trip()

    def test_save_restore_smp4_offset(self):
        self.round_trip(smp=4, suffix=',offset=0x1000')

    def test_multifd_2_channels(self):
        self.round_trip(channels=2)

    def test_multifd_4_channels_smp4(self):
        self.round_trip(smp=4, channels=4)

    def test_fdset_multifd(self):
        src = self.source()
        path = self.tmp('vm.mig')
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.assertOk(src.qmp.send_fds('add-fd', [fd], fdset_id=1))
        os.close(fd)
        self.save(src, 'file:/dev/fdset/1', channels=2)
        self.check_sparse(path)
        src.shutdown()
        dst = self.restore('file:' + path, channels=2)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_destination_without_mapped_ram_refuses(self):
        src = self.source(passes=1)
        path = self.tmp('vm.mig')
        self.save(src, 'file:' + path)
        src.shutdown()
        dst = self.dest('defer')
        self.assertOk(dst.cmd('migrate-incoming', uri='file:' + path,
                              **{'exit-on-error': False}))
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.assertIn('Capability mapped-ram is off, but received '
                      'capability is on', info.get('error-desc', ''))
        self.assertEqual(dst.cmd_ok('query-status')['status'], 'inmigrate')

    def test_truncated_file_fails(self):
        src = self.source(passes=1)
        path = self.tmp('vm.mig')
        self.save(src, 'file:' + path)
        src.shutdown()
        os.truncate(path, 3 * MIB)
        dst = self.restore('file:' + path, exit_on_error=False)
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.assertIn('truncated', info.get('error-desc', '') +
                      dst.stderr_text())
        self.assertTrue(dst.is_running())

    def test_needs_seekable_transport(self):
        src = self.source(passes=1)
        self.set_caps(src, mapped_ram=True)
        self.assertError(src.cmd('migrate', uri='unix:' + self.tmp('s')),
                         desc='Migration requires seekable transport '
                              '(e.g. file)')
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')

    def test_incompatible_caps(self):
        src = self.source(passes=1)
        self.set_caps(src, mapped_ram=True)
        reply = src.cmd('migrate-set-capabilities', capabilities=[
            {'capability': 'xbzrle', 'state': True}])
        self.assertError(reply, desc='Mapped-ram migration is incompatible '
                                     'with xbzrle')


if __name__ == '__main__':
    unittest.main()
