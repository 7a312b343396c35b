# SPDX-License-Identifier: GPL-2.0
"""The points of the matrix: every kernel-stack access of the entry and
exit code (and of C code the exit window calls), each in the contexts
(U/S) and the window (inject.py's docstring) it is in, plus the controls
and the switch points."""

from dataclasses import dataclass, field

from asm import call_targets, sp_access
from facts import (CANARY, ECALL_U, ENTRY, ENTRY_SAVED, EXIT, EXIT_SCRATCH, EXIT_SEPC, GATED,
                   NESTING_END, SCS, SWITCH_TO)
from gdbio import disasm, func_range, symoff


@dataclass
class Point:
    id: str
    addr: int
    asm: str
    kind: str               # "load", "store" or "none"
    off: int                # the access's offset from sp
    ctx: str                # "U" or "S": where the outer trap came from / returns to
    window: str
    gate: str               # "entry", "exit", "ccode", "switch"
    genuine: bool = False   # injected with this CPU's bit clear
    canary: bool = False    # W3-tp: judged on the canary
    refault: bool = False   # the retried access faults again
    irq: bool = False       # an interrupt, not a fault
    nest: bool = False      # W1-nest: and a second one in its handler
    where: str = field(init=False)

    def __post_init__(self):
        self.where = symoff(self.addr)


def enumerate_points():
    pts = []

    def add(*a, **k):
        pts.append(Point("P%03d" % (len(pts) + 1), *a, **k))

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
        rng = func_range(NESTING_END) if called else None
        for a, asm, _ in disasm(*rng) if rng else []:
            acc = sp_access(asm)
            if acc:
                add(a, asm, acc[0], acc[1], "U", "W1c", "exit")
    # Not a fault: an interrupt taken at the first W1 and W1c point stands for
    # any other trap taken in the window (R3: a WARN() in
    # riscv_v_context_nesting_end traps with ebreak and returns). It must come
    # back with sscratch, tp and sp as they were.
    # With the shadow call stack, a trap nested in the handler of such a
    # trap must run on the shadow call stack where that handler had it: the
    # interrupt at the first W1 point again, and a second one in do_irq once
    # it pushed its return address there (W1-nest, judges.py nest_in_handler).
    for w in ("W1", "W1c"):
        first = next((p for p in pts if p.window == w), None)
        if first is not None:
            add(first.addr, first.asm, first.kind, first.off, "U", w + "-irq", "exit", irq=True)
            if SCS and w == "W1":
                add(first.addr, first.asm, first.kind, first.off, "U", "W1-nest", "exit", irq=True, nest=True)
    # Controls: the first stack store of a C syscall handler.
    rng = func_range(ECALL_U) if ECALL_U else None
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
