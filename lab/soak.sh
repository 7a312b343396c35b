#!/usr/bin/env bash
# soak.sh [KVER]: the series' stressor (riscv/vmalloc) and the lab's
# module run long on the patched kernel. Environment: MINUTES (30), SMP
# (harts, 8), MEM (2G), QEMU=model (on the QEMU model of a hart that caches
# invalid translations: lib.sh).
#
# vmap_stack_stress gets two thirds of the time, the lab's module
# (vmalloc_fence_test) the rest (it runs about twice its
# VMALLOC_FENCE_SECONDS: rounds, then stress). Passes when the boot is clean (no Oops, WARNING, stall or hang:
# lab/verdict.sh) and every test and subtest is ok. The figures
# (lab/soak-summary.sh) go to out/soak-KVER-HARTS/summary.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
kver_check "$KVER"
MINUTES=${MINUTES:-30}
HARTS=${SMP:-8}
case "$MINUTES$HARTS" in *[!0-9]*) die "MINUTES and SMP must be whole numbers" ;; esac
[ "$MINUTES" -ge 1 ] && [ "$HARTS" -ge 1 ] || die "MINUTES and SMP must be at least 1"
RES=$LAB_OUT/soak-$KVER-$HARTS${QEMU:+-$QEMU}
rm -rf "$RES"
mkdir -p "$RES"
t0=$(date +%s)

BUILD=$(lab_kernel "$KVER" patched lab)
"$LAB_ROOT/lab/kselftest.sh" "$KVER" patched "$BUILD" "$RES"

stress_s=$((MINUTES * 60 * 2 / 3))
module_s=$((MINUTES * 60 / 6))
[ "$module_s" -ge 5 ] || module_s=5
{
	echo "soak-stress $((stress_s + 600)) VMALLOC_FENCE_SECONDS=$stress_s /kselftest/riscv/vmap_stack_stress"
	echo "soak-module $((module_s * 3 + 600)) VMALLOC_FENCE_SECONDS=$module_s /bin/vmalloc_fence_run /kselftest/lab/vmalloc_fence_test.ko"
} >"$RES/soak.list"
"$LAB_ROOT/lab/initramfs.sh" "$RES" "$RES/soak.list" >/dev/null

log soak "$KVER: $MINUTES minutes on $HARTS harts: vmap_stack_stress ${stress_s}s, vmalloc_fence_test ${module_s}s (console: $RES/console.log)"
rc=0
SMP=$HARTS MEM=${MEM:-2G} BOOT_TIMEOUT=$((stress_s + module_s * 3 + 1200)) \
	"$LAB_ROOT/lab/boot.sh" "$BUILD/arch/riscv/boot/Image" "$RES/initramfs.cpio" "$RES/console.log" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20
	kill -0 "$pid" 2>/dev/null || break
	log soak "$KVER: $(($(date +%s) - t0))s so far, $(grep -c -E '^(not )?ok [0-9]+ ' "$RES/console.log" 2>/dev/null || true) of 2 tests done"
	sleep 100
done
wait "$pid" || rc=$?

"$LAB_ROOT/lab/soak-summary.sh" "$RES" "$KVER" "$MINUTES" "$HARTS" "$(($(date +%s) - t0))"
[ "$rc" = 0 ] || die "soak $KVER on $HARTS harts failed (console: $RES/console.log)" \
	"read the verdict in $RES/console.log.verdict"
grep -q 'rolled over: yes' "$RES/summary.txt" ||
	log soak "note: the address spaces did not outnumber the ASIDs ($RES/summary.txt); a longer MINUTES would"
