#!/usr/bin/env bash
# lab/qemu-test.sh must fail on a model whose fences drop nothing: the
# qemu/ series with that defect planted is built (its own cached binary,
# an incremental build of about a minute) and the model's test run on it.
# Needs the QEMU build; registered in lab/checks-full.list.
. "$(dirname "$0")/lib.sh"
S=$T_TMP/qemu
cp -r "$ROOT/qemu" "$S"
p=$(ls "$S"/0001-*.patch)
grep -q '^+    if (!n || env->virt_enabled) {$' "$p" || { not_ok "the fence's early return is not where this test plants"; t_done; }
sed -i 's/^+    if (!n || env->virt_enabled) {$/+    if (!n || env->virt_enabled || 1) {/' "$p"
expect_rc 0 "the real model passes its test" bash "$ROOT/lab/qemu-test.sh"
bin=$(LAB_QEMU_SERIES=$S bash "$ROOT/lab/qemu.sh" 2>"$T_TMP/build.log") || { cat "$T_TMP/build.log"; not_ok "the planted model builds"; t_done; }
expect_rc 1 "a model whose fences drop nothing fails it" env QEMU_TEST_BIN="$bin" LAB_OUT="$T_TMP" bash "$ROOT/lab/qemu-test.sh"
expect_out "check 2 failed" "at check 2: a fence between the PTE store and the access"
t_done
