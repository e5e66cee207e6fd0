#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""multifd and auto-converge: live-migrate the long-mode guest over extra
channels (2 and 4, none/zlib/zstd, unix and tcp) and check that it goes on
at the destination with its self-check passing; auto-converge throttles
the vCPUs so that a bandwidth-starved migration still converges."""

import time
import unittest

from migration_util import MigrationTestCase, free_tcp_port


class MultifdTest(MigrationTestCase):

    def multifd_pair(self, channels, compression, transport, dirty=None,
                     smp=1):
        src = self.source(smp=smp, dirty=dirty)
        dst = self.dest('defer', smp=smp, dirty=dirty)
        params = {'multifd-channels': channels,
                  'multifd-compression': compression}
        for m in (src, dst):
            self.set_caps(m, multifd=True)
            self.set_params(m, **params)
        if transport == 'unix':
            uri = 'unix:' + self.tmp('mig.sock')
        else:
            uri = 'tcp:127.0.0.1:%d' % free_tcp_port()
        self.assertOk(dst.cmd('migrate-incoming', uri=uri))
        return src, dst, uri

    def run_multifd(self, channels, compression, transport, smp=1):
        src, dst, uri = self.multifd_pair(channels, compression, transport,
                                          smp=smp)
        info = self.migrate(src, uri, timeout=90)
        ram = info['ram']
        # the pages went over the extra channels, not the main stream
        self.assertGreater(ram['multifd-bytes'], 0)
        self.assertGreater(ram['normal'], 0)
        self.assertGreater(ram['duplicate'], 0)     # zero pages (128 MiB)
        if compression != 'none':
            # compressed: fewer bytes than the pages themselves
            self.assertLess(ram['multifd-bytes'], ram['normal-bytes'])
        self.wait_status(src, 'postmigrate')
        self.wait_status(dst, 'running')
        self.check_continues(src, dst, passes=3)
        dinfo = dst.cmd_ok('query-migrate')
        self.assertEqual(dinfo['status'], 'completed')
        return info

    def test_unix_2_none(self):
        self.run_multifd(2, 'none', 'unix')

    def test_tcp_4_none(self):
        self.run_multifd(4, 'none', 'tcp')

    def test_unix_4_zlib(self):
        self.run_multifd(4, 'zlib', 'unix')

    def test_tcp_2_zstd(self):
        self.run_multifd(2, 'zstd', 'tcp')

    def test_tcp_4_zstd_smp4(self):
        self.run_multifd(4, 'zstd', 'tcp', smp=4)

    def test_unix_2_zlib_smp2(self):
        self.run_multifd(2, 'zlib', 'unix', smp=2)

    def test_file_refused(self):
        src = self.source(passes=1)
        self.set_caps(src, multifd=True)
        r = src.cmd('migrate', uri='file:' + self.tmp('vm.mig'))
        self.assertEqual(r['error']['desc'],
                         'Migration requires multi-channel URIs (e.g. tcp)')
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')

    def test_incoming_exec_refused(self):
        dst = self.dest('defer')
        self.set_caps(dst, multifd=True)
        r = dst.cmd('migrate-incoming', uri='exec:cat /dev/null')
        self.assertEqual(r['error']['desc'],
                         'Migration requires multi-channel URIs (e.g. tcp)')

    def test_destination_killed(self):
        """The destination dies mid-stream: the source fails and resumes."""
        src, dst, uri = self.multifd_pair(2, 'none', 'unix', dirty=64)
        self.set_params(src, max_bandwidth=8 << 20)
        self.assertOk(src.cmd('migrate', uri=uri))
        self.wait_migration(src, states=('active',))
        time.sleep(0.5)
        dst.proc.kill()
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'failed')
        self.wait_status(src, 'running')
        src.console.wait(r'^pass \d+ ', timeout=20)

    def test_cancel(self):
        src, dst, uri = self.multifd_pair(4, 'zlib', 'tcp', dirty=64)
        self.set_params(src, max_bandwidth=8 << 20)
        self.assertOk(src.cmd('migrate', uri=uri))
        self.wait_migration(src, states=('active',))
        self.assertOk(src.cmd('migrate_cancel'))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'cancelled')
        self.wait_status(src, 'running')
        src.console.wait(r'^pass \d+ ', timeout=20)


class AutoConvergeTest(MigrationTestCase):

    def test_auto_converge(self):
        # 8 MiB rewritten over and over with 8 MiB/s of bandwidth: each
        # pass leaves the whole region dirty again, far above what fits
        # the downtime (2.4 MiB), until the vCPU is slowed down
        src = self.source(dirty=8)
        uri = 'unix:' + self.tmp('mig.sock')
        dst = self.dest(uri, dirty=8)
        self.set_caps(src, auto_converge=True)
        self.set_params(src, max_bandwidth=8 << 20, downtime_limit=300,
                        cpu_throttle_initial=30, cpu_throttle_increment=20,
                        max_cpu_throttle=99)
        self.assertOk(src.cmd('migrate', uri=uri))
        seen = []
        deadline = time.monotonic() + 60
        while True:
            info = src.cmd_ok('query-migrate')
            if 'cpu-throttle-percentage' in info:
                seen.append(info['cpu-throttle-percentage'])
            if info.get('status') in ('completed', 'failed', 'cancelled'):
                break
            self.assertLess(time.monotonic(), deadline,
                            'migration did not converge: %r' % info)
            # keep the console flowing: a full one stalls the guest
            self.drain(src.console, quiet=0.05)
            time.sleep(0.1)
        self.assertEqual(info['status'], 'completed', info)
        self.assertTrue(seen, 'query-migrate never showed '
                        'cpu-throttle-percentage')
        self.assertEqual(seen[0], 30)       # cpu-throttle-initial first
        self.assertGreater(max(seen), 30)   # then the increments
        self.assertLessEqual(max(seen), 99)
        self.assertNotIn('cpu-throttle-percentage', info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst, passes=2)


if __name__ == '__main__':
    unittest.main()
