#!/usr/bin/env bash
# lab/tree-tests-judge.sh, lab/tree-tests.sh's comparison: a test or subtest that passes on the
# unfixed kernel and not with the series fails it; one that fails on both
# is recorded, not judged. Console logs as the guest's init prints them.
. "$(dirname "$0")/lib.sh"
log() {
	cat <<LOG
[    0.3] Run /init as init process
KTAP version 1
1..3
# Subtest: ksft-riscv-hwprobe
    TAP version 13
    1..2
    ok 1 NULL CPU set
    $1 2 Bad CPU set
ok 1 ksft-riscv-hwprobe # 0.0 s
# Subtest: ksft-riscv-sigreturn
    not ok 1 global.vector_restore
not ok 2 ksft-riscv-sigreturn # exit status 1
# Subtest: ksft-riscv-vstate_ptrace
    ok 1 # SKIP Vectors not supported
ok 3 ksft-riscv-vstate_ptrace # SKIP
lab-init: done
LOG
}
log ok >"$T_TMP/base.log"
log ok >"$T_TMP/same.log"
log "not ok" >"$T_TMP/worse.log"
grep -v "Bad CPU" "$T_TMP/base.log" >"$T_TMP/gone.log"
tt() { bash "$ROOT/lab/tree-tests-judge.sh" "$T_TMP/base.log" "$1" "$T_TMP/res"; }
expect_rc 0 "the same results pass" tt "$T_TMP/same.log"
expect_out "0 regressions, 2 failing on both" "tests failing on both kernels are counted, not judged"
grep -q '^ksft-riscv-hwprobe/Bad_CPU_set pass pass ok$' "$T_TMP/res/results.txt" &&
	ok "results.txt has base and patched side by side" || not_ok "results.txt lacks the subtest line"
expect_rc 1 "a subtest that passed before and fails now fails the comparison" tt "$T_TMP/worse.log"
expect_out "Bad_CPU_set pass fail REGRESSION" "and names it"
expect_rc 1 "a subtest that vanished fails the comparison" tt "$T_TMP/gone.log"
expect_rc 1 "a log with no results fails" bash "$ROOT/lab/tree-tests.sh" --compare /dev/null /dev/null "$T_TMP/res"
t_done
