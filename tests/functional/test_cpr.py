# SPDX-License-Identifier: GPL-2.0-or-later
"""CPR modes.  cpr-reboot (QEMU 8.2): the guest stops, its state goes to a
file, a new process restores it; with x-ignore-shared, RAM that lives in a
shared named file is not copied at all (the new process maps the same
file).  x-ignore-shared also works for a live migration between two
processes sharing the file.  cpr-transfer (QEMU 10.0) and cpr-exec (QEMU
10.2) hand guest RAM, sockets, fd sets and named fds to a new process or
image; cpr-exec also keeps connected monitor and console clients."""

import array
import json
import os
import select
import socket
import struct
import subprocess
import threading
import time
import unittest

from guest import Console, MICROVM_BASE
from machine import binary_path, fd_targets
from migration_util import MigrationTestCase, parse_console
from qmp import QMPClient, QMPDisconnected

MIB = 1 << 20
MEMS = os.environ.get('CPR_MEMS', '1024 4096').split()


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


def unix_addr(path):
    return {'transport': 'socket', 'type': 'unix', 'path': path}


def read_until(fd, marker, timeout=10):
    """Read fd (a pty) until marker shows; the text read."""
    data = b''
    deadline = time.monotonic() + timeout
    while marker.encode() not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError('no %r in %r' % (marker, data))
        data += os.read(fd, 4096)
    return data.decode(errors='replace')


def holders(st):
    """The pids holding an fd open on the file that os.stat gave st."""
    pids = set()
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            for fd in os.listdir('/proc/%s/fd' % pid):
                f = os.stat('/proc/%s/fd/%s' % (pid, fd))
                if (f.st_dev, f.st_ino) == (st.st_dev, st.st_ino):
                    pids.add(int(pid))
        except OSError:
            pass
    return pids


def fdsets(m):
    """query-fdsets as {set: sorted [(opaque, file the fd is)]}."""
    out = {}
    for st in m.cmd_ok('query-fdsets'):
        out[st['fdset-id']] = sorted(
            (fd.get('opaque'),
             os.readlink('/proc/%d/fd/%d' % (m.proc.pid, fd['fd'])))
            for fd in st['fds'])
    return out


