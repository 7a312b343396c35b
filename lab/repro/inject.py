# SPDX-License-Identifier: GPL-2.0
"""Deterministic stale-translation fault injection through QEMU's gdbstub.

Run by lab/repro.sh as
    gdb-multiarch -batch -nx -ex 'file VMLINUX' -x lab/repro/inject.py
with the environment:
    REPRO_OUT       directory for results (points.tsv, results.tsv, ktap.txt,
                    consoles)
    REPRO_QEMU      the QEMU command line (a bash string) without gdb options
    REPRO_ONLY      optional: comma-separated point ids or windows to run
    REPRO_LIST      optional: "1" to list the points and exit
    REPRO_AFTER     optional: "1" for the aftermath matrix (below)
    REPRO_ROUNDS    with REPRO_AFTER: victim/after rounds the guest's list
                    holds (lab/repro.sh generates it)

QEMU's TLB never caches an invalid PTE, so the fault the report describes
cannot happen by itself under QEMU. We make it happen: at an instruction I
that accesses the kernel stack, with the hart in S-mode, we
  1. set this CPU's bit in the kernel's new-mapping bitmap, as a fresh
     vmalloc mapping would;
  2. raise the trap a stale translation raises at I: sepc = I, scause = 13
     (load) or 15 (store/AMO/SC), stval = the effective address, sstatus
     SPP=1, SPIE=SIE, SIE=0; pc = stvec.
Then we single-step that hart (the others stay stopped) and judge whether
the kernel recovered: the bit was cleared and an sfence.vma executed, the
interrupted instruction ran again, and the interrupted context came out
exactly as it was (the outer trap's CSRs in pt_regs for entry points; the
privilege, pc, tp, sp and sscratch after the final sret for exit points).
The victim (guest/trapcheck) keeps checking every register after every trap;
anything it or the kernel prints after the injection is part of the verdict.

Windows (../shared/DESIGN.md):
  W1   exit to U-mode, after `csrw sscratch, tp`, before `csrw sepc`
  W1c  the same window, inside C code the exit path calls there
       (riscv_v_context_nesting_end with CONFIG_RISCV_ISA_V_PREEMPTIVE)
  W2   exit to U-mode, after `csrw sepc`, up to `sret`
  W2k  exit to S-mode, after `csrw sepc`, up to `sret` (sscratch is 0, but
       a plain retry loses sepc: the kernel would sret to the faulting load
       forever)
  W3   entry from U-mode, stack stores while sscratch holds the user's tp
  W4   entry from S-mode, stack stores while sscratch holds current
  K    the ordinary kernel path: sscratch is 0 and nothing live is lost
  W1-irq, W1c-irq  not a fault: an interrupt at the first W1 (W1c) point,
       standing for any other trap taken in the window (a WARN in
       riscv_v_context_nesting_end): it must return with sscratch intact
  SW   not a fault: __switch_to entered with this CPU's bit set. A kernel
       that fences a pending mapping there (R4) comes out of it with the
       bit clear after an sfence.vma ("fenced"), else "unfenced". Where
       the fence is gated by a mapping generation (the series), the next
       task is made newer than this hart's last switch fence first.
  SW-old  (gated kernels) the same with the next task made no newer than
       this hart's last switch fence: the switch must leave the bit set
       and not fence ("kept"), a fence is one the gate should have saved.
On a kernel that fences at task switch, W3 and W4 faults cannot happen:
the stack they store to was mapped before its task was switched in, and
the switch fenced. Their points are listed as "excluded" and not injected;
SW proves the fence. W3-tp is still injected there, and judged on the
canary alone ("no-write": the kernel did not write through the user's tp).
Controls:
  CTRL-stale    a stack store of kernel C code (sscratch 0): must recover
  CTRL-genuine  the same with this CPU's bit clear: a genuine fault, must Oops
  CTRL-refault  the same with the bit set, and once the kernel has fenced and
                retried, the retried access faults again (a fault the retry
                does not cure): must Oops, not loop (R6)

Aftermath (REPRO_AFTER=1): every fault point (not SW, not the -irq points,
not W3-tp, which is W3's first point again) is injected as a fault the
retry cannot cure (this CPU's bit clear), in the victim, with oops=panic
off. The guest's list is "victim-NN, after-NN" rounds: the victim
(trapcheck -x -p 1 -c LAST, never PID 1: one process on the last CPU)
runs until it is killed by a signal; after-NN (trapcheck -n after -w 1)
leaves the CPUs idle for a second, then works every hart for a few. init
runs on CPU 0 (lab.cpu=0) and the victim alone on the last CPU
(REPRO_VICTIM_CPU), so that once it died there, that CPU runs kernel
threads and idles on interrupts, with whatever state the Oops left, until
the after workload. (With busy siblings on the other CPUs as well, a
boot in 20 or so froze a CPU under gdb's thread-specific breakpoints.) S-context points: the victim is stopped in
lock-free kernel code (__clear_user, trapcheck -z), takes an interrupt
there, and the fault is injected on that interrupt's way in or out; an
Oops with a lock held can stop any kernel and is not what this judges.
After the injection:
  1. at the first switch away from the victim on its hart, sscratch must
     no longer hold the victim (the next task starts with sscratch 0, R2);
  2. the guest runs on until after-NN's result line (or trouble, or a
     timeout), and lab/repro/aftermath.py judges the console since the
     injection: "survive" (exactly one Oops, in the victim; the victim
     killed; no other kernel trouble; after-NN ok), else trouble, panic,
     hang, no-oops or after-failed. A survived point whose check 1 failed
     is "sscratch".
A survived point leaves the machine for the next round; anything else
costs a boot.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from asm import (after_store, call_targets, exit_windows, fences,  # noqa: E402
                 first_addr, is_csrw, last_addr, sp_access)
import aftermath as aftermath_verdict  # noqa: E402 - lab/repro/aftermath.py
from outcomes import switch_outcome  # noqa: E402

OUT = os.environ["REPRO_OUT"]
QEMU = os.environ.get("REPRO_QEMU", "")
ONLY = [s for s in os.environ.get("REPRO_ONLY", "").split(",") if s]
LIST_ONLY = os.environ.get("REPRO_LIST", "") == "1"
TRACE = os.environ.get("REPRO_TRACE", "") == "1"
COUNT = os.environ.get("REPRO_COUNT", "") == "1"
AFTER = os.environ.get("REPRO_AFTER", "") == "1"
ROUNDS = int(os.environ.get("REPRO_ROUNDS", "0") or 0)
# Aftermath: victims only on this CPU, which no other user task uses (init
# runs on CPU 0, lab.cpu=0): once the victim died there, that CPU idles on
# interrupts until the after workload, with whatever state the Oops left.
VICTIM_CPU = int(os.environ.get("REPRO_VICTIM_CPU", "-1") or -1)

SR_SIE = 1 << 1
SR_SPIE = 1 << 5
SR_SPP = 1 << 8
EXC_LOAD_PAGE_FAULT = 13
EXC_STORE_PAGE_FAULT = 15
IRQ_S_SOFT = 1

GATE_TIMEOUT = 40      # seconds to reach a point's gate
STEP_LIMIT = 600       # instructions stepped after an injection
SETTLE = 0.7           # seconds the guest runs on after a recovery
OOPS_TIMEOUT = 15      # seconds to wait for a non-recovered point's outcome
VICTIM_TIMEOUT = 20    # aftermath: seconds from the injection to the victim's end
AFTER_TIMEOUT = 40     # aftermath: seconds from the victim's end to after-NN's
GRACE = 2              # aftermath: seconds the console runs on after trouble

# Kernel trouble (lab/trouble.re, shared with lab/verdict.sh) and, after a
# recovery, the victim's complaints.
BAD_CONSOLE = re.compile(
    aftermath_verdict.TROUBLE + r"|killed by signal|expected 0x|not ok \d+|sp changed|exited with")


def log(msg):
    print("[repro] " + msg, flush=True)


def ev(expr):
    return gdb.parse_and_eval(expr)


def u64(v):
    return int(v) & 0xFFFFFFFFFFFFFFFF


def sym_addr(name):
    try:
        return u64(ev("(unsigned long)&%s" % name))
    except gdb.error:
        return None


def reg(name):
    return u64(gdb.selected_frame().read_register(name))


def setreg(name, val):
    gdb.execute("set $%s = %d" % (name, val), to_string=True)


def read64(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), "little")


def write64(addr, val):
    gdb.selected_inferior().write_memory(addr, val.to_bytes(8, "little"))


def offset(expr):
    return int(ev("(unsigned long)&(%s)" % expr))


# --------------------------------------------------------------------------
# Static facts about this vmlinux.

ARCH = gdb.selected_inferior().architecture()
HE = sym_addr("handle_exception")
RFE = sym_addr("ret_from_exception")
RFE_END = sym_addr("ret_from_exception_end")
BITMAP_SYM = "new_valid_map_cpus" if sym_addr("new_valid_map_cpus") else "new_vmalloc"
BITMAP = sym_addr(BITMAP_SYM)
OFF_COMM = offset("((struct task_struct *)0)->comm")
OFF_CPU = offset("((struct task_struct *)0)->thread_info.cpu")
OFF_KSP = offset("((struct task_struct *)0)->thread_info.kernel_sp")
OFF_PREEMPT = offset("((struct task_struct *)0)->thread_info.preempt_count")
# The switch fence gated by a mapping generation: the generation of each
# hart's last switch fence (an array indexed by cpu), and each task's
# stack_gen.
FENCED = sym_addr("new_valid_map_fenced") or sym_addr("new_vmalloc_fenced")
try:
    OFF_STACK_GEN = offset("((struct task_struct *)0)->thread_info.stack_gen")
except gdb.error:
    OFF_STACK_GEN = None
GATED = FENCED is not None and OFF_STACK_GEN is not None
PT_SIZE_ON_STACK = (int(ev("sizeof(struct pt_regs)")) + 15) & ~15
PT = {f: offset("((struct pt_regs *)0)->" + f)
      for f in ("epc", "sp", "tp", "status", "badaddr", "cause")}
FAULT_SYMS = {}
for s in ("handle_page_fault", "do_page_fault", "die", "panic", "make_task_dead"):
    a = sym_addr(s)
    if a:
        FAULT_SYMS[a] = s
WATCH = [s for s in ("die", "panic", "make_task_dead") if sym_addr(s)]
try:
    # The fixed kernels stash the user's tp in thread_info (R2).
    OFF_USER_TP = offset("((struct task_struct *)0)->thread_info.user_tp")
except gdb.error:
    OFF_USER_TP = None
NESTING_END = sym_addr("riscv_v_context_nesting_end")
SWITCH_TO = sym_addr("__switch_to")
ECALL_U = sym_addr("do_trap_ecall_u")
# The security probe's canary: the victim's process 0 uses its address as
# its tp (guest/repro.list). A text symbol, because /proc/kallsyms lists
# only text without CONFIG_KALLSYMS_ALL; sys_ni_syscall never runs in the
# lab's guest, and kernel text is writable without STRICT_KERNEL_RWX.
CANARY_SYM = "sys_ni_syscall"
CANARY = sym_addr(CANARY_SYM)
# Only the victim's children call sched_setaffinity: once it runs, the
# victim is up and user-context gates stop mostly on the victim.
VICTIM_UP = sym_addr("__riscv_sys_sched_setaffinity") or sym_addr("sched_setaffinity")


def disasm(start, end):
    return [(u64(i["addr"]), i["asm"].split("#")[0].strip().replace("\t", " "), i["length"])
            for i in ARCH.disassemble(start, end - 1)
            if u64(i["addr"]) < end]


def func_range(addr):
    """The [start, end) of the function holding addr, from its symbol."""
    blk = gdb.block_for_pc(addr)
    while blk is not None and blk.function is None:
        blk = blk.superblock
    if blk is not None:
        return u64(blk.start), u64(blk.end)
    return None


ENTRY = disasm(HE, RFE)
EXIT = disasm(RFE, RFE_END + 2)


# Entry: the outer trap's state is live until its tp is stored to pt_regs.
ENTRY_SAVED = after_store(ENTRY, PT["tp"])
# Exit: sscratch = tp for U returns; then sepc is written; then sret; a
# fault after `csrw sepc` restarts the restore from its load of sstatus.
_EXIT_MARKS = exit_windows(EXIT, PT["status"])
EXIT_SCRATCH = _EXIT_MARKS["scratch"]
EXIT_SEPC = _EXIT_MARKS["sepc"]
EXIT_SRET = _EXIT_MARKS["sret"]
EXIT_RESTORE = _EXIT_MARKS["restore"]


# __switch_to returns into the next task: its ret is where that task has
# not run yet. A kernel that fences there makes W3/W4 faults impossible.
SWITCH = disasm(*func_range(SWITCH_TO)) if SWITCH_TO else []
SWITCH_RET = first_addr(SWITCH, lambda a: a == "ret")
FENCES_AT_SWITCH = fences(SWITCH)


def symoff(a):
    try:
        s = gdb.execute("info symbol 0x%x" % a, to_string=True).split()
        if len(s) >= 3 and s[1] == "+":
            return "%s+%s" % (s[0], s[2])
        return s[0]
    except gdb.error:
        return "0x%x" % a


class Point:
    def __init__(self, pid, addr, asm, kind, off, ctx, window, gate, genuine=False, canary=False,
                 refault=False, irq=False):
        self.id = pid
        self.addr = addr
        self.asm = asm
        self.kind = kind
        self.off = off
        self.ctx = ctx          # "U" or "S": where the outer trap came from / returns to
        self.window = window
        self.gate = gate        # "entry", "exit", "ccode"
        self.genuine = genuine
        self.canary = canary
        self.refault = refault
        self.irq = irq
        self.where = symoff(addr)


def enumerate_points():
    pts = []
    n = 0

    def add(*a, **k):
        nonlocal n
        n += 1
        pts.append(Point("P%03d" % n, *a, **k))

    for a, asm, _ in ENTRY:
        acc = sp_access(asm)
        if not acc:
            continue
        if ENTRY_SAVED is not None and a < ENTRY_SAVED:
            add(a, asm, acc[0], acc[1], "U", "W3", "entry")
            add(a, asm, acc[0], acc[1], "S", "W4", "entry")
        else:
            add(a, asm, acc[0], acc[1], "U", "K", "entry")
    # Security probe (W3): the victim's tp holds the address of a kernel
    # canary; a kernel that takes the user's tp for its own writes there.
    first_w3 = next((p for p in pts if p.window == "W3"), None)
    if first_w3 is not None and CANARY:
        add(first_w3.addr, first_w3.asm, first_w3.kind, first_w3.off, "U", "W3-tp", "entry", canary=True)
    for a, asm, _ in EXIT:
        acc = sp_access(asm)
        if not acc:
            continue
        if EXIT_SCRATCH is None or a < EXIT_SCRATCH:
            add(a, asm, acc[0], acc[1], "U", "K", "exit")
            add(a, asm, acc[0], acc[1], "S", "K", "exit")
        elif EXIT_SEPC is not None and a > EXIT_SEPC:
            add(a, asm, acc[0], acc[1], "U", "W2", "exit")
            add(a, asm, acc[0], acc[1], "S", "W2k", "exit")
        else:
            add(a, asm, acc[0], acc[1], "U", "W1", "exit")
            add(a, asm, acc[0], acc[1], "S", "K", "exit")
    # C code inside the U-return window (CONFIG_RISCV_ISA_V_PREEMPTIVE).
    if NESTING_END is not None and EXIT_SCRATCH is not None:
        # Only a call after the sscratch write runs inside W1.
        called = NESTING_END in call_targets([i for i in EXIT if i[0] > EXIT_SCRATCH])
        if called:
            rng = func_range(NESTING_END)
            if rng:
                for a, asm, _ in disasm(*rng):
                    acc = sp_access(asm)
                    if acc:
                        add(a, asm, acc[0], acc[1], "U", "W1c", "exit")
    # Not a fault: an interrupt taken at the first W1 and W1c point stands for
    # any other trap taken in the window (R3: a WARN() in
    # riscv_v_context_nesting_end traps with ebreak and returns). It must come
    # back with sscratch, tp and sp as they were.
    for w in ("W1", "W1c"):
        first = next((p for p in pts if p.window == w), None)
        if first is not None:
            add(first.addr, first.asm, first.kind, first.off, "U", w + "-irq", "exit", irq=True)
    # Controls: the first stack store of a C syscall handler.
    if ECALL_U:
        rng = func_range(ECALL_U)
        for a, asm, _ in disasm(*rng) if rng else []:
            acc = sp_access(asm)
            if acc and acc[0] == "store":
                add(a, asm, acc[0], acc[1], "U", "CTRL-stale", "ccode")
                add(a, asm, acc[0], acc[1], "U", "CTRL-genuine", "ccode", genuine=True)
                add(a, asm, acc[0], acc[1], "U", "CTRL-refault", "ccode", refault=True)
                break
    if SWITCH_TO:
        add(SWITCH_TO, "(entry)", "none", 0, "S", "SW", "switch")
        if GATED:
            add(SWITCH_TO, "(entry)", "none", 0, "S", "SW-old", "switch")
    return pts


# --------------------------------------------------------------------------
# One QEMU instance under gdb.

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
        """Continue all harts until a stop; False on timeout or exit."""
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


def current_task():
    """current, whatever tp holds: sscratch has it where tp does not."""
    tp = reg("tp")
    # On the way back to user mode tp may already hold the user's value,
    # which can look like a kernel address; sscratch holds current there.
    if EXIT_SCRATCH is not None and EXIT_SCRATCH < stop_pc() <= RFE_END and reg("sscratch"):
        return reg("sscratch")
    if tp >> 63:
        return tp
    return reg("sscratch")


def comm(task):
    try:
        b = bytes(gdb.selected_inferior().read_memory(task + OFF_COMM, 16))
        return b.split(b"\0")[0].decode("ascii", "replace")
    except gdb.MemoryError:
        return "?"


# Aftermath, S-context points: kernel code the victim runs that holds no
# lock (trapcheck -z: read(2) of /dev/zero zeroes user memory here).
LOCK_FREE = "__clear_user"


def preempt_count(task):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(task + OFF_PREEMPT, 4)), "little")


def in_lock_free_code():
    """The victim runs LOCK_FREE kernel code with interrupts on and
    preempt_count 0: it holds no lock, so it can die there and the kernel
    run on. An Oops with a lock held (a spinlock, or the mmap or VMA lock
    of a page fault, which its own exit then waits for) can stop any
    kernel; that is not what the aftermath matrix judges."""
    return is_victim() and reg("sstatus") & SR_SIE and preempt_count(current_task()) == 0


def task_cpu(task):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(task + OFF_CPU, 4)), "little")


def is_victim():
    task = current_task()
    if comm(task) != "trapcheck":
        return False
    return VICTIM_CPU < 0 or task_cpu(task) == VICTIM_CPU


def stop_pc():
    return reg("pc")


def delete_breakpoints():
    gdb.execute("delete", to_string=True)


def hbreak(addr):
    """A hardware breakpoint; in the aftermath matrix, on the victim's hart
    alone once it is known (gdb resumes the others without asking us)."""
    thread = GUEST.victim_thread if AFTER and GUEST is not None else None
    gdb.execute("hbreak *0x%x%s" % (addr, " thread %d" % thread if thread else ""), to_string=True)


def harts():
    """Where each hart is, for a detail: thread, pc, current task."""
    sel = gdb.selected_thread()
    out = []
    try:
        for t in gdb.selected_inferior().threads():
            t.switch()
            try:
                task = reg("sscratch") if reg("priv") == 0 else current_task()
                out.append("hart thread %d at %s in %s" % (t.num, symoff(stop_pc()), comm(task)))
                if TRACE:
                    log("  hart thread %d:\n%s" % (t.num, gdb.execute("bt 12", to_string=True)))
            except (gdb.error, gdb.MemoryError):
                out.append("hart thread %d unreadable" % t.num)
    finally:
        sel.switch()
    return ", ".join(out)


def thread_of_cpu(cpu):
    """The gdb thread (hart) Linux runs as CPU cpu: OpenSBI's boot hart
    lottery decides which hart is CPU 0."""
    sel = gdb.selected_thread()
    found = None
    try:
        for t in gdb.selected_inferior().threads():
            t.switch()
            task = reg("sscratch") if reg("priv") == 0 else current_task()
            try:
                if task_cpu(task) == cpu:
                    found = t.num
            except gdb.MemoryError:
                pass
    finally:
        sel.switch()
    return found


def wait_victim(guest, deadline):
    """Run until the victim is up (its children pin themselves to CPUs)."""
    # The victim prints its plan before it forks: once that line is on the
    # console its children have been or are being forked.
    if guest.victim_up or "processes on" in guest.console_text():
        guest.victim_up = True
        return True
    hbreak(VICTIM_UP)
    while time.time() < deadline:
        if not guest.cont(deadline - time.time()):
            return False
        if stop_pc() == VICTIM_UP and comm(current_task()) == "trapcheck":
            guest.victim_up = True
            delete_breakpoints()
            return True
    return False


def gate(guest, addr, want, deadline):
    """Continue until some hart stops at addr and want() holds there."""
    if TRACE:
        log("  gate %s" % symoff(addr))
    hbreak(addr)
    while time.time() < deadline:
        if not guest.cont(deadline - time.time()):
            return False
        if stop_pc() == addr and want():
            delete_breakpoints()
            return True
        if TRACE:
            t = current_task()
            log("  gate miss: thread %d, %s on cpu %d, sstatus %#x, sepc %s, pt_regs epc %s" % (
                gdb.selected_thread().num, comm(t), task_cpu(t), reg("sstatus"), symoff(reg("sepc")),
                symoff(read64(reg("sp") + PT["epc"])) if addr == RFE else "-"))
    return False


class StepError(Exception):
    pass


GUEST = None


def step1():
    """Execute one instruction of the selected hart, the others stopped.
    QEMU's gdbstub does not stop after single-stepping an sret: there, run
    this hart alone to a temporary breakpoint on the return address."""
    try:
        asm = ARCH.disassemble(stop_pc())[0]["asm"]
    except gdb.MemoryError:
        asm = ""
    if asm.strip() != "sret":
        gdb.execute("stepi", to_string=True)
        return
    # With sie masked no interrupt can slip in (and schedule another task at
    # the same user pc) before the hart reaches the return address.
    target = reg("sepc")
    sie = reg("sie")
    setreg("sie", 0)
    gdb.execute("set scheduler-locking on", to_string=True)
    bp = gdb.Breakpoint("*0x%x" % target, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True, temporary=True)
    try:
        if not GUEST.cont(10):
            raise StepError("the hart did not come back from sret to %#x" % target)
    finally:
        if bp.is_valid():
            bp.delete()
        setreg("sie", sie)
        gdb.execute("set scheduler-locking step", to_string=True)


def step_to(addr, limit=4000, until=None):
    """Single-step the stopped hart alone until it is about to run addr;
    give up at limit steps or on reaching until."""
    gdb.execute("set scheduler-locking step", to_string=True)
    try:
        for _ in range(limit):
            pc = stop_pc()
            if pc == addr:
                return True
            if pc == until:
                return False
            step1()
        return False
    finally:
        gdb.execute("set scheduler-locking off", to_string=True)


def user_tp():
    """The user's tp during the entry save: in sscratch, or (fixed kernels)
    already stashed in thread_info."""
    if OFF_USER_TP is not None and reg("sscratch") == 0:
        return read64(reg("tp") + OFF_USER_TP)
    return reg("sscratch")


def from_user():
    return not (reg("sstatus") & SR_SPP)


def returning_to_user():
    return not (read64(reg("sp") + PT["status"]) & SR_SPP)


def reach(guest, point):
    """Stop the hart that is about to execute point.addr in point's context."""
    delete_breakpoints()
    deadline = time.time() + GATE_TIMEOUT
    if (point.ctx == "U" or AFTER) and not wait_victim(guest, deadline):
        return False
    if AFTER and VICTIM_CPU >= 0:
        if guest.victim_thread is None:
            guest.victim_thread = thread_of_cpu(VICTIM_CPU)
            log("  victim CPU %d is gdb thread %s" % (VICTIM_CPU, guest.victim_thread))
        # First the victim's system call on its hart (kernel threads make
        # none): its gates are then not left waiting on everything else
        # the hart does after boot.
        if not gate(guest, ECALL_U, is_victim, deadline):
            return False
    if AFTER and point.ctx == "S":
        return reach_kernel_irq(guest, point, deadline)
    if point.gate == "ccode":
        return gate(guest, point.addr, is_victim, deadline)
    if point.gate == "switch":
        # To be made newer than the hart's last fence, the next task (a1)
        # needs a stack_gen above 0 (init_task's is 0).
        return gate(guest, point.addr,
                    lambda: not GATED or read64(reg("a1") + OFF_STACK_GEN) > 0, deadline)
    if point.canary:
        return gate(guest, point.addr, lambda: from_user() and user_tp() == CANARY, deadline)
    if point.gate == "entry":
        if point.ctx == "U":
            return gate(guest, point.addr, lambda: from_user() and is_victim(), deadline)
        return gate(guest, point.addr, lambda: not from_user(), deadline)
    # Exit points: stop at the start of the exit path in the right context,
    # then step that hart alone to the point.
    # A pass that does not go through the point (a C function's other
    # path) is followed by another, until the deadline.
    if point.window in ("W1c", "W1c-irq"):
        deadline = time.time() + 8
    while time.time() < deadline:
        if point.ctx == "U" and EXIT_SCRATCH is not None and (point.addr > EXIT_SCRATCH or point.window in ("W1c", "W1c-irq")):
            ok = gate(guest, EXIT_SCRATCH, is_victim, deadline)
        elif point.ctx == "U":
            ok = gate(guest, RFE, lambda: returning_to_user() and is_victim(), deadline)
        else:
            ok = gate(guest, RFE, lambda: not returning_to_user(), deadline)
        if not ok:
            return False
        if step_to(point.addr, until=EXIT_SRET):
            return True
    return False


