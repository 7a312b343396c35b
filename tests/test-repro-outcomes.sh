#!/usr/bin/env bash
# lab/repro/outcomes.py, the injector's judges' logic, on hand-made
# observations (no gdb, no QEMU). Every check fails on some plausible wrong
# judge (a field not compared, the wrong privilege, SW taken for SW-old).
. "$(dirname "$0")/lib.sh"
check() { py_check outcomes "$@"; }
check "SW: bit cleared after a fence is fenced" 'switch_outcome("SW", 0, True, 0)[0] == "fenced"'
check "SW: bit kept, no fence is unfenced (the unfixed kernel)" 'switch_outcome("SW", 0, False, 1)[0] == "unfenced"'
check "SW-old: bit kept, no fence is kept" 'switch_outcome("SW-old", 0, False, 1)[0] == "kept"'
check "SW-old: a fence is fenced (the gate did not save it)" 'switch_outcome("SW-old", 0, True, 0)[0] == "fenced"'
check "a fence that left the bit set is unfenced" 'switch_outcome("SW", 1, True, 2)[0] == "unfenced"'
check "the bit cleared with no fence is unfenced" 'switch_outcome("SW", 1, False, 0) == ("unfenced", "cpu 1: bit cleared, no sfence.vma")'
O='dict(sepc=0x10, scause=13, stval=0x20, sstatus=0x120, sscratch=0x30)'
S='dict(epc=0x10, cause=13, badaddr=0x20, status=0x120, tp=0x30)'
check "entry: the outer trap saved as it came" "outer_trap_lost($S, $O) == []"
check "entry: a lost sepc is named" "outer_trap_lost({**$S, 'epc': 0x14}, $O) == ['epc 0x14 != 0x10']"
check "entry: a lost SPP is named, SIE is not compared" \
	"len(outer_trap_lost({**$S, 'status': 0x20}, $O)) == 1 and outer_trap_lost({**$S, 'status': 0x122}, $O) == []"
check "entry: the user's tp saved as tp" "outer_trap_lost({**$S, 'tp': 0}, $O) == ['tp 0x0 != 0x30']"
W='dict(pc=0x100, sp=0x200, tp=0x300, sscratch=0x400, ksp=0x500)'
U='dict(priv=0, pc=0x100, sp=0x200, tp=0x300, sscratch=0x400, ksp=0x500)'
check "exit to U: all as pt_regs said" "return_wrong('U', $U, $W) == []"
check "exit to U: sscratch not current" "return_wrong('U', {**$U, 'sscratch': 0}, $W) == ['sscratch 0x0 != 0x400']"
check "exit to U: kernel_sp moved" "return_wrong('U', {**$U, 'ksp': 0x508}, $W) == ['thread_info.kernel_sp 0x508 != 0x500']"
check "exit to U: kernel_sp not read is not judged" "return_wrong('U', {**$U, 'ksp': None}, $W) == []"
check "exit to U: still in S-mode" "return_wrong('U', {**$U, 'priv': 1}, $W) == ['priv 1 != 0']"
check "exit to S: tp and sscratch are not judged" \
	"return_wrong('S', {**$U, 'priv': 1, 'tp': 0, 'sscratch': 0}, $W) == []"
check "exit to S: a wrong pc" "return_wrong('S', {**$U, 'priv': 1, 'pc': 0x104}, $W) == ['pc 0x104 != 0x100']"
I='dict(priv=1, tp=1, sp=2, sscratch=3, ksp=4)'
check "interrupt: came back as it was" "irq_wrong($I, $I) == []"
check "interrupt: sscratch lost" "irq_wrong({**$I, 'sscratch': 0}, $I) == ['sscratch 0x0 != 0x3']"
check "interrupt: returned to U-mode" "irq_wrong({**$I, 'priv': 0}, $I) == ['priv 0 != 1']"
check "recovery: bit cleared and fenced" "recovery(0, True)[0]"
check "recovery: the bit left set" "recovery(4, True) == (False, \"this CPU's bit was not cleared\")"
check "recovery: no fence" "recovery(0, False) == (False, 'no sfence.vma')"
t_done
