#!/usr/bin/env bash
# lab/kunit-judge.sh, lab/verdict.sh's KUnit part, on canned consoles: a
# suite that passes; one whose case fails (named, with KUnit's reason); one
# that never ran; one cut off before its plan was met.
. "$(dirname "$0")/lib.sh"

# console FILE CASE4 CASE5: a boot whose suite prints "ok"/"not ok" for its
# cases 4 and 5 ("-" leaves a case out: the suite stopped there).
console() {
	{
		echo '[    0.90] KTAP version 1'
		echo '[    0.90] 1..1'
		echo '[    0.91]     KTAP version 1'
		echo '[    0.91]     # Subtest: riscv_new_mapping'
		echo '[    0.91]     # module: new_mapping_kunit'
		echo '[    0.91]     1..5'
		echo '[    0.92]     ok 1 new_mapping_marks_every_cpu'
		echo '[    0.93]     ok 2 fault_fences_only_this_cpu'
		echo '[    0.93]     ok 3 vmalloc_marks_this_cpu'
		[ "$2" = - ] || echo "[    0.94]     $2 4 vmap_marks_this_cpu"
		if [ "$3" = "not ok" ]; then
			echo '[    1.10]     # task_switch_fences: EXPECTATION FAILED at arch/riscv/kernel/tests/new_mapping_kunit.c:291'
			echo '[    1.10]     Expected w->cleared to be true, but is false'
			echo "[    1.10]     CPU 0's bit still set after 20 task switches"
		fi
		[ "$3" = - ] || echo "[    1.11]     $3 5 task_switch_fences"
		[ "$3" = - ] || echo "[    1.11] $3 1 riscv_new_mapping"
		echo '[    1.50] Run /init as init process'
		echo 'KTAP version 1'
		echo '1..1'
		echo 'ok 1 trapcheck'
		echo 'lab-init: done'
		echo '[    3.00] reboot: Power down'
	} | sed 's/$/\r/' >"$1"
}
judge() { bash "$ROOT/lab/kunit-judge.sh" "$@"; }

console "$T_TMP/pass.log" ok ok
expect_rc 0 "a suite whose cases all pass passes" judge "$T_TMP/pass.log"
expect_out "PASS riscv_new_mapping: 5 of 5 test cases ok" "it says so"
console "$T_TMP/fail.log" ok "not ok"
expect_rc 1 "a failed case fails the suite" judge "$T_TMP/fail.log"
expect_out "^kunit: not ok task_switch_fences" "the case is named"
expect_out "still set after 20 task switches" "with KUnit's reason"
expect_rc 1 "a suite that never ran fails" judge "$T_TMP/pass.log" no_such_suite
expect_out "did not run" "it says the suite did not run"
console "$T_TMP/cut.log" ok -
expect_rc 1 "a suite cut off before its plan is met fails" judge "$T_TMP/cut.log"
expect_out "4 of 5 test cases ok" "it counts what ran"

# A long console after the suite: the judge reads it to the end (it used to
# stop reading at the suite's last line, and under pipefail the writer's
# SIGPIPE then failed the judge, silently, when the console outran the pipe).
cp "$T_TMP/pass.log" "$T_TMP/long.log"
seq 1 200000 | sed 's/^/[    2.00] line /' >>"$T_TMP/long.log"
expect_rc 0 "a passing suite followed by a long console passes" judge "$T_TMP/long.log"
expect_out "PASS riscv_new_mapping: 5 of 5" "it says so"

# verdict.sh judges the suite when VERDICT_KUNIT names it, and only then.
expect_rc 0 "verdict: a passing suite" env VERDICT_KUNIT=riscv_new_mapping bash "$ROOT/lab/verdict.sh" "$T_TMP/pass.log"
expect_out "kunit riscv_new_mapping: 5 of 5" "the verdict reports the suite"
expect_rc 1 "verdict: a failed case fails the boot" env VERDICT_KUNIT=riscv_new_mapping bash "$ROOT/lab/verdict.sh" "$T_TMP/fail.log"
expect_out "not ok task_switch_fences" "and names it"
expect_rc 0 "verdict: without VERDICT_KUNIT the suite is not judged" env VERDICT_KUNIT= bash "$ROOT/lab/verdict.sh" "$T_TMP/fail.log"
t_done
