#!/usr/bin/env bash
# The aftermath matrix's verdict (REPRO_AFTER=1 lab/repro.sh): results held
# to lab/repro/expected-after.tsv, so a patched kernel that does not survive
# a fault the retry cannot cure, at any point, fails the check.
. "$(dirname "$0")/lib.sh"
C=$ROOT/lab/repro/compare.sh
export REPRO_EXPECTED=$ROOT/lab/repro/expected-after.tsv
hdr=$'id\twindow\tctx\twhere\tinsn\tobserved\tdetail\tboot\tseconds'
row() { printf '%s\t%s\t%s\tf+0\tsd ra,8(sp)\t%s\tconsole-001.log: detail\t1\t4.2\n' "$1" "$2" "$3" "$4"; }
mk() { { echo "$hdr"; cat; } >"$T_TMP/$1.tsv"; echo "$T_TMP/$1.tsv"; }

good=$(mk good <<X
$(row P1 W1 U survive)
$(row P2 W2 U survive)
$(row P3 W2k S survive)
$(row P4 K S survive)
$(row P5 K U survive)
$(row P6 W3 U excluded)
$(row P7 W4 S excluded)
$(row P8 CTRL-genuine U survive)
$(row P9 W1c U unreached)
X
)
expect_rc 0 "a patched kernel surviving everywhere passes" "$C" "$good" patched "t" "$T_TMP"
grep -q '^# Totals: pass:8 fail:0 xfail:0 xpass:0 skip:1' "$T_TMP/ktap.txt" && ok "KTAP totals" ||
	not_ok "KTAP totals: $(tail -n 1 "$T_TMP/ktap.txt")"

# The regression of series v1: the victim oopses in the way back to user
# mode, the hart keeps sscratch = the dead task, later traps run with the
# wrong current.
for obs in trouble panic hang no-oops after-failed sscratch unreached; do
	bad=$T_TMP/bad-$obs.tsv
	sed "s/\tW1\tU\tf+0\tsd ra,8(sp)\tsurvive/\tW1\tU\tf+0\tsd ra,8(sp)\t$obs/" "$good" >"$bad"
	expect_rc 1 "a patched kernel observed '$obs' at a W1 point fails" "$C" "$bad" patched "t" "$T_TMP"
done
grep -q '^not ok 1 P1 W1 U .*expected=survive observed=unreached' "$T_TMP/ktap.txt" && ok "and KTAP says which" ||
	not_ok "KTAP lacks the mismatch"

v1=$(mk v1 <<X
$(row P1 W1 U trouble)
$(row P2 W2 U panic)
$(row P3 W2k S survive)
X
)
expect_rc 1 "series v1's figures (W1/W2 trouble, panic) fail" "$C" "$v1" patched "t" "$T_TMP"
[ "$(grep -c '^not ok' "$T_TMP/ktap.txt")" = 2 ] && ok "both window points are named" ||
	not_ok "expected 2 not ok lines: $(grep '^not ok' "$T_TMP/ktap.txt")"
s1=$(mk s1 <<X
$(row P3 K S trouble)
X
)
expect_rc 1 "an S-context point that does not survive fails" "$C" "$s1" patched "t" "$T_TMP"
basew2=$(mk basew2 <<X
$(row P2 W2 U trouble)
$(row P6 W3 U panic)
X
)
expect_rc 1 "an unfixed kernel not surviving W2 fails (the judge's control)" "$C" "$basew2" base "t" "$T_TMP"
basew3=$(mk basew3 <<X
$(row P2 W2 U survive)
$(row P6 W3 U panic)
$(row P7 W4 S survive)
X
)
expect_rc 0 "an unfixed kernel's W3/W4 outcomes are recorded, not judged" "$C" "$basew3" base "t" "$T_TMP"
empty=$(mk empty </dev/null)
expect_rc 1 "no results fails" "$C" "$empty" patched "t" "$T_TMP"

# The console verdict (lab/repro/aftermath.py) on a canned console: one
# Oops in the victim, then a clean workload, survives; every kind of
# aftermath trouble does not.
A=$ROOT/lab/repro/aftermath.py
P=$ROOT/tests/data/console-after-survive.log
# judge WANT NAME LOG [gone]: aftermath.py's verdict on LOG starts with WANT.
judge() {
	local want=$1 name=$2 got
	got=$(python3 "$A" "$3" ${4:-} | cut -f1)
	if [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name (observed '$got', wanted '$want': $(python3 "$A" "$3" ${4:-} | cut -f2))"
	fi
}
cmk() {
	local n=$1
	shift
	sed "$@" "$P" >"$T_TMP/$n.log"
	echo "$T_TMP/$n.log"
}
judge survive "one Oops in the victim, then after-001 ok: survive" "$P"
judge trouble "a second Oops fails" "$(cmk oops2 '/^# Subtest: after-001/a [    2.1] Oops [#2]')"
judge trouble "a second kernel fault (its Oops not printed yet) fails" \
	"$(cmk fault2 '/^# Subtest: after-001/a [    0.96] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000100')"
judge panic "the machine stopping in a second kernel fault fails" \
	"$(cmk fault2gone -e '/^# Subtest: after-001/a [    0.96] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000100' -e '/after-001 #/,$d')" gone
judge trouble "a WARNING (7.3's format) after the Oops fails" \
	"$(cmk warn '/^# Subtest: after-001/a [    2.9] WARNING: at try_to_wake_up+0x2ee/0x3c2, CPU#0: after/36')"
judge trouble "corrupted preempt_count after [ cut here ] fails" \
	"$(cmk cut '/^# Subtest: after-001/a [    2.6] ------------[ cut here ]------------')"
judge trouble "BUG: scheduling while atomic fails" \
	"$(cmk bug '/^# Subtest: after-001/a [    3.2] BUG: scheduling while atomic: swapper/0/0/0x10000001')"
judge trouble "an RCU stall fails" "$(cmk stall '/^# Subtest: after-001/a [   22.0] rcu: INFO: rcu_sched self-detected stall on CPU')"
judge trouble "Fixing recursive fault fails" "$(cmk rec '/^# Subtest: after-001/a [    2.0] Fixing recursive fault but reboot is needed!')"
judge panic "a panic fails" "$(cmk panic -e '/^# Subtest: after-001/a [    2.1] Kernel panic - not syncing: Fatal exception in interrupt' -e '/after-001 #/,$d')" gone
judge panic "the machine stopping fails" "$(cmk gone '/after-001 #/,$d')" gone
judge hang "no after result fails" "$(cmk noafter '/after-001 #/,$d')"
judge hang "a victim that never ends fails" "$(cmk novictim '/victim-001 #/,$d')"
judge after-failed "a failed workload fails" "$(cmk afterbad 's/^ok 2 after-001/not ok 2 after-001/')"
judge no-oops "a swallowed fault (no Oops) fails" "$(cmk noops -e '/Oops \[#1\]/d' -e 's/^not ok 1 victim-001.*/ok 1 victim-001/')"
judge trouble "an Oops in another task than the victim fails" "$(cmk other 's/Comm: trapcheck/Comm: after/')"
judge trouble "a victim that was not killed fails" "$(cmk notkilled 's/^not ok 1 victim-001.*/ok 1 victim-001/')"
judge survive "a clean power-off after the last round is no failure" "$(cmk poweroff '$a [    9.0] reboot: Power down')" gone
t_done
