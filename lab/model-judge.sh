#!/usr/bin/env bash
# model-judge.sh RES EXPECT RUNS VMLINUX WHAT: the judge of lab/model.sh.
# RES holds run1.log .. runRUNS.log (consoles) with their .verdict
# (lab/verdict.sh), .model (the model's counters) and .trace (where its
# faults were taken). Writes RES/results.tsv, one row a run:
#   outcome  died (an Oops, BUG or panic on the console), hung (in a fault
#            loop: boot.sh stopped QEMU when the model's trace outgrew its
#            limit, LOG.trace.stopped), survived (the verdict is PASS) or
#            failed (anything else: a test failed, a hang without a loop);
#   seconds  the kernel's time of the first Oops, or how long the guest ran;
#   where    the epc of the first Oops, or the place the loop faulted at
#            most; the model's counters; and where its faults were taken
#            (lab/model-where.sh).
# EXPECT die: at least one run died or hung in a fault loop (the bug seen:
# under x-stale-tlb-persist a fault nothing fences comes back for ever).
# EXPECT survive: every run survived and the model raised faults (it was
# exercised). KTAP on stdout; exit 0 when the expectation holds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: model-judge.sh RES die|survive RUNS VMLINUX WHAT"
RES=${1:?$usage}
EXPECT=${2:?$usage}
done_runs=${3:?$usage}
VMLINUX=${4:?$usage}
WHAT=${5:?$usage}
NAME=$(basename "$RES")

# One row a run: the outcome, when and where it died, the model's counters.
counter() { awk -v k="$1" '$1 == k { print $2 }' "$2" 2>/dev/null || true; }
place() { awk -v k="$1" '$2 == k { print $1 }' "$2" 2>/dev/null || true; }
printf 'run\tseed\toutcome\tseconds\twhere\tstale_hits\tmatches\tfences\tat_entry\tat_exit\tat_switch\telsewhere\n' >"$RES/results.tsv"
died=0 hung=0 survived=0 other=0
for i in $(seq 1 "$done_runs"); do
	logf=$RES/run$i.log
	bash "$LAB_ROOT/lab/model-where.sh" "$logf.trace" "$VMLINUX" >"$logf.where" 2>/dev/null || : >"$logf.where"
	oops=$(grep -m1 -E "$KERNEL_DEATH_RE" "$logf" 2>/dev/null || true)
	if [ -n "$oops" ]; then
		outcome=died
		died=$((died + 1))
		t=$(echo "$oops" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
		where=$(grep -m1 -E '\] epc : ' "$logf" | sed 's/.*epc : //; s/ .*//')
		# An epc the Oops could not name: name it from the vmlinux.
		[[ ! $where =~ ^[0-9a-f]+$ ]] || [ ! -f "$VMLINUX" ] ||
			where=$("${CROSS_COMPILE}addr2line" -f -e "$VMLINUX" "0x$where" | head -n 1)"@0x$where"
	elif [ -f "$logf.trace.stopped" ]; then
		outcome=hung
		hung=$((hung + 1))
		t=$(counter seconds "$logf.model")
		where="fault loop at $(awk 'NR == 5 { print $2 " (" $1 " faults)" }' "$logf.where")"
	elif grep -q '^verdict: PASS' "$logf.verdict" 2>/dev/null; then
		outcome=survived
		survived=$((survived + 1))
		t=$(counter seconds "$logf.model") where=-
	else
		outcome=failed
		other=$((other + 1))
		t=- where=$(grep -m1 -E '^verdict: ' "$logf.verdict" 2>/dev/null | sed 's/^verdict: //; s/\t/ /g' || echo "no verdict")
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$i" "$outcome" "${t:--}" "${where:--}" \
		"$(counter hits "$logf.model")" "$(counter matches "$logf.model")" "$(counter fences "$logf.model")" \
		"$(place entry "$logf.where")" "$(place exit "$logf.where")" "$(place switch "$logf.where")" \
		"$(place other "$logf.where")" >>"$RES/results.tsv"
done
ktap_header
ktap_plan 1
ktap_diag "$(column -t -s $'\t' "$RES/results.tsv")"

hits=$(awk -F'\t' 'NR > 1 { s += $6 } END { print s + 0 }' "$RES/results.tsv")
summary="$WHAT: $died of $done_runs runs died, $hung hung in a fault loop, $survived survived, $other failed otherwise; $hits stale faults raised"
if { [ "$EXPECT" = die ] && [ $((died + hung)) -gt 0 ]; } ||
	{ [ "$EXPECT" = survive ] && [ "$survived" = "$done_runs" ] && [ "$hits" -gt 0 ]; }; then
	ktap_pass "$NAME: expected to $EXPECT: $summary"
	exit 0
fi
ktap_fail "$NAME: expected to $EXPECT: $summary"
log "$NAME" "FAILED: expected to $EXPECT; results: $RES/results.tsv, console logs: $RES/run*.log"
[ "$EXPECT" = die ] &&
	echo "[lab] try: a longer or harder run (MODEL_SECONDS=120 MODEL_RUNS=5, MODEL_HIT_PCT=10); the model's counters are in $RES/run*.model" >&2 ||
	echo "[lab] try: read the first Oops in $RES/run*.log; replay a run with the command in its .cmd file (the seed is in it)" >&2
exit 1
