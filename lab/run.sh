#!/usr/bin/env bash
# run.sh [KVER] [VARIANT] [CONFIG]: the lab's main job.
#   the kernel (lib.sh lab_kernel: setup, fetch the tree, apply the series,
#   build) -> initramfs -> boot -> summary. Defaults: 7.3 patched lab.
# Environment: SMP, MEM, QEMU_CPU, QEMU=model (lab/lib.sh), BOOT_TIMEOUT, TESTS (comma-separated guest
# test names; default all of guest/tests.list and the series' selftests,
# riscv/vmalloc, of lab/kselftest.sh; a test of the tree's, tree-tests.list,
# such as test_vmalloc, runs when named), KSELFTEST=0 (leave those out).
# Results go to out/KVER-VARIANT-CONFIG/: console.log, summary.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:-7.3}
VARIANT=${2:-patched}
CONFIG=${3:-lab}
kver_check "$KVER"
NAME=$KVER-$VARIANT-$CONFIG
RES=$LAB_OUT/$NAME
mkdir -p "$RES"
rm -f "$RES/summary.txt"
declare -a times=()

# step NAME CMD...: run a step, note its time; its exit status is the
# step's (also when called as `step ... || rc=$?`, where set -e is off).
step() {
	local name=$1 t r=0
	shift
	t=$(date +%s)
	log "$NAME" "step $name"
	"$@" || r=$?
	times+=("$name $(($(date +%s) - t))s")
	return $r
}

t=$(date +%s)
log "$NAME" "step kernel (setup, fetch, series, build)"
BUILD=$(lab_kernel "$KVER" "$VARIANT" "$CONFIG")
times+=("kernel $(($(date +%s) - t))s")
lists=("$LAB_ROOT/guest/tests.list")
rm -rf "$RES/kselftest" "$RES/kselftest.list"
if [ "$CONFIG" != nommu ] && [ "$CONFIG" != rv32 ] && [ "${KSELFTEST:-1}" != 0 ]; then
	step kselftest "$LAB_ROOT/lab/kselftest.sh" "$KVER" "$VARIANT" "$BUILD" "$RES"
	lists+=("$RES/kselftest.list")
	# The tree's own tests (tree-tests.list) only when TESTS names one.
	while read -r t _; do
		[[ ",${TESTS:-}," != *",$t,"* ]] || grep "^$t " "$RES/tree-tests.list" >>"$RES/kselftest.list"
	done <"$RES/tree-tests.list"
fi
step initramfs "$LAB_ROOT/lab/initramfs.sh" "$RES" "${lists[@]}" >/dev/null

QEMU_CPU=$(qemu_cpu "$CONFIG")
export QEMU_CPU
# The series' KUnit suite is built in where lab/build.sh adds
# config/kunit.config: the verdict judges it (VERDICT_KUNIT= leaves it to
# the caller, as lab/kunit.sh does).
export VERDICT_KUNIT=${VERDICT_KUNIT-$(kunit_suite "$BUILD")}
APPEND="${APPEND:-}${TESTS:+ lab.only=$TESTS}"
export APPEND
rc=0
step boot "$LAB_ROOT/lab/boot.sh" "$BUILD/arch/riscv/boot/Image" "$RES/initramfs.cpio" "$RES/console.log" || rc=$?

# Summary.
if [ "$VARIANT" = patched ]; then
	WT=$LAB_CACHE/trees/$KVER/patched
	patches=$(git -C "$WT" log --reverse --format='  %h %s' lab-base..HEAD)
	[ -n "$patches" ] || patches="  (none: the series is empty)"
	[ -z "$(git -C "$WT" status --porcelain --untracked-files=no)" ] || patches="$patches
  (plus uncommitted edits in $WT)"
elif [ "$VARIANT" = nofence ]; then
	patches="  (the series without its fence at task switch: $LAB_CACHE/trees/$KVER/nofence)"
elif [ "$VARIANT" != base ]; then
	patches=$(git -C "$LAB_CACHE/trees/$KVER/$VARIANT" log --reverse --format='  %h %s' lab-base..HEAD)
else
	patches="  (none: base variant)"
fi
{
	echo "kernel:   $KVER $VARIANT ($CONFIG config)"
	echo "tree:     $(tree_version "$KVER")"
	echo "patches:"
	echo "$patches"
	echo "qemu:     $(qemu_describe), -smp ${SMP:-4}, -cpu ${QEMU_CPU:-rv64}"
	echo "opensbi:  $(dpkg-query -W -f='${Version}' opensbi 2>/dev/null)"
	echo "tests:"
	grep -E '^(not )?ok [0-9]+ ' "$RES/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/  /' || echo "  (no results)"
	echo "verdict:  $(tail -n 1 "$RES/console.log.verdict" 2>/dev/null | sed 's/^verdict: //')"
	echo "times:    ${times[*]}"
	[ ! -f "$RES/console.log.model" ] || echo "model:    $(tr '\n' ' ' <"$RES/console.log.model")"
	echo "console:  $RES/console.log"
} >"$RES/summary.txt"
echo "---- $NAME ----"
cat "$RES/summary.txt"
exit $rc
