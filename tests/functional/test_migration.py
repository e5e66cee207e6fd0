# SPDX-License-Identifier: GPL-2.0-or-later
"""Live migration of the long-mode test guest between two Ferry processes
(unix, tcp, fd, exec, file), RAM identity at switchover, pre-copy under
load, save/restore, failure injection, blockers, -dump-vmstate, the
stream's format and the HMP commands.  Skipped only when /dev/kvm is
unusable."""

import json
import os
import random
import signal
import socket
import time

from analyze_stream import analyze
from machine import run_binary, SRC_ROOT
from migration_util import (MigrationTestCase, free_tcp_port, parse_console,
                            PASS_RX)
from guest import guest_image, unittest

MIB = 1024 * 1024
VMSTATE_JSON = os.path.join(SRC_ROOT, 'tests', 'functional', 'data',
                            'vmstate.json')
RAM_KEYS = ('transferred', 'remaining', 'total', 'duplicate', 'normal',
            'normal-bytes', 'mbps', 'dirty-sync-count', 'precopy-bytes',
            'pages-per-second')


class Live(MigrationTestCase):
    """A running guest moves to another process over each transport."""

    def check_source_done(self, src, info, mem=128):
        # 'completed' may be seen a moment before the run state moves
        # from finish-migrate to postmigrate (as in QEMU)
        self.wait_status(src, 'postmigrate', timeout=10)
        self.assertFalse(src.cmd_ok('query-status')['running'])
        for key in ('total-time', 'downtime', 'setup-time'):
            self.assertIn(key, info)
            self.assertIsInstance(info[key], int)
        self.assertGreater(info['total-time'], 0)
        self.assertLessEqual(info['downtime'], info['total-time'])
        self.assertLessEqual(info['setup-time'], info['total-time'])
        ram = info['ram']
        for key in RAM_KEYS:
            self.assertIn(key, ram)
        self.assertEqual(ram['total'], mem * MIB)
        self.assertEqual(ram['remaining'], 0)
        self.assertGreaterEqual(ram['dirty-sync-count'], 1)
        # the dirtied region is sent at least once, as normal pages
        self.assertGreaterEqual(ram['normal'], (self.DIRTY - 1) * 256)
        self.assertEqual(ram['normal-bytes'], ram['normal'] * 4096)
        self.assertGreaterEqual(ram['transferred'], ram['normal-bytes'])
        # every page was sent at least once, as a page or a zero page
        self.assertGreaterEqual(ram['normal'] + ram['duplicate'],
                                mem * MIB // 4096)
        self.assertEqual(self.migration_events(src),
                         ['setup', 'active', 'device', 'completed'])
        passes = [e['data']['pass'] for e in src.qmp.events
                  if e['event'] == 'MIGRATION_PASS']
        self.assertTrue(passes, 'no MIGRATION_PASS event')
        self.assertEqual(passes, list(range(1, len(passes) + 1)))

    def check_dest_done(self, dst, events=('active', 'completed')):
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        if events is not None:
            self.assertEqual(self.migration_events(dst), list(events))
        self.wait_status(dst, 'running')

    def live(self, smp, connect):
        """connect(src) -> (dst, uri, dst_events): set up the transport."""
        src = self.source(smp=smp)
        dst, uri, dst_events = connect(src, smp)
        info = self.migrate(src, uri)
        self.check_source_done(src, info)
        self.check_dest_done(dst, dst_events)
        self.check_continues(src, dst, passes=3)
        return src, dst

    def test_unix(self):
        def connect(src, smp):
            path = self.tmp('mig.sock')
            # -incoming defer, so the events capability is on in time to
            # report the destination's setup state too
            dst = self.dest('defer', smp=smp)
            self.assertOk(dst.cmd('migrate-incoming', uri='unix:' + path))
            return dst, 'unix:' + path, ('setup', 'active', 'completed')
        for smp in (1, 4):
            with self.subTest(smp=smp):
                src, dst = self.live(smp, connect)
                # ticks go on too (heartbeat about once a second)
                self.check_continues(src, dst, passes=3, ticks=1)

    def test_unix_incoming_uri(self):
        def connect(src, smp):
            path = self.tmp('mig-%d.sock' % smp)
            dst = self.dest('unix:' + path, smp=smp)
            self.assertEqual(dst.cmd_ok('query-status')['status'],
                             'inmigrate')
            return dst, 'unix:' + path, ('active', 'completed')
        for smp in (1, 4):
            with self.subTest(smp=smp):
                self.live(smp, connect)

    def test_tcp(self):
        def connect(src, smp):
            port = free_tcp_port()
            uri = 'tcp:127.0.0.1:%d' % port
            dst = self.dest(uri, smp=smp)
            sa = dst.cmd_ok('query-migrate')['socket-address']
            self.assertEqual(sa, [{'type': 'inet', 'host': '127.0.0.1',
                                   'port': str(port)}])
            return dst, uri, ('active', 'completed')
        for smp in (1, 4):
            with self.subTest(smp=smp):
                self.live(smp, connect)

    def test_fd(self):
        def connect(src, smp):
            a, b = socket.socketpair()
            self.addCleanup(a.close)
            self.addCleanup(b.close)
            dst = self.dest('fd:%d' % b.fileno(), smp=smp,
                            pass_fds=[b.fileno()])
            b.close()
            self.assertOk(src.qmp.send_fds('getfd', [a.fileno()],
                                           fdname='migfd'))
            a.close()
            # QEMU starts reading an fd: (or exec:) channel at once, so
            # 'active' comes before the events capability can be set
            return dst, 'fd:migfd', ('completed',)
        for smp in (1, 4):
            with self.subTest(smp=smp):
                src, _ = self.live(smp, connect)
                # the fd is consumed by the migration (QEMU closes it)
                self.assertError(src.cmd('closefd', fdname='migfd'))

    def test_exec(self):
        def connect(src, smp):
            fifo = self.tmp('mig-%d.fifo' % smp)
            os.mkfifo(fifo)
            dst = self.dest('exec:cat %s' % fifo, smp=smp)
            return dst, 'exec:cat > %s' % fifo, ('completed',)
        for smp in (1, 4):
            with self.subTest(smp=smp):
                self.live(smp, connect)

    def test_multifd_unix(self):
        src = self.source(smp=2)
        path = self.tmp('mig.sock')
        dst = self.dest('defer', smp=2)
        for m in (src, dst):
            self.set_caps(m, multifd=True)
            self.set_params(m, multifd_channels=4)
        self.assertOk(dst.cmd('migrate-incoming', uri='unix:' + path))
        info = self.migrate(src, 'unix:' + path)
        # the pages went over the extra channels
        self.assertGreater(info['ram']['multifd-bytes'], 0, info)
        self.check_dest_done(dst, None)
        self.check_continues(src, dst)

    def test_ram_identical_at_switchover(self):
        mem = 128
        src = self.source(smp=2)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path, smp=2, paused=True)
        self.migrate(src, 'unix:' + path)
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        # -S: QEMU leaves the destination paused after the load
        self.wait_status(dst, 'paused')
        self.wait_status(src, 'postmigrate', timeout=10)
        self.assertEqual(self.pmem_hash(src, mem * MIB),
                         self.pmem_hash(dst, mem * MIB))
        # the guest did not run on the destination yet
        self.assertTrue(dst.console.quiet_for(0.3))
        self.assertOk(dst.cmd('cont'))
        self.check_continues(src, dst, passes=3)

    def test_unread_console_does_not_hang(self):
        """A console nobody reads for a while must not wedge the process:
        QEMU's UART retries from a G_IO_OUT watch (the guest sees THRE
        clear), so the monitor answers and a migration completes."""
        src = self.source(passes=1)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        # a pass line every ~0.15 s: enough 1-byte writes to fill the
        # unix socket's send buffer
        time.sleep(2.5)
        self.assertEqual(src.qmp.cmd('query-status', timeout=3)
                         ['return']['status'], 'running')
        self.assertOk(src.qmp.cmd('migrate', timeout=3,
                                  uri='unix:' + path))
        deadline = time.monotonic() + 20
        while True:
            st = src.qmp.cmd('query-migrate', timeout=3)['return']
            if st['status'] in ('completed', 'failed'):
                break
            self.assertLess(time.monotonic(), deadline, st)
            time.sleep(0.1)
        self.assertEqual(st['status'], 'completed', st)
        self.wait_status(dst, 'running')
        # the byte the source's UART still held goes on from the
        # destination at once: passes come every ~0.15 s, none is lost
        self.check_continues(src, dst, timeout=5)

    def test_reset_latches_migrate(self):
        """The i8042 command awaiting its data byte and the 0xCF9 latch
        go with the guest: 0xD1 written on the source, its data byte on
        the destination, still resets the machine."""
        src = self.source()

        def hmp(m, line):
            return m.cmd_ok('human-monitor-command', command_line=line)
        hmp(src, 'o /b 0xcf9 0x0a')
        hmp(src, 'o /b 0x64 0xd1')
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        self.migrate(src, 'unix:' + path)
        self.wait_status(dst, 'running')
        self.assertEqual(hmp(dst, 'i /b 0xcf9'), 'portb[0x0cf9] = 0x0a\r\n')
        # status bit 3: the last write was a command
        self.assertEqual(hmp(dst, 'i /b 0x64'), 'portb[0x0064] = 0x1c\r\n')
        hmp(dst, 'o /b 0x60 0xfe')          # output port: reset line low
        ev = dst.qmp.wait_event('RESET', timeout=5)
        self.assertEqual(ev['data'], {'guest': True, 'reason': 'guest-reset'})
        # a reset clears the latch
        self.assertEqual(hmp(dst, 'i /b 0xcf9'), 'portb[0x0cf9] = 0x00\r\n')

    def test_pmemsave_differs_when_guest_ran(self):
        """The RAM comparison above can fail: a running guest changes it."""
        src = self.source()
        a = self.pmem_hash(src, 16 * MIB)
        src.console.wait(PASS_RX.pattern)
        self.assertNotEqual(a, self.pmem_hash(src, 16 * MIB))


