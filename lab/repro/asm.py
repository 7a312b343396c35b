"""What the injector reads from the disassembly, without gdb.

An instruction is (address, text, length), the text as gdb prints it with
its comment dropped ("sd ra,8(sp)"). inject.py disassembles the entry, exit
and switch code with gdb and asks these functions where the windows are;
tests/test-repro-asm.sh checks them on hand-written sequences.
"""
import re


def sp_access(asm):
    """(kind, offset) if asm accesses memory through sp, else None."""
    m = re.match(r"^(\S+)\s+(.*)$", asm)
    if not m:
        return None
    mn, ops = m.group(1), m.group(2)
    a = re.search(r"(-?\d+)?\(sp\)", ops)
    if not a:
        return None
    off = int(a.group(1) or 0)
    if mn.startswith(("sc.", "amo")) or re.match(r"^c?\.?f?s[bhwdq]$", mn):
        return ("store", off)
    if mn.startswith("lr.") or re.match(r"^c?\.?f?l[bhwdq]u?$", mn):
        return ("load", off)
    return None


def call_targets(insns):
    """Targets of the calls in insns: jal with an address, and auipc+jalr
    pairs (gdb does not annotate those)."""
    out = set()
    for k, (a, asm, _) in enumerate(insns):
        m = re.match(r"^jal\s+(?:ra,\s*)?(0x[0-9a-f]+)", asm)
        if m:
            out.add(int(m.group(1), 16))
        m = re.match(r"^auipc\s+(\w+),\s*(0x[0-9a-f]+|\d+)$", asm)
        if m and k + 1 < len(insns):
            m2 = re.match(r"^jalr\s+(?:\w+,\s*)?(-?\d+)\((\w+)\)$", insns[k + 1][1])
            if m2 and m2.group(2) == m.group(1):
                hi = int(m.group(2), 0) & 0xFFFFF
                if hi & 0x80000:
                    hi -= 0x100000
                out.add((a + (hi << 12) + int(m2.group(1))) & 0xFFFFFFFFFFFFFFFF)
    return out


def last_addr(insns, pred):
    found = None
    for a, asm, _ in insns:
        if pred(asm):
            found = a
    return found


def first_addr(insns, pred):
    for a, asm, _ in insns:
        if pred(asm):
            return a
    return None


def is_csrw(asm, csr, src):
    return re.match(r"^csrw\s+%s,\s*%s$" % (csr, src), asm) is not None


def after_store(insns, off):
    """The address after the first store to off(sp), or None. In the entry
    code, with off = pt_regs' tp: until then the outer trap's state is live
    (the unfixed kernels zero sscratch right after that store)."""
    for k, (a, asm, _) in enumerate(insns):
        if sp_access(asm) == ("store", off) and k + 1 < len(insns):
            return insns[k + 1][0]
    return None


def exit_windows(insns, status_off):
    """The exit path's marks, as a dict: "scratch", its csrw sscratch, tp (a
    return to U-mode); "sepc", its first csrw sepc; "sret", its last sret;
    "restore", where a fault after csrw sepc restarts the register restore:
    the first load of sstatus from pt_regs (off status_off) into a0 after
    the sscratch write. A mark not found is None."""
    scratch = first_addr(insns, lambda s: is_csrw(s, "sscratch", "tp"))
    return {
        "scratch": scratch,
        "sepc": first_addr(insns, lambda s: re.match(r"^csrw\s+sepc,", s) is not None),
        "sret": last_addr(insns, lambda s: s == "sret"),
        "restore": next((a for a, asm, _ in insns
                         if scratch is not None and a > scratch
                         and re.match(r"^ld\s+a0,\s*%d\(sp\)$" % status_off, asm)), None),
    }


def fences(insns):
    """Whether insns hold an sfence.vma."""
    return any(asm.startswith("sfence.vma") for _, asm, _ in insns)
