# SPDX-License-Identifier: GPL-2.0
"""Instructions the entry, exit and switch code retire, by path, counted by
single-stepping one hart under QEMU's gdbstub: from stvec to the C
handler, from ret_from_exception through sret, and __switch_to from entry
through ret. The median of SAMPLES runs of each. Run by lab/repro.sh with
REPRO_COUNT=1 (lab/cost.sh) as
    gdb-multiarch -batch -nx -ex 'file VMLINUX' -x lab/repro/count.py
with REPRO_OUT and REPRO_QEMU as for inject.py; writes REPRO_OUT/cost.tsv.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest as guests  # noqa: E402
from config import COUNT_GATE_TIMEOUT, OUT, SAMPLES  # noqa: E402
from facts import DO_IRQ, ECALL_U, EXIT_SRET, HE, RFE, SWITCH_RET, SWITCH_TO  # noqa: E402
from gdbio import delete_breakpoints, locking, log, reg, stop_pc, symoff  # noqa: E402
from hart import (StepError, from_user, gate, is_victim, returning_to_user,  # noqa: E402
                  step1, wait_victim)

VICTIM_BOOT_TIMEOUT = 120   # seconds for the victim to come up
COUNT_LIMIT = 3000          # instructions on any one path

# name, where it starts, when a stop there counts, where it ends, and
# instructions after the end that belong to it (the sret, the ret).
PATHS = [
    ("syscall-entry", HE, lambda: from_user() and is_victim() and reg("scause") == 8, {ECALL_U}, 0),
    ("user-return", RFE, lambda: returning_to_user() and is_victim(), {EXIT_SRET}, 1),
    ("kernel-irq-entry", HE, lambda: not from_user() and reg("scause") >> 63, {DO_IRQ}, 0),
    ("kernel-return", RFE, lambda: not returning_to_user(), {EXIT_SRET}, 1),
    ("switch-to", SWITCH_TO, lambda: True, {SWITCH_RET}, 1),
]


def count_to(stops, limit=COUNT_LIMIT):
    """Single-step the stopped hart alone until its pc is in stops; return
    how many instructions it executed (each step retires exactly one)."""
    n = 0
    with locking("step"):
        while stop_pc() not in stops:
            if n >= limit:
                raise StepError("no %s within %d instructions" % (
                    "/".join(symoff(a) for a in stops), limit))
            step1()
            n += 1
    return n


def main():
    guest = guests.boot(1)
    out = open(os.path.join(OUT, "cost.tsv"), "w")
    out.write("path\tinstructions\tsamples\n")
    if not wait_victim(guest, time.time() + VICTIM_BOOT_TIMEOUT):
        raise StepError("the victim did not come up")
    for name, start, want, stops, extra in PATHS:
        got = []
        for _ in range(SAMPLES):
            delete_breakpoints()
            if not gate(guest, start, want, time.time() + COUNT_GATE_TIMEOUT):
                raise StepError("%s: gate %s not reached" % (name, symoff(start)))
            got.append(count_to(stops) + extra)
        got.sort()
        out.write("%s\t%d\t%s\n" % (name, got[len(got) // 2], ",".join(map(str, got))))
        log("%s: %d instructions (samples %s)" % (name, got[len(got) // 2], got))
    out.close()
    guest.close()


guests.run(main)