class Precopy(MigrationTestCase):
    """Pre-copy under a guest that dirties its pages all the time."""

    DIRTY = 32

    def test_several_passes(self):
        src = self.source(passes=1)
        # 31 MiB dirtied about every 0.3 s, sent at 16 MiB/s: no pass can
        # finish before the guest dirties everything again
        self.set_params(src, max_bandwidth=16 * MIB)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        self.assertOk(src.cmd('migrate', uri='unix:' + path))
        deadline = time.monotonic() + 30
        while True:
            info = src.cmd_ok('query-migrate')
            self.assertIn(info['status'], ('setup', 'active'), info)
            if info.get('ram', {}).get('dirty-sync-count', 0) >= 3:
                break
            self.assertLess(time.monotonic(), deadline, info)
            self.pump(0.1)
        self.assertGreater(info['ram']['remaining'], 0)
        self.assertIn('expected-downtime', info)
        # let it converge: fast enough, and downtime allowed
        self.set_params(src, max_bandwidth=1024 * MIB, downtime_limit=2000)
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        self.assertGreater(info['ram']['dirty-sync-count'], 1)
        # pages were sent more than once
        self.assertGreater(info['ram']['normal'], (self.DIRTY - 1) * 256)
        passes = [e['data']['pass'] for e in src.qmp.events
                  if e['event'] == 'MIGRATION_PASS']
        self.assertGreaterEqual(len(passes), 3)
        self.check_continues(src, dst, passes=3)

    def test_ten_round_trips(self):
        """src -> dst -> new dst ... ten times; no page is ever lost (the
        guest checks every page every pass and prints FAIL otherwise)."""
        # 64 MiB/s for 1 s of downtime: the 32 MiB the guest keeps
        # dirtying always fits after the first full pass, however fast
        # the guest runs, so every hop converges (the 300 ms default
        # would let a fast guest outrun the limit forever)
        params = dict(max_bandwidth=64 * MIB, downtime_limit=1000)
        cur = self.source(smp=2, passes=1)
        self.set_params(cur, **params)
        syncs = []
        all_passes = []
        for i in range(10):
            path = self.tmp('mig%d.sock' % i)
            nxt = self.dest('unix:' + path, smp=2)
            info = self.migrate(cur, 'unix:' + path)
            syncs.append(info['ram']['dirty-sync-count'])
            self.wait_status(nxt, 'running')
            got = self.check_continues(cur, nxt, passes=2,
                                       src_booted=(i == 0))
            all_passes.append(got[0])
            cur.shutdown()
            self.set_params(nxt, **params)
            cur = nxt
        # the guest went on across all ten hops
        self.assertEqual(all_passes, sorted(all_passes))
        self.assertTrue(any(n > 1 for n in syncs), syncs)


