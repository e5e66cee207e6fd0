# SPDX-License-Identifier: GPL-2.0-or-later
"""The microvm machine under KVM running the in-tree guests: each guest
with 1 and 4 vCPUs, -S/cont, stop/cont, system_reset, -no-reboot,
-no-shutdown, the memory backends, and the monitor's views of the guest
(info registers, xp, query-cpus-fast, pmemsave).  Skipped, with the
reason, only when /dev/kvm is unusable."""

import os
import re
import time

from guest import GuestTestCase, guest_image, unittest


class Guests(GuestTestCase):

    def run_to_poweroff(self, m, timeout=30):
        ev = m.qmp.wait_event('SHUTDOWN', timeout=timeout)
        self.assertEqual(ev['data'], {'guest': True,
                                      'reason': 'guest-shutdown'})
        self.assertEqual(m.wait(10), 0)

    def check_simple_guest(self, image, banner, smp, kernel=False):
        m = self.guest(image, smp=smp, kernel=kernel)
        m.console.wait(re.escape(banner))
        m.console.wait(r'^tick \d+')
        m.console.wait(r'^done$', timeout=30)
        self.run_to_poweroff(m)

    def test_realmode(self):
        for smp in (1, 4):
            with self.subTest(smp=smp):
                self.check_simple_guest('realmode.bin', 'ferry: real mode',
                                        smp)

    def test_protmode_bios(self):
        for smp in (1, 4):
            with self.subTest(smp=smp):
                self.check_simple_guest('protmode.bin',
                                        'ferry: protected mode', smp)

    def test_protmode_multiboot(self):
        for smp in (1, 4):
            with self.subTest(smp=smp):
                m = self.guest('protmode.elf', kernel=True, mem='128',
                               smp=smp, args=['-append', 'hello multiboot'])
                m.console.wait('ferry: protected mode')
                self.assertEqual(
                    m.console.wait(r'^mem: (\d+) MiB').group(1), '128')
                # QEMU passes "FILE ARGS" as the Multiboot command line
                m.console.wait(r'^cmdline: \S*protmode\.elf hello '
                               r'multiboot$')
                m.console.wait('^done$', timeout=30)
                self.run_to_poweroff(m)

    def test_query_machines_lists_microvm(self):
        m = self.guest('reset.bin', mem='16', start=False)
        names = {i['name']: i for i in m.cmd_ok('query-machines')}
        self.assertIn('none', names)
        self.assertEqual(names['microvm']['default-ram-id'], 'microvm.ram')

    def check_longmode(self, image, smp, kernel):
        m = self.guest(image, smp=smp, kernel=kernel,
                       args=['-append', 'dirty=16'] if kernel else [])
        m.console.wait('ferry: long mode')
        self.assertEqual(m.console.wait(r'^mem: (\d+) MiB').group(1), '256')
        self.assertEqual(int(m.console.wait(r'^cpus: (\d+)').group(1)), smp)
        t = m.console.wait(r'^tick (\d+) pit=(\d+) lapic=(\d+)')
        t2 = m.console.wait(r'^tick (\d+) pit=(\d+) lapic=(\d+)')
        # both timers keep firing
        self.assertGreater(int(t2.group(2)), int(t.group(2)))
        self.assertGreater(int(t2.group(3)), int(t.group(3)))
        m.console.wait(r'^pass \d+ sum=', timeout=60)
        return m

    def test_longmode_bios(self):
        for smp in (1, 4):
            with self.subTest(smp=smp):
                m = self.check_longmode('longmode.bin', smp, kernel=False)
                m.shutdown()

    def test_longmode_multiboot(self):
        for smp in (1, 4):
            with self.subTest(smp=smp):
                m = self.check_longmode('longmode.elf', smp, kernel=True)
                m.shutdown()

    def test_longmode_passes_then_poweroff(self):
        m = self.guest('longmode.elf', smp=2, kernel=True,
                       args=['-append', 'dirty=16 passes=3'])
        sums = [m.console.wait(r'^pass %d sum=([0-9a-f]+)' % n).group(1)
                for n in (1, 2, 3)]
        # each pass adds one to every dirtied page: the sums grow evenly
        a, b, c = (int(x, 16) for x in sums)
        self.assertEqual(b - a, c - b)
        m.console.wait('^done$')
        self.run_to_poweroff(m)


