#!/usr/bin/env bash
# repro.sh [KVER [VARIANT [CONFIG]]] (defaults as run.sh: 7.3 patched lab):
# the stale-translation fault-injection matrix for one kernel (see
# lab/repro/inject.py for the model).
#   REPRO_ONLY=P001,W1,...  run only these points or windows
#   REPRO_LIST=1            list the points and exit
#   REPRO_COUNT=1           no injection: count the instructions the entry,
#                           exit and switch code retire (lab/repro/count.py,
#                           for lab/cost.sh)
#   REPRO_AFTER=1           the aftermath matrix: at every fault point a
#                           fault the retry cannot cure, in the victim, with
#                           oops=panic off; the machine must survive it
#                           (one Oops, then a clean workload on every hart).
#                           Results in out/repro-after-KVER-VARIANT-CONFIG/,
#                           held to lab/repro/expected-after.tsv.
#   REPRO_NSP=1             the victim takes every trap with a negative sp
#                           (trapcheck -s): a trap from user mode all the
#                           same (results in out/repro-nsp-...)
#   REPRO_ROUNDS (100)      aftermath: victim/after rounds a boot runs
#   REPRO_AFTER_SECONDS (2) aftermath: how long the after workload runs
#   REPRO_BUILD=DIR         use this kernel build (Image, vmlinux) as it is
#                           instead of lab/build.sh's
#   SMP (2)                 harts of the guest
# Results in out/repro-KVER-VARIANT-CONFIG/: results.tsv, table.txt,
# ktap.txt and one console log per boot. Exits 1 when an observation
# differs from lab/repro/expected.tsv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
VARIANT=${2:-patched}
CONFIG=${3:-lab}
kver_check "$KVER"
NAME=repro-$KVER-$VARIANT-$CONFIG
AFTER=${REPRO_AFTER:-}
[ "$AFTER" = 1 ] && NAME=repro-after-$KVER-$VARIANT-$CONFIG
NSP=${REPRO_NSP:-}
[ "$NSP" = 1 ] && NAME=repro-nsp-$KVER-$VARIANT-$CONFIG
NAME=$NAME${LAB_LLVM:+-llvm}
[ "${REPRO_COUNT:-}" = 1 ] && NAME=cost-$KVER-$VARIANT-$CONFIG AFTER=
RES=$LAB_OUT/$NAME
rm -rf "$RES"
mkdir -p "$RES"

if [ -n "${REPRO_BUILD:-}" ]; then
	lab_ready "$KVER"
	BUILD=$REPRO_BUILD
	if [ ! -f "$BUILD/vmlinux" ] || [ ! -f "$BUILD/arch/riscv/boot/Image" ]; then
		die "REPRO_BUILD=$BUILD has no vmlinux and arch/riscv/boot/Image"
	fi
	log repro "using the build in $BUILD as it is"
else
	BUILD=$(lab_kernel "$KVER" "$VARIANT" "$CONFIG")
fi
LIST=$LAB_ROOT/guest/repro.list
KARGS=oops=panic
ROUNDS=${REPRO_ROUNDS:-100}
if [ "$AFTER" = 1 ]; then
	# Rounds of: the victim, one process on the last CPU, until it is
	# killed (the injected fault); then a second of idle CPUs and a
	# workload on every hart. A kernel that oopses must go on running, so
	# no oops=panic.
	LIST=$RES/after.list
	for ((r = 1; r <= ROUNDS; r++)); do
		printf 'victim-%03d 120 /bin/trapcheck -x -p 1 -c %s -z 1048576 -t 60\n' "$r" "$((${SMP:-2} - 1))"
		printf 'after-%03d 60 /bin/trapcheck -n after -w 1 -t %s\n' "$r" "${REPRO_AFTER_SECONDS:-2}"
	done >"$LIST"
	# init (and what it runs) on CPU 0, the victim alone on the last CPU.
	KARGS=lab.cpu=0
	export REPRO_VICTIM_CPU=$((${SMP:-2} - 1))
