#!/usr/bin/env bash
# kselftest.sh KVER VARIANT BUILD OUTDIR
# The kernel's own tests the lab boots with, against the kernel build BUILD
# of KVER VARIANT:
#   - tools/testing/selftests/riscv, always from the patched worktree (the
#     series changes nothing there but add riscv/vmalloc, the stressor
#     vmap_stack_stress): every RISCV_SUBTARGETS of the tree;
#   - the lab's test module, guest/vmalloc_fence_mod (not the series':
#     any tree builds it), against BUILD, for guest/vmalloc_fence_run;
#   - lib/test_vmalloc.ko of BUILD (CONFIG_TEST_VMALLOC=m in
#     config/lab.config), for guest/test_vmalloc_run.
# Installs into OUTDIR/kselftest (kselftest's install layout; the initramfs
# puts it at /kselftest) and writes two guest test lists:
#   OUTDIR/kselftest.list   riscv/vmalloc, the series' own test (and its
#                           RLIMIT_NPROC run), and the lab's module
#   OUTDIR/tree-tests.list  the tree's other riscv tests, and test_vmalloc
# Every test runs as a CI runs it: through the installed run_kselftest.sh
# (-t COLLECTION:TEST: kselftest's runner, its KTAP, its skip code; the
# initramfs has a busybox shell), scripts such as run_mmap.sh included.
# Environment: VMALLOC_FENCE_TIMEOUT (300 s), VMALLOC_FENCE_SECONDS (the
# length of the series' stress tests; their default when unset),
# TEST_VMALLOC_TIMEOUT (600 s),
# TEST_VMALLOC_PARAMS (see below).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: kselftest.sh KVER VARIANT BUILD OUTDIR"
KVER=${1:?$usage}
VARIANT=${2:?$usage}
BUILD=${3:?$usage}
OUTDIR=${4:?$usage}
kver_check "$KVER"
WT=$LAB_CACHE/trees/$KVER/patched
case "$VARIANT" in
# The modules are built from the tree BUILD was built from: kbuild would
# otherwise recompile BUILD's objects from another source.
patched | nofence | stable | counted | scsreload | nocheckfence) KSRC=$LAB_CACHE/trees/$KVER/$VARIANT ;;
base) KSRC=$(kernel_repo "$KVER") ;;
*) die "unknown VARIANT '$VARIANT'" "use patched, nofence, stable, counted, scsreload, nocheckfence or base" ;;
esac
# The series' selftests come from the patched tree, whatever VARIANT is.
"$LAB_ROOT/lab/tree.sh" "$KVER" --auto >&2
[ -d "$WT/tools/testing/selftests/riscv" ] || die "no worktree with selftests at $WT" "make tree KVER=$KVER"
[ -f "$BUILD/.config" ] || die "no kernel build at $BUILD" "make build KVER=$KVER VARIANT=$VARIANT"
grep -q '^CONFIG_MODULES=y' "$BUILD/.config" || die "$BUILD has no CONFIG_MODULES: the test modules cannot load"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
INST=$OUTDIR/kselftest
rm -rf "$INST" "$OUTDIR/kselftest.list" "$OUTDIR/tree-tests.list"
mkdir -p "$OUTDIR"

# Module.symvers (modpost), lib/test_vmalloc.ko and the uapi headers the
# selftests include.
run_logged "kselftest: $KVER $VARIANT: modules and headers" "$OUTDIR/kselftest-prepare.log" \
	make -C "$KSRC" O="$BUILD" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" -j"$(nproc)" modules headers
run_logged "kselftest: $KVER $VARIANT: tools/testing/selftests/riscv" "$OUTDIR/kselftest-build.log" \
	make -C "$WT/tools/testing/selftests" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" \
	TARGETS=riscv O="$BUILD" -j"$(nproc)" install INSTALL_PATH="$INST"
# The test the series adds must build: its absence would be a silent skip.
if [ -d "$WT/tools/testing/selftests/riscv/vmalloc" ] && [ ! -f "$INST/riscv/vmap_stack_stress" ]; then
	die "kselftest: $KVER $VARIANT: riscv/vmap_stack_stress was not built (log: $OUTDIR/kselftest-build.log)" "read the log"
