# SPDX-License-Identifier: GPL-2.0
"""What lab/repro.sh asked of this run (the environment it exports; see
inject.py), and how long the injector waits for what."""

import os

OUT = os.environ["REPRO_OUT"]
QEMU = os.environ.get("REPRO_QEMU", "")
ONLY = [s for s in os.environ.get("REPRO_ONLY", "").split(",") if s]
LIST_ONLY = os.environ.get("REPRO_LIST", "") == "1"
TRACE = os.environ.get("REPRO_TRACE", "") == "1"
AFTER = os.environ.get("REPRO_AFTER", "") == "1"
ROUNDS = int(os.environ.get("REPRO_ROUNDS", "0") or 0)
# Aftermath: victims only on this CPU, which no other user task uses (init
# runs on CPU 0, lab.cpu=0): once the victim died there, that CPU idles on
# interrupts until the after workload, with whatever state the Oops left.
VICTIM_CPU = int(os.environ.get("REPRO_VICTIM_CPU", "-1") or -1)

# Seconds to reach a point's gate. Every trap of every hart can stop at a
# gate's breakpoint, and on a slow host the interrupts those stops let
# through starve the victim: on one 2-core machine (2026-12-02) a cold
# make check missed a matrix gate (W3-tp of v7.3 stable) in 40 s, and the
# cost count's system-call gate was met 3 times in 40 s and then not in the
# next 40 (12 user traps, none a system call; REPRO_TRACE=1 shows each
# miss). No point is expected unreached, so a longer wait costs nothing
# where the gates are met.
GATE_TIMEOUT = 120
COUNT_GATE_TIMEOUT = 300  # cost: the same for each path's gate
STALE_TIMEOUT = 10     # aftermath: seconds to the switch away from the victim
STEP_LIMIT = 600       # instructions stepped after an injection
SWITCH_STEP_LIMIT = 400  # instructions from __switch_to's entry to its ret
NEST_PUSH_LIMIT = 64   # W1-nest: instructions from do_irq's entry to its shadow call stack push
SETTLE = 0.7           # seconds the guest runs on after a recovery
OOPS_TIMEOUT = 15      # seconds to wait for a non-recovered point's outcome
VICTIM_TIMEOUT = 20    # aftermath: seconds from the injection to the victim's end
AFTER_TIMEOUT = 40     # aftermath: seconds from the victim's end to after-NN's
GRACE = 2              # aftermath: seconds the console runs on after trouble
SAMPLES = 5            # cost: runs of each path, the median counts