class SaveRestore(MigrationTestCase):

    def save(self, src, uri, path):
        info = self.migrate(src, uri)
        self.wait_status(src, 'postmigrate', timeout=10)
        self.assertGreater(os.path.getsize(path), 0)
        return info

    def test_file(self):
        src = self.source()
        path = self.tmp('vm.mig')
        self.save(src, 'file:' + path, path)
        src.shutdown()
        dst = self.dest('file:' + path)
        info = self.wait_migration(dst, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_file_offset(self):
        src = self.source()
        path = self.tmp('vm.mig')
        self.save(src, 'file:%s,offset=0x1000' % path, path)
        src.shutdown()
        dst = self.dest('file:%s,offset=0x1000' % path)
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_fdset(self):
        src = self.source()
        path = self.tmp('vm.mig')
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        res = src.qmp.send_fds('add-fd', [fd], fdset_id=1)
        os.close(fd)
        self.assertEqual(self.assertOk(res)['fdset-id'], 1)
        self.save(src, 'file:/dev/fdset/1', path)
        src.shutdown()
        rfd = os.open(path, os.O_RDONLY)
        self.addCleanup(os.close, rfd)
        dst = self.dest('file:/dev/fdset/2', pass_fds=[rfd],
                        extra=['-add-fd', 'fd=%d,set=2' % rfd])
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)

    def test_file_multifd_needs_mapped_ram(self):
        # QEMU: multifd to a file needs mapped-ram (the channels write
        # pages at fixed offsets); without it migrate is refused at once
        src = self.source(passes=1)
        self.set_caps(src, multifd=True)
        self.assertError(src.cmd('migrate', uri='file:' + self.tmp('x')),
                         desc='Migration requires multi-channel URIs '
                              '(e.g. tcp)')
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')

    def test_file_multifd(self):
        # multifd to a file goes through mapped-ram, as in QEMU
        src = self.source()
        self.set_caps(src, multifd=True, mapped_ram=True)
        path = self.tmp('vm.mig')
        self.save(src, 'file:' + path, path)
        src.shutdown()
        dst = self.dest('defer')
        self.set_caps(dst, multifd=True, mapped_ram=True)
        self.assertOk(dst.cmd('migrate-incoming', uri='file:' + path))
        self.wait_status(dst, 'running')
        self.check_continues(src, dst)


