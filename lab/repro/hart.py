# SPDX-License-Identifier: GPL-2.0
"""The stopped hart: which task it runs, stepping it alone, and stopping
some hart exactly where a point is, in the point's context (reach)."""

import time

import gdb

import guest as guests
from config import AFTER, GATE_TIMEOUT, TRACE, VICTIM_CPU
from facts import (ECALL_U, EXIT_SCRATCH, EXIT_SRET, GATED, INTERRUPT, IRQ_S_SOFT, LOCK_FREE,
                   OFF_COMM, OFF_CPU, OFF_PREEMPT, OFF_STACK_GEN, OFF_USER_TP, PT, RFE, RFE_END,
                   VICTIM_UP, CANARY)
from gdbio import (asm_at, delete_breakpoints, locking, log, read32, read64, read_bytes, reg,
                   setreg, stop_pc, sym_addr, symoff)
from outcomes import SR_SIE, SR_SPIE, SR_SPP


class StepError(Exception):
    pass


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
        return read_bytes(task + OFF_COMM, 16).split(b"\0")[0].decode("ascii", "replace")
    except gdb.MemoryError:
        return "?"


def task_cpu(task):
    return read32(task + OFF_CPU)


def this_cpu():
    return task_cpu(current_task())


def is_victim():
    task = current_task()
    if comm(task) != "trapcheck":
        return False
    return VICTIM_CPU < 0 or task_cpu(task) == VICTIM_CPU


def in_lock_free_code():
    """The victim runs LOCK_FREE kernel code with interrupts on and
    preempt_count 0: it holds no lock, so it can die there and the kernel
    run on. An Oops with a lock held (a spinlock, or the mmap or VMA lock
    of a page fault, which its own exit then waits for) can stop any
    kernel; that is not what the aftermath matrix judges."""
    return is_victim() and reg("sstatus") & SR_SIE and read32(current_task() + OFF_PREEMPT) == 0


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


def raise_trap(epc, cause, tval):
    """Make the stopped hart take a trap from S-mode at epc, as the
    hardware does: sepc, scause, stval; sstatus SPP=1, SPIE=SIE, SIE=0;
    pc = stvec."""
    status = reg("sstatus")
    new = (status | SR_SPP) & ~(SR_SPIE | SR_SIE)
    if status & SR_SIE:
        new |= SR_SPIE
    setreg("sepc", epc)
    setreg("scause", cause)
    setreg("stval", tval)
    setreg("sstatus", new)
    setreg("pc", reg("stvec") & ~3)


def raise_soft_irq(epc):
    """A supervisor software interrupt with no IPI pending: the handler
    finds nothing to do and returns."""
    raise_trap(epc, INTERRUPT | IRQ_S_SOFT, 0)


def hbreak(addr):
    """A hardware breakpoint; in the aftermath matrix, on the victim's hart
    alone once it is known (gdb resumes the others without asking us)."""
    g = guests.active()
    thread = g.victim_thread if AFTER and g is not None else None
    gdb.execute("hbreak *0x%x%s" % (addr, " thread %d" % thread if thread else ""), to_string=True)


def each_hart():
    """Select each hart (gdb thread) in turn; the selection is restored."""
    sel = gdb.selected_thread()
    try:
        for t in gdb.selected_inferior().threads():
            t.switch()
            yield t
    finally:
        sel.switch()


def hart_task():
    return reg("sscratch") if reg("priv") == 0 else current_task()


def harts():
    """Where each hart is, for a detail: thread, pc, current task."""
    out = []
    for t in each_hart():
        try:
            out.append("hart thread %d at %s in %s" % (t.num, symoff(stop_pc()), comm(hart_task())))
            if TRACE:
                log("  hart thread %d:\n%s" % (t.num, gdb.execute("bt 12", to_string=True)))
        except (gdb.error, gdb.MemoryError):
            out.append("hart thread %d unreadable" % t.num)
    return ", ".join(out)


def thread_of_cpu(cpu):
    """The gdb thread (hart) Linux runs as CPU cpu: OpenSBI's boot hart
    lottery decides which hart is CPU 0."""
    found = None
    for t in each_hart():
        try:
            if task_cpu(hart_task()) == cpu:
                found = t.num
        except gdb.MemoryError:
            pass
    return found


def step1():
    """Execute one instruction of the selected hart, the others stopped.
    QEMU's gdbstub does not stop after single-stepping an sret: there, run
    this hart alone to a temporary breakpoint on the return address."""
    if asm_at(stop_pc()).strip() != "sret":
        gdb.execute("stepi", to_string=True)
        return
    # With sie masked no interrupt can slip in (and schedule another task at
    # the same user pc) before the hart reaches the return address.
    target = reg("sepc")
    sie = reg("sie")
    setreg("sie", 0)
    with locking("on", after="step"):
        bp = gdb.Breakpoint("*0x%x" % target, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True,
                            temporary=True)
        try:
            if not guests.active().cont(10):
                raise StepError("the hart did not come back from sret to %#x" % target)
        finally:
            if bp.is_valid():
                bp.delete()
            setreg("sie", sie)


def step_to(addr, limit=4000, until=None):
    """Single-step the stopped hart alone until it is about to run addr;
    give up at limit steps or on reaching until."""
    with locking("step"):
        for _ in range(limit):
            pc = stop_pc()
            if pc == addr:
                return True
            if pc == until:
                return False
            step1()
        return False


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
        if point.ctx == "U" and EXIT_SCRATCH is not None and (
                point.addr > EXIT_SCRATCH or point.window in ("W1c", "W1c-irq")):
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
    raise_soft_irq(at)
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
