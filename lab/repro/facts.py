# SPDX-License-Identifier: GPL-2.0
"""Static facts about the vmlinux under test, read once through gdb when
first imported: symbols, structure offsets, and where the entry, exit and
switch code's windows start and end (the reading itself is asm.py's)."""

from asm import after_store, exit_windows, fences, first_addr
from gdbio import disasm, ev, func_range, member_offset, offset, sym_addr

# Trap causes the injector raises.
EXC_LOAD_PAGE_FAULT = 13
EXC_STORE_PAGE_FAULT = 15
IRQ_S_SOFT = 1
INTERRUPT = 1 << 63

HE = sym_addr("handle_exception")
RFE = sym_addr("ret_from_exception")
RFE_END = sym_addr("ret_from_exception_end")
# The new-mapping bitmap: its mainline and 6.12 names.
BITMAP_SYM = "new_valid_map_cpus" if sym_addr("new_valid_map_cpus") else "new_vmalloc"
BITMAP = sym_addr(BITMAP_SYM)
OFF_COMM = offset("((struct task_struct *)0)->comm")
OFF_CPU = offset("((struct task_struct *)0)->thread_info.cpu")
OFF_KSP = offset("((struct task_struct *)0)->thread_info.kernel_sp")
OFF_PREEMPT = offset("((struct task_struct *)0)->thread_info.preempt_count")
# The switch fence gated by a mapping generation: the generation of each
# hart's last switch fence (an array indexed by cpu), and each task's
# stack_gen.
FENCED = sym_addr("new_valid_map_fenced") or sym_addr("new_vmalloc_fenced")
OFF_STACK_GEN = member_offset("task_struct", "thread_info.stack_gen")
GATED = FENCED is not None and OFF_STACK_GEN is not None
# The fixed kernels stash the user's tp in thread_info (R2).
OFF_USER_TP = member_offset("task_struct", "thread_info.user_tp")
PT_SIZE_ON_STACK = (int(ev("sizeof(struct pt_regs)")) + 15) & ~15
PT = {f: offset("((struct pt_regs *)0)->" + f)
      for f in ("epc", "sp", "tp", "status", "badaddr", "cause")}
# Where a kernel that did not recover goes.
FAULT_SYMS = {a: s for s, a in ((s, sym_addr(s)) for s in (
    "handle_page_fault", "do_page_fault", "die", "panic", "make_task_dead")) if a}
WATCH = [s for s in ("die", "panic", "make_task_dead") if sym_addr(s)]
NESTING_END = sym_addr("riscv_v_context_nesting_end")
SWITCH_TO = sym_addr("__switch_to")
ECALL_U = sym_addr("do_trap_ecall_u")
DO_IRQ = sym_addr("do_irq")
# CONFIG_SHADOW_CALL_STACK: gp is the shadow call stack pointer in the kernel.
SCS = sym_addr("init_shadow_call_stack") is not None
# The security probe's canary: the victim's process 0 uses its address as
# its tp (guest/repro.list). A text symbol, because /proc/kallsyms lists
# only text without CONFIG_KALLSYMS_ALL; sys_ni_syscall never runs in the
# lab's guest, and kernel text is writable without STRICT_KERNEL_RWX.
CANARY_SYM = "sys_ni_syscall"
CANARY = sym_addr(CANARY_SYM)
CANARY_LEN = 64
# Only the victim's children call sched_setaffinity: once it runs, the
# victim is up and user-context gates stop mostly on the victim.
VICTIM_UP = sym_addr("__riscv_sys_sched_setaffinity") or sym_addr("sched_setaffinity")
# Aftermath, S-context points: kernel code the victim runs that holds no
# lock (trapcheck -z: read(2) of /dev/zero zeroes user memory here).
LOCK_FREE = "__clear_user"

ENTRY = disasm(HE, RFE)
EXIT = disasm(RFE, RFE_END + 2)
# Entry: the outer trap's state is live until its tp is stored to pt_regs.
ENTRY_SAVED = after_store(ENTRY, PT["tp"])
# Exit: sscratch = tp for U returns; then sepc is written; then sret; a
# fault after `csrw sepc` restarts the restore from its load of sstatus.
_EXIT_MARKS = exit_windows(EXIT, PT["status"])
EXIT_SCRATCH = _EXIT_MARKS["scratch"]
EXIT_SEPC = _EXIT_MARKS["sepc"]
EXIT_SRET = _EXIT_MARKS["sret"]
EXIT_RESTORE = _EXIT_MARKS["restore"]
# __switch_to returns into the next task: its ret is where that task has
# not run yet. A kernel that fences there makes W3/W4 faults impossible.
SWITCH = disasm(*func_range(SWITCH_TO)) if SWITCH_TO else []
SWITCH_RET = first_addr(SWITCH, lambda a: a == "ret")
FENCES_AT_SWITCH = fences(SWITCH)


def fenced_addr(cpu):
    """Where the generation of this cpu's last switch fence is."""
    return FENCED + 8 * cpu


def bit_of(cpu):
    """(word address, mask) of cpu's bit in the new-mapping bitmap."""
    return BITMAP + (cpu // 64) * 8, 1 << (cpu % 64)
