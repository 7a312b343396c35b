#!/usr/bin/env bash
# qemu-next.sh: the model series rebased for posting (qemu/next/), on the
# QEMU its cover letter names ("Debian's qemu VERSION": the newest QEMU
# whose source the archive serves; the lab's own runs stay on the
# installed QEMU, qemu/). It must be the lab's series patch for patch (same
# subjects, same order), apply and build there (lab/qemu.sh), pass the
# model's own test on that build (lab/qemu-test.sh) and QEMU's checkpatch
# of that tree (lab/qemu-checkpatch.sh). KTAP on stdout; logs in
# out/qemu-next/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

NEXT=$LAB_ROOT/qemu/next
OUT=$LAB_OUT/qemu-next
mkdir -p "$OUT"
ver=$(tr '\n' ' ' <"$NEXT/0000-cover-letter.patch" | grep -o "Debian's qemu [^ ;,)]*" | head -n 1 | cut -d' ' -f3)
[ -n "$ver" ] || die "qemu/next/0000-cover-letter.patch names no \"Debian's qemu VERSION\"" "say the base in the cover letter"

ktap_header
ktap_plan 4
if diff <(qemu_series_subjects "$LAB_ROOT/qemu") <(qemu_series_subjects "$NEXT") >"$OUT/subjects.diff"; then
	ktap_pass "qemu/next is qemu/ patch for patch ($(qemu_series_subjects "$NEXT" | wc -l) patches)"
else
	ktap_fail "qemu/next is qemu/ patch for patch"
	ktap_diag "$(cat "$OUT/subjects.diff")"
fi
log qemu-next "building the series on qemu $ver"
if bin=$(LAB_QEMU_SOURCE=$ver LAB_QEMU_SERIES=$NEXT "$LAB_ROOT/lab/qemu.sh" 2> >(tee "$OUT/build.log" >&2)); then
	ktap_pass "qemu/next applies to and builds on qemu $ver"
	if QEMU_TEST_BIN=$bin LAB_OUT=$OUT "$LAB_ROOT/lab/qemu-test.sh" >"$OUT/qemu-test.ktap" 2>"$OUT/qemu-test.log"; then
		ktap_pass "the model's test passes on it ($(grep -c '^ok ' "$OUT/qemu-test.ktap") checks)"
	else
		ktap_fail "the model's test passes on it"
		ktap_diag "$(grep '^not ok' "$OUT/qemu-test.ktap" | head -n 10) (log: $OUT/qemu-test.ktap)"
	fi
	if bash "$LAB_ROOT/lab/qemu-checkpatch.sh" "$NEXT" "$(cat "$(dirname "$bin")/source")" >"$OUT/checkpatch.ktap" 2>&1; then
		ktap_pass "QEMU's checkpatch of qemu $ver passes it"
	else
		ktap_fail "QEMU's checkpatch of qemu $ver passes it"
		ktap_diag "$(grep -A3 '^not ok' "$OUT/checkpatch.ktap" | head -n 20) (log: $OUT/checkpatch.ktap)"
	fi
else
	ktap_fail "qemu/next applies to and builds on qemu $ver"
	ktap_diag "log: $OUT/build.log; if the archive no longer serves qemu $ver, rebase qemu/next on the newest it does (lab/apt.sh: lab_apt_cache showsrc qemu)"
	ktap_skip "the model's test passes on it" "no build"
	ktap_skip "QEMU's checkpatch of qemu $ver passes it" "no build"
fi
ktap_totals
ktap_ok
