#!/usr/bin/env bash
# repro.sh KVER VARIANT [CONFIG]: the stale-translation fault-injection
# matrix for one kernel (see lab/repro/inject.py for the model).
#   REPRO_ONLY=P001,W1,...  run only these points or windows
#   REPRO_LIST=1            list the points and exit
#   REPRO_COUNT=1           no injection: count the instructions the entry,
#                           exit and switch code retire (lab/cost.sh)
#   SMP (2)                 harts of the guest
# Results in out/repro-KVER-VARIANT-CONFIG/: results.tsv, table.txt,
# ktap.txt and one console log per boot. Exits 1 when an observation
# differs from lab/repro/expected.tsv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
VARIANT=${2:-base}
CONFIG=${3:-lab}
kver_check "$KVER"
NAME=repro-$KVER-$VARIANT-$CONFIG
[ "${REPRO_COUNT:-}" = 1 ] && NAME=cost-$KVER-$VARIANT-$CONFIG
RES=$LAB_OUT/$NAME
rm -rf "$RES"
mkdir -p "$RES"

"$LAB_ROOT/lab/setup.sh"
"$LAB_ROOT/lab/fetch.sh" "$KVER"
BUILD=$("$LAB_ROOT/lab/build.sh" "$KVER" "$VARIANT" "$CONFIG")
"$LAB_ROOT/lab/initramfs.sh" "$RES" "$LAB_ROOT/guest/repro.list" >/dev/null

cpu=rv64
case "$CONFIG" in vector | distro) cpu=rv64,v=true ;; esac
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
REPRO_QEMU="qemu-system-riscv64 -machine virt,acpi=off -cpu $cpu -smp ${SMP:-2} -m 1G -nographic -no-reboot"
REPRO_QEMU+=" -bios $FW -kernel $BUILD/arch/riscv/boot/Image -initrd $RES/initramfs.cpio"
REPRO_QEMU+=" -append 'console=ttyS0 panic=-1 oops=panic printk.time=1'"
export REPRO_QEMU REPRO_OUT=$RES REPRO_ONLY=${REPRO_ONLY:-} REPRO_LIST=${REPRO_LIST:-} REPRO_COUNT=${REPRO_COUNT:-}

log repro "$KVER $VARIANT ($CONFIG): $(tree_version "$KVER")"
# No QEMU of this run outlives it, whatever happens to gdb.
trap 'pkill -f -- "-initrd $RES/initramfs.cpio" 2>/dev/null || true' EXIT
t=$(date +%s)
rc=0
gdb-multiarch -batch -nx -ex "file $BUILD/vmlinux" -x "$LAB_ROOT/lab/repro/inject.py" \
	>"$RES/gdb.log" 2>&1 &
gpid=$!
# Progress: points done and the latest result, every 15 s.
last=$(date +%s)
while kill -0 "$gpid" 2>/dev/null; do
	sleep 1
	if [ $(($(date +%s) - last)) -ge 15 ]; then
		last=$(date +%s)
		done_n=0
		[ -f "$RES/results.tsv" ] && done_n=$(($(wc -l <"$RES/results.tsv") - 1))
		latest=$(grep '^\[repro\] [P0-9a-z]' "$RES/gdb.log" | tail -n 1 | cut -c9- | tr -s ' ' | cut -c1-110 || true)
		log repro "$KVER $VARIANT ($CONFIG): $done_n points done, $(($(date +%s) - t))s; latest: ${latest:-none yet}"
	fi
done
wait "$gpid" || rc=$?
if [ "$rc" != 0 ] || grep -q '^\[repro\] ERROR' "$RES/gdb.log"; then
	tail_log "$RES/gdb.log" 20
	die "the injection engine failed (log: $RES/gdb.log)" "run it again with REPRO_ONLY=<point> to look at one point"
fi
[ "${REPRO_LIST:-}" = 1 ] && exit 0
if [ "${REPRO_COUNT:-}" = 1 ]; then
	log repro "$KVER $VARIANT ($CONFIG): instruction counts in $RES/cost.tsv"
	exit 0
fi

# Compare with the expectations; write KTAP and a table.
"$LAB_ROOT/lab/repro/compare.sh" "$RES/results.tsv" "$VARIANT" "$KVER $VARIANT $CONFIG ($(tree_version "$KVER"))" "$RES" || rc=1
column -t -s $'\t' "$RES/table.txt" >"$RES/table.pretty" 2>/dev/null || cp "$RES/table.txt" "$RES/table.pretty"
n=$(($(wc -l <"$RES/results.tsv") - 1))
log repro "$KVER $VARIANT ($CONFIG): $n points in $(($(date +%s) - t))s; by window/outcome: $(cat "$RES/counts.txt")"
if [ "$rc" != 0 ]; then
	grep '^not ok' "$RES/ktap.txt" | head -n 20 >&2
	die "fault injection on $KVER $VARIANT did not match lab/repro/expected.tsv (table: $RES/table.pretty)" \
		"look at the console of the boot named in results.tsv; REPRO_ONLY=<point> reruns one point"
fi
log repro "$KVER $VARIANT ($CONFIG): every point as expected (table: $RES/table.pretty)"
