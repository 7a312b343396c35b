# SPDX-License-Identifier: GPL-2.0
"""Injecting a point's trap and judging what the kernel makes of it: the
hart is stepped or run, the guest read through gdb; what the observations
mean is outcomes.py's (no gdb there)."""

import os
import re
import time
from dataclasses import dataclass
from typing import Optional

import gdb

import aftermath as aftermath_verdict  # lab/repro/aftermath.py
import guest as guests
from config import (AFTER_TIMEOUT, GRACE, NEST_PUSH_LIMIT, OOPS_TIMEOUT, SETTLE, STALE_TIMEOUT,
                    STEP_LIMIT, SWITCH_STEP_LIMIT, TRACE, VICTIM_TIMEOUT)
from facts import (CANARY, CANARY_LEN, CANARY_SYM, DO_IRQ, ENTRY_SAVED, EXC_LOAD_PAGE_FAULT,
                   EXC_STORE_PAGE_FAULT, EXIT_RESTORE, EXIT_SRET, FAULT_SYMS, GATED, OFF_KSP,
                   OFF_STACK_GEN, PT, PT_SIZE_ON_STACK, RFE, RFE_END, SWITCH_RET, SWITCH_TO, WATCH,
                   bit_of, fenced_addr)
from gdbio import (MASK64, asm_at, delete_breakpoints, locking, log, read64, read_bytes, reg,
                   setreg, stop_pc, symoff, write64)
from hart import (comm, current_task, raise_soft_irq, raise_trap, step1, step_to,
                  this_cpu)
from outcomes import (irq_wrong, outer_trap_lost, recovery, return_wrong, switch_outcome)

# Kernel trouble (lab/trouble.re, shared with lab/verdict.sh) and, after a
# recovery, the victim's complaints.
BAD_CONSOLE = re.compile(
    aftermath_verdict.TROUBLE + r"|killed by signal|expected 0x|not ok \d+|sp changed|exited with")


@dataclass
class Saved:
    """The hart as the injection found it."""
    current: int            # the task
    thread: int             # its gdb thread
    cpu: int
    word: int               # this CPU's word of the new-mapping bitmap
    mask: int               # and its bit there
    sepc: int
    scause: int
    stval: int
    sstatus: int
    sscratch: int
    tp: int
    sp: int
    # Exit points: the outer trap's pt_regs, and the kernel_sp the exit
    # path set for the next trap from user mode.
    pt_epc: Optional[int] = None
    pt_sp: Optional[int] = None
    pt_tp: Optional[int] = None
    ksp: Optional[int] = None


def inject(point, genuine=None):
    """Raise the trap a stale translation would raise at point.addr (an
    interrupt for the -irq points); with genuine, with this CPU's bit clear
    (a fault no fence explains). Returns what the hart was."""
    if genuine is None:
        genuine = point.genuine
    cpu = this_cpu()
    word, mask = bit_of(cpu)
    w = read64(word)
    write64(word, (w & ~mask) if genuine else (w | mask))
    st = Saved(current_task(), gdb.selected_thread().num, cpu, word, mask,
               **{r: reg(r) for r in ("sepc", "scause", "stval", "sstatus", "sscratch", "tp", "sp")})
    if point.gate == "exit":
        # sp points to pt_regs in ret_from_exception; in C code called from
        # there (W1c) pt_regs is where thread_info.kernel_sp says, just
        # below the top of the stack.
        base = st.sp
        if not RFE <= point.addr <= RFE_END:
            base = read64(st.current + OFF_KSP) - PT_SIZE_ON_STACK
        st.pt_epc = read64(base + PT["epc"])
        st.pt_sp = read64(base + PT["sp"])
        st.pt_tp = read64(base + PT["tp"])
        # On the way back to user mode ret_from_exception sets
        # thread_info.kernel_sp to the top of the stack, just above these
        # pt_regs, for the next trap from user mode; a trap nested there
        # must not move it.
        st.ksp = base + PT_SIZE_ON_STACK
    if point.irq:
        raise_soft_irq(point.addr)
    else:
        raise_trap(point.addr, EXC_LOAD_PAGE_FAULT if point.kind == "load" else EXC_STORE_PAGE_FAULT,
                   (st.sp + point.off) & MASK64)
    return st


