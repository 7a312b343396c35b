#!/usr/bin/env bash
# The boot verdict must pass a clean log and fail every kind of bad one.
. "$(dirname "$0")/lib.sh"
V=$ROOT/lab/verdict.sh
P=$ROOT/tests/data/console-pass.log

expect_rc 0 "a clean boot passes" "$V" "$P"
expect_out 'PASS 1/1 tests ok, boot-to-init 0.612345 s' "the verdict gives tests and boot-to-init time"

# mk NAME SED-ARGS...: a variant of the passing log.
mk() {
	local n=$1
	shift
	sed "$@" "$P" >"$T_TMP/$n.log"
	echo "$T_TMP/$n.log"
}
expect_rc 1 "an Oops fails" "$V" "$(mk oops '/Run \/init/a [    1.0] Oops - Unable to handle kernel paging request [#1]')"
expect_rc 1 "a panic fails" "$V" "$(mk panic '/Run \/init/a [    1.0] Kernel panic - not syncing: Fatal exception')"
expect_rc 1 "a WARNING fails" "$V" "$(mk warn '/Run \/init/a [    1.0] WARNING: CPU: 1 PID: 1 at mm/vmalloc.c:1 foo')"
expect_rc 1 "a WARNING in 7.3's format fails" "$V" "$(mk warn73 '/Run \/init/a [    2.9] WARNING: at try_to_wake_up+0x2ee/0x3c2, CPU#0: after/36')"
expect_rc 1 "a recursive fault fails" "$V" "$(mk recursive '/Run \/init/a [    2.9] Fixing recursive fault but reboot is needed!')"
expect_rc 1 "an RCU stall fails" "$V" "$(mk stall '/Run \/init/a [   22.0] rcu: INFO: rcu_sched self-detected stall on CPU')"
expect_out '^verdict: FAIL \[trouble\] ' "and gives the reason as a token (trouble)"
expect_rc 1 "a failed test fails" "$V" "$(mk notok 's/^ok 1 trapcheck/not ok 1 trapcheck/')"
expect_out 'not ok 1 trapcheck' "the verdict names the failed test"
expect_out '^verdict: FAIL \[plan-unmet,tests-failed\] 0/1 tests ok$' "and gives the reasons as tokens"
expect_rc 1 "a missing result fails" "$V" "$(mk missing 's/^1\.\.1$/1..2/')"
expect_rc 1 "an empty plan fails" "$V" "$(mk empty -e 's/^1\.\.1$/1..0/' -e '/^ok 1 trapcheck/d')"
expect_rc 1 "no power-off fails" "$V" "$(mk nopoweroff '/reboot: Power down/d')"
expect_rc 1 "init not finishing fails" "$V" "$(mk noinit '/lab-init: done/d')"
expect_rc 1 "a timeout fails" "$V" "$P" 124
expect_out 'timeout' "the verdict says timeout"
expect_out '^verdict: FAIL \[timeout\] ' "and gives the token"
expect_rc 1 "a missing log fails" "$V" "$T_TMP/nonexistent.log"
t_done
