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
(lab/repro/count.py, run the same way, counts instructions instead.)

The rooms: config.py (this environment, timeouts), gdbio.py (gdb
primitives), facts.py (the vmlinux), points.py (the matrix), guest.py (one
QEMU under gdb), hart.py (what a hart runs; reaching a point), judges.py
(injecting and judging), outcomes.py and asm.py and aftermath.py (the
logic, no gdb: unit-tested from tests/), this file (the run).

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
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The rooms below need gdb, and this directory on the path.
import guest as guests  # noqa: E402
from config import AFTER, GATE_TIMEOUT, LIST_ONLY, ONLY, OUT, ROUNDS  # noqa: E402
from facts import BITMAP_SYM, FENCES_AT_SWITCH  # noqa: E402
from gdbio import current_file, delete_breakpoints, log  # noqa: E402
from hart import StepError, harts, reach  # noqa: E402
from judges import (aftermath, canary_changed, inject, judge, judge_irq, judge_switch,  # noqa: E402
                    outcome_after_failure, read_canary, settle)
from points import enumerate_points  # noqa: E402


def write_points(pts):
    with open(os.path.join(OUT, "points.tsv"), "w") as f:
        f.write("id\twindow\tctx\twhere\tinsn\n")
        for p in pts:
            f.write("%s\t%s\t%s\t%s\t%s\n" % (p.id, p.window, p.ctx, p.where, p.asm))
    log("%d points in %s (bitmap %s): %s" % (
        len(pts), current_file(), BITMAP_SYM,
        ", ".join("%s=%d" % (w, sum(1 for p in pts if p.window == w))
                  for w in sorted({p.window for p in pts}))))


def run_fault(guest, p, start):
    """Inject a fault (or the -irq points' interrupt) at p, reached; judge
    it and what the guest printed since start and does next. (observed,
    detail)"""
    canary0 = read_canary() if p.canary else None
    st = inject(p)
    try:
        ok, detail = judge_irq(p, st) if p.irq else judge(p, st)
    except StepError as e:
        ok, detail = False, str(e)
    if ok and p.refault:
        # The retry did not cure it: the re-executed access faults
        # again, this CPU's bit now clear. It must reach the fault
        # path, not be retried for ever.
        st = inject(p, genuine=True)
        try:
            ok, detail2 = judge(p, st)
        except StepError as e:
            ok, detail2 = False, str(e)
        detail = "first fault: %s; second fault: %s" % (
            detail, "swallowed: " + detail2 if ok else detail2)
    # Judged in S-mode: the canary is readable now.
    wrote = canary_changed(canary0) if p.canary else ""
    if ok:
        obs, why = settle(guest, start)
        detail = why or detail
    else:
        obs, why = outcome_after_failure(guest, start)
        detail = "%s; then %s" % (detail, why)
    if wrote:
        return "corrupt", "the kernel wrote through the user's tp (%s); %s" % (wrote, detail)
    if p.canary and FENCES_AT_SWITCH:
        # W3 faults are excluded here (see SW); only the canary counts.
        return "no-write", "canary intact; the injected W3 fault itself: %s: %s" % (obs, detail)
    return obs, detail


def run_point(guest, p):
    """One point on a running guest: (observed, detail, whether the guest
    can go on to the next point)."""
    if p.gate == "switch":
        obs, detail = ("unreached", "gate not reached")
        if reach(guest, p):
            obs, detail = judge_switch(p)
        delete_breakpoints()
        return obs, detail, True
    start = guest.console_size()
    try:
        reached = reach(guest, p)
    except StepError:
        reached = False
    if not reached:
        detail = "gate not reached in %d s" % GATE_TIMEOUT
        if AFTER and guest.alive():
            detail += " (%s; %s)" % (harts(), os.path.basename(guest.console))
        return "unreached", detail, False
    if AFTER:
        obs, detail = aftermath(guest, guest.console_size(), inject(p, genuine=True))
        return obs, detail, obs == "survive"
    obs, detail = run_fault(guest, p, start)
    # Anything but a recovery ends this boot.
    return obs, detail, obs == "recover"


def main():
    pts = enumerate_points()
    if AFTER:
        # Faults only: SW and the -irq points are not faults, W3-tp is the
        # first W3 point again.
        pts = [p for p in pts if p.gate != "switch" and not p.irq and not p.canary]
    write_points(pts)
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
    for i, p in enumerate(pts):
        t_point = time.time()
        if FENCES_AT_SWITCH and p.window in ("W3", "W4"):
            obs, detail = "excluded", "__switch_to fences a pending mapping (SW): no stale stack translation here"
        else:
            # Aftermath: the guest's list holds ROUNDS victims; then a new boot.
            if guest is None or not guest.alive() or (AFTER and rounds >= ROUNDS):
                if guest is not None:
                    guest.close()
                nboot += 1
                rounds = 0
                guest = guests.boot(nboot)
            obs, detail, keep = run_point(guest, p)
            rounds += 1     # counts with AFTER only; a point not reached costs the boot
            if not keep:
                guest.close()
                guest = None
        res.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.1f\n" % (
            p.id, p.window, p.ctx, p.where, p.asm, obs, detail.replace("\t", " "), nboot,
            time.time() - t_point))
        res.flush()
        log("%s %-12s %s %-28s %-18s %-9s %s  [%d/%d, %ds]" % (
            p.id, p.window, p.ctx, p.where, p.asm, obs, detail, i + 1, len(pts), time.time() - t0))
    if guest is not None:
        guest.close()
    res.close()
    log("%d points, %d boots, %d s" % (len(pts), nboot, time.time() - t0))


guests.run(main)
