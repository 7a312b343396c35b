#!/usr/bin/env bash
# model.sh KVER VARIANT EXPECT: boot a kernel on the QEMU model of a hart
# that caches invalid translations (lab/qemu.sh; QEMU=model of lab/lib.sh)
# and run in it the series' selftest, the stressor vmap_stack_stress
# (forks, thread waves, traps checked), and the lab's test module
# (vmalloc_fence: guest/vmalloc_fence_mod, on every variant).
#   VARIANT base | patched | stable | nofence | nocheckfence (lab/build.sh)
#   EXPECT  die:     at least one run must end in an Oops or hang in a
#                    fault loop (the bug seen); the runs stop at the first;
#           survive: every run must pass with zero kernel trouble, and the
#                    model must have raised stale faults (it was exercised).
# Environment: MODEL_RUNS (3), MODEL_SECONDS (60, the stressor's length),
# SMP (4), MODEL_ENTRIES/HIT_PCT/PREFETCH/PERSIST/USER (lib.sh; the
# results' name gets -nopersist for MODEL_PERSIST=off, -user for
# MODEL_USER=on); run N uses MODEL_SEED=N (its command is in its .cmd file;
# the seed fixes each hart's choices, not which accesses consume them).
# Results: out/model-KVER-VARIANT-smpSMP/results.tsv, one row a run: the
# outcome (died, hung, survived, failed otherwise), seconds (the kernel's time of
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
[ "${MODEL_PERSIST:-on}" = on ] || NAME+=-nopersist
[ "${MODEL_USER:-off}" = off ] || NAME+=-user
RES=$LAB_OUT/$NAME
rm -rf "$RES"
mkdir -p "$RES"

# The kernel, the selftests and the initramfs, and run 1, through run.sh.
# The stressor drains its children after its time is up: at 8 harts under
# TCG that took over 120 s once (6.12; its thread waves multiply the work
# of a child by 16), hence the generous timeouts.
export VMALLOC_FENCE_SECONDS=$SECONDS_ VMALLOC_FENCE_TIMEOUT=$((SECONDS_ + 400))
export BOOT_TIMEOUT=$((2 * SECONDS_ + 1000))
export TESTS=ksft-riscv-vmap_stack_stress,vmalloc_fence
log "$NAME" "run 1 of $RUNS ($(qemu_describe | sed 's/.*x-stale/x-stale/'), ${SECONDS_} s of stress)"
MODEL_SEED=1 LAB_OUT=$RES/build bash "$LAB_ROOT/lab/run.sh" "$KVER" "$VARIANT" lab >"$RES/run1.out" 2>&1 || true
B=$RES/build/$KVER-$VARIANT-lab
[ -f "$B/initramfs.cpio" ] || {
	tail_log "$RES/run1.out"
	die "$NAME: no kernel or initramfs (log: $RES/run1.out)" "read the log; make run KVER=$KVER VARIANT=$VARIANT"
}
for f in console.log console.log.cmd console.log.model console.log.trace console.log.trace.stopped console.log.verdict; do
	[ ! -f "$B/$f" ] || cp "$B/$f" "$RES/run1.${f#console.}"
done
IMAGE=$LAB_CACHE/builds/$KVER/$VARIANT-lab/arch/riscv/boot/Image
export VERDICT_KUNIT
VERDICT_KUNIT=$(kunit_suite "$LAB_CACHE/builds/$KVER/$VARIANT-lab")
# A run died, or hung in a fault loop (boot.sh stopped it: model-judge.sh).
died_in() { grep -q -E "$KERNEL_DEATH_RE" "$1" 2>/dev/null || [ -f "$1.trace.stopped" ]; }
done_runs=1
for i in $(seq 2 "$RUNS"); do
	[ "$EXPECT" != die ] || ! died_in "$RES/run$((i - 1)).log" || break
	done_runs=$i
	log "$NAME" "run $i of $RUNS"
	MODEL_SEED=$i APPEND="lab.only=$TESTS" bash "$LAB_ROOT/lab/boot.sh" "$IMAGE" "$B/initramfs.cpio" "$RES/run$i.log" \
		>"$RES/run$i.out" 2>&1 || true
done

exec bash "$LAB_ROOT/lab/model-judge.sh" "$RES" "$EXPECT" "$done_runs" \
	"$LAB_CACHE/builds/$KVER/$VARIANT-lab/vmlinux" "$KVER $VARIANT, $SMP harts, ${SECONDS_} s runs"
