#!/usr/bin/env bash
# soak-summary.sh RES KVER MINUTES HARTS [WALL_SECONDS]: the figures of a
# soak (lab/soak.sh) from RES/console.log, RES/soak.list and, on the QEMU
# model, RES/console.log.model: address spaces and whether they outnumber
# the ASIDs (so that the allocator rolled over), mappings made, kthreads
# spawned, Oopses and register checks that failed. Into RES/summary.txt and
# on stdout. The soak passes or fails on its boot's verdict, not here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: soak-summary.sh RES KVER MINUTES HARTS [WALL_SECONDS]"
RES=${1:?$usage}
KVER=${2:?$usage}
MINUTES=${3:?$usage}
HARTS=${4:?$usage}
wall=${5:-?}
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
cat "$RES/summary.txt"