class CprTransfer(MigrationTestCase):
    """cpr-transfer (QEMU 10.0): the new process is started first with a
    main and a cpr channel; the old one hands it its fds (guest RAM's
    memfd) by SCM_RIGHTS, then sends the device state; RAM is not copied."""

    def memfd(self, mem):
        return ['-object', 'memory-backend-memfd,id=ram0,size=%sM' % mem,
                '-machine', 'memory-backend=ram0']

    def start_new(self, mem, main_path, cpr_path, con=None, backend=None,
                  extra=(), pass_fds=()):
        """The new process, started as a management app would: the same
        command line, its main and cpr channels.  Its QMP monitor is on a
        pre-opened socket, fd=N: the old process's number, which means
        nothing here; after the CPR state it is the old process's very
        socket (chardev "mon0" kept in CPR state).  con: the console
        socket path (the old process's: its listening socket is taken
        over the same way)."""
        n = len(self._machines)
        con = con or self.tmp('con%d.sock' % n)
        args = (self.vm_args(mem=mem, extra=backend or self.memfd(mem))
                + ['-chardev', 'socket,fd=1000,server=on,wait=off,id=mon0',
                   '-mon', 'chardev=mon0,mode=control',
                   '-chardev', 'socket,path=%s,server=on,wait=off,id=con'
                   % con, '-serial', 'chardev:con',
                   '-incoming', 'unix:' + main_path,
                   '-incoming', json.dumps({'channel-type': 'cpr',
                                            'addr': unix_addr(cpr_path)})]
                + list(extra))
        m = self.machine(args, qmp=None, base_args=MICROVM_BASE,
                         pass_fds=list(pass_fds))
        deadline = time.monotonic() + 10
        while not os.path.exists(cpr_path):
            self.assertLess(time.monotonic(), deadline,
                            'the new process never listened on %s' % cpr_path)
            time.sleep(0.01)
        m.console_path = con
        return m

    def attach_console(self, dst):
        """Right after migrate: the new process creates its console socket
        once it has the CPR state, well before the guest resumes there."""
        dst.console = Console(dst.console_path, dst.is_running,
                              interval=0.001)
        dst.incoming = True
        self.addCleanup(dst.console.close)

    def take_over(self, src, dst):
        """After the transfer: the old process quits, and its QMP socket
        (the path the management app knows) now reaches the new one."""
        self.drain(src.console)
        src.shutdown()
        dst._qmp = QMPClient(src.qmp_path, alive=dst.is_running)
        dst._qmp.negotiate()
        self.assertEqual(dst.cmd_ok('query-status')['status'], 'running')

    def transfer(self, mem, backend=None):
        backend = backend or self.memfd(mem)
        src = self.source(mem=mem, extra=backend)
        self.set_params(src, mode='cpr-transfer')
        main, cpr = self.tmp('main%s.sock' % mem), self.tmp('cpr%s.sock' % mem)
        dst = self.start_new(mem, main, cpr, con=src.console_path,
                             backend=backend)
        self.assertOk(src.cmd('migrate', channels=[
            {'channel-type': 'main', 'addr': unix_addr(main)},
            {'channel-type': 'cpr', 'addr': unix_addr(cpr)}]))
        self.attach_console(dst)
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'completed', info)
        self.take_over(src, dst)
        self.check_continues(src, dst)
        # the old process quit without removing the console's path: the
        # new one listens there
        self.assertTrue(os.path.exists(src.console_path))
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.connect(src.console_path)
        probe.close()
        return info

    def test_memfd_ram_is_not_copied(self):
        sent = {}
        for mem in MEMS:
            with self.subTest(mem=mem):
                info = self.transfer(mem)
                sent[mem] = info['ram']['transferred']
                # no page of guest RAM travels: the block list only
                self.assertEqual(info['ram']['normal'], 0, info)
                self.assertLess(sent[mem], 64 * 1024, info)
        self.assertEqual(len(set(sent.values())), 1, sent)

    def test_shared_file_ram(self):
        """memory-backend-file share=on: the new process maps the same
        file itself (not through CPR state); no page is sent either."""
        backend = ['-object', 'memory-backend-file,id=ram0,size=256M,'
                   'mem-path=%s,share=on' % self.tmp('guest.ram'),
                   '-machine', 'memory-backend=ram0']
        info = self.transfer('256', backend)
        self.assertEqual(info['ram']['normal'], 0, info)

    def open_file(self, name):
        f = open(self.tmp(name), 'w+b')
        self.addCleanup(f.close)
        return f

    def test_fd_sets_and_named_fds_travel(self):
        """The fd sets (add-fd, -add-fd) and the monitor's named fds
        (getfd) cross to the new process, where the monitor on the same
        chardev has them.  A -add-fd on the new command line for a set
        that came over is not added (its fd is closed).  A file chardev
        keeps its file: the new process does not truncate it."""
        old_file, other = self.open_file('old-set'), self.open_file('other')
        qmp_file = self.open_file('qmp-set')
        log = self.tmp('mon.log')
        log_mon = ['-chardev', 'file,id=log0,path=' + log,
                   '-mon', 'chardev=log0,mode=readline']
        src = self.source(extra=self.memfd('128') + log_mon + [
            '-add-fd', 'fd=%d,set=7,opaque=cmdline' % old_file.fileno()],
            pass_fds=[old_file.fileno()])
        with open(log, 'a') as f:
            f.write('MARK\n')
        self.assertOk(src.qmp.send_fds('add-fd', [qmp_file.fileno()],
                                       fdset_id=3, opaque='qmp'))
        ours, theirs = socket.socketpair()
        self.addCleanup(ours.close)
        self.assertOk(src.qmp.send_fds('getfd', [theirs.fileno()],
                                       fdname='later'))
        theirs.close()
        sets = fdsets(src)
        self.set_params(src, mode='cpr-transfer')
        main, cpr = self.tmp('main.sock'), self.tmp('cpr.sock')
        dst = self.start_new('128', main, cpr, con=src.console_path,
                             extra=log_mon + ['-add-fd',
                                              'fd=%d,set=7,opaque=new'
                                              % other.fileno()],
                             pass_fds=[other.fileno()])
        self.assertOk(src.cmd('migrate', channels=[
            {'channel-type': 'main', 'addr': unix_addr(main)},
            {'channel-type': 'cpr', 'addr': unix_addr(cpr)}]))
        self.attach_console(dst)
        self.assertEqual(self.wait_migration(src, timeout=30)['status'],
                         'completed')
        self.take_over(src, dst)
        self.assertEqual(fdsets(dst), sets)
        self.assertNotIn(self.tmp('other'),
                         fd_targets(dst.proc.pid).values())
        self.assertOk(dst.cmd('closefd', fdname='later'))
        self.assertError(dst.cmd('closefd', fdname='later'),
                         desc="File descriptor named 'later' not found")
        with open(log) as f:
            text = f.read()
        self.assertEqual(text.count('monitor - type'), 1, text)
        self.assertIn('MARK', text)
        self.check_continues(src, dst)

    def test_anonymous_ram_blocks_cpr_transfer(self):
        src = self.source(passes=1)
        self.set_params(src, mode='cpr-transfer')
        reason = ('Memory region microvm.ram is not compatible with CPR. '
                  'share=on is required for memory-backend objects: use '
                  'memory-backend-memfd, or memory-backend-file with '
                  'share=on, and -machine memory-backend=ID')
        self.assertIn(reason, src.cmd_ok('query-migrate')
                      .get('blocked-reasons', []))
        self.assertError(src.cmd('migrate', channels=[
            {'channel-type': 'main', 'addr': unix_addr(self.tmp('m'))},
            {'channel-type': 'cpr', 'addr': unix_addr(self.tmp('c'))}]),
            desc=reason)
        # normal migration is not blocked
        self.set_params(src, mode='normal')
        self.assertNotIn('blocked-reasons', src.cmd_ok('query-migrate'))
        path = self.tmp('mig.sock')
        dst = self.dest('unix:' + path)
        self.migrate(src, 'unix:' + path)
        self.wait_status(dst, 'running')

    def test_channel_checks(self):
        src = self.source(passes=1, events=False, extra=self.memfd('128'))
        self.set_params(src, mode='cpr-transfer')
        main = {'channel-type': 'main', 'addr': unix_addr(self.tmp('m'))}
        self.assertError(src.cmd('migrate', channels=[main]),
                         desc="missing 'cpr' migration channel")
        self.assertError(src.cmd('migrate', uri='unix:' + self.tmp('m')),
                         desc="missing 'cpr' migration channel")
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')

    def test_new_process_dies(self):
        """The new process is killed before it takes the CPR state: the
        old one fails the migration and its guest runs on."""
        src = self.source(extra=self.memfd('128'))
        self.set_params(src, mode='cpr-transfer')
        main, cpr = self.tmp('main.sock'), self.tmp('cpr.sock')
        dst = self.start_new('128', main, cpr)
        dst.proc.kill()
        dst.wait()
        self.assertOk(src.cmd('migrate', channels=[
            {'channel-type': 'main', 'addr': unix_addr(main)},
            {'channel-type': 'cpr', 'addr': unix_addr(cpr)}]))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.assertIn('cpr channel', info.get('error-desc', ''))
        self.wait_status(src, 'running')
        src.console.wait(r'^pass ', timeout=10)


