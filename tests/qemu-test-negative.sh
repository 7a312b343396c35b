#!/usr/bin/env bash
# lab/qemu-test.sh must fail on a model whose fences drop nothing, and
# whose seeds 2k and 2k+1 give a hart the same sequence (the seeding before
# issue 21, (seed ^ hartid * K) | 1): the qemu/ series with both defects
# planted is built (its own cached binary; the shared worktree makes it a
# full build, about 10 minutes) and the model's test run on it.
# Needs the QEMU build; registered in lab/checks-full.list.
. "$(dirname "$0")/lib.sh"
S=$T_TMP/qemu
cp -r "$ROOT/qemu" "$S"
p=$(ls "$S"/0001-*.patch)
grep -q '^+    if (!n || env->virt_enabled) {$' "$p" || { not_ok "the fence's early return is not where this test plants"; t_done; }
sed -i 's/^+    if (!n || env->virt_enabled) {$/+    if (!n || env->virt_enabled || 1) {/' "$p"
grep -q '^+    return z ? z : 1;$' "$p" || { not_ok "the seed's return is not where this test plants"; t_done; }
sed -i 's/^+    return z ? z : 1;$/+    return (seed ^ (hartid * 0x9e3779b97f4a7c15ULL)) | 1;/' "$p"
expect_rc 0 "the real model passes its test" bash "$ROOT/lab/qemu-test.sh"
bin=$(LAB_QEMU_SERIES=$S bash "$ROOT/lab/qemu.sh" 2>"$T_TMP/build.log") || { cat "$T_TMP/build.log"; not_ok "the planted model builds"; t_done; }
expect_rc 1 "a model whose fences drop nothing fails it" env QEMU_TEST_BIN="$bin" LAB_OUT="$T_TMP" bash "$ROOT/lab/qemu-test.sh"
expect_out "check 2 failed" "at check 2: a fence between the PTE store and the access"
expect_out "not ok [0-9]+ seeds 2 and 3" "and seeds 2 and 3 make the same choices"
t_done
