# SPDX-License-Identifier: GPL-2.0-or-later
"""File descriptor passing over QMP: getfd/closefd (named fds), add-fd/
remove-fd/query-fdsets (fd sets), /dev/fdset/N opens, and no fd leaks
(counted in /proc/PID/fd)."""

import os
import socket
import unittest

from machine import FerryTestCase


def fdsets_by_id(sets):
    """query-fdsets as {fdset-id: {fd: opaque-or-None}} (QEMU lists sets
    in descending id order and fds oldest first; order is not API)."""
    out = {}
    for s in sets:
        out[s['fdset-id']] = {f['fd']: f.get('opaque') for f in s['fds']}
    return out


class FdTestCase(FerryTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.machine()
        self.q = self.m.qmp

    def open_file(self, name, flags=os.O_RDWR | os.O_CREAT):
        fd = os.open(self.tmp(name), flags, 0o600)
        self.addCleanup(os.close, fd)
        return fd

    def targets_to(self, name):
        path = self.tmp(name)
        return [n for n, t in self.m.fd_targets().items() if t == path]


class NamedFds(FdTestCase):

    def test_getfd_closefd(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        self.assertEqual(self.q.send_fds('getfd', [fd], fdname='a')['return'],
                         {})
        self.assertEqual(len(self.targets_to('a')), 1)
        self.assertEqual(self.m.fd_count(), base + 1)
        self.assertEqual(self.q.cmd('closefd', fdname='a')['return'], {})
        self.assertEqual(self.targets_to('a'), [])
        self.assertEqual(self.m.fd_count(), base)

    def test_getfd_replaces_name(self):
        base = self.m.fd_count()
        fd1 = self.open_file('one')
        fd2 = self.open_file('two')
        self.assertOk(self.q.send_fds('getfd', [fd1], fdname='x'))
        self.assertOk(self.q.send_fds('getfd', [fd2], fdname='x'))
        # the old fd under the name was closed
        self.assertEqual(self.targets_to('one'), [])
        self.assertEqual(len(self.targets_to('two')), 1)
        self.assertEqual(self.m.fd_count(), base + 1)
        self.assertOk(self.q.cmd('closefd', fdname='x'))
        self.assertEqual(self.m.fd_count(), base)

    def test_getfd_without_fd(self):
        self.assertError(self.q.cmd('getfd', fdname='a'),
                         desc='No file descriptor supplied via SCM_RIGHTS')

    def test_getfd_name_starting_with_digit(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        self.assertError(self.q.send_fds('getfd', [fd], fdname='1abc'),
                         desc="Parameter 'fdname' expects a name not "
                              "starting with a digit")
        self.assertEqual(self.m.wait_fd_count(base), base)

    def test_closefd_unknown(self):
        self.assertError(self.q.cmd('closefd', fdname='nope'),
                         desc="File descriptor named 'nope' not found")

    def test_named_fd_survives_reconnect(self):
        # named fds belong to the monitor, not to the connection
        fd = self.open_file('a')
        self.assertOk(self.q.send_fds('getfd', [fd], fdname='keep'))
        self.q.close()
        self.m._qmp = self.q = self.m.new_qmp()
        self.assertEqual(len(self.targets_to('a')), 1)
        self.assertOk(self.q.cmd('closefd', fdname='keep'))
        self.assertEqual(self.targets_to('a'), [])


class FdSets(FdTestCase):

    def test_add_fd_new_set(self):
        fd = self.open_file('a')
        ret = self.assertOk(self.q.send_fds('add-fd', [fd]))
        self.assertEqual(set(ret), {'fdset-id', 'fd'})
        self.assertEqual(ret['fdset-id'], 0)
        self.assertEqual(self.m.fd_targets()[ret['fd']], self.tmp('a'))
        ret2 = self.assertOk(self.q.send_fds('add-fd', [fd]))
        self.assertEqual(ret2['fdset-id'], 1)   # lowest free id

    def test_add_fd_given_set_and_opaque(self):
        fd = self.open_file('a')
        r1 = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=5,
                                           opaque='first'))
        r2 = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=5))
        self.assertEqual((r1['fdset-id'], r2['fdset-id']), (5, 5))
        self.assertNotEqual(r1['fd'], r2['fd'])
        sets = self.q.cmd('query-fdsets')['return']
        self.assertEqual(fdsets_by_id(sets),
                         {5: {r1['fd']: 'first', r2['fd']: None}})
        entry = [f for f in sets[0]['fds'] if f['fd'] == r2['fd']][0]
        self.assertNotIn('opaque', entry)   # absent, not null

    def test_add_fd_without_fd(self):
        self.assertError(self.q.cmd('add-fd'),
                         desc='No file descriptor supplied via SCM_RIGHTS')
        self.assertEqual(self.q.cmd('query-fdsets')['return'], [])

    def test_add_fd_negative_set(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        self.assertError(self.q.send_fds('add-fd', [fd], fdset_id=-1),
                         desc="Parameter 'fdset-id' expects a non-negative "
                              "value")
        self.assertEqual(self.m.wait_fd_count(base), base)

    def test_query_fdsets_shape(self):
        self.assertEqual(self.q.cmd('query-fdsets')['return'], [])
        fd = self.open_file('a')
        a = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=3,
                                          opaque='x'))
        b = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=1))
        sets = self.q.cmd('query-fdsets')['return']
        for s in sets:
            self.assertEqual(set(s), {'fdset-id', 'fds'})
            for f in s['fds']:
                self.assertTrue(set(f) <= {'fd', 'opaque'})
        self.assertEqual(fdsets_by_id(sets),
                         {3: {a['fd']: 'x'}, 1: {b['fd']: None}})

    def test_remove_one_fd(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        a = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=2))
        b = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=2))
        self.assertEqual(self.m.fd_count(), base + 2)
        self.assertOk(self.q.cmd('remove-fd', fdset_id=2, fd=a['fd']))
        # closed at once
        self.assertEqual(self.m.fd_count(), base + 1)
        self.assertEqual(fdsets_by_id(self.q.cmd('query-fdsets')['return']),
                         {2: {b['fd']: None}})
        self.assertOk(self.q.cmd('remove-fd', fdset_id=2, fd=b['fd']))
        self.assertEqual(self.m.fd_count(), base)
        self.assertEqual(self.q.cmd('query-fdsets')['return'], [])

    def test_remove_whole_set(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        for _ in range(3):
            self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=4))
        keep = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=6))
        self.assertOk(self.q.cmd('remove-fd', fdset_id=4))
        self.assertEqual(self.m.fd_count(), base + 1)
        self.assertEqual(fdsets_by_id(self.q.cmd('query-fdsets')['return']),
                         {6: {keep['fd']: None}})

    def test_remove_errors(self):
        self.assertError(self.q.cmd('remove-fd', fdset_id=9),
                         desc="File descriptor named 'fdset-id:9' not found")
        fd = self.open_file('a')
        self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=0))
        self.assertError(self.q.cmd('remove-fd', fdset_id=0, fd=999),
                         desc="File descriptor named 'fdset-id:0, fd:999' "
                              "not found")