class FakeNewProcess:
    """A stand-in for the new process on the cpr channel: it accepts,
    reads the CPR state with recvmsg (an implementation independent of
    Ferry's) and keeps the channel open, so the old process waits."""

    def __init__(self, path):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(1)
        self.data, self.fds = b'', []
        self.conn = None
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        self.conn, _ = self.listener.accept()
        while True:
            msg, anc, _, _ = self.conn.recvmsg(
                65536, socket.CMSG_SPACE(16 * 4))
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    self.fds += list(array.array('i', payload))
            if not msg:
                return              # the old process shut its side
            self.data += msg

    def entries(self):
        """[(name, id)] parsed by QEMU's rules (cpr.c, vmstate QLIST)."""
        d = self.data
        assert d[:8] == b'QCPR\x00\x00\x00\x01', d[:8]
        pos, out = 8, []
        while d[pos] == 1:
            namelen = struct.unpack('>I', d[pos + 1:pos + 5])[0]
            name = d[pos + 5:pos + 5 + namelen]
            assert name.endswith(b'\x00')
            ident = struct.unpack('>i', d[pos + 5 + namelen:
                                         pos + 9 + namelen])[0]
            assert d[pos + 9 + namelen:pos + 10 + namelen] == b' '
            out.append((name[:-1].decode(), ident))
            pos += 10 + namelen
        assert d[pos] == 0 and pos + 1 == len(d), (pos, len(d))
        return out

    def close(self):
        if self.conn:
            self.conn.close()
        self.listener.close()
        self.thread.join(5)
        for fd in self.fds:
            os.close(fd)


