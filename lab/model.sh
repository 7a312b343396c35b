#!/usr/bin/env bash
# model.sh KVER VARIANT EXPECT: boot a kernel on the QEMU model of a hart
# that caches invalid translations (lab/qemu.sh; QEMU=model of lab/lib.sh)
# and run the series' own selftests in it: the stressor vmap_stack_stress
# (forks, thread waves, traps checked) and vmalloc_fence (the test module;
# it skips on kernels without the series).
#   VARIANT base | patched | nofence (the series without patch 4)
#   EXPECT  die:     at least one run must end in an Oops (the bug seen);
#           survive: every run must pass with zero kernel trouble, and the
#                    model must have raised stale faults (it was exercised).
# Environment: MODEL_RUNS (3), MODEL_SECONDS (60, the stressor's length),
# SMP (4), MODEL_ENTRIES/MODEL_HIT_PCT/MODEL_PREFETCH (lib.sh); run N uses
# MODEL_SEED=N, so a run can be replayed with the command in its .cmd file.
# Results: out/model-KVER-VARIANT-smpSMP/results.tsv, one row a run: the
# outcome (died, survived, failed otherwise), seconds (the kernel's time of
# the first Oops, or how long the guest ran), where it died (epc), the
# model's counters, and where its faults were taken (lab/model-where.sh:
# trap entry, exit, __switch_to, elsewhere); runN.log (+ .cmd, .model,
# .trace, .where, .verdict). KTAP on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: model.sh KVER VARIANT die|survive"
KVER=${1:?$usage}
VARIANT=${2:?$usage}
EXPECT=${3:?$usage}
kver_check "$KVER"
case "$EXPECT" in die | survive) ;; *) die "$usage" ;; esac
RUNS=${MODEL_RUNS:-3}
SECONDS_=${MODEL_SECONDS:-60}
export SMP=${SMP:-4} QEMU=model
NAME=model-$KVER-$VARIANT-smp$SMP
RES=$LAB_OUT/$NAME
rm -rf "$RES"
mkdir -p "$RES"

# The kernel, the selftests and the initramfs, and run 1, through run.sh.
export VMALLOC_FENCE_SECONDS=$SECONDS_ VMALLOC_FENCE_TIMEOUT=$((SECONDS_ + 120))
export BOOT_TIMEOUT=$((2 * SECONDS_ + 240))
export TESTS=ksft-riscv-vmap_stack_stress,ksft-riscv-vmalloc_fence
log "$NAME" "run 1 of $RUNS ($(qemu_describe | sed 's/.*x-stale/x-stale/'), ${SECONDS_} s of stress)"
MODEL_SEED=1 LAB_OUT=$RES/build bash "$LAB_ROOT/lab/run.sh" "$KVER" "$VARIANT" lab >"$RES/run1.out" 2>&1 || true
B=$RES/build/$KVER-$VARIANT-lab
[ -f "$B/initramfs.cpio" ] || {
	tail_log "$RES/run1.out"
	die "$NAME: no kernel or initramfs (log: $RES/run1.out)" "read the log; make run KVER=$KVER VARIANT=$VARIANT"
}
for f in console.log console.log.cmd console.log.model console.log.trace console.log.verdict; do
	[ ! -f "$B/$f" ] || cp "$B/$f" "$RES/run1.${f#console.}"
done
IMAGE=$LAB_CACHE/builds/$KVER/$VARIANT-lab/arch/riscv/boot/Image
for i in $(seq 2 "$RUNS"); do
	log "$NAME" "run $i of $RUNS"
	MODEL_SEED=$i APPEND="lab.only=$TESTS" bash "$LAB_ROOT/lab/boot.sh" "$IMAGE" "$B/initramfs.cpio" "$RES/run$i.log" \
		>"$RES/run$i.out" 2>&1 || true
done

# One row a run: the outcome, when and where it died, the model's counters.
counter() { awk -v k="$1" '$1 == k { print $2 }' "$2" 2>/dev/null || true; }
place() { awk -v k="$1" '$2 == k { print $1 }' "$2" 2>/dev/null || true; }
VMLINUX=$LAB_CACHE/builds/$KVER/$VARIANT-lab/vmlinux
printf 'run\tseed\toutcome\tseconds\twhere\tstale_hits\tmatches\tfences\tat_entry\tat_exit\tat_switch\telsewhere\n' >"$RES/results.tsv"
died=0 survived=0 other=0
for i in $(seq 1 "$RUNS"); do
	logf=$RES/run$i.log
	oops=$(grep -m1 -E '\] (Oops|Kernel panic|Unable to handle kernel|kernel BUG)' "$logf" 2>/dev/null || true)
	if [ -n "$oops" ]; then
		outcome=died
		died=$((died + 1))
		t=$(echo "$oops" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
		where=$(grep -m1 -E '\] epc : ' "$logf" | sed 's/.*epc : //; s/ .*//')
	elif grep -q '^verdict: PASS' "$logf.verdict" 2>/dev/null; then
		outcome=survived
		survived=$((survived + 1))
		t=$(counter seconds "$logf.model") where=-
	else
		outcome=failed
		other=$((other + 1))
		t=- where=$(grep -m1 -E '^verdict: ' "$logf.verdict" 2>/dev/null | sed 's/^verdict: //; s/\t/ /g' || echo "no verdict")
	fi
	bash "$LAB_ROOT/lab/model-where.sh" "$logf.trace" "$VMLINUX" >"$logf.where" 2>/dev/null || : >"$logf.where"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$i" "$outcome" "${t:--}" "${where:--}" \
		"$(counter hits "$logf.model")" "$(counter matches "$logf.model")" "$(counter fences "$logf.model")" \
		"$(place entry "$logf.where")" "$(place exit "$logf.where")" "$(place switch "$logf.where")" \
		"$(place other "$logf.where")" >>"$RES/results.tsv"
done
column -t -s $'\t' "$RES/results.tsv" | sed 's/^/# /'

hits=$(awk -F'\t' 'NR > 1 { s += $6 } END { print s + 0 }' "$RES/results.tsv")
echo "TAP version 14"
echo "1..1"
summary="$KVER $VARIANT, $SMP harts: $died of $RUNS runs died, $survived survived, $other failed otherwise; $hits stale faults raised"
if { [ "$EXPECT" = die ] && [ "$died" -gt 0 ]; } ||
	{ [ "$EXPECT" = survive ] && [ "$survived" = "$RUNS" ] && [ "$hits" -gt 0 ]; }; then
	echo "ok 1 $NAME: expected to $EXPECT: $summary"
	exit 0
fi
echo "not ok 1 $NAME: expected to $EXPECT: $summary"
log "$NAME" "FAILED: expected to $EXPECT; results: $RES/results.tsv, console logs: $RES/run*.log"
[ "$EXPECT" = die ] &&
	echo "[lab] try: a longer or harder run (MODEL_SECONDS=120 MODEL_RUNS=5, MODEL_HIT_PCT=10); the model's counters are in $RES/run*.model" >&2 ||
	echo "[lab] try: read the first Oops in $RES/run*.log; replay a run with the command in its .cmd file (the seed is in it)" >&2
exit 1
