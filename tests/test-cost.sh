#!/usr/bin/env bash
# lab/cost.sh holds the instructions the series adds to the budget of the
# fix issue: +5 on a syscall round trip, +2 on a kernel-origin trap.
. "$(dirname "$0")/lib.sh"
export LAB_OUT=$T_TMP/labout COST_COUNTS=$T_TMP
counts() { # FILE syscall-entry user-return kernel-irq-entry kernel-return switch-to
	printf 'path\tinstructions\tsamples\nsyscall-entry\t%d\tx\nuser-return\t%d\tx\nkernel-irq-entry\t%d\tx\nkernel-return\t%d\tx\nswitch-to\t%d\tx\n' \
		"$2" "$3" "$4" "$5" "$6" >"$T_TMP/$1.tsv"
}
counts base 68 47 71 44 40
counts patched 72 47 71 44 50
expect_rc 0 "+4 on a syscall, +0 on an interrupt is within budget" bash "$ROOT/lab/cost.sh" 7.3
grep -q '^ok 1 syscall round trip: +4' "$LAB_OUT/cost-7.3/ktap.txt" && ok "and KTAP says +4" || not_ok "KTAP lacks +4"
counts patched 72 49 71 44 50
expect_rc 1 "+6 on a syscall round trip fails" bash "$ROOT/lab/cost.sh" 7.3
expect_out "more than the budget" "and says so"
counts patched 68 47 73 45 40
expect_rc 1 "+3 on a kernel-origin trap fails" bash "$ROOT/lab/cost.sh" 7.3
grep -q '^not ok 2 kernel-origin interrupt: +3' "$LAB_OUT/cost-7.3/ktap.txt" && ok "and KTAP says which" || not_ok "KTAP lacks the failure"
t_done