fi
if [ "$NSP" = 1 ]; then
	[ "$AFTER" != 1 ] || die "REPRO_NSP=1 is for the matrix, not the aftermath"
	LIST=$RES/nsp.list
	sed 's|^\(victim [0-9]* /bin/trapcheck\) |\1 -s |' "$LAB_ROOT/guest/repro.list" >"$LIST"
	grep -q ' -s ' "$LIST" || die "no victim line to give -s in guest/repro.list"
fi
"$LAB_ROOT/lab/initramfs.sh" "$RES" "$LIST" >/dev/null

# The lab's machine (lib.sh qemu_cmd; QEMU=model works here too), with 2
# harts unless SMP says otherwise, as a bash string for inject.py.
QEMU_CPU=$(qemu_cpu "$CONFIG") SMP=${SMP:-2} qemu_cmd "$BUILD/arch/riscv/boot/Image" "$RES/initramfs.cpio" \
	"console=ttyS0 panic=-1 $KARGS printk.time=1"
REPRO_QEMU=$(printf '%q ' "${QEMU_CMD[@]}")
printf '%s\n' "$REPRO_QEMU" >"$RES/qemu.cmd"
export REPRO_QEMU REPRO_OUT=$RES REPRO_ONLY=${REPRO_ONLY:-} REPRO_LIST=${REPRO_LIST:-}
export REPRO_AFTER=$AFTER REPRO_ROUNDS=$ROUNDS

MODE=
[ "$AFTER" = 1 ] && MODE=" aftermath"
[ "$NSP" = 1 ] && MODE=" negative sp"
log repro "$KVER $VARIANT ($CONFIG)$MODE: $(tree_version "$KVER")"
# No QEMU of this run outlives it, whatever happens to gdb.
trap 'pkill -f -- "-initrd $RES/initramfs.cpio" 2>/dev/null || true' EXIT
t=$(date +%s)
rc=0
SCRIPT=inject.py
[ "${REPRO_COUNT:-}" = 1 ] && SCRIPT=count.py
gdb-multiarch -batch -nx -ex "file $BUILD/vmlinux" -x "$LAB_ROOT/lab/repro/$SCRIPT" \
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
		log repro "$KVER $VARIANT ($CONFIG)$MODE: $done_n points done, $(($(date +%s) - t))s; latest: ${latest:-none yet}"
	fi
done
wait "$gpid" || rc=$?
if [ "$rc" != 0 ] || grep -q '^\[repro\] ERROR' "$RES/gdb.log"; then
	tail_log "$RES/gdb.log" 20
	die "the injection engine failed (log: $RES/gdb.log)" "run it again with REPRO_ONLY=<point> to look at one point"
fi
[ "${REPRO_LIST:-}" = 1 ] && exit 0
if [ "${REPRO_COUNT:-}" = 1 ]; then
	log repro "$KVER $VARIANT ($CONFIG)$MODE: instruction counts in $RES/cost.tsv"
	exit 0
fi

# Compare with the expectations; write KTAP and a table.
EXPECTED=$LAB_ROOT/lab/repro/expected.tsv
[ "$AFTER" = 1 ] && EXPECTED=$LAB_ROOT/lab/repro/expected-after.tsv
REPRO_EXPECTED=$EXPECTED "$LAB_ROOT/lab/repro/compare.sh" "$RES/results.tsv" "$VARIANT" \
	"$KVER $VARIANT $CONFIG$MODE ($(tree_version "$KVER"))" "$RES" || rc=1
column -t -s $'\t' "$RES/table.txt" >"$RES/table.pretty" 2>/dev/null || cp "$RES/table.txt" "$RES/table.pretty"
n=$(($(wc -l <"$RES/results.tsv") - 1))
log repro "$KVER $VARIANT ($CONFIG)$MODE: $n points in $(($(date +%s) - t))s; by window/outcome: $(cat "$RES/counts.txt")"
if [ "$rc" != 0 ]; then
	grep '^not ok' "$RES/ktap.txt" | head -n 20 >&2
	die "fault injection$MODE on $KVER $VARIANT did not match ${EXPECTED#"$LAB_ROOT/"} (table: $RES/table.pretty)" \
		"look at the console of the boot named in results.tsv; REPRO_ONLY=<point> reruns one point"
fi
log repro "$KVER $VARIANT ($CONFIG)$MODE: every point as expected (table: $RES/table.pretty)"
