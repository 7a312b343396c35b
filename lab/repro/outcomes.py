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
