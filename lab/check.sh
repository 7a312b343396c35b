#!/usr/bin/env bash
# check.sh: everything CI runs. First the lab's own tests (tests/*.sh), then
# every check registered in lab/checks.list. KTAP v1 on stdout, a test per
# check (lab/ktap.sh); a check's own output goes to its log, its progress
# lines (stderr) to the terminal too. The last line is "N passed, N failed".
# Exits 1 on any failure.
#
# TIER=full (make check-full) also runs lab/checks-full.list: the checks
# that do not fit CI's 90 minutes cold (README, "The two tiers").
#
# CHECKS=NAME[,NAME...] runs only those registered checks (the lab's own
# tests always run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

failed=()
mkdir -p "$LAB_OUT/check"

# What runs: "NAME<TAB>COMMAND", the lab's own tests first.
checks=()
for t in "$LAB_ROOT"/tests/test-*.sh; do
	[ -f "$t" ] || continue
	checks+=("lab-test:$(basename "$t" .sh)"$'\t'"bash tests/$(basename "$t")")
done
lists=("$LAB_ROOT/lab/checks.list")
[ "${TIER:-}" != full ] || lists+=("$LAB_ROOT/lab/checks-full.list")
while read -r name cmd; do
	case "$name" in '' | '#'*) continue ;; esac
	if [ -n "${CHECKS:-}" ] && [[ ",$CHECKS," != *",$name,"* ]]; then
		continue
	fi
	checks+=("$name"$'\t'"$cmd")
done < <(cat "${lists[@]}")

ktap_header
ktap_plan "${#checks[@]}"
for c in "${checks[@]}"; do
	name=${c%%$'\t'*} cmd=${c#*$'\t'}
	logf=$LAB_OUT/check/${name#lab-test:}.log
	case "$name" in lab-test:*) ;; *) log check "$name: $cmd (log: $logf)" ;; esac
	s=$(date +%s)
	rc=0
	# Progress lines (stderr) go both to the terminal and the log.
	(cd "$LAB_ROOT" && bash -c "$cmd") >"$logf" 2> >(tee -a "$logf" >&2) || rc=$?
	wait
	secs=$(($(date +%s) - s))
	if [ "$rc" = 0 ]; then
		ktap_pass "$name # ${secs}s"
	else
		failed+=("$name")
		ktap_fail "$name # ${secs}s, log: $logf"
		ktap_diag "$(tail -n 15 "$logf")"
	fi
done

ktap_totals
if [ "${#failed[@]}" -gt 0 ]; then
	ktap_diag "failed: ${failed[*]} (logs under $LAB_OUT/check/)"
fi
ktap_diag "check: total time $(_lab_elapsed)"
echo "$KTAP_PASS passed, $KTAP_FAIL failed"
ktap_ok