class CprTransferWire(MigrationTestCase):

    def test_state_on_the_wire_and_cancel(self):
        src = self.source(extra=['-object', 'memory-backend-memfd,id=ram0,'
                                 'size=%sM' % self.MEM,
                                 '-machine', 'memory-backend=ram0'])
        self.set_params(src, mode='cpr-transfer')
        cpr = self.tmp('cpr.sock')
        fake = FakeNewProcess(cpr)
        self.addCleanup(fake.close)
        self.assertOk(src.cmd('migrate', channels=[
            {'channel-type': 'main', 'addr': unix_addr(self.tmp('m'))},
            {'channel-type': 'cpr', 'addr': unix_addr(cpr)}]))
        fake.thread.join(10)
        self.assertFalse(fake.thread.is_alive())
        names = fake.entries()
        # the guest RAM's memfd and the QMP monitor's socket, each with
        # its fd attached to its ' ' byte
        self.assertIn(('ram0', 0), names)
        self.assertIn(('chardev/mon0', 0), names)
        self.assertEqual(len(fake.fds), len(names))
        ram = fake.fds[names.index(('ram0', 0))]
        self.assertEqual(os.fstat(ram).st_size, int(self.MEM) * MIB)
        self.assertTrue(os.readlink('/proc/self/fd/%d' % ram)
                        .startswith('/memfd:ram0'))
        # the old process waits for the new one; the guest still runs
        self.assertEqual(src.cmd_ok('query-migrate')['status'], 'setup')
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')
        self.assertOk(src.cmd('migrate_cancel'))
        info = self.wait_migration(src, timeout=10)
        self.assertEqual(info['status'], 'cancelled', info)
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')
        src.console.wait(r'^pass ', timeout=10)