class Leaks(FdTestCase):

    def test_unclaimed_fds_closed(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        for _ in range(5):
            self.assertOk(self.q.send_fds('query-name', [fd]))
        # at most the last unclaimed fd may still be queued (QEMU keeps
        # one until the next fd-carrying read): never an accumulation
        self.assertLessEqual(self.m.fd_count(), base + 1)
        self.q.close()
        self.m._qmp = self.q = self.m.new_qmp()
        self.assertEqual(self.m.wait_fd_count(base), base)
        self.assertEqual(self.targets_to('a'), [])

    def test_fds_with_several_per_message(self):
        base = self.m.fd_count()
        fds = [self.open_file('f%d' % i) for i in range(3)]
        self.assertOk(self.q.send_fds('getfd', fds, fdname='one'))
        self.assertOk(self.q.cmd('closefd', fdname='one'))
        self.q.close()
        self.m._qmp = self.q = self.m.new_qmp()
        self.assertEqual(self.m.wait_fd_count(base), base)

    def test_fds_left_by_disconnecting_client(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        self.q.close()
        self.m._qmp = None
        c = self.m.new_qmp()
        socket.send_fds(c.sock, [b'{"execute": "getfd", "argu'], [fd])
        c.close()
        self.m._qmp = self.q = self.m.new_qmp()
        self.assertEqual(self.m.wait_fd_count(base), base)
        self.assertEqual(self.q.cmd('query-fdsets')['return'], [])

    def test_failed_getfd_fd_closed(self):
        base = self.m.fd_count()
        fd = self.open_file('a')
        self.assertError(self.q.send_fds('closefd', [fd], fdname='nope'))
        self.q.close()
        self.m._qmp = self.q = self.m.new_qmp()
        self.assertEqual(self.m.wait_fd_count(base), base)


class FdsetOpen(FdTestCase):

    def add_chardev_file(self, cid, path):
        return self.q.cmd('chardev-add', id=cid, backend={
            'type': 'file', 'data': {'out': path}})

    def test_chardev_file_through_fdset(self):
        fd = self.open_file('out', os.O_WRONLY | os.O_CREAT)
        os.write(fd, b'old contents')
        ret = self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=7))
        before = len(self.targets_to('out'))
        self.assertOk(self.add_chardev_file('f7', '/dev/fdset/7'))
        # a dup of the set's fd is open now (and not listed as a set fd)
        self.assertEqual(len(self.targets_to('out')), before + 1)
        self.assertEqual(fdsets_by_id(self.q.cmd('query-fdsets')['return']),
                         {7: {ret['fd']: None}})
        # the file backend opens with O_TRUNC: the dup truncated the file
        self.assertEqual(os.path.getsize(self.tmp('out')), 0)
        self.assertOk(self.q.cmd('chardev-remove', id='f7'))
        self.assertEqual(len(self.targets_to('out')), before)

    def test_readonly_fd_cannot_satisfy_write(self):
        fd = self.open_file('ro', os.O_RDONLY | os.O_CREAT)
        self.assertOk(self.q.send_fds('add-fd', [fd], fdset_id=7))
        # The file backend opens with qemu_open_old(), which drops the
        # fd-set lookup's own message and reports errno (EACCES) through
        # error_setg_file_open().
        self.assertError(self.add_chardev_file('f7', '/dev/fdset/7'),
                         desc="Failed to add chardev 'f7': Could not open "
                              "'/dev/fdset/7': Permission denied")
        self.assertNotIn('f7', [c['label'] for c in
                                self.q.cmd('query-chardev')['return']])

    def test_missing_fdset(self):
        # a missing set is ENOENT (see the note above)
        self.assertError(self.add_chardev_file('f8', '/dev/fdset/8'),
                         desc="Failed to add chardev 'f8': Could not open "
                              "'/dev/fdset/8': No such file or directory")

    def test_write_fd_chosen_among_several(self):
        ro = self.open_file('x', os.O_RDONLY | os.O_CREAT)
        wo = os.open(self.tmp('x'), os.O_WRONLY)
        self.addCleanup(os.close, wo)
        self.assertOk(self.q.send_fds('add-fd', [ro], fdset_id=3))
        self.assertOk(self.q.send_fds('add-fd', [wo], fdset_id=3))
        self.assertOk(self.add_chardev_file('f3', '/dev/fdset/3'))


if __name__ == '__main__':
    unittest.main()