def reach_kernel_irq(guest, point, deadline):
    """Aftermath, S-context points: a trap from S-mode while the victim runs
    in the kernel. Stop the victim in lock-free kernel code (LOCK_FREE,
    in_lock_free_code), take an interrupt there (a supervisor software
    interrupt with nothing pending, as for W1-irq) and follow it to
    point.addr: on its way in (entry points), or on its way back to the
    interrupted code (exit points)."""
    at = sym_addr(LOCK_FREE)
    if at is None or not gate(guest, at, in_lock_free_code, deadline):
        return False
    status = reg("sstatus")
    setreg("sepc", at)
    setreg("scause", (1 << 63) | IRQ_S_SOFT)
    setreg("stval", 0)
    setreg("sstatus", (status | SR_SPP | SR_SPIE) & ~SR_SIE)
    setreg("pc", reg("stvec") & ~3)
    if point.gate == "entry":
        return step_to(point.addr, limit=200)
    # Back through ret_from_exception to the interrupted instruction.
    hbreak(RFE)
    try:
        while time.time() < deadline:
            if not guest.cont(deadline - time.time()):
                return False
            if (stop_pc() == RFE and gdb.selected_thread().num == guest.victim_thread
                    and not returning_to_user() and read64(reg("sp") + PT["epc"]) == at):
                break
        else:
            return False
    finally:
        delete_breakpoints()
    return step_to(point.addr, until=EXIT_SRET)


