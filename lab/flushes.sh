#!/usr/bin/env bash
# flushes.sh [KVER]: how often the lazy fencing acts, per workload (issue
# 12): boots the series with the lab's counters (VARIANT=counted,
# lab/count/fence-counters-KVER.patch, never part of the series) and runs
# guest/fencecount: idle, the series' stressor, a fork+exec loop, a module
# load/unload loop, test_vmalloc, each with the switch fence's gate off (v1:
# fence on every switch that finds the bit set), on (v2, the series), and on
# with a fence by address of the next task's stack and task_struct pages
# instead of sfence.vma of all (addr: the bit stays set).
# Per workload and scheme: context switches, fences at task switch (patch
# 4), switches the gate let through, fences of the spurious-fault check, new
# kernel mappings; and what the pre-6.12 scheme would have done for the same
# mappings (a flush_tlb_all() each: one remote fence on every other hart).
#   FLUSH_SECONDS (10)  length of each workload
#   SMP (4), QEMU=model (lib.sh) as for boot.sh
# Results: out/flushes-KVER/flushes.tsv (raw) and table.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
kver_check "$KVER"
SECS=${FLUSH_SECONDS:-10}
RES=$LAB_OUT/flushes-$KVER
rm -rf "$RES"
mkdir -p "$RES"

BUILD=$(lab_kernel "$KVER" counted lab)
"$LAB_ROOT/lab/kselftest.sh" "$KVER" counted "$BUILD" "$RES"
echo "fencecount $((SECS * 15 + 600)) /bin/fencecount -t $SECS -s /kselftest/riscv/vmap_stack_stress" \
	"-m /kselftest/lab/vmalloc_fence_test.ko" \
	"-v /bin/test_vmalloc_run /kselftest/lib/test_vmalloc.ko" >"$RES/flushes.list"
"$LAB_ROOT/lab/initramfs.sh" "$RES" "$RES/flushes.list" >/dev/null
log flushes "$KVER: booting the counted kernel, 5 workloads x 3 schemes of ${SECS} s (console: $RES/console.log)"
export VERDICT_KUNIT=
rc=0
BOOT_TIMEOUT=$((SECS * 15 + 900)) "$LAB_ROOT/lab/boot.sh" "$BUILD/arch/riscv/boot/Image" \
	"$RES/initramfs.cpio" "$RES/console.log" || rc=$?

# The table of what was counted, also when a workload failed.
grep -a '^ *# fences: ' "$RES/console.log" | sed 's/^ *# fences: //' | tr ' ' '\t' >"$RES/flushes.tsv" || true
[ "$(wc -l <"$RES/flushes.tsv")" -ge 2 ] || die "no counts in $RES/console.log" "is debugfs lab_fence_counts there?"
awk -F'\t' -v kver="$KVER ($(tree_version "$KVER"))" '
	NR == 1 { next }
	NR == 2 {
		print "Counted on " kver ", " $4 " harts, QEMU TCG, " $3 " s a workload and scheme:"
		print ""
		print "| workload | scheme | switches /hart/s | switch fences /hart/s | fences per 1000 switches | let through per 1000 switches | entry fences | new mappings /s | pre-6.12: remote fences /s | sfence.vma by address per switch fence |"
		print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	}
	{
		s = $3 > 0 ? $3 : 1; h = $4
		printf "| %s | %s | %.0f | %.1f | %.0f | %.0f | %d | %.1f | %.1f | %.1f |\n", $1, $2, $5 / h / s, $6 / h / s,
			$5 ? 1000 * $6 / $5 : 0, $5 ? 1000 * $9 / $5 : 0, $7, $8 / s, $8 * (h - 1) / s, $6 ? $10 / $6 : 0
	}
	# Per workload, fences per 1000 switches by scheme; pre-6.12 counted
	# from the mappings of the v2 run (a remote fence on every other hart each).
	NR > 1 { w[$1] = 1; k = $1 SUBSEP $2; sw[k] = $5; fe[k] = $6; nm[k] = $8; af[k] = $10; h = $4
		if (!($1 in order)) { order[$1] = ++nw; name[nw] = $1 } }
	END {
		print ""
		print "Fences per 1000 context switches (the unfixed kernel: none at a switch):"
		print ""
		print "| workload | pre-6.12 (remote, by IPI) | v1 (every pending switch) | v2 (gated) | addr (gated, by address) | addr: sfence.vma by address per 1000 switches |"
		print "| --- | --- | --- | --- | --- | --- |"
		for (i = 1; i <= nw; i++) {
			n = name[i]; a = n SUBSEP "v1"; b = n SUBSEP "v2"; c = n SUBSEP "addr"
			printf "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |\n", n, sw[b] ? 1000 * nm[b] * (h - 1) / sw[b] : 0,
				sw[a] ? 1000 * fe[a] / sw[a] : 0, sw[b] ? 1000 * fe[b] / sw[b] : 0,
				sw[c] ? 1000 * fe[c] / sw[c] : 0, sw[c] ? 1000 * af[c] / sw[c] : 0
		}
	}' "$RES/flushes.tsv" >"$RES/table.md"
cat "$RES/table.md"
[ "$rc" = 0 ] || die "the counted kernel's boot failed (log: $RES/console.log, verdict: $RES/console.log.verdict)" \
	"read the verdict; FLUSH_SECONDS=3 for a shorter run"
log flushes "$KVER: table in $RES/table.md, raw counts in $RES/flushes.tsv"
