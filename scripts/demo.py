#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's first command: start Ferry as a management app would and
play a short QMP session, printing each exchange.

The app creates the listening socket itself, lets Ferry inherit it
(-chardev socket,fd=N), connects once, negotiates, then passes a file
descriptor with getfd and another into an fd set with add-fd, both over
SCM_RIGHTS."""
import json
import os
import socket
import subprocess
import sys
import tempfile


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/ferry-system-x86_64"
    tmp = tempfile.mkdtemp(prefix="ferry-demo-")
    path = os.path.join(tmp, "qmp.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    fd = listener.fileno()
    argv = [binary, "-machine", "none", "-nodefaults", "-display", "none",
            "-name", "demo",
            "-chardev", f"socket,fd={fd},server=on,wait=off,id=mon0",
            "-mon", "chardev=mon0,mode=control"]
    print("$ " + " ".join(argv))
    proc = subprocess.Popen(argv, pass_fds=[fd])
    listener.close()

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    rfile = sock.makefile("rb")

    def recv():
        line = rfile.readline()
        if not line:
            raise SystemExit("demo: Ferry closed the connection")
        print("<- " + line.decode().rstrip())
        return json.loads(line)

    def send(cmd, fds=()):
        text = json.dumps(cmd)
        print("-> " + text + (f"   [with fd {list(fds)} over SCM_RIGHTS]"
                               if fds else ""))
        socket.send_fds(sock, [text.encode() + b"\n"], list(fds))
        while True:
            msg = recv()
            if "event" not in msg:
                return msg

    recv()                                        # greeting
    send({"execute": "qmp_capabilities"})
    send({"execute": "query-version"})
    send({"execute": "query-status"})
    with open(os.path.join(tmp, "data.txt"), "w+") as f1, \
         open(os.path.join(tmp, "log.txt"), "w+") as f2:
        send({"execute": "getfd", "arguments": {"fdname": "disk0"}},
             [f1.fileno()])
        send({"execute": "add-fd", "arguments": {"fdset-id": 1,
                                                 "opaque": "log file"}},
             [f2.fileno()])
    send({"execute": "query-fdsets"})
    send({"execute": "closefd", "arguments": {"fdname": "disk0"}})
    send({"execute": "human-monitor-command",
          "arguments": {"command-line": "info status"}})
    send({"execute": "quit"})
    try:
        recv()                                    # SHUTDOWN event
    except (SystemExit, OSError):
        pass
    rc = proc.wait(timeout=10)
    print(f"Ferry exited with status {rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
