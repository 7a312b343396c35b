#!/usr/bin/env bash
# tree-tests.sh KVER: the second opinion. Tests nobody on this project
# wrote, the tree's own tools/testing/selftests/riscv (those the shell-less
# initramfs can run) and lib/test_vmalloc.c in test_vmalloc.sh's stress mode
# (scaled down for TCG, see lab/kselftest.sh), booted on the unfixed and on
# the patched kernel, with the same test programs.
#
# Fails if any test or subtest that passes on the unfixed kernel does not
# pass on the patched one (a skip on both is fine; a test that fails on
# both fails for reasons of its own, recorded, not judged). Also fails on
# kernel trouble (Oops, WARNING, ...) or a hang in either boot.
#
# Results: out/tree-tests-KVER/results.txt (a line per test and subtest:
# base and patched side by side; the judge: lab/tree-tests-judge.sh), and
# each boot's console.log.
# Environment: SMP (2), MEM (2G). test_vmalloc's
# full_fit_alloc_test maps fls(CPUs) * 64 MiB of single pages per thread:
# with 4 harts and 1G the guest thrashes; 2 harts and 2G take a minute.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KVER=${1:?usage: tree-tests.sh KVER}
kver_check "$KVER"
RES=$LAB_OUT/tree-tests-$KVER
rm -rf "$RES"
mkdir -p "$RES"
export SMP=${SMP:-2} MEM=${MEM:-2G}
# The tree's tests provoke SIGILL and SIGSEGV on purpose: keep the
# kernel's register dumps of the crashed processes off the console, where
# they would cut KTAP lines (the lab config has no sysctl to turn them off).
# That hides KERN_WARNING too: guest/klogcheck, run last, looks for
# warnings and worse in the kernel log itself.
export APPEND="${APPEND:-} loglevel=4"

rc=0
for v in base patched; do
	t=$(date +%s)
	log tree-tests "$KVER $v: build"
	build=$(lab_kernel "$KVER" "$v" lab)
	"$LAB_ROOT/lab/kselftest.sh" "$KVER" "$v" "$build" "$RES/$v"
	echo "kernel-log 60 /bin/klogcheck" >"$RES/$v/klog.list"
	"$LAB_ROOT/lab/initramfs.sh" "$RES/$v" "$RES/$v/tree-tests.list" "$RES/$v/klog.list" >/dev/null
	log tree-tests "$KVER $v: boot ($(wc -l <"$RES/$v/tree-tests.list") tests, SMP=$SMP)"
	# boot.sh fails on any failed test; here only kernel trouble and hangs
	# fail a boot, test results are compared below.
	"$LAB_ROOT/lab/boot.sh" "$build/arch/riscv/boot/Image" "$RES/$v/initramfs.cpio" \
		"$RES/$v/console.log" 2>"$RES/$v/boot.stderr" || true
	# (With loglevel=4 the console does not show "Run /init": init's own
	# "lab-init: done" proves it ran.)
	# verdict.sh's reasons: test failures are compared below, not here.
	if grep -E '^verdict: FAIL \[(.*,)?(no-log|timeout|qemu-exit|trouble|init-unfinished|no-poweroff)[],]' \
		"$RES/$v/console.log.verdict" >&2; then
		log tree-tests "$KVER $v: the boot failed (console: $RES/$v/console.log)"
		rc=1
	fi
	log tree-tests "$KVER $v: done in $(($(date +%s) - t))s"
done

"$LAB_ROOT/lab/tree-tests-judge.sh" "$RES/base/console.log" "$RES/patched/console.log" "$RES" \
	"$KVER: $(tree_version "$KVER"), SMP=$SMP"
[ "$rc" = 0 ] || die "tree-tests $KVER: a boot had kernel trouble or did not finish (verdicts: $RES/*/console.log.verdict)" \
	"read the console logs; tests failing on both kernels are listed in $RES/results.txt"
log tree-tests "$KVER: no regressions"
