# SPDX-License-Identifier: GPL-2.0
"""One QEMU instance under gdb: started stopped with its gdbstub and
monitor, continued with a timeout or until a watcher says stop, its
console read back, killed. boot() makes the new instance the active one,
the one the stepping helpers (hart.py) resume."""

import os
import signal
import socket
import subprocess
import threading
import time

import gdb

from config import OUT, QEMU
from gdbio import log

_active = None


def boot(idx):
    """Start guest number idx and make it the active one."""
    global _active
    _active = Guest(idx)
    return _active


def active():
    return _active


class Guest:
    def __init__(self, idx):
        self.idx = idx
        self.console = os.path.join(OUT, "console-%03d.log" % idx)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.mon = os.path.join(OUT, "monitor.sock")
        if os.path.exists(self.mon):
            os.unlink(self.mon)
        self.fh = open(self.console, "wb")
        self.proc = subprocess.Popen(
            ["bash", "-c", "exec %s -S -gdb tcp:127.0.0.1:%d -monitor unix:%s,server=on,wait=off"
             % (QEMU, self.port, self.mon)],
            stdin=subprocess.DEVNULL, stdout=self.fh, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.timer = None
        self.timed_out = False
        self.victim_up = False
        self.victim_thread = None
        for _ in range(100):
            try:
                gdb.execute("target remote 127.0.0.1:%d" % self.port, to_string=True)
                break
            except gdb.error:
                time.sleep(0.1)
        else:
            raise RuntimeError("cannot connect to QEMU's gdbstub")
        gdb.execute("set scheduler-locking off", to_string=True)

    def alive(self):
        return self.proc.poll() is None

    def cont(self, timeout):
        """Continue (the harts scheduler-locking lets run) until a stop;
        False on timeout or exit."""
        self.timed_out = False

        def fire():
            self.timed_out = True
            self.pause()
        self.timer = threading.Timer(timeout, fire)
        self.timer.start()
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            pass
        finally:
            self.timer.cancel()
        return not self.timed_out and self.alive()

    def pause(self):
        """Pause the VM through the monitor: the gdbstub reports a stop."""
        try:
            c = socket.socket(socket.AF_UNIX)
            c.connect(self.mon)
            c.sendall(b"stop\n")
            time.sleep(0.2)
            c.close()
        except OSError:
            pass

    def cont_watch(self, watch, poll=0.25):
        """Continue all harts until watch() (called every poll seconds from
        another thread: no gdb calls in it) returns True; then pause the VM.
        False if the guest is gone."""
        stop = threading.Event()
        paused = []

        def loop():
            while not stop.wait(poll):
                if watch():
                    paused.append(1)
                    self.pause()
                    return
        th = threading.Thread(target=loop, daemon=True)
        th.start()
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            pass
        finally:
            stop.set()
            th.join()
        if not paused:
            # Not our stop: QEMU is on its way out (a panic with
            # panic=-1); do not take it for alive while it goes.
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        return self.alive()

    def console_text(self, start=0):
        self.fh.flush()
        with open(self.console, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", "replace").replace("\r", "")

    def console_size(self):
        self.fh.flush()
        return os.path.getsize(self.console)

    def close(self):
        try:
            gdb.execute("kill", to_string=True)
        except gdb.error:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        self.fh.close()


def close_active():
    """At the end of a run, whatever happened: no QEMU left behind."""
    if _active is not None and _active.alive():
        _active.close()


def run(main):
    """A gdb script's top level: main(), its failure said where repro.sh
    looks ("ERROR: ..."), and no QEMU left behind whatever happened."""
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report and fail the run
        log("ERROR: %s: %s" % (type(e).__name__, e))
        raise
    finally:
        close_active()