class Failures(MigrationTestCase):
    """Nothing that goes wrong loses the source guest or crashes."""

    def throttled(self, bandwidth=2 * MIB):
        src = self.source()
        self.set_params(src, max_bandwidth=bandwidth)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        self.assertOk(src.cmd('migrate', uri='unix:' + path))
        deadline = time.monotonic() + 20
        while True:
            info = src.cmd_ok('query-migrate')
            self.assertIn(info['status'], ('setup', 'active'), info)
            if info['status'] == 'active' and info['ram']['transferred']:
                return src, dst
            self.assertLess(time.monotonic(), deadline, info)
            self.pump(0.05)

    def check_source_runs_on(self, src):
        self.wait_status(src, 'running')
        # if the VM was stopped for the switchover, RESUME says it runs
        stops = [e for e in src.qmp.events if e['event'] == 'STOP']
        if stops:
            src.qmp.wait_event('RESUME', timeout=5)
        self.drain(src.console, 0.1)
        n = len(src.console.lines)
        src.console.wait(PASS_RX.pattern, timeout=10)
        src.console.wait(PASS_RX.pattern, timeout=10)
        _, _, _, banners, fails = parse_console(src.console.lines)
        self.assertEqual((banners, fails), (1, []))
        self.assertGreater(len(src.console.lines), n)

    def test_destination_killed(self):
        src, dst = self.throttled()
        dst.proc.send_signal(signal.SIGKILL)
        dst.wait()
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.assertIsInstance(info.get('error-desc'), str)
        self.assertTrue(info['error-desc'])
        self.assertIn('failed', self.migration_events(src, 'failed'))
        self.check_source_runs_on(src)
        # a new migration after the failure works
        path = self.tmp('again.sock')
        self.set_params(src, max_bandwidth=1024 * MIB)
        dst2 = self.dest('unix:' + path)
        self.migrate(src, 'unix:' + path)
        self.wait_status(dst2, 'running')
        self.check_continues(src, dst2)

    def test_cancel_while_active(self):
        src, dst = self.throttled()
        self.assertOk(src.cmd('migrate_cancel'))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'cancelled', info)
        seen = self.migration_events(src, 'cancelled')
        self.assertEqual(seen[-2:], ['cancelling', 'cancelled'])
        self.check_source_runs_on(src)

    def test_cancel_in_pre_switchover(self):
        src = self.source()
        self.set_caps(src, pause_before_switchover=True)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        self.set_caps(dst, pause_before_switchover=True)
        self.assertOk(src.cmd('migrate', uri='unix:' + path))
        self.wait_migration(src, states=('pre-switchover',), timeout=30)
        self.assertEqual(src.cmd_ok('query-status')['status'],
                         'finish-migrate')
        self.assertOk(src.cmd('migrate_cancel'))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'cancelled', info)
        src.qmp.wait_event('RESUME', timeout=10)
        self.check_source_runs_on(src)

    def test_migrate_while_running(self):
        src, dst = self.throttled()
        path = self.tmp('other.sock')
        self.assertError(src.cmd('migrate', uri='unix:' + path),
                         desc="There's a migration process in progress")
        self.assertError(src.cmd('migrate-set-capabilities', capabilities=[
            {'capability': 'auto-converge', 'state': True}]),
            desc="There's a migration process in progress")
        # the running migration is not disturbed
        self.assertEqual(src.cmd_ok('query-migrate')['status'], 'active')
        self.assertOk(src.cmd('migrate_cancel'))
        self.assertEqual(self.wait_migration(src)['status'], 'cancelled')

    # -- broken streams given to -incoming file: ---------------------------
    def saved_stream(self, smp=1, mem=None):
        src = self.source(smp=smp, mem=mem, events=False)
        path = self.tmp('vm%d.mig' % len(self._machines))
        self.migrate(src, 'file:' + path)
        src.shutdown()
        with open(path, 'rb') as f:
            return f.read()

    def load(self, data, smp=1, mem=None, timeout=15):
        """Run a destination on a stream file; (returncode, stderr)."""
        path = self.tmp('bad%d.mig' % random.randrange(1 << 30))
        with open(path, 'wb') as f:
            f.write(data)
        args = ([a for a in self.vm_args(smp, mem)]
                + ['-nodefaults', '-display', 'none', '-serial', 'none',
                   '-incoming', 'file:' + path])
        res = run_binary(args, timeout=timeout)
        self.assertGreaterEqual(res.returncode, 0,
                                'killed by signal %d: %s'
                                % (-res.returncode, res.stderr))
        return res.returncode, res.stderr

    def assertLoadFails(self, data, pattern, **kwargs):
        code, err = self.load(data, **kwargs)
        self.assertNotEqual(code, 0, 'the broken stream was accepted')
        self.assertIn('load of migration failed', err)
        self.assertRegex(err, pattern)

    def test_truncated_stream(self):
        data = self.saved_stream()
        for cut in (len(data) // 2, 100, len(data) - 200):
            with self.subTest(cut=cut):
                self.assertLoadFails(data[:cut], r'\S')

    def test_flipped_bytes(self):
        data = self.saved_stream()
        # the "cpu" FULL section's name: an unknown section
        i = data.rindex(b'\x03cpu\x00\x00\x00\x00')
        bad = bytearray(data)
        bad[i + 3] ^= 0x01                           # "cpu" -> "cpt"
        self.assertLoadFails(bytes(bad), r"Unknown savevm section or "
                             r"instance 'cpt' 0")
        # the RAM START section's first record: unknown flags
        j = data.index(b'\x03ram\x00\x00\x00\x00\x00\x00\x00\x04')
        bad = bytearray(data)
        bad[j + 12 + 8 - 1] ^= 0x40
        self.assertLoadFails(bytes(bad), r'(?i)flag')
        # the magic
        bad = bytearray(data)
        bad[0] ^= 0xff
        self.assertLoadFails(bytes(bad), r'\S')
        # bytes flipped anywhere in the device state: fail cleanly or
        # load, never crash
        eof = data.rindex(b'\x00\x06')
        start = data.index(b'\x08\x00\x0b\x00\x00') + 5
        rnd = random.Random(4)
        for _ in range(6):
            bad = bytearray(data)
            pos = rnd.randrange(start, eof)
            bad[pos] ^= 0xff
            with self.subTest(pos=pos):
                try:
                    self.load(bytes(bad), timeout=3)
                except Exception as e:   # a load that succeeds runs on
                    if 'timed out' not in str(e):
                        raise

    def test_ram_size_mismatch(self):
        data = self.saved_stream(mem='128')
        self.assertLoadFails(data, r'microvm\.ram', mem='256')

    def test_unknown_section(self):
        data = self.saved_stream(smp=2)
        self.assertLoadFails(data, r"Unknown savevm section or instance "
                             r"'cpu' 1", smp=1)

    def test_live_mismatch_fails_source_cleanly(self):
        src = self.source(smp=2)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path, smp=1, events=False)
        self.assertOk(src.cmd('migrate', uri='unix:' + path))
        self.assertEqual(dst.wait(30), 1)
        self.assertRegex(dst.stderr_text(),
                         r"load of migration failed.*Unknown savevm "
                         r"section or instance 'cpu' 1")
        info = self.wait_migration(src)
        # QEMU's source finishes writing before the destination notices
        self.assertIn(info['status'], ('completed', 'failed'), info)


