#!/usr/bin/env python3
"""model-counters.py SOCKET OUT: read the QEMU model's counters while it runs.

Connects to the QMP socket of a QEMU started with the x-stale-tlb model
(lab/lib.sh qemu_cmd, QEMU=model), then once a second reads every hart's
x-stale-tlb-* properties and writes OUT (atomically): one line per counter,
"NAME TOTAL PER-HART...", plus "seconds N" (how long the guest ran). It ends
when QEMU does; the last sample is at most a second old.
"""
import json
import os
import socket
import sys
import time

COUNTERS = ("fills", "prefetch-fills", "matches", "hits", "fences",
            "drop-addr", "drop-asid", "drop-addr-asid", "drop-all",
            "evictions")


class QMP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.recv()                       # greeting
        self.cmd("qmp_capabilities")

    def recv(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        while True:
            msg = self.recv()
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise RuntimeError(msg["error"].get("desc", msg))
            # an event: ignore


def harts(qmp):
    out = []
    for soc in ("soc0", "soc1", "soc2", "soc3"):
        try:
            kids = qmp.cmd("qom-list", path="/machine/" + soc)
        except RuntimeError:
            continue
        out += ["/machine/%s/%s" % (soc, k["name"]) for k in kids
                if k["name"].startswith("harts[")]
    return sorted(out, key=lambda p: (p.split("/")[2], int(p.split("[")[1].rstrip("]"))))


def main():
    path, out = sys.argv[1], sys.argv[2]
    deadline = time.time() + 30
    while True:
        try:
            qmp = QMP(path)
            break
        except (FileNotFoundError, ConnectionRefusedError, EOFError):
            if time.time() > deadline:
                sys.exit("model-counters: no QMP socket at %s" % path)
            time.sleep(0.2)
    t0 = time.time()
    try:
        cpus = harts(qmp)
        while True:
            rows = []
            for c in COUNTERS:
                vals = [qmp.cmd("qom-get", path=h, property="x-stale-tlb-" + c) for h in cpus]
                rows.append("%s %d %s" % (c, sum(vals), " ".join(map(str, vals))))
            rows.append("seconds %d" % round(time.time() - t0))
            with open(out + ".tmp", "w") as f:
                f.write("\n".join(rows) + "\n")
            os.replace(out + ".tmp", out)
            time.sleep(1)
    except (EOFError, ConnectionResetError, BrokenPipeError):
        pass


if __name__ == "__main__":
    main()
