# SPDX-License-Identifier: GPL-2.0-or-later
"""QMP protocol and commands as a management stack sees them: greeting,
negotiation, id echo, error replies (the monitor keeps answering), input
limits, disconnects, two monitors, and each command Ferry implements."""

import json
import os
import socket
import threading
import time
import unittest

from machine import FerryTestCase

# Every command Ferry's monitor must offer (query-commands and schema).
COMMANDS = [
    'qmp_capabilities', 'query-version', 'query-commands',
    'query-qmp-schema', 'query-status', 'query-name', 'query-uuid',
    'query-target', 'query-kvm', 'query-machines', 'query-accelerators',
    'query-chardev', 'query-chardev-backends', 'chardev-add',
    'chardev-remove', 'ringbuf-write', 'ringbuf-read', 'stop', 'cont',
    'quit', 'human-monitor-command', 'getfd', 'closefd', 'add-fd',
    'remove-fd', 'query-fdsets',
]
HUGE_MB = int(os.environ.get('FERRY_QMP_HUGE_MB', '70'))


class Greeting(FerryTestCase):

    def test_greeting_shape(self):
        m = self.machine(launch=False)
        m.launch(negotiate=False)
        greeting = m.qmp.greeting
        self.assertEqual(set(greeting), {'QMP'})
        qmp = greeting['QMP']
        self.assertEqual(set(qmp), {'version', 'capabilities'})
        ver = qmp['version']
        self.assertEqual(set(ver), {'qemu', 'package'})
        self.assertIsInstance(ver['package'], str)
        self.assertEqual(set(ver['qemu']), {'major', 'minor', 'micro'})
        for v in ver['qemu'].values():
            self.assertIsInstance(v, int)
        # QEMU 7.2 differs: it reports 7.2.x; Ferry claims current QEMU.
        self.assertGreaterEqual((ver['qemu']['major'], ver['qemu']['minor']),
                                (10, 2))
        # a socket monitor offers out-of-band execution
        self.assertEqual(qmp['capabilities'], ['oob'])

    def test_version_matches_greeting(self):
        m = self.machine(launch=False)
        m.launch(negotiate=False)
        greeting = m.qmp.greeting['QMP']['version']
        m.qmp.negotiate()
        self.assertEqual(m.cmd_ok('query-version'), greeting)

    def test_command_before_negotiation(self):
        m = self.machine(launch=False)
        m.launch(negotiate=False)
        self.assertError(m.cmd('query-status'), 'CommandNotFound',
                         "Expecting capabilities negotiation with "
                         "'qmp_capabilities'")
        m.qmp.negotiate()
        self.assertOk(m.cmd('query-status'))

    def test_second_negotiation(self):
        m = self.machine()
        self.assertError(m.cmd('qmp_capabilities'), 'CommandNotFound',
                         'Capabilities negotiation is already complete, '
                         'command ignored')
        self.assertOk(m.cmd('query-status'))

    def test_negotiate_unknown_capability(self):
        m = self.machine(launch=False)
        m.launch(negotiate=False)
        reply = m.cmd('qmp_capabilities', enable=['bogus'])
        self.assertError(reply)
        m.qmp.negotiate()
        self.assertOk(m.cmd('query-status'))

    def test_negotiate_oob(self):
        m = self.machine(launch=False)
        m.launch(negotiate=False)
        self.assertEqual(m.cmd('qmp_capabilities', enable=['oob'])['return'],
                         {})

    def test_new_connection_negotiates_again(self):
        m = self.machine()
        m.qmp.close()
        m._qmp = m.new_qmp(negotiate=False)
        self.assertError(m.cmd('query-name'), 'CommandNotFound')
        m.qmp.negotiate()
        self.assertOk(m.cmd('query-name'))