class Runstate(GuestTestCase):

    def test_S_then_cont(self):
        m = self.guest('longmode.bin', start=False)
        self.assertEqual(m.cmd_ok('query-status'),
                         {'running': False, 'status': 'prelaunch'})
        self.assertTrue(m.console.quiet_for(0.5), 'guest ran before cont')
        self.assertOk(m.cmd('cont'))
        m.qmp.wait_event('RESUME')
        m.console.wait('ferry: long mode')
        self.assertEqual(m.cmd_ok('query-status')['status'], 'running')

    def test_stop_cont_pauses_heartbeat(self):
        m = self.guest('longmode.bin')
        m.console.wait(r'^tick ')
        self.assertOk(m.cmd('stop'))
        m.qmp.wait_event('STOP')
        # a line may have been in flight; then silence
        m.console.quiet_for(0.3)
        self.assertTrue(m.console.quiet_for(1.5), 'guest ran while stopped')
        self.assertEqual(m.cmd_ok('query-status'),
                         {'running': False, 'status': 'paused'})
        self.assertOk(m.cmd('cont'))
        m.qmp.wait_event('RESUME')
        m.console.wait(r'^tick ', timeout=5)

    def test_system_reset_restarts_guest(self):
        m = self.guest('longmode.bin', smp=2)
        m.console.wait(r'^tick ')
        self.assertOk(m.cmd('system_reset'))
        ev = m.qmp.wait_event('RESET')
        self.assertEqual(ev['data'], {'guest': False,
                                      'reason': 'host-qmp-system-reset'})
        m.console.wait('ferry: long mode')
        self.assertEqual(int(m.console.wait(r'^cpus: (\d+)').group(1)), 2)
        m.console.wait(r'^tick ')

    def test_guest_resets_through_i8042_and_cf9(self):
        m = self.guest('reset.bin', mem='16')
        for n in (1, 2, 3):
            m.console.wait('^boot %d$' % n)
        for _ in range(2):
            ev = m.qmp.wait_event('RESET')
            self.assertEqual(ev['data'], {'guest': True,
                                          'reason': 'guest-reset'})
        m.console.wait('^done$')
        ev = m.qmp.wait_event('SHUTDOWN')
        self.assertEqual(ev['data'], {'guest': True,
                                      'reason': 'guest-shutdown'})
        self.assertEqual(m.wait(10), 0)

    def test_no_reboot_guest_reset_exits(self):
        m = self.guest('reset.bin', mem='16', args=['-no-reboot'])
        m.console.wait('^boot 1$')
        ev = m.qmp.wait_event('SHUTDOWN')
        self.assertEqual(ev['data'], {'guest': True, 'reason': 'guest-reset'})
        self.assertEqual(m.wait(10), 0)
        self.assertNotIn('boot 2', m.console.lines)

    def test_no_reboot_turns_reset_into_shutdown(self):
        # QEMU: with -no-reboot every reset request shuts the VM down
        m = self.guest('longmode.bin', args=['-no-reboot'])
        m.console.wait('ferry: long mode')
        self.assertOk(m.cmd('system_reset'))
        ev = m.qmp.wait_event('SHUTDOWN')
        self.assertEqual(ev['data']['reason'], 'host-qmp-system-reset')
        self.assertEqual(m.wait(10), 0)

    def test_no_shutdown_stops_instead_of_exiting(self):
        m = self.guest('realmode.bin', args=['-no-shutdown'])
        m.console.wait('^done$', timeout=30)
        ev = m.qmp.wait_event('SHUTDOWN')
        self.assertEqual(ev['data'], {'guest': True,
                                      'reason': 'guest-shutdown'})
        m.qmp.wait_event('STOP')
        self.assertTrue(m.is_running())
        self.assertEqual(m.cmd_ok('query-status'),
                         {'running': False, 'status': 'shutdown'})
        self.assertError(m.cmd('cont'),
                         desc='Resetting the Virtual Machine is required')
        self.assertOk(m.cmd('system_reset'))
        self.assertOk(m.cmd('cont'))
        m.console.wait('ferry: real mode')


class Options(GuestTestCase):

    def boot_banner(self, args):
        from machine import run_binary
        res = run_binary(['-machine', 'microvm', '-nodefaults', '-display',
                          'none', '-serial', 'stdio', '-m', '16', '-bios',
                          guest_image('reset.bin')] + args)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn('boot 3\ndone\n', res.stdout)

    def test_accel_spellings(self):
        # QEMU's three ways to ask for KVM
        for args in (['-accel', 'kvm'], ['-enable-kvm'],
                     ['-machine', 'microvm,accel=kvm']):
            with self.subTest(args=args):
                self.boot_banner(args)

    def test_smp_topology(self):
        m = self.guest('longmode.bin', args=[],
                       smp='4,sockets=2,cores=2,threads=1')
        self.assertEqual(int(m.console.wait(r'^cpus: (\d+)').group(1)), 4)
        props = [c['props'] for c in m.cmd_ok('query-cpus-fast')]
        self.assertEqual([(p['socket-id'], p['core-id'], p['thread-id'])
                          for p in props],
                         [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 0)])

    def test_m_size_key_and_suffix(self):
        m = self.guest('longmode.bin', mem='size=1G')
        self.assertEqual(m.console.wait(r'^mem: (\d+) MiB').group(1), '1024')
        self.assertEqual(m.cmd_ok('query-kvm'),
                         {'enabled': True, 'present': True})


