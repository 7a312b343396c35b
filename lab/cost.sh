#!/usr/bin/env bash
# cost.sh KVER [CONFIG]: what the series costs, in retired instructions.
# Boots the unfixed and the patched kernel of KVER in turn under gdb
# (lab/repro.sh with REPRO_COUNT=1: lab/repro/count.py) and single-steps
# the hart through the trap entry, the trap exit and __switch_to: each
# step retires exactly one instruction, so the counts are exact and
# repeatable. Compares the two in the same run and holds the difference to
# the issue's budget (the judge: lab/cost-judge.sh). Writes
# out/cost-KVER/{cost.tsv,ktap.txt}. Exits 1 over budget.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
CONFIG=${2:-lab}
kver_check "$KVER"
RES=$LAB_OUT/cost-$KVER
mkdir -p "$RES"
for v in base patched; do
	log cost "$KVER $v ($CONFIG): counting"
	REPRO_COUNT=1 "$LAB_ROOT/lab/repro.sh" "$KVER" "$v" "$CONFIG"
	cp "$LAB_OUT/cost-$KVER-$v-$CONFIG/cost.tsv" "$RES/$v.tsv"
done
rc=0
"$LAB_ROOT/lab/cost-judge.sh" "$RES/base.tsv" "$RES/patched.tsv" "$RES" \
	"$KVER $CONFIG ($(tree_version "$KVER"))" || rc=$?
column -t -s $'\t' "$RES/cost.tsv" >&2
cat "$RES/ktap.txt" >&2
[ "$rc" = 0 ] || die "the series costs more than the budget on $KVER (table: $RES/cost.tsv)" \
	"count the added instructions in the entry/exit code (make cost KVER=$KVER)"
log cost "$KVER: within budget (table: $RES/cost.tsv)"
