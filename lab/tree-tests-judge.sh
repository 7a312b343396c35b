#!/usr/bin/env bash
# tree-tests-judge.sh BASE_CONSOLE PATCHED_CONSOLE OUTDIR [TITLE]: the
# judge of lab/tree-tests.sh. Every test and subtest in the two boots'
# KTAP, side by side in OUTDIR/results.txt; fails if one that passes on the
# unfixed kernel does not pass on the patched one (a skip on both is fine;
# one that fails on both is recorded, not judged).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# results RESULTS_OF_A_BOOT: "TEST[/SUBTEST] pass|skip|fail" lines.
results() {
	tr -d '\r' <"$1" | awk '
		/^# Subtest: / { top = $3; next }
		/^(not )?ok [0-9]+ / {
			r = ($1 == "not") ? "fail" : (/# SKIP/ ? "skip" : "pass")
			name = ($1 == "not") ? $4 : $3
			print name, r; next
		}
		/^    (not )?ok [0-9]+/ {
			line = $0; sub(/^    /, "", line)
			r = (line ~ /^not/) ? "fail" : (line ~ /# SKIP/ ? "skip" : "pass")
			sub(/^(not )?ok [0-9]+ ?(- )?/, "", line); sub(/ # .*/, "", line)
			gsub(/ /, "_", line)
			print top "/" line, r
		}'
}
# compare BASE_CONSOLE PATCHED_CONSOLE RES TITLE: results.txt in RES; dies
# on a regression.
compare() {
	local base=$1 patched=$2 RES=$3 title=$4
	export LC_ALL=C
	results "$base" | sort >"$RES/base.results"
	results "$patched" | sort >"$RES/patched.results"
	join -a1 -a2 -e missing -o 0,1.2,2.2 "$RES/base.results" "$RES/patched.results" >"$RES/joined"

	{
		echo "# tree-tests $title"
		echo "# test base patched verdict"
		while read -r name b p; do
			case "$b/$p" in
			pass/pass | skip/skip | skip/pass | fail/pass | missing/*) verdict=ok ;;
			fail/fail | fail/skip) verdict="ok (fails on the unfixed kernel too)" ;;
			*) verdict=REGRESSION ;;
			esac
			echo "$name $b $p $verdict"
		done <"$RES/joined"
	} >"$RES/results.txt"
	regressions=$(grep -c ' REGRESSION$' "$RES/results.txt" || true)
	total=$(grep -c -v '^#' "$RES/results.txt" || true)
	both_fail=$(grep -c 'too)$' "$RES/results.txt" || true)
	if [ "$total" -eq 0 ]; then
		die "tree-tests $title: no results parsed (logs: $RES/base/console.log, $RES/patched/console.log)"
	fi
	log tree-tests "$title: $total results, $regressions regressions, $both_fail failing on both kernels ($RES/results.txt)"
	if [ "$regressions" -ne 0 ]; then
		grep ' REGRESSION$' "$RES/results.txt" | sed 's/^/    /' >&2
		die "tree-tests $title: $regressions tests pass on the unfixed kernel and not with the series ($RES/results.txt)" \
			"read $RES/patched/console.log around those tests"
	fi
}

[ $# -ge 3 ] || die "usage: tree-tests-judge.sh BASE_CONSOLE PATCHED_CONSOLE OUTDIR [TITLE]"
mkdir -p "$3"
compare "$1" "$2" "$3" "${4:-(compare only)}"
