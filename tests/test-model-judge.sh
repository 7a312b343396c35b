#!/usr/bin/env bash
# lab/model-judge.sh and lab/model-where.sh on canned runs: a die check
# passes only if a run died; a survive check only if every run passed and
# the model raised faults; the faults' places are counted by symbol.
. "$(dirname "$0")/lib.sh"

# run DIR N KIND: runN.log of KIND (pass, oops, fail, loop) with its
# companions.
run() {
	local f=$1/run$2.log
	mkdir -p "$1"
	case "$3" in
	pass) printf 'ok 1 ksft-riscv-vmap_stack_stress\n' >"$f"; echo "verdict: PASS 1/1 tests ok" >"$f.verdict" ;;
	oops) printf '[   28.27] Unable to handle kernel paging request at virtual address ff20\n[   28.28] Oops [#1]\n[   28.29] epc : handle_exception+0x9e/0x16a ra : x\n' >"$f"
		echo "verdict: FAIL 0/1 tests ok" >"$f.verdict" ;;
	fail) printf 'not ok 1 ksft-riscv-vmap_stack_stress\n' >"$f"; echo "verdict: FAIL 0/1 tests ok" >"$f.verdict" ;;
	loop) printf '[  146.52] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n' >"$f"
		echo "verdict: FAIL [trouble] 0/1 tests ok" >"$f.verdict"
		echo "the model's trace passed 200000000 bytes at 99 s: QEMU stopped" >"$f.trace.stopped" ;;
	esac
	printf 'hits %s\nmatches 40\nfences 100\nseconds 30\n' "${4:-7}" >"$f.model"
}
judge() { bash "$ROOT/lab/model-judge.sh" "$1" "$2" "$3" /nonexistent "canned"; }

run "$T_TMP/a" 1 pass; run "$T_TMP/a" 2 oops
expect_rc 0 "die: one of two runs died" judge "$T_TMP/a" die 2
expect_out "1 of 2 runs died" "it says how many runs died"
expect_out "handle_exception\+0x9e" "and where"
expect_rc 1 "survive: a run that died fails it" judge "$T_TMP/a" survive 2
run "$T_TMP/b" 1 pass; run "$T_TMP/b" 2 pass
expect_rc 1 "die: no run died fails it" judge "$T_TMP/b" die 2
expect_rc 0 "survive: every run passed, faults raised" judge "$T_TMP/b" survive 2
run "$T_TMP/c" 1 pass 0
expect_rc 1 "survive: a model that raised no fault proves nothing" judge "$T_TMP/c" survive 1
run "$T_TMP/d" 1 pass; run "$T_TMP/d" 2 fail
expect_rc 1 "survive: a failed test without an Oops fails it" judge "$T_TMP/d" survive 2
expect_out "1 failed otherwise" "and is counted apart"
run "$T_TMP/e" 1 pass; run "$T_TMP/e" 2 loop
expect_rc 0 "die: a run stopped in a fault loop counts as the bug seen" judge "$T_TMP/e" die 2
expect_out "0 of 2 runs died, 1 hung in a fault loop" "it says so"
expect_rc 1 "survive: a run that hung in a fault loop fails it" judge "$T_TMP/e" survive 2
run "$T_TMP/f" 1 fail
expect_rc 1 "die: a failed run without an Oops or a loop is not the bug seen" judge "$T_TMP/f" die 1

# model-where.sh: a tiny riscv64 ELF with the entry symbols.
if command -v "${CROSS_COMPILE:-riscv64-linux-gnu-}as" >/dev/null; then
	cat >"$T_TMP/k.S" <<'ASM'
	.text
	.globl handle_exception, ret_from_exception, __switch_to, copy_thread
handle_exception: .space 0x100
ret_from_exception: .space 0x100
__switch_to: .space 0x100
copy_thread: .space 0x100
ASM
	"${CROSS_COMPILE:-riscv64-linux-gnu-}as" -o "$T_TMP/k.o" "$T_TMP/k.S"
	"${CROSS_COMPILE:-riscv64-linux-gnu-}ld" -Ttext=0xffffffff80001000 -e 0 -o "$T_TMP/vmlinux" "$T_TMP/k.o"
	{
		echo "riscv_stale_tlb_trap hart:0 epc:0xffffffff80001010 tval:0xff2"
		echo "riscv_stale_tlb_trap hart:1 epc:0xffffffff80001110 tval:0xff2"
		echo "riscv_stale_tlb_trap hart:1 epc:0xffffffff80001310 tval:0xff2"
		echo "riscv_stale_tlb_trap hart:2 epc:0xffffffff80001312 tval:0xff2"
	} >"$T_TMP/trace"
	expect_rc 0 "model-where.sh reads a trace" bash "$ROOT/lab/model-where.sh" "$T_TMP/trace" "$T_TMP/vmlinux"
	expect_out "^1 entry$" "a fault in handle_exception is at the entry"
	expect_out "^1 exit$" "one in ret_from_exception at the exit"
	expect_out "^2 other$" "the rest elsewhere"
	expect_out "^1 copy_thread\+0x12$" "by symbol+offset"
else
	ok "# SKIP model-where.sh: no riscv64 assembler"
fi
t_done