class Blockers(MigrationTestCase):

    INVTSC = 'State blocked by non-migratable CPU device (invtsc flag)'

    def invtsc_args(self):
        args = self.vm_args(extra=())
        i = args.index('-cpu')
        args[i + 1] += ',+invtsc'
        return args

    def test_invtsc_blocks_migrate(self):
        m = self.start_vm(self.invtsc_args())
        m.console.wait(PASS_RX.pattern, timeout=30)
        info = m.cmd_ok('query-migrate')
        self.assertIn(self.INVTSC, info.get('blocked-reasons', []), info)
        self.assertError(m.cmd('migrate', uri='unix:' + self.tmp('x.sock')),
                         desc=self.INVTSC)
        self.assertEqual(m.cmd_ok('query-status')['status'], 'running')
        self.assertNotEqual(m.cmd_ok('query-migrate').get('status'),
                            'failed')

    def test_no_blocker_without_invtsc(self):
        m = self.source(passes=0, events=False)
        self.assertNotIn('blocked-reasons', m.cmd_ok('query-migrate'))

    def test_only_migratable_refuses_invtsc(self):
        res = run_binary(self.invtsc_args() + [
            '-nodefaults', '-display', 'none', '-serial', 'none',
            '-only-migratable'], timeout=15)
        self.assertNotEqual(res.returncode, 0)
        self.assertGreater(res.returncode, 0)
        self.assertIn('only-migratable', res.stderr)
        self.assertIn('invtsc', res.stderr)

    def test_only_migratable_allows_migratable_setup(self):
        m = self.start_vm(self.vm_args(extra=['-only-migratable']))
        m.console.wait(PASS_RX.pattern, timeout=30)


