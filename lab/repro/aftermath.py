# SPDX-License-Identifier: GPL-2.0
"""The aftermath verdict of the injector (lab/repro/inject.py,
REPRO_AFTER=1), from the console text written since a fault the retry
cannot cure was injected in the victim. No gdb here: tests/test-repro-after.sh runs it on canned
consoles (python3 aftermath.py CONSOLE [gone] prints "observed<TAB>detail").

  survive       exactly one Oops (one die()), in the victim (trapcheck);
                the victim killed (victim-NN not ok); no other kernel
                trouble (lab/trouble.re: a second Oops, WARNING, BUG,
                panic, stall, lockup, recursive fault...); after-NN ok
  no-oops       no Oops: the fault was swallowed (R6)
  trouble       a second Oops or other kernel trouble, or the Oops hit
                another task than the victim, or the victim lived on
  panic         the kernel panicked, or the machine stopped
  after-failed  after-NN not ok, with no kernel trouble
  hang          no result line in time, no trouble seen
(judges.py adds "sscratch": the console survived, but the next task on the
victim's hart started with sscratch still holding the dead victim.)
"""

import os
import re
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# Kernel trouble: lab/trouble.re, shared with lab/verdict.sh.
with open(os.path.join(os.path.dirname(_HERE), "trouble.re")) as _f:
    TROUBLE = "|".join(l.strip() for l in _f if l.strip() and not l.startswith("#"))
KERNEL_TROUBLE = re.compile(TROUBLE)

VICTIM = "trapcheck"     # the victim's comm (guest/trapcheck.c -x)
RESULT_RE = re.compile(r"^(ok|not ok) \d+ (victim|after)-(\d+)\b", re.M)
DIE_RE = re.compile(r"\[#\d+\]")              # die(): "Oops [#1]", "Kernel BUG [#2]"
OOPS_LINE_RE = re.compile(r"Oops|Unable to handle kernel")
FAULT_RE = re.compile(r"Unable to handle kernel")
COMM_RE = re.compile(r"Comm: (\S+)")


def findings(text):
    """die() lines, other trouble lines, the first victim result and the
    after result of the same round (re matches), the task of the first
    Oops."""
    f = {"dies": [], "faults": [], "trouble": [], "victim": None, "after": None, "comm": None}
    for line in text.split("\n"):
        if FAULT_RE.search(line):
            # Each kernel fault's die() comes after it: a second one is a
            # second Oops, even if the machine stopped before its "[#2]".
            f["faults"].append(line.strip())
        if DIE_RE.search(line):
            f["dies"].append(line.strip())
        elif KERNEL_TROUBLE.search(line) and not OOPS_LINE_RE.search(line):
            f["trouble"].append(line.strip())
        if f["dies"] and f["comm"] is None:
            m = COMM_RE.search(line)
            if m:
                f["comm"] = m.group(1)
    for m in RESULT_RE.finditer(text):
        if m.group(2) == "victim" and f["victim"] is None:
            f["victim"] = m
        elif m.group(2) == "after" and f["victim"] is not None and m.group(3) == f["victim"].group(3):
            f["after"] = m
            break
    return f


def settled(f):
    """True once there is nothing more to wait for: the round's after
    result is out."""
    return f["after"] is not None


def second_oops(f):
    """The line of a second Oops (a second die(), or a second kernel fault
    on its way to one), or None."""
    if len(f["dies"]) > 1:
        return f["dies"][1]
    if len(f["faults"]) > 1:
        return f["faults"][1]
    return None


def troubled(f):
    return second_oops(f) is not None or bool(f["trouble"])


def verdict(text, gone, con="console", waited=(20, 40)):
    """(observed, detail). gone: the machine stopped (a clean power-off at
    the end of the list does not count). waited: the seconds given to the
    victim's end and to after-NN's result, for the detail."""
    f = findings(text)
    gone = gone and "reboot: Power down" not in text
    v, a = f["victim"], f["after"]
    vname = "victim-" + v.group(3) if v else "the victim"
    panic = [l for l in f["trouble"] if "Kernel panic" in l]
    again = second_oops(f)
    if panic or (gone and (f["dies"] or f["faults"] or f["trouble"])):
        return "panic", "%s: %s" % (con, (panic or ([again] if again else []) or f["trouble"] or
                                          ["the machine stopped after: " + (f["dies"] + f["faults"])[0]])[0])
    if again:
        return "trouble", "%s: a second Oops: %s" % (con, again)
    if f["trouble"]:
        # "[ cut here ]" only announces the line that says what it is.
        said = [l for l in f["trouble"] if "cut here" not in l] or f["trouble"]
        return "trouble", "%s: %s" % (con, said[0])
    if gone:
        return "panic", "%s: the machine stopped, no message" % con
    if not f["dies"]:
        return "no-oops", "%s: no Oops (the fault was swallowed); %s %s" % (
            con, vname, "ended: " + v.group(0) if v else "still running")
    if f["comm"] != VICTIM:
        return "trouble", "%s: the Oops hit %s, not the victim: %s" % (con, f["comm"], f["dies"][0])
    if v is None:
        return "hang", "%s: %s; the victim did not end within %d s" % (con, f["dies"][0], waited[0])
    if v.group(1) != "not ok":
        return "trouble", "%s: %s, but the victim was not killed: %s" % (con, f["dies"][0], v.group(0))
    if a is None:
        return "hang", "%s: %s, %s killed; no after-%s result within %d s" % (
            con, f["dies"][0], vname, v.group(3), waited[1])
    if a.group(1) != "ok":
        return "after-failed", "%s: %s, %s killed; then %s" % (con, f["dies"][0], vname, a.group(0))
    return "survive", "%s: one Oops (%s), %s killed, after-%s ok" % (
        con, f["dies"][0].split("] ", 1)[-1], vname, v.group(3))


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as fh:
        txt = fh.read().decode("utf-8", "replace").replace("\r", "")
    print("%s\t%s" % verdict(txt, len(sys.argv) > 2 and sys.argv[2] == "gone",
                             os.path.basename(sys.argv[1])))
