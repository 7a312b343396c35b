#!/usr/bin/env bash
# hunt-judge.sh RES WORKLOADS: the judge of lab/hunt.sh. RES holds, for
# every workload W (WORKLOADS: space-separated), the console W.log with its
# verdict W.log.verdict (lab/verdict.sh) and W.where (lab/hunt-where.sh).
# Writes RES/results.tsv, one row a workload: the verdict, the model's
# faults raised and how many of them a full fence (the entry check), a
# fence of the page (the fault path) or of the ASID answered, how many refaulted or were
# not fenced at all, and those places. A workload passes when its boot
# passed (its test ran or was skipped, no kernel trouble on the console)
# and every fault was answered by a fence; it is flagged, not failed, when
# the model raised no fault in it (it said nothing). KTAP on stdout; exit 0
# when every workload passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RES=${1:?usage: hunt-judge.sh RES WORKLOADS}
WORKLOADS=${2:?usage: hunt-judge.sh RES WORKLOADS}
count() { awk -v k="$1" '$2 == k && NF == 2 { print $1; exit }' "$2" 2>/dev/null || true; }
printf 'workload\tverdict\traised\tfull\tpage\tasid\trefault\tnone\tnot_fenced_at\n' >"$RES/results.tsv"
ktap_header
set -- $WORKLOADS
ktap_plan $#
i=0 failed=0
for w in "$@"; do
	i=$((i + 1))
	v=$(sed -n 's/^verdict: \(PASS\|FAIL\)/\1/p' "$RES/$w.log.verdict" 2>/dev/null | tail -n 1 || true)
	# verdict.sh ends without a summary line on a kernel that never ran
	# /init: its first finding says what happened.
	[ -n "$v" ] || [ ! -s "$RES/$w.log.verdict" ] || v="FAIL $(sed -n '1s/^verdict: //; 1s/:$//p' "$RES/$w.log.verdict" || true)"
	[ -n "$v" ] || v="FAIL no verdict (log: $RES/$w.out)"
	# A skipped test (the kernel lacks the workload) is said as such; a
	# failed boot stays failed.
	[[ $v != PASS* ]] || ! grep -q -E "^ok [0-9]+ [^ ]+ # SKIP" "$RES/$w.log" 2>/dev/null ||
		v="SKIP $(grep -m1 -E '^ok [0-9]+ [^ ]+ # SKIP' "$RES/$w.log" | sed 's/.*# SKIP *//' || true)"
	raised=$(count raised "$RES/$w.where") full=$(count full "$RES/$w.where") page=$(count page "$RES/$w.where")
	asid=$(count asid "$RES/$w.where")
	refault=$(count refault "$RES/$w.where") none=$(count none "$RES/$w.where")
	places=$(awk '($1 == "refault" || $1 == "none") && NF == 3 { printf "%s%s %s x%s", n++ ? ", " : "", $1, $3, $2 }' "$RES/$w.where" 2>/dev/null || true)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$(echo "$v" | cut -c1-60)" "${raised:--}" "${full:--}" "${page:--}" \
		"${asid:--}" "${refault:--}" "${none:--}" "${places:--}" >>"$RES/results.tsv"
	what="$w: $(echo "$v" | cut -c1-80); ${raised:-?} faults raised: ${full:-?} full fence, ${page:-?} page fence, ${asid:-?} ASID fence, ${refault:-?} refaulted, ${none:-?} not fenced"
	if [[ $v == PASS* || $v == SKIP* ]] && [ "${refault:-1}" = 0 ] && [ "${none:-1}" = 0 ]; then
		[ "${raised:-0}" != 0 ] || what+=" (the model raised no fault: this workload said nothing)"
		ktap_pass "$what"
	else
		failed=$((failed + 1))
		ktap_fail "$what${places:+; not fenced at: $places}"
	fi
done
ktap_diag "$(cat "$RES/about" 2>/dev/null)"
ktap_diag "$(column -t -s $'\t' "$RES/results.tsv")"
[ "$failed" = 0 ] && exit 0
log hunt "FAILED: $failed workloads; results: $RES/results.tsv, consoles: $RES/*.log, the faults: $RES/*.where"
echo "[lab] try: read the console (an Oops, a KFENCE report) and the places in the .where file; replay a boot with the command in its .cmd file" >&2
exit 1