def cpu_bit():
    cpu = int.from_bytes(bytes(gdb.selected_inferior().read_memory(
        current_task() + OFF_CPU, 4)), "little")
    return cpu, BITMAP + (cpu // 64) * 8, 1 << (cpu % 64)


def inject(point, genuine=None):
    """Raise the trap a stale translation would raise at point.addr; with
    genuine, with this CPU's bit clear (a fault no fence explains)."""
    if genuine is None:
        genuine = point.genuine
    st = {}
    st["current"] = current_task()
    st["thread"] = gdb.selected_thread().num
    st["cpu"], st["word"], st["mask"] = cpu_bit()
    w = read64(st["word"])
    write64(st["word"], (w & ~st["mask"]) if genuine else (w | st["mask"]))
    for r in ("sepc", "scause", "stval", "sstatus", "sscratch", "tp", "sp"):
        st[r] = reg(r)
    sp = st["sp"]
    if point.gate == "exit":
        # sp points to pt_regs in ret_from_exception; in C code called from
        # there (W1c) pt_regs is where thread_info.kernel_sp says, just
        # below the top of the stack.
        base = sp
        if not RFE <= point.addr <= RFE_END:
            base = read64(st["current"] + OFF_KSP) - PT_SIZE_ON_STACK
        st["pt_epc"] = read64(base + PT["epc"])
        st["pt_sp"] = read64(base + PT["sp"])
        st["pt_tp"] = read64(base + PT["tp"])
        st["pt_status"] = read64(base + PT["status"])
        # On the way back to user mode ret_from_exception sets
        # thread_info.kernel_sp to the top of the stack, just above these
        # pt_regs, for the next trap from user mode; a trap nested there
        # must not move it.
        st["ksp"] = base + PT_SIZE_ON_STACK
    status = st["sstatus"]
    new = (status | SR_SPP) & ~(SR_SPIE | SR_SIE)
    if status & SR_SIE:
        new |= SR_SPIE
    setreg("sepc", point.addr)
    if point.irq:
        # A supervisor software interrupt with no IPI pending: the handler
        # finds nothing to do and returns.
        setreg("scause", (1 << 63) | IRQ_S_SOFT)
        setreg("stval", 0)
    else:
        setreg("scause", EXC_LOAD_PAGE_FAULT if point.kind == "load" else EXC_STORE_PAGE_FAULT)
        setreg("stval", (sp + point.off) & 0xFFFFFFFFFFFFFFFF)
    setreg("sstatus", new)
    setreg("pc", reg("stvec") & ~3)
    return st


def judge(guest, point, st):
    """Step the hart after the injection; return (recovered, detail)."""
    saw_fence = False
    rerun = False
    bit = None
    ksp = None
    gdb.execute("set scheduler-locking step", to_string=True)
    try:
        prev = None
        for _ in range(STEP_LIMIT):
            pc = stop_pc()
            if pc in FAULT_SYMS:
                return False, "went to %s" % FAULT_SYMS[pc]
            if pc == point.addr and saw_fence:
                rerun = True
            if (point.gate == "exit" and saw_fence and pc == EXIT_RESTORE and pc != point.addr
                    and reg("tp") != st["current"]):
                # A restarted restore runs with tp = current up to its own
                # load of tp (restore_userssp reads thread_info through it).
                return False, "restore restarted with tp %#x, not current %#x" % (reg("tp"), st["current"])
            if point.gate == "entry" and rerun and pc == ENTRY_SAVED:
                got = {f: read64(reg("sp") + PT[f]) for f in ("epc", "cause", "badaddr", "status", "tp")}
                bad = []
                if got["epc"] != st["sepc"]:
                    bad.append("epc %#x != %#x" % (got["epc"], st["sepc"]))
                if got["cause"] != st["scause"]:
                    bad.append("cause %#x != %#x" % (got["cause"], st["scause"]))
                if got["badaddr"] != st["stval"]:
                    bad.append("badaddr %#x != %#x" % (got["badaddr"], st["stval"]))
                if (got["status"] ^ st["sstatus"]) & (SR_SPP | SR_SPIE):
                    bad.append("status %#x vs %#x" % (got["status"], st["sstatus"]))
                if got["tp"] != st["sscratch"]:
                    bad.append("tp %#x != %#x" % (got["tp"], st["sscratch"]))
                if bad:
                    return False, "outer trap lost: " + ", ".join(bad)
                break
            if point.gate == "exit" and prev == EXIT_SRET:
                priv = reg("priv")
                want_priv = 0 if point.ctx == "U" else 1
                bad = []
                if priv != want_priv:
                    bad.append("priv %d != %d" % (priv, want_priv))
                if pc != st["pt_epc"]:
                    bad.append("pc %#x != %#x" % (pc, st["pt_epc"]))
                if reg("sp") != st["pt_sp"]:
                    bad.append("sp %#x != %#x" % (reg("sp"), st["pt_sp"]))
                if point.ctx == "U":
                    if reg("tp") != st["pt_tp"]:
                        bad.append("tp %#x != %#x" % (reg("tp"), st["pt_tp"]))
                    if reg("sscratch") != current_from(st):
                        bad.append("sscratch %#x != %#x" % (reg("sscratch"), current_from(st)))
                    if ksp is not None and ksp != st["ksp"]:
                        bad.append("thread_info.kernel_sp %#x != %#x" % (ksp, st["ksp"]))
                if bad:
                    return False, "returned wrong: " + ", ".join(bad)
                if not rerun:
                    return False, "returned without re-executing the access"
                break
            if point.gate == "ccode" and rerun:
                break
            try:
                asm = ARCH.disassemble(pc)[0]["asm"]
            except gdb.MemoryError:
                asm = ""
            if asm.startswith("sfence.vma"):
                saw_fence = True
            if asm.strip() == "sret":
                # The last look at kernel memory while still in S-mode.
                bit = read64(st["word"]) & st["mask"]
                ksp = read64(current_from(st) + OFF_KSP)
            prev = pc
            if TRACE:
                log("  step %s %s" % (symoff(pc), asm))
            step1()
        else:
            return False, "no recovery within %d instructions (pc %s)" % (STEP_LIMIT, symoff(stop_pc()))
    finally:
        gdb.execute("set scheduler-locking off", to_string=True)
    if point.gate != "exit":
        bit = read64(st["word"]) & st["mask"]
    if bit:
        return False, "this CPU's bit was not cleared"
    if not saw_fence:
        return False, "no sfence.vma"
    return True, "bit cleared, sfence.vma, access re-executed, context intact"


def judge_irq(guest, point, st):
    """Run the hart alone, interrupts masked, until it is back at the
    interrupted instruction; then tp, sp, sscratch and the privilege must be
    what they were."""
    sie = reg("sie")
    setreg("sie", 0)
    gdb.execute("set scheduler-locking on", to_string=True)
    for s in WATCH:
        gdb.execute("hbreak %s" % s, to_string=True)
    bp = gdb.Breakpoint("*0x%x" % point.addr, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
    try:
        # The handler's own return runs the same instruction on its own
        # pt_regs: the interrupted context is back when sp is too.
        deadline = time.time() + 10
        while True:
            if not GUEST.cont(max(deadline - time.time(), 0.1)):
                return False, "the hart did not come back to the interrupted instruction"
            pc = stop_pc()
            if pc in FAULT_SYMS:
                return False, "went to %s" % FAULT_SYMS[pc]
            if pc == point.addr and reg("sp") == st["sp"]:
                break
    finally:
        if bp.is_valid():
            bp.delete()
        delete_breakpoints()
        setreg("sie", sie)
        gdb.execute("set scheduler-locking off", to_string=True)
    bad = []
    if reg("priv") != 1:
        bad.append("priv %d != 1" % reg("priv"))
    for r in ("tp", "sp", "sscratch"):
        if reg(r) != st[r]:
            bad.append("%s %#x != %#x" % (r, reg(r), st[r]))
    ksp = read64(st["current"] + OFF_KSP)
    if ksp != st["ksp"]:
        bad.append("thread_info.kernel_sp %#x != %#x" % (ksp, st["ksp"]))
    if bad:
        return False, "came back wrong: " + ", ".join(bad)
    return True, "handled, back at the instruction with tp, sp, sscratch and kernel_sp intact"


def fenced_addr(cpu):
    """Where the generation of this cpu's last switch fence is."""
    return FENCED + 8 * cpu


def judge_switch(point):
    """Enter __switch_to with this CPU's bit set; step it alone to its
    return. "fenced": the bit was cleared and an sfence.vma executed;
    "kept" (SW-old only): neither, the gate saw the next task fenced
    already; on SW the same is "unfenced".
    On a gated kernel, SW lowers this hart's last-fence generation below
    the next task's stack_gen (more fencing: always safe); SW-old sets it
    to that stack_gen (QEMU caches no stale translation to miss)."""
    cpu, word, mask = cpu_bit()
    write64(word, read64(word) | mask)
    if GATED:
        stack_gen = read64(reg("a1") + OFF_STACK_GEN)
        write64(fenced_addr(cpu), stack_gen - 1 if point.window == "SW" else stack_gen)
    saw_fence = False
    gdb.execute("set scheduler-locking step", to_string=True)
    try:
        for _ in range(400):
            pc = stop_pc()
            if pc == SWITCH_RET:
                break
            asm = ARCH.disassemble(pc)[0]["asm"]
            saw_fence = saw_fence or asm.startswith("sfence.vma")
            step1()
        else:
            return "unreached", "__switch_to did not reach its ret within 400 instructions"
    finally:
        gdb.execute("set scheduler-locking off", to_string=True)
    return switch_outcome(point.window, cpu, saw_fence, read64(word) & mask)


def read_canary():
    return bytes(gdb.selected_inferior().read_memory(CANARY, 64))


def canary_changed(before):
    """Which bytes of the canary changed, or "" (None if unreadable)."""
    try:
        after = read_canary()
    except (gdb.error, gdb.MemoryError):
        return "canary unreadable afterwards"
    diff = [i for i in range(64) if after[i] != before[i]]
    if not diff:
        return ""
    return "%s+%d..%d changed" % (CANARY_SYM, diff[0], diff[-1])


def current_from(st):
    return st["current"]


def outcome_after_failure(guest, start):
    """Let the guest run on; report what it did."""
    delete_breakpoints()
    for s in WATCH:
        gdb.execute("hbreak %s" % s, to_string=True)
    ok = guest.cont(OOPS_TIMEOUT)
    pc = stop_pc() if ok else None
    text = guest.console_text(start)
    if pc is not None and pc in FAULT_SYMS:
        # Let die() print the Oops for the record.
        delete_breakpoints()
        guest.cont(2)
        text = guest.console_text(start)
        m = re.search(r"(Unable to handle kernel[^\n]*|Oops[^\n]*)", text)
        return "oops", (m.group(1) if m else "stopped in %s" % FAULT_SYMS[pc])
    m = BAD_CONSOLE.search(text)
    if m:
        line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.start())]
        return "corrupt", line.strip()
    return "hang", "no progress and no message within %d s" % OOPS_TIMEOUT


