#!/usr/bin/env bash
# qemu-test.sh: the model's own test, tests/tcg/riscv64/test-stale-tlb.S of
# the qemu/ series, built and run as QEMU's tests/tcg/riscv64 system tests
# run it (Makefile.softmmu-target: semihost.ld, -M virt -semihosting, the
# CPU of STALE_TLB_CPU there), against the model build of lab/qemu.sh.
# It must pass with the model, and fail (check 1) with the model off:
# plain QEMU never raises the faults it checks for. KTAP on stdout.
# QEMU_TEST_BIN=path: run that QEMU instead (a build with a planted defect).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=${QEMU_TEST_BIN:-$("$LAB_ROOT/lab/qemu.sh")}
src=$(ls -d "$LAB_CACHE"/qemu/model-*/tests/tcg/riscv64 | head -n 1)
[ -f "$src/test-stale-tlb.S" ] || die "no test-stale-tlb.S in $src" "bash lab/qemu.sh (applies qemu/)"
out=$LAB_OUT/qemu-test
mkdir -p "$out"
"${CROSS_COMPILE}gcc" -nostdlib -g -c "$src/test-stale-tlb.S" -Wa,--noexecstack -o "$out/test-stale-tlb.o"
"${CROSS_COMPILE}ld" -T "$src/semihost.ld" "$out/test-stale-tlb.o" -o "$out/test-stale-tlb"
cpu=$(sed -n 's/^STALE_TLB_CPU = //p' "$src/Makefile.softmmu-target")
[ -n "$cpu" ] || die "no STALE_TLB_CPU in $src/Makefile.softmmu-target"

# run CPU: the test's exit code (0: every check passed; N: check N failed).
run() {
	local rc=0
	# -bios none: the +ds build has no firmware of its own, and the test
	# needs none.
	timeout 60 "$bin" -M virt -bios none -display none -semihosting -cpu "$1" \
		-device loader,file="$out/test-stale-tlb" >"$out/run.log" 2>&1 || rc=$?
	echo "$rc"
}

ktap_header
ktap_plan 2
rc=$(run "$cpu")
if [ "$rc" = 0 ]; then
	ktap_pass "test-stale-tlb passes with the model ($cpu)"
else
	ktap_fail "test-stale-tlb fails with the model ($cpu): check $rc failed (see the test's comments; $bin)"
fi
rc=$(run "${cpu%%,x-stale-tlb*}")
if [ "$rc" = 1 ]; then
	ktap_pass "test-stale-tlb fails check 1 with the model off, as plain QEMU must"
else
	ktap_fail "test-stale-tlb with the model off: exit $rc, wanted 1 (check 1: no stale fault without the model)"
fi
ktap_totals
ktap_ok