def judge(point, st):
    """Step the hart after the injection; return (recovered, detail)."""
    saw_fence = False
    rerun = False
    bit = None
    ksp = None
    with locking("step"):
        prev = None
        for _ in range(STEP_LIMIT):
            pc = stop_pc()
            if pc in FAULT_SYMS:
                return False, "went to %s" % FAULT_SYMS[pc]
            if pc == point.addr and saw_fence:
                rerun = True
            if (point.gate == "exit" and saw_fence and pc == EXIT_RESTORE and pc != point.addr
                    and reg("tp") != st.current):
                # A restarted restore runs with tp = current up to its own
                # load of tp (restore_userssp reads thread_info through it).
                return False, "restore restarted with tp %#x, not current %#x" % (reg("tp"), st.current)
            if point.gate == "entry" and rerun and pc == ENTRY_SAVED:
                saved = {f: read64(reg("sp") + PT[f]) for f in ("epc", "cause", "badaddr", "status", "tp")}
                bad = outer_trap_lost(saved, vars(st))
                if bad:
                    return False, "outer trap lost: " + ", ".join(bad)
                break
            if point.gate == "exit" and prev == EXIT_SRET:
                seen = {r: reg(r) for r in ("priv", "sp", "tp", "sscratch")}
                seen.update(pc=pc, ksp=ksp)
                want = dict(pc=st.pt_epc, sp=st.pt_sp, tp=st.pt_tp, sscratch=st.current, ksp=st.ksp)
                bad = return_wrong(point.ctx, seen, want)
                if bad:
                    return False, "returned wrong: " + ", ".join(bad)
                if not rerun:
                    return False, "returned without re-executing the access"
                break
            if point.gate == "ccode" and rerun:
                break
            asm = asm_at(pc)
            if asm.startswith("sfence.vma"):
                saw_fence = True
            if asm.strip() == "sret":
                # The last look at kernel memory while still in S-mode.
                bit = read64(st.word) & st.mask
                ksp = read64(st.current + OFF_KSP)
            prev = pc
            if TRACE:
                log("  step %s %s" % (symoff(pc), asm))
            step1()
        else:
            return False, "no recovery within %d instructions (pc %s)" % (STEP_LIMIT, symoff(stop_pc()))
    if point.gate != "exit":
        bit = read64(st.word) & st.mask
    return recovery(bit, saw_fence)


def nest_in_handler():
    """W1-nest: follow the interrupt raised in the window to do_irq, past
    the push of its return address on the shadow call stack; raise a
    second interrupt there and follow that one to do_irq too. It must run
    on the shadow call stack where the first trap's handler had it (gp as
    it was), not from the task's saved scs_sp, over that handler's frames.
    A complaint, or None."""
    if not step_to(DO_IRQ):
        return "the interrupt in the window did not reach do_irq"
    gp0 = reg("gp")
    with locking("step"):
        for _ in range(NEST_PUSH_LIMIT):
            if reg("gp") != gp0:
                break
            step1()
        else:
            return "do_irq pushed nothing on the shadow call stack in %d instructions" % NEST_PUSH_LIMIT
    gp1, at = reg("gp"), stop_pc()
    raise_soft_irq(at)
    if not step_to(DO_IRQ):
        return "the nested interrupt (at %s) did not reach do_irq" % symoff(at)
    if reg("gp") != gp1:
        return ("the trap nested at %s runs on the shadow call stack at %#x, not at %#x where "
                "the handler it interrupted had it: over that handler's frames" % (symoff(at), reg("gp"), gp1))
    return None