class Memory(GuestTestCase):

    def check_mem(self, args, mem='256'):
        m = self.guest('longmode.bin', mem=mem, args=args)
        self.assertEqual(m.console.wait(r'^mem: (\d+) MiB').group(1), mem)
        m.console.wait(r'^pass \d+ sum=', timeout=60)
        return m

    def test_default_ram(self):
        self.check_mem([], mem='512')

    def test_backend_ram(self):
        self.check_mem(['-object', 'memory-backend-ram,id=ram0,size=256M',
                        '-machine', 'memory-backend=ram0'])

    def test_backend_memfd_shared(self):
        m = self.check_mem(['-object',
                            'memory-backend-memfd,id=ram0,size=256M,share=on',
                            '-machine', 'memory-backend=ram0'])
        # the guest's RAM is a memfd mapping of the process
        with open('/proc/%d/maps' % m.pid) as f:
            maps = f.read()
        self.assertIn('/memfd:ram0', maps)

    def test_backend_file(self):
        path = self.tmp('guest-ram')
        self.check_mem(['-object', 'memory-backend-file,id=ram0,size=256M,'
                        'share=on,mem-path=%s' % path,
                        '-machine', 'memory-backend=ram0'])
        self.assertEqual(os.path.getsize(path), 256 << 20)

    def test_info_ramblock(self):
        m = self.guest('longmode.bin', mem='256')
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'info ramblock'})
        self.assertRegex(out, r'microvm\.ram\s+4 KiB\s+0x0+\s+0x0*10000000')


class MonitorViews(GuestTestCase):

    def test_info_registers_long_mode(self):
        m = self.guest('longmode.bin')
        m.console.wait(r'^tick ')
        self.assertOk(m.cmd('stop'))
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'info registers'})
        self.assertRegex(out, r'RAX=[0-9a-f]{16} RBX=[0-9a-f]{16}')
        efer = int(re.search(r'EFER=([0-9a-f]+)', out).group(1), 16)
        self.assertTrue(efer & 0x400, 'EFER.LMA clear: %s' % out)
        cr0 = int(re.search(r'CR0=([0-9a-f]+)', out).group(1), 16)
        self.assertEqual(cr0 & 0x80000001, 0x80000001)
        self.assertRegex(out, r'CS =0008 ')

    def test_xp_reads_guest_memory(self):
        m = self.guest('longmode.bin')
        m.console.wait(r'^pass 2 sum=', timeout=60)
        self.assertOk(m.cmd('stop'))
        # every dirtied page's first byte equals the pass count (mod 256)
        out = m.cmd_ok('human-monitor-command',
                       {'command-line': 'xp /2bx 0x100000'})
        vals = re.findall(r'0x([0-9a-f]{2})', out.split(':', 1)[1])
        self.assertEqual(len(vals), 2, out)
        self.assertGreaterEqual(int(vals[0], 16), 2)
        path = self.tmp('mem.bin')
        self.assertOk(m.cmd('pmemsave', val=0x100000, size=4096,
                            filename=path))
        with open(path, 'rb') as f:
            data = f.read()
        self.assertEqual(len(data), 4096)
        self.assertEqual(data[0], int(vals[0], 16))

    def test_x_and_memsave_use_page_tables(self):
        m = self.guest('longmode.bin')
        m.console.wait(r'^pass \d+ sum=', timeout=60)
        self.assertOk(m.cmd('stop'))
        # the guest identity-maps RAM: virtual and physical views agree
        xp = m.cmd_ok('human-monitor-command',
                      {'command-line': 'xp /4wx 0x200000'})
        x = m.cmd_ok('human-monitor-command',
                     {'command-line': 'x /4wx 0x200000'})
        self.assertEqual(x, xp)
        self.assertRegex(x, r'^0000000000200000: 0x[0-9a-f]{8} 0x[0-9a-f]{8}'
                            r' 0x[0-9a-f]{8} 0x[0-9a-f]{8}\r\n$')
        vpath, ppath = self.tmp('v.bin'), self.tmp('p.bin')
        self.assertOk(m.cmd('memsave', val=0x200000, size=8192,
                            filename=vpath))
        self.assertOk(m.cmd('pmemsave', val=0x200000, size=8192,
                            filename=ppath))
        with open(vpath, 'rb') as f1, open(ppath, 'rb') as f2:
            self.assertEqual(f1.read(), f2.read())
        # an address the page tables do not map
        self.assertError(m.cmd('memsave', val=0x7fff00000000, size=16,
                               filename=vpath),
                         desc='Invalid addr 0x00007fff00000000/size 16 '
                              'specified')

    def test_pmemsave_across_holes(self):
        # QEMU's pmemsave never fails on unassigned memory: it reads as ones
        m = self.guest('longmode.bin')
        m.console.wait(r'^tick ')
        path = self.tmp('low.bin')
        self.assertOk(m.cmd('pmemsave', val=0, size=0x200000, filename=path))
        with open(path, 'rb') as f:
            data = f.read()
        self.assertEqual(len(data), 0x200000)
        self.assertEqual(set(data[0xa0000:0xe0000]), {0xff})
        # the BIOS alias ends at 1 MiB with the image's reset vector
        with open(guest_image('longmode.bin'), 'rb') as f:
            bios = f.read()
        self.assertEqual(data[0x100000 - 16:0x100000], bios[-16:])

    def test_query_cpus_fast_threads(self):
        m = self.guest('longmode.bin', smp=4)
        m.console.wait(r'^cpus: 4')
        cpus = m.cmd_ok('query-cpus-fast')
        self.assertEqual([c['cpu-index'] for c in cpus], [0, 1, 2, 3])
        tasks = set(int(t) for t in os.listdir('/proc/%d/task' % m.pid))
        for c in cpus:
            self.assertIn(c['thread-id'], tasks)
            self.assertEqual(c['target'], 'x86_64')
        out = m.cmd_ok('human-monitor-command', {'command-line': 'info cpus'})
        self.assertRegex(out, r'\* CPU #0: thread_id=\d+')
        self.assertEqual(len(out.strip().splitlines()), 4)