class Errors(FerryTestCase):
    """Bad input gets an error reply; the monitor keeps answering."""

    def setUp(self):
        super().setUp()
        self.m = self.machine()
        self.q = self.m.qmp

    def assertAlive(self):
        self.assertEqual(self.q.cmd('query-name')['return'], {})

    def test_id_echo_any_type(self):
        for ident in ['text', 42, 1.5, True, None, [1, 'two', {'x': []}],
                      {'nested': {'a': [1, 2]}}]:
            raw = ('{"execute": "query-name", "id": %s}\n'
                   % json.dumps(ident))
            reply = self.q.cmd_raw(raw)
            self.assertEqual(reply, {'return': {}, 'id': ident})

    def test_id_echo_on_error(self):
        reply = self.q.cmd_raw('{"execute": "no-such", "id": [7]}\n')
        self.assertEqual(reply['id'], [7])
        self.assertError(reply, 'CommandNotFound',
                         'The command no-such has not been found')

    def test_malformed_json(self):
        reply = self.q.cmd_raw(b'{"execute": }\n')
        self.assertError(reply)
        self.assertTrue(reply['error']['desc'].startswith(
            'JSON parse error'), reply)
        self.assertNotIn('id', reply)
        self.assertAlive()

    def test_single_quotes_accepted(self):
        reply = self.q.cmd_raw(b"{'execute': 'query-name', 'id': 'sq'}\n")
        self.assertEqual(reply, {'return': {}, 'id': 'sq'})

    def test_non_object(self):
        for raw in (b'[1, 2]\n', b'"text"\n', b'42\n'):
            reply = self.q.cmd_raw(raw)
            self.assertError(reply, desc='QMP input must be a JSON object')
        self.assertAlive()

    def test_missing_execute(self):
        self.assertError(self.q.cmd_raw(b'{"arguments": {}}\n'),
                         desc="QMP input lacks member 'execute'")
        self.assertAlive()

    def test_execute_not_string(self):
        self.assertError(self.q.cmd_raw(b'{"execute": 1}\n'),
                         desc="QMP input member 'execute' must be a string")

    def test_unexpected_member(self):
        self.assertError(
            self.q.cmd_raw(b'{"execute": "query-name", "foo": 1}\n'),
            desc="QMP input member 'foo' is unexpected")

    def test_arguments_not_object(self):
        self.assertError(
            self.q.cmd_raw(b'{"execute": "query-name", "arguments": []}\n'),
            desc="QMP input member 'arguments' must be an object")

    def test_unknown_command(self):
        self.assertError(self.q.cmd('no-such-command'), 'CommandNotFound',
                         'The command no-such-command has not been found')
        self.assertAlive()

    def test_missing_argument(self):
        self.assertError(self.q.cmd('closefd'),
                         desc="Parameter 'fdname' is missing")
        self.assertAlive()

    def test_extra_argument(self):
        self.assertError(self.q.cmd('closefd', fdname='x', bogus=1),
                         desc="Parameter 'bogus' is unexpected")
        self.assertError(self.q.cmd('query-name', bogus=1),
                         desc="Parameter 'bogus' is unexpected")
        self.assertAlive()

    def test_mistyped_argument(self):
        self.assertError(self.q.cmd('closefd', fdname=5),
                         desc="Invalid parameter type for 'fdname', "
                              "expected: string")
        self.assertAlive()

    def test_deep_nesting(self):
        reply = self.q.cmd_raw(b'[' * 2000 + b']' * 2000 + b'\n')
        self.assertError(reply, desc='JSON nesting depth limit exceeded')
        self.assertAlive()

    def test_huge_string(self):
        # QEMU refuses a token over 64 MiB.  (QEMU 7.2 reads QMP input one
        # byte per main-loop iteration: 70 MB take it about 7 minutes.)
        blob = (b'{"execute": "query-name", "id": "'
                + b'a' * (HUGE_MB << 20) + b'"}\n')
        sender = threading.Thread(target=self.q.send_raw, args=(blob,),
                                  daemon=True)
        sender.start()
        reply = self.q.recv_reply(timeout=600)
        sender.join(600)
        self.assertFalse('return' in reply, 'huge command was accepted')
        self.assertError(reply, desc='JSON token size limit exceeded')
        self.assertAlive()

    def test_control_char_resets_parser(self):
        # the discarded junk may earn a parse error (no id) first
        self.q.send_raw(b'{"execute": "query-na')
        self.q.send_raw(b'\x1b{"execute": "query-name", "id": 3}\n')
        reply = self.q.recv_reply(msg_id=3)
        self.assertEqual(reply, {'return': {}, 'id': 3})