def judge_irq(point, st):
    """Run the hart alone, interrupts masked, until it is back at the
    interrupted instruction; then tp, sp, sscratch and the privilege must be
    what they were. W1-nest nests a second trap in the handler first."""
    sie = reg("sie")
    setreg("sie", 0)
    if point.nest:
        bad = nest_in_handler()
        if bad:
            setreg("sie", sie)
            return False, bad
    with locking("on"):
        for s in WATCH:
            gdb.execute("hbreak %s" % s, to_string=True)
        bp = gdb.Breakpoint("*0x%x" % point.addr, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
        try:
            # The handler's own return runs the same instruction on its own
            # pt_regs: the interrupted context is back when sp is too.
            deadline = time.time() + 10
            while True:
                if not guests.active().cont(max(deadline - time.time(), 0.1)):
                    return False, "the hart did not come back to the interrupted instruction"
                pc = stop_pc()
                if pc in FAULT_SYMS:
                    return False, "went to %s" % FAULT_SYMS[pc]
                if pc == point.addr and reg("sp") == st.sp:
                    break
        finally:
            if bp.is_valid():
                bp.delete()
            delete_breakpoints()
            setreg("sie", sie)
    seen = {r: reg(r) for r in ("priv", "tp", "sp", "sscratch")}
    seen["ksp"] = read64(st.current + OFF_KSP)
    bad = irq_wrong(seen, vars(st))
    if bad:
        return False, "came back wrong: " + ", ".join(bad)
    nested = ", a trap nested in its handler on the shadow call stack where it was" if point.nest else ""
    return True, "handled%s, back at the instruction with tp, sp, sscratch and kernel_sp intact" % nested


def judge_switch(point):
    """Enter __switch_to with this CPU's bit set; step it alone to its
    return; outcomes.switch_outcome says what that was. On a gated kernel,
    SW lowers this hart's last-fence generation below the next task's
    stack_gen (more fencing: always safe); SW-old sets it to that stack_gen
    (QEMU caches no stale translation to miss)."""
    cpu = this_cpu()
    word, mask = bit_of(cpu)
    write64(word, read64(word) | mask)
    if GATED:
        stack_gen = read64(reg("a1") + OFF_STACK_GEN)
        write64(fenced_addr(cpu), stack_gen - 1 if point.window == "SW" else stack_gen)
    saw_fence = False
    with locking("step"):
        for _ in range(SWITCH_STEP_LIMIT):
            pc = stop_pc()
            if pc == SWITCH_RET:
                break
            saw_fence = saw_fence or asm_at(pc).startswith("sfence.vma")
            step1()
        else:
            return "unreached", "__switch_to did not reach its ret within %d instructions" % SWITCH_STEP_LIMIT
    return switch_outcome(point.window, cpu, saw_fence, read64(word) & mask)


def read_canary():
    return read_bytes(CANARY, CANARY_LEN)


def canary_changed(before):
    """Which bytes of the canary changed, or "" (None if unreadable)."""
    try:
        after = read_canary()
    except (gdb.error, gdb.MemoryError):
        return "canary unreadable afterwards"
    diff = [i for i in range(CANARY_LEN) if after[i] != before[i]]
    if not diff:
        return ""
    return "%s+%d..%d changed" % (CANARY_SYM, diff[0], diff[-1])


def console_line(text, m):
    """The console line holding match m."""
    return text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.start())].strip()


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
        return "corrupt", console_line(text, m)
    return "hang", "no progress and no message within %d s" % OOPS_TIMEOUT


def settle(guest, start):
    """A recovered point: let the guest run on for a moment; anything the
    kernel or the victim complains of makes it "corrupt"."""
    delete_breakpoints()
    guest.cont(SETTLE)
    text = guest.console_text(start)
    m = BAD_CONSOLE.search(text)
    if m:
        return "corrupt", console_line(text, m)
    if not guest.alive():
        return "corrupt", "the guest stopped"
    # The next point starts from this stop (cont timed out).
    return "recover", None


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
            if not step_to(SWITCH_RET, limit=SWITCH_STEP_LIMIT):
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
    stale = stale_sscratch(guest, st.current, st.thread, t_inj + STALE_TIMEOUT)
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
