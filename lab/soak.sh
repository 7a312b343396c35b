#!/usr/bin/env bash
# soak.sh [KVER]: the series' selftests (riscv/vmalloc) run long on the
# patched kernel. Environment: MINUTES (30), SMP (harts, 8), MEM (2G), QEMU=model
# (on the QEMU model of a hart that caches invalid translations: lib.sh).
#
# vmap_stack_stress gets two thirds of the time, vmalloc_fence_test the
# rest (it runs about twice its VMALLOC_FENCE_SECONDS: rounds, then
# stress). Passes when the boot is clean (no Oops, WARNING, stall or hang:
# lab/verdict.sh) and every test and subtest is ok. The figures go to
# out/soak-KVER-HARTS/summary.txt: minutes, harts, address spaces and
# whether they outnumber the ASIDs (so that the allocator rolled over),
# mappings made and kthreads spawned.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# summarize RES KVER MINUTES HARTS WALL_SECONDS: RES/summary.txt from
# RES/console.log. Leaves spaces, asids and rollover set for the caller.
summarize() {
	local RES=$1 KVER=$2 MINUTES=$3 HARTS=$4 wall=$5
	local clean oopses mismatch stress_s module_s
	stress_s=$(sed -n 's/^soak-stress [0-9]* VMALLOC_FENCE_SECONDS=\([0-9]*\) .*/\1/p' "$RES/soak.list")
	module_s=$(sed -n 's/^soak-module [0-9]* VMALLOC_FENCE_SECONDS=\([0-9]*\) .*/\1/p' "$RES/soak.list")
	clean=$(tr -d '\r' <"$RES/console.log")
	field() { sed -n "s/.*$1.*/\\1/p" <<<"$clean" | tail -n 1; }
	spaces=$(field '# \([0-9]*\) address spaces:.*')
	asids=$(field 'ASID allocator using [0-9]* bits (\([0-9]*\) entries).*')
	rollover="no"
	[ -n "$spaces" ] && [ -n "$asids" ] && [ "$spaces" -gt "$asids" ] && rollover="yes"
	oopses=$(grep -c -E "$KERNEL_DEATH_RE" <<<"$clean" || true)
	mismatch=$(grep -c -E '^    not ok .*registers intact' <<<"$clean" || true)
	{
		echo "soak:        $KVER patched, $MINUTES minutes asked, ${wall}s wall in all, $HARTS harts, MEM ${MEM:-2G}"
		echo "tree:        $(tree_version "$KVER")"
		echo "stressor:    ${stress_s}s: $(field '# \([0-9]* address spaces:.*\)')"
		echo "ASIDs:       ${asids:-?} (rolled over: $rollover)"
		echo "module:      ${module_s}s: $(field '# \(mappings made: .*\)')"
		echo "             $(field '# \([0-9]* online CPUs, .*\)')"
		echo "Oopses:      $oopses"
		echo "register checks that failed: $mismatch"
		[ ! -f "$RES/console.log.model" ] ||
			echo "QEMU model:  $(awk '$1 != "seconds" { printf "%s %s, ", $1, $2 }' "$RES/console.log.model")over $(awk '$1 == "seconds" { print $2 }' "$RES/console.log.model") s"
		echo "results:"
		grep -E '^ *(not )?ok [0-9]+ ' <<<"$clean" | sed 's/^/  /' || echo "  (none)"
		echo "verdict:     $(tail -n 1 "$RES/console.log.verdict" 2>/dev/null | sed 's/^verdict: //')"
		echo "console:     $RES/console.log"
	} >"$RES/summary.txt"
}

# soak.sh --summary RES KVER MINUTES HARTS: the summary of a finished soak.
if [ "${1:-}" = --summary ]; then
	summarize "$2" "$3" "$4" "$5" "?"
	cat "$2/summary.txt"
	exit 0
fi

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

"$LAB_ROOT/lab/setup.sh"
"$LAB_ROOT/lab/fetch.sh" "$KVER"
"$LAB_ROOT/lab/tree.sh" "$KVER" --auto
BUILD=$("$LAB_ROOT/lab/build.sh" "$KVER" patched lab)
"$LAB_ROOT/lab/kselftest.sh" "$KVER" patched "$BUILD" "$RES"

stress_s=$((MINUTES * 60 * 2 / 3))
module_s=$((MINUTES * 60 / 6))
[ "$module_s" -ge 5 ] || module_s=5
{
	echo "soak-stress $((stress_s + 600)) VMALLOC_FENCE_SECONDS=$stress_s /kselftest/riscv/vmap_stack_stress"
	echo "soak-module $((module_s * 3 + 600)) VMALLOC_FENCE_SECONDS=$module_s /kselftest/riscv/vmalloc_fence"
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

summarize "$RES" "$KVER" "$MINUTES" "$HARTS" "$(($(date +%s) - t0))"
cat "$RES/summary.txt"
[ "$rc" = 0 ] || die "soak $KVER on $HARTS harts failed (console: $RES/console.log)" \
	"read the verdict in $RES/console.log.verdict"
[ "$rollover" = yes ] || log soak "note: $spaces address spaces did not outnumber the ${asids:-?} ASIDs; a longer MINUTES would"