class Connections(FerryTestCase):

    def test_disconnect_mid_command(self):
        m = self.machine()
        m.qmp.close()
        m._qmp = None
        half = m.new_qmp()
        half.send_raw(b'{"execute": "query-sta')
        half.close()
        fresh = m.new_qmp()
        self.assertEqual(fresh.cmd('query-name')['return'], {})
        m._qmp = fresh

    def test_abrupt_disconnects_repeatedly(self):
        m = self.machine()
        m.qmp.close()
        m._qmp = None
        for _ in range(5):
            c = m.new_qmp(negotiate=False)
            c.send_raw(b'{"execute": "qmp_capabilities"}\n{"execute": "st')
            c.close()
        m._qmp = m.new_qmp()
        self.assertOk(m.cmd('query-status'))

    def test_two_monitors(self):
        second = self.tmp('second.sock')
        m = self.machine(['-qmp', 'unix:%s,server=on,wait=off' % second])
        other = m.new_qmp(path=second)
        self.addCleanup(other.close)
        self.assertOk(m.cmd('query-status'))
        self.assertOk(other.cmd('query-status'))
        self.assertOk(other.cmd('stop'))
        for client in (m.qmp, other):
            ev = client.wait_event('STOP')
            self.assertEqual(ev['event'], 'STOP')
        self.assertOk(m.cmd('cont'))
        for client in (m.qmp, other):
            client.wait_event('RESUME')
        self.assertTrue(other.cmd('query-status')['return']['running'])