fi

# The lab's module, from a copy (kbuild writes its objects next to the source).
MOD=$OUTDIR/vmalloc_fence_mod
rm -rf "$MOD"
cp -r "$LAB_ROOT/guest/vmalloc_fence_mod" "$MOD"
run_logged "kselftest: $KVER $VARIANT: the lab's module vmalloc_fence_test" "$OUTDIR/kselftest-module.log" \
	make -C "$KSRC" O="$BUILD" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" M="$MOD" modules
[ -f "$MOD/vmalloc_fence_test.ko" ] || die "kselftest: $KVER $VARIANT: vmalloc_fence_test.ko was not built (log: $OUTDIR/kselftest-module.log)"
mkdir -p "$INST/lab"
cp "$MOD/vmalloc_fence_test.ko" "$INST/lab/"

[ -f "$BUILD/lib/test_vmalloc.ko" ] || die "kselftest: $KVER: no $BUILD/lib/test_vmalloc.ko" \
	"config/lab.config needs CONFIG_TEST_VMALLOC=m; rebuild with make build KVER=$KVER"
mkdir -p "$INST/lib"
cp "$BUILD/lib/test_vmalloc.ko" "$INST/lib/"

# Guest test lines: NAME TIMEOUT PROGRAM [ARGS]. Our tests run their default
# length (VMALLOC_FENCE_SECONDS, 5 s each); a longer one is given on the
# kernel command line (init passes NAME=VALUE arguments on as environment).
# The guest's init enforces TIMEOUT (runner.sh's own needs GNU timeout).
[ -x "$INST/run_kselftest.sh" ] || die "kselftest: $KVER: no run_kselftest.sh in $INST (log: $OUTDIR/kselftest-build.log)"
: >"$OUTDIR/kselftest.list"
: >"$OUTDIR/tree-tests.list"
# Our tests' TIMEOUT and environment.
ours="${VMALLOC_FENCE_TIMEOUT:-300}${VMALLOC_FENCE_SECONDS:+ VMALLOC_FENCE_SECONDS=$VMALLOC_FENCE_SECONDS}"
while IFS=: read -r col prog; do
	[ -n "$prog" ] || continue
	run="/kselftest/run_kselftest.sh -t $col:$prog"
	case "$prog" in
	vmap_stack_stress)
		echo "ksft-$col-$prog $ours $run" >>"$OUTDIR/kselftest.list"
		;;
	*) echo "ksft-$col-$prog 120 $run" >>"$OUTDIR/tree-tests.list" ;;
	esac
done <"$INST/kselftest-list.txt"
# The stressor once more as a user whose RLIMIT_NPROC (16) is far below
# the children it wants (guest/nproc_run): fork() and pthread_create() fail
# with EAGAIN all along, and it must wait for its children, not fail.
if grep -q '^ksft-riscv-vmap_stack_stress ' "$OUTDIR/kselftest.list"; then
	echo "ksft-riscv-vmap_stack_stress-nproc $ours /bin/nproc_run 16 65534 /kselftest/riscv/vmap_stack_stress" >>"$OUTDIR/kselftest.list"
fi
echo "vmalloc_fence $ours /bin/vmalloc_fence_run /kselftest/lab/vmalloc_fence_test.ko" >>"$OUTDIR/kselftest.list"
# test_vmalloc.sh's stress mode is nr_threads=<CPUs> test_repeat_count=20
# with the module's test_loop_count of 1000000: hours under TCG. The lab
# keeps the threads and scales the counts down (TEST_VMALLOC_PARAMS).
echo "test_vmalloc ${TEST_VMALLOC_TIMEOUT:-600} /bin/test_vmalloc_run /kselftest/lib/test_vmalloc.ko ${TEST_VMALLOC_PARAMS:-test_repeat_count=1 test_loop_count=1000}" >>"$OUTDIR/tree-tests.list"
log kselftest "$KVER $VARIANT: $(wc -l <"$OUTDIR/kselftest.list") tests of ours, $(wc -l <"$OUTDIR/tree-tests.list") of the tree's"