# --------------------------------------------------------------------------
# The aftermath of a fault the retry cannot cure (the verdict: aftermath.py).

def stale_sscratch(guest, victim, thread, deadline):
    """The victim died in the kernel. At the first switch away from it on
    its hart, sscratch must not hold it any more: the next task starts with
    sscratch 0 (R2: 0 or current), or every trap it takes from S-mode runs
    with the dead task as current. Returns a complaint, "" if it held, None
    if no such switch came before deadline."""
    gdb.execute("hbreak *0x%x thread %d" % (SWITCH_TO, thread), to_string=True)
    try:
        while time.time() < deadline:
            if not guest.cont(deadline - time.time()):
                return None
            if stop_pc() != SWITCH_TO or gdb.selected_thread().num != thread or reg("a0") != victim:
                continue
            delete_breakpoints()
            if not step_to(SWITCH_RET, limit=400):
                return None
            nxt, ss = reg("tp"), reg("sscratch")
            if ss in (0, nxt):
                return ""
            return "sscratch %#x (%s) when %s was switched in after it" % (
                ss, "the dead victim" if ss == victim else comm(ss), comm(nxt))
        return None
    finally:
        delete_breakpoints()


def aftermath(guest, start, st):
    """Run the guest on after an injection: first to the switch away from
    the victim on its hart (stale_sscratch), then until
    after-NN's result line, trouble (plus GRACE seconds) or a timeout;
    judge. (observed, detail)"""
    delete_breakpoints()
    t_inj = time.time()
    stale = stale_sscratch(guest, st["current"], st["thread"], t_inj + GATE_TIMEOUT / 4)
    w = {"victim": None, "trouble": None}

    def watch():
        now = time.time()
        try:
            with open(guest.console, "rb") as fh:
                fh.seek(start)
                f = aftermath_verdict.findings(fh.read().decode("utf-8", "replace").replace("\r", ""))
        except OSError:
            return False
        if aftermath_verdict.settled(f):
            return True
        if aftermath_verdict.troubled(f):
            w["trouble"] = w["trouble"] or now
            if now - w["trouble"] >= GRACE:
                return True
        if f["victim"] is not None:
            w["victim"] = w["victim"] or now
            return now - w["victim"] > AFTER_TIMEOUT
        return now - t_inj > VICTIM_TIMEOUT

    alive = guest.cont_watch(watch)
    obs, detail = aftermath_verdict.verdict(guest.console_text(start), not alive,
                                            os.path.basename(guest.console),
                                            (VICTIM_TIMEOUT, AFTER_TIMEOUT))
    if stale:
        # Wrong current on that hart: the console shows it, or not yet.
        detail = "%s; %s" % (stale, detail)
        if obs == "survive":
            obs = "sscratch"
    elif stale is None:
        detail += "; sscratch not checked (no switch away from the victim seen)"
    return obs, "%s (%.1f s after the injection)" % (detail, time.time() - t_inj)


