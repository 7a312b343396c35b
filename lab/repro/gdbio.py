# SPDX-License-Identifier: GPL-2.0
"""The injector's few words with gdb: symbols, registers, memory, the
disassembly and scheduler locking. Everything else in lab/repro speaks
through these."""

import bisect
import subprocess
from contextlib import contextmanager

import gdb

MASK64 = 0xFFFFFFFFFFFFFFFF


def log(msg):
    print("[repro] " + msg, flush=True)


def ev(expr):
    return gdb.parse_and_eval(expr)


def u64(v):
    return int(v) & MASK64


def sym_addr(name):
    """The address of a symbol, None if this vmlinux has none."""
    try:
        return u64(ev("(unsigned long)&%s" % name))
    except gdb.error:
        return None


def offset(expr):
    return int(ev("(unsigned long)&(%s)" % expr))


def member_offset(struct, member):
    """offsetof(struct STRUCT, MEMBER), None if this kernel has no such member."""
    try:
        return offset("((struct %s *)0)->%s" % (struct, member))
    except gdb.error:
        return None


def reg(name):
    return u64(gdb.selected_frame().read_register(name))


def setreg(name, val):
    gdb.execute("set $%s = %d" % (name, val), to_string=True)


def stop_pc():
    return reg("pc")


def read32(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 4)), "little")


def read64(addr):
    return int.from_bytes(bytes(gdb.selected_inferior().read_memory(addr, 8)), "little")


def write64(addr, val):
    gdb.selected_inferior().write_memory(addr, val.to_bytes(8, "little"))


def read_bytes(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def current_file():
    return gdb.current_progspace().filename


def delete_breakpoints():
    gdb.execute("delete", to_string=True)


@contextmanager
def locking(mode, after="off"):
    """gdb's scheduler-locking MODE for the block ("step": only the stepped
    hart moves on stepi; "on": only the selected hart runs at all), AFTER
    once it is left."""
    gdb.execute("set scheduler-locking %s" % mode, to_string=True)
    try:
        yield
    finally:
        gdb.execute("set scheduler-locking %s" % after, to_string=True)


ARCH = gdb.selected_inferior().architecture()


def asm_at(pc):
    """The instruction at pc as gdb prints it, "" if unreadable."""
    try:
        return ARCH.disassemble(pc)[0]["asm"]
    except gdb.MemoryError:
        return ""


def disasm(start, end):
    """[(address, instruction, length)] of [start, end)."""
    return [(u64(i["addr"]), i["asm"].split("#")[0].strip().replace("\t", " "), i["length"])
            for i in ARCH.disassemble(start, end - 1)
            if u64(i["addr"]) < end]


def func_range(addr):
    """The [start, end) of the function holding addr, from its debug
    information or else from its ELF symbol (clang assembles entry.S
    without the former)."""
    blk = gdb.block_for_pc(addr)
    while blk is not None and blk.function is None:
        blk = blk.superblock
    if blk is not None:
        return u64(blk.start), u64(blk.end)
    return elf_range(addr)


_ELF_FUNCS = None


def elf_range(addr):
    """[start, end) of the sized text symbol holding addr (nm -S), or None."""
    global _ELF_FUNCS
    if _ELF_FUNCS is None:
        out = subprocess.run(["riscv64-linux-gnu-nm", "-S", "--defined-only", current_file()],
                             capture_output=True, text=True, check=True).stdout
        _ELF_FUNCS = sorted((int(f[0], 16), int(f[0], 16) + int(f[1], 16))
                            for f in (line.split() for line in out.splitlines())
                            if len(f) == 4 and f[2] in "tT" and int(f[1], 16) > 0)
    i = bisect.bisect_right(_ELF_FUNCS, (addr, float("inf"))) - 1
    if i >= 0 and _ELF_FUNCS[i][0] <= addr < _ELF_FUNCS[i][1]:
        return _ELF_FUNCS[i]
    return None


def symoff(a):
    """symbol+offset of an address, for people."""
    try:
        s = gdb.execute("info symbol 0x%x" % a, to_string=True).split()
        if len(s) >= 3 and s[1] == "+":
            return "%s+%s" % (s[0], s[2])
        return s[0]
    except gdb.error:
        return "0x%x" % a
