#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/cpr: guest pause of a CPR upgrade against QEMU's normal migration.

Ferry: cpr-transfer of the in-tree long-mode guest (longmode.elf, -M
microvm, KVM) with its RAM in a memory-backend-memfd: the new process is
started with a main and a cpr channel, takes the memfd over by SCM_RIGHTS
and gets only the device state.  QEMU (Debian's qemu-system-x86_64): a
normal live migration of the same guest over a unix socket, unlimited
bandwidth (what an upgrade costs without CPR).  For 1, 4 and 16 GiB: the
guest's pause (the source's STOP event to the destination's RESUME event,
from their microsecond timestamps) and the bytes sent, medians of --runs,
and Ferry/QEMU ratios.  Ferry's cpr-exec too: the same process execs a
new image that restores from a file (-incoming file:), the QMP client
staying connected across the exec.  Goal: Ferry
under 50 ms at every size, flat in RAM size.

Usage: bench/cpr.py FERRY_BINARY GUEST_DIR [--runs N] [--qemu PATH]
"""
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

import benchlib
import migrate as mig

SIZES = ['1024', '4096', '16384']


def memfd_args(mem):
    """Guest RAM in a memfd backend: what CPR needs to keep it in place."""
    return ['-object', 'memory-backend-memfd,id=ram0,size=%sM' % mem,
            '-machine', 'memory-backend=ram0']


def start_source(binary, mem, guest, tmp):
    """The source guest on memfd RAM, once it has run two passes."""
    src, sq, scon = mig.launch(binary, mem, 'dirty=2', guest, tmp, 'src',
                               memfd_args(mem))
    try:
        mig.wait_console(scon, 'pass 2 ')
    except Exception:
        src.kill()
        src.wait()
        raise
    return src, sq


def cpr_transfer_once(binary, mem, guest):
    """(pause ms, RAM bytes sent, total ms) of one cpr-transfer."""
    with tempfile.TemporaryDirectory(prefix='ferry-bench-') as tmp:
        main = os.path.join(tmp, 'main.sock')
        cpr = os.path.join(tmp, 'cpr.sock')
        src, sq = start_source(binary, mem, guest, tmp)
        procs = [src]
        try:
            # the new process waits on its cpr channel before it has a
            # monitor: start it, wait for the socket, then migrate
            cpr_ch = {'channel-type': 'cpr', 'addr': {
                'transport': 'socket', 'type': 'unix', 'path': cpr}}
            # its QMP socket exists before its monitor does: the client
            # connects and negotiates as soon as the monitor is up, before
            # the guest resumes there
            lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            lsock.bind(os.path.join(tmp, 'dst.qmp'))
            lsock.listen(1)
            dst = mig.spawn(binary, mem, 'dirty=2', guest, tmp, 'dst',
                            memfd_args(mem)
                            + ['-incoming', 'unix:' + main,
                               '-incoming', json.dumps(cpr_ch)],
                            qmp_fd=lsock.fileno())
            lsock.close()
            procs.append(dst)
            got = {}
            client = threading.Thread(target=lambda: got.update(
                q=mig.Qmp(os.path.join(tmp, 'dst.qmp'), dst)))
            client.start()
            deadline = time.monotonic() + 20
            while not os.path.exists(cpr):
                if time.monotonic() > deadline or dst.poll() is not None:
                    raise RuntimeError('the new process never listened')
                time.sleep(0.005)
            sq.cmd('migrate-set-parameters', mode='cpr-transfer')
            sq.cmd('migrate', channels=[
                {'channel-type': 'main', 'addr': {
                    'transport': 'socket', 'type': 'unix', 'path': main}},
                cpr_ch])
            client.join(20)
            dq = got['q']
            while True:
                info = sq.cmd('query-migrate')
                if info.get('status') in ('completed', 'failed'):
                    break
                time.sleep(0.01)
            if info['status'] != 'completed':
                raise RuntimeError('cpr-transfer failed: %s'
                                   % info.get('error-desc'))
            pause = (dq.event_time('RESUME') - sq.event_time('STOP')) * 1000
            # the console file chardev came over in CPR state: the new
            # process goes on writing the old one's file
            before = mig.wait_console(os.path.join(tmp, 'src.con'), 'pass')
            after = mig.wait_console(os.path.join(tmp, 'src.con'),
                                     'pass %d ' % (before.count('pass') + 1),
                                     20)
            if 'FAIL' in after:
                raise RuntimeError('guest failed after cpr-transfer')
            return pause, info['ram']['transferred'], info['total-time']
        finally:
            for p in procs:
                p.kill()
                p.wait()


def cpr_exec_once(binary, mem, guest):
    """(pause ms, state file bytes) of one cpr-exec.  The new image comes
    up with -incoming file: and loads at once; the QMP client stays
    connected across the exec and sees STOP (old image) and RESUME (new
    image) on the one connection."""
    with tempfile.TemporaryDirectory(prefix='ferry-bench-') as tmp:
        state = os.path.join(tmp, 'vm.state')
        src, sq = start_source(binary, mem, guest, tmp)
        try:
            argv = src.args + ['-incoming', 'file:' + state]
            sq.cmd('migrate-set-parameters', mode='cpr-exec',
                   **{'cpr-exec-command': argv})
            sq.cmd('migrate', uri='file:' + state)
            stop = sq.event_time('STOP')
            resume = sq.event_time('RESUME')
            return (resume - stop) * 1000, os.path.getsize(state)
        finally:
            src.kill()
            src.wait()


def main():
    ns = benchlib.parse_args('bench/cpr', 3)
    if ns.exit_code is not None:
        return ns.exit_code
    guest = os.path.join(ns.guest_dir, 'longmode.elf')
    print('bench/cpr: guest pause, Ferry cpr-transfer (memfd RAM) vs QEMU '
          'normal migration; %d runs each, medians' % ns.runs)
    for mem in SIZES:
        ferry = [cpr_transfer_once(ns.ferry, mem, guest)
                 for _ in range(ns.runs)]
        qemu = [mig.migrate_once(ns.qemu, mem, 'dirty=2', guest)
                for _ in range(ns.runs)]
        exe = [cpr_exec_once(ns.ferry, mem, guest) for _ in range(ns.runs)]
        f_pause = statistics.median(r[0] for r in ferry)
        f_bytes = statistics.median(r[1] for r in ferry)
        f_total = statistics.median(r[2] for r in ferry)
        q_pause = statistics.median(r[4] for r in qemu)
        q_bytes = statistics.median(r[3] * r[0] / 1000 for r in qemu)
        q_total = statistics.median(r[0] for r in qemu)
        print('%6s MiB  ferry pause %6.2f ms, total %4d ms, RAM bytes %d | '
              'qemu pause %6.2f ms, total %4d ms, ~%d MiB | ratio pause '
              '%.2f total %.2f' % (mem, f_pause, f_total, f_bytes, q_pause,
                                   q_total, q_bytes / (1 << 20),
                                   f_pause / q_pause, f_total / q_total),
              flush=True)
        e_pause = statistics.median(r[0] for r in exe)
        print('%6s MiB  ferry cpr-exec pause %6.2f ms, '
              'state file %d bytes | ratio pause to qemu %.2f'
              % (mem, e_pause, statistics.median(r[1] for r in exe),
                 e_pause / q_pause), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
