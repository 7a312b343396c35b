#!/usr/bin/env bash
# lab/qemu-checkpatch.sh must fail on a style error QEMU's checkpatch.pl
# reports, and on a new file no MAINTAINERS entry covers (the docs page
# before patch 3 listed it). Needs the QEMU model's tree (lab/qemu.sh);
# registered in lab/checks.list after qemu-checkpatch.
. "$(dirname "$0")/lib.sh"
S=$T_TMP/qemu
mkdir -p "$S"
cp "$ROOT"/qemu/0*.patch "$S/"
expect_rc 0 "the real series passes" bash "$ROOT/lab/qemu-checkpatch.sh" "$S"
p=$(ls "$S"/0002-*.patch)
cp "$p" "$T_TMP/orig"
# Trailing whitespace on the first line the patch adds to tcg/stale_tlb.c.
awk '!done && /^\+\+\+ b\/target\/riscv\/(tcg\/)?stale_tlb.c/ { f = 1 } f && !done && /^\+[^+]/ { $0 = $0 " "; done = 1 } 1' \
	"$T_TMP/orig" >"$p"
cmp -s "$p" "$T_TMP/orig" && not_ok "the whitespace plant did not apply to $(basename "$p")"
expect_rc 1 "trailing whitespace in patch 2 fails" bash "$ROOT/lab/qemu-checkpatch.sh" "$S"
expect_out "^not ok 2 checkpatch: 0002-" "at patch 2"
expect_out "ERROR: trailing whitespace" "and says what"
cp "$T_TMP/orig" "$p"
p=$(ls "$S"/0003-*.patch)
awk '/^diff --git a\/MAINTAINERS /{ skip = 1; next } /^diff --git / { skip = 0 } !skip' "$ROOT/qemu/$(basename "$p")" >"$p"
grep -q '^diff --git a/MAINTAINERS ' "$p" && not_ok "the MAINTAINERS hunk of $(basename "$p") was not removed"
expect_rc 1 "a new page no MAINTAINERS entry covers fails" bash "$ROOT/lab/qemu-checkpatch.sh" "$S"
expect_out "no MAINTAINERS entry covers: docs/system/riscv/stale-tlb.rst" "and names it"
t_done