class CprExec(MigrationTestCase):
    """cpr-exec (QEMU 10.2): the same process execs a new image, which
    keeps guest RAM (memfd) and the listening sockets, and loads the
    device state from a file."""

    MEMFD = ['-object', 'memory-backend-memfd,id=ram0,size=128M',
             '-machine', 'memory-backend=ram0']

    def test_exec_keeps_clients_and_fds(self):
        """Beyond QEMU, which drops every connection at cpr-exec: the QMP
        client stays connected, is answered by the new image and sees the
        migration's events; the console reader stays connected; named
        fds (getfd) and fd sets (add-fd, -add-fd) are still there."""
        cmdline_file = open(self.tmp('cmdline-set'), 'w+b')
        qmp_file = open(self.tmp('qmp-set'), 'w+b')
        self.addCleanup(cmdline_file.close)
        self.addCleanup(qmp_file.close)
        cfd = cmdline_file.fileno()
        src = self.source(extra=self.MEMFD + [
            '-add-fd', 'fd=%d,set=7,opaque=cmdline' % cfd], pass_fds=[cfd])
        pid = src.proc.pid
        qmp = src.qmp
        self.assertEqual(qmp.send_fds('add-fd', [qmp_file.fileno()],
                                      fdset_id=3, opaque='qmp')
                         ['return']['fdset-id'], 3)
        ours, theirs = socket.socketpair()
        self.addCleanup(ours.close)
        self.assertOk(qmp.send_fds('getfd', [theirs.fileno()],
                                   fdname='later'))
        theirs.close()
        sets = fdsets(src)
        self.assertEqual(sets, {
            3: [('qmp', self.tmp('qmp-set'))],
            7: [('cmdline', self.tmp('cmdline-set'))]})
        state = self.tmp('vm.state')
        # the new image: the same command line (-add-fd included: its set
        # comes in CPR state), restoring from the file
        argv = [a for a in src.args if a != '-S'] + ['-incoming',
                                                     'file:' + state]
        self.set_params(src, mode='cpr-exec', cpr_exec_command=argv)
        with open('/proc/%d/environ' % pid, 'rb') as f:
            self.assertNotIn(b'QEMU_CPR_EXEC_STATE=', f.read())
        qmp.clear_events()
        ram = os.stat('/proc/%d/fd/%d' % (pid, next(
            fd for fd, t in fd_targets(pid).items() if 'memfd:' in t)))
        self.assertOk(src.cmd('migrate', uri='file:' + state))
        self.assertEqual(self.migration_events(src, timeout=30),
                         ['setup', 'active', 'device', 'completed'])
        qmp.wait_event('RESUME', timeout=30)    # the new image runs it
        # same process, same connection, new image
        self.assertEqual(src.cmd_ok('query-status')['status'], 'running')
        self.assertEqual(src.proc.pid, pid)
        with open('/proc/%d/environ' % pid, 'rb') as f:
            self.assertIn(b'QEMU_CPR_EXEC_STATE=', f.read())
        # no greeting, no renegotiation: commands work at once
        self.assertError(src.cmd('qmp_capabilities'),
                         klass='CommandNotFound')
        self.assertEqual(fdsets(src), sets)
        # the console reader never reconnected: the guest goes on
        for _ in range(3):
            src.console.wait(r'^pass ', timeout=10)
        passes, _, _, banners, fails = parse_console(src.console.lines)
        self.assertEqual((banners, fails), (1, []), src.console.lines)
        self.assertEqual(passes, list(range(passes[0],
                                            passes[0] + len(passes))))
        # guest RAM stayed in its memfd: the state file is small
        self.assertLess(os.path.getsize(state), 2 * MIB)
        # the old image's fds were held across the exec by a short-lived
        # heir (its KVM VM is torn down there): it is gone
        deadline = time.monotonic() + 10
        while holders(ram) != {pid}:
            self.assertLess(time.monotonic(), deadline, holders(ram))
            time.sleep(0.05)
        # the getfd'd socket still works: migrate into it
        stream = bytearray()
        reader = threading.Thread(target=self.read_all,
                                  args=(ours, stream))
        reader.start()
        self.set_params(src, mode='normal')
        self.assertOk(src.cmd('migrate', uri='fd:later'))
        info = self.wait_migration(src, timeout=60)
        reader.join(30)
        self.assertEqual(info['status'], 'completed', info)
        self.assertEqual(bytes(stream[:8]), b'QEVM\0\0\0\3')

    def test_exec_keeps_hmp_session(self):
        """An HMP client that ran a synchronous migrate (cpr-exec) gets its
        prompt from the new image, without a new banner, and goes on."""
        src = self.source(extra=self.MEMFD, hmp='unix', events=False)
        hmp = src.hmp()
        self.addCleanup(hmp.close)
        state = self.tmp('vm.state')
        argv = [a for a in src.args if a != '-S'] + ['-incoming',
                                                     'file:' + state]
        self.set_params(src, mode='cpr-exec', cpr_exec_command=argv)
        src.qmp.clear_events()
        out = hmp.hmp('migrate file:' + state, timeout=30)
        self.assertNotIn('monitor - type', out)
        src.qmp.wait_event('RESUME', timeout=30)
        self.assertEqual(hmp.hmp('info status'), 'VM status: running\n')
        src.console.wait(r'^pass ', timeout=10)

    def test_exec_keeps_pty_and_file(self):
        """A pty chardev keeps its pty (the user on its slave stays, with
        no new banner) and a file chardev its file (not truncated).  A
        chardev the new command line dropped is closed, with a warning."""
        log = self.tmp('mon.log')
        spare = ['-chardev', 'socket,id=spare,server=on,wait=off,path='
                 + self.tmp('spare.sock')]
        src = self.source(extra=self.MEMFD + spare + [
            '-chardev', 'pty,id=pty0', '-mon', 'chardev=pty0,mode=readline',
            '-chardev', 'file,id=log0,path=' + log,
            '-mon', 'chardev=log0,mode=readline'], events=False)
        pts = [c['filename'][len('pty:'):] for c in src.cmd_ok('query-chardev')
               if c['label'] == 'pty0'][0]
        tty = os.open(pts, os.O_RDWR | os.O_NOCTTY)
        self.addCleanup(os.close, tty)
        self.assertIn('monitor - type', read_until(tty, '(qemu) '))
        with open(log, 'a') as f:
            f.write('MARK\n')
        state = self.tmp('vm.state')
        argv = [a for a in src.args if a != '-S']
        i = argv.index(spare[1])
        del argv[i - 1:i + 1]               # the new image has no "spare"
        argv += ['-incoming', 'file:' + state]
        self.set_params(src, mode='cpr-exec', cpr_exec_command=argv)
        src.qmp.clear_events()
        self.assertOk(src.cmd('migrate', uri='file:' + state))
        src.qmp.wait_event('RESUME', timeout=30)
        os.write(tty, b'info status\r')
        out = read_until(tty, 'VM status: running')
        self.assertNotIn('monitor - type', out)
        with open(log) as f:
            text = f.read()
        self.assertEqual(text.count('monitor - type'), 1, text)
        self.assertIn('MARK', text)
        self.assertIn("CPR state: nothing here took 'chardev/spare' (id 0): "
                      "fd closed", src.stderr_text())
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(probe.close)
        with self.assertRaises(ConnectionRefusedError):
            probe.connect(self.tmp('spare.sock'))

    def test_exec_keeps_stdio_qmp(self):
        """A QMP session on stdio goes on across cpr-exec: the same pipes,
        no second greeting, commands answered by the new image."""
        state = self.tmp('vm.state')
        args = ([binary_path()] + MICROVM_BASE + self.vm_args(extra=self.MEMFD)
                + ['-qmp', 'stdio'])
        proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        # a reply that never comes: the kill ends the read with EOF
        watchdog = threading.Timer(30, proc.kill)
        watchdog.start()
        self.addCleanup(watchdog.cancel)

        def send(cmd, **arguments):
            msg = {'execute': cmd}
            if arguments:
                msg['arguments'] = arguments
            proc.stdin.write(json.dumps(msg).encode() + b'\n')
            proc.stdin.flush()

        def reply():
            while True:
                msg = json.loads(proc.stdout.readline())
                if 'event' not in msg:
                    return msg

        self.assertIn('QMP', json.loads(proc.stdout.readline()))
        send('qmp_capabilities')
        self.assertEqual(reply(), {'return': {}})
        send('migrate-set-parameters', mode='cpr-exec',
             **{'cpr-exec-command': args + ['-incoming', 'file:' + state]})
        self.assertEqual(reply(), {'return': {}})
        send('migrate', uri='file:' + state)
        self.assertEqual(reply(), {'return': {}})
        while json.loads(proc.stdout.readline()).get('event') != 'RESUME':
            pass                                # the new image runs it
        send('query-status')
        self.assertEqual(reply()['return']['status'], 'running')

    @staticmethod
    def read_all(sock, out):
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                return
            out += chunk

    def test_checks(self):
        src = self.source(passes=1, events=False, extra=self.MEMFD)
        self.set_params(src, mode='cpr-exec')
        self.assertError(src.cmd('migrate', uri='file:' + self.tmp('x')),
                         desc='cpr-exec mode requires setting '
                              'cpr-exec-command')
        self.set_params(src, cpr_exec_command=['/nonexistent/ferry'])
        self.assertError(src.cmd('migrate', uri='unix:' + self.tmp('x')),
                         desc="Migration mode 'cpr-exec' needs a file: URI: "
                              "the new image reads the state after the exec")
        # an exec that fails: the old image goes on with its guest
        self.assertOk(src.cmd('migrate', uri='file:' + self.tmp('x')))
        info = self.wait_migration(src, timeout=30)
        self.assertEqual(info['status'], 'failed', info)
        self.assertIn('cannot exec /nonexistent/ferry',
                      info.get('error-desc', ''))
        self.wait_status(src, 'running')
        src.console.wait(r'^pass ', timeout=10)


if __name__ == '__main__':
    unittest.main()