# --------------------------------------------------------------------------

def main():
    pts = enumerate_points()
    if AFTER:
        # Faults only: SW and the -irq points are not faults, W3-tp is the
        # first W3 point again.
        pts = [p for p in pts if p.gate != "switch" and not p.irq and not p.canary]
    with open(os.path.join(OUT, "points.tsv"), "w") as f:
        f.write("id\twindow\tctx\twhere\tinsn\n")
        for p in pts:
            f.write("%s\t%s\t%s\t%s\t%s\n" % (p.id, p.window, p.ctx, p.where, p.asm))
    log("%d points in %s (bitmap %s): %s" % (
        len(pts), gdb.current_progspace().filename, BITMAP_SYM,
        ", ".join("%s=%d" % (w, sum(1 for p in pts if p.window == w))
                  for w in sorted({p.window for p in pts}))))
    if LIST_ONLY:
        return
    if ONLY:
        pts = [p for p in pts if p.id in ONLY or p.window in ONLY]
    # S-context points first: right after boot nearly every trap is from
    # S-mode; once the victim runs, nearly every trap is from U-mode.
    pts.sort(key=lambda p: (p.ctx != "S", p.id))
    res = open(os.path.join(OUT, "results.tsv"), "w")
    res.write("id\twindow\tctx\twhere\tinsn\tobserved\tdetail\tboot\tseconds\n")
    guest = None
    nboot = 0
    rounds = 0
    t0 = time.time()

    def record(p, obs, detail, nboot, i):
        res.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.1f\n" % (
            p.id, p.window, p.ctx, p.where, p.asm, obs, detail.replace("\t", " "), nboot,
            time.time() - t_point))
        res.flush()
        log("%s %-12s %s %-28s %-18s %-9s %s  [%d/%d, %ds]" % (
            p.id, p.window, p.ctx, p.where, p.asm, obs, detail, i + 1, len(pts), time.time() - t0))

    for i, p in enumerate(pts):
        t_point = time.time()
        if FENCES_AT_SWITCH and p.window in ("W3", "W4"):
            record(p, "excluded", "__switch_to fences a pending mapping (SW): "
                   "no stale stack translation here", nboot, i)
            continue
        # Aftermath: the guest's list holds ROUNDS victims; then a new boot.
        if guest is None or not guest.alive() or (AFTER and rounds >= ROUNDS):
            if guest is not None:
                guest.close()
            nboot += 1
            rounds = 0
            guest = Guest(nboot)
            global GUEST
            GUEST = guest
        start = guest.console_size()
        if p.gate == "switch":
            obs, detail = ("unreached", "gate not reached")
            if reach(guest, p):
                obs, detail = judge_switch(p)
            delete_breakpoints()
            record(p, obs, detail, nboot, i)
            continue
        try:
            reached = reach(guest, p)
        except StepError:
            reached = False
        if not reached:
            obs, detail = "unreached", "gate not reached in %d s" % GATE_TIMEOUT
            if AFTER and guest.alive():
                detail += " (%s; %s)" % (harts(), os.path.basename(guest.console))
            guest.close()
            guest = None
        elif AFTER:
            start = guest.console_size()
            st = inject(p, genuine=True)
            rounds += 1
            obs, detail = aftermath(guest, start, st)
            if obs != "survive":
                guest.close()
                guest = None
        else:
            canary0 = read_canary() if p.canary else None
            st = inject(p)
            try:
                ok, detail = judge_irq(guest, p, st) if p.irq else judge(guest, p, st)
            except StepError as e:
                ok, detail = False, str(e)
            if ok and p.refault:
                # The retry did not cure it: the re-executed access faults
                # again, this CPU's bit now clear. It must reach the fault
                # path, not be retried for ever.
                st = inject(p, genuine=True)
                try:
                    ok, detail2 = judge(guest, p, st)
                except StepError as e:
                    ok, detail2 = False, str(e)
                detail = "first fault: %s; second fault: %s" % (
                    detail, "swallowed: " + detail2 if ok else detail2)
            # Judged in S-mode: the canary is readable now.
            wrote = canary_changed(canary0) if p.canary else ""
            if ok:
                delete_breakpoints()
                guest.cont(SETTLE)
                text = guest.console_text(start)
                m = BAD_CONSOLE.search(text)
                if m or not guest.alive():
                    obs = "corrupt"
                    if m:
                        detail = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.start())].strip()
                    else:
                        detail = "the guest stopped"
                else:
                    # The next point starts from this stop (cont timed out).
                    obs = "recover"
            else:
                obs, why = outcome_after_failure(guest, start)
                detail = "%s; then %s" % (detail, why)
            if wrote:
                obs, detail = "corrupt", "the kernel wrote through the user's tp (%s); %s" % (wrote, detail)
            elif p.canary and FENCES_AT_SWITCH:
                # W3 faults are excluded here (see SW); only the canary counts.
                obs, detail = "no-write", "canary intact; the injected W3 fault itself: %s: %s" % (obs, detail)
            # Anything but a recovery ends this boot.
            if obs != "recover" and guest is not None:
                guest.close()
                guest = None
        record(p, obs, detail, nboot, i)
    if guest is not None:
        guest.close()
    res.close()
    log("%d points, %d boots, %d s" % (len(pts), nboot, time.time() - t0))