class Stream(MigrationTestCase):

    def dump_vmstate(self):
        path = self.tmp('vmstate.json')
        # Ferry's microvm has no default firmware (QEMU's loads qboot.rom)
        res = run_binary(['-M', 'microvm', '-nodefaults', '-display',
                          'none', '-bios', guest_image('longmode.bin'),
                          '-dump-vmstate', path])
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(path) as f:
            return json.load(f)

    @staticmethod
    def versions(desc):
        """{section: versions, fields (name, version, size, count, nested
        description) and subsections, recursively}."""
        def field(f):
            return (f['field'], f['version_id'], f['size'], f.get('num'),
                    one(f['Description']) if 'Description' in f else None)

        def one(d):
            return {'version_id': d['version_id'],
                    'minimum_version_id': d['minimum_version_id'],
                    'fields': [field(f) for f in d.get('Fields', [])],
                    'subsections': {s['name']: one(s)
                                    for s in d.get('Subsections', [])}}
        return {name: one(entry['Description'])
                for name, entry in desc.items() if name != 'vmschkmachine'}

    def test_dump_vmstate(self):
        got = self.dump_vmstate()
        self.assertEqual(got['vmschkmachine'], {'Name': 'microvm'})
        for name in ('cpu', 'serial', 'mc146818rtc', 'globalstate'):
            self.assertIn(name, got)
        with open(VMSTATE_JSON) as f:
            want = json.load(f)
        self.assertEqual(sorted(self.versions(got)),
                         sorted(self.versions(want)),
                         'the set of sections changed')
        for name, v in self.versions(want).items():
            with self.subTest(section=name):
                self.assertEqual(self.versions(got)[name], v,
                                 'the wire format of %s changed: update '
                                 'tests/functional/data/vmstate.json and '
                                 'the version' % name)

    def test_saved_stream_parses(self):
        src = self.source(smp=2, events=False)
        path = self.tmp('vm.mig')
        self.migrate(src, 'file:' + path)
        with open(path, 'rb') as f:
            data = f.read()
        s = analyze(data)
        self.assertEqual(s['machine'], 'microvm')
        self.assertEqual(s['ram']['blocks'], {'microvm.ram': 128 * MIB})
        self.assertGreaterEqual(s['ram']['pages'] + s['ram']['zero_pages'],
                                128 * MIB // 4096)
        types = [sec['type'] for sec in s['sections']]
        self.assertEqual(types[types.index(1)], 1)          # START ram
        self.assertIn(3, types)                             # END ram
        self.assertEqual(s['commands'], [11])               # SWITCHOVER
        full = [(sec['name'], sec['instance_id']) for sec in s['sections']
                if sec['type'] == 4]
        for name in ('cpu', 'serial', 'mc146818rtc', 'globalstate'):
            self.assertIn(name, [n for n, _ in full])
        self.assertIn(('cpu', 0), full)
        self.assertIn(('cpu', 1), full)
        desc = [(d['name'], d['instance_id'])
                for d in s['vmdesc']['devices']]
        self.assertEqual(sorted(set(desc)), sorted(set(full)))
        # the command line tool agrees
        res = __import__('subprocess').run(
            ['python3', os.path.join(SRC_ROOT, 'tests', 'functional',
                                     'analyze_stream.py'), path],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)


class Hmp(MigrationTestCase):

    def test_info_migrate_after_completion(self):
        src = self.source(hmp='unix')
        hmp = src.hmp()
        self.addCleanup(hmp.close)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        out = hmp.hmp('migrate -d unix:' + path)
        self.assertEqual(out.strip(), '')
        self.assertEqual(self.wait_migration(src)['status'], 'completed')
        out = hmp.hmp('info migrate')
        self.assertIn('Status: \t\tcompleted', out)
        self.assertRegex(out, r'Time \(ms\): \t\ttotal=\d+')
        self.wait_status(dst, 'running')

    def test_migrate_waits_without_d(self):
        # QEMU: without -d the monitor gives its prompt back only when the
        # migration has ended
        src = self.source(hmp='unix')
        hmp = src.hmp()
        self.addCleanup(hmp.close)
        self.set_params(src, **{'max-bandwidth': 32 * MIB})
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        hmp.hmp('migrate unix:' + path, timeout=60)
        # the prompt came back: by then the migration was over
        self.assertEqual(src.cmd_ok('query-migrate')['status'], 'completed')
        self.wait_status(dst, 'running')

    def test_migrate_through_qmp_is_detached(self):
        src = self.source(passes=0, events=False)
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path, events=False)
        out = src.cmd_ok('human-monitor-command',
                         {'command-line': 'migrate unix:' + path})
        self.assertEqual(out, 'terminal does not allow synchronous migration,'
                              ' continuing detached\r\n')
        self.assertEqual(self.wait_migration(src)['status'], 'completed')
        self.wait_status(dst, 'running')

    def test_migrate_parameters(self):
        m = self.source(passes=0, hmp='unix', events=False)
        hmp = m.hmp()
        self.addCleanup(hmp.close)
        out = hmp.hmp('info migrate_parameters')
        self.assertIn('max-bandwidth: 134217728 bytes/second', out)
        self.assertEqual(hmp.hmp('migrate_set_parameter max-bandwidth 100')
                         .strip(), '')
        out = hmp.hmp('info migrate_parameters')
        self.assertIn('max-bandwidth: 104857600 bytes/second', out)
        self.assertEqual(m.cmd_ok('query-migrate-parameters')
                         ['max-bandwidth'], 100 * MIB)
        self.assertEqual(hmp.hmp('migrate_set_capability events on')
                         .strip(), '')
        self.assertIn('events: on', hmp.hmp('info migrate_capabilities'))


if __name__ == '__main__':
    unittest.main()