class BadInput(GuestTestCase):

    def test_kvm_missing(self):
        # /dev/kvm hidden in a private mount namespace: a clear error naming
        # it, exit 1 (needs root, as CI and these machines are)
        import shutil
        import subprocess
        from machine import binary_path
        if os.geteuid() != 0 or not shutil.which('unshare'):
            self.skipTest('needs root and unshare to hide /dev/kvm')
        res = subprocess.run(
            ['unshare', '-m', 'sh', '-c',
             'mount --bind /dev/null /dev/kvm && exec "$@"', 'sh',
             binary_path(), '-machine', 'microvm', '-accel', 'kvm',
             '-nodefaults', '-display', 'none', '-bios',
             guest_image('longmode.bin')],
            capture_output=True, text=True, timeout=20)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn('kvm', res.stderr)
        self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)

    def test_tcg_refused(self):
        from machine import run_binary
        res = run_binary(['-machine', 'microvm', '-accel', 'tcg',
                          '-nodefaults', '-display', 'none', '-bios',
                          guest_image('longmode.bin')])
        self.assertEqual(res.returncode, 1)
        self.assertIn("accelerator 'tcg' is not available", res.stderr)

    def start_err(self, args):
        from machine import run_binary
        res = run_binary(['-machine', 'microvm', '-accel', 'kvm', '-cpu',
                          'host,-arch-capabilities', '-nodefaults',
                          '-display', 'none'] + args)
        self.assertEqual(res.returncode, 1, res.stderr)
        return res.stderr

    def test_no_firmware(self):
        err = self.start_err([])
        self.assertIn('no firmware', err)
        self.assertIn('-bios FILE', err)
        self.assertIn('-kernel FILE', err)

    def test_unloadable_kernel(self):
        path = self.tmp('junk')
        with open(path, 'wb') as f:
            f.write(b'\0' * 100000)
        err = self.start_err(['-kernel', path])
        self.assertIn(path, err)
        self.assertIn('Multiboot', err)

    def test_bad_bios_size(self):
        path = self.tmp('bios')
        with open(path, 'wb') as f:
            f.write(b'\xf4' * 1000)
        self.assertIn('64 KiB', self.start_err(['-bios', path]))

    def test_missing_bios(self):
        self.assertIn('/nonexistent/bios.bin',
                      self.start_err(['-bios', '/nonexistent/bios.bin']))

    def test_ram_too_large(self):
        err = self.start_err(['-m', '64T', '-bios',
                              guest_image('longmode.bin')])
        self.assertIn('-m 64T', err)

    def test_smp_zero(self):
        err = self.start_err(['-smp', '0', '-bios',
                              guest_image('longmode.bin')])
        self.assertIn('Invalid CPU topology: CPU topology parameters must be '
                      'greater than zero', err)

    def test_unknown_cpu_feature(self):
        from machine import run_binary
        res = run_binary(['-machine', 'microvm', '-accel', 'kvm', '-cpu',
                          'host,+no-such-feature', '-nodefaults', '-display',
                          'none', '-bios', guest_image('longmode.bin')])
        self.assertEqual(res.returncode, 1)
        self.assertIn('no-such-feature', res.stderr)


if __name__ == '__main__':
    unittest.main()
