#!/usr/bin/env bash
# verdict.sh CONSOLE_LOG [QEMU_EXIT]
# Judge one boot from its console log. Pass means: the kernel reached /init,
# init finished ("lab-init: done"), the machine powered off cleanly, the
# top-level KTAP plan was met with every test ok, and the console shows no
# Oops, panic, BUG, WARNING, stall or lockup. QEMU_EXIT 124 means timeout.
# With VERDICT_KUNIT=SUITE (lab/run.sh sets it for kernels built with
# config/kunit.config) that KUnit suite must also pass (lab/kunit-judge.sh).
#
# Prints one line per finding and a last line "verdict: PASS ..." or
# "verdict: FAIL [WHY,...] ...", WHY being machine-readable: timeout,
# qemu-exit, trouble, kunit, no-init, init-unfinished, no-poweroff,
# no-plan, empty-plan, plan-unmet, tests-failed. Exits 0 on pass, 1 on fail.
set -euo pipefail

log=${1:?usage: verdict.sh CONSOLE_LOG [QEMU_EXIT]}
qexit=${2:-0}
why=()
say() { echo "verdict: $*"; }
# finding WHY TEXT: a reason to fail.
finding() {
	why+=("$1")
	shift
	say "$*"
}

[ -f "$log" ] || {
	say "FAIL [no-log] no console log at $log"
	exit 1
}
# Console logs carry CRs from the serial line.
clean=$(tr -d '\r' <"$log")

if [ "$qexit" = 124 ]; then
	finding timeout "timeout: the guest did not power off in time"
elif [ "$qexit" != 0 ]; then
	finding qemu-exit "qemu exited with status $qexit"
fi

# The trouble words, shared with the injector (lab/repro/aftermath.py).
bad_re=$(grep -v -e '^#' -e '^$' "$(dirname "$0")/trouble.re" | paste -s -d '|')
if hits=$(grep -E -n "$bad_re" <<<"$clean" | head -n 5) && [ -n "$hits" ]; then
	finding trouble "kernel trouble on the console:"
	sed 's/^/    /' <<<"$hits"
fi

if [ -n "${VERDICT_KUNIT:-}" ]; then
	if kunit=$("$(dirname "$0")/kunit-judge.sh" "$log" "$VERDICT_KUNIT"); then
		say "$(tail -n 1 <<<"$kunit" | sed 's/^kunit: PASS /kunit /')"
	else
		finding kunit "KUnit failed:"
		sed 's/^/    /' <<<"$kunit"
		fi
fi

grep -q 'Run /init as init process' <<<"$clean" || {
	finding no-init "the kernel never started /init"
}
grep -q '^lab-init: done' <<<"$clean" || {
	finding init-unfinished "init did not finish its tests"
}
grep -q 'reboot: Power down' <<<"$clean" || {
	finding no-poweroff "no clean power-off"
}

# Top-level KTAP (unindented lines): the plan and the results.
plan=$(grep -E '^1\.\.[0-9]+$' <<<"$clean" | tail -n 1 | cut -d. -f3)
oks=$(grep -c -E '^ok [0-9]+ ' <<<"$clean" || true)
notoks=$(grep -E '^not ok [0-9]+ ' <<<"$clean" || true)
if [ -z "$plan" ]; then
	finding no-plan "no KTAP plan from init"
elif [ "$plan" -eq 0 ]; then
	finding empty-plan "the KTAP plan is empty: no test ran"
elif [ "$oks" -ne "$plan" ]; then
	finding plan-unmet "KTAP: $oks of $plan tests ok"
fi
if [ -n "$notoks" ]; then
	finding tests-failed "failed tests:"
	sed 's/^/    /' <<<"$notoks"
fi

init_t=$(grep -m1 'Run /init as init process' <<<"$clean" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
if [ "${#why[@]}" = 0 ]; then
	say "PASS ${oks}/${plan} tests ok, boot-to-init ${init_t:-?} s"
	exit 0
fi
say "FAIL [$(IFS=,; echo "${why[*]}")] ${oks}/${plan:-0} tests ok"
exit 1
