#!/usr/bin/env bash
# cost.sh KVER [CONFIG]: what the series costs, in retired instructions.
# Boots the unfixed and the patched kernel of KVER in turn under gdb
# (lab/repro.sh with REPRO_COUNT=1) and single-steps the hart through the
# trap entry, the trap exit and __switch_to: each step retires exactly one
# instruction, so the counts are exact and repeatable. Compares the two in
# the same run and holds the difference to the issue's budget:
#   syscall round trip (entry to the C handler, exit through sret) <= 5
#   kernel-origin trap that is not a fault (an interrupt)           <= 2
# Writes out/cost-KVER/{cost.tsv,ktap.txt}. Exits 1 over budget.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
CONFIG=${2:-lab}
kver_check "$KVER"
RES=$LAB_OUT/cost-$KVER
mkdir -p "$RES"
for v in base patched; do
	if [ -n "${COST_COUNTS:-}" ]; then
		# The lab's own test: counts from COST_COUNTS/{base,patched}.tsv.
		cp "$COST_COUNTS/$v.tsv" "$RES/$v.tsv"
		continue
	fi
	log cost "$KVER $v ($CONFIG): counting"
	REPRO_COUNT=1 "$LAB_ROOT/lab/repro.sh" "$KVER" "$v" "$CONFIG"
	cp "$LAB_OUT/cost-$KVER-$v-$CONFIG/cost.tsv" "$RES/$v.tsv"
done
awk -F'\t' -v label="$KVER $CONFIG ($(tree_version "$KVER"))" -v ktap="$RES/ktap.txt" '
	FNR == 1 { f++; next }
	f == 1 { b[$1] = $2; order[++n] = $1; next }
	{ p[$1] = $2 }
	END {
		printf "path\tbase\tpatched\tadded\n"
		for (i = 1; i <= n; i++) { k = order[i]; printf "%s\t%d\t%d\t%+d\n", k, b[k], p[k], p[k] - b[k] }
		user = (p["syscall-entry"] + p["user-return"]) - (b["syscall-entry"] + b["user-return"])
		kern = (p["kernel-irq-entry"] + p["kernel-return"]) - (b["kernel-irq-entry"] + b["kernel-return"])
		sw = p["switch-to"] - b["switch-to"]
		print "KTAP version 1" > ktap
		print "# instruction cost of the series: " label > ktap
		print "1..2" > ktap
		printf "%s 1 syscall round trip: %+d instructions (budget +5)\n", (user <= 5 ? "ok" : "not ok"), user > ktap
		printf "%s 2 kernel-origin interrupt: %+d instructions (budget +2)\n", (kern <= 2 ? "ok" : "not ok"), kern > ktap
		printf "# context switch: %+d instructions\n", sw > ktap
		printf "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", (user <= 5) + (kern <= 2), (user > 5) + (kern > 2) > ktap
		exit (user > 5 || kern > 2)
	}' "$RES/base.tsv" "$RES/patched.tsv" >"$RES/cost.tsv" && rc=0 || rc=$?
column -t -s $'\t' "$RES/cost.tsv" >&2
cat "$RES/ktap.txt" >&2
[ "$rc" = 0 ] || die "the series costs more than the budget on $KVER (table: $RES/cost.tsv)" \
	"count the added instructions in the entry/exit code (make cost KVER=$KVER)"
log cost "$KVER: within budget (table: $RES/cost.tsv)"
