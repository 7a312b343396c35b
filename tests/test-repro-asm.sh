#!/usr/bin/env bash
# lab/repro/asm.py, the injector's reading of the disassembly, on
# hand-written instruction sequences (no gdb, no QEMU): where the windows
# start and end decides every point of the matrix.
. "$(dirname "$0")/lib.sh"
check() { py_check asm "$@"; }
check "a store through sp, with its offset" 'sp_access("sd ra,8(sp)") == ("store", 8)'
check "a load through sp" 'sp_access("ld a0,264(sp)") == ("load", 264)'
check "an AMO through sp is a store" 'sp_access("amoswap.w zero,a0,(sp)") == ("store", 0)'
check "a float store through sp" 'sp_access("fsd fs0,-16(sp)") == ("store", -16)'
check "sp arithmetic is no access" 'sp_access("addi sp,sp,-16") is None'
check "an access through another register is none" 'sp_access("ld a5,0(a4)") is None'
check "a jal's target" 'call_targets([(0x1000, "jal ra,0x2000 <f>", 4)]) == {0x2000}'
check "an auipc+jalr pair's target" \
	'call_targets([(0x1000, "auipc ra,0x1", 4), (0x1004, "jalr ra,-16(ra)", 4)]) == {0x1ff0}'
check "a negative auipc" \
	'call_targets([(0x100000, "auipc t1,0xfffff", 4), (0x100004, "jalr t1,8(t1)", 4)]) == {0xff008}'
check "an auipc not followed by its jalr is no call" \
	'call_targets([(0x1000, "auipc a0,0x1", 4), (0x1004, "addi a0,a0,8", 4)]) == set()'
E='[(0, "csrrw tp,sscratch,tp", 4), (4, "sd sp,16(tp)", 4), (8, "sd tp,32(sp)", 4), (12, "csrw sscratch,zero", 4)]'
check "the entry's state is live up to its store of tp to pt_regs" "after_store($E, 32) == 12"
check "no such store: None" "after_store($E, 40) is None"
X='[(0, "ld a0,256(sp)", 4), (4, "csrw sscratch,tp", 4), (8, "ld a0,256(sp)", 4), (12, "csrw sepc,a2", 4), (16, "ld sp,16(sp)", 4), (20, "sret", 4)]'
check "the exit path's marks" \
	"exit_windows($X, 256) == {'scratch': 4, 'sepc': 12, 'sret': 20, 'restore': 8}"
check "a restore load before the sscratch write is not the restart point" \
	"exit_windows($X[:2], 256)['restore'] is None"
check "an exit path to S-mode only: no sscratch mark" \
	"exit_windows([(0, 'csrw sepc,a2', 4), (4, 'sret', 4)], 256)['scratch'] is None"
check "a fence at switch is seen" 'fences([(0, "sfence.vma", 4)]) and not fences([(0, "ret", 2)])'
t_done