def count_to(stops, limit=3000):
    """Single-step the stopped hart alone until its pc is in stops; return
    how many instructions it executed (each step retires exactly one)."""
    n = 0
    gdb.execute("set scheduler-locking step", to_string=True)
    try:
        while stop_pc() not in stops:
            if n >= limit:
                raise StepError("no %s within %d instructions" % (
                    "/".join(symoff(a) for a in stops), limit))
            step1()
            n += 1
    finally:
        gdb.execute("set scheduler-locking off", to_string=True)
    return n


def count_main():
    """REPRO_COUNT=1: instructions the entry and exit code retire, by path:
    from stvec to the C handler, and from ret_from_exception through sret;
    and __switch_to from entry through ret. Median of SAMPLES runs."""
    samples = 5
    do_irq = sym_addr("do_irq")
    paths = [
        ("syscall-entry", HE, lambda: from_user() and is_victim() and reg("scause") == 8, {ECALL_U}, 0),
        ("user-return", RFE, lambda: returning_to_user() and is_victim(), {EXIT_SRET}, 1),
        ("kernel-irq-entry", HE, lambda: not from_user() and reg("scause") >> 63, {do_irq}, 0),
        ("kernel-return", RFE, lambda: not returning_to_user(), {EXIT_SRET}, 1),
        ("switch-to", SWITCH_TO, lambda: True, {SWITCH_RET}, 1),
    ]
    guest = Guest(1)
    global GUEST
    GUEST = guest
    out = open(os.path.join(OUT, "cost.tsv"), "w")
    out.write("path\tinstructions\tsamples\n")
    if not wait_victim(guest, time.time() + 120):
        raise StepError("the victim did not come up")
    for name, start, want, stops, extra in paths:
        got = []
        for _ in range(samples):
            delete_breakpoints()
            if not gate(guest, start, want, time.time() + GATE_TIMEOUT):
                raise StepError("%s: gate %s not reached" % (name, symoff(start)))
            got.append(count_to(stops) + extra)
        got.sort()
        out.write("%s\t%d\t%s\n" % (name, got[len(got) // 2], ",".join(map(str, got))))
        log("%s: %d instructions (samples %s)" % (name, got[len(got) // 2], got))
    out.close()
    guest.close()


try:
    count_main() if COUNT else main()
except Exception as e:  # noqa: BLE001 - report and fail the run
    log("ERROR: %s: %s" % (type(e).__name__, e))
    raise
finally:
    if GUEST is not None and GUEST.alive():
        GUEST.close()
