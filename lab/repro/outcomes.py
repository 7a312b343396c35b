# SPDX-License-Identifier: GPL-2.0
"""What the injector's observations mean: the judges' logic, with no gdb.
lab/repro/judges.py reads the guest and calls these; tests/test-repro-outcomes.sh
runs them on hand-made observations.
"""

SR_SIE = 1 << 1
SR_SPIE = 1 << 5
SR_SPP = 1 << 8


def switch_outcome(window, cpu, saw_fence, bit):
    """__switch_to entered with this CPU's bit set (SW, SW-old), stepped to
    its ret: (observed, detail). "fenced": the bit cleared and an
    sfence.vma; "kept" (SW-old only): neither, the gate saw the next task
    fenced already; anything else (on SW, the same "neither") "unfenced"."""
    if saw_fence and not bit:
        return "fenced", "cpu %d: bit cleared and sfence.vma before the next task ran" % cpu
    if not saw_fence and bit and window == "SW-old":
        return "kept", "cpu %d: bit still set, no sfence.vma" % cpu
    return "unfenced", "cpu %d: %s, %s" % (cpu, "bit still set" if bit else "bit cleared",
                                         "sfence.vma" if saw_fence else "no sfence.vma")


def outer_trap_lost(saved, outer):
    """Entry points, retried and past the store of tp to pt_regs: the outer
    trap's CSRs and tp must be what the hardware handed it. saved: pt_regs'
    epc, cause, badaddr, status, tp; outer: the sepc, scause, stval,
    sstatus and sscratch at the injection. A list of complaints."""
    bad = []
    for f, r in (("epc", "sepc"), ("cause", "scause"), ("badaddr", "stval")):
        if saved[f] != outer[r]:
            bad.append("%s %#x != %#x" % (f, saved[f], outer[r]))
    if (saved["status"] ^ outer["sstatus"]) & (SR_SPP | SR_SPIE):
        bad.append("status %#x vs %#x" % (saved["status"], outer["sstatus"]))
    if saved["tp"] != outer["sscratch"]:
        bad.append("tp %#x != %#x" % (saved["tp"], outer["sscratch"]))
    return bad


def return_wrong(ctx, seen, want):
    """Exit points, just after the final sret: the privilege, pc and sp the
    outer trap returns to (from its pt_regs); for a return to user mode
    also tp, sscratch = current and thread_info.kernel_sp (seen["ksp"] is
    None if not read). A list of complaints."""
    bad = []
    want_priv = 0 if ctx == "U" else 1
    if seen["priv"] != want_priv:
        bad.append("priv %d != %d" % (seen["priv"], want_priv))
    for r in ("pc", "sp") + (("tp", "sscratch") if ctx == "U" else ()):
        if seen[r] != want[r]:
            bad.append("%s %#x != %#x" % (r, seen[r], want[r]))
    if ctx == "U" and seen["ksp"] is not None and seen["ksp"] != want["ksp"]:
        bad.append("thread_info.kernel_sp %#x != %#x" % (seen["ksp"], want["ksp"]))
    return bad


def irq_wrong(seen, want):
    """An interrupt in the exit window, back at the interrupted instruction:
    still S-mode, and tp, sp, sscratch and thread_info.kernel_sp as they
    were. A list of complaints."""
    bad = []
    if seen["priv"] != 1:
        bad.append("priv %d != 1" % seen["priv"])
    for r in ("tp", "sp", "sscratch"):
        if seen[r] != want[r]:
            bad.append("%s %#x != %#x" % (r, seen[r], want[r]))
    if seen["ksp"] != want["ksp"]:
        bad.append("thread_info.kernel_sp %#x != %#x" % (seen["ksp"], want["ksp"]))
    return bad


def recovery(bit, saw_fence):
    """A retried fault, the context checked: (recovered, detail) from this
    CPU's bit afterwards and whether an sfence.vma ran."""
    if bit:
        return False, "this CPU's bit was not cleared"
    if not saw_fence:
        return False, "no sfence.vma"
    return True, "bit cleared, sfence.vma, access re-executed, context intact"
