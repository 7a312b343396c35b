#!/usr/bin/env bash
# lab/cost-judge.sh (the judge of lab/cost.sh) holds the instructions the
# series adds to the budget of issue 12: +2 on a syscall round trip, +0
# on a kernel-origin trap, +8 on a context switch.
. "$(dirname "$0")/lib.sh"
counts() { # FILE syscall-entry user-return kernel-irq-entry kernel-return switch-to
	printf 'path\tinstructions\tsamples\nsyscall-entry\t%d\tx\nuser-return\t%d\tx\nkernel-irq-entry\t%d\tx\nkernel-return\t%d\tx\nswitch-to\t%d\tx\n' \
		"$2" "$3" "$4" "$5" "$6" >"$T_TMP/$1.tsv"
}
judge() { bash "$ROOT/lab/cost-judge.sh" "$T_TMP/base.tsv" "$T_TMP/patched.tsv" "$T_TMP/res" "canned"; }
counts base 68 47 71 44 40
counts patched 70 47 71 44 48
expect_rc 0 "+2 on a syscall, +0 on an interrupt, +8 on a switch is within budget" judge
grep -q '^ok 1 syscall round trip: +2' "$T_TMP/res/ktap.txt" && ok "and KTAP says +2" || not_ok "KTAP lacks +2"
grep -q '^switch-to	40	48	+8$' "$T_TMP/res/cost.tsv" && ok "the table has the switch's +8" || not_ok "cost.tsv lacks the switch row"
counts patched 72 47 71 44 48
expect_rc 1 "+4 on a syscall round trip (series v1) fails" judge
grep -q '^not ok 1 syscall round trip: +4' "$T_TMP/res/ktap.txt" && ok "and KTAP says which" || not_ok "KTAP lacks the failure"
counts patched 68 47 72 44 40
expect_rc 1 "+1 on a kernel-origin trap fails" judge
grep -q '^not ok 2 kernel-origin interrupt: +1' "$T_TMP/res/ktap.txt" && ok "and KTAP says which" || not_ok "KTAP lacks the failure"
counts patched 68 47 71 44 50
expect_rc 1 "+10 on a context switch (series v1, no fence pending) fails" judge
grep -q '^not ok 3 context switch: +10' "$T_TMP/res/ktap.txt" && ok "and KTAP says which" || not_ok "KTAP lacks the failure"
rm "$T_TMP/patched.tsv"
expect_rc 1 "missing counts fail" judge
t_done
