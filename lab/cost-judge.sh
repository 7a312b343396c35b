#!/usr/bin/env bash
# cost-judge.sh BASE_TSV PATCHED_TSV RES LABEL: the judge of lab/cost.sh.
# The TSVs are instruction counts of the entry, exit and switch paths
# (path, instructions, samples) of the unfixed and the patched kernel,
# counted in the same run. Writes RES/cost.tsv (base, patched, added, per
# path) and RES/ktap.txt, and holds the difference to the budget (issue
# 12, series v2):
#   syscall round trip (entry to the C handler, exit through sret) <= 2
#   kernel-origin trap that is not a fault (an interrupt)           <= 0
#   __switch_to to a task the hart has fenced (nearly every switch) <= 8
# Exits 1 over budget.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: cost-judge.sh BASE_TSV PATCHED_TSV RES LABEL"
base=${1:?$usage}
patched=${2:?$usage}
RES=${3:?$usage}
label=${4:?$usage}
USER_BUDGET=2
KERNEL_BUDGET=0
SWITCH_BUDGET=8
for f in "$base" "$patched"; do
	[ -s "$f" ] || die "cost-judge: no counts in $f" "run lab/cost.sh"
done
mkdir -p "$RES"
awk -F'\t' -v label="$label" -v ktap="$RES/ktap.txt" -v ub="$USER_BUDGET" -v kb="$KERNEL_BUDGET" -v sb="$SWITCH_BUDGET" '
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
		print "1..3" > ktap
		printf "%s 1 syscall round trip: %+d instructions (budget +%d)\n", (user <= ub ? "ok" : "not ok"), user, ub > ktap
		printf "%s 2 kernel-origin interrupt: %+d instructions (budget +%d)\n", (kern <= kb ? "ok" : "not ok"), kern, kb > ktap
		printf "%s 3 context switch: %+d instructions (budget +%d)\n", (sw <= sb ? "ok" : "not ok"), sw, sb > ktap
		printf "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", (user <= ub) + (kern <= kb) + (sw <= sb), (user > ub) + (kern > kb) + (sw > sb) > ktap
		exit (user > ub || kern > kb || sw > sb)
	}' "$base" "$patched" >"$RES/cost.tsv"
