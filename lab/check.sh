#!/usr/bin/env bash
# check.sh: everything CI runs. First the lab's own tests (tests/*.sh), then
# every check registered in lab/checks.list. Each check is one line of
# result; the last line is "N passed, N failed". Exits 1 on any failure.
#
# TIER=full (make check-full) also runs lab/checks-full.list: the checks
# that do not fit CI's 90 minutes cold (README, "The two tiers").
#
# CHECKS=NAME[,NAME...] runs only those registered checks (the lab's own
# tests always run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pass=0 fail=0
failed=()
mkdir -p "$LAB_OUT/check"

record() {
	local name=$1 rc=$2 secs=$3 logf=$4
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok - $name (${secs}s)"
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "not ok - $name (${secs}s, log: $logf)"
		tail -n 15 "$logf" | sed 's/^/    | /'
	fi
}

# 1. The lab's own tests: each tests/test-*.sh is one check.
for t in "$LAB_ROOT"/tests/test-*.sh; do
	[ -f "$t" ] || continue
	name=lab-selftest:$(basename "$t" .sh)
	logf=$LAB_OUT/check/$(basename "$t" .sh).log
	s=$(date +%s)
	rc=0
	bash "$t" >"$logf" 2>&1 || rc=$?
	record "$name" "$rc" $(($(date +%s) - s)) "$logf"
done

# 2. Registered checks: "NAME COMMAND..." lines, run from the repo root.
lists=("$LAB_ROOT/lab/checks.list")
[ "${TIER:-}" != full ] || lists+=("$LAB_ROOT/lab/checks-full.list")
while read -r name cmd; do
	case "$name" in '' | '#'*) continue ;; esac
	if [ -n "${CHECKS:-}" ] && [[ ",$CHECKS," != *",$name,"* ]]; then
		continue
	fi
	logf=$LAB_OUT/check/$name.log
	log check "$name: $cmd (log: $logf)"
	s=$(date +%s)
	rc=0
	# Progress lines (stderr) go both to the terminal and the log.
	(cd "$LAB_ROOT" && bash -c "$cmd") > >(tee "$logf") 2> >(tee -a "$logf" >&2) || rc=$?
	wait
	record "$name" "$rc" $(($(date +%s) - s)) "$logf"
done < <(cat "${lists[@]}")

echo
if [ "$fail" -gt 0 ]; then
	echo "failed: ${failed[*]} (logs under $LAB_OUT/check/)"
fi
echo "check: total time $(_lab_elapsed)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
