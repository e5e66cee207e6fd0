# SPDX-License-Identifier: GPL-2.0-or-later
"""mapped-ram: save the long-mode guest to a file with pages at fixed
offsets (with and without multifd), quit, restore in a new process, and
the guest goes on; the file is sparse; bad files and transports fail
cleanly."""

import os
import time
import unittest

from migration_util import MigrationTestCase

MIB = 1 << 20


class MappedRamCase(MigrationTestCase):

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



class MappedRam(MappedRamCase):

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


def fds_on(pid, path):
    """{fd: O_DIRECT set?} for the fds of process pid open on path."""
    found = {}
    for name in os.listdir('/proc/%d/fd' % pid):
        try:
            if os.readlink('/proc/%d/fd/%s' % (pid, name)) != path:
                continue
            with open('/proc/%d/fdinfo/%s' % (pid, name)) as f:
                flags = next(int(line.split()[1], 8) for line in f
                             if line.startswith('flags:'))
        except (OSError, StopIteration):
            continue
        found[int(name)] = bool(flags & os.O_DIRECT)
    return found


class DirectIO(MappedRamCase):
    """direct-io (QEMU 9.1): with mapped-ram, guest pages go to and come
    from the file through O_DIRECT descriptors; headers, bitmaps and the
    device state stay buffered."""

    def dio_round_trip(self, channels, direct=True):
        src = self.source()
        path = self.tmp('vm.mig')
        self.set_params(src, direct_io=direct)
        self.set_caps(src, pause_before_switchover=True)
        caps = {'mapped_ram': True}
        if channels:
            caps['multifd'] = True
            self.set_params(src, multifd_channels=channels)
        self.set_caps(src, **caps)
        self.assertOk(src.cmd('migrate', uri='file:' + path))
        self.wait_migration(src, states=('pre-switchover',), timeout=30)
        # what a management stack sees in /proc while the save is open
        fds = fds_on(src.proc.pid, path)
        self.assertIn(False, fds.values(), fds)      # the stream itself
        if direct:
            self.assertEqual(list(fds.values()).count(True),
                             max(channels, 1), fds)
        else:
            self.assertNotIn(True, fds.values(), fds)
        self.assertOk(src.cmd('migrate-continue', state='pre-switchover'))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        # the page descriptors go with the migration's clean-up
        deadline = time.monotonic() + 5
        while fds_on(src.proc.pid, path):
            self.assertLess(time.monotonic(), deadline,
                            fds_on(src.proc.pid, path))
            time.sleep(0.05)
        self.check_sparse(path)
        src.shutdown()
        dst = self.dest('defer')
        self.set_params(dst, direct_io=direct)
        if channels:
            self.set_params(dst, multifd_channels=channels)
        self.set_caps(dst, **caps)
        self.assertOk(dst.cmd('migrate-incoming', uri='file:' + path))
        self.assertEqual(self.wait_migration(dst, timeout=30)['status'],
                         'completed')
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_direct_io(self):
        self.dio_round_trip(channels=0)

    def test_direct_io_multifd(self):
        self.dio_round_trip(channels=2)

    def test_buffered_without_direct_io(self):
        self.dio_round_trip(channels=2, direct=False)


if __name__ == '__main__':
    unittest.main()