class Commands(FerryTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.machine()

    def test_query_version(self):
        ver = self.m.cmd_ok('query-version')
        self.assertEqual(set(ver), {'qemu', 'package'})
        self.assertEqual(set(ver['qemu']), {'major', 'minor', 'micro'})

    def test_query_commands(self):
        names = [c['name'] for c in self.m.cmd_ok('query-commands')]
        self.assertEqual(len(names), len(set(names)))
        # QEMU 7.2 differs: it has no query-accelerators (added in 10.2)
        missing = [c for c in COMMANDS if c not in names]
        self.assertEqual(missing, [])

    def test_query_qmp_schema(self):
        schema = self.m.cmd_ok('query-qmp-schema')
        by_name = {}
        for entry in schema:
            self.assertIn('name', entry)
            self.assertIn(entry['meta-type'],
                          ('builtin', 'enum', 'array', 'object', 'alternate',
                           'command', 'event'))
            by_name[entry['name']] = entry
        commands = {e['name']: e for e in schema
                    if e['meta-type'] == 'command'}
        # QEMU 7.2 differs: it has no query-accelerators
        self.assertEqual([c for c in COMMANDS if c not in commands], [])
        for name, cmd in commands.items():
            self.assertIn(cmd['arg-type'], by_name, name)
            self.assertIn(cmd['ret-type'], by_name, name)
        for entry in schema:
            if entry['meta-type'] == 'event':
                self.assertIn(entry['arg-type'], by_name)
            elif entry['meta-type'] == 'array':
                self.assertIn(entry['element-type'], by_name)
            elif entry['meta-type'] == 'object':
                for member in entry['members']:
                    self.assertIn(member['type'], by_name)
        # getfd takes a string 'fdname'
        args = by_name[commands['getfd']['arg-type']]
        member = [m for m in args['members'] if m['name'] == 'fdname'][0]
        self.assertEqual(by_name[member['type']]['json-type'], 'string')
        events = {e['name'] for e in schema if e['meta-type'] == 'event'}
        self.assertTrue({'STOP', 'RESUME', 'SHUTDOWN'} <= events)

    def test_query_status(self):
        # QEMU 7.2 differs: it also returns "singlestep"
        self.assertEqual(self.m.cmd_ok('query-status'),
                         {'running': True, 'status': 'running'})

    def test_query_target(self):
        self.assertEqual(self.m.cmd_ok('query-target')['arch'], 'x86_64')

    def test_query_kvm(self):
        kvm = self.m.cmd_ok('query-kvm')
        self.assertEqual(set(kvm), {'enabled', 'present'})
        self.assertIsInstance(kvm['enabled'], bool)
        self.assertIsInstance(kvm['present'], bool)

    def test_query_machines(self):
        machines = self.m.cmd_ok('query-machines')
        none = [x for x in machines if x['name'] == 'none']
        self.assertEqual(len(none), 1)
        for key in ('cpu-max', 'hotpluggable-cpus', 'deprecated'):
            self.assertIn(key, none[0])

    def test_query_accelerators(self):
        # QEMU 7.2 differs: query-accelerators is new in 10.2
        acc = self.m.cmd_ok('query-accelerators')
        self.assertEqual(set(acc), {'enabled', 'present'})
        self.assertIn(acc['enabled'], acc['present'])
        self.assertTrue(set(acc['present']) <= {'kvm', 'tcg', 'qtest',
                                                'xen', 'hvf', 'whpx', 'nvmm',
                                                'mshv'})

    def test_query_chardev(self):
        chardevs = self.m.cmd_ok('query-chardev')
        mon = [c for c in chardevs if c['label'] == 'mon0']
        self.assertEqual(len(mon), 1, chardevs)
        self.assertTrue(mon[0]['frontend-open'])
        self.assertIsInstance(mon[0]['filename'], str)

    def test_query_chardev_backends(self):
        names = {b['name'] for b in self.m.cmd_ok('query-chardev-backends')}
        self.assertTrue({'socket', 'file', 'null', 'ringbuf', 'pty'} <= names,
                        names)

    def test_stop_cont_events(self):
        before = time.time()
        self.assertEqual(self.m.cmd_ok('stop'), {})
        ev = self.m.qmp.wait_event('STOP')
        ts = ev['timestamp']
        self.assertEqual(set(ts), {'seconds', 'microseconds'})
        self.assertLessEqual(abs(ts['seconds'] - before), 5)
        self.assertTrue(0 <= ts['microseconds'] < 1000000)
        self.assertNotIn('data', ev)
        st = self.m.cmd_ok('query-status')
        self.assertEqual((st['running'], st['status']), (False, 'paused'))
        self.assertEqual(self.m.cmd_ok('cont'), {})
        self.m.qmp.wait_event('RESUME')
        st = self.m.cmd_ok('query-status')
        self.assertEqual((st['running'], st['status']), (True, 'running'))

    def test_quit(self):
        self.assertEqual(self.m.cmd_ok('quit'), {})
        ev = self.m.qmp.wait_event('SHUTDOWN')
        self.assertEqual(ev['data'], {'guest': False,
                                      'reason': 'host-qmp-quit'})
        self.assertEqual(self.m.wait(10), 0)

    def test_human_monitor_command(self):
        out = self.m.cmd_ok('human-monitor-command',
                            {'command-line': 'info status'})
        self.assertEqual(out.replace('\r', ''), 'VM status: running\n')
        out = self.m.cmd_ok('human-monitor-command',
                            {'command-line': 'no-such-cmd'})
        self.assertIn("unknown command: 'no-such-cmd'", out)


class ChardevCommands(FerryTestCase):

    def setUp(self):
        super().setUp()
        self.m = self.machine()

    def add(self, cid, btype, data=None):
        return self.m.cmd('chardev-add', id=cid,
                          backend={'type': btype, 'data': data or {}})

    def labels(self):
        return {c['label']: c for c in self.m.cmd_ok('query-chardev')}

    def test_add_remove_null(self):
        self.assertEqual(self.assertOk(self.add('n0', 'null')), {})
        self.assertIn('n0', self.labels())
        self.assertEqual(self.m.cmd_ok('chardev-remove', id='n0'), {})
        self.assertNotIn('n0', self.labels())

    def test_add_duplicate(self):
        self.assertOk(self.add('n0', 'null'))
        self.assertError(self.add('n0', 'null'),
                         desc="Chardev with id 'n0' already exists")
        self.assertError(self.add('mon0', 'null'),
                         desc="Chardev with id 'mon0' already exists")

    def test_add_unknown_backend(self):
        self.assertError(self.add('x0', 'frobnicator'),
                         desc="Parameter 'type' does not accept value "
                              "'frobnicator'")

    def test_add_missing_member(self):
        self.assertError(self.add('f0', 'file'),
                         desc="Parameter 'backend.data.out' is missing")

    def test_add_file(self):
        path = self.tmp('out.txt')
        self.assertOk(self.add('f0', 'file', {'out': path}))
        self.assertTrue(os.path.exists(path))
        self.assertOk(self.m.cmd('chardev-remove', id='f0'))

    def test_add_file_bad_path(self):
        # chardev file backends open with qemu_open_old() and report
        # through error_setg_file_open(): "Could not open", even with O_CREAT
        self.assertError(self.add('f0', 'file', {'out': '/nonexistent/x'}),
                         desc="Failed to add chardev 'f0': Could not open "
                              "'/nonexistent/x': No such file or directory")

    def test_add_pty(self):
        ret = self.assertOk(self.add('p0', 'pty'))
        self.assertTrue(ret['pty'].startswith('/dev/pts/'), ret)
        self.assertTrue(os.path.exists(ret['pty']))
        self.assertEqual(self.labels()['p0']['filename'], 'pty:' + ret['pty'])

    def test_add_socket_server(self):
        path = self.tmp('s0')
        self.assertOk(self.add('s0', 'socket', {
            'addr': {'type': 'unix', 'data': {'path': path}},
            'server': True, 'wait': False}))
        c = socket.socket(socket.AF_UNIX)
        self.addCleanup(c.close)
        c.connect(path)
        self.assertOk(self.m.cmd('chardev-remove', id='s0'))

    def test_add_socket_client_refused(self):
        reply = self.add('s1', 'socket', {
            'addr': {'type': 'unix', 'data': {'path': self.tmp('nope')}},
            'server': False})
        self.assertError(reply)
        self.assertIn("Failed to add chardev 's1'", reply['error']['desc'])
        self.assertNotIn('s1', self.labels())

    def test_add_tls_refused(self):
        reply = self.add('t0', 'socket', {
            'addr': {'type': 'unix', 'data': {'path': self.tmp('t0')}},
            'server': True, 'wait': False, 'tls-creds': 'tls0'})
        self.assertError(reply)
        self.assertNotIn('t0', self.labels())

    def test_remove_unknown(self):
        self.assertError(self.m.cmd('chardev-remove', id='nosuch'),
                         desc="Chardev 'nosuch' not found")

    def test_remove_busy(self):
        self.assertError(self.m.cmd('chardev-remove', id='mon0'),
                         desc="Chardev 'mon0' is busy")
        self.assertOk(self.m.cmd('query-status'))

    def test_ringbuf(self):
        self.assertOk(self.add('rb', 'ringbuf', {'size': 1024}))
        self.assertOk(self.m.cmd('ringbuf-write', device='rb', data='hello'))
        self.assertEqual(self.m.cmd_ok('ringbuf-read', device='rb', size=3),
                         'hel')
        self.assertEqual(self.m.cmd_ok('ringbuf-read', device='rb',
                                       size=100), 'lo')
        self.assertEqual(self.m.cmd_ok('ringbuf-read', device='rb',
                                       size=100), '')
        self.assertOk(self.m.cmd('ringbuf-write', device='rb', data='aGk=',
                                 format='base64'))
        self.assertEqual(self.m.cmd_ok('ringbuf-read', device='rb', size=10,
                                       format='base64'), 'aGk=')

    def test_ringbuf_overwrites_oldest(self):
        self.assertOk(self.add('rb', 'ringbuf', {'size': 4}))
        self.assertOk(self.m.cmd('ringbuf-write', device='rb',
                                 data='abcdef'))
        self.assertEqual(self.m.cmd_ok('ringbuf-read', device='rb', size=10),
                         'cdef')

    def test_ringbuf_errors(self):
        self.assertError(self.add('rb', 'ringbuf', {'size': 1000}),
                         desc="Failed to add chardev 'rb': size of ringbuf "
                              "chardev must be power of two")
        self.assertOk(self.add('n0', 'null'))
        self.assertError(self.m.cmd('ringbuf-read', device='nosuch', size=1),
                         desc="Device 'nosuch' not found")
        self.assertError(self.m.cmd('ringbuf-read', device='n0', size=1),
                         desc='n0 is not a ringbuf device')
        self.assertError(self.m.cmd('ringbuf-write', device='n0', data='x'),
                         desc='n0 is not a ringbuf device')
        self.assertOk(self.add('rb', 'ringbuf', {'size': 16}))
        self.assertError(self.m.cmd('ringbuf-read', device='rb', size=-1),
                         desc='size must be greater than zero')


if __name__ == '__main__':
    unittest.main()
